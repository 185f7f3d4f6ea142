import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

final class ImportTests: XCTestCase {
    let llava = """
        [
          {"id": "000000033471", "image": "coco/train2017/000000033471.jpg",
           "conversations": [{"from": "human", "value": "<image>\\nWhat are the colors of the bus?"},
                             {"from": "gpt", "value": "The bus is white and red."},
                             {"from": "human", "value": "Where is it parked?"},
                             {"from": "gpt", "value": "By the curb."}]},
          {"id": 42, "image": "vg/1.jpg", "model": "m1",
           "conversations": [{"from": "human", "value": "<image>\\nDescribe it."}, {"from": "gpt", "value": "A cat."}]},
          {"id": "000000033471", "image": "coco/train2017/000000033471.jpg",
           "conversations": [{"from": "human", "value": "<image>\\nHow many wheels?"}, {"from": "gpt", "value": "Four."}]},
          {"id": "text-1", "model": "",
           "conversations": [{"from": "human", "value": "Write a poem about rain."}, {"from": "gpt", "value": "Rain falls softly."}],
           "origin": {"dataset": "sharegpt"}}
        ]
        """

    func testLLaVAArrayKeepsIdsTypesDuplicatesAndTextOnlyRecords() throws {
        // Given a LLaVA array with string and integer ids, a repeated id and a text-only record
        let scratch = Scratch()
        let file = scratch.write("mix.json", llava)
        let store = try scratch.store()

        // When it is imported
        var options = ImportOptions(path: file)
        options.imageRoot = scratch.url.path
        let report = try Importer(store: store).run(options)

        // Then every record is an item, ids keep their JSON type, nothing is merged
        XCTAssertEqual(report.format, .llava)
        XCTAssertEqual(report.records, 4)
        XCTAssertEqual(report.added, 4)
        XCTAssertEqual(report.duplicateIds, 1)
        XCTAssertEqual(report.source, "mix")
        let ids = try store.read { db in try String.fetchAll(db, sql: "SELECT orig_id FROM items ORDER BY record_index") }
        XCTAssertEqual(ids, ["\"000000033471\"", "42", "\"000000033471\"", "\"text-1\""])
        let textOnly = try store.read { db in
            try Row.fetchOne(db, sql: "SELECT image, image_root, model, extra FROM items WHERE orig_id = '\"text-1\"'")
        }
        XCTAssertNil(textOnly?["image"] as String?)
        XCTAssertNil(textOnly?["image_root"] as String?)
        XCTAssertEqual(textOnly?["extra"] as String?, #"{"origin":{"dataset":"sharegpt"}}"#)
        XCTAssertEqual(try store.count("SELECT count(*) FROM turns"), 10)
        let turns = try store.read { db in try Conversations.original(db, item: 1) }
        XCTAssertEqual(turns.map(\.role), ["human", "gpt", "human", "gpt"])
        XCTAssertEqual(turns[0].text, "<image>\nWhat are the colors of the bus?")
        XCTAssertEqual(try store.count("SELECT count(*) FROM items WHERE image_root = ?", [scratch.url.path]), 3)

        // And the stats say so, in the names scripts rely on
        let stats = try store.read { db in try StoreStats.read(db) }
        XCTAssertEqual(stats.items, 4)
        XCTAssertEqual(stats.byStatus["pending"], 4)
        XCTAssertEqual(stats.bySource, ["mix": 4])
        XCTAssertEqual(stats.duplicateIds, 1)
        XCTAssertEqual(stats.textOnly, 1)
        let json = stats.json.jsonText
        for key in ["\"items\":4", "\"by_status\":{", "\"by_source\":{\"mix\":4}", "\"duplicate_ids\":1"] {
            XCTAssertTrue(json.contains(key), "\(key) missing from \(json)")
        }
    }

    func testFullTextSearchFindsInstructionAnswerAndCaption() throws {
        let scratch = Scratch()
        let file = scratch.write("mix.json", llava)
        let captions = scratch.write("captions.jsonl", #"{"image": "vg/1.jpg", "caption": "A tabby cat sleeps on a windowsill."}"# + "\n")
        let store = try scratch.store()
        var options = ImportOptions(path: file)
        options.captions = captions
        try Importer(store: store).run(options)

        func hits(_ query: String) throws -> [String] {
            try store.read { db in
                try String.fetchAll(db, sql: """
                    SELECT orig_id FROM items WHERE id IN (SELECT rowid FROM item_fts WHERE item_fts MATCH ?) ORDER BY id
                    """, arguments: [query])
            }
        }
        XCTAssertEqual(try hits("colors"), ["\"000000033471\""])
        XCTAssertEqual(try hits("curb"), ["\"000000033471\""])
        XCTAssertEqual(try hits("windowsill"), ["42"])
        XCTAssertEqual(try hits("caption:tabby"), ["42"])
        XCTAssertEqual(try hits("answer:rain"), ["\"text-1\""])
        XCTAssertEqual(try hits("image"), [], "the <image> token is not indexed")
        XCTAssertEqual(try store.count("SELECT count(*) FROM items WHERE caption IS NOT NULL"), 1)
    }

    func testJSONLinesAndFormatProblems() throws {
        let scratch = Scratch()
        let lines = [
            #"{"id": "a", "image": "x.jpg", "conversations": [{"from": "human", "value": "<image>\n<image>\nTwice?"}, {"from": "gpt", "value": "Yes."}]}"#,
            #"{"id": "b", "image": "y.jpg", "conversations": [{"from": "human", "value": "No token?"}, {"from": "gpt", "value": ""}]}"#,
            "",
            #"{"id": "c", "conversations": [{"from": "gpt", "value": "Hi"}, {"from": "human", "value": "<image> hello"}]}"#,
        ]
        let file = scratch.write("set.jsonl", lines.joined(separator: "\n") + "\n")
        let store = try scratch.store()
        let report = try Importer(store: store).run(ImportOptions(path: file))
        XCTAssertEqual(report.records, 3)
        let flags = try store.read { db in try Int.fetchAll(db, sql: "SELECT format_flags FROM items ORDER BY id") }
            .map(FormatFlags.init(rawValue:))
        XCTAssertEqual(flags[0], [.imageTokenMisplaced])
        XCTAssertEqual(flags[1], [.imageTokenMissing, .emptyTurn])
        XCTAssertEqual(flags[2], [.roleOrder, .imageTokenWithoutImage])
        let stats = try store.read { db in try StoreStats.read(db) }
        XCTAssertEqual(stats.itemsWithFormatProblems, 3)
        XCTAssertEqual(stats.formatProblems["role_order"], 1)
    }

    func testMappedLayoutsExplicitAndDetected() throws {
        let scratch = Scratch()
        let alpaca = scratch.write("alpaca.json", """
            [{"instruction": "Name a colour.", "input": "", "output": "Blue."},
             {"instruction": "Translate.", "input": "Bonjour", "output": "Hello."}]
            """)
        let custom = scratch.write("coco_qa.jsonl", #"{"qid": 7, "img": "a.jpg", "q": "What is it?", "a": "A dog.", "extra": 1}"# + "\n")
        let store = try scratch.store()
        let detected = try Importer(store: store).run(ImportOptions(path: alpaca))
        XCTAssertEqual(detected.format, .mapped)
        XCTAssertEqual(detected.records, 2)
        var options = ImportOptions(path: custom)
        options.fieldMap = try FieldMap(parsing: "id=qid,image=img,instruction=q,answer=a")
        let mapped = try Importer(store: store).run(options)
        XCTAssertEqual(mapped.records, 1)
        let row = try store.read { db in try Row.fetchOne(db, sql: "SELECT orig_id, image, extra FROM items WHERE source = 'coco_qa'") }
        XCTAssertEqual(row?["orig_id"] as String?, "7")
        XCTAssertEqual(row?["image"] as String?, "a.jpg")
        XCTAssertEqual(row?["extra"] as String?, #"{"extra":1}"#)
        let translated = try store.read { db in try Conversations.original(db, item: 2) }
        XCTAssertEqual(translated, [Turn(role: "human", text: "Translate.\n\nBonjour"), Turn(role: "gpt", text: "Hello.")])
        XCTAssertThrowsError(try FieldMap(parsing: "instruction=q")) { error in
            XCTAssertTrue("\(error)".contains("answer=KEY"))
        }
    }

    func testMMInstructEvaluationFilesJoinByQuestionId() throws {
        guard let shared = TestPaths.shared else {
            throw XCTSkip("../shared is absent: the real MM-Instruct evaluation files are not here")
        }
        let folder = shared.appendingPathComponent("data/mm-instruct-eval")
        let scratch = Scratch()
        let store = try scratch.store()
        var options = ImportOptions(path: folder.appendingPathComponent("MM-Instruct-Eval-question.json").path)
        options.answers = ["Qwen-VL", "gemini-pro", "gpt4v", "llava-v1.5-13b"].map {
            folder.appendingPathComponent("baseline_answers/\($0).json").path
        }
        let report = try Importer(store: store).run(options)
        XCTAssertEqual(report.format, .mmInstruct)
        XCTAssertEqual(report.records, 396)
        XCTAssertEqual(report.warnings, [])
        XCTAssertEqual(try store.count("SELECT count(*) FROM items WHERE caption IS NOT NULL AND caption != ''"), 396)
        XCTAssertEqual(try store.count("SELECT count(DISTINCT model) FROM items"), 4)
        XCTAssertEqual(try store.count("SELECT count(*) FROM items WHERE model = 'gpt4v'"), 99)
        // The join is by question_id: every item's instruction is its question's text, and the
        // gpt4v answer file's own prompt for that id matches it.
        let mismatched = try store.read { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM items i JOIN turns t ON t.item_id = i.id AND t.idx = 0
                WHERE t.role != 'human'
                """)
        }
        XCTAssertEqual(mismatched, 0)
        let answerLines = try String(contentsOf: folder.appendingPathComponent("baseline_answers/gpt4v.json"), encoding: .utf8)
            .split(separator: "\n")
        for line in answerLines.prefix(10) {
            guard case let .object(answer) = try parseJSON(String(line)),
                  let id = answer["question_id"], let text = answer["text"]?.stringValue else { continue }
            let stored = try store.read { db in
                try String.fetchOne(db, sql: """
                    SELECT t.text FROM items i JOIN turns t ON t.item_id = i.id AND t.idx = 1
                    WHERE i.model = 'gpt4v' AND i.orig_id = ?
                    """, arguments: [id.jsonText])
            }
            XCTAssertEqual(stored, text)
        }
        // Importing the same files again changes nothing.
        let again = try Importer(store: store).run(options)
        XCTAssertTrue(again.noOp)
    }

    func testMMInstructReportsMissingAnswersAndRejectsStrangers() throws {
        let scratch = Scratch()
        let questions = scratch.write("q.jsonl", """
            {"question_id": 0, "image": "a.jpg", "text": "Describe.", "caption": "A red car.", "category": "c"}
            {"question_id": 1, "image": "b.jpg", "text": "Haiku.", "caption": "A blue sea.", "category": "c"}
            """)
        let complete = scratch.write("model-a.jsonl", """
            {"question_id": 1, "prompt": "Haiku.", "text": "Blue waves", "model_id": "A", "metadata": {}}
            {"question_id": 0, "prompt": "Describe.", "text": "A red car.", "model_id": "A", "metadata": {}}
            """)
        let partial = scratch.write("model-b.jsonl", """
            {"question_id": 1, "prompt": "Haiku.", "text": "Sea", "model_id": "B", "metadata": {}}
            """)
        let store = try scratch.store()
        var options = ImportOptions(path: questions)
        options.answers = [complete, partial]
        options.models = ["alpha"]
        let report = try Importer(store: store).run(options)
        XCTAssertEqual(report.records, 3)
        XCTAssertEqual(report.warnings, ["question_id 0 has no answer in \(partial)"])
        let models = try store.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT model FROM items ORDER BY model") }
        XCTAssertEqual(models, ["alpha", "model-b"])
        let answer = try store.read { db in
            try String.fetchOne(db, sql: "SELECT t.text FROM items i JOIN turns t ON t.item_id = i.id AND t.idx = 1 WHERE i.orig_id = '0'")
        }
        XCTAssertEqual(answer, "A red car.")

        // An answer to a question that does not exist: nothing is imported.
        let stranger = scratch.write("model-c.jsonl", #"{"question_id": 9, "text": "?"}"# + "\n")
        let before = try store.dump()
        var bad = ImportOptions(path: questions)
        bad.answers = [stranger]
        bad.source = "other"
        XCTAssertThrowsError(try Importer(store: store).run(bad)) { error in
            XCTAssertEqual("\(error)", "\(stranger):1: question_id 9: no question with this id in \(questions). Nothing was imported; fix the answer file, or pass --skip-invalid FILE.")
        }
        XCTAssertEqual(try store.dump(), before)
    }

    func testReimportUnchangedIsNoOpAndChangedKeepsDecisionsAndEdits() throws {
        let scratch = Scratch()
        let file = scratch.write("mix.json", llava)
        let store = try scratch.store()
        let importer = Importer(store: store)
        try importer.run(ImportOptions(path: file))
        // A reviewer accepts the bus record and rejects the cat.
        try store.write { db in
            try Decisions.decide(db, items: [1], verdict: .accepted, reviewer: "ana")
            try Decisions.decide(db, items: [2], verdict: .rejected, reviewer: "ana")
        }
        let before = try store.dump()
        let same = try importer.run(ImportOptions(path: file))
        XCTAssertTrue(same.noOp)
        XCTAssertTrue(same.summary.contains("unchanged"))
        XCTAssertEqual(try store.dump(), before)

        // The file changes: the cat's answer is fixed, the text-only record goes, one is added.
        let changed = llava
            .replacingOccurrences(of: "\"A cat.\"", with: "\"A grey cat.\"")
            .replacingOccurrences(of: """
              {"id": "text-1", "model": "",
               "conversations": [{"from": "human", "value": "Write a poem about rain."}, {"from": "gpt", "value": "Rain falls softly."}],
               "origin": {"dataset": "sharegpt"}}
            """, with: """
              {"id": "new-1", "conversations": [{"from": "human", "value": "Hello?"}, {"from": "gpt", "value": "Hi."}]}
            """)
        XCTAssertNotEqual(changed, llava)
        scratch.write("mix.json", changed)
        let report = try importer.run(ImportOptions(path: file))
        XCTAssertFalse(report.noOp)
        XCTAssertEqual(report.added, 1)
        XCTAssertEqual(report.changed, 1)
        XCTAssertEqual(report.unchanged, 2)
        XCTAssertEqual(report.removed, 1)
        // Same item ids, same decisions; the new answer is there and searchable.
        let statuses = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT id, status FROM items WHERE removed_at IS NULL ORDER BY id").map { "\($0["id"] as Int64)=\($0["status"] as String)" }
        }
        XCTAssertEqual(statuses, ["1=accepted", "2=rejected", "3=pending", "5=pending"])
        XCTAssertEqual(try store.count("SELECT count(*) FROM events"), 2)
        XCTAssertEqual(try store.count("SELECT count(*) FROM item_fts WHERE item_fts MATCH 'grey'"), 1)
        XCTAssertEqual(try store.count("SELECT count(*) FROM item_fts WHERE item_fts MATCH 'rain'"), 1,
                       "a removed item stays findable by id; its index entry is kept with it")
        XCTAssertEqual(try store.count("SELECT count(*) FROM items WHERE removed_at IS NOT NULL"), 1)
        let stats = try store.read { db in try StoreStats.read(db) }
        XCTAssertEqual(stats.items, 4)
        XCTAssertEqual(stats.removed, 1)
    }

    func testSkipInvalidImportsTheGoodRecordsAndListsTheRest() throws {
        let scratch = Scratch()
        let file = scratch.write("dirty.jsonl", """
            {"id": 1, "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]}
            {"id": 2, "conversations": "oops"}
            {"id": 3, "conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hey"}]} trailing
            {"id": 4, "conversations": [{"from": "human", "value": "Bye"}, {"from": "gpt", "value": "Bye"}]}
            """)
        let rejects = scratch.path("rejects.jsonl")
        let store = try scratch.store()
        var options = ImportOptions(path: file)
        options.rejectsPath = rejects
        let report = try Importer(store: store).run(options)
        XCTAssertEqual(report.records, 2)
        XCTAssertEqual(report.skipped, 2)
        let lines = try String(contentsOfFile: rejects, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        guard case let .object(first) = try parseJSON(lines[0]), case let .object(second) = try parseJSON(lines[1]) else {
            return XCTFail("rejects are JSON objects")
        }
        XCTAssertEqual(first["line"], .number("2"))
        XCTAssertEqual(first["reason"]?.stringValue, "'conversations' must be an array of {\"from\", \"value\"} objects, found a string")
        XCTAssertEqual(second["line"], .number("3"))
        XCTAssertNotNil(second["text"]?.stringValue)
    }
}
