import Foundation
import GRDB

/// Writes parsed items of one source file inside the import's transaction.
///
/// New records are inserted; records seen before (same provenance key) are updated in
/// place when their content hash changed, so their decisions and edits stay attached;
/// records no longer in the file are marked removed, never deleted.
final class ItemWriter {
    private let db: Database
    private let sourceFile: String
    private let source: String
    private let imageRoot: String?
    var importId: Int64 = 0

    private struct Existing {
        var id: Int64
        var hash: Int64
        var recordIndex: Int
        var removed: Bool
    }
    /// Items of this file already in the store, by provenance key; emptied as records are seen.
    private var existing: [String: Existing] = [:]
    private var droppedIndexes: [String] = []

    private let insertItem: RawStatement
    private let insertText: RawStatement

    private(set) var added = 0
    private(set) var changed = 0
    private(set) var unchanged = 0
    /// CPU seconds in the item and full-text inserts (only with `WINNOW_IMPORT_TIMING`).
    private(set) var itemSeconds = 0.0
    private(set) var textSeconds = 0.0

    /// Builds the full-text index on the second core during a load into an empty store.
    private var fullTextBuilder: FullTextBuilder?
    var buildsFullTextAside: Bool { fullTextBuilder != nil }

    /// - Parameter storePath: where a load into an empty store may put its scratch
    ///   full-text database (see ``FullTextBuilder``); nil keeps everything in the store.
    init(_ db: Database, sourceFile: String, source: String, imageRoot: String?, storePath: String? = nil) throws {
        self.db = db
        self.sourceFile = sourceFile
        self.source = source
        self.imageRoot = imageRoot
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, prov_key, content_hash, record_index, removed_at IS NOT NULL FROM items WHERE source_file = ?
            """, arguments: [sourceFile])
        while let row = try rows.next() {
            existing[row[1]] = Existing(id: row[0], hash: row[2], recordIndex: row[3], removed: row[4])
        }
        if let storePath { FullTextBuilder.removeLeftovers(storePath: storePath) }
        // Into an empty store, build the secondary indexes once at the end, and the full-text
        // index on its own thread.
        let storeHasItems = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM items)") ?? true
        if !storeHasItems {
            for index in Schema.secondaryIndexes {
                let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?)",
                                               arguments: [index.name]) ?? false
                guard exists else { continue }
                try db.execute(sql: "DROP INDEX \(index.name)")
                droppedIndexes.append(index.name)
            }
            if let storePath, let definition = try FullTextBuilder.takeOverDefinition(db) {
                // If the scratch file cannot be made, the index is written row by row: slower, same result.
                fullTextBuilder = try? FullTextBuilder(storePath: storePath, tableSQL: definition)
            }
        }
        if fullTextBuilder == nil {
            // FTS5 gathers new terms in memory and writes a segment whenever they pass
            // `hashsize` (1 MB by default); segments are then merged again and again. 16 MB
            // segments make a big import's full-text index a third cheaper (restored in `finish()`).
            try db.execute(sql: "INSERT INTO item_fts(item_fts, rank) VALUES ('hashsize', \(Self.bulkHashSize))")
        }
        insertItem = try RawStatement(db, """
            INSERT INTO items(orig_id, source, source_file, record_index, prov_key, import_id, image, image_root,
                              caption, model, category, extra, format_flags, content_hash, conversation)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertText = try RawStatement(db, FullText.insertSQL)
    }

    func finalize() {
        fullTextBuilder?.cancel()
        fullTextBuilder = nil
        insertItem.finalize()
        insertText.finalize()
    }

    func write(_ prepared: PreparedItem) throws {
        let item = prepared.item
        let hash = Int64(bitPattern: item.contentHash)
        if let known = existing.removeValue(forKey: item.provKey) {
            if known.hash == hash && !known.removed {
                unchanged += 1
                if known.recordIndex != item.recordIndex {
                    try db.execute(sql: "UPDATE items SET record_index = ? WHERE id = ?", arguments: [item.recordIndex, known.id])
                }
                return
            }
            try update(known.id, with: item, conversation: prepared.conversation, hash: hash)
            if known.removed { added += 1 } else { changed += 1 }
            return
        }
        insertItem.bind(1, item.origId?.jsonText)
        insertItem.bind(2, source)
        insertItem.bind(3, sourceFile)
        insertItem.bind(4, item.recordIndex)
        insertItem.bind(5, item.provKey)
        insertItem.bind(6, importId)
        insertItem.bind(7, item.image)
        insertItem.bind(8, item.image == nil ? nil : imageRoot)
        insertItem.bind(9, item.caption)
        insertItem.bind(10, item.model)
        insertItem.bind(11, item.category)
        insertItem.bind(12, item.extra.map { JSONValue.object($0).jsonText })
        insertItem.bind(13, item.formatFlags.rawValue)
        insertItem.bind(14, hash)
        insertItem.bind(15, prepared.conversation)
        let timing = TimingLog.importing.enabled
        let t0 = timing ? PhaseClock.threadCPU() : 0
        try insertItem.run()
        let id = insertItem.lastInsertedRowID
        let t1 = timing ? PhaseClock.threadCPU() : 0
        if let fullTextBuilder {
            try fullTextBuilder.add(id, prepared.document)
        } else {
            try FullText.insert(insertText, item: id, prepared.document)
        }
        if timing {
            itemSeconds += t1 - t0
            textSeconds += PhaseClock.threadCPU() - t1
        }
        added += 1
    }

    private func update(_ id: Int64, with item: ParsedItem, conversation: String, hash: Int64) throws {
        let old = try FullText.current(db, item: id)
        try db.execute(sql: """
            UPDATE items SET orig_id = ?, record_index = ?, import_id = ?, image = ?, image_root = ?, caption = ?,
                model = ?, category = ?, extra = ?, format_flags = ?, content_hash = ?, conversation = ?, removed_at = NULL
            WHERE id = ?
            """, arguments: [item.origId?.jsonText, item.recordIndex, importId, item.image,
                             item.image == nil ? nil : imageRoot, item.caption, item.model, item.category,
                             item.extra.map { JSONValue.object($0).jsonText }, item.formatFlags.rawValue, hash,
                             conversation, id])
        try FullText.replace(db, item: id, old: old, new: try FullText.current(db, item: id))
    }

    /// Marks the items of this file that the new version no longer has.
    func markRemoved() throws -> Int {
        let gone = existing.values.filter { !$0.removed }.map(\.id)
        let now = Timestamp.now()
        for id in gone {
            try db.execute(sql: "UPDATE items SET removed_at = ? WHERE id = ?", arguments: [now, id])
        }
        existing.removeAll()
        return gone.count
    }

    /// FTS5's `hashsize` during an import, and its default, set back at the end.
    static let bulkHashSize = 16 << 20
    static let defaultHashSize = 1 << 20

    /// Ends the load: the dropped indexes rebuilt (while the full-text builder catches up),
    /// the full-text index copied in or its settings back to their defaults.
    func finish(announce: (String) -> Void = { _ in }) throws {
        let indexes = PhaseClock()
        if !droppedIndexes.isEmpty { announce("building indexes") }
        try restoreIndexes()
        indexes.report("index builds", to: .importing)
        if let fullTextBuilder {
            announce("adding the full-text index")
            let copy = PhaseClock()
            try fullTextBuilder.finish(into: db)
            self.fullTextBuilder = nil
            copy.report("full-text wait and copy", to: .importing)
        } else {
            try db.execute(sql: "INSERT INTO item_fts(item_fts, rank) VALUES ('hashsize', \(Self.defaultHashSize))")
        }
    }

    /// Rebuilds the indexes dropped for a bulk load (the importer has their sorts spill to
    /// files and run on helper threads).
    private func restoreIndexes() throws {
        for index in Schema.secondaryIndexes where droppedIndexes.contains(index.name) {
            try db.execute(sql: index.sql)
        }
        droppedIndexes.removeAll()
    }
}
