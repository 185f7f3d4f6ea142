import Foundation
import GRDB

/// Layouts of score files computed outside Winnow.
public enum ExternalScoreFormat: String, CaseIterable, Sendable {
    /// A header row with `item` (Winnow id) or `id` (original id, with optional `source` and
    /// `model` columns) and a value column named `value` or after the score.
    case csv
    /// One object per line: `{"item": 12, "value": 0.3}` or `{"id": "x", "source": "s", "value": 0.3}`.
    case jsonl
    /// Data-Juicer output: JSON Lines whose records carry a `__dj__stats__` object; every
    /// numeric stat becomes a score `dj.<stat>`.
    case dataJuicer = "data-juicer"
}

/// What `winnow scores import` reads.
public struct ExternalScoreOptions: Sendable {
    public var path: String
    /// The score name (CSV, JSONL); for Data-Juicer the prefix of the stat names (default `dj`).
    public var name: String?
    /// nil: `.csv`/`.tsv` files are CSV, JSON files with `__dj__stats__` in the first
    /// record are Data-Juicer output, other JSON files JSONL.
    public var format: ExternalScoreFormat?
    /// The source for records that do not name one (matching by original id).
    public var source: String?
    /// Write nothing when any record names no item or several items.
    public var strict = false

    public init(path: String, name: String? = nil, format: ExternalScoreFormat? = nil) {
        self.path = path
        self.name = name
        self.format = format
    }
}

/// What an external score import did.
public struct ExternalScoreReport: Equatable, Sendable {
    public var format: ExternalScoreFormat = .csv
    public var records = 0
    /// Score rows written.
    public var written = 0
    /// The score names written.
    public var names: [String] = []
    /// Records whose key names no live item.
    public var unknown = 0
    public var unknownExamples: [String] = []
    /// Records whose original id matches several items (add `source` / `model`).
    public var ambiguous = 0
    public var ambiguousExamples: [String] = []
    /// Records without a usable value (missing, null, not a number) or key.
    public var invalid = 0
    public var invalidExamples: [String] = []
    /// Records naming an item already given a value earlier in the file (the last one wins).
    public var repeated = 0

    public var json: JSONValue {
        func list(_ items: [String]) -> JSONValue { .array(items.map { .string($0) }) }
        return .object(JSONObject(
            keys: ["format", "records", "written", "names", "unknown", "unknown_examples", "ambiguous",
                   "ambiguous_examples", "invalid", "invalid_examples", "repeated"],
            values: [.string(format.rawValue), .number(String(records)), .number(String(written)), list(names),
                     .number(String(unknown)), list(unknownExamples), .number(String(ambiguous)), list(ambiguousExamples),
                     .number(String(invalid)), list(invalidExamples), .number(String(repeated))]))
    }

    /// The report for people: what was written, then every problem with examples.
    public var summary: String {
        var lines = ["Imported \(grouped(written)) values of \(names.count == 1 ? names[0] : "\(names.count) scores") from \(grouped(records)) records (\(format.rawValue))."]
        if names.count > 1 { lines.append("Scores: \(names.joined(separator: ", "))") }
        if unknown > 0 {
            lines.append("\(grouped(unknown)) records name no item, e.g. \(unknownExamples.joined(separator: "; ")).")
        }
        if ambiguous > 0 {
            lines.append("\(grouped(ambiguous)) records match several items (add a source or model column), e.g. \(ambiguousExamples.joined(separator: "; ")).")
        }
        if invalid > 0 {
            lines.append("\(grouped(invalid)) records have no usable value, e.g. \(invalidExamples.joined(separator: "; ")).")
        }
        if repeated > 0 { lines.append("\(grouped(repeated)) records repeat an item; the last value was kept.") }
        return lines.joined(separator: "\n")
    }

    mutating func note(_ kind: WritableKeyPath<ExternalScoreReport, Int>, _ examples: WritableKeyPath<ExternalScoreReport, [String]>,
                       _ example: String) {
        self[keyPath: kind] += 1
        if self[keyPath: examples].count < 5 { self[keyPath: examples].append(example) }
    }
}

/// Imports scores computed elsewhere (CLIP similarity, perplexity, Data-Juicer stats).
///
/// Importing score NAME replaces it: rows of NAME from an earlier import are deleted first.
/// Records that name no item, or several, are counted and reported with examples — never
/// dropped silently.
public enum ExternalScores {
    public static let scorerName = "external"

    public static func importFile(store: Store, options: ExternalScoreOptions) throws -> ExternalScoreReport {
        let format = try options.format ?? detect(options.path)
        var report = ExternalScoreReport()
        report.format = format
        if format != .dataJuicer {
            guard let name = options.name else { throw ScoringError.missingScoreName }
            try validate(name)
        } else if let prefix = options.name {
            try validate(prefix)
        }
        let resolver = try store.read { db in try ItemResolver(db) }
        var values: [String: [Int64: Double]] = [:]
        var order: [String] = []
        var repeated = 0
        func put(_ name: String, _ item: Int64, _ value: Double) {
            if values[name] == nil {
                order.append(name)
                values[name] = [:]
            }
            if values[name]?.updateValue(value, forKey: item) != nil { repeated += 1 }
        }
        switch format {
        case .csv:
            try readCSV(options, resolver: resolver, report: &report) { put(options.name ?? "", $0, $1) }
        case .jsonl:
            try readJSONL(options, resolver: resolver, report: &report) { put(options.name ?? "", $0, $1) }
        case .dataJuicer:
            let prefix = options.name ?? "dj"
            try readDataJuicer(options, store: store, resolver: resolver, report: &report) { stat, item, value in
                put(prefix + "." + stat, item, value)
            }
        }
        report.repeated = repeated
        if options.strict, report.unknown + report.ambiguous > 0 {
            throw ScoringError.unresolvedIds(unknown: report.unknown, ambiguous: report.ambiguous,
                                             examples: report.unknownExamples + report.ambiguousExamples)
        }
        let version = (options.path as NSString).lastPathComponent
        let scorer = format == .dataJuicer ? "data-juicer" : scorerName
        try store.write { db in
            let insert = try RawStatement(db, """
                INSERT OR REPLACE INTO scores(item_id, name, value, scorer, version, detail) VALUES (?, ?, ?, ?, ?, NULL)
                """)
            defer { insert.finalize() }
            for name in order {
                try db.execute(sql: "DELETE FROM scores WHERE name = ?", arguments: [name])
                for (item, value) in (values[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    insert.bind(1, item)
                    insert.bind(2, name)
                    insert.bind(3, value)
                    insert.bind(4, scorer)
                    insert.bind(5, version)
                    try insert.run()
                    report.written += 1
                }
            }
        }
        report.names = order
        return report
    }

    /// Letters, digits, `_`, `-`, `.`; not a built-in score.
    static func validate(_ name: String) throws {
        guard !name.isEmpty, name.utf8.allSatisfy({ c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D || c == 0x2E
        }) else { throw ScoringError.badScoreName(name) }
        if BuiltinScorer(rawValue: name) != nil { throw ScoringError.reservedScoreName(name) }
    }

    static func detect(_ path: String) throws -> ExternalScoreFormat {
        let lower = path.lowercased()
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") { return .csv }
        let reader: JSONRecordReader
        do {
            reader = try JSONRecordReader(path: path)
        } catch let error as JSONFileError {
            throw ScoringError.cannotRead(path: path, reason: error.message)
        } catch {
            // Not JSON at all: try CSV.
            return .csv
        }
        if let first = try? reader.next(), first.value.objectValue?["__dj__stats__"] != nil { return .dataJuicer }
        return .jsonl
    }

    // MARK: - Value parsing

    static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case let .number(lexeme)?: return Double(lexeme)
        case let .string(text)?: return Double(text.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil }
        case let .bool(flag)?: return flag ? 1 : 0
        default: return nil
        }
    }

    /// The plain text of an id value: strings unquoted, numbers as written.
    static func idText(_ value: JSONValue?) -> String? {
        switch value {
        case let .string(text)?: return text
        case let .number(lexeme)?: return lexeme
        default: return nil
        }
    }

    // MARK: - JSONL

    private static func readJSONL(_ options: ExternalScoreOptions, resolver: ItemResolver, report: inout ExternalScoreReport,
                                  put: (Int64, Double) -> Void) throws {
        let reader = try openReader(options.path)
        while let record = try nextRecord(reader, options.path) {
            report.records += 1
            let place = "line \(record.line)"
            guard let object = record.value.objectValue else {
                report.note(\.invalid, \.invalidExamples, "\(place): not an object")
                continue
            }
            let key = object["value"] ?? options.name.flatMap { object[$0] }
            guard let value = number(key) else {
                report.note(\.invalid, \.invalidExamples, "\(place): no numeric \"value\"")
                continue
            }
            let item: ItemResolver.Resolution
            if let winnowId = object["item"] {
                guard let text = idText(winnowId), let id = Int64(text) else {
                    report.note(\.invalid, \.invalidExamples, "\(place): \"item\" is not an item number")
                    continue
                }
                item = resolver.item(id)
            } else if let text = idText(object["id"]) {
                item = resolver.original(text, source: object["source"]?.stringValue ?? options.source,
                                         model: object["model"]?.stringValue)
            } else {
                report.note(\.invalid, \.invalidExamples, "\(place): no \"item\" or \"id\"")
                continue
            }
            resolve(item, place: place, report: &report) { put($0, value) }
        }
    }

    private static func resolve(_ resolution: ItemResolver.Resolution, place: String, report: inout ExternalScoreReport,
                                found: (Int64) -> Void) {
        switch resolution {
        case let .found(id): found(id)
        case let .unknown(key): report.note(\.unknown, \.unknownExamples, "\(place): \(key)")
        case let .ambiguous(key, count): report.note(\.ambiguous, \.ambiguousExamples, "\(place): \(key) (\(count) items)")
        }
    }

    private static func openReader(_ path: String) throws -> JSONRecordReader {
        do {
            return try JSONRecordReader(path: path)
        } catch let error as JSONFileError {
            throw ScoringError.cannotRead(path: path, reason: error.message)
        } catch let error as JSONSyntaxError {
            throw ScoringError.badScoreFile(path: path, line: error.line, message: error.message)
        }
    }

    private static func nextRecord(_ reader: JSONRecordReader, _ path: String) throws -> JSONRecord? {
        do {
            return try reader.next()
        } catch let error as JSONSyntaxError {
            throw ScoringError.badScoreFile(path: path, line: error.line, message: error.message)
        } catch let error as JSONFileError {
            throw ScoringError.cannotRead(path: path, reason: error.message)
        }
    }

    // MARK: - Data-Juicer

    private static func readDataJuicer(_ options: ExternalScoreOptions, store: Store, resolver: ItemResolver,
                                       report: inout ExternalScoreReport, put: (String, Int64, Double) -> Void) throws {
        let reader = try openReader(options.path)
        while let record = try nextRecord(reader, options.path) {
            report.records += 1
            let place = "line \(record.line)"
            guard let object = record.value.objectValue, let stats = object["__dj__stats__"]?.objectValue else {
                report.note(\.invalid, \.invalidExamples, "\(place): no __dj__stats__ object")
                continue
            }
            var numeric: [(String, Double)] = []
            for (key, value) in zip(stats.keys, stats.values) {
                let number: Double?
                if case let .array(elements) = value {
                    // Per-image stats: one image, one value.
                    number = elements.count == 1 ? Self.number(elements[0]) : nil
                } else {
                    number = Self.number(value)
                }
                guard let number else { continue }
                numeric.append((sanitize(key), number))
            }
            guard !numeric.isEmpty else {
                report.note(\.invalid, \.invalidExamples, "\(place): no numeric stat in __dj__stats__")
                continue
            }
            let resolution: ItemResolver.Resolution
            if let id = idText(object["id"]) {
                resolution = resolver.original(id, source: object["source"]?.stringValue ?? options.source,
                                               model: object["model"]?.stringValue)
            } else if let image = object["image"]?.stringValue ?? object["images"]?.arrayValue?.first?.stringValue {
                resolution = try store.read { db in
                    try resolver.byImage(db, image: image, text: object["text"]?.stringValue)
                }
            } else {
                report.note(\.invalid, \.invalidExamples, "\(place): no id and no image to find the item by")
                continue
            }
            resolve(resolution, place: place, report: &report) { item in
                for (stat, value) in numeric { put(stat, item, value) }
            }
        }
    }

    private static func sanitize(_ key: String) -> String {
        String(key.map { c in c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-" || c == ".") ? c : "_" })
    }

    // MARK: - CSV

    private static func readCSV(_ options: ExternalScoreOptions, resolver: ItemResolver, report: inout ExternalScoreReport,
                                put: (Int64, Double) -> Void) throws {
        guard let data = FileManager.default.contents(atPath: options.path) else {
            throw ScoringError.cannotRead(path: options.path, reason: FileManager.default.fileExists(atPath: options.path)
                                          ? "permission denied or not a file" : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScoringError.badScoreFile(path: options.path, line: 1, message: "the file is not UTF-8 text")
        }
        let separator: Character = options.path.lowercased().hasSuffix(".tsv") ? "\t" : ","
        var rows = try CSV.parse(text, separator: separator, path: options.path).makeIterator()
        guard let header = rows.next() else {
            throw ScoringError.badScoreFile(path: options.path, line: 1, message: "the file is empty; expected a header row")
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let itemColumn = columns.firstIndex(of: "item")
        let idColumn = columns.firstIndex(of: "id")
        let sourceColumn = columns.firstIndex(of: "source")
        let modelColumn = columns.firstIndex(of: "model")
        let valueColumn = columns.firstIndex(of: "value") ?? options.name.flatMap { columns.firstIndex(of: $0.lowercased()) }
        guard itemColumn != nil || idColumn != nil else {
            throw ScoringError.badScoreFile(path: options.path, line: header.line,
                                            message: "the header needs an 'item' column (Winnow ids) or an 'id' column (original ids); it has \(columns.joined(separator: ", "))")
        }
        guard let valueColumn else {
            throw ScoringError.badScoreFile(path: options.path, line: header.line,
                                            message: "the header needs a 'value' column or one named '\(options.name ?? "NAME")'; it has \(columns.joined(separator: ", "))")
        }
        while let row = rows.next() {
            if row.fields.count == 1, row.fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
            report.records += 1
            let place = "line \(row.line)"
            func field(_ index: Int?) -> String? {
                guard let index, index < row.fields.count else { return nil }
                let value = row.fields[index].trimmingCharacters(in: .whitespaces)
                return value.isEmpty ? nil : value
            }
            guard let text = field(valueColumn), let value = Double(text), value.isFinite else {
                report.note(\.invalid, \.invalidExamples, "\(place): value '\(field(valueColumn) ?? "")' is not a number")
                continue
            }
            let resolution: ItemResolver.Resolution
            if let item = field(itemColumn) {
                guard let id = Int64(item) else {
                    report.note(\.invalid, \.invalidExamples, "\(place): item '\(item)' is not an item number")
                    continue
                }
                resolution = resolver.item(id)
            } else if let id = field(idColumn) {
                resolution = resolver.original(id, source: field(sourceColumn) ?? options.source, model: field(modelColumn))
            } else {
                report.note(\.invalid, \.invalidExamples, "\(place): no item or id")
                continue
            }
            resolve(resolution, place: place, report: &report) { put($0, value) }
        }
    }
}

/// Finds items by Winnow id, by original id (+ source, + model) or by image.
struct ItemResolver {
    enum Resolution: Equatable {
        case found(Int64)
        case unknown(String)
        case ambiguous(String, Int)
    }

    struct Candidate {
        var id: Int64
        var source: String
        var model: String?
    }

    private var live: Set<Int64> = []
    private var byOriginal: [String: [Candidate]] = [:]

    init(_ db: Database) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT id, orig_id, source, model FROM items WHERE removed_at IS NULL")
        while let row = try rows.next() {
            let id: Int64 = row[0]
            live.insert(id)
            guard let orig: String = row[1] else { continue }
            let key = (try? parseJSON(orig)).flatMap(ExternalScores.idText) ?? orig
            byOriginal[key, default: []].append(Candidate(id: id, source: row[2], model: row[3]))
        }
    }

    func item(_ id: Int64) -> Resolution {
        live.contains(id) ? .found(id) : .unknown("item \(id)")
    }

    func original(_ id: String, source: String?, model: String?) -> Resolution {
        var shown = "id \(id)"
        if let source { shown += " source \(source)" }
        if let model { shown += " model \(model)" }
        var candidates = byOriginal[id] ?? []
        if let source { candidates = candidates.filter { $0.source == source } }
        if let model { candidates = candidates.filter { $0.model == model } }
        switch candidates.count {
        case 0: return .unknown(shown)
        case 1: return .found(candidates[0].id)
        default: return .ambiguous(shown, candidates.count)
        }
    }

    /// Items with this image path; when several, the one whose first instruction appears in
    /// the record's text (Data-Juicer's special tokens removed).
    func byImage(_ db: Database, image: String, text: String?) throws -> Resolution {
        let ids = try Int64.fetchAll(db, sql: "SELECT id FROM items WHERE image = ? AND removed_at IS NULL ORDER BY id", arguments: [image])
        switch ids.count {
        case 0: return .unknown("image \(image)")
        case 1: return .found(ids[0])
        default:
            guard let text else { return .ambiguous("image \(image)", ids.count) }
            let haystack = Self.normalize(text.replacingAll("<__dj__image>", with: " ").replacingAll("<|__dj__eoc|>", with: " "))
            var matching: [Int64] = []
            for id in ids {
                guard let first = try Conversations.current(db, item: id).turns.first(where: \.isHuman) else { continue }
                let needle = Self.normalize(first.text.replacingAll(imageToken, with: " "))
                if !needle.isEmpty, haystack.contains(needle) { matching.append(id) }
            }
            if matching.count == 1 { return .found(matching[0]) }
            return matching.isEmpty ? .unknown("image \(image) with that text") : .ambiguous("image \(image)", matching.count)
        }
    }

    static func normalize(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// RFC 4180 CSV: quoted fields with `""` escapes, separators and line breaks inside quotes.
enum CSV {
    struct Row {
        var fields: [String]
        var line: Int
    }

    static func parse(_ text: String, separator: Character, path: String) throws -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var rowLine = 1
        var quoted = false
        var afterQuote = false
        var iterator = text.makeIterator()
        var pending: Character?
        func next() -> Character? {
            if let p = pending {
                pending = nil
                return p
            }
            return iterator.next()
        }
        var started = false
        while let c = next() {
            started = true
            if quoted {
                if c == "\"" {
                    if let following = next() {
                        if following == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            afterQuote = true
                            pending = following
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            if c == separator {
                fields.append(field)
                field = ""
                afterQuote = false
            } else if c == "\n" || c == "\r\n" || c == "\r" {
                fields.append(field)
                rows.append(Row(fields: fields, line: rowLine))
                fields = []
                field = ""
                afterQuote = false
                line += 1
                rowLine = line
                started = false
            } else if c == "\"" && field.isEmpty && !afterQuote {
                quoted = true
            } else {
                if afterQuote {
                    throw ScoringError.badScoreFile(path: path, line: line, message: "text after a closing quote; write a quote inside a quoted field as \"\"")
                }
                field.append(c)
            }
        }
        if quoted { throw ScoringError.badScoreFile(path: path, line: rowLine, message: "a quoted field is not closed") }
        if started || !fields.isEmpty || !field.isEmpty {
            fields.append(field)
            rows.append(Row(fields: fields, line: rowLine))
        }
        if rows.first?.fields.first?.hasPrefix("\u{FEFF}") == true, var first = rows.first {
            first.fields[0].removeFirst()
            rows[0] = first
        }
        return rows
    }
}
