import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// Scores whose 0 means "nothing found" keep no row for it (``ImplicitZeros``): what the
/// scorers write, what the readers make of it, and stores written before. On the six items
/// of ``ScoringStoreTests/makeStore(_:imageRoot:)``.
extension ScoringStoreTests {

    func bits(_ store: Store, _ orig: String) throws -> Int64? {
        try store.read { db in
            try Int64.fetchOne(db, sql: """
                SELECT s.scorers FROM scored_items s JOIN items i ON i.id = s.item_id WHERE i.orig_id = ?
                """, arguments: ["\"\(orig)\""])
        }
    }

    func testImplicitZerosAreBitsAndOtherValuesAreRows() throws {
        // Given the six items of the scoring tests, scored, and a seventh imported without scoring
        let scratch = Scratch()
        let store = try makeStore(scratch)
        let report = try Scoring().scoreAll(store: store)
        let late = scratch.write("late.jsonl", record("g", image: "late.png", instruction: "Say hi.", answer: "Hi.") + "\n")
        _ = try Importer(store: store).run(ImportOptions(path: late))

        try store.read { db in
            // Then no score with implicit zeros has a row of 0 without detail
            let names = ImplicitZeros.scorers.map { "'\($0.rawValue)'" }.joined(separator: ",")
            XCTAssertEqual(try Int.fetchOne(db, sql: """
                SELECT count(*) FROM scores WHERE name IN (\(names)) AND value = 0 AND detail IS NULL
                """), 0)
            // while the other scores keep all their rows
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM scores WHERE name = 'words_answer'"), 6)
            XCTAssertGreaterThan(try Int.fetchOne(db, sql: "SELECT count(*) FROM scores WHERE name IN (\(names))") ?? 0, 0)
            // The report counts the values (implicit zeros included) and, apart, the rows.
            XCTAssertEqual(report.values, try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(DenseScores.sql))"))
            XCTAssertEqual(report.rows, try Int.fetchOne(db, sql: "SELECT count(*) FROM scores"))
            XCTAssertLessThan(report.rows, report.values)
            XCTAssertTrue(report.summary.contains("(\(report.values) scores, \(report.rows) rows)"), report.summary)
        }
        // and each scored item has the bit of every such scorer (all six have an image), the late one none
        let all = ImplicitZeros.mask(ImplicitZeros.scorers)
        for orig in ["a", "b", "c", "d", "e", "f"] {
            XCTAssertEqual(try bits(store, orig), all, orig)
        }
        XCTAssertNil(try bits(store, "g"))

        // The item's detail lists the zeros as values of the built-in scorer; the late item has none
        let (a, d, g) = (try itemId(store, "a"), try itemId(store, "d"), try itemId(store, "g"))
        try store.read { db in
            let a = try XCTUnwrap(try ItemDetail.load(db, id: a))
            let leak = try XCTUnwrap(a.scores.first { $0.name == "caption_leak" })
            XCTAssertEqual(leak, ItemDetail.Score(name: "caption_leak", value: 0, scorer: "winnow",
                                                  version: BuiltinScorer.captionLeak.version, detail: nil))
            XCTAssertEqual(a.scores.map(\.name), a.scores.map(\.name).sorted())
            // (every score but the image check: the store has no image folder)
            XCTAssertEqual(Set(a.scores.map(\.name)), Set(BuiltinScorer.allCases.filter { $0 != .image }.map(\.rawValue)))
            XCTAssertEqual(try XCTUnwrap(try ItemDetail.load(db, id: g)).scores, [])

            // "0" matches the scored items only, and the unscored item sorts after every scored one
            XCTAssertEqual(try ItemQuery(filter: "score.caption_leak = 0").count(db), 5)
            XCTAssertEqual(try ItemQuery(filter: "score.caption_leak < 1").count(db), 5)
            XCTAssertEqual(try ItemQuery(filter: "score.caption_leak >= 0").count(db), 6)
            let ascending = try ItemQuery(sort: SortKey(parsing: "score.caption_leak")).page(db, after: nil, limit: 10)
            let descending = try ItemQuery(sort: SortKey(parsing: "-score.caption_leak")).page(db, after: nil, limit: 10)
            XCTAssertEqual(ascending.map(\.id).suffix(2), [d, g])
            XCTAssertEqual(descending.map(\.id).first, d)
            XCTAssertEqual(descending.map(\.id).last, g)
        }
    }

    func testSummariesCountImplicitZerosOfLiveScoredItems() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        _ = try Scoring().scoreAll(store: store)
        let late = scratch.write("late.jsonl", record("g", image: "late.png", instruction: "Say hi.", answer: "Hi.") + "\n")
        _ = try Importer(store: store).run(ImportOptions(path: late))
        func leak() throws -> ScoreSummary? {
            try store.read { db in try ScoreQueries.summaries(db).first { $0.name == "caption_leak" } }
        }
        // Five zeros and item d's 1; the unscored item is not counted
        XCTAssertEqual(try leak()?.count, 6)
        XCTAssertEqual(try leak()?.mean ?? 0, 1.0 / 6, accuracy: 1e-12)
        // A removed item's zero leaves the counts
        try store.write { db in
            try db.execute(sql: "UPDATE items SET removed_at = '2024-01-01T00:00:00.000Z' WHERE orig_id = '\"a\"'")
        }
        XCTAssertEqual(try leak()?.count, 5)
        XCTAssertEqual(try leak()?.mean ?? 0, 1.0 / 5, accuracy: 1e-12)
    }

    func testOnlyRunsSetTheBitsOfTheirScorers() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        _ = try Scoring(options: ScoringOptions(only: [.refusal, .wordsAnswer])).scoreAll(store: store)
        XCTAssertEqual(try bits(store, "a"), BuiltinScorer.refusal.implicitZeroBit)
        try store.read { db in
            XCTAssertEqual(try ScoreQueries.names(db), ["refusal", "words_answer"])
            let refusal = try XCTUnwrap(try ScoreQueries.summaries(db).first { $0.name == "refusal" })
            XCTAssertEqual(refusal.count, 6)
            XCTAssertEqual(refusal.mean, 0)
            XCTAssertEqual(refusal.scorer, "winnow")
        }
        _ = try Scoring(options: ScoringOptions(only: [.dupAnswer])).scoreAll(store: store)
        XCTAssertEqual(try bits(store, "a"), BuiltinScorer.refusal.implicitZeroBit | BuiltinScorer.dupAnswer.implicitZeroBit)
    }

    func testAnEditThatRemovesAFindingLeavesABitAndNoRow() throws {
        // Given item d, whose answer leaks the caption
        let scratch = Scratch()
        let store = try makeStore(scratch)
        _ = try Scoring().scoreAll(store: store)
        let d = try itemId(store, "d")
        func leakRows() throws -> Int {
            try store.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM scores WHERE item_id = ? AND name = 'caption_leak'", arguments: [d]) ?? -1
            }
        }
        XCTAssertEqual(try leakRows(), 1)

        func edit(_ answer: String, base: Int) throws {
            try store.write { db in
                try Edits.save(db, item: d, turns: [Turn(role: "human", text: "<image>\nDescribe the scene in detail."),
                                                    Turn(role: "gpt", text: answer)],
                               baseVersion: base, reviewer: "ann")
                try Scoring.score(db, items: [d])
            }
        }

        // When the leak is edited out and the item re-scored
        try edit("A busy market with many stalls selling fruit.", base: 0)

        // Then its row is gone, its bit stays, and it reads as 0
        XCTAssertEqual(try leakRows(), 0)
        XCTAssertEqual(try bits(store, "d"), ImplicitZeros.mask(ImplicitZeros.scorers))
        try store.read { db in
            XCTAssertEqual(try ItemDetail.load(db, id: d)?.scores.first { $0.name == "caption_leak" }?.value, 0)
            XCTAssertEqual(try ItemQuery(filter: "bad:caption_leak", thresholds: ScoreProfile.builtin.thresholds).count(db), 0)
        }

        // And an edit that brings the leak back writes the row again
        try edit("Based on the description, a busy market with many stalls.", base: 1)
        XCTAssertEqual(try leakRows(), 1)
    }

    /// Everything a reader shows of the scores: summaries, histograms, each item's scores,
    /// level counts and the score order.
    func readings(_ store: Store) throws -> String {
        try store.read { db in
            var lines: [String] = []
            for summary in try ScoreQueries.summaries(db) {
                lines.append("\(summary.name) \(summary.json.jsonText) \(summary.scorer)/\(summary.version)")
                let histogram = try ScoreQueries.histogram(db, score: summary.name, whereSQL: "", arguments: [], bins: 5)
                lines.append("\(histogram.bins.map(\.count)) \(histogram.total) " + String(format: "%.9f", histogram.mean ?? -1))
                let sorted = try ItemQuery(sort: SortKey(parsing: "-score.\(summary.name)")).page(db, after: nil, limit: 100)
                lines.append("\(sorted.map(\.id))")
            }
            for id in try Int64.fetchAll(db, sql: "SELECT id FROM items ORDER BY id") {
                let detail = try XCTUnwrap(try ItemDetail.load(db, id: id))
                lines.append("\(id) " + detail.scores.map { "\($0.name)=\($0.value) \($0.detail ?? "")" }.joined(separator: ", "))
            }
            for filter in ["bad:any", "warn:any", "score.refusal < 0.5", "score.dup_answer = 0"] {
                let count = try ItemQuery(filter: filter, thresholds: ScoreProfile.builtin.thresholds).count(db)
                lines.append("\(filter): \(count)")
            }
            return lines.joined(separator: "\n")
        }
    }

    func testStoresScoredBeforeReadTheSameAfterTheUpgrade() throws {
        // Given a scored store, and the same store as an older Winnow wrote it: every 0 a row,
        // no bits
        let scratch = Scratch()
        let path: String
        do {
            let store = try makeStore(scratch)
            _ = try Scoring().scoreAll(store: store)
            path = store.path
        }
        let current = try readings(Store(path: path))
        let bitsBefore = try Store(path: path).read { db in try Row.fetchAll(db, sql: "SELECT * FROM scored_items ORDER BY item_id") }
        try Store(path: path).write { db in
            try db.execute(sql: """
                INSERT INTO scores(item_id, name, value, scorer, version, detail)
                SELECT d.item_id, d.name, d.value, 'winnow', '1', NULL FROM (\(DenseScores.sql)) d
                WHERE NOT EXISTS (SELECT 1 FROM scores s WHERE s.item_id = d.item_id AND s.name = d.name);
                DROP TABLE scored_items;
                DELETE FROM grdb_migrations WHERE identifier = 'v3-implicit-zeros';
                """)
        }
        // (read-only access cannot upgrade it, and says what to do)
        XCTAssertThrowsError(try Store(path: path, readonly: true)) { error in
            XCTAssertTrue("\(error)".contains("open it once for writing"), "\(error)")
        }

        // When it is opened by this version
        let upgraded = try Store(path: path)

        // Then every item has the bits it would have had, and every reading is the same
        let bitsAfter = try upgraded.read { db in try Row.fetchAll(db, sql: "SELECT * FROM scored_items ORDER BY item_id") }
        XCTAssertEqual(bitsAfter, bitsBefore)
        XCTAssertEqual(try readings(upgraded), current)
        XCTAssertGreaterThan(try upgraded.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM scores WHERE value = 0 AND name = 'format'") } ?? 0, 0)
    }
}
