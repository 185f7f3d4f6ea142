import Foundation
import XCTest
@testable import WinnowTUI

final class ThemeTests: XCTestCase {
    /// The repository root, found through this file (resolving the symlinks of a scratch package).
    private let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-theme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private func assertThrows(_ text: String, file: String = "t.theme", line expectedLine: Int, mentioning words: [String],
                              sourceLine: UInt = #line) {
        XCTAssertThrowsError(try Theme.parse(text, name: "t", file: file), line: sourceLine) { error in
            guard case let ThemeError.invalidLine(errorFile, errorLine, message) = error else {
                return XCTFail("unexpected error \(error)", line: sourceLine)
            }
            XCTAssertEqual(errorFile, file, line: sourceLine)
            XCTAssertEqual(errorLine, expectedLine, line: sourceLine)
            XCTAssertTrue("\(error)".hasPrefix("\(file):\(expectedLine): "), "\(error)", line: sourceLine)
            XCTAssertTrue(message.hasSuffix(".") || message.hasSuffix("?"), "a whole sentence: \(message)", line: sourceLine)
            for word in words {
                XCTAssertTrue(message.contains(word), "“\(message)” should mention \(word)", line: sourceLine)
            }
        }
    }

    func testEveryShippedThemeParsesAndSetsEveryRole() throws {
        XCTAssertEqual(Theme.builtinNames, ["dark", "light", "high-contrast", "mono"])
        for name in Theme.builtinNames {
            let path = root.appendingPathComponent("themes/\(name).theme").path
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let theme = try Theme.parse(text, name: name, file: path)
            XCTAssertEqual(Set(theme.styles.keys), Set(Role.allCases), "\(name) sets every role")
            XCTAssertEqual(try Theme.load(name, themesDirectory: nil), theme)
            XCTAssertEqual(Theme.builtin(name), theme)
            XCTAssertNotEqual(theme.style(.listSelected), theme.style(.listRow), "\(name): the selection stands out")
            XCTAssertNotEqual(theme.style(.verdictAccepted), theme.style(.verdictRejected), name)
        }
    }

    func testBuiltinCopiesAreIdenticalToTheFiles() throws {
        for name in Theme.builtinNames {
            let text = try String(contentsOfFile: root.appendingPathComponent("themes/\(name).theme").path, encoding: .utf8)
            XCTAssertEqual(Theme.builtinTexts[name], text, """
                themes/\(name).theme differs from its compiled-in copy in Sources/WinnowTUI/Theme.swift \
                (Theme.builtinTexts): copy the file's content into the constant.
                """)
        }
    }

    func testMonoThemeHasNoColours() throws {
        let mono = try Theme.load("mono", themesDirectory: nil)
        for role in Role.allCases {
            XCTAssertEqual(mono.style(role).fg, .default)
            XCTAssertEqual(mono.style(role).bg, .default)
        }
    }

    func testParsesColoursAndAttributes() throws {
        let theme = try Theme.parse("""
            # a comment
            normal = default
            list.selected = bright-white on blue bold   # trailing comment
            score.bad = #FF0000 underline
            meta = color244 dim
            caption = color3
            warning = bold reverse
            search.match = on yellow
            """, name: "t", file: "t.theme")
        XCTAssertEqual(theme.style(.normal), .plain)
        XCTAssertEqual(theme.style(.listSelected), Style(fg: .ansi(15), bg: .ansi(4), bold: true))
        XCTAssertEqual(theme.style(.scoreBad), Style(fg: .rgb(255, 0, 0), underline: true))
        XCTAssertEqual(theme.style(.meta), Style(fg: .indexed(244), dim: true))
        XCTAssertEqual(theme.style(.caption), Style(fg: .ansi(3)), "color0–15 are the palette colours")
        XCTAssertEqual(theme.style(.warning), Style(bold: true, reverse: true))
        XCTAssertEqual(theme.style(.searchMatch), Style(bg: .ansi(3)))
    }

    func testStyleDescriptionRoundTrips() throws {
        let styles = [Style.plain, Style(fg: .ansi(9), bg: .indexed(236), bold: true, dim: true, italic: true, underline: true, reverse: true),
                      Style(fg: .rgb(1, 2, 255)), Style(bg: .ansi(0))]
        for style in styles {
            let theme = try Theme.parse("normal = \(style)", name: "t", file: "t.theme")
            XCTAssertEqual(theme.style(.normal), style, "\(style)")
        }
    }

    func testUnsetRolesFallBackToParentThenNormal() throws {
        let theme = try Theme.parse("""
            normal = white
            pane.title = yellow
            list.selected = reverse
            """, name: "t", file: "t.theme")
        XCTAssertEqual(theme.style(.paneTitleFocused), Style(fg: .ansi(3)))
        XCTAssertEqual(theme.style(.listSelectedUnfocused), Style(reverse: true))
        XCTAssertEqual(theme.style(.statusError), Style(fg: .ansi(7)))
        XCTAssertEqual(Theme(name: "empty").style(.meta), .plain)
    }

    func testInheritStartsFromAnotherTheme() throws {
        let dark = try XCTUnwrap(Theme.builtin("dark"))
        let theme = try Theme.parse("score.bad = magenta\ninherit = dark\n", name: "mine", file: "mine.theme")
        XCTAssertEqual(theme.name, "mine")
        XCTAssertEqual(theme.style(.scoreBad), Style(fg: .ansi(5)), "own lines win wherever they are")
        XCTAssertEqual(theme.style(.listSelected), dark.style(.listSelected))
    }

    func testErrorsNameFileAndLine() {
        assertThrows("normal = default\nlist.selectd = red\n", line: 2, mentioning: ["list.selectd", "list.selected", "verdict.rejected"])
        assertThrows("\n\nnormal = reddish", file: "themes/x.theme", line: 3, mentioning: ["reddish", "#rrggbb", "color255", "bright-"])
        assertThrows("normal = color256", line: 1, mentioning: ["color256"])
        assertThrows("normal = #12345", line: 1, mentioning: ["#12345"])
        assertThrows("normal = red blue", line: 1, mentioning: ["on blue"])
        assertThrows("normal = red on", line: 1, mentioning: ["background"])
        assertThrows("normal red", line: 1, mentioning: ["ROLE = STYLE"])
        assertThrows("normal =", line: 1, mentioning: ["no style"])
        assertThrows("normal = blink", line: 1, mentioning: ["blink", "underline"])
        assertThrows("inherit = nope", line: 1, mentioning: ["nope", "dark"])
        assertThrows("inherit = dark\ninherit = light", line: 2, mentioning: ["line 1"])
    }

    func testLoadFindsFilesAndResolvesInheritance() throws {
        let directory = try temporaryDirectory()
        try "inherit = base\nscore.bad = magenta\n".write(to: directory.appendingPathComponent("mine.theme"), atomically: true, encoding: .utf8)
        try "inherit = light\nnormal = blue\n".write(to: directory.appendingPathComponent("base.theme"), atomically: true, encoding: .utf8)
        try "inherit = dark\nnormal = red\n".write(to: directory.appendingPathComponent("dark.theme"), atomically: true, encoding: .utf8)

        let mine = try Theme.load("mine", themesDirectory: directory.path)
        XCTAssertEqual(mine.name, "mine")
        XCTAssertEqual(mine.style(.scoreBad), Style(fg: .ansi(5)))
        XCTAssertEqual(mine.style(.normal), Style(fg: .ansi(4)))
        XCTAssertEqual(mine.style(.roleHuman), Theme.builtin("light")?.style(.roleHuman))

        let byPath = try Theme.load(directory.appendingPathComponent("mine.theme").path, themesDirectory: nil)
        XCTAssertEqual(byPath, mine, "inherit looks beside the file")

        let overridden = try Theme.load("dark", themesDirectory: directory.path)
        XCTAssertEqual(overridden.style(.normal), Style(fg: .ansi(1)), "a theme file wins over the built-in of that name")
        XCTAssertEqual(overridden.style(.listSelected), Theme.builtin("dark")?.style(.listSelected), "and can inherit from it")

        XCTAssertThrowsError(try Theme.load("missing", themesDirectory: directory.path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("missing") && text.contains("mine") && text.contains("high-contrast"), text)
        }
        XCTAssertThrowsError(try Theme.load(directory.appendingPathComponent("nope.theme").path, themesDirectory: nil))
    }

    func testInheritanceCyclesAreErrors() throws {
        let directory = try temporaryDirectory()
        try "inherit = b\n".write(to: directory.appendingPathComponent("a.theme"), atomically: true, encoding: .utf8)
        try "normal = red\ninherit = a\n".write(to: directory.appendingPathComponent("b.theme"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try Theme.load("a", themesDirectory: directory.path)) { error in
            guard case let ThemeError.invalidLine(file, line, message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(file.hasSuffix("b.theme"), file)
            XCTAssertEqual(line, 2)
            XCTAssertTrue(message.contains("cycle"), message)
        }
    }

    func testAdaptedToMonoHasNoColoursButKeepsThingsDistinguishable() throws {
        for name in Theme.builtinNames {
            let mono = try XCTUnwrap(Theme.builtin(name)).adapted(to: .mono)
            for role in Role.allCases {
                XCTAssertEqual(mono.style(role).fg, .default, "\(name) \(role)")
                XCTAssertEqual(mono.style(role).bg, .default, "\(name) \(role)")
            }
            XCTAssertNotEqual(mono.style(.listSelected), mono.style(.listRow), name)
            XCTAssertNotEqual(mono.style(.verdictAccepted), mono.style(.verdictRejected), name)
            XCTAssertNotEqual(mono.style(.verdictRejected), mono.style(.verdictPending), name)
            XCTAssertTrue(mono.style(.statusBar).reverse, name)
        }
        let colourOnly = try Theme.parse("list.selected = white on blue", name: "c", file: "c.theme").adapted(to: .mono)
        XCTAssertTrue(colourOnly.style(.listSelected).reverse, "a selection shown by colour alone gets mono's attributes")
    }

    func testAdaptedTo256MapsRGBToIndexed() throws {
        let theme = try Theme.parse("""
            normal = #ff0000
            meta = #808080 on #000000
            caption = color200
            dim = bright-black
            """, name: "t", file: "t.theme")
        let adapted = theme.adapted(to: .indexed256)
        XCTAssertEqual(adapted.style(.normal).fg, .indexed(196))
        XCTAssertEqual(adapted.style(.meta).fg, .indexed(244))
        XCTAssertEqual(adapted.style(.meta).bg, .indexed(16))
        XCTAssertEqual(adapted.style(.caption).fg, .indexed(200), "indexed colours stay")
        XCTAssertEqual(adapted.style(.dim).fg, .ansi(8), "palette colours stay")
        XCTAssertEqual(theme.adapted(to: .trueColor), theme)
        for role in Role.allCases {
            if case .rgb = adapted.style(role).fg { XCTFail("\(role) still has an RGB colour") }
            if case .rgb = adapted.style(role).bg { XCTFail("\(role) still has an RGB colour") }
        }
    }

    func testColourMappingToFewerColours() {
        XCTAssertEqual(Color.rgb(255, 0, 0).mapped(to: .ansi16), .ansi(9))
        XCTAssertEqual(Color.rgb(0, 0, 200).mapped(to: .ansi16), .ansi(4))
        XCTAssertEqual(Color.indexed(196).mapped(to: .ansi16), .ansi(9))
        XCTAssertEqual(Color.indexed(3).mapped(to: .ansi16), .ansi(3))
        XCTAssertEqual(Color.ansi(9).mapped(to: .ansi8), .ansi(1), "bright colours lose their brightness")
        XCTAssertEqual(Color.ansi(8).mapped(to: .ansi8), .default, "grey has no 8-colour counterpart")
        XCTAssertEqual(Color.rgb(0, 200, 0).mapped(to: .ansi8), .ansi(2))
        XCTAssertEqual(Color.ansi(2).mapped(to: .mono), .default)
        XCTAssertEqual(Color.default.mapped(to: .ansi8), .default)
        XCTAssertEqual(Color.rgb(95, 135, 175).mapped(to: .indexed256), .indexed(67), "an exact cube colour")
        XCTAssertEqual(Color.rgb(238, 238, 238).mapped(to: .indexed256), .indexed(255), "an exact grey")
        XCTAssertEqual(Theme.builtin("dark")?.adapted(to: .ansi8).styles.values.contains {
            if case .ansi(let n) = $0.fg, n >= 8 { return true }
            if case .ansi(let n) = $0.bg, n >= 8 { return true }
            return false
        }, false, "8 colours use only colours 0–7")
    }

    func testColorDepthDetection() {
        XCTAssertEqual(ColorDepth(colorCount: 0), .mono)
        XCTAssertEqual(ColorDepth(colorCount: 8), .ansi8)
        XCTAssertEqual(ColorDepth(colorCount: 16), .ansi16)
        XCTAssertEqual(ColorDepth(colorCount: 256), .indexed256)
        XCTAssertEqual(ColorDepth(colorCount: 16_777_216), .trueColor)
        XCTAssertEqual(ColorDepth.detect(colorCount: 256, environment: ["NO_COLOR": "1"]), .mono)
        XCTAssertEqual(ColorDepth.detect(colorCount: 256, environment: ["NO_COLOR": ""]), .indexed256)
        XCTAssertLessThan(ColorDepth.ansi8, ColorDepth.trueColor)
    }
}

final class DirectColorTests: XCTestCase {
    /// Direct-colour terminals read 0–7 as ANSI colours and everything else as 0xRRGGBB.
    func testDirectColourNumbers() {
        XCTAssertNil(Color.default.directColorNumber)
        XCTAssertEqual(Color.ansi(1).directColorNumber, 1)
        XCTAssertEqual(Color.ansi(9).directColorNumber, 0xFF0000, "bright red by xterm's palette")
        XCTAssertEqual(Color.indexed(196).directColorNumber, 0xFF0000)
        XCTAssertEqual(Color.indexed(232).directColorNumber, 0x080808)
        XCTAssertEqual(Color.rgb(0, 0, 3).directColorNumber, 8, "near-black is raised out of the ANSI range")
        XCTAssertEqual(Color.rgb(0x12, 0x34, 0x56).directColorNumber, 0x123456)
    }
}
