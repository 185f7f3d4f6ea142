import GRDB

/// Value bins of one score over the items a filter selects.
public struct Histogram: Equatable, Sendable {
    public struct Bin: Equatable, Sendable {
        /// The bin holds values `lower <= v < upper`; the last bin also holds `v == upper`.
        public var lower: Double
        public var upper: Double
        public var count: Int
    }

    public var score: String
    public var bins: [Bin]
    /// Items that have the score (and match the filter).
    public var total: Int
    public var min: Double?
    public var max: Double?
    public var mean: Double?
}

/// Per-score counts for `winnow stats` and `winnow scores list`.
public struct ScoreSummary: Equatable, Sendable {
    public var name: String
    public var count: Int
    public var min: Double
    public var max: Double
    public var mean: Double
    /// Items at warn level (not bad) and at bad level.
    public var warn: Int
    public var bad: Int
    /// `scores.scorer` and `scores.version` of the first row (e.g. `winnow`/`1`, `external`/file).
    public var scorer: String
    public var version: String

    public var json: JSONValue {
        .object(JSONObject(
            keys: ["count", "min", "max", "mean", "warn", "bad"],
            values: [.number(String(count)), .number(rounded(min)), .number(rounded(max)), .number(rounded(mean)),
                     .number(String(warn)), .number(String(bad))]))
    }
}

/// Queries over the `scores` table for the UI, `winnow stats` and `winnow scores list`.
public enum ScoreQueries {
    /// The names of the scores in the store.
    public static func names(_ db: Database) throws -> [String] {
        // A skip-scan over the (name, value, item_id) index: one seek per name.
        var names: [String] = []
        var last: String?
        while let next = try String.fetchOne(db, sql: last == nil
            ? "SELECT min(name) FROM scores"
            : "SELECT min(name) FROM scores WHERE name > ?", arguments: last.map { [$0] } ?? []) {
            names.append(next)
            last = next
        }
        return names
    }

    /// A histogram of `score` over the items matching `whereSQL` (a condition over table
    /// alias `items`, e.g. a compiled filter; empty = every item) with `bins` equal-width bins
    /// from the smallest to the largest value. Removed items are left out.
    public static func histogram(_ db: Database, score: String, whereSQL: String, arguments: StatementArguments,
                                 bins requested: Int) throws -> Histogram {
        let (from, args) = scope(score: score, whereSQL: whereSQL, arguments: arguments)
        guard let row = try Row.fetchOne(db, sql: "SELECT count(*), min(s.value), max(s.value), avg(s.value) \(from)", arguments: args) else {
            return Histogram(score: score, bins: [], total: 0)
        }
        let total: Int = row[0]
        guard total > 0, let low: Double = row[1], let high: Double = row[2] else {
            return Histogram(score: score, bins: [], total: 0)
        }
        let mean: Double? = row[3]
        let count = high > low ? Swift.max(1, Swift.min(requested, 1000)) : 1
        var edges: [Double] = (0...count).map { low + (high - low) * Double($0) / Double(count) }
        edges[count] = high
        // One pass: sum of CASE per bin, with the same comparisons as count(...).
        var columns: [String] = []
        var binArguments = StatementArguments()
        for index in 0..<count {
            if index == count - 1 {
                columns.append("sum(s.value >= ?)")
                _ = binArguments.append(contentsOf: [edges[index]])
            } else {
                columns.append("sum(s.value >= ? AND s.value < ?)")
                _ = binArguments.append(contentsOf: [edges[index], edges[index + 1]])
            }
        }
        guard let sums = try Row.fetchOne(db, sql: "SELECT \(columns.joined(separator: ", ")) \(from)",
                                          arguments: binArguments + args) else {
            return Histogram(score: score, bins: [], total: total, min: low, max: high, mean: mean)
        }
        let bins = (0..<count).map { index in
            Histogram.Bin(lower: edges[index], upper: edges[index + 1], count: (sums[index] as Int?) ?? 0)
        }
        return Histogram(score: score, bins: bins, total: total, min: low, max: high, mean: mean)
    }

    /// Items matching `whereSQL` whose `score` is `>= threshold` (`above`) or `< threshold`.
    /// The two counts add up to the histogram's total.
    public static func count(_ db: Database, score: String, whereSQL: String, arguments: StatementArguments,
                             threshold: Double, above: Bool) throws -> Int {
        let (from, args) = scope(score: score, whereSQL: whereSQL, arguments: arguments)
        return try Int.fetchOne(db, sql: "SELECT count(*) \(from) AND s.value \(above ? ">=" : "<") ?",
                                arguments: args + [threshold]) ?? 0
    }

    /// Count, min, max, mean and the warn/bad counts (by `profile`) of every score.
    public static func summaries(_ db: Database, profile: ScoreProfile = .builtin) throws -> [ScoreSummary] {
        let anyRemoved = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM items WHERE removed_at IS NOT NULL)") ?? false
        let live = anyRemoved
            ? "AND NOT EXISTS (SELECT 1 FROM items i WHERE i.id = s.item_id AND i.removed_at IS NOT NULL)" : ""
        var result: [ScoreSummary] = []
        for name in try names(db) {
            guard let row = try Row.fetchOne(db, sql: """
                SELECT count(*), min(value), max(value), avg(value) FROM scores s WHERE name = ? \(live)
                """, arguments: [name]), let min: Double = row[1], let max: Double = row[2] else { continue }
            let origin = try Row.fetchOne(db, sql: "SELECT scorer, version FROM scores WHERE name = ? LIMIT 1", arguments: [name])
            var summary = ScoreSummary(name: name, count: row[0], min: min, max: max, mean: row[3] ?? 0, warn: 0, bad: 0,
                                       scorer: origin?[0] ?? "", version: origin?[1] ?? "")
            if let threshold = profile.thresholds[name] {
                func count(_ level: ScoreLevel) throws -> Int {
                    guard let condition = threshold.condition(level, column: "value"), let value = condition.value else { return 0 }
                    return try Int.fetchOne(db, sql: "SELECT count(*) FROM scores s WHERE name = ? AND \(condition.sql) \(live)",
                                            arguments: [name, value]) ?? 0
                }
                summary.bad = try count(.bad)
                summary.warn = Swift.max(0, try count(.warn) - summary.bad)
            }
            result.append(summary)
        }
        return result
    }

    /// The FROM/WHERE of score queries restricted to a filter.
    private static func scope(score: String, whereSQL: String, arguments: StatementArguments) -> (String, StatementArguments) {
        let condition = whereSQL.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "1" : whereSQL
        return ("""
            FROM scores s JOIN items ON items.id = s.item_id
            WHERE s.name = ? AND items.removed_at IS NULL AND (\(condition))
            """, [score] + arguments)
    }
}

import Foundation
