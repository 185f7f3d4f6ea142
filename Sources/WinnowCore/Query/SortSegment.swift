import GRDB

/// How a ``SortKey`` runs in SQL: one or more *segments* shown one after the other, each a
/// set of rows in the order of `(key, id)` (or `id` alone) that an index can deliver.
///
/// Splitting keeps every page an index range scan: `status` is four segments
/// (`status = 'pending'`, then accepted, rejected, skipped) over `items_by_status`, and
/// `score.NAME` is the scored items in `scores_by_value` order followed by the items without
/// the score (for a score with implicit zeros, the zeros are a segment of their own). A
/// ``PageCursor`` is a position `(segment, key, id)`.
struct SortSegment: Sendable {
    /// The FROM clause; the items table is always in scope as `items`.
    var from: SQLFragment = SQLFragment("items")
    /// What puts a row in this segment (empty: every row).
    var condition: SQLFragment = SQLFragment("")
    /// The sort value, or nil when rows are ordered by id alone.
    var key: String?
    /// The item id column in the order (the index's column, so the planner sees the order).
    var id = "items.id"
    var descending = false
    /// True when `key` is an indexed column followed by the rowid in the index
    /// (`items_by_source(source, id)`): SQLite cannot range-scan such an index on the row
    /// value `(key, id)`, so pages ask for "same key, further id" and "further key" apart.
    var keyIsIndexedColumn = false
    /// True when `key` is computed per row (no index gives its order): every page computes
    /// it for every matching row, once.
    var keyIsComputed = false
    /// For counts of an unfiltered segment: a FROM clause and id column that an index
    /// answers alone (`scores s`, without the join to items).
    var countFrom: SQLFragment?
    var countId: String?
    /// A statement that is 1 when the segment is certainly empty, run before scanning it
    /// (a scan that finds nothing can be long: "items without a score" reads every item).
    var emptyCheck: SQLFragment?

    static func of(_ sort: SortKey) -> [SortSegment] {
        let descending = sort.descending
        switch sort.field {
        case .original:
            return [SortSegment(descending: descending)]
        case let .score(name):
            if let scorer = ImplicitZeros.scorer(name) {
                return implicitZeroSegments(scorer, descending: descending)
            }
            let scored = SortSegment(
                from: SQLFragment("scores s CROSS JOIN items ON items.id = s.item_id"),
                condition: SQLFragment("s.name = ?", [name.databaseValue]),
                key: "s.value", id: "s.item_id", descending: descending,
                countFrom: SQLFragment("scores s"), countId: "s.item_id")
            // Every item has the score when there are as many scores of that name as items
            // (one per item at most, and none without its item).
            let unscored = SortSegment(
                condition: SQLFragment("NOT EXISTS (SELECT 1 FROM scores ns WHERE ns.item_id = items.id AND ns.name = ?)",
                                       [name.databaseValue]),
                emptyCheck: SQLFragment("SELECT (SELECT count(*) FROM scores WHERE name = ?) >= (SELECT count(*) FROM items)",
                                        [name.databaseValue]))
            return [scored, unscored]
        case .status:
            let statuses = descending ? ItemStatus.allCases.reversed() : ItemStatus.allCases
            return statuses.map {
                SortSegment(condition: SQLFragment("items.status = ?", [$0.rawValue.databaseValue]), descending: descending)
            }
        case .source:
            return [SortSegment(key: "items.source", descending: descending, keyIsIndexedColumn: true)]
        case .model:
            return [SortSegment(condition: SQLFragment("items.model IS NOT NULL"), key: "items.model", descending: descending,
                                keyIsIndexedColumn: true),
                    SortSegment(condition: SQLFragment("items.model IS NULL"))]
        case let .words(part):
            let textPart = FilterCondition.TextPart(rawValue: part.rawValue) ?? .answer
            return [SortSegment(key: ItemSQL.words(textPart), descending: descending, keyIsComputed: true)]
        case let .random(seed):
            return [SortSegment(key: "\(ItemQuery.randomFunctionName)(items.id, \(seed))", keyIsComputed: true)]
        }
    }

    /// A score whose zeros have no row (``ImplicitZeros``): the rows below 0, the items scored
    /// 0 in id order (driven by `scored_items`, far smaller than `items`), the rows above 0,
    /// then the items the scorer has not scored. Descending swaps the first and third.
    private static func implicitZeroSegments(_ scorer: BuiltinScorer, descending: Bool) -> [SortSegment] {
        let name = scorer.rawValue.databaseValue
        func rows(_ sign: String) -> SortSegment {
            SortSegment(
                from: SQLFragment("scores s CROSS JOIN items ON items.id = s.item_id"),
                condition: SQLFragment("s.name = ? AND s.value \(sign) 0", [name]),
                key: "s.value", id: "s.item_id", descending: descending,
                countFrom: SQLFragment("scores s"), countId: "s.item_id")
        }
        let bitSet = ImplicitZeros.bitSet(scorer)
        // (A row of 0, with a detail or from an older store, sorts with the zeros.)
        let zero = SortSegment(
            from: SQLFragment("scored_items si CROSS JOIN items ON items.id = si.item_id"),
            condition: SQLFragment("\(bitSet) AND \(ImplicitZeros.noRow(scorer, item: "si.item_id", value: "zs.value != 0"))"),
            id: "si.item_id", descending: descending,
            countFrom: SQLFragment("scored_items si"), countId: "si.item_id",
            emptyCheck: SQLFragment("SELECT NOT EXISTS (SELECT 1 FROM scored_items si WHERE \(bitSet))"))
        let unscored = SortSegment(
            condition: SQLFragment("NOT \(ImplicitZeros.scored(scorer, item: "items.id"))"),
            emptyCheck: SQLFragment("""
                SELECT (SELECT count(*) FROM scored_items si WHERE \(bitSet)) >= (SELECT count(*) FROM items)
                """))
        return descending ? [rows(">"), zero, rows("<"), unscored] : [rows("<"), zero, rows(">"), unscored]
    }
}
