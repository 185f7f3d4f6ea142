import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// `winnow scores import`: CSV, JSONL and Data-Juicer layouts, unknown and ambiguous ids.
final class ScoresImportTests: XCTestCase {
    /// Items: "a" (string id), 42 (number id), "dup" twice in source s1 (models m1, m2), "x" in source s2.
    func makeStore(_ scratch: Scratch) throws -> Store {
        let store = try scratch.store()
        let first = scratch.write("s1.jsonl", """
            {"id": "a", "image": "a.jpg", "conversations": [{"from": "human", "value": "<image>\\nWhat is this?"}, {"from": "gpt", "value": "A cat."}]}
            {"id": 42, "image": "b.jpg", "conversations": [{"from": "human", "value": "<image>\\nDescribe it."}, {"from": "gpt", "value": "A dog."}]}
            {"id": "dup", "model": "m1", "image": "c.jpg", "conversations": [{"from": "human", "value": "<image>\\nFirst question?"}, {"from": "gpt", "value": "One."}]}
            {"id": "dup", "model": "m2", "image": "c.jpg", "conversations": [{"from": "human", "value": "<image>\\nSecond question?"}, {"from": "gpt", "value": "Two."}]}

            """)
        var options = ImportOptions(path: first)
        options.source = "s1"
        _ = try Importer(store: store).run(options)
        let second = scratch.write("s2.jsonl", """
            {"id": "x", "conversations": [{"from": "human", "value": "Hi?"}, {"from": "gpt", "value": "Hello."}]}

            """)
        options = ImportOptions(path: second)
        options.source = "s2"
        _ = try Importer(store: store).run(options)
        return store
    }

    func values(_ store: Store, _ name: String) throws -> [String: Double] {
        try store.read { db in
            var result: [String: Double] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT i.orig_id, i.model, s.value FROM scores s JOIN items i ON i.id = s.item_id WHERE s.name = ?
                """, arguments: [name]) {
                let id = (row[0] as String?).flatMap { try? parseJSON($0) }.flatMap(ExternalScores.idText) ?? "?"
                result[id + ((row[1] as String?).map { "/" + $0 } ?? "")] = row[2]
            }
            return result
        }
    }

    func id(_ store: Store, _ orig: String) throws -> Int64 {
        try store.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM items WHERE orig_id = ?", arguments: [orig]) ?? -1 }
    }

    func testCSVByWinnowIdAndByOriginalId() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        let a = try id(store, "\"a\"")
        let csv = scratch.write("clip.csv", "item,value\n\(a),0.31\n999,0.5\n")
        var options = ExternalScoreOptions(path: csv, name: "clip_sim")
        var report = try ExternalScores.importFile(store: store, options: options)
        XCTAssertEqual(report.format, .csv)
        XCTAssertEqual(report.written, 1)
        XCTAssertEqual(report.unknown, 1)
        XCTAssertEqual(report.unknownExamples, ["line 3: item 999"])
        XCTAssertEqual(try values(store, "clip_sim"), ["a": 0.31])

        // Original ids, a named value column, quoting, a source and model column; importing again replaces.
        let byOriginal = scratch.write("clip2.csv", """
            id,source,model,clip_sim
            "a",s1,,0.9
            42,s1,,"0.5"
            dup,s1,m2,0.7
            dup,,,0.1
            x,,,0.2
            nope,,,0.3
            x,,,abc

            """)
        options = ExternalScoreOptions(path: byOriginal, name: "clip_sim")
        report = try ExternalScores.importFile(store: store, options: options)
        XCTAssertEqual(report.records, 7)
        XCTAssertEqual(report.written, 4)
        XCTAssertEqual(try values(store, "clip_sim"), ["a": 0.9, "42": 0.5, "dup/m2": 0.7, "x": 0.2])
        XCTAssertEqual(report.ambiguous, 1)
        XCTAssertEqual(report.ambiguousExamples, ["line 5: id dup (2 items)"])
        XCTAssertEqual(report.unknown, 1)
        XCTAssertEqual(report.unknownExamples, ["line 7: id nope"])
        XCTAssertEqual(report.invalid, 1)
        XCTAssertTrue(report.summary.contains("1 records name no item, e.g. line 7: id nope"))
        XCTAssertTrue(report.summary.contains("match several items"))
    }

    func testStrictImportsNothingWhenAnIdIsUnknown() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        let file = scratch.write("s.jsonl", "{\"id\": \"a\", \"value\": 1}\n{\"id\": \"zzz\", \"value\": 2}\n")
        var options = ExternalScoreOptions(path: file, name: "ext")
        options.strict = true
        XCTAssertThrowsError(try ExternalScores.importFile(store: store, options: options)) { error in
            XCTAssertTrue("\(error)".contains("zzz"))
        }
        XCTAssertEqual(try values(store, "ext"), [:])
    }

    func testJSONLByItemAndById() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        let a = try id(store, "\"a\"")
        let file = scratch.write("scores.jsonl", """
            {"item": \(a), "value": 0.3}
            {"id": 42, "source": "s1", "value": 1}
            {"id": "42", "value": 2.5}
            {"id": "dup", "model": "m1", "value": true}
            {"id": "x", "value": 3}
            {"id": "a", "value": null}
            {"id": "ghost", "value": 1}

            """)
        var options = ExternalScoreOptions(path: file, name: "quality")
        options.source = "s1"
        let report = try ExternalScores.importFile(store: store, options: options)
        XCTAssertEqual(report.format, .jsonl)
        XCTAssertEqual(report.records, 7)
        XCTAssertEqual(report.repeated, 1, "42 is named twice (as a number and as text)")
        XCTAssertEqual(try values(store, "quality"), ["a": 0.3, "42": 2.5, "dup/m1": 1])
        XCTAssertEqual(report.invalid, 1)
        XCTAssertEqual(report.unknown, 2, "x is not in source s1; ghost is nowhere")
    }

    func testDataJuicerStatsBecomeOneScoreEach() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        let file = scratch.write("dj.jsonl", """
            {"id": "a", "text": "<__dj__image> What is this? <|__dj__eoc|>", "images": ["a.jpg"], "__dj__stats__": {"text_len": 12, "lang": "en", "lang_score": 0.93, "image_width": [640], "image_sizes": [1, 2]}}
            {"id": 42, "__dj__stats__": {"text_len": 30}}
            {"text": "<__dj__image> Second question? <|__dj__eoc|>", "images": ["c.jpg"], "__dj__stats__": {"text_len": 7}}
            {"text": "nothing", "images": ["nowhere.jpg"], "__dj__stats__": {"text_len": 1}}
            {"id": "a", "__dj__stats__": {"lang": "en"}}

            """)
        let report = try ExternalScores.importFile(store: store, options: ExternalScoreOptions(path: file))
        XCTAssertEqual(report.format, .dataJuicer)
        XCTAssertEqual(report.names, ["dj.text_len", "dj.lang_score", "dj.image_width"])
        XCTAssertEqual(try values(store, "dj.text_len"), ["a": 12, "42": 30, "dup/m2": 7])
        XCTAssertEqual(try values(store, "dj.lang_score"), ["a": 0.93])
        XCTAssertEqual(try values(store, "dj.image_width"), ["a": 640])
        XCTAssertEqual(report.unknown, 1)
        XCTAssertEqual(report.invalid, 1, "a record without numeric stats")
        let scorer = try store.read { db in try String.fetchOne(db, sql: "SELECT scorer FROM scores WHERE name = 'dj.text_len' LIMIT 1") }
        XCTAssertEqual(scorer, "data-juicer")
    }

    func testNamesAreCheckedAndFilesReported() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        let file = scratch.write("a.csv", "item,value\n1,1\n")
        XCTAssertThrowsError(try ExternalScores.importFile(store: store, options: ExternalScoreOptions(path: file, name: "caption_leak"))) {
            XCTAssertEqual($0 as? ScoringError, .reservedScoreName("caption_leak"))
        }
        XCTAssertThrowsError(try ExternalScores.importFile(store: store, options: ExternalScoreOptions(path: file, name: "bad name"))) {
            XCTAssertEqual($0 as? ScoringError, .badScoreName("bad name"))
        }
        XCTAssertThrowsError(try ExternalScores.importFile(store: store, options: ExternalScoreOptions(path: file))) {
            XCTAssertEqual($0 as? ScoringError, .missingScoreName)
        }
        let noKey = scratch.write("b.csv", "name,value\nq,1\n")
        XCTAssertThrowsError(try ExternalScores.importFile(store: store, options: ExternalScoreOptions(path: noKey, name: "q"))) {
            XCTAssertTrue("\($0)".contains("b.csv:1:"))
        }
        let badJSON = scratch.write("c.jsonl", "{\"item\": 1, \"value\": 1}\n{\"item\": \n")
        XCTAssertThrowsError(try ExternalScores.importFile(store: store, options: ExternalScoreOptions(path: badJSON, name: "q"))) {
            XCTAssertTrue("\($0)".contains("c.jsonl:"), "\($0)")
        }
        XCTAssertThrowsError(try ExternalScores.importFile(store: store, options: ExternalScoreOptions(path: "/no/such.jsonl", name: "q")))
    }
}
