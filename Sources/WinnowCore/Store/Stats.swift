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
        stats.items = try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE \(live)") ?? 0
        for status in ItemStatus.allCases { stats.byStatus[status.rawValue] = 0 }
        for row in try Row.fetchAll(db, sql: "SELECT status, count(*) FROM items WHERE \(live) GROUP BY status") {
            stats.byStatus[row[0]] = row[1]
        }
        for row in try Row.fetchAll(db, sql: "SELECT source, count(*) FROM items WHERE \(live) GROUP BY source") {
            stats.bySource[row[0]] = row[1]
        }
        for row in try Row.fetchAll(db, sql: """
            SELECT model, count(*) FROM items WHERE \(live) AND model IS NOT NULL AND model != '' GROUP BY model
            """) {
            stats.byModel[row[0]] = row[1]
        }
        stats.duplicateIds = try Int.fetchOne(db, sql: """
            SELECT COALESCE(sum(n - 1), 0) FROM (
                SELECT count(*) AS n FROM items WHERE \(live) AND orig_id IS NOT NULL
                GROUP BY source, COALESCE(model, ''), orig_id HAVING n > 1)
            """) ?? 0
        stats.textOnly = try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE \(live) AND image IS NULL") ?? 0
        stats.withCaption = try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE \(live) AND caption IS NOT NULL") ?? 0
        stats.removed = try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE removed_at IS NOT NULL") ?? 0
        for (flag, name) in FormatFlags.names {
            stats.formatProblems[name] = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM items WHERE \(live) AND format_flags & ? != 0
                """, arguments: [flag.rawValue]) ?? 0
        }
        stats.itemsWithFormatProblems = try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE \(live) AND format_flags != 0") ?? 0
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
