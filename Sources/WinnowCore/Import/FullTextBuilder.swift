import Foundation
import GRDB
import GRDBSQLite

/// Builds the full-text index of a load into an empty store on a thread and a scratch
/// database of its own, so that FTS5's tokenising and segment merges (a third of a big
/// import's work) run on the second core while the writer inserts the rows.
///
/// The scratch table is created from the store's own `item_fts` definition, so its shadow
/// tables (`item_fts_data`, `item_fts_idx`) hold exactly what the store's would. At the end
/// ``finish(into:)`` copies those rows into the store inside the import's transaction: the
/// index commits or rolls back with the items. The scratch file sits next to the store
/// (`STORE-fts-build`, journal off), removed when done, cancelled or interrupted by SIGINT,
/// SIGTERM or SIGHUP; after a SIGKILL the next import removes it.
///
/// Only for a store whose index is empty: the copy replaces the index wholesale.
final class FullTextBuilder: @unchecked Sendable {
    typealias Entry = (id: Int64, document: FullText.Document)

    let path: String
    private var connection: OpaquePointer?
    private let condition = NSCondition()
    private var queued: [[Entry]] = []
    private var batch: [Entry] = []
    private var inputEnded = false
    private var cancelled = false
    private var running = true
    private var failure: Error?
    private let capacity = 8
    private let batchSize = 256

    /// The page cache of the scratch connection and FTS5's in-memory segment size.
    private static let cacheKilobytes = 16 * 1024
    private static let hashSize = 16 << 20

    /// Creates the scratch database with the store's table definition and starts the thread.
    init(storePath: String, tableSQL: String) throws {
        path = storePath + "-fts-build"
        Self.removeFiles(at: path)
        // Ctrl-C or a SIGTERM during the import removes it too (the store rolls back itself).
        TempFileRegistry.register(path)
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        connection = handle
        do {
            guard code == SQLITE_OK else { throw error(code) }
            try execute("""
                PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -\(Self.cacheKilobytes);
                \(tableSQL);
                INSERT INTO item_fts(item_fts, rank) VALUES ('hashsize', \(Self.hashSize));
                BEGIN;
                """)
        } catch {
            close()
            throw error
        }
        let thread = Thread { [self] in work() }
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// The store's `item_fts` definition, when the store's index is empty and a builder may
    /// take it over; nil otherwise.
    static func takeOverDefinition(_ db: Database) throws -> String? {
        guard try Int.fetchOne(db, sql: "SELECT count(*) FROM item_fts_idx") == 0 else { return nil }
        return try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'item_fts'")
    }

    /// Queues one item's text; throws if the builder failed.
    func add(_ id: Int64, _ document: FullText.Document) throws {
        batch.append((id, document))
        guard batch.count >= batchSize else { return }
        try push()
    }

    /// Waits for the scratch index and copies it into `db` (the store, inside the import's
    /// transaction), then removes the scratch file.
    func finish(into db: Database) throws {
        defer { close() }
        try push()
        condition.lock()
        inputEnded = true
        condition.broadcast()
        while running { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
        try execute("COMMIT")
        try db.execute(sql: "DELETE FROM item_fts_data; DELETE FROM item_fts_idx")
        try copy(table: "item_fts_data", columns: ["id", "block"], into: db)
        try copy(table: "item_fts_idx", columns: ["segid", "term", "pgno"], into: db)
    }

    /// Stops the thread and removes the scratch file; the store is not touched.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
        close()
    }

    // MARK: - The builder thread

    private func work() {
        do {
            guard let connection else { throw DatabaseError(message: "the full-text scratch database is closed") }
            let insert = try RawStatement(connection: connection, FullText.insertSQL)
            defer { insert.finalize() }
            while let entries = pop() {
                for entry in entries { try FullText.insert(insert, item: entry.id, entry.document) }
            }
            TimingLog.importing(String(format: "full-text thread CPU %.2f s", PhaseClock.threadCPU()))
            stop(nil)
        } catch {
            stop(error)
        }
    }

    private func push() throws {
        guard !batch.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        while queued.count >= capacity && running { condition.wait() }
        if let failure { throw failure }
        guard running else { throw DatabaseError(message: "the full-text builder stopped") }
        queued.append(batch)
        batch.removeAll(keepingCapacity: true)
        condition.broadcast()
    }

    /// The next batch; nil when the input ended or the build was cancelled.
    private func pop() -> [Entry]? {
        condition.lock()
        defer { condition.unlock() }
        while queued.isEmpty && !inputEnded && !cancelled { condition.wait() }
        if cancelled || queued.isEmpty { return nil }
        let entries = queued.removeFirst()
        condition.broadcast()
        return entries
    }

    private func stop(_ error: Error?) {
        condition.lock()
        failure = error
        running = false
        condition.broadcast()
        condition.unlock()
    }

    // MARK: - SQLite

    private func copy(table: String, columns: [String], into db: Database) throws {
        let list = columns.joined(separator: ", ")
        var select: OpaquePointer?
        let code = sqlite3_prepare_v2(connection, "SELECT \(list) FROM \(table)", -1, &select, nil)
        guard code == SQLITE_OK else { throw error(code) }
        defer { sqlite3_finalize(select) }
        let insert = try RawStatement(db, "INSERT INTO \(table)(\(list)) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))")
        defer { insert.finalize() }
        while true {
            let step = sqlite3_step(select)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw error(step) }
            for column in columns.indices {
                insert.bind(Int32(column + 1), value: sqlite3_column_value(select, Int32(column)))
            }
            try insert.run()
        }
    }

    private func execute(_ sql: String) throws {
        let code = sqlite3_exec(connection, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw error(code) }
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
        return DatabaseError(resultCode: ResultCode(rawValue: code),
                             message: "full-text scratch database \(path): \(message)")
    }

    private func close() {
        if let connection {
            sqlite3_close_v2(connection)
            self.connection = nil
            Self.removeFiles(at: path)
        }
        TempFileRegistry.unregister(path)
    }

    /// Removes the scratch files an interrupted import (killed, power cut) left behind. Only
    /// call it while holding the store's write lock: then no other import is using them.
    static func removeLeftovers(storePath: String) {
        removeFiles(at: storePath + "-fts-build")
    }

    private static func removeFiles(at path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(path + suffix) }
    }
}
