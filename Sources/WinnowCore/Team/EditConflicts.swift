import Foundation
import GRDB

/// An edit that could not be saved as is: someone else saved a version of the item after
/// the one the reviewer opened. Both versions are kept until the reviewer chooses.
public struct EditConflict: Equatable, Sendable {
    /// One side of the conflict.
    public struct Version: Equatable, Sendable {
        /// The version number (0: as imported).
        public var version: Int
        public var turns: [Turn]
        /// Who wrote it (nil for the imported original).
        public var reviewer: String?
        /// When it was written (nil for the imported original).
        public var time: String?

        public init(version: Int, turns: [Turn], reviewer: String?, time: String?) {
            self.version = version
            self.turns = turns
            self.reviewer = reviewer
            self.time = time
        }
    }

    /// How a conflict was settled.
    public enum Resolution: String, Equatable, Sendable, CaseIterable {
        /// The proposal was saved as a new version on top of theirs.
        case mine
        /// Their version stays current; the proposal stays in `edit_conflicts`.
        case theirs
    }

    /// The `edit_conflicts` row.
    public var id: Int64
    public var item: Int64
    /// The version the reviewer opened and edited.
    public var baseVersion: Int
    /// The item's current version when the edit was refused (someone else's).
    public var theirs: Version
    /// The reviewer's proposal (its `version` is what it would have been: base + 1).
    public var mine: Version
    public var resolution: Resolution?
    public var resolvedBy: String?
    /// The version the proposal became, when resolved with ``Resolution/mine``.
    public var resolvedVersion: Int?
}

/// Saving an edit that may conflict, and settling the conflict.
///
/// ```swift
/// switch try store.write({ db in try EditConflicts.save(db, item: 7, turns: mine, baseVersion: opened, reviewer: "ana") }) {
/// case .saved(let version): ...
/// case .conflict(let conflict):      // show conflict.theirs and conflict.mine, let the reviewer choose
///     _ = try store.write { db in try EditConflicts.resolve(db, id: conflict.id, keep: .mine, reviewer: "ana") }
/// }
/// ```
public enum EditConflicts {
    /// What ``save(_:item:turns:baseVersion:reviewer:)`` did.
    public enum SaveResult: Equatable, Sendable {
        /// The edit is the item's new version.
        case saved(version: Int)
        /// The item moved on since `baseVersion`; the proposal is kept as an open conflict.
        case conflict(EditConflict)
    }

    /// What ``resolve(_:id:keep:reviewer:)`` did.
    public enum ResolveResult: Equatable, Sendable {
        /// Settled; the item's current version is `version`.
        case resolved(version: Int)
        /// Someone saved yet another version since the conflict was shown: the conflict now
        /// compares against it. Show it again and let the reviewer choose again.
        case movedOn(EditConflict)
    }

    /// Saves `turns` as the item's next version when the item is still at `baseVersion`;
    /// otherwise stores the proposal in `edit_conflicts` (nothing else changes) and returns
    /// both versions.
    ///
    /// - Throws: ``StoreError/noSuchItem(_:)``.
    public static func save(_ db: Database, item: Int64, turns: [Turn], baseVersion: Int, reviewer: String) throws -> SaveResult {
        guard let current = try Int.fetchOne(db, sql: "SELECT version FROM items WHERE id = ?", arguments: [item]) else {
            throw StoreError.noSuchItem(item)
        }
        if current == baseVersion {
            return .saved(version: try Edits.save(db, item: item, turns: turns, baseVersion: baseVersion, reviewer: reviewer))
        }
        try db.execute(sql: """
            INSERT INTO edit_conflicts(item_id, base_version, their_version, conversation, reviewer, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [item, baseVersion, current, Conversations.encode(turns), reviewer, Timestamp.now()])
        guard let conflict = try load(db, id: db.lastInsertedRowID) else { throw StoreError.noSuchItem(item) }
        return .conflict(conflict)
    }

    /// Settles a conflict. ``EditConflict/Resolution/mine`` saves the proposal as a new version
    /// whose base is their version; ``EditConflict/Resolution/theirs`` keeps their version. The
    /// proposal stays in `edit_conflicts` either way, and a note in the item's history says
    /// what was chosen.
    ///
    /// - Throws: ``TeamError/noSuchConflict(_:)``, ``TeamError/conflictResolved(_:)``.
    public static func resolve(_ db: Database, id: Int64, keep: EditConflict.Resolution, reviewer: String) throws -> ResolveResult {
        guard let conflict = try load(db, id: id) else { throw TeamError.noSuchConflict(id) }
        guard conflict.resolution == nil else { throw TeamError.conflictResolved(id) }
        let current = try Int.fetchOne(db, sql: "SELECT version FROM items WHERE id = ?", arguments: [conflict.item]) ?? 0
        if current != conflict.theirs.version {
            try db.execute(sql: "UPDATE edit_conflicts SET their_version = ? WHERE id = ?", arguments: [current, id])
            guard let updated = try load(db, id: id) else { throw TeamError.noSuchConflict(id) }
            return .movedOn(updated)
        }
        let now = Timestamp.now()
        var version = current
        let note: String
        switch keep {
        case .mine:
            version = try Edits.save(db, item: conflict.item, turns: conflict.mine.turns, baseVersion: current,
                                     reviewer: conflict.mine.reviewer ?? reviewer)
            note = "edit conflict \(id): kept \(conflict.mine.reviewer ?? reviewer)'s edit of version \(conflict.baseVersion) "
                + "as version \(version), over version \(current) by \(conflict.theirs.reviewer ?? "the import")"
        case .theirs:
            note = "edit conflict \(id): kept version \(current) by \(conflict.theirs.reviewer ?? "the import"); "
                + "\(conflict.mine.reviewer ?? reviewer)'s edit of version \(conflict.baseVersion) was not applied (kept in edit_conflicts)"
        }
        try db.execute(sql: """
            UPDATE edit_conflicts SET resolution = ?, resolved_version = ?, resolved_by = ?, resolved_at = ? WHERE id = ?
            """, arguments: [keep.rawValue, keep == .mine ? version : nil, reviewer, now, id])
        try Decisions.note(db, item: conflict.item, reviewer: reviewer, text: note)
        return .resolved(version: version)
    }

    /// The open (unresolved) conflicts, of one item or of all, oldest first.
    public static func open(_ db: Database, item: Int64? = nil) throws -> [EditConflict] {
        let ids = try Int64.fetchAll(db, sql: """
            SELECT id FROM edit_conflicts WHERE resolution IS NULL AND (?1 IS NULL OR item_id = ?1) ORDER BY id
            """, arguments: [item])
        return try ids.compactMap { try load(db, id: $0) }
    }

    /// One conflict with both versions, or nil.
    public static func load(_ db: Database, id: Int64) throws -> EditConflict? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM edit_conflicts WHERE id = ?", arguments: [id]) else {
            return nil
        }
        let item: Int64 = row["item_id"]
        let base: Int = row["base_version"]
        let theirs = try version(db, item: item, version: row["their_version"])
        let mine = EditConflict.Version(version: base + 1, turns: try Conversations.decode(row["conversation"]),
                                        reviewer: row["reviewer"], time: row["created_at"])
        return EditConflict(id: id, item: item, baseVersion: base, theirs: theirs, mine: mine,
                            resolution: (row["resolution"] as String?).flatMap(EditConflict.Resolution.init(rawValue:)),
                            resolvedBy: row["resolved_by"], resolvedVersion: row["resolved_version"])
    }

    /// A stored version of an item's conversation.
    static func version(_ db: Database, item: Int64, version: Int) throws -> EditConflict.Version {
        if version > 0, let row = try Row.fetchOne(db, sql: """
            SELECT conversation, reviewer, created_at FROM edits WHERE item_id = ? AND version = ?
            """, arguments: [item, version]) {
            return EditConflict.Version(version: version, turns: try Conversations.decode(row["conversation"]),
                                        reviewer: row["reviewer"], time: row["created_at"])
        }
        return EditConflict.Version(version: 0, turns: try Conversations.original(db, item: item), reviewer: nil, time: nil)
    }
}
