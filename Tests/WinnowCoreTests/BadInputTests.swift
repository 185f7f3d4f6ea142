import Foundation
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// Every bad input stops the import with file, line and column, and leaves the store as it was.
final class BadInputTests: XCTestCase {
    let good = """
        [{"id": "g1", "image": "a.jpg", "conversations": [{"from": "human", "value": "<image>\\nHi"}, {"from": "gpt", "value": "Hello"}]}]
        """

    /// Imports a good file, then the bad one; checks the error text and that nothing changed.
    func assertRejected(_ name: String, bytes: [UInt8], expect fragments: [String],
                        file: StaticString = #filePath, line: UInt = #line) throws {
        let scratch = Scratch()
        let store = try scratch.store()
        try Importer(store: store).run(ImportOptions(path: scratch.write("good.json", good)))
        let before = try store.dump()
        let path = scratch.write(name, bytes: bytes)
        XCTAssertThrowsError(try Importer(store: store).run(ImportOptions(path: path)), file: file, line: line) { error in
            let text = "\(error)"
            for fragment in fragments {
                XCTAssertTrue(text.contains(fragment.replacingOccurrences(of: "$PATH", with: path)),
                              "«\(fragment)» not in «\(text)»", file: file, line: line)
            }
        }
        XCTAssertEqual(try store.dump(), before, "the store changed", file: file, line: line)
    }

    func testMalformedJSONNamesLineAndColumn() throws {
        let text = """
            [
              {"id": 1, "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Yo"}]},
              {"id": 2, "conversations": [{"from": "human" "value": "Hi"}]}
            ]
            """
        try assertRejected("broken.json", bytes: Array(text.utf8), expect: ["$PATH:3:", "nothing was imported"])
    }

    func testTruncatedFile() throws {
        let text = #"[{"id": 1, "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Yo"}]}, {"id": 2, "conv"#
        try assertRejected("cut.json", bytes: Array(text.utf8), expect: ["$PATH:1:"])
    }

    func testInvalidUTF8() throws {
        var bytes = Array(#"[{"id": 1, "conversations": [{"from": "human", "value": "caf"#.utf8)
        bytes.append(0xC3)   // a lead byte with no continuation
        bytes += Array(#""}, {"from": "gpt", "value": "x"}]}]"#.utf8)
        try assertRejected("latin1.json", bytes: bytes, expect: ["$PATH:1:", "UTF-8"])
    }

    func testRecordWithoutConversations() throws {
        let text = """
            [{"id": 1, "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Yo"}]},
             {"id": 2, "image": "x.jpg"}]
            """
        try assertRejected("noconv.json", bytes: Array(text.utf8),
                           expect: ["$PATH:2:2: record 1: 'conversations' is missing", "--skip-invalid"])
    }

    func testWrongTypes() throws {
        try assertRejected("types1.json", bytes: Array(#"[{"id": {"a": 1}, "conversations": []}]"#.utf8),
                           expect: ["record 0: 'id' must be a string or a number, found an object"])
        try assertRejected("types2.json", bytes: Array(#"[{"id": 1, "image": 5, "conversations": [{"from": "human", "value": "x"}]}]"#.utf8),
                           expect: ["'image' must be a string, found a number"])
        try assertRejected("types3.json", bytes: Array(#"[{"id": 1, "conversations": [{"from": "human", "value": 3}]}]"#.utf8),
                           expect: ["turn 1 has no 'value' string"])
        try assertRejected("types4.json", bytes: Array(#"[1, 2]"#.utf8), expect: ["the record is a number, not a JSON object"])
    }

    func testUnknownLayoutSuggestsMap() throws {
        try assertRejected("odd.jsonl", bytes: Array(#"{"foo": 1, "bar": 2}"#.utf8), expect: ["--map", "keys: foo, bar"])
    }

    func testMissingFile() throws {
        let scratch = Scratch()
        let store = try scratch.store()
        XCTAssertThrowsError(try Importer(store: store).run(ImportOptions(path: scratch.path("nope.json")))) { error in
            XCTAssertEqual("\(error)", "\(scratch.path("nope.json")): no such file. Check the path.")
        }
    }

    func testDuplicateAnswerIsRejected() throws {
        let scratch = Scratch()
        let store = try scratch.store()
        let questions = scratch.write("q.jsonl", #"{"question_id": 0, "text": "Describe.", "image": "a.jpg"}"# + "\n")
        let answers = scratch.write("a.jsonl", """
            {"question_id": 0, "text": "One"}
            {"question_id": 0, "text": "Two"}
            """)
        var options = ImportOptions(path: questions)
        options.answers = [answers]
        XCTAssertThrowsError(try Importer(store: store).run(options)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(answers):2: question_id 0: answered twice (first on line 1)"), "\(error)")
        }
        XCTAssertEqual(try store.count("SELECT count(*) FROM items"), 0)
        XCTAssertEqual(try store.count("SELECT count(*) FROM imports"), 0)
    }
}
