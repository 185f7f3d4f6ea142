import Foundation
import GRDB

/// Where a value stands against its score's thresholds.
public enum ScoreLevel: String, Comparable, Sendable, CaseIterable {
    case good, warn, bad

    public static func < (a: ScoreLevel, b: ScoreLevel) -> Bool {
        let order: [ScoreLevel] = [.good, .warn, .bad]
        return (order.firstIndex(of: a) ?? 0) < (order.firstIndex(of: b) ?? 0)
    }
}

/// A score's thresholds. When `higherIsWorse`, a value is bad at `bad` and above, else warn
/// at `warn` and above; otherwise bad at `bad` and below, else warn at `warn` and below.
/// A nil threshold never applies.
public struct Threshold: Equatable, Sendable {
    public var warn: Double?
    public var bad: Double?
    public var higherIsWorse: Bool

    public init(warn: Double? = nil, bad: Double? = nil, higherIsWorse: Bool = true) {
        self.warn = warn
        self.bad = bad
        self.higherIsWorse = higherIsWorse
    }

    public func level(_ value: Double) -> ScoreLevel {
        if let bad, higherIsWorse ? value >= bad : value <= bad { return .bad }
        if let warn, higherIsWorse ? value >= warn : value <= warn { return .warn }
        return .good
    }

    /// SQL true for values at `level` or worse, over the column `column`, or nil when the
    /// threshold has no such level. `.good` is every value.
    public func condition(_ level: ScoreLevel, column: String) -> (sql: String, value: Double?)? {
        let op = higherIsWorse ? ">=" : "<="
        switch level {
        case .good: return ("1", nil)
        case .bad:
            guard let bad else { return nil }
            return ("\(column) \(op) ?", bad)
        case .warn:
            // Warn or worse: the warn threshold, or the bad one when there is no warn.
            guard let limit = warn ?? bad else { return nil }
            return ("\(column) \(op) ?", limit)
        }
    }
}

/// Thresholds per score and the scores the list pane shows, from a TOML file.
///
/// ```toml
/// # Which scores the list pane shows, in order.
/// columns = ["caption_leak", "ungrounded", "off_instruction"]
///
/// [scores.caption_leak]
/// warn = 0.5
/// bad = 1.0
///
/// [scores.words_answer]
/// bad = 0
/// higher_is_worse = false
///
/// [scores."dj.perplexity"]     # external scores too
/// warn = 1500
/// ```
///
/// A `[scores.NAME]` table replaces that score's built-in thresholds as a whole (a key left
/// out means no such threshold); `higher_is_worse` defaults to the built-in direction, or
/// true for other scores. Scores the file does not name keep the built-in thresholds.
public struct ScoreProfile: Equatable, Sendable {
    public var columns: [String]
    public var thresholds: [String: Threshold]

    public init(columns: [String], thresholds: [String: Threshold]) {
        self.columns = columns
        self.thresholds = thresholds
    }

    /// The defaults, the same as `profiles/default.toml`.
    public static let builtin = ScoreProfile(
        columns: ["caption_leak", "refusal", "ungrounded", "off_instruction", "truncated", "repetition"],
        thresholds: Dictionary(uniqueKeysWithValues: BuiltinScorer.allCases.map { ($0.rawValue, $0.defaultThreshold) }))

    /// The level of `value` for score `name` (good when the score has no thresholds).
    public func level(name: String, value: Double) -> ScoreLevel {
        thresholds[name]?.level(value) ?? .good
    }

    /// SQL (over table alias `items`) true for items with score `name` at `level` or worse;
    /// with `name` nil, for items with any score at that level: what the filters `bad:NAME`,
    /// `bad:any`, `warn:NAME` and `warn:any` compile to with this profile. `.good` is every item.
    public func condition(level: ScoreLevel, score name: String?) -> (sql: String, arguments: StatementArguments) {
        let compiler = FilterCompiler(thresholds: thresholds)
        let fragment: SQLFragment
        switch level {
        case .good: return ("1", StatementArguments())
        case .warn: fragment = compiler.compile(.warn(name))
        case .bad: fragment = compiler.compile(.bad(name))
        }
        return (fragment.sql, fragment.statementArguments)
    }

    /// Reads a profile file.
    ///
    /// - Throws: ``ScoringError/profile(path:line:message:)`` with the line of the problem,
    ///   ``ScoringError/cannotRead(path:reason:)`` when the file cannot be read.
    public static func load(path: String) throws -> ScoreProfile {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "permission denied or not a file" : "no such file"
            throw ScoringError.cannotRead(path: path, reason: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScoringError.profile(path: path, line: 1, message: "the file is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    /// Parses profile text (see the type's documentation).
    public static func parse(_ text: String, path: String = "<profile>") throws -> ScoreProfile {
        let document = try TOMLSubset.parse(text, path: path)
        var profile = builtin
        for (line, table) in document.tables where table.first != "scores" || table.count != 2 {
            throw ScoringError.profile(path: path, line: line,
                                       message: "unknown table [\(table.joined(separator: "."))]; a profile has [scores.NAME] tables only")
        }
        // A [scores.NAME] table starts from no thresholds, in the built-in direction.
        for name in document.replaced {
            profile.thresholds[name] = Threshold(higherIsWorse: builtin.thresholds[name]?.higherIsWorse ?? true)
        }
        for entry in document.entries {
            func fail(_ message: String) -> ScoringError { .profile(path: path, line: entry.line, message: message) }
            switch (entry.table.first, entry.table.count) {
            case (nil, _):
                guard entry.key == "columns" else {
                    throw fail("unknown key '\(entry.key)'; a profile has 'columns' and [scores.NAME] tables")
                }
                guard case let .array(values) = entry.value else { throw fail("'columns' must be an array of score names, e.g. [\"caption_leak\"]") }
                var names: [String] = []
                for value in values {
                    guard case let .string(name) = value else { throw fail("'columns' must hold strings (score names)") }
                    names.append(name)
                }
                profile.columns = names
            case ("scores", 2):
                let name = entry.table[1]
                var threshold = profile.thresholds[name] ?? Threshold()
                switch entry.key {
                case "warn", "bad":
                    guard case let .number(value) = entry.value else { throw fail("'\(entry.key)' must be a number") }
                    if entry.key == "warn" { threshold.warn = value } else { threshold.bad = value }
                case "higher_is_worse":
                    guard case let .bool(value) = entry.value else { throw fail("'higher_is_worse' must be true or false") }
                    threshold.higherIsWorse = value
                default:
                    throw fail("unknown key '\(entry.key)' in [scores.\(name)]; the keys are warn, bad and higher_is_worse")
                }
                profile.thresholds[name] = threshold
            default:
                throw fail("unknown table [\(entry.table.joined(separator: "."))]; a profile has [scores.NAME] tables only")
            }
        }
        return profile
    }
}

/// The TOML this project reads: `key = value` lines, `[table.sub]` headers (keys bare or
/// quoted), `#` comments, basic and literal one-line strings, integers, floats, booleans and
/// arrays of those (which may span lines). Not supported: dotted keys, inline tables,
/// arrays of tables, multi-line strings, dates.
enum TOMLSubset {
    indirect enum Value: Equatable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case array([Value])
    }

    struct Entry {
        var table: [String]
        var key: String
        var value: Value
        var line: Int
    }

    struct Document {
        var entries: [Entry] = []
        /// Header lines and table paths, in order.
        var tables: [(Int, [String])] = []
        /// The NAMEs of [scores.NAME] headers.
        var replaced: Set<String> = []
    }

    static func parse(_ text: String, path: String) throws -> Document {
        var parser = Parser(bytes: Array(text.utf8), path: path)
        return try parser.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        let path: String
        var i = 0
        var line = 1

        init(bytes: [UInt8], path: String) {
            self.bytes = bytes
            self.path = path
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        }

        func fail(_ message: String) -> ScoringError { .profile(path: path, line: line, message: message) }

        var current: UInt8? { i < bytes.count ? bytes[i] : nil }

        mutating func skipSpaces() {
            while let c = current, c == 0x20 || c == 0x09 { i += 1 }
        }

        /// Skips spaces, and a comment up to the end of the line.
        mutating func skipTrivia() {
            skipSpaces()
            if current == 0x23 { while let c = current, c != 0x0A { i += 1 } }
        }

        mutating func endOfLine() throws {
            skipTrivia()
            if current == 0x0D { i += 1 }
            guard let c = current else { return }
            guard c == 0x0A else { throw fail("unexpected '\(character(c))' after the value; one key = value per line") }
            i += 1
            line += 1
        }

        func character(_ c: UInt8) -> String {
            c < 0x20 ? String(format: "\\u%04X", Int(c)) : String(decoding: [c], as: UTF8.self)
        }

        mutating func document() throws -> Document {
            var document = Document()
            var table: [String] = []
            var seenTables = Set<[String]>()
            var seenKeys = Set<[String]>()
            while i < bytes.count {
                skipTrivia()
                guard let c = current else { break }
                if c == 0x0A || c == 0x0D {
                    try endOfLine()
                    continue
                }
                if c == 0x5B {  // [
                    i += 1
                    if current == 0x5B { throw fail("arrays of tables ([[...]]) are not supported") }
                    var path: [String] = []
                    while true {
                        skipSpaces()
                        path.append(try key())
                        skipSpaces()
                        if current == 0x2E {
                            i += 1
                            continue
                        }
                        guard current == 0x5D else { throw fail("expected ']' to close the table header") }
                        i += 1
                        break
                    }
                    guard seenTables.insert(path).inserted else { throw fail("the table [\(path.joined(separator: "."))] appears twice") }
                    document.tables.append((line, path))
                    if path.count == 2, path[0] == "scores" { document.replaced.insert(path[1]) }
                    table = path
                    try endOfLine()
                    continue
                }
                let keyLine = line
                let name = try key()
                skipSpaces()
                if current == 0x2E { throw fail("dotted keys are not supported; use a [table] header") }
                guard current == 0x3D else { throw fail("expected '=' after the key '\(name)'") }
                i += 1
                skipSpaces()
                let value = try self.value()
                guard seenKeys.insert(table + [name]).inserted else {
                    throw ScoringError.profile(path: path, line: keyLine, message: "the key '\(name)' is set twice")
                }
                document.entries.append(Entry(table: table, key: name, value: value, line: keyLine))
                try endOfLine()
            }
            return document
        }

        mutating func key() throws -> String {
            guard let c = current else { throw fail("expected a key, found the end of the file") }
            if c == 0x22 || c == 0x27 {
                guard case let .string(s) = try value() else { throw fail("expected a key") }
                return s
            }
            let start = i
            while let c = current, (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D {
                i += 1
            }
            guard i > start else { throw fail("expected a key, found '\(character(c))'") }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        mutating func value() throws -> Value {
            guard let c = current else { throw fail("expected a value, found the end of the file") }
            switch c {
            case 0x22: return .string(try basicString())
            case 0x27:
                i += 1
                let start = i
                while let d = current, d != 0x27 {
                    if d == 0x0A { throw fail("unterminated string") }
                    i += 1
                }
                guard current == 0x27 else { throw fail("unterminated string") }
                let s = String(decoding: bytes[start..<i], as: UTF8.self)
                i += 1
                return .string(s)
            case 0x5B: return try array()
            case 0x7B: throw fail("inline tables are not supported; use a [table] header")
            case 0x74, 0x66:  // t f
                if bytes[i...].starts(with: Array("true".utf8)) {
                    i += 4
                    return .bool(true)
                }
                if bytes[i...].starts(with: Array("false".utf8)) {
                    i += 5
                    return .bool(false)
                }
                throw fail("expected a value (a number, true, false, a \"string\" or an [array])")
            default:
                let start = i
                while let d = current, (d >= 0x30 && d <= 0x39) || d == 0x2B || d == 0x2D || d == 0x2E || d == 0x5F || d == 0x65 || d == 0x45 {
                    i += 1
                }
                let lexeme = String(decoding: bytes[start..<i], as: UTF8.self)
                guard !lexeme.isEmpty, !lexeme.hasPrefix("_"), !lexeme.hasSuffix("_"), !lexeme.contains("__"),
                      let number = Double(lexeme.replacingOccurrences(of: "_", with: "")), number.isFinite else {
                    if lexeme.isEmpty { throw fail("expected a value (a number, true, false, a \"string\" or an [array]), found '\(character(c))'") }
                    throw fail("'\(lexeme)' is not a number")
                }
                return .number(number)
            }
        }

        mutating func basicString() throws -> String {
            i += 1
            var out: [UInt8] = []
            while let c = current {
                switch c {
                case 0x22:
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                case 0x0A:
                    throw fail("unterminated string")
                case 0x5C:
                    i += 1
                    guard let e = current else { throw fail("unterminated string") }
                    i += 1
                    switch e {
                    case 0x22: out.append(0x22)
                    case 0x5C: out.append(0x5C)
                    case 0x6E: out.append(0x0A)
                    case 0x74: out.append(0x09)
                    case 0x72: out.append(0x0D)
                    case 0x75:
                        guard i + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16),
                              let scalar = Unicode.Scalar(code) else { throw fail("bad \\u escape") }
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                        i += 4
                    default:
                        throw fail("unknown escape '\\\(character(e))' in a string")
                    }
                default:
                    out.append(c)
                    i += 1
                }
            }
            throw fail("unterminated string")
        }

        /// Arrays may span lines and hold comments.
        mutating func array() throws -> Value {
            i += 1
            var values: [Value] = []
            while true {
                try skipArrayTrivia()
                guard let c = current else { throw fail("unterminated array: expected ']'") }
                if c == 0x5D {
                    i += 1
                    return .array(values)
                }
                values.append(try value())
                try skipArrayTrivia()
                if current == 0x2C {
                    i += 1
                    continue
                }
                guard current == 0x5D else {
                    throw fail("expected ',' or ']' in the array")
                }
            }
        }

        mutating func skipArrayTrivia() throws {
            while true {
                skipTrivia()
                if current == 0x0D { i += 1 }
                if current == 0x0A {
                    i += 1
                    line += 1
                    continue
                }
                return
            }
        }
    }
}
