import Foundation
import XCTest
@testable import WinnowTUI

final class CompareKeymapTests: XCTestCase {
    func testDefaultPairwiseBindings() {
        let map = Keymap.default
        let expected: [(KeyPress, PairCommand)] = [
            (.char("1"), .leftBetter), (.char("2"), .rightBetter), (.char("3"), .tie), (.char("s"), .skip),
            (.char("u"), .undo), (.char("n"), .note), (.char("m"), .revealModels), (.char("c"), .toggleCaption),
            (.tab, .nextPane), (.backTab, .previousPane), (.char("j"), .scrollDown), (.down, .scrollDown),
            (.char("k"), .scrollUp), (.up, .scrollUp), (.char(" "), .pageDown), (.pageDown, .pageDown), (.pageUp, .pageUp),
            (.char("]"), .nextPair), (.char("["), .previousPair), (.char("?"), .help), (.ctrl("l"), .refresh), (.char("q"), .quit),
        ]
        for (key, command) in expected {
            XCTAssertEqual(map.compareCommand(for: key), command, "\(key)")
        }
        for command in PairCommand.allCases {
            XCTAssertFalse(map.keys(for: command).isEmpty, "\(command.rawValue) has no key in the compare context")
            XCTAssertFalse(command.summary.isEmpty)
        }
        XCTAssertNil(map.compareCommand(for: .char("a")), "review keys do not leak into the pairwise view")
        XCTAssertNil(map.command(for: .char("1"), contexts: [.detail, .search]), "nor pairwise keys into the review")
        XCTAssertNil(map.command(for: .char("m"), contexts: []))
    }

    func testAUserKeymapRebindsThePairwiseView() throws {
        let map = try Keymap.parse("""
            bind compare x tie
            unbind compare 3
            bind compare 1 right-better   # left-handed
            """, file: "my.keys", base: .default)
        XCTAssertEqual(map.compareCommand(for: .char("x")), .tie)
        XCTAssertNil(map.compareCommand(for: .char("3")))
        XCTAssertEqual(map.compareCommand(for: .char("1")), .rightBetter)
        XCTAssertEqual(map.keys(for: .rightBetter), [.char("1"), .char("2")], "a rebound key keeps its place")
        XCTAssertEqual(map.command(for: .char("x"), contexts: []), nil, "compare bindings stay in their context")
    }

    func testPairwiseMistakesNameFileAndLine() {
        XCTAssertThrowsError(try Keymap.parse("\nbind compare 4 tei", file: "my.keys", base: .default)) { error in
            XCTAssertEqual("\(error)", "my.keys:2: Unknown command “tei” in the compare context. Did you mean “tie”?")
        }
        XCTAssertThrowsError(try Keymap.parse("bind compare 4 accept", file: "my.keys", base: .default)) { error in
            XCTAssertTrue("\(error)".hasPrefix("my.keys:1: Unknown command “accept” in the compare context. Its commands: left-better"), "\(error)")
        }
    }

    func testDocsListThePairwiseKeys() {
        let docs = Keymap.markdownReference()
        XCTAssertTrue(docs.contains("## Pairwise view (`compare` context)"))
        for command in PairCommand.allCases {
            XCTAssertTrue(docs.contains("`\(command.rawValue)` | \(command.summary)"), command.rawValue)
        }
    }
}
