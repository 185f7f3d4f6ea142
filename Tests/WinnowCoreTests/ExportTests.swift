import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// Helpers shared by the export tests.
enum ExportFixture {
    static let llava = """
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

    /// A store with `text` imported (as source `name`).
    static func store(_ scratch: Scratch, _ text: String, name: String = "mix.json") throws -> Store {
        let file = scratch.write(name, text)
        let store = try scratch.store()
        _ = try Importer(store: store).run(ImportOptions(path: file))
        return store
    }

    static func acceptAll(_ store: Store) throws {
        try store.write { db in
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM items ORDER BY id")
            try Decisions.decide(db, items: ids, verdict: .accepted, reviewer: "test")
        }
    }

    /// The records of a JSON array or JSONL output file.
    static func records(_ path: String) throws -> [JSONObject] {
        let reader = try JSONRecordReader(path: path)
        var out: [JSONObject] = []
        while let record = try reader.next() {
            guard let object = record.value.objectValue else { throw XCTSkip("not an object") }
            out.append(object)
        }
        return out
    }

    static func text(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    static func turns(_ object: JSONObject) -> [Turn] {
        (object["conversations"]?.arrayValue ?? []).compactMap { entry in
            guard let turn = entry.objectValue, let role = turn["from"]?.stringValue, let text = turn["value"]?.stringValue else {
                return nil
            }
            return Turn(role: role, text: text)
        }
    }

    /// Files in the folder whose name contains `fragment`.
    static func files(in folder: URL, containing fragment: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.contains(fragment) }
    }

    /// A LLaVA conversation record as JSON text.
    static func record(id: String? = nil, image: String? = nil, _ turns: [(String, String)], extra: String = "") -> String {
        var parts: [String] = []
        if let id { parts.append("\"id\": \(id)") }
        if let image { parts.append("\"image\": \(JSONValue.string(image).jsonText)") }
        let list = turns.map { "{\"from\": \(JSONValue.string($0.0).jsonText), \"value\": \(JSONValue.string($0.1).jsonText)}" }
        parts.append("\"conversations\": [\(list.joined(separator: ", "))]")
        if !extra.isEmpty { parts.append(extra) }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

final class ExportTests: XCTestCase {
    func testRoundTripExportsAcceptedItemsWithEditsAndReimports() throws {
        // Given a store where three of four items are accepted and one of them was edited
        let scratch = Scratch()
        let store = try ExportFixture.store(scratch, ExportFixture.llava)
        let edited = [Turn(role: "human", text: "<image>\nDescribe the animal."), Turn(role: "gpt", text: "A tabby cat asleep.")]
        try store.write { db in
            try Decisions.decide(db, items: [1, 2, 4], verdict: .accepted, reviewer: "ann")
            try Decisions.decide(db, items: [3], verdict: .rejected, reviewer: "ann")
            try Edits.save(db, item: 2, turns: edited, baseVersion: 0, reviewer: "ann")
        }

        // When it is exported
        let out = scratch.path("curated.json")
        let report = try Exporter(store: store).run(ExportOptions(outputPath: out))

        // Then the accepted items are written, in import order, with the edit applied
        XCTAssertEqual(report.written, 3)
        XCTAssertEqual(report.invalid, 0)
        XCTAssertEqual(report.byStatus, ["accepted": 3])
        let records = try ExportFixture.records(out)
        XCTAssertEqual(records.map { $0["id"]?.jsonText }, [#""000000033471""#, "42", #""text-1""#])
        XCTAssertEqual(ExportFixture.turns(records[1]), edited)
        XCTAssertEqual(records[1]["model"], .string("m1"))
        XCTAssertNil(records[2]["image"], "text-only records carry no image key")
        XCTAssertEqual(records[2]["origin"]?.jsonText, #"{"dataset":"sharegpt"}"#)
        XCTAssertEqual(ExportFixture.turns(records[0]).count, 4)
        // One JSON array, one compact record per line.
        let lines = ExportFixture.text(out).split(separator: "\n")
        XCTAssertEqual(lines.first, "[")
        XCTAssertEqual(lines.last, "]")
        XCTAssertEqual(lines.count, 5)
        XCTAssertTrue(lines[1].hasPrefix(#"{"id":"000000033471","image":"coco/train2017/000000033471.jpg","conversations":["#))

        // And re-importing the file gives the accepted items with the edit
        let again = try Store(path: scratch.path("again.sqlite"))
        let reimport = try Importer(store: again).run(ImportOptions(path: out))
        XCTAssertEqual(reimport.records, 3)
        let ids = try again.read { db in try String.fetchAll(db, sql: "SELECT orig_id FROM items ORDER BY id") }
        XCTAssertEqual(ids, [#""000000033471""#, "42", #""text-1""#])
        let turns = try again.read { db in try Conversations.current(db, item: 2).turns }
        XCTAssertEqual(turns, edited)
        XCTAssertEqual(try again.count("SELECT count(*) FROM items WHERE format_flags != 0"), 0)
        XCTAssertEqual(try again.count("SELECT count(*) FROM items WHERE image IS NULL"), 1)
    }

    func testManifestRecordsInputsOptionsCountsAndVersion() throws {
        let scratch = Scratch()
        let store = try ExportFixture.store(scratch, ExportFixture.llava)
        try ExportFixture.acceptAll(store)
        let extra = scratch.write("extra.jsonl", ExportFixture.record(id: "\"e1\"", [("human", "Hi there"), ("gpt", "Hello!")]) + "\n")
        var options = ExportOptions(outputPath: scratch.path("train.json"))
        options.combine = [extra]
        options.seed = 9
        let report = try Exporter(store: store).run(options)

        let manifest = try parseJSON(ExportFixture.text(scratch.path("train.json.manifest.json")))
        let object = try XCTUnwrap(manifest.objectValue)
        XCTAssertEqual(object["winnow_version"], .string(WinnowVersion.string))
        XCTAssertEqual(object["filter"], .string("status:accepted"))
        XCTAssertEqual(object["seed"], .number("9"))
        XCTAssertNotNil(object["created_at"]?.stringValue)
        let inputs = try XCTUnwrap(object["inputs"]?.arrayValue)
        XCTAssertEqual(inputs.count, 2)
        XCTAssertEqual(inputs[0].objectValue?["kind"], .string("store"))
        XCTAssertEqual(inputs[1].objectValue?["sha256"], .string(try sha256(of: extra)))
        XCTAssertEqual(object["output"]?.objectValue?["records"], .number("5"))
        XCTAssertEqual(object["counts"]?.objectValue?["by_source"]?.jsonText, #"{"extra":1,"mix":4}"#)
        XCTAssertEqual(object["counts"]?.objectValue?["by_status"]?.jsonText, #"{"accepted":4}"#)
        XCTAssertEqual(object["validation"]?.objectValue?["invalid_records"], .number("0"))
        XCTAssertEqual(object["options"]?.objectValue?["strict"], .bool(false))
        XCTAssertEqual(report.parts.map(\.written), [4, 1])
    }

    func testFilterSelectsItemsAndRejectsBadFilters() throws {
        let scratch = Scratch()
        let store = try ExportFixture.store(scratch, ExportFixture.llava)
        try ExportFixture.acceptAll(store)
        var options = ExportOptions(outputPath: scratch.path("some.json"))
        options.filter = "status:accepted and has:image"
        let report = try Exporter(store: store).run(options)
        XCTAssertEqual(report.written, 3)

        // Filters that need SQL functions work too (words() is one).
        options.filter = "status:accepted and words(answer) > 3"
        let wordy = try Exporter(store: store).run(options)
        XCTAssertEqual(try ExportFixture.records(options.outputPath).map { $0["id"]?.jsonText }, [#""000000033471""#])
        XCTAssertEqual(wordy.written, 1)

        options.filter = "status:"
        XCTAssertThrowsError(try Exporter(store: store).run(options)) { error in
            guard case ExportError.filter = error else { return XCTFail("\(error)") }
        }
    }

    func testJSONLinesOutputAndProvenanceKeys() throws {
        let scratch = Scratch()
        let store = try ExportFixture.store(scratch, ExportFixture.llava)
        try ExportFixture.acceptAll(store)
        var options = ExportOptions(outputPath: scratch.path("x.jsonl"))
        XCTAssertEqual(options.format, .jsonl)
        options.provenance = true
        try Exporter(store: store).run(options)
        let text = ExportFixture.text(scratch.path("x.jsonl"))
        XCTAssertFalse(text.hasPrefix("["))
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
        let first = try XCTUnwrap(try parseJSON(String(lines[1])).objectValue)
        XCTAssertEqual(first["winnow_item"], .number("2"))
        XCTAssertEqual(first["source"], .string("mix"))
        XCTAssertEqual(first["record_index"], .number("1"))
        XCTAssertEqual(first.keys, ["id", "image", "conversations", "model", "winnow_item", "source", "record_index"])
    }

    func testUniqueIdsRenameLaterUsesWithADocumentedRule() throws {
        let scratch = Scratch()
        let records = [
            ExportFixture.record(id: "\"x\"", [("human", "one"), ("gpt", "1")]),
            ExportFixture.record(id: "\"x\"", [("human", "two"), ("gpt", "2")]),
            ExportFixture.record(id: "\"x#3\"", [("human", "three"), ("gpt", "3")]),
            ExportFixture.record(id: "\"x\"", [("human", "four"), ("gpt", "4")]),
            ExportFixture.record(id: "7", [("human", "five"), ("gpt", "5")]),
            ExportFixture.record(id: "7", [("human", "six"), ("gpt", "6")]),
            ExportFixture.record([("human", "no id"), ("gpt", "7")]),
        ]
        let store = try ExportFixture.store(scratch, "[" + records.joined(separator: ",\n") + "]")
        try ExportFixture.acceptAll(store)

        var options = ExportOptions(outputPath: scratch.path("ids.json"))
        let plain = try Exporter(store: store).run(options)
        XCTAssertEqual(plain.fixes["id_renamed"], nil)
        XCTAssertEqual(try ExportFixture.records(options.outputPath).map { $0["id"]?.jsonText ?? "-" },
                       [#""x""#, #""x""#, #""x#3""#, #""x""#, "7", "7", "-"])

        options.uniqueIds = true
        let report = try Exporter(store: store).run(options)
        XCTAssertEqual(try ExportFixture.records(options.outputPath).map { $0["id"]?.jsonText ?? "-" },
                       [#""x""#, #""x#2""#, #""x#3""#, #""x#4""#, "7", #""7#2""#, "-"])
        XCTAssertEqual(report.fixes["id_renamed"], 3)
    }

    func testImagePathsAreRewrittenByMapThenPrefix() throws {
        let scratch = Scratch()
        let records = [
            ExportFixture.record(id: "1", image: "sa_1.jpg", [("human", "What is it?"), ("gpt", "A dog.")]),
            ExportFixture.record(id: "2", image: "coco/2.jpg", [("human", "What is it?"), ("gpt", "A cat.")]),
        ]
        let store = try ExportFixture.store(scratch, "[" + records.joined(separator: ",\n") + "]")
        try ExportFixture.acceptAll(store)
        let combined = scratch.write("mix.jsonl", ExportFixture.record(id: "3", image: "coco/3.jpg", [("human", "<image>\nQ?"), ("gpt", "A.")]) + "\n")
        var options = ExportOptions(outputPath: scratch.path("paths.json"))
        options.imagePrefix = "mmi/"
        options.imageMaps = [try ImagePathMap(parsing: "coco/=coco2017/")]
        options.combine = [combined]
        try Exporter(store: store).run(options)
        let images = try ExportFixture.records(options.outputPath).map { $0["image"]?.stringValue }
        XCTAssertEqual(images, ["mmi/sa_1.jpg", "coco2017/2.jpg", "coco2017/3.jpg"])
        XCTAssertThrowsError(try ImagePathMap(parsing: "=x"))
        XCTAssertThrowsError(try ImagePathMap(parsing: "nothing"))
    }

    func testOptionsThatCannotWorkTogetherAreRefusedBeforeWriting() throws {
        let scratch = Scratch()
        let store = try scratch.store()
        var options = ExportOptions(outputPath: scratch.path("out.json"))
        options.benchmarkCount = 3
        XCTAssertThrowsError(try Exporter(store: store).run(options))
        options.benchmarkCount = 0
        options.benchmarkPath = scratch.path("q.jsonl")
        XCTAssertThrowsError(try Exporter(store: store).run(options))
        options.benchmarkPath = nil
        options.combine = [scratch.path("out.json")]
        XCTAssertThrowsError(try Exporter(store: store).run(options))
        options.combine = [scratch.path("missing.json")]
        XCTAssertThrowsError(try Exporter(store: store).run(options)) { error in
            guard case ExportError.cannotRead = error else { return XCTFail("\(error)") }
        }
        options.combine = []
        options.imageRoot = scratch.path("no-such-folder")
        XCTAssertThrowsError(try Exporter(store: store).run(options))
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path("out.json")))
        XCTAssertEqual(ExportFixture.files(in: scratch.url, containing: "winnow-tmp"), [])
    }

    func testRemovedItemsAreNotExported() throws {
        let scratch = Scratch()
        let store = try ExportFixture.store(scratch, ExportFixture.llava)
        try ExportFixture.acceptAll(store)
        try store.write { db in try db.execute(sql: "UPDATE items SET removed_at = '2026-01-01T00:00:00.000Z' WHERE id = 2") }
        let report = try Exporter(store: store).run(ExportOptions(outputPath: scratch.path("live.json")))
        XCTAssertEqual(report.written, 3)
        XCTAssertFalse(try ExportFixture.records(scratch.path("live.json")).contains { $0["id"] == .number("42") })
    }

    func testEmptySelectionWritesAnEmptyArray() throws {
        let scratch = Scratch()
        let store = try ExportFixture.store(scratch, ExportFixture.llava)
        let report = try Exporter(store: store).run(ExportOptions(outputPath: scratch.path("empty.json")))
        XCTAssertEqual(report.written, 0)
        XCTAssertEqual(try parseJSON(ExportFixture.text(scratch.path("empty.json"))), .array([]))
    }
}
