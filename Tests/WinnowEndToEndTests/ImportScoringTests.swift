import Foundation
import GRDB
import WinnowCore
import WinnowTestSupport
import XCTest

/// `winnow import` scores what it imported (unless `--no-score`), and the scores show in
/// `winnow stats --json` and `winnow list --filter 'bad:any' --json`. Runs the real binary.
final class ImportScoringTests: XCTestCase {
    /// Three items: one leaks the caption, one refuses, one is fine.
    func writeItems(_ scratch: Scratch, changed: Bool = false) -> String {
        func record(_ id: String, _ instruction: String, _ answer: String) -> String {
            JSONValue.object(JSONObject(keys: ["id", "conversations"], values: [
                .string(id),
                .array([
                    .object(JSONObject(keys: ["from", "value"], values: [.string("human"), .string(instruction)])),
                    .object(JSONObject(keys: ["from", "value"], values: [.string("gpt"), .string(answer)])),
                ]),
            ])).jsonText
        }
        let lines = [
            record("leak", "Describe the scene.",
                   "Based on the description, the scene shows a busy market with many stalls selling fresh fruit."),
            record("refuse", "Write a short advertisement for this bicycle.",
                   "I'm sorry, but I can't help with creating advertisements. I can help with something else."),
            record("fine", "What colour is the bus?",
                   changed ? "The bus is blue with a white roof." : "The bus is red with a white roof."),
        ]
        return scratch.write("items.jsonl", lines.joined(separator: "\n") + "\n")
    }

    func requireBinary() throws {
        guard FileManager.default.isExecutableFile(atPath: TestPaths.binary.path) else {
            throw XCTSkip("the winnow binary is not built at \(TestPaths.binary.path) (make test builds it)")
        }
    }

    func scoreRows(_ db: String) throws -> [String: [String: Double]] {
        try Store(path: db).read { db in
            var result: [String: [String: Double]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT i.orig_id, s.name, s.value FROM (\(DenseScores.sql)) s JOIN items i ON i.id = s.item_id") {
                result[row[0] as String, default: [:]][row[1]] = row[2]
            }
            return result
        }
    }

    func testImportScoresTheImportedItemsAndSaysWhatIsFlagged() throws {
        try requireBinary()
        // Given a file with a caption leak and a refusal
        let scratch = Scratch()
        let file = writeItems(scratch)
        let db = scratch.path("store.sqlite")

        // When it is imported
        let result = try runProcess(TestPaths.binary, ["import", file, "--db", db])

        // Then every item has every text score, and the summary line names the flagged scores
        XCTAssertEqual(result.status, 0, result.stderr)
        let scored = result.stdout.split(separator: "\n").filter { $0.hasPrefix("Scored 3 items") }
        XCTAssertEqual(scored.count, 1, result.stdout)
        XCTAssertTrue(scored.first?.contains("bad caption_leak 1, refusal 1") ?? false, result.stdout)
        let rows = try scoreRows(db)
        XCTAssertEqual(Set(rows.keys), ["\"leak\"", "\"refuse\"", "\"fine\""])
        for (id, scores) in rows {
            for scorer in BuiltinScorer.allCases where scorer.kind != .image && scorer != .ungrounded && scorer != .imageReuse {
                XCTAssertNotNil(scores[scorer.rawValue], "\(id) has no \(scorer.rawValue)")
            }
        }
        XCTAssertEqual(rows["\"leak\""]?["caption_leak"], 1)
        XCTAssertEqual(rows["\"refuse\""]?["refusal"], 1)
        XCTAssertEqual(rows["\"fine\""]?["caption_leak"], 0)
    }

    func testNoScoreLeavesTheStoreWithoutScores() throws {
        try requireBinary()
        let scratch = Scratch()
        let file = writeItems(scratch)
        let db = scratch.path("store.sqlite")

        let result = try runProcess(TestPaths.binary, ["import", file, "--db", db, "--no-score"])

        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.contains("Scored"), result.stdout)
        XCTAssertEqual(try Store(path: db).count("SELECT count(*) FROM items"), 3)
        XCTAssertEqual(try Store(path: db).count("SELECT count(*) FROM scores"), 0)
        XCTAssertEqual(try Store(path: db).count("SELECT count(*) FROM scored_items"), 0, "no implicit zeros either")
    }

    func testReimportScoresOnlyWhenSomethingChanged() throws {
        try requireBinary()
        // Given an imported, scored file
        let scratch = Scratch()
        let file = writeItems(scratch)
        let db = scratch.path("store.sqlite")
        XCTAssertEqual(try runProcess(TestPaths.binary, ["import", file, "--db", db]).status, 0)

        // When it is imported unchanged, nothing is scored
        let unchanged = try runProcess(TestPaths.binary, ["import", file, "--db", db])
        XCTAssertEqual(unchanged.status, 0, unchanged.stderr)
        XCTAssertFalse(unchanged.stdout.contains("Scored"), unchanged.stdout)

        // When one answer changes, that item is re-scored
        _ = writeItems(scratch, changed: true)
        let changed = try runProcess(TestPaths.binary, ["import", file, "--db", db, "--json"])
        XCTAssertEqual(changed.status, 0, changed.stderr)
        guard case let .object(report) = try parseJSON(changed.stdout),
              case let .object(scoring)? = report["scoring"] else {
            return XCTFail("no scoring object in \(changed.stdout)")
        }
        XCTAssertEqual(scoring["items"], .number("1"))
    }

    func testStatsJSONHasScoresAndListFiltersBadAny() throws {
        try requireBinary()
        // Given an imported (and so scored) store
        let scratch = Scratch()
        let file = writeItems(scratch)
        let db = scratch.path("store.sqlite")
        XCTAssertEqual(try runProcess(TestPaths.binary, ["import", file, "--db", db]).status, 0)

        // When stats are asked for as JSON
        let stats = try runProcess(TestPaths.binary, ["stats", "--db", db, "--json"])

        // Then a scores object gives count, min, max, mean, warn and bad per score
        XCTAssertEqual(stats.status, 0, stats.stderr)
        guard case let .object(object) = try parseJSON(stats.stdout), case let .object(scores)? = object["scores"] else {
            return XCTFail("no scores object in \(stats.stdout)")
        }
        XCTAssertTrue(scores.keys.contains("caption_leak"), "\(scores.keys)")
        guard case let .object(leak)? = scores["caption_leak"] else { return XCTFail("no caption_leak") }
        XCTAssertEqual(leak.keys, ["count", "min", "max", "mean", "warn", "bad"])
        XCTAssertEqual(leak["count"], .number("3"))
        XCTAssertEqual(leak["min"], .number("0"))
        XCTAssertEqual(leak["max"], .number("1"))
        XCTAssertEqual(leak["bad"], .number("1"))
        XCTAssertEqual(leak["warn"], .number("0"))

        // When the flagged items are listed
        let list = try runProcess(TestPaths.binary, ["list", "--db", db, "--filter", "bad:any", "--json"])

        // Then exactly the leak and the refusal come back
        XCTAssertEqual(list.status, 0, list.stderr)
        guard case let .array(items) = try parseJSON(list.stdout) else { return XCTFail(list.stdout) }
        let ids = items.compactMap { item -> String? in
            guard case let .object(fields) = item else { return nil }
            return fields["id"]?.stringValue
        }
        XCTAssertEqual(ids, ["leak", "refuse"])
    }
}
