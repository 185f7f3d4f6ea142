import Foundation
import WinnowTestSupport
import XCTest
@testable import WinnowCore

final class ScoreProfileTests: XCTestCase {
    func testShippedDefaultProfileIsTheBuiltinOne() throws {
        let path = TestPaths.repository.appendingPathComponent("profiles/default.toml").path
        XCTAssertEqual(try ScoreProfile.load(path: path), ScoreProfile.builtin)
    }

    func testLevelsInBothDirections() {
        let profile = ScoreProfile.builtin
        XCTAssertEqual(profile.level(name: "caption_leak", value: 0), .good)
        XCTAssertEqual(profile.level(name: "caption_leak", value: 0.5), .warn)
        XCTAssertEqual(profile.level(name: "caption_leak", value: 2), .bad)
        XCTAssertEqual(profile.level(name: "words_answer", value: 0), .bad)
        XCTAssertEqual(profile.level(name: "words_answer", value: 3), .good)
        XCTAssertEqual(profile.level(name: "words_instruction", value: 1), .warn)
        XCTAssertEqual(profile.level(name: "turns", value: 99), .good)
        XCTAssertEqual(profile.level(name: "clip_sim", value: 99), .good, "unknown scores have no thresholds")
    }

    func testParsesTheDocumentedSubset() throws {
        let profile = try ScoreProfile.parse("""
            # comment
            columns = [
              "caption_leak",   # first
              'dj.perplexity',
            ]

            [scores.caption_leak]
            warn = 0.25 # inline comment
            bad = 2

            [scores."dj.perplexity"]
            warn = 1_500
            bad = 3e3

            [scores.clip_sim]
            bad = 0.2
            higher_is_worse = false

            [scores.dup_instruction]
            [scores.words_answer]
            warn = 2
            """, path: "p.toml")
        XCTAssertEqual(profile.columns, ["caption_leak", "dj.perplexity"])
        XCTAssertEqual(profile.thresholds["caption_leak"], Threshold(warn: 0.25, bad: 2))
        XCTAssertEqual(profile.thresholds["dj.perplexity"], Threshold(warn: 1500, bad: 3000))
        XCTAssertEqual(profile.thresholds["clip_sim"], Threshold(warn: nil, bad: 0.2, higherIsWorse: false))
        XCTAssertEqual(profile.thresholds["dup_instruction"], Threshold())
        XCTAssertEqual(profile.thresholds["words_answer"], Threshold(warn: 2, bad: nil, higherIsWorse: false),
                       "a table replaces the built-in thresholds but keeps the direction")
        XCTAssertEqual(profile.thresholds["refusal"], ScoreProfile.builtin.thresholds["refusal"], "unnamed scores keep the defaults")
        XCTAssertEqual(profile.level(name: "clip_sim", value: 0.1), .bad)
    }

    func testErrorsNameTheFileAndLine() {
        let cases: [(String, Int, String)] = [
            ("colums = [\"a\"]", 1, "unknown key 'colums'"),
            ("[scores.x]\nwarn = \"high\"", 2, "'warn' must be a number"),
            ("[scores.x]\nwarn = 1\nwarn = 2", 3, "set twice"),
            ("[scores.x]\nlimit = 1", 2, "unknown key 'limit'"),
            ("\n[colors]\n", 2, "unknown table [colors]"),
            ("columns = [\"a\"", 1, "expected ',' or ']'"),
            ("columns = [", 1, "unterminated array"),
            ("name = \"abc", 1, "unterminated string"),
            ("[scores.x]\nwarn = 1 2", 2, "unexpected '2'"),
            ("[scores.x]\nwarn = 1.2.3", 2, "'1.2.3' is not a number"),
            ("a.b = 1", 1, "dotted keys"),
            ("[[scores]]", 1, "arrays of tables"),
            ("columns = [1]", 1, "strings"),
            ("[scores.x]\nhigher_is_worse = 1", 2, "true or false"),
        ]
        for (text, line, message) in cases {
            XCTAssertThrowsError(try ScoreProfile.parse(text, path: "p.toml"), text) { error in
                guard case let ScoringError.profile(path, errorLine, errorMessage) = error else {
                    return XCTFail("\(text): \(error)")
                }
                XCTAssertEqual(path, "p.toml")
                XCTAssertEqual(errorLine, line, text)
                XCTAssertTrue(errorMessage.contains(message), "\(text): \(errorMessage)")
                XCTAssertTrue("\(error)".hasPrefix("p.toml:\(line): "))
            }
        }
        XCTAssertThrowsError(try ScoreProfile.load(path: "/no/such/profile.toml")) { error in
            XCTAssertTrue("\(error)".contains("no such file"))
        }
    }
}
