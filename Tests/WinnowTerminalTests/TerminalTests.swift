import Foundation
import WinnowCore
import WinnowTestSupport
import WinnowTUI
import XCTest
@testable import WinnowTerminal

/// The ncurses layer on a real `newterm` that draws to /dev/null.
final class TerminalTests: XCTestCase {
    func withTerminal(depth: ColorDepth, term: String = "xterm-256color", _ body: (Terminal) throws -> Void) throws {
        guard let output = fopen("/dev/null", "w"), let input = fopen("/dev/null", "r") else { return XCTFail("no /dev/null") }
        defer {
            fclose(output)
            fclose(input)
        }
        let terminal = try Terminal(input: input, output: output, termName: term, forcedDepth: depth)
        defer { terminal.close() }
        try body(terminal)
    }

    /// A long session of colourful previews never runs out of colour pairs: when ncurses has
    /// no more, they are released and numbered again.
    func testColourPairsAreRecycledWhenExhausted() throws {
        try withTerminal(depth: .trueColor, term: "xterm-direct") { terminal in
            var limit = 0
            var sawReset = false
            var previous = 0
            for frame in 0..<16 {
                var screen = ScreenBuffer(width: 80, height: 60)
                for index in 0..<(80 * 60) {
                    let combo = frame * 80 * 60 + index
                    let style = Style(fg: .rgb(UInt8(combo % 256), UInt8((combo / 256) % 256), UInt8(combo / 65536)), bg: .rgb(9, 9, 9))
                    screen[index % 80, index / 80] = Cell(text: "▀", style: style)
                }
                terminal.draw(screen)
                if terminal.pairsInUse < previous { sawReset = true }
                previous = terminal.pairsInUse
                limit = max(limit, terminal.pairsInUse)
            }
            XCTAssertTrue(sawReset, "76,800 colour combinations exceed the pairs: numbering started over")
            XCTAssertLessThanOrEqual(limit, 65_535)
            XCTAssertGreaterThan(terminal.pairsInUse, 0)
        }
    }

    /// The same colours in every cell need one pair, however many frames.
    func testPairsAreReused() throws {
        try withTerminal(depth: .indexed256) { terminal in
            for _ in 0..<50 {
                var screen = ScreenBuffer(width: 40, height: 10)
                screen.put("hello", x: 0, y: 0, style: Style(fg: .indexed(200), bg: .indexed(17)))
                terminal.draw(screen)
            }
            XCTAssertEqual(terminal.pairsInUse, 1)
        }
    }

    /// Rows go into ncurses in runs; every character still lands at its own column: after a
    /// wide character, and after characters whose width the C library sees differently from
    /// the screen buffer, which are placed one by one: U+0378 is unassigned (glibc -1, the
    /// buffer 1), U+1FAE8 is a Unicode 15 emoji (glibc 2.36 -1, the buffer 2).
    func testRowsLandAtTheirColumns() throws {
        // ncurses places wide characters only in a UTF-8 locale; the terminal takes it from the
        // environment. Both are put back afterwards.
        let saved = getenv("LC_ALL").map { String(cString: $0) }
        let savedLocale = setlocale(LC_ALL, nil).map { String(cString: $0) }
        setenv("LC_ALL", "C.UTF-8", 1)
        defer {
            if let saved { setenv("LC_ALL", saved, 1) } else { unsetenv("LC_ALL") }
            if let savedLocale { setlocale(LC_ALL, savedLocale) }
        }
        try withTerminal(depth: .indexed256) { terminal in
            var screen = ScreenBuffer(width: 20, height: 2)
            screen.put("a漢b\u{378}cd▀e\u{1FAE8}f", x: 0, y: 0, style: Style(fg: .indexed(200), bg: .indexed(17)))
            screen.put("xyz", x: 2, y: 1, style: .plain)
            terminal.draw(screen)
            let expected: [(Int, String)] = [(0, "a"), (1, "漢"), (3, "b"), (5, "c"), (6, "d"), (7, "▀"), (8, "e"), (9, "\u{1FAE8}"), (11, "f"), (12, " ")]
            for (x, text) in expected {
                XCTAssertEqual(terminal.cell(x: x, y: 0)?.text, text, "column \(x)")
            }
            XCTAssertEqual((0..<6).map { terminal.cell(x: $0, y: 1)?.text ?? "?" }.joined(), "  xyz ")
            let coloured = try XCTUnwrap(terminal.cell(x: 0, y: 0)?.pair)
            XCTAssertGreaterThan(coloured, 0)
            XCTAssertEqual(terminal.cell(x: 8, y: 0)?.pair, coloured)
            XCTAssertEqual(terminal.cell(x: 12, y: 0)?.pair, 0)

            // The next frame overwrites the wide character with narrow ones.
            screen.put("pqrstu", x: 0, y: 0, style: .plain)
            terminal.draw(screen)
            XCTAssertEqual((0..<6).map { terminal.cell(x: $0, y: 0)?.text ?? "?" }.joined(), "pqrstu")
        }
    }

    /// Palette pairs (from a flat table) and true-colour pairs (from a dictionary) are each
    /// made once and counted together.
    func testPalettePairsAndTrueColourPairsAreReused() throws {
        try withTerminal(depth: .trueColor, term: "xterm-direct") { terminal in
            let styles = [Style(fg: .ansi(2), bg: .default), Style(fg: .rgb(10, 200, 30), bg: .rgb(1, 2, 250)),
                          Style(fg: .default, bg: .ansi(4))]
            for _ in 0..<20 {
                var screen = ScreenBuffer(width: 10, height: 3)
                for (row, style) in styles.enumerated() { screen.put("x", x: 0, y: row, style: style) }
                terminal.draw(screen)
            }
            XCTAssertEqual(terminal.pairsInUse, 3)
            let pairs = (0..<3).compactMap { terminal.cell(x: 0, y: $0)?.pair }
            XCTAssertEqual(Set(pairs).count, 3)
            XCTAssertFalse(pairs.contains(0))
        }
    }

    /// On a direct-colour terminal palette colours become RGB values, near-black ones raised to 8.
    func testDirectColourNumbers() throws {
        try withTerminal(depth: .trueColor) { terminal in
            XCTAssertEqual(terminal.colorNumber(.ansi(2)), 2)
            XCTAssertEqual(terminal.colorNumber(.indexed(196)), 0xFF0000)
            XCTAssertEqual(terminal.colorNumber(.rgb(0, 0, 1)), 8)
            XCTAssertEqual(terminal.colorNumber(.default), -1)
        }
    }

    /// `winnow bench ui` runs its whole script on a small store (a smoke test of the command's
    /// code path; the numbers themselves are for docs/benchmarks.md, not asserted).
    func testUIBenchRunsItsScript() throws {
        let scratch = try Scratch()
        let store = try scratch.store()
        var options = ImportOptions(path: TestPaths.sampleData.appendingPathComponent("demo.json").path)
        options.imageRoot = TestPaths.sampleData.path
        _ = try Importer(store: store).run(options)
        let report = try UIBench.run(store: store, search: "espresso", filters: ["status:pending"], sorts: ["status"], scale: 0.05)
        XCTAssertEqual(report.items, 63)
        XCTAssertEqual(Set(report.series.map(\.name)).count, report.series.count)
        XCTAssertTrue(report.series.allSatisfy { !$0.times.isEmpty || $0.name.hasPrefix("count") }, "\(report.series.map(\.name))")
        XCTAssertTrue(report.finalPosition.hasSuffix("/ 63"), report.finalPosition)
    }
}
