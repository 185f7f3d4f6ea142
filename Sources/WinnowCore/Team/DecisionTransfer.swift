import Foundation
import GRDB

/// Moves decisions between copies of a store: `winnow decisions export FILE` and
/// `winnow decisions import FILE`.
///
/// The file is JSON Lines. Line 1 is a header,
/// `{"format":"winnow-decisions","version":1,"store":"…","exported_at":"…"}`; every other
/// line is one event of the log (verdicts, undo, redo and notes; edits are not moved):
/// ```
/// {"uid":"…","kind":"verdict","verdict":"rejected","ref":null,"batch":"…","base":"…","reviewer":"ana",
///  "note":null,"time":"2024-05-01T14:30:00.000Z","item":17,"source_file":"data/mix.json","prov_key":"i:\"a1\"#0","id":"a1"}
/// ```
/// An item is found by `source_file` and `prov_key`, which are the same in every copy of a
/// store (`item` and `id` are for people). `ref` and `batch` name events by uid. `base` is
/// the uid of the decision event (verdict, undo or redo) on the same item just before this
/// one in the exporting store: what its author saw.
///
/// **Import.** All or nothing, in one transaction. An event whose uid the store already has
/// is skipped, so importing a file twice changes nothing the second time. A verdict is a
/// *conflict* when this store has an active verdict on the item that differs from it, that
/// is not in the file, and that is newer than the verdict's `base` here (or any such verdict
/// when the base is not here): someone decided the item differently meanwhile. A conflict
/// is reported and not imported, nor are the undo and redo events that refer to it; nothing
/// is ever overwritten. Statuses of the items touched are recomputed from the log.
public enum DecisionTransfer {
    public static let format = "winnow-decisions"
    public static let version = 1

    /// What an export wrote.
    public struct ExportReport: Equatable, Sendable {
        public var path: String
        public var events: Int
    }

    /// One side of a conflict.
    public struct ConflictSide: Equatable, Sendable {
        public var uid: String
        public var verdict: String
        public var reviewer: String
        public var time: String
    }

    /// A verdict in the file that was not imported because this store decided otherwise.
    public struct Conflict: Equatable, Sendable {
        /// The line of the file.
        public var line: Int
        public var item: Int64
        public var displayId: String
        /// The verdict in the file.
        public var incoming: ConflictSide
        /// The store's newest differing active verdict.
        public var local: ConflictSide
    }

    /// What an import did.
    public struct ImportReport: Equatable, Sendable {
        public var path: String
        /// Event lines read (the header not counted).
        public var events = 0
        /// Events added, by kind.
        public var added: [String: Int] = [:]
        /// Events the store already had (same uid).
        public var alreadyPresent = 0
        public var conflicts: [Conflict] = []
        /// Undo and redo events not imported because the verdict they refer to was a conflict.
        public var skippedWithConflicts = 0
        /// Items whose status changed.
        public var itemsChanged = 0

        public var addedTotal: Int { added.values.reduce(0, +) }
    }

    /// Filters for an export.
    public struct ExportOptions: Equatable, Sendable {
        /// Only this reviewer's events.
        public var reviewer: String?
        /// Only events at or after this time (``Timestamp`` text).
        public var since: String?

        public init(reviewer: String? = nil, since: String? = nil) {
            self.reviewer = reviewer
            self.since = since
        }
    }

    // MARK: Export

    /// Writes the store's decision events to `path` (atomically: the file appears complete or not at all).
    public static func export(_ store: Store, to path: String, options: ExportOptions = ExportOptions()) throws -> ExportReport {
        let output = try AtomicOutputFile(path: path)
        var count = 0
        try store.read { db in
            let storeId = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'store_id'") ?? ""
            var out: [UInt8] = []
            JSONWriter.append(.object(JSONObject(
                keys: ["format", "version", "store", "exported_at"],
                values: [.string(format), .number(String(version)), .string(storeId), .string(Timestamp.now())])), to: &out)
            out.append(UInt8(ascii: "\n"))
            var conditions = ["e.kind IN ('verdict', 'undo', 'redo', 'note')"]
            var arguments: [DatabaseValueConvertible?] = []
            if let reviewer = options.reviewer { conditions.append("e.reviewer = ?"); arguments.append(reviewer) }
            if let since = options.since { conditions.append("e.created_at >= ?"); arguments.append(since) }
            let rows = try Row.fetchCursor(db, sql: """
                SELECT e.uid, e.kind, e.verdict, r.uid AS ref_uid, b.uid AS batch_uid,
                       (SELECT p.uid FROM events p WHERE p.item_id = e.item_id AND p.kind IN ('verdict', 'undo', 'redo')
                        AND p.id < e.id ORDER BY p.id DESC LIMIT 1) AS base_uid,
                       e.reviewer, e.note, e.created_at, e.item_id, i.source_file, i.prov_key, i.orig_id
                FROM events e JOIN items i ON i.id = e.item_id
                LEFT JOIN events r ON r.id = e.ref LEFT JOIN events b ON b.id = e.batch
                WHERE \(conditions.joined(separator: " AND "))
                ORDER BY e.id
                """, arguments: StatementArguments(arguments))
            func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
            while let row = try rows.next() {
                let item: Int64 = row["item_id"]
                let origId: String? = row["orig_id"]
                JSONWriter.append(.object(JSONObject(
                    keys: ["uid", "kind", "verdict", "ref", "batch", "base", "reviewer", "note", "time", "item",
                           "source_file", "prov_key", "id"],
                    values: [.string(row["uid"]), .string(row["kind"]), text(row["verdict"]), text(row["ref_uid"]),
                             text(row["batch_uid"]), text(row["base_uid"]), .string(row["reviewer"]), text(row["note"]),
                             .string(row["created_at"]), .number(String(item)), .string(row["source_file"]),
                             .string(row["prov_key"]), .string(ReviewerAgreement.displayId(item: item, origId: origId))])),
                    to: &out)
                out.append(UInt8(ascii: "\n"))
                count += 1
                if out.count > 1 << 20 {
                    try output.write(out)
                    out.removeAll(keepingCapacity: true)
                }
            }
            try output.write(out)
        }
        try output.commit()
        return ExportReport(path: path, events: count)
    }

    // MARK: Import

    /// One event line of a decisions file, checked.
    struct Line {
        var line: Int
        var uid: String
        var kind: String
        var verdict: String?
        var ref: String?
        var batch: String?
        var base: String?
        var reviewer: String
        var note: String?
        var time: String
        var sourceFile: String
        var provKey: String
    }

    /// Reads and checks every line; throws for the first bad one.
    static func readLines(path: String) throws -> [Line] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TeamError.badTransferLine(file: path, line: 0, message: "cannot read the file (\(String(cString: strerror(errno))))")
        }
        var lines: [Line] = []
        var lineNumber = 0
        var sawHeader = false
        var uids = Set<String>()
        for slice in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var bytes = Array(slice)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            func fail(_ message: String) -> TeamError { .badTransferLine(file: path, line: lineNumber, message: message) }
            let value: JSONValue
            do {
                value = try parseJSON(bytes, path: path)
            } catch let error as JSONSyntaxError {
                throw fail("not valid JSON at column \(error.column): \(error.message)")
            } catch {
                throw fail("not valid JSON (\(error))")
            }
            guard case let .object(object) = value else { throw fail("expected a JSON object, found \(value.jsonText.prefix(40))") }
            func string(_ key: String, required: Bool = true) throws -> String? {
                switch object[key] {
                case let .string(text)?: return text
                case .null?, nil:
                    if required { throw fail("the field \"\(key)\" is missing") }
                    return nil
                case let other?:
                    throw fail("the field \"\(key)\" must be a string, not \(other.jsonText.prefix(40))")
                }
            }
            if !sawHeader {
                guard try string("format", required: false) == format else {
                    throw fail("this is not a winnow decisions file (line 1 must be the header written by `winnow decisions export`)")
                }
                if case let .number(text)? = object["version"], let number = Int(text), number > version {
                    throw fail("the file is format version \(number); this winnow reads version \(version). Update winnow")
                }
                sawHeader = true
                continue
            }
            let uid = try string("uid") ?? ""
            guard !uid.isEmpty else { throw fail("the field \"uid\" is empty") }
            guard uids.insert(uid).inserted else { throw fail("the event \(uid) appears twice in the file") }
            let kind = try string("kind") ?? ""
            guard ["verdict", "undo", "redo", "note"].contains(kind) else {
                throw fail("unknown kind \"\(kind)\" (expected verdict, undo, redo or note)")
            }
            let verdict = try string("verdict", required: kind == "verdict")
            if kind == "verdict", ItemStatus(rawValue: verdict ?? "") == nil {
                throw fail("unknown verdict \"\(verdict ?? "")\" (expected pending, accepted, rejected or skipped)")
            }
            let ref = try string("ref", required: kind == "undo" || kind == "redo")
            let time = try string("time") ?? ""
            guard time.count >= 10 else { throw fail("the field \"time\" is not a time: \"\(time)\"") }
            lines.append(Line(
                line: lineNumber, uid: uid, kind: kind, verdict: kind == "verdict" ? verdict : nil, ref: ref,
                batch: try string("batch", required: false), base: try string("base", required: false),
                reviewer: try string("reviewer") ?? "", note: try string("note", required: false), time: time,
                sourceFile: try string("source_file") ?? "", provKey: try string("prov_key") ?? ""))
        }
        guard sawHeader else {
            throw TeamError.badTransferLine(file: path, line: 1, message: "the file is empty (expected the header written by `winnow decisions export`)")
        }
        return lines
    }

    /// Imports a decisions file into the store (see the type's description for the rules).
    ///
    /// - Throws: ``TeamError/badTransferLine(file:line:message:)`` or ``TeamError/unknownItem(file:line:sourceFile:provKey:)``;
    ///   then nothing was imported.
    public static func importFile(_ store: Store, path: String) throws -> ImportReport {
        let lines = try readLines(path: path)
        let fileUids = Set(lines.map(\.uid))
        return try store.write { db in
            var report = ImportReport(path: path)
            report.events = lines.count
            var itemIds: [String: Int64] = [:]
            var localIds: [String: Int64] = [:]        // uid → local event id, for refs, bases, batches
            var conflicted = Set<String>()             // uids not imported
            var touched = Set<Int64>()
            func localId(_ uid: String?) throws -> Int64? {
                guard let uid else { return nil }
                if let id = localIds[uid] { return id }
                let id = try Int64.fetchOne(db, sql: "SELECT id FROM events WHERE uid = ?", arguments: [uid])
                if let id { localIds[uid] = id }
                return id
            }
            var batches: [String: Int64] = [:]         // batch leader uid → local batch id
            func localBatch(_ uid: String?) throws -> Int64? {
                guard let uid else { return nil }
                if let batch = batches[uid] { return batch }
                let batch = try Int64.fetchOne(db, sql: "SELECT batch FROM events WHERE uid = ?", arguments: [uid])
                if let batch { batches[uid] = batch }
                return batch
            }
            let insert = try db.makeStatement(sql: """
                INSERT INTO events(item_id, kind, verdict, ref, batch, reviewer, note, created_at, uid)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for line in lines {
                let key = line.sourceFile + "\u{0}" + line.provKey
                let item: Int64
                if let known = itemIds[key] {
                    item = known
                } else {
                    guard let found = try Int64.fetchOne(db, sql: "SELECT id FROM items WHERE source_file = ? AND prov_key = ?",
                                                         arguments: [line.sourceFile, line.provKey]) else {
                        throw TeamError.unknownItem(file: path, line: line.line, sourceFile: line.sourceFile, provKey: line.provKey)
                    }
                    itemIds[key] = found
                    item = found
                }
                if try localId(line.uid) != nil {
                    report.alreadyPresent += 1
                    continue
                }
                var ref: Int64?
                if let refUid = line.ref {
                    if conflicted.contains(refUid) {
                        conflicted.insert(line.uid)
                        report.skippedWithConflicts += 1
                        continue
                    }
                    guard let found = try localId(refUid) else {
                        throw TeamError.badTransferLine(file: path, line: line.line, message:
                            "the \(line.kind) refers to the event \(refUid), which is neither in this store nor earlier in the file")
                    }
                    ref = found
                }
                if line.kind == "verdict", let verdict = line.verdict {
                    let since = try localId(line.base) ?? 0
                    let competing = try Row.fetchAll(db, sql: """
                        SELECT e.uid, e.verdict, e.reviewer, e.created_at FROM events e
                        WHERE e.item_id = ? AND e.kind = 'verdict' AND e.id > ? AND e.verdict != ?
                          AND \(Decisions.activeCondition("e"))
                        ORDER BY e.id DESC
                        """, arguments: [item, since, verdict]).first { !fileUids.contains($0["uid"]) }
                    if let competing {
                        let origId = try String.fetchOne(db, sql: "SELECT orig_id FROM items WHERE id = ?", arguments: [item])
                        report.conflicts.append(Conflict(
                            line: line.line, item: item, displayId: ReviewerAgreement.displayId(item: item, origId: origId),
                            incoming: ConflictSide(uid: line.uid, verdict: verdict, reviewer: line.reviewer, time: line.time),
                            local: ConflictSide(uid: competing["uid"], verdict: competing["verdict"],
                                                reviewer: competing["reviewer"], time: competing["created_at"])))
                        conflicted.insert(line.uid)
                        continue
                    }
                }
                let batch = try localBatch(line.batch)
                try insert.execute(arguments: [item, line.kind, line.verdict, ref, batch, line.reviewer, line.note, line.time, line.uid])
                let id = db.lastInsertedRowID
                localIds[line.uid] = id
                if batch == nil, line.batch != nil || line.kind != "note" {
                    // The first event of its batch here leads it (as Decisions does).
                    try db.execute(sql: "UPDATE events SET batch = id WHERE id = ?", arguments: [id])
                    if let batchUid = line.batch { batches[batchUid] = id }
                }
                report.added[line.kind, default: 0] += 1
                if line.kind != "note" { touched.insert(item) }
            }
            for item in touched.sorted() {
                let status = try Decisions.derivedStatus(db, item: item)
                try db.execute(sql: "UPDATE items SET status = ? WHERE id = ? AND status != ?",
                               arguments: [status.rawValue, item, status.rawValue])
                report.itemsChanged += db.changesCount
            }
            return report
        }
    }
}
