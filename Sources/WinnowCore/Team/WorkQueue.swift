import Foundation
import GRDB

// How the review UI uses the work queue (`winnow review --queue`):
//
// 1. Open it once: `let queue = WorkQueue(store: store, filter: filter)` (the filter, when
//    given, limits which items are handed out). If the user passed `--overlap P`, call
//    `try queue.setOverlap(P)`: the share is stored in the store and holds for every
//    reviewer's queue until someone sets another.
// 2. `try queue.claim(reviewer: me, count: 20)` returns the reviewer's leases, old and new,
//    in the order to review them (second reviews first). Show them with the filter text
//    `WorkQueue.filterText(reviewer: me)` (`lease:"me"`), so the list holds exactly the
//    reviewer's leased items; call `claim` again whenever fewer than a few pending ones are
//    left, and on the `PRAGMA data_version` refresh. Items the reviewer has decided leave the
//    queue at the next claim (their leases are dropped), so undo stays possible until then.
// 3. While an item is open (shown in the detail pane or in $EDITOR), call
//    `try queue.renew(items: [id], reviewer: me)` at least every `leaseDuration / 3`; a
//    result in `lost` means someone else holds or decided it now: say so in the status bar.
// 4. On quit: `try queue.releaseAll(reviewer: me)`. A reviewer who walks away without
//    quitting blocks nobody: their leases expire after `leaseDuration` (10 minutes).

/// The shared work queue: hands each reviewer pending items that nobody else holds, through
/// leases that expire, and sends a reproducible share of decided items to a second reviewer.
///
/// A lease is a row of `leases` (one per item: the item id is the key). Claiming runs in one
/// immediate transaction, so two reviewers claiming at once never get the same item.
///
/// **Overlap.** With share p (``setOverlap(_:)``), an item is selected for a second review
/// when a hash of its id and the store's queue seed (`meta` key `queue.seed`, drawn once)
/// falls below p, so the same items are selected in every process and every run, and a
/// larger p selects a superset. A selected item is first reviewed like any other; once
/// exactly one reviewer has an active accepted or rejected verdict on it, it comes back into
/// the queue of every *other* reviewer, ahead of the first reviews, until one of them claims
/// it. The first reviewer's lease does not block it. Items skipped by the first reviewer are
/// not decided and do not come back.
///
/// ```swift
/// let queue = WorkQueue(store: store)
/// try queue.setOverlap(0.1)
/// let mine = try queue.claim(reviewer: "ana", count: 20)
/// try queue.renew(items: [mine[0].item], reviewer: "ana")
/// try queue.releaseAll(reviewer: "ana")
/// ```
public final class WorkQueue: Sendable {
    /// Ten minutes.
    public static let defaultLeaseDuration: TimeInterval = 600

    /// One item held by one reviewer.
    public struct Lease: Equatable, Sendable {
        public var item: Int64
        public var reviewer: String
        /// When the lease ends unless renewed (``Timestamp`` text).
        public var expiresAt: String
        /// True when someone else has already decided the item (an overlap item).
        public var secondReview: Bool

        public init(item: Int64, reviewer: String, expiresAt: String, secondReview: Bool) {
            self.item = item
            self.reviewer = reviewer
            self.expiresAt = expiresAt
            self.secondReview = secondReview
        }
    }

    /// What ``renew(items:reviewer:)`` did.
    public struct Renewal: Equatable, Sendable {
        /// Items the reviewer holds until the new expiry.
        public var renewed: [Int64]
        /// Items the reviewer no longer holds, with who holds them now (nil: nobody; the item
        /// was decided or removed meanwhile).
        public var lost: [LostItem]

        public struct LostItem: Equatable, Sendable {
            public var item: Int64
            public var holder: String?
        }
    }

    /// Counts for the status bar.
    public struct Summary: Equatable, Sendable {
        /// Leases the reviewer holds.
        public var held: Int
        /// Pending items nobody holds.
        public var waitingFirst: Int
        /// Overlap items waiting for this reviewer's second review.
        public var waitingSecond: Int
        /// Leases other reviewers hold.
        public var heldByOthers: Int
    }

    public let store: Store
    public let leaseDuration: TimeInterval
    /// When given, only items matching it are handed out.
    public let filter: Filter?
    private let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - leaseDuration: how long a lease lasts without renewal.
    ///   - filter: hand out only the items that match.
    ///   - clock: the time (tests pass their own).
    public init(store: Store, leaseDuration: TimeInterval = WorkQueue.defaultLeaseDuration, filter: Filter? = nil,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.leaseDuration = leaseDuration
        self.filter = filter
        self.clock = clock
    }

    /// The filter text that shows a reviewer's leased items (`lease:"NAME"`).
    public static func filterText(reviewer: String) -> String {
        "lease:\"" + reviewer.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    // MARK: Overlap

    /// Sets the share of items that get a second review (0 turns it off).
    ///
    /// - Throws: ``TeamError/invalidOverlap(_:)`` unless `0 <= share <= 1`.
    public func setOverlap(_ share: Double) throws {
        guard share.isFinite, share >= 0, share <= 1 else { throw TeamError.invalidOverlap(share) }
        try store.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('queue.overlap', ?)",
                           arguments: [String(share)])
            try Self.refreshOverlap(db)
        }
    }

    /// The share of items that get a second review.
    public func overlap() throws -> Double {
        try store.read { db in try Self.overlap(db) }
    }

    static func overlap(_ db: Database) throws -> Double {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'queue.overlap'").flatMap(Double.init) ?? 0
    }

    /// The item ids selected for a second review, in id order.
    public func overlapItems() throws -> [Int64] {
        try store.write { db in
            try Self.refreshOverlap(db)
            return try Int64.fetchAll(db, sql: "SELECT item_id FROM overlap_items ORDER BY item_id")
        }
    }

    /// A number in [0, 1) drawn from an item id and the queue seed: the item is selected for a
    /// second review when it is below the overlap share.
    public static func draw(item: Int64, seed: UInt64) -> Double {
        var mixer = SplitMix64(seed: seed ^ (UInt64(bitPattern: item) &* 0xD6E8_FEB8_6659_FD93))
        return Double(mixer.next() >> 11) / 9_007_199_254_740_992  // 2^53
    }

    /// The store's queue seed, drawn and stored on first use.
    static func seed(_ db: Database) throws -> UInt64 {
        if let text = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'queue.seed'"),
           let seed = UInt64(text) {
            return seed
        }
        let seed = UInt64.random(in: 1...UInt64.max)
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('queue.seed', ?)", arguments: [String(seed)])
        return seed
    }

    /// True when ``refreshOverlap(_:)`` has work to do.
    static func overlapIsStale(_ db: Database) throws -> Bool {
        let key = "\(try overlap(db)) \(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'queue.seed'") ?? "")"
        guard try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'queue.overlap_for'") == key else { return true }
        let through = try Int64.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'queue.overlap_through'") ?? 0
        return (try Int64.fetchOne(db, sql: "SELECT max(id) FROM items") ?? 0) > through
    }

    /// Brings `overlap_items` up to date with the share, the seed and the items (new items
    /// since the last call are drawn; a changed share redraws all).
    static func refreshOverlap(_ db: Database) throws {
        let share = try overlap(db)
        let seed = try self.seed(db)
        let key = "\(share) \(seed)"
        var through = try Int64.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'queue.overlap_through'") ?? 0
        if try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'queue.overlap_for'") != key {
            try db.execute(sql: "DELETE FROM overlap_items")
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('queue.overlap_for', ?)", arguments: [key])
            through = 0
        }
        let newest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM items") ?? 0
        guard newest > through else { return }
        if share > 0 {
            let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO overlap_items(item_id) VALUES (?)")
            let ids = try Int64.fetchCursor(db, sql: "SELECT id FROM items WHERE id > ? ORDER BY id", arguments: [through])
            while let id = try ids.next() {
                if draw(item: id, seed: seed) < share { try insert.execute(arguments: [id]) }
            }
        }
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('queue.overlap_through', ?)",
                       arguments: [String(newest)])
    }

    // MARK: Leases

    /// Gives the reviewer up to `count` items: the leases they still hold on items they have
    /// not decided (renewed), then second reviews, then pending items nobody holds, in item
    /// order. Expired leases are dropped first; so are the reviewer's leases on items they
    /// have decided since.
    ///
    /// Candidates are searched in a read (which can take a moment on a large store) and then
    /// checked and leased one by one in a short immediate transaction, so other writers wait
    /// only for that; two reviewers claiming at once never get the same item.
    ///
    /// - Returns: every lease the reviewer holds afterwards, old ones first.
    public func claim(reviewer: String, count: Int) throws -> [Lease] {
        let restriction = filter?.sql() ?? SQLFragment("items.removed_at IS NULL")
        if try store.read({ db in try Self.overlapIsStale(db) }) {
            try store.write { db in try Self.refreshOverlap(db) }
        }
        let searchSize = max(0, count) * 2 + 8
        for _ in 0..<4 {
            let now = clock()
            let nowText = Timestamp.string(from: now)
            let candidates = try store.read { db in
                try Self.candidates(db, reviewer: reviewer, restriction: restriction, now: nowText, limit: searchSize)
            }
            let until = Timestamp.string(from: now.addingTimeInterval(leaseDuration))
            let (leases, satisfied) = try store.write { db -> ([Lease], Bool) in
                try db.execute(sql: "DELETE FROM leases WHERE expires_at <= ?", arguments: [nowText])
                // Leases on items that are no longer this reviewer's to review.
                try db.execute(sql: """
                    DELETE FROM leases WHERE reviewer = ? AND NOT EXISTS (
                        SELECT 1 FROM items WHERE items.id = leases.item_id AND items.removed_at IS NULL AND (
                            items.status = 'pending' OR (\(Self.secondReviewSQL))))
                    """, arguments: [reviewer, reviewer])
                try db.execute(sql: "UPDATE leases SET expires_at = ? WHERE reviewer = ?", arguments: [until, reviewer])
                let held = try Int.fetchOne(db, sql: "SELECT count(*) FROM leases WHERE reviewer = ?", arguments: [reviewer]) ?? 0
                var wanted = count - held
                for candidate in candidates where wanted > 0 {
                    let free = try Bool.fetchOne(db, sql: """
                        SELECT EXISTS (SELECT 1 FROM items WHERE items.id = ? AND (\(restriction.sql))
                          AND (items.status = 'pending' OR (\(Self.secondReviewSQL)))
                          AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.item_id = items.id AND \(Self.blockingLeaseSQL)))
                        """, arguments: StatementArguments([candidate]) + restriction.statementArguments + [reviewer, nowText]) ?? false
                    guard free else { continue }
                    try db.execute(sql: """
                        INSERT OR REPLACE INTO leases(item_id, reviewer, acquired_at, expires_at) VALUES (?, ?, ?, ?)
                        """, arguments: [candidate, reviewer, nowText, until])
                    wanted -= 1
                }
                return (try Self.leases(db, reviewer: reviewer, now: nowText), wanted <= 0 || candidates.count < searchSize)
            }
            // Fewer than asked although the search was full: others took the candidates; search again.
            if satisfied { return leases }
        }
        return try self.leases(reviewer: reviewer)
    }

    /// Items the reviewer could claim, second reviews first, then pending items, in item order,
    /// leaving out items with a lease that blocks them.
    static func candidates(_ db: Database, reviewer: String, restriction: SQLFragment, now: String, limit: Int) throws -> [Int64] {
        let second = try Int64.fetchAll(db, sql: """
            SELECT items.id FROM items JOIN overlap_items o ON o.item_id = items.id
            WHERE (\(secondReviewSQL)) AND (\(restriction.sql))
              AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.item_id = items.id AND \(blockingLeaseSQL))
            ORDER BY items.id LIMIT ?
            """, arguments: StatementArguments([reviewer]) + restriction.statementArguments + [now, limit])
        guard second.count < limit else { return second }
        let first = try Int64.fetchAll(db, sql: """
            SELECT items.id FROM items
            WHERE items.status = 'pending' AND (\(restriction.sql))
              AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.item_id = items.id AND \(blockingLeaseSQL))
            ORDER BY items.id LIMIT ?
            """, arguments: restriction.statementArguments + [now, limit - second.count])
        return second + first
    }

    /// True for a lease `l` on an item `items` that keeps others from claiming it: one that
    /// has not expired, held by a reviewer who has not decided the item (once the first
    /// reviewer decided, their lease does not hold back the second review). Its `?` is the
    /// current time (``Timestamp`` text).
    static let blockingLeaseSQL = """
        l.expires_at > ? AND NOT EXISTS (
            SELECT 1 FROM events d WHERE d.item_id = items.id AND d.reviewer = l.reviewer
              AND d.kind = 'verdict' AND d.verdict != 'pending' AND \(Decisions.activeCondition("d")))
        """

    /// Extends the reviewer's leases on `items` (call it while an item is open). An expired
    /// lease nobody else took is taken again if the item is still the reviewer's to review.
    public func renew(items: [Int64], reviewer: String) throws -> Renewal {
        let now = clock()
        let nowText = Timestamp.string(from: now)
        let until = Timestamp.string(from: now.addingTimeInterval(leaseDuration))
        return try store.write { db in
            var renewal = Renewal(renewed: [], lost: [])
            for item in items {
                try db.execute(sql: """
                    UPDATE leases SET expires_at = ? WHERE item_id = ? AND reviewer = ?
                      AND EXISTS (SELECT 1 FROM items WHERE items.id = leases.item_id AND items.removed_at IS NULL
                                  AND (items.status = 'pending' OR (\(Self.secondReviewSQL))))
                    """, arguments: [until, item, reviewer, reviewer])
                if db.changesCount > 0 {
                    renewal.renewed.append(item)
                    continue
                }
                if let holder = try String.fetchOne(db, sql: """
                    SELECT reviewer FROM leases WHERE item_id = ? AND reviewer != ? AND expires_at > ?
                    """, arguments: [item, reviewer, nowText]) {
                    renewal.lost.append(.init(item: item, holder: holder))
                    continue
                }
                let eligible = try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM items WHERE items.id = ? AND items.removed_at IS NULL
                                   AND (items.status = 'pending' OR (\(Self.secondReviewSQL))))
                    """, arguments: [item, reviewer]) ?? false
                if eligible {
                    try db.execute(sql: """
                        INSERT OR REPLACE INTO leases(item_id, reviewer, acquired_at, expires_at) VALUES (?, ?, ?, ?)
                        """, arguments: [item, reviewer, nowText, until])
                    renewal.renewed.append(item)
                } else {
                    try db.execute(sql: "DELETE FROM leases WHERE item_id = ? AND reviewer = ?", arguments: [item, reviewer])
                    renewal.lost.append(.init(item: item, holder: nil))
                }
            }
            return renewal
        }
    }

    /// Gives items back to the queue.
    public func release(items: [Int64], reviewer: String) throws {
        try store.write { db in
            for item in items {
                try db.execute(sql: "DELETE FROM leases WHERE item_id = ? AND reviewer = ?", arguments: [item, reviewer])
            }
        }
    }

    /// Gives every item the reviewer holds back to the queue (on quit).
    public func releaseAll(reviewer: String) throws {
        try store.write { db in
            try db.execute(sql: "DELETE FROM leases WHERE reviewer = ?", arguments: [reviewer])
        }
    }

    /// The unexpired leases of one reviewer (or of everyone, nil), old ones first.
    public func leases(reviewer: String?) throws -> [Lease] {
        let now = Timestamp.string(from: clock())
        return try store.read { db in try Self.leases(db, reviewer: reviewer, now: now) }
    }

    /// Counts for the status bar.
    public func summary(reviewer: String) throws -> Summary {
        let now = Timestamp.string(from: clock())
        let restriction = filter?.sql() ?? SQLFragment("items.removed_at IS NULL")
        return try store.read { db in
            let held = try Int.fetchOne(db, sql: "SELECT count(*) FROM leases WHERE reviewer = ? AND expires_at > ?",
                                        arguments: [reviewer, now]) ?? 0
            let others = try Int.fetchOne(db, sql: "SELECT count(*) FROM leases WHERE reviewer != ? AND expires_at > ?",
                                          arguments: [reviewer, now]) ?? 0
            let first = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM items WHERE items.status = 'pending' AND (\(restriction.sql))
                  AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.item_id = items.id AND l.expires_at > ?)
                """, arguments: restriction.statementArguments + [now]) ?? 0
            let second = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM items JOIN overlap_items o ON o.item_id = items.id
                WHERE (\(Self.secondReviewSQL)) AND (\(restriction.sql))
                  AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.item_id = items.id AND l.expires_at > ? AND l.reviewer != ?)
                """, arguments: StatementArguments([reviewer]) + restriction.statementArguments + [now, reviewer]) ?? 0
            return Summary(held: held, waitingFirst: first, waitingSecond: second, heldByOthers: others)
        }
    }

    static func leases(_ db: Database, reviewer: String?, now: String) throws -> [Lease] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT l.item_id, l.reviewer, l.expires_at, i.status != 'pending' AS second
            FROM leases l JOIN items i ON i.id = l.item_id
            WHERE (?1 IS NULL OR l.reviewer = ?1) AND l.expires_at > ?2
            ORDER BY l.acquired_at, second DESC, l.item_id
            """, arguments: [reviewer, now])
        return rows.map { Lease(item: $0[0], reviewer: $0[1], expiresAt: $0[2], secondReview: $0[3]) }
    }

    /// True for an item (alias `items`) the reviewer bound to the first `?` may give the
    /// second review: selected for overlap, decided (accepted or rejected) by exactly one
    /// reviewer, and not by this one.
    static let secondReviewSQL = """
        items.status != 'pending' AND items.removed_at IS NULL
        AND items.id IN (SELECT item_id FROM overlap_items)
        AND NOT EXISTS (SELECT 1 FROM events qm WHERE qm.item_id = items.id AND qm.reviewer = ?
                        AND qm.kind = 'verdict' AND qm.verdict != 'pending' AND \(Decisions.activeCondition("qm")))
        AND (SELECT count(DISTINCT qo.reviewer) FROM events qo WHERE qo.item_id = items.id AND qo.kind = 'verdict'
             AND qo.verdict IN ('accepted', 'rejected') AND \(Decisions.activeCondition("qo"))) = 1
        """
}
