import Foundation
import GRDB
import GRDBSQLite

/// Writes score rows fast: a prepared multi-row `INSERT OR REPLACE` (``batch`` rows per
/// statement), names, scorers and versions bound from C strings of known length that live as
/// long as the writer (no copy or `strlen` per row); only detail texts are copied.
///
/// Rows of built-in scorers with implicit zeros (``ImplicitZeros``) set the item's bit in
/// `scored_items`, and their zeros without detail are not written. Each item's bits are
/// written once its rows are all added (rows come item by item), merged into the bits the
/// item already has.
///
/// Use it inside the `Database` access that created it, and call ``flush()`` before that
/// access ends.
final class ScoreWriter {
    static let batch = 32

    private struct Pending {
        var item: Int64
        var name: ConstantText
        var value: Double
        var scorer: ConstantText
        var version: ConstantText
        var detail: String?
    }

    private let connection: OpaquePointer
    private let many: OpaquePointer
    private let one: OpaquePointer
    private let manyMarks: OpaquePointer
    private let oneMark: OpaquePointer
    private var pending: [Pending] = []
    private var pendingMarks: [(item: Int64, bits: Int64)] = []
    private var markItem: Int64 = 0
    private var markBits: Int64 = 0
    private var constants: [String: ConstantText] = [:]
    /// Rows written (implicit zeros are not rows).
    private(set) var rows = 0

    init(_ db: Database) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(message: "the database connection is closed")
        }
        self.connection = connection
        let insert = "INSERT OR REPLACE INTO scores(item_id, name, value, scorer, version, detail) VALUES "
        let row = "(?, ?, ?, ?, ?, ?)"
        let mark = "INSERT INTO scored_items(item_id, scorers) VALUES "
        let merge = " ON CONFLICT(item_id) DO UPDATE SET scorers = scorers | excluded.scorers"
        var statements: [OpaquePointer] = []
        do {
            for sql in [insert + Array(repeating: row, count: Self.batch).joined(separator: ", "), insert + row,
                        mark + Array(repeating: "(?, ?)", count: Self.batch).joined(separator: ", ") + merge,
                        mark + "(?, ?)" + merge] {
                statements.append(try Self.prepare(connection, sql))
            }
        } catch {
            statements.forEach { sqlite3_finalize($0) }
            throw error
        }
        (many, one, manyMarks, oneMark) = (statements[0], statements[1], statements[2], statements[3])
        pending.reserveCapacity(Self.batch)
        pendingMarks.reserveCapacity(Self.batch)
    }

    deinit {
        sqlite3_finalize(many)
        sqlite3_finalize(one)
        sqlite3_finalize(manyMarks)
        sqlite3_finalize(oneMark)
        for text in constants.values { text.free() }
    }

    private static func prepare(_ connection: OpaquePointer, _ sql: String) throws -> OpaquePointer {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        return statement
    }

    private func constant(_ text: String) -> ConstantText {
        if let constant = constants[text] { return constant }
        let constant = ConstantText(text)
        constants[text] = constant
        return constant
    }

    /// Adds one row; rows are written a batch at a time.
    func add(item: Int64, name: String, value: Double, scorer: String, version: String, detail: String?) throws {
        try add(Pending(item: item, name: constant(name), value: value, scorer: constant(scorer),
                        version: constant(version), detail: detail))
    }

    /// Adds one row of a built-in scorer.
    @inline(__always)
    func add(item: Int64, builtin index: Int, value: Double, detail: String?) throws {
        let strings = BuiltinStrings.shared
        let bit = strings.implicitZeroBits[index]
        if bit != 0 {
            if item != markItem {
                try closeMark()
                markItem = item
            }
            markBits |= bit
            if value == 0 && detail == nil { return }
        }
        try add(Pending(item: item, name: strings.names[index], value: value, scorer: strings.scorer,
                        version: strings.versions[index], detail: detail))
    }

    private func add(_ row: Pending) throws {
        pending.append(row)
        rows += 1
        if pending.count == Self.batch {
            for (index, row) in pending.enumerated() { bind(many, Int32(index * 6), row) }
            try step(many)
            pending.removeAll(keepingCapacity: true)
        }
    }

    /// Queues the bits of the item whose rows were being added.
    private func closeMark() throws {
        guard markBits != 0 else { return }
        pendingMarks.append((markItem, markBits))
        markBits = 0
        if pendingMarks.count == Self.batch {
            for (index, mark) in pendingMarks.enumerated() { bindMark(manyMarks, Int32(index * 2), mark) }
            try step(manyMarks)
            pendingMarks.removeAll(keepingCapacity: true)
        }
    }

    private func bindMark(_ statement: OpaquePointer, _ base: Int32, _ mark: (item: Int64, bits: Int64)) {
        sqlite3_bind_int64(statement, base + 1, mark.item)
        sqlite3_bind_int64(statement, base + 2, mark.bits)
    }

    /// Writes the rows and bits of an incomplete batch.
    func flush() throws {
        for row in pending {
            bind(one, 0, row)
            try step(one)
        }
        pending.removeAll(keepingCapacity: true)
        try closeMark()
        for mark in pendingMarks {
            bindMark(oneMark, 0, mark)
            try step(oneMark)
        }
        pendingMarks.removeAll(keepingCapacity: true)
    }

    private func bind(_ statement: OpaquePointer, _ base: Int32, _ row: Pending) {
        sqlite3_bind_int64(statement, base + 1, row.item)
        sqlite3_bind_text(statement, base + 2, row.name.pointer, row.name.count, nil)
        sqlite3_bind_double(statement, base + 3, row.value)
        sqlite3_bind_text(statement, base + 4, row.scorer.pointer, row.scorer.count, nil)
        sqlite3_bind_text(statement, base + 5, row.version.pointer, row.version.count, nil)
        if var detail = row.detail {
            detail.withUTF8 { bytes in
                _ = bytes.withMemoryRebound(to: CChar.self) { chars in
                    sqlite3_bind_text(statement, base + 6, chars.baseAddress, Int32(chars.count), SQLITE_TRANSIENT)
                }
            }
        } else {
            sqlite3_bind_null(statement, base + 6)
        }
    }

    private func step(_ statement: OpaquePointer) throws {
        let code = sqlite3_step(statement)
        sqlite3_reset(statement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
        }
    }
}

/// A C string and its length in bytes, bound to statements as it is (SQLite does not copy
/// it): the owner keeps it alive as long as the statements that use it, then frees it.
struct ConstantText {
    let pointer: UnsafeMutablePointer<CChar>?
    let count: Int32

    init(_ text: String) {
        pointer = strdup(text)
        count = Int32(text.utf8.count)
    }

    func free() { Foundation.free(pointer) }
}

/// C strings of the built-in scorers' names and versions, made once for the process.
final class BuiltinStrings: @unchecked Sendable {
    static let shared = BuiltinStrings()
    let names: [ConstantText]
    let versions: [ConstantText]
    let scorer: ConstantText
    let implicitZeroBits: [Int64]

    private init() {
        implicitZeroBits = BuiltinScorer.allCases.map(\.implicitZeroBit)
        names = BuiltinScorer.allCases.map { ConstantText($0.rawValue) }
        versions = BuiltinScorer.allCases.map { ConstantText($0.version) }
        scorer = ConstantText(BuiltinScorer.scorerName)
    }
}
