import Foundation
import XCTest
@testable import WinnowCore

final class ConversationEncodingTests: XCTestCase {
    func testEncodingIsTheCompactJSONOfTheTurnsAndReadsBack() throws {
        // Given turns with quotes, escapes, control characters, CJK, emoji and an empty text
        let turns = [
            Turn(role: "human", text: "<image>\nSay \"hi\" \\ now\ttab \u{1}\u{1f}"),
            Turn(role: "gpt", text: "猫が座っている 🐈‍⬛ — done"),
            Turn(role: "human", text: ""),
            Turn(role: "gpt", text: "</script> \u{2028}"),
        ]
        // Then the text is exactly what the general JSON writer makes of the same value
        let general = JSONValue.array(turns.map { turn in
            .object(JSONObject(keys: ["from", "value"], values: [.string(turn.role), .string(turn.text)]))
        }).jsonText
        XCTAssertEqual(Conversations.encode(turns), general)
        XCTAssertTrue(Conversations.encode(turns).hasPrefix(#"[{"from":"human","value":"<image>\nSay \"hi\" \\"#))
        // And it decodes to the same turns
        XCTAssertEqual(try Conversations.decode(Conversations.encode(turns)), turns)
        XCTAssertEqual(Conversations.encode([]), "[]")
    }

    func testOccurrencesCountsNonOverlappingMatchesAnywhere() {
        XCTAssertEqual("<image>".occurrences(of: "<image>"), 1)
        XCTAssertEqual("<image><image>\nx <image>".occurrences(of: "<image>"), 3)
        XCTAssertEqual("<imag <image".occurrences(of: "<image>"), 0)
        XCTAssertEqual("aaaa".occurrences(of: "aa"), 2)
        XCTAssertEqual("çaça ça".occurrences(of: "ça"), 3)
        XCTAssertEqual("".occurrences(of: "x"), 0)
        XCTAssertEqual("abc".occurrences(of: ""), 0)
        XCTAssertEqual("ab".occurrences(of: "abc"), 0)
        XCTAssertEqual(String(repeating: "x", count: 10_000).appending("<image>").occurrences(of: "<image>"), 1)
    }
}
