import Foundation
import GRDB

/// The full-text index (`item_fts`, contentless FTS5) and the text it holds per item.
///
/// A contentless index keeps only tokens, so removing an item's entry needs the exact text
/// that was indexed. Every writer therefore takes the document from ``current(_:item:)``
/// before a change and hands old and new to ``replace(_:item:old:new:)``.
public enum FullText {
    /// The indexed text of one item.
    public struct Document: Equatable, Sendable {
        public var instruction: String
        public var answer: String
        public var caption: String

        /// Human turns are the instruction, the others the answer; `<image>` tokens are left out.
        public init(turns: [Turn], caption: String?) {
            var instructions: [String] = []
            var answers: [String] = []
            for turn in turns {
                if turn.isHuman {
                    instructions.append(turn.text.removingImageTokens())
                } else {
                    answers.append(turn.text)
                }
            }
            instruction = instructions.joined(separator: "\n")
            answer = answers.joined(separator: "\n")
            self.caption = caption ?? ""
        }
    }

    /// The document currently indexed for an item: its current conversation and caption.
    public static func current(_ db: Database, item: Int64) throws -> Document? {
        guard let caption = try Row.fetchOne(db, sql: "SELECT caption FROM items WHERE id = ?", arguments: [item]) else {
            return nil
        }
        let turns = try Conversations.current(db, item: item).turns
        return Document(turns: turns, caption: caption[0])
    }

    /// The statement that adds an item's document: rowid, instruction, answer, caption.
    static let insertSQL = "INSERT INTO item_fts(rowid, instruction, answer, caption) VALUES (?, ?, ?, ?)"

    /// Inserts a document for a new item.
    public static func insert(_ db: Database, item: Int64, _ document: Document) throws {
        try db.execute(sql: insertSQL, arguments: [item, document.instruction, document.answer, document.caption])
    }

    /// Inserts a document through a prepared ``insertSQL`` (the import's bulk path).
    static func insert(_ statement: RawStatement, item: Int64, _ document: Document) throws {
        statement.bind(1, item)
        statement.bind(2, document.instruction)
        statement.bind(3, document.answer)
        statement.bind(4, document.caption)
        try statement.run()
    }

    /// Replaces an item's entry when the text changed.
    public static func replace(_ db: Database, item: Int64, old: Document?, new: Document?) throws {
        guard old != new else { return }
        if let old {
            try db.execute(sql: """
                INSERT INTO item_fts(item_fts, rowid, instruction, answer, caption) VALUES ('delete', ?, ?, ?, ?)
                """, arguments: [item, old.instruction, old.answer, old.caption])
        }
        if let new { try insert(db, item: item, new) }
    }
}

/// Reading an item's conversation: the newest edit if any, else the turns as imported.
public enum Conversations {
    /// The current conversation and its version (0 = as imported).
    public static func current(_ db: Database, item: Int64) throws -> (turns: [Turn], version: Int) {
        if let row = try Row.fetchOne(db, sql: """
            SELECT version, conversation FROM edits WHERE item_id = ? ORDER BY version DESC LIMIT 1
            """, arguments: [item]) {
            return (try decode(row["conversation"]), row["version"])
        }
        return (try original(db, item: item), 0)
    }

    /// The turns as imported.
    public static func original(_ db: Database, item: Int64) throws -> [Turn] {
        guard let text = try String.fetchOne(db, sql: "SELECT conversation FROM items WHERE id = ?", arguments: [item]) else {
            return []
        }
        return try decode(text)
    }

    /// Conversations are stored in edits as LLaVA-style `[{"from": ..., "value": ...}]`.
    /// The text is compact JSON, keys in that order: written directly, without building a
    /// `JSONValue` first (an import encodes every record).
    public static func encode(_ turns: [Turn]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(turns.reduce(2) { $0 + $1.role.utf8.count + $1.text.utf8.count + 24 })
        out.append(UInt8(ascii: "["))
        for (index, turn) in turns.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"from":"#.utf8)
            JSONWriter.appendString(turn.role, to: &out)
            out.append(contentsOf: #","value":"#.utf8)
            JSONWriter.appendString(turn.text, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: String) throws -> [Turn] {
        guard case let .array(list) = try parseJSON(text) else { return [] }
        return list.compactMap { entry in
            guard case let .object(object) = entry, let role = object["from"]?.stringValue,
                  let text = object["value"]?.stringValue else { return nil }
            return Turn(role: role, text: text)
        }
    }
}

extension String {
    /// The text without `<image>` tokens; the same string, uncopied, when it has none.
    func removingImageTokens() -> String {
        guard occurrences(of: imageToken) > 0 else { return self }
        let token = Array(imageToken.utf8)
        var copy = self
        return copy.withUTF8 { bytes in
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                if bytes[index] == token[0], index + token.count <= bytes.count,
                   (0..<token.count).allSatisfy({ bytes[index + $0] == token[$0] }) {
                    index += token.count
                    continue
                }
                out.append(bytes[index])
                index += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

extension String {
    /// Every occurrence of `target` replaced.
    func replacingAll(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
