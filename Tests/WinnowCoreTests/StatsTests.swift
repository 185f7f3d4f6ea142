import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// `winnow stats`: the counts read in one pass over the items equal a query per count.
final class StatsTests: XCTestCase {
    func testOnePassCountsEqualACountPerQuestion() throws {
        // Given items of several sources, models (missing and empty too), statuses, captions,
        // images, format problems and duplicate ids, a few removed
        let scratch = Scratch()
        let store = try scratch.store()
        try store.write { db in
            let f = try QueryFixture(db)
            let flags: [FormatFlags] = [[], [], .emptyTurn, [.roleOrder, .imageTokenMissing], .noWords]
            for n in 0..<150 {
                let id = try f.add(origId: "\"\(n % 40)\"", source: ["alpha", "beta", "gamma"][n % 3],
                                   model: [nil, "", "m1", "m2"][n % 4], image: n % 5 == 0 ? nil : "img/\(n).jpg",
                                   caption: n % 7 == 0 ? nil : "caption \(n)", flags: flags[n % flags.count],
                                   turns: [("human", "Question \(n)?"), ("gpt", "Answer \(n).")])
                if n % 6 == 1 { try Decisions.decide(db, items: [id], verdict: .accepted, reviewer: "ana") }
                if n % 6 == 2 { try Decisions.decide(db, items: [id], verdict: .rejected, reviewer: "ana") }
                if n % 11 == 3 {
                    try db.execute(sql: "UPDATE items SET removed_at = '2024-01-01T00:00:00.000Z' WHERE id = ?", arguments: [id])
                }
            }
        }

        // When the stats are read
        let stats = try store.read { db in try StoreStats.read(db) }

        // Then each count is what its own query says
        try store.read { db in
            let live = "removed_at IS NULL"
            func count(_ condition: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE \(live) AND \(condition)") ?? -1
            }
            func grouped(_ column: String, _ condition: String = "1") throws -> [String: Int] {
                var result: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT \(column), count(*) FROM items WHERE \(live) AND \(condition) GROUP BY \(column)") {
                    result[row[0]] = row[1]
                }
                return result
            }
            XCTAssertEqual(stats.items, try count("1"))
            XCTAssertEqual(stats.byStatus, try grouped("status").merging(["pending": 0, "accepted": 0, "rejected": 0, "skipped": 0]) { a, _ in a })
            XCTAssertEqual(stats.bySource, try grouped("source"))
            XCTAssertEqual(stats.byModel, try grouped("model", "model IS NOT NULL AND model != ''"))
            XCTAssertEqual(stats.byModel.keys.sorted(), ["m1", "m2"])
            XCTAssertEqual(stats.textOnly, try count("image IS NULL"))
            XCTAssertEqual(stats.withCaption, try count("caption IS NOT NULL"))
            XCTAssertEqual(stats.itemsWithFormatProblems, try count("format_flags != 0"))
            for (flag, name) in FormatFlags.names {
                XCTAssertEqual(stats.formatProblems[name], try count("format_flags & \(flag.rawValue) != 0"), name)
            }
            XCTAssertGreaterThan(stats.formatProblems["role_order"] ?? 0, 0)
            XCTAssertEqual(stats.removed, 14)
            XCTAssertEqual(stats.items, 136)
        }
    }
}
