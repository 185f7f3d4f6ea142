import Foundation
import GRDB

/// One event of the decision log, as `winnow log` prints it.
public struct LogEvent: Equatable, Sendable {
    /// The event's row id (its order in this store).
    public var id: Int64
    /// The event's identity across copies of the store.
    public var uid: String
    public var item: Int64
    /// The item's original id as plain text, or `#item`.
    public var displayId: String
    /// `verdict`, `undo`, `redo`, `note` or `edit`.
    public var kind: String
    /// The verdict of a verdict event; for undo and redo, the verdict they cancel or restore.
    public var verdict: String?
    /// The event an undo or redo points at.
    public var ref: Int64?
    public var batch: Int64?
    public var reviewer: String
    public var note: String?
    /// ISO 8601 UTC with milliseconds.
    public var time: String
    /// For a verdict: false once undone (and not redone). Nil for other kinds.
    public var active: Bool?

    /// The object `winnow log --json` prints, one per line.
    public var jsonObject: JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func number(_ value: Int64?) -> JSONValue { value.map { .number(String($0)) } ?? .null }
        return .object(JSONObject(
            keys: ["event", "uid", "time", "reviewer", "kind", "verdict", "item", "id", "ref", "batch", "note", "active"],
            values: [.number(String(id)), .string(uid), .string(time), .string(reviewer), .string(kind), text(verdict),
                     .number(String(item)), .string(displayId), number(ref), number(batch), text(note),
                     active.map(JSONValue.bool) ?? .null]))
    }

    /// One line of `winnow log`: time, reviewer, what, item.
    public var textLine: String {
        var what = kind
        switch kind {
        case "verdict": what = verdict ?? "verdict"
            if active == false { what += " (undone)" }
        case "undo", "redo": what = "\(kind) \(verdict ?? "")" + (ref.map { " (event \($0))" } ?? "")
        default: break
        }
        var line = "\(time)  \(reviewer)  \(what)  item \(item) (\(displayId))"
        if let note, !note.isEmpty {
            line += "  “" + note.split(whereSeparator: \.isNewline).joined(separator: " ") + "”"
        }
        return line
    }
}

/// Which events `winnow log` prints.
public struct EventLogQuery: Equatable, Sendable {
    public var reviewer: String?
    public var item: Int64?
    /// Events at or after this time (``Timestamp`` text; see ``EventLog/parseTime(_:now:)``).
    public var since: String?
    /// Events before this time.
    public var until: String?
    /// Only the newest `limit` events (still printed oldest first).
    public var limit: Int?

    public init(reviewer: String? = nil, item: Int64? = nil, since: String? = nil, until: String? = nil, limit: Int? = nil) {
        self.reviewer = reviewer
        self.item = item
        self.since = since
        self.until = until
        self.limit = limit
    }
}

/// Reading the decision log for audit.
public enum EventLog {
    /// Calls `body` with every event that matches, oldest first, reading with a cursor (the
    /// log is never held in memory whole).
    public static func forEach(_ db: Database, _ query: EventLogQuery, _ body: (LogEvent) throws -> Void) throws {
        var conditions: [String] = []
        var arguments: [DatabaseValueConvertible?] = []
        if let reviewer = query.reviewer { conditions.append("e.reviewer = ?"); arguments.append(reviewer) }
        if let item = query.item { conditions.append("e.item_id = ?"); arguments.append(item) }
        if let since = query.since { conditions.append("e.created_at >= ?"); arguments.append(since) }
        if let until = query.until { conditions.append("e.created_at < ?"); arguments.append(until) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var range = ""
        if let limit = query.limit {
            // The newest `limit` ids, then in order.
            range = "AND e.id >= COALESCE((SELECT min(id) FROM (SELECT e.id FROM events e \(whereClause) ORDER BY e.id DESC LIMIT ?)), 0)"
            arguments += arguments
            arguments.append(max(0, limit))
        }
        let sql = """
            SELECT e.id, e.uid, e.item_id, i.orig_id, e.kind,
                   CASE WHEN e.kind = 'verdict' THEN e.verdict ELSE r.verdict END AS verdict,
                   e.ref, e.batch, e.reviewer, e.note, e.created_at,
                   CASE WHEN e.kind = 'verdict' THEN \(Decisions.activeCondition("e")) END AS active
            FROM events e JOIN items i ON i.id = e.item_id LEFT JOIN events r ON r.id = e.ref
            \(whereClause.isEmpty ? "WHERE 1" : whereClause) \(range)
            ORDER BY e.id
            """
        if query.limit == 0 { return }
        let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(arguments))
        while let row = try rows.next() {
            let item: Int64 = row["item_id"]
            try body(LogEvent(
                id: row["id"], uid: row["uid"], item: item,
                displayId: ReviewerAgreement.displayId(item: item, origId: row["orig_id"]),
                kind: row["kind"], verdict: row["verdict"], ref: row["ref"], batch: row["batch"],
                reviewer: row["reviewer"], note: row["note"], time: row["created_at"], active: row["active"]))
        }
    }

    /// Every event that matches, oldest first.
    public static func fetch(_ db: Database, _ query: EventLogQuery) throws -> [LogEvent] {
        var events: [LogEvent] = []
        try forEach(db, query) { events.append($0) }
        return events
    }

    /// Reads a time given on the command line as ``Timestamp`` text (UTC):
    /// `2024-05-01` (midnight), `2024-05-01T14:30`, `2024-05-01 14:30:05`, with optional
    /// `.123` and `Z`, or an age before `now`: `90s`, `30m`, `2h`, `7d`.
    ///
    /// - Throws: ``TeamError/badTime(_:)``.
    public static func parseTime(_ text: String, now: Date = Date()) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let unit = trimmed.last, "smhd".contains(unit), let amount = Double(trimmed.dropLast()), amount >= 0 {
            let seconds: Double = ["s": 1, "m": 60, "h": 3600, "d": 86400][String(unit)] ?? 1
            return Timestamp.string(from: now.addingTimeInterval(-amount * seconds))
        }
        var body = trimmed
        if body.hasSuffix("Z") || body.hasSuffix("z") { body.removeLast() }
        body = body.replacingOccurrences(of: " ", with: "T")
        let parts = body.split(separator: "T", omittingEmptySubsequences: false)
        guard parts.count <= 2, let date = parts.first else { throw TeamError.badTime(text) }
        let day = date.split(separator: "-", omittingEmptySubsequences: false)
        guard day.count == 3, day[0].count == 4, day[1].count == 2, day[2].count == 2,
              let year = Int(day[0]), let month = Int(day[1]), let dayOfMonth = Int(day[2]),
              (1...12).contains(month), (1...31).contains(dayOfMonth) else { throw TeamError.badTime(text) }
        var hour = 0, minute = 0, second = 0, millis = 0
        if parts.count == 2 {
            let clock = parts[1].split(separator: ":", omittingEmptySubsequences: false)
            guard (2...3).contains(clock.count), clock[0].count == 2, clock[1].count == 2,
                  let h = Int(clock[0]), let m = Int(clock[1]), (0...23).contains(h), (0...59).contains(m) else {
                throw TeamError.badTime(text)
            }
            hour = h
            minute = m
            if clock.count == 3 {
                let secondParts = clock[2].split(separator: ".", omittingEmptySubsequences: false)
                guard secondParts.count <= 2, secondParts[0].count == 2, let s = Int(secondParts[0]), (0...60).contains(s) else {
                    throw TeamError.badTime(text)
                }
                second = s
                if secondParts.count == 2 {
                    let fraction = secondParts[1]
                    guard !fraction.isEmpty, fraction.allSatisfy(\.isNumber),
                          let value = Int(fraction.prefix(3).padding(toLength: 3, withPad: "0", startingAt: 0)) else {
                        throw TeamError.badTime(text)
                    }
                    millis = value
                }
            }
        }
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, dayOfMonth, hour, minute, second, millis)
    }
}
