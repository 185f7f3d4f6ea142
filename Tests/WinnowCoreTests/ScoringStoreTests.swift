import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// Scoring a store: the parallel run, duplicates, image checks, re-scoring after an edit,
/// histograms, counts and stats.
final class ScoringStoreTests: XCTestCase {
    static let sharedAnswer = "The red fishing boat rests on the calm water of the harbour while gulls circle above the old stone pier in the morning light."

    func record(_ id: String, image: String?, instruction: String, answer: String, caption: String? = nil) -> String {
        var object = JSONObject()
        object.set("id", .string(id))
        if let image { object.set("image", .string(image)) }
        object.set("conversations", .array([
            .object(JSONObject(keys: ["from", "value"], values: [.string("human"), .string((image == nil ? "" : "<image>\n") + instruction)])),
            .object(JSONObject(keys: ["from", "value"], values: [.string("gpt"), .string(answer)])),
        ]))
        if let caption { object.set("caption", .string(caption)) }
        return JSONValue.object(object).jsonText
    }

    /// Six items: 1 and 2 share an answer exactly, 3 nearly; 4 leaks the caption; 5 and 6 share an image.
    func makeStore(_ scratch: Scratch, imageRoot: String? = nil) throws -> Store {
        let near = Self.sharedAnswer.replacingOccurrences(of: "morning", with: "evening")
        let lines = [
            record("a", image: "boat.png", instruction: "Describe the harbour.", answer: Self.sharedAnswer,
                   caption: "A red fishing boat on calm water in a harbour with gulls and a stone pier."),
            record("b", image: "boat2.png", instruction: "What do you see?", answer: Self.sharedAnswer),
            record("c", image: "boat3.png", instruction: "Describe the picture.", answer: near),
            record("d", image: "missing.jpg", instruction: "Describe the scene in detail.",
                   answer: "Based on the description, the scene shows a busy market with many stalls selling fruit.",
                   caption: "A busy market with stalls."),
            record("e", image: "shared.jpg", instruction: "Write a haiku about the image.", answer: "Quiet stone\nold moss\nrain"),
            record("f", image: "shared.jpg", instruction: "How many people are there?", answer: "Two"),
        ]
        return try importedStore(scratch, lines, imageRoot: imageRoot)
    }

    /// A store in `scratch` holding the JSONL `lines` (``record(_:image:instruction:answer:caption:)``).
    func importedStore(_ scratch: Scratch, _ lines: [String], imageRoot: String? = nil) throws -> Store {
        let store = try scratch.store()
        var options = ImportOptions(path: scratch.write("items.jsonl", lines.joined(separator: "\n") + "\n"))
        options.imageRoot = imageRoot
        _ = try Importer(store: store).run(options)
        return store
    }

    func scores(_ store: Store) throws -> [String: [String: (Double, String?)]] {
        try store.read { db in
            var result: [String: [String: (Double, String?)]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT i.orig_id, s.name, s.value, s.detail FROM (\(DenseScores.sql)) s JOIN items i ON i.id = s.item_id") {
                let id = (try? parseJSON(row[0] as String).stringValue) ?? ""
                result[id, default: [:]][row[1]] = (row[2], row[3])
            }
            return result
        }
    }

    func itemId(_ store: Store, _ orig: String) throws -> Int64 {
        try store.read { db in try Int64.fetchOne(db, sql: "SELECT id FROM items WHERE orig_id = ?", arguments: ["\"\(orig)\""]) ?? -1 }
    }

    func testScoreAllWritesEveryScoreWithDuplicatesAndImages() throws {
        // Given a store whose image folder holds two real images, one with a wrong extension
        let scratch = Scratch()
        let images = scratch.url.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        if let shared = TestPaths.shared {
            try FileManager.default.copyItem(at: shared.appendingPathComponent("images/horse.png"), to: images.appendingPathComponent("boat.png"))
            try FileManager.default.copyItem(at: shared.appendingPathComponent("images/horse.png"), to: images.appendingPathComponent("shared.jpg"))
        }
        let store = try makeStore(scratch, imageRoot: images.path)

        // When every scorer runs
        let report = try Scoring(options: ScoringOptions(threads: 2, chunk: 64)).scoreAll(store: store)

        // Then
        XCTAssertEqual(report.items, 6)
        let s = try scores(store)
        XCTAssertEqual(s["a"]?["dup_answer"]?.0, 1)
        XCTAssertEqual(s["a"]?["dup_answer"]?.1, "{\"item\":\(try itemId(store, "b")),\"orig_id\":\"b\"}")
        XCTAssertEqual(s["b"]?["dup_answer"]?.0, 1)
        XCTAssertGreaterThanOrEqual(s["c"]?["dup_answer"]?.0 ?? 0, 0.5, "one word changed: a near duplicate")
        XCTAssertLessThan(s["c"]?["dup_answer"]?.0 ?? 1, 1)
        XCTAssertEqual(s["d"]?["dup_answer"]?.0, 0)
        XCTAssertEqual(s["d"]?["caption_leak"]?.0, 1)
        XCTAssertEqual(s["a"]?["caption_leak"]?.0, 0)
        XCTAssertNotNil(s["a"]?["ungrounded"], "a has a caption")
        XCTAssertNil(s["b"]?["ungrounded"], "b has no caption")
        XCTAssertEqual(s["e"]?["image_reuse"]?.0, 1)
        XCTAssertEqual(s["a"]?["image_reuse"]?.0, 0)
        XCTAssertEqual(s["b"]?["words_answer"]?.0, 24)
        XCTAssertEqual(s["e"]?["turns"]?.0, 2)
        XCTAssertEqual(s["d"]?["image"]?.0, 1)
        XCTAssertTrue(s["d"]?["image"]?.1?.contains("\"kind\":\"missing\"") ?? false)
        if TestPaths.shared != nil {
            XCTAssertEqual(s["a"]?["image"]?.0, 0)
            XCTAssertTrue(s["a"]?["image"]?.1?.contains("\"format\":\"png\"") ?? false)
            XCTAssertEqual(s["e"]?["image"]?.0, 0.5, "a PNG named .jpg")
            XCTAssertTrue(s["e"]?["image"]?.1?.contains("extension_mismatch") ?? false)
        }
        XCTAssertEqual(report.bad["caption_leak"], 1)
        XCTAssertEqual(report.bad["dup_answer"], 2)
        // The value index is back.
        let indexes = try store.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'") }
        XCTAssertTrue(indexes.contains("scores_by_value"))
    }

    /// Progress names each phase and counts up to its total: the scoring, then the duplicate
    /// rows (written after the search), so a long run never sits at "0 of n".
    func testProgressReachesTheTotalOfEachPhase() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        let events = Locked<[ScoringProgress]>([])
        _ = try Scoring(options: ScoringOptions(threads: 2, chunk: 64)).scoreAll(store: store) { progress in
            events.mutate { $0.append(progress) }
        }
        let seen = events.value
        let phases = seen.map(\.phase).reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        XCTAssertEqual(phases, ["scoring", "duplicates"])
        for phase in ["scoring", "duplicates"] {
            let counts = seen.filter { $0.phase == phase }
            XCTAssertEqual(counts.last?.done, 6, phase)
            XCTAssertEqual(counts.last?.total, 6, phase)
            XCTAssertEqual(counts.map(\.done), counts.map(\.done).sorted(), "\(phase) only counts up")
        }
    }

    /// A run that rebuilds the score index reports how far the build is, as a share that
    /// only rises, ends at 100 and is not 100 before the end; the index is there afterwards.
    func testIndexBuildReportsItsShareUpToTheEnd() throws {
        let scratch = Scratch()
        let lines = (0..<400).map { i in
            record("r\(i)", image: "img\(i % 50).jpg", instruction: "Describe picture \(i) in a few words.",
                   answer: "A harbour with \(i) boats, gulls over the water and a stone pier in the evening light.")
        }
        let store = try importedStore(scratch, lines)
        var options = ScoringOptions(threads: 2, chunk: 64)
        options.indexRebuildMinimum = 100
        let events = Locked<[ScoringProgress]>([])
        _ = try Scoring(options: options).scoreAll(store: store) { progress in events.mutate { $0.append(progress) } }

        let index = events.value.filter { $0.phase == IndexBuildProgress.phase }
        let shares = index.compactMap(\.percent)
        XCTAssertEqual(shares.count, index.count, "every index event carries a share")
        XCTAssertEqual(shares.first, 0)
        XCTAssertEqual(shares.last, 100)
        XCTAssertEqual(shares, shares.sorted(), "the share only rises")
        XCTAssertEqual(shares.filter { $0 == 100 }.count, 1, "100 only when the build is done")
        XCTAssertGreaterThan(Set(shares).count, 10, "the share moves during the build: \(shares)")
        XCTAssertEqual(events.value.last?.phase, IndexBuildProgress.phase)
        let indexes = try store.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index'") }
        XCTAssertTrue(indexes.contains("scores_by_value"))
        let autocheckpoint = try store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        XCTAssertEqual(autocheckpoint, 1000, "the run gave the writer back its automatic checkpoint")
    }

    /// The corpus rows are made block by block on another core while the block before is
    /// written: small blocks (many hand-overs) write the same scores, counts and progress as
    /// one block.
    func testCorpusRowsWrittenInBlocksEqualOneBlock() throws {
        let lines = (0..<300).map { i in
            record("r\(i)", image: i % 4 == 0 ? nil : "img\(i % 40).jpg", instruction: "Describe picture \(i % 90) in a few words.",
                   answer: i % 3 == 0 ? Self.sharedAnswer : "A harbour with \(i) boats, gulls over the water and a stone pier.")
        }
        var results: [(scores: [String: [String: (Double, String?)]], report: ScoringReport, done: [Int])] = []
        for block in [50_000, 7] {
            let scratch = Scratch()
            let store = try importedStore(scratch, lines)
            var options = ScoringOptions(threads: 2, chunk: 64)
            options.corpusBlock = block
            let events = Locked<[ScoringProgress]>([])
            let report = try Scoring(options: options).scoreAll(store: store) { progress in events.mutate { $0.append(progress) } }
            results.append((try scores(store), report, events.value.filter { $0.phase == "duplicates" }.map(\.done)))
        }
        let (one, many) = (results[0], results[1])
        XCTAssertEqual(one.scores.count, 300)
        XCTAssertEqual(Set(one.scores.keys), Set(many.scores.keys))
        var corpusRows = 0
        for (id, byName) in one.scores {
            XCTAssertEqual(Set(byName.keys), Set(many.scores[id]?.keys ?? [:].keys), id)
            for (name, value) in byName {
                XCTAssertEqual(value.0, many.scores[id]?[name]?.0, "\(id) \(name)")
                XCTAssertEqual(value.1, many.scores[id]?[name]?.1, "\(id) \(name)")
                if ["dup_instruction", "dup_answer", "image_reuse"].contains(name) { corpusRows += 1 }
            }
        }
        XCTAssertEqual(corpusRows, 300 + 300 + 225, "both duplicate scores for every item, image reuse for those with an image")
        XCTAssertGreaterThan(one.scores.values.filter { ($0["dup_answer"]?.0 ?? 0) == 1 }.count, 90)
        XCTAssertEqual(one.report.rows, many.report.rows)
        XCTAssertEqual(one.report.warn, many.report.warn)
        XCTAssertEqual(one.report.bad, many.report.bad)
        XCTAssertGreaterThanOrEqual(one.report.bad["dup_answer"] ?? 0, 100, "exact duplicate answers are counted as bad")
        XCTAssertEqual(one.done, [0, 300])
        XCTAssertEqual(many.done, [0] + stride(from: 7, to: 300, by: 7).map { $0 } + [300])
    }

    /// While a big run writes, a thread of its own copies the WAL into the store file: the
    /// file grows although the writer's automatic checkpoint is off, and `stop()` gives the
    /// writer its own setting back.
    func testBackgroundCheckpointsCopyTheWALIntoTheStore() throws {
        let scratch = Scratch()
        let store = try scratch.store()
        func autocheckpoint() throws -> Int {
            try store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? -1 }
        }
        try store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 777") }
        func fileSize() throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: store.path)[.size] as? Int) ?? 0
        }
        let before = try fileSize()

        let checkpoints = try BackgroundCheckpoints(store: store)
        XCTAssertEqual(try autocheckpoint(), 0, "the writer does not checkpoint while the thread does")
        let text = String(repeating: "x", count: 4000)
        for batch in 0..<20 {
            try store.write { db in
                for key in 0..<50 {
                    try db.execute(sql: "INSERT INTO meta(key, value) VALUES (?, ?)", arguments: ["k\(batch)-\(key)", text])
                }
            }
        }
        // 4 MB written; within a few intervals the thread has copied it into the file.
        let deadline = Date(timeIntervalSinceNow: 10)
        while try fileSize() < before + 3_000_000, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertGreaterThan(try fileSize(), before + 3_000_000, "the WAL was copied into the store file")
        checkpoints.stop()
        XCTAssertGreaterThan(checkpoints.checkpoints, 0)
        XCTAssertEqual(try autocheckpoint(), 777, "the writer's own setting is back")
        checkpoints.stop()
        XCTAssertEqual(try autocheckpoint(), 777)
        XCTAssertEqual(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM meta WHERE key LIKE 'k%'") }, 1000)
    }

    /// A timing line is only built when its switch is set: with timing off, runs pay nothing
    /// for formatting lines or reading /proc.
    func testTimingLinesAreBuiltOnlyWhenTheirSwitchIsSet() {
        var built = 0
        let off = TimingLog(variable: "WINNOW_TEST_NO_SUCH_SWITCH")
        off({ built += 1; return "never built" }())
        XCTAssertFalse(off.enabled)
        XCTAssertEqual(built, 0)
        let on = TimingLog(variable: "PATH")
        on({ built += 1; return "timing test line (expected on stderr)" }())
        XCTAssertEqual(built, 1)
    }

    func testTruncatedImagesAreUnusable() throws {
        guard let shared = TestPaths.shared else { throw XCTSkip("../shared/images is not here") }
        // Given an image folder with a real JPEG and PNG, and copies of them cut in half
        let scratch = Scratch()
        let images = scratch.url.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for (name, cut) in [("rocket.jpg", "rocket-cut.jpg"), ("astronaut.png", "astronaut-cut.png")] {
            let bytes = try Data(contentsOf: shared.appendingPathComponent("images/\(name)"))
            try bytes.write(to: images.appendingPathComponent(name))
            try bytes.prefix(bytes.count / 2).write(to: images.appendingPathComponent(cut))
        }
        let names = ["rocket.jpg", "rocket-cut.jpg", "astronaut.png", "astronaut-cut.png"]
        let lines = names.map { record($0, image: $0, instruction: "Describe the picture.", answer: "A picture.") }
        let store = try importedStore(scratch, lines, imageRoot: images.path)

        // When the image scorer runs
        let report = try Scoring(options: ScoringOptions(only: [.image])).scoreAll(store: store)

        // Then the cut files are unusable (truncated), the whole ones fine
        XCTAssertEqual(report.imagesChecked, 4)
        let s = try scores(store)
        XCTAssertEqual(s["rocket.jpg"]?["image"]?.0, 0)
        XCTAssertEqual(s["astronaut.png"]?["image"]?.0, 0)
        for cut in ["rocket-cut.jpg", "astronaut-cut.png"] {
            XCTAssertEqual(s[cut]?["image"]?.0, 1, cut)
            XCTAssertTrue(s[cut]?["image"]?.1?.contains("\"kind\":\"truncated\"") ?? false, s[cut]?["image"]?.1 ?? "no detail")
        }
        XCTAssertEqual(report.bad["image"], 2)
    }

    func testImagesWithoutAFolderAreSkippedAndCounted() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        let report = try Scoring().scoreAll(store: store)
        XCTAssertEqual(report.imagesSkipped, 6)
        XCTAssertNil(try scores(store)["a"]?["image"])
        XCTAssertTrue(report.summary.contains("--images"))
    }

    func testOnlyRunsTheNamedScorersAndRescoringReplaces() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        _ = try Scoring(options: ScoringOptions(only: [.refusal, .dupAnswer])).scoreAll(store: store)
        let names = try store.read { db in try ScoreQueries.names(db) }
        XCTAssertEqual(names, ["dup_answer", "refusal"])
        let rows = try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM scores") }
        _ = try Scoring(options: ScoringOptions(only: [.refusal, .dupAnswer])).scoreAll(store: store)
        XCTAssertEqual(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM scores") }, rows)
        XCTAssertThrowsError(try BuiltinScorer.parseList("refusal,nope")) { error in
            XCTAssertTrue("\(error)".contains("nope"))
        }
    }

    func testRescoringAnEditedItemChangesOnlyItsScores() throws {
        // Given a scored store
        let scratch = Scratch()
        let store = try makeStore(scratch)
        _ = try Scoring().scoreAll(store: store)
        let before = try store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM (\(DenseScores.sql)) ORDER BY item_id, name") }
        let d = try itemId(store, "d")

        // When item d's answer is edited to drop the caption leak and it is re-scored
        try store.write { db in
            try Edits.save(db, item: d, turns: [Turn(role: "human", text: "<image>\nDescribe the scene in detail."),
                                                Turn(role: "gpt", text: Self.sharedAnswer)],
                           baseVersion: 0, reviewer: "ann")
            try Scoring.score(db, items: [d])
        }

        // Then only d's rows changed: no leak any more, and it is now an exact duplicate of a
        let after = try store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM (\(DenseScores.sql)) ORDER BY item_id, name") }
        XCTAssertEqual(before.filter { $0["item_id"] != d }, after.filter { $0["item_id"] != d })
        XCTAssertNotEqual(before.filter { $0["item_id"] == d }, after.filter { $0["item_id"] == d })
        let s = try scores(store)
        XCTAssertEqual(s["d"]?["caption_leak"]?.0, 0)
        XCTAssertEqual(s["d"]?["dup_answer"]?.0, 1)
        XCTAssertTrue(s["d"]?["dup_answer"]?.1?.contains("\"orig_id\":\"") ?? false)
        XCTAssertEqual(Set(before.filter { $0["item_id"] == d }.map { $0["name"] as String }),
                       Set(after.filter { $0["item_id"] == d }.map { $0["name"] as String }))
    }

    func testScoreImportedScoresOnlyThatImportsItems() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        _ = try Scoring().scoreAll(store: store)
        let second = scratch.write("more.jsonl", record("z", image: nil, instruction: "Say hi.", answer: Self.sharedAnswer) + "\n")
        let report = try Importer(store: store).run(ImportOptions(path: second))
        let before = try store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM (\(DenseScores.sql)) WHERE name = 'refusal' ORDER BY item_id") }

        let scored = try Scoring.scoreImported(store: store, importId: report.importId ?? -1)

        XCTAssertEqual(scored.items, 1)
        let s = try scores(store)
        XCTAssertEqual(s["z"]?["refusal"]?.0, 0)
        XCTAssertEqual(s["z"]?["dup_answer"]?.0, 1)
        let z = try itemId(store, "z")
        let after = try store.read { db in try Row.fetchAll(db, sql: "SELECT * FROM (\(DenseScores.sql)) WHERE name = 'refusal' AND item_id != ? ORDER BY item_id", arguments: [z]) }
        XCTAssertEqual(before, after)
    }

    func testHistogramCountsEqualSQLCounts() throws {
        // Given a store with many values of one score
        let scratch = Scratch()
        let store = try scratch.store()
        let lines = (0..<300).map { i in
            record("r\(i)", image: i % 3 == 0 ? nil : "img\(i % 7).jpg", instruction: "Describe image \(i).",
                   answer: String(repeating: "word ", count: 1 + (i * 37) % 113))
        }
        let file = scratch.write("many.jsonl", lines.joined(separator: "\n") + "\n")
        _ = try Importer(store: store).run(ImportOptions(path: file))
        _ = try Scoring(options: ScoringOptions(only: [.wordsAnswer, .repetition])).scoreAll(store: store)

        try store.read { db in
            for (filter, arguments) in [("", StatementArguments()), ("items.image IS NOT NULL", StatementArguments()),
                                        ("items.image = ?", ["img3.jpg"] as StatementArguments)] {
                for score in ["words_answer", "repetition"] {
                    let histogram = try ScoreQueries.histogram(db, score: score, whereSQL: filter, arguments: arguments, bins: 10)
                    let scope = "FROM (\(DenseScores.sql)) s JOIN items ON items.id = s.item_id WHERE s.name = ? AND (\(filter.isEmpty ? "1" : filter))"
                    let total = try Int.fetchOne(db, sql: "SELECT count(*) \(scope)", arguments: StatementArguments([score]) + arguments) ?? -1
                    XCTAssertEqual(histogram.total, total)
                    XCTAssertEqual(histogram.bins.map(\.count).reduce(0, +), total, "\(score) \(filter)")
                    for (index, bin) in histogram.bins.enumerated() {
                        let last = index == histogram.bins.count - 1
                        let sql = "SELECT count(*) \(scope) AND s.value >= ? AND \(last ? "s.value <= ?" : "s.value < ?")"
                        let count = try Int.fetchOne(db, sql: sql, arguments: StatementArguments([score]) + arguments + [bin.lower, bin.upper]) ?? -1
                        XCTAssertEqual(bin.count, count, "\(score) \(filter) bin \(index)")
                    }
                    // Threshold counts split the total.
                    let middle = ((histogram.min ?? 0) + (histogram.max ?? 0)) / 2
                    let above = try ScoreQueries.count(db, score: score, whereSQL: filter, arguments: arguments, threshold: middle, above: true)
                    let below = try ScoreQueries.count(db, score: score, whereSQL: filter, arguments: arguments, threshold: middle, above: false)
                    XCTAssertEqual(above + below, total)
                    let sqlAbove = try Int.fetchOne(db, sql: "SELECT count(*) \(scope) AND s.value >= ?", arguments: StatementArguments([score]) + arguments + [middle])
                    XCTAssertEqual(above, sqlAbove)
                }
            }
            let empty = try ScoreQueries.histogram(db, score: "no_such_score", whereSQL: "", arguments: [], bins: 10)
            XCTAssertEqual(empty.total, 0)
            XCTAssertTrue(empty.bins.isEmpty)
        }
    }

    func testStatsGainScoresWithWarnAndBadCounts() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        _ = try Scoring().scoreAll(store: store)
        let stats = try store.read { db in try StoreStats.read(db) }
        let leak = stats.scores.first { $0.name == "caption_leak" }
        XCTAssertEqual(leak?.count, 6)
        XCTAssertEqual(leak?.bad, 1)
        XCTAssertEqual(leak?.warn, 0)
        XCTAssertEqual(leak?.max, 1)
        let json = stats.json.jsonText
        XCTAssertTrue(json.contains("\"scores\":{"))
        XCTAssertTrue(json.contains("\"caption_leak\":{\"count\":6,\"min\":0,\"max\":1,"))
        let dup = stats.scores.first { $0.name == "dup_answer" }
        XCTAssertEqual(dup?.bad, 2)
    }

    func testBadAnyConditionSelectsFlaggedItems() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        _ = try Scoring(options: ScoringOptions(only: [.captionLeak, .refusal])).scoreAll(store: store)
        let condition = ScoreProfile.builtin.condition(level: .bad, score: nil)
        let flagged = try store.read { db in
            try String.fetchAll(db, sql: "SELECT orig_id FROM items WHERE \(condition.sql) ORDER BY id", arguments: condition.arguments)
        }
        XCTAssertEqual(flagged, ["\"d\""])
        let leak = ScoreProfile.builtin.condition(level: .warn, score: "caption_leak")
        XCTAssertEqual(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE \(leak.sql)", arguments: leak.arguments) }, 1)
    }
}
