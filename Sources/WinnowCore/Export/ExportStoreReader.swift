import Foundation
import GRDB
import GRDBSQLite

/// The items a filter selects, in import order (item id), a page of ids at a time, through
/// the same ``ItemQuery`` the review lists use.
///
/// Only the query's keys are read (``ItemQuery/forwardKeys(_:after:limit:extra:)``): the
/// export reads the columns it needs itself, and the list rows' instruction snippet (a JSON
/// walk per row) would cost more than the rest of the store phase.
struct ExportSelection {
    let query: ItemQuery

    init(_ text: String) throws(ExportError) {
        do throws(FilterError) {
            query = try ItemQuery(filter: text, sort: .original)
        } catch {
            throw ExportError.filter("\(error) in '\(text)'")
        }
    }

    /// The number of selected items (this also registers the SQL functions the filter needs
    /// on the connection).
    func count(_ db: Database) throws -> Int {
        try query.count(db)
    }

    /// Calls `body` with successive pages of selected item ids. Call ``count(_:)`` first.
    func pages(_ db: Database, size: Int, _ body: ([Int64]) throws -> Void) throws {
        var cursor: PageCursor?
        while true {
            let keys = try query.forwardKeys(db, after: cursor, limit: size, extra: nil)
            guard let last = keys.last else { return }
            try body(keys.map(\.id))
            cursor = PageCursor(segment: last.segment, value: last.value, id: last.id)
            if keys.count < size { return }
        }
    }

    /// Selected accepted items with an image: the benchmark candidates, in item id order.
    func benchmarkCandidates(_ db: Database, pageSize: Int) throws -> [Int64] {
        let statement = try db.makeStatement(sql: """
            SELECT id FROM items WHERE id IN (SELECT value FROM json_each(?)) AND status = 'accepted' AND image IS NOT NULL
            """)
        var ids: [Int64] = []
        try pages(db, size: pageSize) { page in
            let list = "[" + page.map(String.init).joined(separator: ",") + "]"
            ids += try Int64.fetchAll(statement, arguments: [list])
        }
        return ids.sorted()
    }
}

/// Loads items with their current conversation (the newest edit, else `items.conversation`
/// as imported), a page at a time, straight from SQLite: text is checked to be valid UTF-8
/// on the way.
final class ExportStoreReader {
    private let connection: OpaquePointer
    private let items: OpaquePointer

    init(_ db: Database) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(message: "the database connection is closed")
        }
        self.connection = connection
        let sql = """
            SELECT i.id, i.orig_id, i.source, i.record_index, i.image, i.caption, i.model, i.category, i.extra, i.status,
                   COALESCE((SELECT e.conversation FROM edits e WHERE e.item_id = i.id ORDER BY e.version DESC LIMIT 1),
                            i.conversation)
            FROM items i WHERE i.id IN (SELECT value FROM json_each(?1))
            """
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(connection, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        items = statement
    }

    deinit {
        sqlite3_finalize(items)
    }

    /// The items with these ids, in the order given (ids that do not exist are skipped).
    func load(_ ids: [Int64]) throws -> [ExportRecord] {
        guard !ids.isEmpty else { return [] }
        let list = "[" + ids.map(String.init).joined(separator: ",") + "]"
        var records: [Int64: ExportRecord] = [:]
        records.reserveCapacity(ids.count)

        try run(items, list) { statement in
            let id = sqlite3_column_int64(statement, 0)
            var invalid: [String] = []
            let origId = text(statement, 1, "id", &invalid)
            let source = text(statement, 2, "source", &invalid) ?? ""
            let recordIndex = Int(sqlite3_column_int64(statement, 3))
            let image = text(statement, 4, "image", &invalid)
            let caption = text(statement, 5, "caption", &invalid)
            let model = text(statement, 6, "model", &invalid)
            let category = text(statement, 7, "category", &invalid)
            let extraText = text(statement, 8, "extra", &invalid)
            let status = text(statement, 9, "status", &invalid) ?? "pending"
            let conversation = text(statement, 10, "the conversation", &invalid) ?? "[]"
            var extra: JSONObject?
            if let extraText, !extraText.isEmpty, extraText != "{}" {
                extra = (try? parseJSON(extraText))?.objectValue
            }
            var record = ExportRecord(
                idJSON: origId, image: image, turns: Self.turns(conversation), model: model, caption: caption,
                category: category, extra: extra,
                origin: .store(item: id, source: source, recordIndex: recordIndex, status: status))
            for field in invalid {
                record.problems.append(ExportIssue(kind: ExportProblemKind.invalidText, detail: "\(field) is not valid UTF-8"))
            }
            records[id] = record
        }
        return ids.compactMap { records[$0] }
    }

    /// `[{"from", "value"}, ...]` as turns; entries without both strings are skipped (the
    /// importer never stores such entries).
    static func turns(_ conversation: String) -> [Turn] {
        guard case let .array(list)? = try? parseJSON(conversation) else { return [] }
        var turns: [Turn] = []
        turns.reserveCapacity(list.count)
        for entry in list {
            guard case let .object(object) = entry, case let .string(role)? = object["from"],
                  case let .string(text)? = object["value"] else { continue }
            turns.append(Turn(role: role, text: text))
        }
        return turns
    }

    private func run(_ statement: OpaquePointer, _ list: String, _ row: (OpaquePointer) throws -> Void) throws {
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        var copy = list
        copy.withUTF8 { bytes in
            _ = bytes.withMemoryRebound(to: CChar.self) { chars in
                sqlite3_bind_text(statement, 1, chars.baseAddress, Int32(chars.count), SQLITE_TRANSIENT)
            }
        }
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
            }
            try row(statement)
        }
    }

    /// A text column, nil for NULL. Bytes that are not valid UTF-8 are repaired (U+FFFD) and
    /// the field is named in `invalid`.
    private func text(_ statement: OpaquePointer, _ column: Int32, _ field: String, _ invalid: inout [String]) -> String? {
        guard sqlite3_column_type(statement, column) != SQLITE_NULL else { return nil }
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let raw = sqlite3_column_text(statement, column) else { return "" }
        let bytes = UnsafeBufferPointer(start: raw, count: count)
        if let valid = String(validating: bytes, as: UTF8.self) { return valid }
        invalid.append(field)
        return String(decoding: bytes, as: UTF8.self)
    }
}
