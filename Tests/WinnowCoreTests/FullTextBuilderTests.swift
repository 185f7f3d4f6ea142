import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// A load into an empty store builds its full-text index on a second thread and copies it
/// in at the end; these tests hold that index to the one built row by row.
final class FullTextBuilderTests: XCTestCase {
    /// Deterministic records over a small vocabulary, so every word matches many items.
    private func records(_ count: Int, prefix: String, seed: UInt64 = 7) -> String {
        let words = ["amber", "bicycle", "canal", "dune", "ember", "fjord", "granite", "harbor", "iris", "juniper",
                     "kayak", "lantern", "meadow", "nectar", "orchid", "pebble", "quartz", "rooftop", "saffron",
                     "tundra", "umber", "velvet", "willow", "xylem", "yarrow", "zephyr", "café", "naïve"]
        var state = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func sentence() -> String { (0..<(3 + next(12))).map { _ in words[next(words.count)] }.joined(separator: " ") }
        let lines = (0..<count).map { index in
            """
            {"id": "\(prefix)-\(index)", "image": "img/\(index % 50).jpg", "conversations": [\
            {"from": "human", "value": "<image>\\n\(sentence())"}, {"from": "gpt", "value": "\(sentence()). \(sentence())"}]}
            """
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func matches(_ store: Store, _ query: String) throws -> [String] {
        try store.read { db in
            try String.fetchAll(db, sql: """
                SELECT i.prov_key FROM item_fts f JOIN items i ON i.id = f.rowid
                WHERE item_fts MATCH ? ORDER BY f.rank, i.prov_key
                """, arguments: [query])
        }
    }

    private func checkIntegrity(_ store: Store, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNoThrow(try store.write { db in
            try db.execute(sql: "INSERT INTO item_fts(item_fts, rank) VALUES ('integrity-check', 0)")
        }, file: file, line: line)
    }

    func testIndexBuiltOnTheSecondThreadAnswersLikeTheOneBuiltRowByRow() throws {
        // Given the same 3,000 records imported into an empty store (second-thread index)
        // and into a store that already holds an item (index written row by row)
        let scratch = Scratch()
        let file = scratch.write("mix.jsonl", records(3000, prefix: "r"))
        let bulk = try scratch.store("bulk.sqlite")
        let bulkReport = try Importer(store: bulk).run(ImportOptions(path: file))
        let rowByRow = try scratch.store("rows.sqlite")
        _ = try Importer(store: rowByRow).run(ImportOptions(path: scratch.write("first.jsonl", records(1, prefix: "first"))))
        let rowReport = try Importer(store: rowByRow).run(ImportOptions(path: file))

        // Then the first took the second-thread path and the second did not
        XCTAssertTrue(bulkReport.fullTextBuiltAside)
        XCTAssertFalse(rowReport.fullTextBuiltAside)
        XCTAssertEqual(bulkReport.added, 3000)

        // And both indexes are sound and answer every query alike, ranks included
        checkIntegrity(bulk)
        checkIntegrity(rowByRow)
        for query in ["amber", "café", "cafe", "naive", "bicycle AND canal", "\"dune ember\"", "instruction:kayak",
                      "answer:zephyr NOT willow", "lan*", "amb* OR qua*"] {
            let expected = try matches(rowByRow, query).filter { !$0.contains("first") }
            XCTAssertFalse(expected.isEmpty, query)
            XCTAssertEqual(try matches(bulk, query), expected, query)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: bulk.path + "-fts-build"))
    }

    func testStoreKeepsIndexingAfterALoadIntoAnEmptyStore() throws {
        // Given a store whose own writer connection had used the full-text index before a
        // load into the empty store
        let scratch = Scratch()
        let store = try scratch.store()
        _ = try store.write { db in try Int.fetchAll(db, sql: "SELECT rowid FROM item_fts WHERE item_fts MATCH 'amber'") }
        let first = try Importer(store: store).run(ImportOptions(path: scratch.write("a.jsonl", records(500, prefix: "a"))))
        XCTAssertTrue(first.fullTextBuiltAside)

        // When another file is imported and an item is edited through that same connection
        _ = try Importer(store: store).run(ImportOptions(path: scratch.write("b.jsonl", records(500, prefix: "b", seed: 9))))
        let item = try XCTUnwrap(try store.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM items WHERE prov_key LIKE 'i:\"a-1\"%'")
        })
        try store.write { db in
            try Edits.save(db, item: item, turns: [Turn(role: "human", text: "Name the bird."),
                                                   Turn(role: "gpt", text: "A kingfisher.")],
                           baseVersion: 0, reviewer: "ana")
        }

        // Then the index holds both files and the edit, and is sound
        let amber = try matches(store, "amber")
        XCTAssertTrue(amber.contains { $0.contains("\"a-") })
        XCTAssertTrue(amber.contains { $0.contains("\"b-") })
        XCTAssertEqual(try matches(store, "kingfisher").count, 1)
        XCTAssertFalse(try matches(store, "amber OR willow OR zephyr OR quartz").contains { $0.hasPrefix("i:\"a-1\"#") })
        checkIntegrity(store)
    }

    func testFailedLoadLeavesAnEmptyIndexAndNoScratchFile() throws {
        // Given a file whose last record is invalid
        let scratch = Scratch()
        let store = try scratch.store()
        let file = scratch.write("bad.jsonl", records(2000, prefix: "r") + #"{"id": "x", "conversations": 3}"# + "\n")

        // When it is imported into the empty store
        XCTAssertThrowsError(try Importer(store: store).run(ImportOptions(path: file))) { error in
            XCTAssertTrue("\(error)".contains("bad.jsonl:2001:"), "\(error)")
        }

        // Then nothing is left: no items, no index, no scratch file; and the next import works
        XCTAssertEqual(try store.count("SELECT count(*) FROM items"), 0)
        XCTAssertEqual(try store.count("SELECT count(*) FROM item_fts_idx"), 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: store.path + "-fts-build"))
        let report = try Importer(store: store).run(ImportOptions(path: scratch.write("good.jsonl", records(10, prefix: "g"))))
        XCTAssertTrue(report.fullTextBuiltAside)
        XCTAssertEqual(try matches(store, "amber OR bicycle OR canal OR dune OR ember").count, 10)
        checkIntegrity(store)
    }

    func testScratchFileLeftByAKilledImportIsRemovedByTheNextImport() throws {
        // Given a store with items and the scratch file of an import that was killed
        let scratch = Scratch()
        let store = try scratch.store()
        _ = try Importer(store: store).run(ImportOptions(path: scratch.write("a.jsonl", records(20, prefix: "a"))))
        let leftover = store.path + "-fts-build"
        FileManager.default.createFile(atPath: leftover, contents: Data(repeating: 7, count: 4096))

        // When the next import runs (row by row, the store has items)
        let report = try Importer(store: store).run(ImportOptions(path: scratch.write("b.jsonl", records(20, prefix: "b"))))

        // Then the leftover is gone and the import did its work
        XCTAssertFalse(report.fullTextBuiltAside)
        XCTAssertEqual(report.added, 20)
        XCTAssertFalse(FileManager.default.fileExists(atPath: leftover))
    }

    func testWithoutAScratchFileTheIndexIsWrittenRowByRow() throws {
        // Given an empty store where the scratch file cannot be made (a folder has its name)
        let scratch = Scratch()
        let store = try scratch.store()
        try FileManager.default.createDirectory(atPath: store.path + "-fts-build", withIntermediateDirectories: true)

        // When a file is imported
        let report = try Importer(store: store).run(ImportOptions(path: scratch.write("a.jsonl", records(200, prefix: "a"))))

        // Then the import still succeeds, its index written row by row
        XCTAssertFalse(report.fullTextBuiltAside)
        XCTAssertEqual(report.added, 200)
        let everyWord = "amber OR bicycle OR canal OR dune OR ember OR fjord OR granite OR harbor OR iris OR juniper OR kayak "
            + "OR lantern OR meadow OR nectar OR orchid OR pebble OR quartz OR rooftop OR saffron OR tundra OR umber "
            + "OR velvet OR willow OR xylem OR yarrow OR zephyr OR café OR naïve"
        XCTAssertEqual(try matches(store, everyWord).count, 200)
        checkIntegrity(store)
    }

    func testProgressNamesThePhasesAfterTheRecords() throws {
        // Given a load into an empty store, then one into the same store
        let scratch = Scratch()
        let store = try scratch.store()
        let phases = Locked<[String]>([])
        let importer = Importer(store: store)
        importer.onProgress = { progress in if let phase = progress.phase { phases.mutate { $0.append(phase) } } }
        _ = try importer.run(ImportOptions(path: scratch.write("a.jsonl", records(300, prefix: "a"))))

        // Then the phases after reading are announced in order, with every record counted
        XCTAssertEqual(phases.value, ["building indexes", "adding the full-text index", "writing to disk"])
        phases.mutate { $0.removeAll() }
        _ = try importer.run(ImportOptions(path: scratch.write("b.jsonl", records(10, prefix: "b"))))
        XCTAssertEqual(phases.value, ["writing to disk"])
    }
}
