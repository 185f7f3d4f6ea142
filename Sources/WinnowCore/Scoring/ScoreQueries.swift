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
        // A score whose every value is an implicit zero has no row.
        let zerosOnly = try ImplicitZeros.present(db).map(\.rawValue).filter { !names.contains($0) }
        return zerosOnly.isEmpty ? names : (names + zerosOnly).sorted()
    }

    /// How many items matching the scope's filter have an implicit 0 of `score` (no row).
    private static func implicitZeros(_ db: Database, score: String, whereSQL: String, arguments: StatementArguments) throws -> Int {
        guard let scorer = ImplicitZeros.scorer(score) else { return 0 }
        let condition = whereSQL.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "1" : whereSQL
        return try Int.fetchOne(db, sql: """
            SELECT count(*) FROM scored_items si CROSS JOIN items ON items.id = si.item_id
            WHERE \(ImplicitZeros.bitSet(scorer)) AND \(ImplicitZeros.noRow(scorer, item: "si.item_id"))
              AND items.removed_at IS NULL AND (\(condition))
            """, arguments: arguments) ?? 0
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
        let rows: Int = row[0]
        let zeros = try implicitZeros(db, score: score, whereSQL: whereSQL, arguments: arguments)
        let total = rows + zeros
        guard total > 0 else { return Histogram(score: score, bins: [], total: 0) }
        var low: Double = row[1] ?? 0, high: Double = row[2] ?? 0
        var mean: Double? = row[3]
        if zeros > 0 {
            (low, high) = rows > 0 ? (Swift.min(low, 0), Swift.max(high, 0)) : (0, 0)
            mean = (mean ?? 0) * Double(rows) / Double(total)
        }
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
        var bins = (0..<count).map { index in
            Histogram.Bin(lower: edges[index], upper: edges[index + 1], count: (sums[index] as Int?) ?? 0)
        }
        if zeros > 0 {
            // The bin 0 falls in, by the same comparisons as the query's.
            let zeroBin = (0..<count).first { index in index == count - 1 || 0 < edges[index + 1] } ?? count - 1
            bins[zeroBin].count += zeros
        }
        return Histogram(score: score, bins: bins, total: total, min: low, max: high, mean: mean)
    }

    /// Items matching `whereSQL` whose `score` is `>= threshold` (`above`) or `< threshold`.
    /// The two counts add up to the histogram's total.
    public static func count(_ db: Database, score: String, whereSQL: String, arguments: StatementArguments,
                             threshold: Double, above: Bool) throws -> Int {
        let (from, args) = scope(score: score, whereSQL: whereSQL, arguments: arguments)
        let rows = try Int.fetchOne(db, sql: "SELECT count(*) \(from) AND s.value \(above ? ">=" : "<") ?",
                                    arguments: args + [threshold]) ?? 0
        guard above ? 0 >= threshold : 0 < threshold else { return rows }
        return rows + (try implicitZeros(db, score: score, whereSQL: whereSQL, arguments: arguments))
    }

    /// Count, min, max, mean and the warn/bad counts (by `profile`) of every score.
    public static func summaries(_ db: Database, profile: ScoreProfile = .builtin) throws -> [ScoreSummary] {
        let anyRemoved = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM items WHERE removed_at IS NOT NULL)") ?? false
        let live = anyRemoved
            ? "AND NOT EXISTS (SELECT 1 FROM items i WHERE i.id = s.item_id AND i.removed_at IS NOT NULL)" : ""
        // Items scored by each scorer with implicit zeros, in one pass over their bits.
        let implicit = ImplicitZeros.scorers
        let sums = implicit.map { "sum(scorers & \($0.implicitZeroBit) != 0)" }.joined(separator: ", ")
        let scoredRow = try Row.fetchOne(db, sql: "SELECT \(sums) FROM scored_items s WHERE 1 \(live)")
        var scoredCounts: [BuiltinScorer: Int] = [:]
        for (index, scorer) in implicit.enumerated() { scoredCounts[scorer] = (scoredRow?[index] as Int?) ?? 0 }
        var result: [ScoreSummary] = []
        for name in try names(db) {
            guard let row = try Row.fetchOne(db, sql: """
                SELECT count(*), min(value), max(value), avg(value) FROM scores s WHERE name = ? \(live)
                """, arguments: [name]) else { continue }
            let rows: Int = row[0]
            var min: Double? = row[1], max: Double? = row[2]
            var mean: Double = row[3] ?? 0
            let origin = try Row.fetchOne(db, sql: "SELECT scorer, version FROM scores WHERE name = ? LIMIT 1", arguments: [name])
            var scorer: String = origin?[0] ?? "", version: String = origin?[1] ?? ""
            // Implicit zeros: the scored items without a row (every row's item is scored).
            var zeros = 0
            if let builtin = ImplicitZeros.scorer(name) {
                zeros = Swift.max(0, (scoredCounts[builtin] ?? 0) - rows)
                if zeros > 0 {
                    (min, max) = (Swift.min(min ?? 0, 0), Swift.max(max ?? 0, 0))
                    mean = mean * Double(rows) / Double(rows + zeros)
                    (scorer, version) = (BuiltinScorer.scorerName, builtin.version)
                }
            }
            guard let min, let max else { continue }
            var summary = ScoreSummary(name: name, count: rows + zeros, min: min, max: max, mean: mean, warn: 0, bad: 0,
                                       scorer: scorer, version: version)
            if let threshold = profile.thresholds[name] {
                func count(_ level: ScoreLevel) throws -> Int {
                    guard let condition = threshold.condition(level, column: "value"), let value = condition.value else { return 0 }
                    let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM scores s WHERE name = ? AND \(condition.sql) \(live)",
                                                arguments: [name, value]) ?? 0
                    return rows + (threshold.includesZero(level) ? zeros : 0)
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
