import Foundation
import GRDB

/// One Winnow store: a single SQLite file in WAL mode that any number of processes
/// (review UIs, an import, an export) open at once.
///
/// The store owns the connection pool. Everything that reads or writes items, turns,
/// decisions and scores goes through it; the terminal layers never see SQL.
public final class Store: Sendable {
    /// The file's path as given.
    public let path: String
    /// The underlying pool, for the modules of this package and for tests.
    public let pool: DatabasePool
    private let busySeconds: Double

    /// Opens (and creates or migrates) the store at `path`.
    ///
    /// - Parameter cacheKilobytes: SQLite's page cache per connection (64 MB suits imports and
    ///   exports; the review UI, which reads a page at a time, takes less to stay small).
    /// - Throws: ``StoreError/cannotOpen(path:reason:)`` when the file is not a SQLite
    ///   database or its folder cannot be written.
    /// - Parameter busySeconds: how long a write waits for another process's write lock
    ///   before it fails with `SQLITE_BUSY`: 10 minutes, longer than an import of a million
    ///   records holds it (the review UI waits 2 s and retries in the background instead).
    public init(path: String, readonly: Bool = false, cacheKilobytes: Int = 65536, busySeconds: Double = 600) throws {
        self.path = path
        self.busySeconds = busySeconds
        let config = Self.configuration(readonly: readonly, cacheKilobytes: cacheKilobytes, busySeconds: busySeconds)
        if !readonly {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
                throw StoreError.cannotOpen(path: path, reason: "the folder \(folder) does not exist")
            }
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            if readonly, try pool.read({ db in try !Schema.migrator.hasCompletedMigrations(db) }) {
                throw StoreError.cannotOpen(path: path, reason: """
                    it was made by an older Winnow and needs an upgrade, which read-only access cannot write: \
                    open it once for writing (for instance `winnow stats --db \(path)`), then run this again
                    """)
            }
            if !readonly {
                // Only write when there is something to write, so that opening a store another
                // process is writing to (an import) never waits for its lock.
                let migrator = Schema.migrator
                if try pool.read({ db in try !migrator.hasCompletedMigrations(db) }) {
                    try migrator.migrate(pool)
                }
                if try pool.read({ db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'store_id'") }) == nil {
                    try pool.write { db in
                        try db.execute(
                            sql: "INSERT OR IGNORE INTO meta(key, value) VALUES ('store_id', ?), ('created_at', ?)",
                            arguments: [UUID().uuidString.lowercased(), Timestamp.now()])
                    }
                }
            }
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: error.message ?? "\(error)")
        }
    }

    private static func configuration(readonly: Bool, cacheKilobytes: Int, busySeconds: Double) -> Configuration {
        var config = Configuration()
        config.readonly = readonly
        config.busyMode = .timeout(busySeconds)
        config.foreignKeysEnabled = true
        config.label = "winnow"
        config.prepareDatabase { db in
            // Takes effect only when the file is created. 16 KB pages (SQLite's default is 4 KB)
            // hold a typical item without overflow pages: a 665k-record import builds its
            // indexes 1.4x faster and writes 6% less, and whole-store scans get cheaper.
            try db.execute(sql: "PRAGMA page_size = 16384")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA cache_size = -\(max(512, cacheKilobytes))")
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            try ItemQuery.registerFunctions(db)
        }
        return config
    }

    /// A connection of its own for one long write (an import), closed when released.
    ///
    /// An import writes FTS5's shadow tables directly (see `FullTextBuilder`); doing that on
    /// a fresh connection means no connection of this process keeps a stale picture of the
    /// index afterwards: the pool's connections see another connection's commit.
    func dedicatedWriter(cacheKilobytes: Int) throws -> DatabaseQueue {
        try DatabaseQueue(path: path, configuration: Self.configuration(readonly: false, cacheKilobytes: cacheKilobytes,
                                                                       busySeconds: busySeconds))
    }

    /// The default store path: `$WINNOW_DB`, else `./winnow.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["WINNOW_DB"], !path.isEmpty { return path }
        return "winnow.sqlite"
    }

    /// Reads with a consistent snapshot.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.read(body)
    }

    /// Writes in one immediate transaction, retried by SQLite's busy handler under contention.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.write(body)
    }

    /// `PRAGMA data_version` on this process's writer connection: it changes whenever another
    /// connection (another process) commits, and not for this process's own writes.
    public func dataVersion() throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
    }

    /// Runs SQLite's integrity check and returns its messages (`["ok"]` when sound).
    public func integrityCheck() throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }
}

/// Errors of the store and of everything in WinnowCore that touches it.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    case noSuchItem(Int64)
    case conflict(item: Int64, expected: Int, found: Int)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "Cannot open the store \(path): \(reason). Check the path (--db or WINNOW_DB) and that the folder is writable."
        case let .noSuchItem(id):
            return "There is no item \(id) in this store. `winnow list` shows the item ids."
        case let .conflict(item, expected, found):
            return "Item \(item) was changed by someone else (you opened version \(expected), it is now at version \(found)). Reload it and choose which version to keep."
        }
    }
}

/// Timestamps are stored as ISO 8601 UTC text with milliseconds, which sorts as it reads.
public enum Timestamp {
    public static func now() -> String { string(from: Date()) }

    public static func string(from date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        let millis = Int((date.timeIntervalSince1970 - Double(time)) * 1000) % 1000
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }
}
