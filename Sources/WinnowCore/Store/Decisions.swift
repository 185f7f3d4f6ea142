import Foundation
import GRDB

/// The decision log: append-only events from which every item's status is derived.
///
/// - A `verdict` event sets an item's status. Verdicts given together (one key press, one
///   bulk decision) share a `batch`, the id of the batch's first event.
/// - An `undo` event points (`ref`) at a verdict it cancels; a `redo` event at a verdict it
///   restores. A verdict is active when the newest event pointing at it is not an undo.
/// - An item's status is the verdict of its newest active verdict event, or pending.
///
/// Undo and redo are per reviewer and read everything from the log, so they are unlimited
/// and survive a restart.
public enum Decisions {
    /// What one call changed.
    public struct Outcome: Equatable, Sendable {
        /// The batch id of the events written.
        public var batch: Int64
        /// The items touched, in the order given.
        public var items: [Int64]
        /// The status each item has now.
        public var statuses: [Int64: ItemStatus]

        public init(batch: Int64, items: [Int64], statuses: [Int64: ItemStatus]) {
            self.batch = batch
            self.items = items
            self.statuses = statuses
        }
    }

    /// Records one verdict for each item, as one batch.
    ///
    /// - Throws: ``StoreError/noSuchItem(_:)`` when an id is unknown (nothing is written).
    @discardableResult
    public static func decide(_ db: Database, items: [Int64], verdict: ItemStatus, reviewer: String,
                              note: String? = nil) throws -> Outcome {
        let now = Timestamp.now()
        let insert = try RawStatement(db, """
            INSERT INTO events(item_id, kind, verdict, batch, reviewer, note, created_at, uid)
            VALUES (?, 'verdict', ?, ?, ?, ?, ?, ?)
            """)
        defer { insert.finalize() }
        let setStatus = try RawStatement(db, "UPDATE items SET status = ? WHERE id = ?")
        defer { setStatus.finalize() }
        var batch: Int64 = 0
        var statuses: [Int64: ItemStatus] = [:]
        for item in items {
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM items WHERE id = ?)", arguments: [item]) == true else {
                throw StoreError.noSuchItem(item)
            }
            insert.bind(1, item)
            insert.bind(2, verdict.rawValue)
            if batch == 0 { insert.bindNull(3) } else { insert.bind(3, batch) }
            insert.bind(4, reviewer)
            insert.bind(5, note)
            insert.bind(6, now)
            insert.bind(7, UUID().uuidString.lowercased())
            try insert.run()
            if batch == 0 {
                batch = insert.lastInsertedRowID
                try db.execute(sql: "UPDATE events SET batch = id WHERE id = ?", arguments: [batch])
            }
            setStatus.bind(1, verdict.rawValue)
            setStatus.bind(2, item)
            try setStatus.run()
            statuses[item] = verdict
        }
        return Outcome(batch: batch, items: items, statuses: statuses)
    }

    /// Cancels the reviewer's newest verdict batch that is still active.
    ///
    /// - Returns: what changed, or nil when there is nothing to undo.
    public static func undo(_ db: Database, reviewer: String) throws -> Outcome? {
        guard let batch = try Int64.fetchOne(db, sql: """
            SELECT e.batch FROM events e
            WHERE e.reviewer = ? AND e.kind = 'verdict' AND \(activeCondition("e"))
            ORDER BY e.id DESC LIMIT 1
            """, arguments: [reviewer]) else { return nil }
        let targets = try Row.fetchAll(db, sql: """
            SELECT e.id, e.item_id FROM events e WHERE e.batch = ? AND e.kind = 'verdict' AND \(activeCondition("e"))
            ORDER BY e.id
            """, arguments: [batch])
        return try writeReferences(db, kind: "undo", targets: targets, reviewer: reviewer)
    }

    /// Restores the verdicts of the reviewer's newest undo, unless the reviewer has decided
    /// anything since (a new decision clears what can be redone, as in any editor).
    public static func redo(_ db: Database, reviewer: String) throws -> Outcome? {
        let lastVerdict = try Int64.fetchOne(db, sql: """
            SELECT max(id) FROM events WHERE reviewer = ? AND kind = 'verdict'
            """, arguments: [reviewer]) ?? 0
        guard let batch = try Int64.fetchOne(db, sql: """
            SELECT u.batch FROM events u
            WHERE u.reviewer = ? AND u.kind = 'undo' AND u.id > ?
              AND (SELECT x.kind FROM events x WHERE x.ref = u.ref ORDER BY x.id DESC LIMIT 1) = 'undo'
            ORDER BY u.id DESC LIMIT 1
            """, arguments: [reviewer, lastVerdict]) else { return nil }
        let targets = try Row.fetchAll(db, sql: """
            SELECT u.ref AS id, u.item_id FROM events u
            WHERE u.batch = ? AND u.kind = 'undo'
              AND (SELECT x.kind FROM events x WHERE x.ref = u.ref ORDER BY x.id DESC LIMIT 1) = 'undo'
            ORDER BY u.id
            """, arguments: [batch])
        return try writeReferences(db, kind: "redo", targets: targets, reviewer: reviewer)
    }

    /// Attaches a note to an item.
    public static func note(_ db: Database, item: Int64, reviewer: String, text: String) throws {
        guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM items WHERE id = ?)", arguments: [item]) == true else {
            throw StoreError.noSuchItem(item)
        }
        try db.execute(sql: """
            INSERT INTO events(item_id, kind, reviewer, note, created_at, uid) VALUES (?, 'note', ?, ?, ?, ?)
            """, arguments: [item, reviewer, text, Timestamp.now(), UUID().uuidString.lowercased()])
    }

    /// The status the log gives an item.
    public static func derivedStatus(_ db: Database, item: Int64) throws -> ItemStatus {
        let verdict = try String.fetchOne(db, sql: """
            SELECT e.verdict FROM events e
            WHERE e.item_id = ? AND e.kind = 'verdict' AND \(activeCondition("e"))
            ORDER BY e.id DESC LIMIT 1
            """, arguments: [item])
        return verdict.flatMap(ItemStatus.init(rawValue:)) ?? .pending
    }

    /// Recomputes every item's cached status from the log.
    ///
    /// - Returns: how many items had a cached status that differed from the log.
    @discardableResult
    public static func rebuildStatuses(_ db: Database) throws -> Int {
        try db.execute(sql: """
            UPDATE items SET status = COALESCE((
                SELECT e.verdict FROM events e
                WHERE e.item_id = items.id AND e.kind = 'verdict' AND \(activeCondition("e"))
                ORDER BY e.id DESC LIMIT 1), 'pending')
            WHERE status IS NOT COALESCE((
                SELECT e.verdict FROM events e
                WHERE e.item_id = items.id AND e.kind = 'verdict' AND \(activeCondition("e"))
                ORDER BY e.id DESC LIMIT 1), 'pending')
            """)
        return db.changesCount
    }

    /// SQL that is true when verdict event `alias` has not been undone (or was redone).
    static func activeCondition(_ alias: String) -> String {
        "COALESCE((SELECT x.kind FROM events x WHERE x.ref = \(alias).id ORDER BY x.id DESC LIMIT 1), 'redo') = 'redo'"
    }

    private static func writeReferences(_ db: Database, kind: String, targets: [Row], reviewer: String) throws -> Outcome? {
        guard !targets.isEmpty else { return nil }
        let now = Timestamp.now()
        var batch: Int64 = 0
        var items: [Int64] = []
        var statuses: [Int64: ItemStatus] = [:]
        for target in targets {
            let ref: Int64 = target["id"]
            let item: Int64 = target["item_id"]
            try db.execute(sql: """
                INSERT INTO events(item_id, kind, ref, batch, reviewer, created_at, uid) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [item, kind, ref, batch == 0 ? nil : batch, reviewer, now, UUID().uuidString.lowercased()])
            if batch == 0 {
                batch = db.lastInsertedRowID
                try db.execute(sql: "UPDATE events SET batch = id WHERE id = ?", arguments: [batch])
            }
            let status = try derivedStatus(db, item: item)
            try db.execute(sql: "UPDATE items SET status = ? WHERE id = ?", arguments: [status.rawValue, item])
            items.append(item)
            statuses[item] = status
        }
        return Outcome(batch: batch, items: items, statuses: statuses)
    }
}
