import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// Every validation rule of DOMAIN.md "What LLaVA training needs", each with a failing case.
final class ExportValidationTests: XCTestCase {
    let good = ExportFixture.record(id: "\"ok\"", image: "a.jpg", [("human", "<image>\nWhat is it?"), ("gpt", "A dog.")])

    /// Exports an empty store combined with a JSONL file of `lines`.
    func export(_ lines: [String], layout: String = "jsonl", configure: (inout ExportOptions) -> Void = { _ in })
        throws -> (report: ExportReport, records: [JSONObject]) {
        let scratch = Scratch()
        let store = try scratch.store()
        let text = layout == "jsonl" ? lines.joined(separator: "\n") + "\n" : "[" + lines.joined(separator: ",\n") + "]"
        let file = scratch.write("part.\(layout == "jsonl" ? "jsonl" : "json")", text)
        var options = ExportOptions(outputPath: scratch.path("out.json"))
        options.combine = [file]
        configure(&options)
        let report = try Exporter(store: store).run(options)
        return (report, try ExportFixture.records(options.outputPath))
    }

    func assertInvalid(_ record: String, kind: String, file: StaticString = #filePath, line: UInt = #line,
                       configure: (inout ExportOptions) -> Void = { _ in }) throws {
        let (report, records) = try export([good, record], configure: configure)
        XCTAssertEqual(report.invalid, 1, "invalid count", file: file, line: line)
        XCTAssertEqual(report.problems[kind]?.count, 1, "\(kind) in \(report.problems.keys.sorted())", file: file, line: line)
        XCTAssertEqual(records.count, 1, "only the good record is written", file: file, line: line)
        XCTAssertEqual(report.parts[1].invalid, 1, file: file, line: line)
        let example = report.problems[kind]?.examples.first ?? ""
        // The record's position (a line that is not JSON: where the syntax error is).
        XCTAssertTrue(example.hasPrefix(kind == ExportProblemKind.badJSON ? "part.jsonl:2:36 (record 1): expected a JSON value" : "part.jsonl:2:1 (record 1"),
                      example, file: file, line: line)
    }

    func testAGoodRecordPasses() throws {
        let (report, records) = try export([good])
        XCTAssertEqual(report.invalid, 0)
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(report.problems, [:])
    }

    func testMalformedRecords() throws {
        try assertInvalid(#""just a string""#, kind: ExportProblemKind.malformedRecord)
        try assertInvalid(#"{"id": "a", "image": "a.jpg"}"#, kind: ExportProblemKind.malformedRecord)
        try assertInvalid(#"{"id": true, "conversations": [{"from": "human", "value": "x"}, {"from": "gpt", "value": "y"}]}"#,
                          kind: ExportProblemKind.malformedRecord)
        try assertInvalid(#"{"conversations": [{"from": "human"}, {"from": "gpt", "value": "y"}]}"#,
                          kind: ExportProblemKind.malformedRecord)
        try assertInvalid(#"{"image": 5, "conversations": [{"from": "human", "value": "x"}, {"from": "gpt", "value": "y"}]}"#,
                          kind: ExportProblemKind.malformedRecord)
    }

    func testBadJSONLinesAreReportedAndSkipped() throws {
        try assertInvalid(#"{"id": "broken", "conversations": [}"#, kind: ExportProblemKind.badJSON)
    }

    func testASyntaxErrorInAnArrayFailsTheExport() throws {
        XCTAssertThrowsError(try export([good, "{oops}"], layout: "json")) { error in
            guard case ExportError.syntax = error else { return XCTFail("\(error)") }
        }
    }

    func testAFileThatIsNotConversationsIsRefused() throws {
        XCTAssertThrowsError(try export([#"{"question_id": 1, "text": "hi"}"#])) { error in
            guard case ExportError.notConversations = error else { return XCTFail("\(error)") }
        }
    }

    func testEmptyConversations() throws {
        try assertInvalid(#"{"id": "e", "conversations": []}"#, kind: ExportProblemKind.noConversation)
    }

    func testInvalidText() throws {
        // A lone surrogate escape becomes U+FFFD in the reader: the text is damaged.
        try assertInvalid(ExportFixture.record(id: "\"s\"", [("human", "Hi"), ("gpt", "x")]).replacingOccurrences(of: "\"x\"", with: #""bad \ud800 text""#),
                          kind: ExportProblemKind.invalidText)
    }

    func testInvalidUTF8InTheStoreIsReported() throws {
        let scratch = Scratch()
        let store = try ExportFixture.store(scratch, ExportFixture.llava)
        try ExportFixture.acceptAll(store)
        try store.write { db in
            // "A\xC3(\xFFB" inside the answer: not UTF-8.
            try db.execute(sql: """
                UPDATE items SET conversation = CAST(x'5b7b2266726f6d223a2268756d616e222c2276616c7565223a2248693f227d2c7b2266726f6d223a22677074222c2276616c7565223a2241c328ff42227d5d' AS TEXT)
                WHERE id = 2
                """)
        }
        let report = try Exporter(store: store).run(ExportOptions(outputPath: scratch.path("o.json")))
        XCTAssertEqual(report.invalid, 1)
        XCTAssertEqual(report.problems[ExportProblemKind.invalidText]?.count, 1)
        XCTAssertEqual(report.problems[ExportProblemKind.invalidText]?.examples,
                       [#"item 2 (mix record 1, id 42): the conversation is not valid UTF-8"#])
        XCTAssertEqual(report.written, 3)
    }

    func testUnknownRole() throws {
        try assertInvalid(ExportFixture.record(id: "\"r\"", [("system", "Be nice."), ("gpt", "OK")]), kind: ExportProblemKind.unknownRole)
    }

    func testUserAndAssistantAreRenamed() throws {
        let (report, records) = try export([ExportFixture.record(id: "\"u\"", [("user", "Hi"), ("assistant", "Hello")])])
        XCTAssertEqual(report.invalid, 0)
        XCTAssertEqual(ExportFixture.turns(records[0]).map(\.role), ["human", "gpt"])
        XCTAssertEqual(report.fixes["role_renamed"], 1)
    }

    func testRoleOrder() throws {
        try assertInvalid(ExportFixture.record(id: "\"o1\"", [("gpt", "Hi"), ("human", "Hello")]), kind: ExportProblemKind.roleOrder)
        try assertInvalid(ExportFixture.record(id: "\"o2\"", [("human", "Hi"), ("gpt", "Hello"), ("human", "Bye")]),
                          kind: ExportProblemKind.roleOrder)
        try assertInvalid(ExportFixture.record(id: "\"o3\"", [("human", "Hi"), ("human", "Hello")]), kind: ExportProblemKind.roleOrder)
    }

    func testEmptyTurn() throws {
        try assertInvalid(ExportFixture.record(id: "\"t\"", image: "a.jpg", [("human", "<image>\nDescribe it."), ("gpt", " \n ")]),
                          kind: ExportProblemKind.emptyTurn)
        // The token alone is not a word either.
        try assertInvalid(ExportFixture.record(id: "\"t2\"", image: "a.jpg", [("human", "<image>"), ("gpt", "A dog.")]),
                          kind: ExportProblemKind.emptyTurn)
    }

    func testNoWords() throws {
        try assertInvalid(ExportFixture.record(id: "\"w\"", [("human", " "), ("gpt", "\u{3000}\u{A0}")]), kind: ExportProblemKind.noWords)
    }

    func testImageTokenInATextOnlyRecordIsInvalid() throws {
        try assertInvalid(ExportFixture.record(id: "\"x\"", [("human", "<image>\nWhat is it?"), ("gpt", "A dog.")]),
                          kind: ExportProblemKind.imageTokenWithoutImage)
    }

    func testImageTokensAreNormalisedIntoTheFirstHumanTurn() throws {
        let records = [
            ExportFixture.record(id: "\"end\"", image: "a.jpg", [("human", "What is it?\n<image>"), ("gpt", "A dog.")]),
            ExportFixture.record(id: "\"twice\"", image: "b.jpg", [("human", "<image>\n<image>\nWhat is it?"), ("gpt", "A cat.")]),
            ExportFixture.record(id: "\"later\"", image: "c.jpg",
                                 [("human", "What is it?"), ("gpt", "A cow."), ("human", "<image> And now?"), ("gpt", "Still a cow.")]),
            ExportFixture.record(id: "\"none\"", image: "d.jpg", [("human", "What is it?"), ("gpt", "A hen.")]),
            ExportFixture.record(id: "\"fine\"", image: "e.jpg", [("human", "<image>\nWhat is it?"), ("gpt", "A pig.")]),
        ]
        let (report, written) = try export(records)
        XCTAssertEqual(report.invalid, 0)
        let turns = written.map(ExportFixture.turns)
        XCTAssertEqual(turns[0][0].text, "<image>\nWhat is it?")
        XCTAssertEqual(turns[1][0].text, "<image>\nWhat is it?")
        XCTAssertEqual(turns[2].map(\.text), ["<image>\nWhat is it?", "A cow.", "And now?", "Still a cow."])
        XCTAssertEqual(turns[3][0].text, "<image>\nWhat is it?")
        XCTAssertEqual(turns[4][0].text, "<image>\nWhat is it?")
        XCTAssertEqual(report.fixes["image_token_moved"], 3)
        XCTAssertEqual(report.fixes["image_token_added"], 1)
    }

    func testWithoutTokenFixingMissingAndMisplacedTokensAreInvalid() throws {
        let noFix: (inout ExportOptions) -> Void = { $0.fixImageTokens = false }
        try assertInvalid(ExportFixture.record(id: "\"m\"", image: "a.jpg", [("human", "What is it?"), ("gpt", "A dog.")]),
                          kind: ExportProblemKind.imageTokenMissing, configure: noFix)
        try assertInvalid(ExportFixture.record(id: "\"d\"", image: "a.jpg", [("human", "<image>\n<image>\nWhat?"), ("gpt", "A dog.")]),
                          kind: ExportProblemKind.imageTokenMisplaced, configure: noFix)
        try assertInvalid(ExportFixture.record(id: "\"l\"", image: "a.jpg", [("human", "What?"), ("gpt", "<image> A dog.")]),
                          kind: ExportProblemKind.imageTokenMisplaced, configure: noFix)
        // Exactly one token in the first human turn is fine as it is, even at the end.
        let (report, records) = try export([ExportFixture.record(id: "\"k\"", image: "a.jpg", [("human", "What?\n<image>"), ("gpt", "A dog.")])],
                                           configure: noFix)
        XCTAssertEqual(report.invalid, 0)
        XCTAssertEqual(ExportFixture.turns(records[0])[0].text, "What?\n<image>")
    }

    func testEmptyOrNullImageBecomesATextOnlyRecord() throws {
        let (report, records) = try export([
            ExportFixture.record(id: "\"n\"", [("human", "Hi"), ("gpt", "Hello")], extra: #""image": "", "model": """#),
        ])
        XCTAssertEqual(report.invalid, 0)
        XCTAssertNil(records[0]["image"])
        XCTAssertEqual(records[0]["model"], .string(""))
        XCTAssertEqual(report.fixes["empty_image_dropped"], 1)
    }

    func testLongSamplesAreWarnedAboutButWritten() throws {
        let long = String(repeating: "word ", count: 2500)
        let (report, records) = try export([ExportFixture.record(id: "\"long\"", image: "a.jpg", [("human", "<image>\nTell me."), ("gpt", long)])])
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(report.invalid, 0)
        XCTAssertEqual(report.warnings[ExportProblemKind.longSample]?.count, 1)
        let (short, _) = try export([good])
        XCTAssertNil(short.warnings[ExportProblemKind.longSample])
        // CJK: one token per character, not per four bytes.
        let cjk = String(repeating: "猫", count: 1500)
        let (wide, _) = try export([ExportFixture.record(id: "\"cjk\"", image: "a.jpg", [("human", "<image>\n描述"), ("gpt", cjk)])])
        XCTAssertEqual(wide.warnings[ExportProblemKind.longSample]?.count, 1)
    }

    func testExamplesAreCappedAtThreePerKind() throws {
        let bad = (0..<5).map { ExportFixture.record(id: "\"e\($0)\"", [("human", "Hi"), ("gpt", "")]) }
        let (report, records) = try export(bad)
        XCTAssertEqual(records.count, 0)
        XCTAssertEqual(report.problems[ExportProblemKind.emptyTurn]?.count, 5)
        XCTAssertEqual(report.problems[ExportProblemKind.emptyTurn]?.examples.count, 3)
        XCTAssertTrue(report.summary.contains("empty_turn: 5"), report.summary)
    }

    func testStrictWritesNothingAndKeepsAnOldOutput() throws {
        let scratch = Scratch()
        let store = try scratch.store()
        let file = scratch.write("part.jsonl", [good, ExportFixture.record(id: "\"bad\"", [("gpt", "x"), ("human", "y")])].joined(separator: "\n"))
        let out = scratch.write("out.json", "old contents")
        var options = ExportOptions(outputPath: out)
        options.combine = [file]
        options.strict = true
        options.benchmarkPath = nil
        XCTAssertThrowsError(try Exporter(store: store).run(options)) { error in
            guard case let ExportError.strict(invalid, summary) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(invalid, 1)
            XCTAssertTrue(summary.contains("role_order: 1"), summary)
        }
        XCTAssertEqual(ExportFixture.text(out), "old contents")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".manifest.json"))
        XCTAssertEqual(ExportFixture.files(in: scratch.url, containing: "winnow-"), [])

        // Without --strict the same input exports the good record.
        options.strict = false
        let report = try Exporter(store: store).run(options)
        XCTAssertEqual(report.written, 1)
        XCTAssertEqual(report.invalid, 1)
    }

    func testStrictPassesWhenEverythingIsValid() throws {
        let (report, records) = try export([good]) { $0.strict = true }
        XCTAssertEqual(report.written, 1)
        XCTAssertEqual(records.count, 1)
    }
}
