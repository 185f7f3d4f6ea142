import GRDB

/// A filter and a sort over the store's items, read a page at a time.
///
/// Pages use keyset pagination: a page starts from a ``PageCursor`` (the sort value and id of
/// a row) rather than an offset, so a page deep in a million items costs what the first one
/// does, and pages stay consistent while other reviewers change statuses.
///
/// ```swift
/// let query = try ItemQuery(filter: "status:pending and score.caption_leak > 0", sort: SortKey(parsing: "-score.caption_leak"))
/// try store.read { db in
///     let total = try query.count(db)
///     let first = try query.page(db, after: nil, limit: 50, scoreNames: ["caption_leak"])
///     let second = try query.page(db, after: first.last?.cursor, limit: 50)
///     let back = try query.page(db, before: second[0].cursor, limit: 50)      // == first
///     let index = try query.position(db, of: second[0])                         // 50
/// }
/// ```
///
/// - Throws: ``FilterError`` from `init` when the filter cannot be read.
public struct ItemQuery: Sendable, Equatable {
    /// The filter text (see `docs/filters.md`).
    public private(set) var filter: String
    public private(set) var sort: SortKey
    /// When `bad:` and `warn:` hold, per score name (a ``ScoreProfile``'s thresholds); nil
    /// without a profile: then bad is a value `>= 1` and warn a value `> 0`.
    public private(set) var thresholds: [String: Threshold]?
    let compiled: Filter

    public init(filter: String = "", sort: SortKey = .original,
                thresholds: [String: Threshold]? = nil) throws(FilterError) {
        self.filter = filter
        self.sort = sort
        self.thresholds = thresholds
        compiled = try Filter(filter)
    }

    /// A copy with another sort (the filter is already compiled).
    public func sorted(by sort: SortKey) -> ItemQuery {
        var copy = self
        copy.sort = sort
        return copy
    }

    var segments: [SortSegment] { SortSegment.of(sort) }

    /// Makes sure the connection has the SQL functions the filter or sort calls.
    private func prepare(_ db: Database) throws {
        switch sort.field {
        case .words, .random: try Self.ensureFunctions(db)
        default: if compiled.usesFunctions { try Self.ensureFunctions(db) }
        }
    }

    /// The number of items that match.
    public func count(_ db: Database) throws -> Int {
        try prepare(db)
        return try countLiving(db, [(SortSegment(), .none)])
    }

    /// Up to `limit` rows after `cursor` (nil: from the start), in order.
    ///
    /// - Parameter scoreNames: the scores to fill ``ItemRow/scores`` with.
    public func page(_ db: Database, after cursor: PageCursor?, limit: Int, scoreNames: [String] = []) throws -> [ItemRow] {
        try prepare(db)
        return try rows(db, try forwardKeys(db, after: cursor, limit: limit, extra: nil), scoreNames: scoreNames)
    }

    /// Up to `limit` rows before `cursor`, in display order (the last one just before it).
    public func page(_ db: Database, before cursor: PageCursor, limit: Int, scoreNames: [String] = []) throws -> [ItemRow] {
        try prepare(db)
        return try rows(db, try backwardKeys(db, from: cursor.segment, before: cursor, limit: limit), scoreNames: scoreNames)
    }

    /// The final `limit` rows, in display order.
    public func last(_ db: Database, limit: Int, scoreNames: [String] = []) throws -> [ItemRow] {
        try prepare(db)
        return try rows(db, try backwardKeys(db, from: segments.count - 1, before: nil, limit: limit), scoreNames: scoreNames)
    }

    /// The 0-based index of a row in this query's result: how many matching rows come
    /// before it. Counted over the sort's indexes, not by reading the rows.
    public func position(_ db: Database, of row: ItemRow) throws -> Int {
        try position(db, of: row.cursor)
    }

    /// How many matching rows come before a cursor.
    public func position(_ db: Database, of cursor: PageCursor) throws -> Int {
        try prepare(db)
        let segments = self.segments
        guard cursor.segment >= 0, !segments.isEmpty else { return 0 }
        if cursor.segment < segments.count, try isDeepInJoinedSegment(db, cursor, segments) {
            // Count the rows at and after the cursor instead, and take them from the total.
            let segment = segments[cursor.segment]
            var rest = Keyset.parts(after: cursor, in: segment, inclusive: true).map { (segment, $0) }
            for later in segments[(cursor.segment + 1)...] where try !isCertainlyEmpty(db, later) {
                rest.append((later, .none))
            }
            return try count(db) - countLiving(db, rest)
        }
        var parts: [(SortSegment, Keyset)] = []
        for index in 0...min(cursor.segment, segments.count - 1) {
            let bounds = index == cursor.segment ? Keyset.parts(after: cursor, in: segments[index]) : [.none]
            parts += bounds.map { (segments[index], $0) }
        }
        return try countLiving(db, parts, backward: true)
    }

    /// True when counting the rows before `cursor` would read many item rows: a filtered
    /// score order (each scored row joined to its item to test the filter) with more rows
    /// before the cursor than after it. The estimate comes from the score index alone.
    private func isDeepInJoinedSegment(_ db: Database, _ cursor: PageCursor, _ segments: [SortSegment]) throws -> Bool {
        let segment = segments[cursor.segment]
        guard !compiled.isEmpty, let from = segment.countFrom, let id = segment.countId, let key = segment.key else {
            return false
        }
        let op = segment.descending ? ">" : "<"
        var statement = SQLFragment("SELECT (SELECT count(*) FROM ")
        statement.append(from)
        statement.append(" WHERE ")
        statement.append(SQLFragment.and([segment.condition, SQLFragment("(\(key), \(id)) \(op) (?, ?)", [cursor.value, cursor.id.databaseValue])]))
        statement.append(") * 2 > (SELECT count(*) FROM ")
        statement.append(from)
        statement.append(" WHERE ")
        statement.append(SQLFragment.and([segment.condition]))
        statement.append(")")
        return try Bool.fetchOne(db, sql: statement.sql, arguments: statement.statementArguments) ?? false
    }

    private func isCertainlyEmpty(_ db: Database, _ segment: SortSegment) throws -> Bool {
        guard let check = segment.emptyCheck else { return false }
        return try Bool.fetchOne(db, sql: check.sql, arguments: check.statementArguments) ?? false
    }

    /// The next row after `cursor` (nil: from the start) whose status is `status`: where to
    /// go after a decision.
    public func next(_ db: Database, after cursor: PageCursor?, status: ItemStatus,
                     scoreNames: [String] = []) throws -> ItemRow? {
        try prepare(db)
        let extra = SQLFragment("items.status = ?", [status.rawValue.databaseValue])
        return try rows(db, try forwardKeys(db, after: cursor, limit: 1, extra: extra), scoreNames: scoreNames).first
    }

    /// The row of one item, when it matches the filter; nil otherwise.
    public func row(_ db: Database, id: Int64, scoreNames: [String] = []) throws -> ItemRow? {
        try prepare(db)
        let extra = SQLFragment("items.id = ?", [id.databaseValue])
        return try rows(db, try forwardKeys(db, after: nil, limit: 1, extra: extra), scoreNames: scoreNames).first
    }

    /// The next pending row after `cursor` (nil: from the start).
    public func nextPending(_ db: Database, after cursor: PageCursor?, scoreNames: [String] = []) throws -> ItemRow? {
        try next(db, after: cursor, status: .pending, scoreNames: scoreNames)
    }

    // MARK: Keys

    /// A row's place in the order, before its columns are read.
    struct Key: Equatable {
        var segment: Int
        var id: Int64
        var value: DatabaseValue
    }

    func forwardKeys(_ db: Database, after cursor: PageCursor?, limit: Int, extra: SQLFragment?) throws -> [Key] {
        let segments = self.segments
        var keys: [Key] = []
        var index = max(cursor?.segment ?? 0, 0)
        while keys.count < limit, index < segments.count {
            let bound = index == cursor?.segment ? cursor : nil
            keys += try fetchKeys(db, segment: index, of: segments, bound: bound, backward: false,
                                  limit: limit - keys.count, extra: extra)
            index += 1
        }
        return keys
    }

    func backwardKeys(_ db: Database, from start: Int, before cursor: PageCursor?, limit: Int) throws -> [Key] {
        let segments = self.segments
        var keys: [Key] = []
        var index = min(start, segments.count - 1)
        while keys.count < limit, index >= 0 {
            let bound = index == cursor?.segment ? cursor : nil
            keys += try fetchKeys(db, segment: index, of: segments, bound: bound, backward: true,
                                  limit: limit - keys.count, extra: nil)
            index -= 1
        }
        return keys.reversed()
    }

    private func fetchKeys(_ db: Database, segment index: Int, of segments: [SortSegment], bound: PageCursor?,
                           backward: Bool, limit: Int, extra: SQLFragment?) throws -> [Key] {
        let segment = segments[index]
        guard limit > 0, try !isCertainlyEmpty(db, segment) else { return [] }
        var keys: [Key] = []
        for keyset in bound.map({ Keyset.parts(after: $0, in: segment) }) ?? [.none] where keys.count < limit {
            let statement = select(segment, .keys(limit: limit - keys.count), keyset: keyset, backward: backward,
                                   extra: extra, counting: false)
            keys += try Row.fetchAll(db, sql: statement.sql, arguments: statement.statementArguments).map {
                Key(segment: index, id: $0[0], value: $0[1] as DatabaseValue)
            }
        }
        return keys
    }

    // MARK: Counts

    /// Most stores have no removed items, or a few: counts then leave the live test out and
    /// subtract the removed items that matched; with more than this many they test every row.
    static let removedListLimit = 50_000

    /// The number of rows in the parts, removed items left out (unless the filter asks for them).
    private func countLiving(_ db: Database, _ parts: [(SortSegment, Keyset)], backward: Bool = false) throws -> Int {
        if compiled.mentionsRemoved {
            return try sum(db, parts, backward: backward)
        }
        let removed = try Int64.fetchAll(db, sql: "SELECT id FROM items WHERE removed_at IS NOT NULL LIMIT ?",
                                         arguments: [Self.removedListLimit + 1])
        if removed.isEmpty {
            return try sum(db, parts, backward: backward)
        }
        if removed.count > Self.removedListLimit {
            return try sum(db, parts, backward: backward, excludeRemoved: true)
        }
        let list = JSONValue.array(removed.map { .number(String($0)) }).jsonText
        return try sum(db, parts, backward: backward) - sum(db, parts, backward: backward, within: list)
    }

    /// One statement adding up the counts of the parts.
    private func sum(_ db: Database, _ parts: [(SortSegment, Keyset)], backward: Bool,
                     excludeRemoved: Bool = false, within ids: String? = nil) throws -> Int {
        var statement = SQLFragment("SELECT 0")
        for (segment, keyset) in parts {
            let count = select(segment, .count, keyset: keyset, backward: backward, extra: nil, counting: true,
                               excludeRemoved: excludeRemoved, within: ids)
            statement.append(" + (\(count.sql))", count.arguments)
        }
        return try Int.fetchOne(db, sql: statement.sql, arguments: statement.statementArguments) ?? 0
    }

    // MARK: Statements

    /// Which rows of a segment a statement keeps, relative to a cursor, in scan order.
    enum Keyset {
        /// Every row of the segment.
        case none
        /// Rows past `(key, id)` (or past `id` when the segment has no key); `inclusive`
        /// keeps the cursor's own position too.
        case past(PageCursor, inclusive: Bool)
        /// Rows with the cursor's key and an id past its id (or equal, when inclusive).
        case sameKeyPastId(PageCursor, inclusive: Bool)
        /// Rows with a key past the cursor's.
        case pastKey(PageCursor)

        /// The statements that together give the rows past `cursor`, in order.
        static func parts(after cursor: PageCursor, in segment: SortSegment, inclusive: Bool = false) -> [Keyset] {
            segment.key != nil && segment.keyIsIndexedColumn
                ? [.sameKeyPastId(cursor, inclusive: inclusive), .pastKey(cursor)]
                : [.past(cursor, inclusive: inclusive)]
        }
    }

    enum Output: Equatable {
        /// `id, key` in scan order, at most `limit`.
        case keys(limit: Int)
        case count
    }

    /// A statement over one segment: the rows that pass the segment's condition, the filter,
    /// `extra` and the keyset. "Past" is in scan order: after the cursor in display order
    /// going forward, before it going backward.
    ///
    /// - Parameters:
    ///   - counting: a count (score conditions as sets; an unfiltered score segment is
    ///     counted from its index alone). Counts test removal as the caller says; pages
    ///     always leave removed items out (unless the filter says otherwise).
    ///   - excludeRemoved: test every row against the removed items.
    ///   - ids: a JSON array of item ids to keep only.
    private func select(_ segment: SortSegment, _ output: Output, keyset: Keyset, backward: Bool,
                        extra: SQLFragment?, counting: Bool, excludeRemoved: Bool = false,
                        within ids: String? = nil) -> SQLFragment {
        let indexOnly = counting && compiled.isEmpty && extra == nil && segment.countFrom != nil
        let from = indexOnly ? segment.countFrom ?? segment.from : segment.from
        let id = indexOnly ? segment.countId ?? segment.id : segment.id
        var live: String?
        if !counting {
            live = ItemSQL.live
        } else if excludeRemoved {
            live = ItemSQL.notRemoved(id)
        }
        var parts = [segment.condition, compiled.sql(thresholds: thresholds, live: live, counting: counting)]
        if let extra { parts.append(extra) }
        if let ids { parts.append(SQLFragment("\(id) IN (SELECT value FROM json_each(?))", [ids.databaseValue])) }

        let op = segment.descending == backward ? ">" : "<"
        func past(_ inclusive: Bool) -> String { inclusive ? op + "=" : op }
        var keyColumn = segment.key
        var idColumn = id
        var statement: SQLFragment
        let columns: String
        switch output {
        case .keys: columns = "\(id), \(segment.key ?? "NULL")"
        case .count: columns = "count(*)"
        }
        if segment.keyIsComputed, let key = segment.key {
            // Compute the key once per row: in a subquery that SQLite does not flatten
            // (it has a LIMIT and the outer query a WHERE) nor push the keyset into.
            var inner = SQLFragment("SELECT \(id) AS id, \(key) AS k FROM ")
            inner.append(from)
            inner.append(" WHERE ")
            inner.append(SQLFragment.and(parts))
            inner.append(" LIMIT -1")
            let outerColumns = output == .count ? "count(*)" : "id, k"
            statement = SQLFragment("SELECT \(outerColumns) FROM (")
            statement.append(inner)
            statement.append(")")
            if case let .past(bound, inclusive) = keyset {
                statement.append(" WHERE (k, id) \(past(inclusive)) (?, ?)", [bound.value, bound.id.databaseValue])
            } else {
                statement.append(" WHERE 1")
            }
            keyColumn = "k"
            idColumn = "id"
        } else {
            switch keyset {
            case .none:
                break
            case let .past(bound, inclusive):
                if let key = segment.key {
                    parts.append(SQLFragment("(\(key), \(id)) \(past(inclusive)) (?, ?)", [bound.value, bound.id.databaseValue]))
                } else {
                    parts.append(SQLFragment("\(id) \(past(inclusive)) ?", [bound.id.databaseValue]))
                }
            case let .sameKeyPastId(bound, inclusive):
                parts.append(SQLFragment("\(segment.key ?? "NULL") = ? AND \(id) \(past(inclusive)) ?",
                                         [bound.value, bound.id.databaseValue]))
            case let .pastKey(bound):
                parts.append(SQLFragment("\(segment.key ?? "NULL") \(op) ?", [bound.value]))
            }
            statement = SQLFragment("SELECT \(columns) FROM ")
            statement.append(from)
            let condition = SQLFragment.and(parts)
            if condition.sql != "1" {
                statement.append(" WHERE ")
                statement.append(condition)
            }
        }
        if case let .keys(limit) = output {
            let direction = segment.descending == backward ? "ASC" : "DESC"
            let order = [keyColumn, idColumn].compactMap { $0 }.map { "\($0) \(direction)" }.joined(separator: ", ")
            statement.append(" ORDER BY \(order) LIMIT ?", [limit.databaseValue])
        }
        return statement
    }

    // MARK: Rows

    /// Reads the rows of `keys`, in that order: one query for the columns, one for the scores.
    private func rows(_ db: Database, _ keys: [Key], scoreNames: [String]) throws -> [ItemRow] {
        guard !keys.isEmpty else { return [] }
        let ids = JSONValue.array(keys.map { .number(String($0.id)) }).jsonText
        var byId: [Int64: ItemRow] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT items.id, items.orig_id, items.source, items.model, items.image, items.status, items.format_flags,
                   items.version, \(ItemSQL.instructionSnippet) AS instruction, items.image_root
            FROM items WHERE items.id IN (SELECT value FROM json_each(?))
            """, arguments: [ids])
        while let row = try rows.next() {
            let id: Int64 = row[0]
            byId[id] = ItemRow(
                id: id, origId: row[1], source: row[2], model: row[3], image: row[4], imageRoot: row[9],
                status: ItemStatus(rawValue: row[5]) ?? .pending, formatFlags: FormatFlags(rawValue: row[6]),
                version: row[7], instruction: row[8] ?? "")
        }
        if !scoreNames.isEmpty {
            let names = JSONValue.array(scoreNames.map { .string($0) }).jsonText
            let scores = try Row.fetchCursor(db, sql: """
                SELECT item_id, name, value FROM scores
                WHERE item_id IN (SELECT value FROM json_each(?)) AND name IN (SELECT value FROM json_each(?))
                """, arguments: [ids, names])
            while let score = try scores.next() {
                byId[score[0]]?.scores[score[1]] = score[2]
            }
            let implicit = scoreNames.compactMap(ImplicitZeros.scorer)
            if !implicit.isEmpty {
                let marks = try Row.fetchCursor(db, sql: """
                    SELECT item_id, scorers FROM scored_items WHERE item_id IN (SELECT value FROM json_each(?))
                    """, arguments: [ids])
                while let mark = try marks.next() {
                    let id: Int64 = mark[0], bits: Int64 = mark[1]
                    for scorer in ImplicitZeros.scorers(in: bits) where implicit.contains(scorer) && byId[id]?.scores[scorer.rawValue] == nil {
                        byId[id]?.scores[scorer.rawValue] = 0
                    }
                }
            }
        }
        return keys.compactMap { key in
            guard var row = byId[key.id] else { return nil }
            row.sortValue = key.value
            row.segment = key.segment
            return row
        }
    }
}
