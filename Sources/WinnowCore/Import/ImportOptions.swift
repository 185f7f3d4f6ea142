import Foundation

/// The layouts `winnow import` reads.
public enum ImportFormat: String, CaseIterable, Sendable {
    /// Detect from the file: `conversations` → LLaVA; `--answers` → MM-Instruct;
    /// a known instruction/answer key pair (or `--map`) → mapped.
    case auto
    /// LLaVA conversation records, as a JSON array or JSON Lines.
    case llava
    /// MM-Instruct question JSONL joined with answer files by `question_id`.
    case mmInstruct = "mm-instruct"
    /// Any instruction/answer layout, with fields named by a ``FieldMap``.
    case mapped
}

/// Which keys of a record hold which fields, for layouts other than LLaVA's.
///
/// Written on the command line as `id=id,image=image,instruction=instruction,answer=output`.
/// A key may be a dotted path into nested objects (`meta.image`).
public struct FieldMap: Equatable, Sendable {
    public var id: String?
    public var image: String?
    public var instruction: String
    public var input: String?
    public var answer: String
    public var caption: String?
    public var model: String?
    public var category: String?

    public init(id: String? = "id", image: String? = "image", instruction: String, input: String? = nil,
                answer: String, caption: String? = "caption", model: String? = "model", category: String? = "category") {
        self.id = id
        self.image = image
        self.instruction = instruction
        self.input = input
        self.answer = answer
        self.caption = caption
        self.model = model
        self.category = category
    }

    /// The fields a `--map` may name.
    public static let fieldNames = ["id", "image", "instruction", "input", "answer", "caption", "model", "category"]

    /// Parses `field=key,field=key`.
    ///
    /// - Throws: ``ImportError/badMap(_:)`` naming the part that is wrong.
    public init(parsing text: String) throws {
        var pairs: [String: String] = [:]
        for part in text.split(separator: ",", omittingEmptySubsequences: true) {
            let sides = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard sides.count == 2, !sides[0].isEmpty, !sides[1].isEmpty else {
                throw ImportError.badMap("'\(part)' is not of the form field=key")
            }
            guard Self.fieldNames.contains(sides[0]) else {
                throw ImportError.badMap("unknown field '\(sides[0])'; the fields are \(Self.fieldNames.joined(separator: ", "))")
            }
            pairs[sides[0]] = sides[1]
        }
        guard let instruction = pairs["instruction"], let answer = pairs["answer"] else {
            throw ImportError.badMap("it must name at least instruction=KEY and answer=KEY")
        }
        self.init(id: pairs["id"] ?? "id", image: pairs["image"] ?? "image", instruction: instruction,
                  input: pairs["input"], answer: answer, caption: pairs["caption"] ?? "caption",
                  model: pairs["model"] ?? "model", category: pairs["category"] ?? "category")
    }

    /// Layouts recognised without `--map`: (instruction key, answer key, input key).
    static let knownLayouts: [(String, String, String?)] = [
        ("instruction", "output", "input"),
        ("instruction", "response", "input"),
        ("instruction", "answer", nil),
        ("question", "answer", nil),
        ("prompt", "response", nil),
        ("prompt", "completion", nil),
        ("query", "response", nil),
    ]

    /// The known layout a record's keys fit, if any.
    static func detect(_ object: JSONObject) -> FieldMap? {
        for (instruction, answer, input) in knownLayouts where object[instruction] != nil && object[answer] != nil {
            return FieldMap(instruction: instruction, input: input, answer: answer)
        }
        return nil
    }

    /// The `--map` text that reproduces this map.
    public var text: String {
        var parts = ["instruction=\(instruction)", "answer=\(answer)"]
        if let id { parts.append("id=\(id)") }
        if let image { parts.append("image=\(image)") }
        if let input { parts.append("input=\(input)") }
        if let caption { parts.append("caption=\(caption)") }
        if let model { parts.append("model=\(model)") }
        if let category { parts.append("category=\(category)") }
        return parts.joined(separator: ",")
    }
}

/// What to import and how.
public struct ImportOptions: Sendable {
    public var path: String
    public var format: ImportFormat = .auto
    /// The source name; defaults to the file's name without extension.
    public var source: String?
    /// The folder image paths resolve against.
    public var imageRoot: String?
    /// MM-Instruct answer files, one per model.
    public var answers: [String] = []
    /// Model names for the answer files, in the same order; missing ones come from the file names.
    public var models: [String] = []
    /// A side file of `{"image": ..., "caption": ...}` records.
    public var captions: String?
    public var fieldMap: FieldMap?
    /// When set, invalid records are written here with their reason instead of failing the import.
    public var rejectsPath: String?
    public var reviewer: String = ""

    public init(path: String) { self.path = path }
}

/// What an import did.
public struct ImportReport: Equatable, Sendable {
    public var file: String
    public var format: ImportFormat
    public var source: String
    public var importId: Int64?
    public var records = 0
    public var added = 0
    public var changed = 0
    public var unchanged = 0
    public var removed = 0
    public var skipped = 0
    public var duplicateIds = 0
    /// True when the file had been imported before, unchanged, and nothing was done.
    public var noOp = false
    public var bytes = 0
    public var seconds = 0.0
    /// True when the full-text index was built on a second thread (a load into an empty store).
    public internal(set) var fullTextBuiltAside = false
    /// Problems worth telling that did not stop the import (e.g. questions without an answer).
    public var warnings: [String] = []

    public init(file: String, format: ImportFormat, source: String) {
        self.file = file
        self.format = format
        self.source = source
    }
}

/// Progress of a running import, for a terminal display.
public struct ImportProgress: Sendable {
    public var records: Int
    public var bytesRead: Int
    public var totalBytes: Int
    public var elapsed: Double
    /// After the records are read: what the import is doing now ("building indexes", ...).
    public var phase: String? = nil
}

/// Why an import failed. Every case says which file (and line and record) and what to do.
public enum ImportError: Error, CustomStringConvertible, Equatable {
    case fileNotFound(String)
    case unreadable(path: String, reason: String)
    case syntax(JSONSyntaxError)
    case invalidRecord(path: String, line: Int, column: Int, index: Int, reason: String)
    case unknownLayout(path: String, keys: [String])
    case needsAnswers(path: String)
    case answerMismatch(path: String, line: Int, questionId: String, reason: String)
    case badMap(String)

    public var description: String {
        switch self {
        case let .fileNotFound(path):
            return "\(path): no such file. Check the path."
        case let .unreadable(path, reason):
            return "\(path): cannot be read: \(reason)."
        case let .syntax(error):
            return "\(error). The file is not valid JSON there; fix it (nothing was imported)."
        case let .invalidRecord(path, line, column, index, reason):
            return "\(path):\(line):\(column): record \(index): \(reason). Nothing was imported; fix the record, or pass --skip-invalid FILE to import the valid records and list the rejected ones in FILE."
        case let .unknownLayout(path, keys):
            return "\(path): the records have neither 'conversations' (LLaVA) nor a known instruction/answer pair (keys: \(keys.joined(separator: ", "))). Name the fields with --map instruction=KEY,answer=KEY[,id=KEY,image=KEY]."
        case let .needsAnswers(path):
            return "\(path) holds MM-Instruct questions without answers. Pass one --answers FILE per model."
        case let .answerMismatch(path, line, questionId, reason):
            return "\(path):\(line): question_id \(questionId): \(reason). Nothing was imported; fix the answer file, or pass --skip-invalid FILE."
        case let .badMap(reason):
            return "--map: \(reason). Example: --map id=id,image=image,instruction=instruction,answer=output"
        }
    }
}
