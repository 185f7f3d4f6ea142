import Foundation
import XCTest
@testable import WinnowTUI

final class KeymapTests: XCTestCase {
    /// The repository root, found through this file (resolving the symlinks of a scratch package).
    private let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private func assertThrows(_ text: String, line expectedLine: Int, mentioning words: [String], sourceLine: UInt = #line) {
        XCTAssertThrowsError(try Keymap.parse(text, file: "my.keys", base: .default), line: sourceLine) { error in
            guard case let KeymapError.invalidLine(file, line, message) = error else {
                return XCTFail("unexpected error \(error)", line: sourceLine)
            }
            XCTAssertEqual(file, "my.keys", line: sourceLine)
            XCTAssertEqual(line, expectedLine, line: sourceLine)
            XCTAssertTrue("\(error)".hasPrefix("my.keys:\(expectedLine): "), "\(error)", line: sourceLine)
            for word in words {
                XCTAssertTrue(message.contains(word), "“\(message)” should mention \(word)", line: sourceLine)
            }
        }
    }

    func testDefaultTextIsTheDefaultKeymapFile() throws {
        let file = try String(contentsOfFile: root.appendingPathComponent("keymaps/default.keys").path, encoding: .utf8)
        XCTAssertEqual(Keymap.defaultText, file, """
            keymaps/default.keys differs from Keymap.defaultText in Sources/WinnowTUI/Keymap.swift: \
            copy the file's content into the constant.
            """)
        XCTAssertEqual(try Keymap.parse(file, file: "keymaps/default.keys"), Keymap.default)
        XCTAssertNotEqual(Keymap.default, Keymap(), "the default keymap parses")
    }

    func testEveryCommandIsBound() {
        for command in Command.allCases {
            let keys = KeyContext.allCases.flatMap { Keymap.default.keys(for: command, in: $0) }
            XCTAssertFalse(keys.isEmpty, "\(command.rawValue) has no key in keymaps/default.keys")
        }
    }

    func testEveryCommandHasAGroupAndSummary() {
        for command in Command.allCases {
            XCTAssertTrue(Command.groups.contains(command.group), command.rawValue)
            XCTAssertFalse(command.summary.isEmpty)
            XCTAssertFalse(command.summary.contains("\n"))
        }
    }

    func testDefaultBindings() {
        let map = Keymap.default
        let global: [(KeyPress, Command)] = [
            (.char("j"), .moveDown), (.down, .moveDown), (.char("k"), .moveUp), (.up, .moveUp),
            (.pageDown, .pageDown), (.ctrl("d"), .pageDown), (.char(" "), .pageDown), (.pageUp, .pageUp), (.ctrl("u"), .pageUp),
            (.char("g"), .first), (.home, .first), (.char("G"), .last), (.end, .last), (.enter, .focusDetail), (.tab, .switchPane),
            (.char("a"), .accept), (.char("r"), .reject), (.char("s"), .skip), (.char("u"), .undo), (.char("U"), .redo),
            (.char("e"), .edit), (.char("E"), .editItem), (.char("n"), .note), (.char("/"), .search), (.char("f"), .filter),
            (.char("o"), .sort), (.char("c"), .toggleCaption), (.char("?"), .help), (.char(":"), .commandLine),
            (.char("h"), .histogram), (.char("B"), .bulkDecide), (.char("C"), .chooseColumns), (.char("z"), .previewFullscreen),
            (.ctrl("l"), .refresh), (.char("q"), .quit),
        ]
        for (key, command) in global {
            XCTAssertEqual(map.command(for: key, contexts: []), command, "\(key)")
        }
        XCTAssertEqual(map.command(for: .char("n"), contexts: [.search]), .searchNext)
        XCTAssertEqual(map.command(for: .char("N"), contexts: [.search]), .searchPrevious)
        XCTAssertEqual(map.command(for: .escape, contexts: [.search]), .endSearch)
        XCTAssertEqual(map.command(for: .char("j"), contexts: [.detail]), .scrollDetailDown)
        XCTAssertEqual(map.command(for: .up, contexts: [.detail]), .scrollDetailUp)
        XCTAssertEqual(map.command(for: .escape, contexts: [.detail]), .switchPane)
        XCTAssertNil(map.command(for: .escape, contexts: []))
        XCTAssertNil(map.command(for: .char("x"), contexts: [.detail, .search]))
    }

    func testContextPrecedence() {
        let map = Keymap.default
        XCTAssertEqual(map.command(for: .char("n"), contexts: []), .note)
        XCTAssertEqual(map.command(for: .char("n"), contexts: [.detail]), .note, "falls through to global")
        XCTAssertEqual(map.command(for: .char("n"), contexts: [.detail, .search]), .searchNext)
        XCTAssertEqual(map.command(for: .escape, contexts: [.search, .detail]), .endSearch, "the first context wins")
        XCTAssertEqual(map.command(for: .escape, contexts: [.detail, .search]), .switchPane)
        XCTAssertEqual(map.command(for: .char("a"), contexts: [.detail, .search]), .accept)
    }

    func testUserFileOverridesAndUnbinds() throws {
        let map = try Keymap.parse("""
            # mine
            unbind global r
            bind global x      reject     # reject with x
            bind global j      move-up
            bind detail q      switch-pane
            bind global hash   help
            unbind global F5
            """, file: "my.keys", base: .default)
        XCTAssertNil(map.command(for: .char("r"), contexts: []))
        XCTAssertEqual(map.command(for: .char("x"), contexts: []), .reject)
        XCTAssertEqual(map.command(for: .char("j"), contexts: []), .moveUp)
        XCTAssertEqual(map.command(for: .char("j"), contexts: [.detail]), .scrollDetailDown, "detail still wins")
        XCTAssertEqual(map.command(for: .char("q"), contexts: [.detail]), .switchPane)
        XCTAssertEqual(map.command(for: .char("q"), contexts: []), .quit)
        XCTAssertEqual(map.command(for: .char("#"), contexts: []), .help)
        XCTAssertEqual(map.keys(for: .reject, in: .global), [.char("x")])
        XCTAssertEqual(map.keys(for: .moveDown, in: .global), [.down])
        XCTAssertEqual(map.command(for: .char("a"), contexts: []), .accept, "the rest of the default stays")

        let empty = try Keymap.parse("bind global x quit", file: "my.keys")
        XCTAssertNil(empty.command(for: .char("q"), contexts: []), "without a base the keymap starts empty")
    }

    func testRebindingKeepsOrderAndUnbindingEverythingIsEmpty() throws {
        var map = Keymap()
        map.bind(.char("a"), to: .accept, in: .global)
        map.bind(.char("b"), to: .accept, in: .global)
        map.bind(.char("a"), to: .accept, in: .global)
        XCTAssertEqual(map.keys(for: .accept, in: .global), [.char("a"), .char("b")])
        map.unbind(.char("a"), in: .global)
        map.unbind(.char("b"), in: .global)
        XCTAssertEqual(map, Keymap())
    }

    func testErrorsNameFileAndLine() {
        assertThrows("bind global x acept", line: 1, mentioning: ["acept", "accept"])
        assertThrows("\n\nbind global x rejct", line: 3, mentioning: ["Unknown command “rejct”. Did you mean “reject”?"])
        assertThrows("\nbind global x serch-next", line: 2, mentioning: ["search-next"])
        assertThrows("bind global x frobnicate", line: 1, mentioning: ["frobnicate", "move-down", "quit"])
        assertThrows("bind everywhere x quit", line: 1, mentioning: ["everywhere", "global", "search", "detail"])
        assertThrows("bind global ctrl-5 quit", line: 1, mentioning: ["ctrl-5", "ctrl-a"])
        assertThrows("bind global x", line: 1, mentioning: ["bind CONTEXT KEY COMMAND"])
        assertThrows("unbind global", line: 1, mentioning: ["unbind CONTEXT KEY"])
        assertThrows("map global x quit", line: 1, mentioning: ["map", "bind"])
        assertThrows("bind global # quit", line: 1, mentioning: ["bind CONTEXT KEY COMMAND"])
    }

    func testKeyNamesRoundTrip() {
        let keys: [KeyPress] = [.char("j"), .char("J"), .char("?"), .char(" "), .char("#"), .char("é"), .ctrl("d"),
                                .up, .down, .left, .right, .pageUp, .pageDown, .home, .end, .enter, .tab, .backTab,
                                .backspace, .delete, .escape, .function(1), .function(12)]
        for key in keys {
            XCTAssertEqual(KeyPress(name: key.description), key, key.description)
        }
        XCTAssertEqual(KeyPress.char(" ").description, "space")
        XCTAssertEqual(KeyPress.backTab.description, "backtab")
        XCTAssertEqual(KeyPress.ctrl("d").description, "ctrl-d")
        XCTAssertEqual(KeyPress(name: "CTRL-D"), .ctrl("d"))
        XCTAssertEqual(KeyPress(name: "Enter"), .enter)
        XCTAssertEqual(KeyPress(name: "ctrl-i"), .tab)
        XCTAssertEqual(KeyPress(name: "F1"), .function(1))
        XCTAssertNil(KeyPress(name: "resize"))
        XCTAssertNil(KeyPress(name: "f0"))
        XCTAssertNil(KeyPress(name: "ctrl-"))
        XCTAssertNil(KeyPress(name: "nonsense"))
        XCTAssertEqual(KeyPress.control(4), .ctrl("d"))
        XCTAssertEqual(KeyPress.control(9), .tab)
        XCTAssertEqual(KeyPress.control(127), .backspace)
        XCTAssertNil(KeyPress.control(65))
    }

    func testHelpLinesAreGroupedAndListEveryCommand() {
        let lines = Keymap.default.helpLines()
        XCTAssertEqual(Set(lines.map(\.command)), Set(Command.allCases))
        XCTAssertEqual(lines.count, Command.allCases.count)
        let groups = lines.map(\.command.group)
        var seen: [String] = []
        for group in groups where seen.last != group {
            XCTAssertFalse(seen.contains(group), "group \(group) appears twice")
            seen.append(group)
        }
        XCTAssertEqual(seen, Command.groups)
        let byCommand = Dictionary(lines.map { ($0.command, $0.keys) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(byCommand[.moveDown], "j, down")
        XCTAssertEqual(byCommand[.pageDown], "pgdn, ctrl-d, space")
        XCTAssertEqual(byCommand[.switchPane], "tab; esc (detail)")
        XCTAssertEqual(byCommand[.searchNext], "n (search)")
    }

    func testDocsKeysMarkdownIsUpToDate() throws {
        let path = root.appendingPathComponent("docs/keys.md").path
        let generated = Keymap.markdownReference()
        if ProcessInfo.processInfo.environment["WINNOW_RECORD_DOCS"] == "1" {
            try generated.write(toFile: path, atomically: true, encoding: .utf8)
        }
        let onDisk = try? String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(onDisk, generated, """
            docs/keys.md is out of date with Command and keymaps/default.keys. \
            Regenerate it with `WINNOW_RECORD_DOCS=1 swift test --filter KeymapTests`.
            """)
        for command in Command.allCases {
            XCTAssertTrue(generated.contains("`\(command.rawValue)`"), command.rawValue)
        }
    }
}
