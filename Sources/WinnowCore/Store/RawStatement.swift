import GRDB
import GRDBSQLite

/// A prepared statement on the raw SQLite connection, for hot loops (bulk import, scoring)
/// where GRDB's argument arrays would allocate per row.
///
/// It must be used inside the `Database` access that created it and finalized before
/// that access ends (``finalize()``, or `deinit`).
final class RawStatement {
    private var handle: OpaquePointer?
    private let connection: OpaquePointer
    private let sql: String

    convenience init(_ db: Database, _ sql: String) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(message: "the database connection is closed")
        }
        try self.init(connection: connection, sql)
    }

    /// On a connection GRDB does not manage (the import's full-text scratch database).
    init(connection: OpaquePointer, _ sql: String) throws {
        self.connection = connection
        self.sql = sql
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        handle = statement
    }

    deinit { finalize() }

    func finalize() {
        if let handle { sqlite3_finalize(handle) }
        handle = nil
    }

    @inline(__always) func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(handle, index, value)
    }

    @inline(__always) func bind(_ index: Int32, _ value: Int) {
        sqlite3_bind_int64(handle, index, Int64(value))
    }

    @inline(__always) func bind(_ index: Int32, _ value: Double) {
        sqlite3_bind_double(handle, index, value)
    }

    /// Binds text (SQLITE_TRANSIENT: SQLite copies it), or NULL for nil.
    func bind(_ index: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { bytes in
            _ = bytes.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text(handle, index, chars.baseAddress, Int32(chars.count), SQLITE_TRANSIENT)
            }
        }
    }

    /// Binds a value read from another statement (`sqlite3_column_value`), whatever its type.
    func bind(_ index: Int32, value: OpaquePointer?) {
        sqlite3_bind_value(handle, index, value)
    }

    func bindNull(_ index: Int32) {
        sqlite3_bind_null(handle, index)
    }

    /// Runs the statement to completion and resets it for the next row.
    func run() throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
    }

    /// The rowid of the last insert on this connection.
    var lastInsertedRowID: Int64 { sqlite3_last_insert_rowid(connection) }
}

/// SQLite's "copy this buffer" destructor, which the C macro hides from Swift.
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
