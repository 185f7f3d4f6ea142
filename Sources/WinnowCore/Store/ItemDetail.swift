import Foundation
import GRDB

/// Everything the detail pane shows about one item.
public struct ItemDetail: Equatable, Sendable {
    public struct Score: Equatable, Sendable {
        public var name: String
        public var value: Double
        public var scorer: String
        public var version: String
        public var detail: String?

        public init(name: String, value: Double, scorer: String, version: String, detail: String?) {
            self.name = name
            self.value = value
            self.scorer = scorer
            self.version = version
            self.detail = detail
        }
    }

    public struct HistoryEntry: Equatable, Sendable {
        public var time: String
        public var reviewer: String
        public var kind: String
        public var verdict: String?
        public var note: String?
        /// False for a verdict that was later undone.
        public var active: Bool

        public init(time: String, reviewer: String, kind: String, verdict: String?, note: String?, active: Bool) {
            self.time = time
            self.reviewer = reviewer
            self.kind = kind
            self.verdict = verdict
            self.note = note
            self.active = active
        }
    }

    public var id: Int64
    public var origId: String?
    public var source: String
    public var sourceFile: String
    public var recordIndex: Int
    public var importId: Int64
    public var importedAt: String?
    public var image: String?
    public var imageRoot: String?
    public var caption: String?
    public var model: String?
    public var category: String?
    public var status: ItemStatus
    public var formatFlags: FormatFlags
    /// The current conversation (the newest edit, or as imported).
    public var turns: [Turn]
    /// The version of `turns`: 0 as imported, n after n edits.
    public var version: Int
    /// Who made the current version (nil when as imported).
    public var editedBy: String?
    public var scores: [Score]
    public var history: [HistoryEntry]
    public var removed: Bool

    public init(id: Int64, origId: String?, source: String, sourceFile: String, recordIndex: Int, importId: Int64,
                importedAt: String?, image: String?, imageRoot: String?, caption: String?, model: String?,
                category: String?, status: ItemStatus, formatFlags: FormatFlags, turns: [Turn], version: Int,
                editedBy: String?, scores: [Score], history: [HistoryEntry], removed: Bool) {
        self.id = id
        self.origId = origId
        self.source = source
        self.sourceFile = sourceFile
        self.recordIndex = recordIndex
        self.importId = importId
        self.importedAt = importedAt
        self.image = image
        self.imageRoot = imageRoot
        self.caption = caption
        self.model = model
        self.category = category
        self.status = status
        self.formatFlags = formatFlags
        self.turns = turns
        self.version = version
        self.editedBy = editedBy
        self.scores = scores
        self.history = history
        self.removed = removed
    }

    /// The original id as plain text (strings without quotes).
    public var displayId: String {
        guard let origId else { return "#\(id)" }
        return (try? parseJSON(origId).plainText) ?? origId
    }

    /// Loads an item, or nil when there is no such item.
    public static func load(_ db: Database, id: Int64) throws -> ItemDetail? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT i.*, m.started_at AS imported_at FROM items i LEFT JOIN imports m ON m.id = i.import_id WHERE i.id = ?
            """, arguments: [id]) else { return nil }
        let conversation = try Conversations.current(db, item: id)
        let editedBy = conversation.version > 0
            ? try String.fetchOne(db, sql: "SELECT reviewer FROM edits WHERE item_id = ? AND version = ?",
                                  arguments: [id, conversation.version])
            : nil
        var scores = try Row.fetchAll(db, sql: """
            SELECT name, value, scorer, version, detail FROM scores WHERE item_id = ? ORDER BY name
            """, arguments: [id]).map {
            Score(name: $0["name"], value: $0["value"], scorer: $0["scorer"], version: $0["version"], detail: $0["detail"])
        }
        // Zeros without a row (see ImplicitZeros).
        let bits = try Int64.fetchOne(db, sql: "SELECT scorers FROM scored_items WHERE item_id = ?", arguments: [id]) ?? 0
        let stored = Set(scores.map(\.name))
        for scorer in ImplicitZeros.scorers(in: bits) where !stored.contains(scorer.rawValue) {
            scores.append(Score(name: scorer.rawValue, value: 0, scorer: BuiltinScorer.scorerName, version: scorer.version, detail: nil))
        }
        scores.sort { $0.name < $1.name }
        let history = try Row.fetchAll(db, sql: """
            SELECT e.created_at, e.reviewer, e.kind, e.verdict, e.note,
                   (e.kind != 'verdict' OR \(Decisions.activeCondition("e"))) AS active
            FROM events e WHERE e.item_id = ? ORDER BY e.id
            """, arguments: [id]).map {
            HistoryEntry(time: $0["created_at"], reviewer: $0["reviewer"], kind: $0["kind"], verdict: $0["verdict"],
                         note: $0["note"], active: $0["active"])
        }
        return ItemDetail(
            id: id, origId: row["orig_id"], source: row["source"], sourceFile: row["source_file"],
            recordIndex: row["record_index"], importId: row["import_id"], importedAt: row["imported_at"],
            image: row["image"], imageRoot: row["image_root"], caption: row["caption"], model: row["model"],
            category: row["category"], status: ItemStatus(rawValue: row["status"]) ?? .pending,
            formatFlags: FormatFlags(rawValue: row["format_flags"]), turns: conversation.turns,
            version: conversation.version, editedBy: editedBy, scores: scores, history: history,
            removed: row["removed_at"] as String? != nil)
    }
}

/// Reviewers' edits: new versions of a conversation, never overwriting the original.
public enum Edits {
    /// Stores `turns` as the item's next version.
    ///
    /// - Parameter baseVersion: the version the reviewer started from. If the item has moved on
    ///   since (someone else saved an edit), nothing is written and ``StoreError/conflict(item:expected:found:)``
    ///   is thrown, so no one's edit is lost silently.
    /// - Returns: the new version number.
    @discardableResult
    public static func save(_ db: Database, item: Int64, turns: [Turn], baseVersion: Int, reviewer: String) throws -> Int {
        guard let current = try Int.fetchOne(db, sql: "SELECT version FROM items WHERE id = ?", arguments: [item]) else {
            throw StoreError.noSuchItem(item)
        }
        guard current == baseVersion else {
            throw StoreError.conflict(item: item, expected: baseVersion, found: current)
        }
        let old = try FullText.current(db, item: item)
        let version = current + 1
        let now = Timestamp.now()
        try db.execute(sql: """
            INSERT INTO edits(item_id, version, base_version, conversation, reviewer, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [item, version, baseVersion, Conversations.encode(turns), reviewer, now])
        let hasImage = try Bool.fetchOne(db, sql: "SELECT image IS NOT NULL FROM items WHERE id = ?", arguments: [item]) ?? false
        let expectsToken = try String.fetchOne(db, sql: """
            SELECT m.format FROM items i JOIN imports m ON m.id = i.import_id WHERE i.id = ?
            """, arguments: [item]) == ImportFormat.llava.rawValue
        try db.execute(sql: "UPDATE items SET version = ?, format_flags = ? WHERE id = ?",
                       arguments: [version, FormatFlags.check(turns, hasImage: hasImage, expectsToken: expectsToken).rawValue, item])
        try db.execute(sql: """
            INSERT INTO events(item_id, kind, reviewer, note, created_at, uid) VALUES (?, 'edit', ?, ?, ?, ?)
            """, arguments: [item, reviewer, "version \(version)", now, UUID().uuidString.lowercased()])
        try FullText.replace(db, item: item, old: old, new: try FullText.current(db, item: item))
        return version
    }
}
