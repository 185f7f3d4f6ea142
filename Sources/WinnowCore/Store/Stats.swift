import GRDB

/// Counts over a store, for `winnow stats` (text and `--json`). Removed items (gone from
/// their file at a later import) are counted apart and left out of everything else.
public struct StoreStats: Equatable, Sendable {
    public var items = 0
    public var byStatus: [String: Int] = [:]
    public var bySource: [String: Int] = [:]
    public var byModel: [String: Int] = [:]
    /// Records that share source, model and original id with an earlier record.
    public var duplicateIds = 0
    public var textOnly = 0
    public var withCaption = 0
    public var removed = 0
    /// Items per format problem (``FormatFlags`` names), and items with any.
    public var formatProblems: [String: Int] = [:]
    public var itemsWithFormatProblems = 0
    public var imports = 0
    public var events = 0
    public var edits = 0
    /// Per score: count, min, max, mean, and items at warn and bad level (built-in profile).
    public var scores: [ScoreSummary] = []

    /// Reads the counts.
    public static func read(_ db: Database) throws -> StoreStats {
        var stats = StoreStats()
        let live = "removed_at IS NULL"
        // One pass over the items (a wide table: each separate count read all of it, 11 s of
        // `winnow stats` on 900,000 items), grouped by the three fields counted by value.
        let flags = FormatFlags.names
        let flagSums = flags.map { "sum(format_flags & \($0.0.rawValue) != 0)" }.joined(separator: ", ")
        for status in ItemStatus.allCases { stats.byStatus[status.rawValue] = 0 }
        for row in try Row.fetchAll(db, sql: """
            SELECT status, source, model, count(*), sum(image IS NULL), sum(caption IS NOT NULL), sum(format_flags != 0),
                   \(flagSums)
            FROM items WHERE \(live) GROUP BY status, source, model
            """) {
            let count: Int = row[3]
            stats.items += count
            stats.byStatus[row[0], default: 0] += count
            stats.bySource[row[1], default: 0] += count
            if let model: String = row[2], !model.isEmpty { stats.byModel[model, default: 0] += count }
            stats.textOnly += row[4] as Int
            stats.withCaption += row[5] as Int
            stats.itemsWithFormatProblems += row[6] as Int
            for (index, (_, name)) in flags.enumerated() { stats.formatProblems[name, default: 0] += row[7 + index] as Int }
        }
        for (_, name) in flags where stats.formatProblems[name] == nil { stats.formatProblems[name] = 0 }
        stats.duplicateIds = try Int.fetchOne(db, sql: """
            SELECT COALESCE(sum(n - 1), 0) FROM (
                SELECT count(*) AS n FROM items WHERE \(live) AND orig_id IS NOT NULL
                GROUP BY source, COALESCE(model, ''), orig_id HAVING n > 1)
            """) ?? 0
        stats.removed = try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE removed_at IS NOT NULL") ?? 0
        stats.imports = try Int.fetchOne(db, sql: "SELECT count(*) FROM imports WHERE finished_at IS NOT NULL") ?? 0
        stats.events = try Int.fetchOne(db, sql: "SELECT count(*) FROM events") ?? 0
        stats.edits = try Int.fetchOne(db, sql: "SELECT count(*) FROM edits") ?? 0
        stats.scores = try ScoreQueries.summaries(db)
        return stats
    }

    /// The machine-readable form. Scripts rely on `items`, `by_status`, `by_source` and
    /// `duplicate_ids`; keys are only ever added.
    public var json: JSONValue {
        func counts(_ dictionary: [String: Int]) -> JSONValue {
            let keys = dictionary.keys.sorted()
            return .object(JSONObject(keys: keys, values: keys.map { .number(String(dictionary[$0] ?? 0)) }))
        }
        func number(_ value: Int) -> JSONValue { .number(String(value)) }
        return .object(JSONObject(
            keys: ["items", "by_status", "by_source", "by_model", "duplicate_ids", "text_only", "with_caption",
                   "removed", "format_problems", "items_with_format_problems", "imports", "events", "edits", "scores"],
            values: [number(items), counts(byStatus), counts(bySource), counts(byModel), number(duplicateIds),
                     number(textOnly), number(withCaption), number(removed), counts(formatProblems),
                     number(itemsWithFormatProblems), number(imports), number(events), number(edits),
                     .object(JSONObject(keys: scores.map(\.name), values: scores.map(\.json)))]))
    }
}
