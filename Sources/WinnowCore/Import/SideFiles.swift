import Foundation

/// Captions from a side file of `{"image": ..., "caption": ...}` records (JSON array or
/// JSON Lines; an MM-Instruct question file fits too), keyed by image path.
struct CaptionTable {
    let path: String
    let sha256: String
    private var captions: [String: String] = [:]

    init(path: String) throws {
        self.path = path
        let reader = try Self.open(path)
        let hasher = try HashSink()
        reader.onChunk = { hasher.update($0) }
        while let record = try Self.next(reader) {
            guard case let .object(object) = record.value,
                  let image = object["image"]?.stringValue, let caption = object["caption"]?.stringValue else {
                throw ImportError.invalidRecord(path: path, line: record.line, column: record.column, index: record.index,
                                                reason: "a caption record needs 'image' and 'caption' strings")
            }
            captions[image] = caption
        }
        sha256 = hasher.finalize()
    }

    func caption(for image: String) -> String? { captions[image] }

    static func open(_ path: String) throws -> JSONRecordReader {
        do { return try JSONRecordReader(path: path) } catch let error as JSONSyntaxError { throw ImportError.syntax(error) }
    }

    static func next(_ reader: JSONRecordReader) throws -> JSONRecord? {
        do { return try reader.next() } catch let error as JSONSyntaxError { throw ImportError.syntax(error) }
    }
}

/// MM-Instruct answer files, one per model, each keyed by `question_id`.
struct AnswerSet {
    struct Answer {
        var text: String
        var line: Int
        var hash: UInt64
    }

    struct File {
        var path: String
        var model: String
        var sha256: String
        var answers: [String: Answer]
    }

    let files: [File]

    /// - Parameters:
    ///   - paths: the answer files.
    ///   - models: model names in the same order; a missing one is the file name without extension.
    init(paths: [String], models: [String]) throws {
        var files: [File] = []
        for (position, path) in paths.enumerated() {
            let model = position < models.count ? models[position] : (path as NSString).lastPathComponent.deletingExtension
            let reader = try CaptionTable.open(path)
            let hasher = try HashSink()
            reader.onChunk = { hasher.update($0) }
            var answers: [String: Answer] = [:]
            while let record = try CaptionTable.next(reader) {
                guard case let .object(object) = record.value else {
                    throw ImportError.invalidRecord(path: path, line: record.line, column: record.column, index: record.index,
                                                    reason: "an answer must be a JSON object")
                }
                guard let id = object["question_id"], id.isScalarId else {
                    throw ImportError.invalidRecord(path: path, line: record.line, column: record.column, index: record.index,
                                                    reason: "'question_id' is missing or not a string or number")
                }
                guard let text = object["text"]?.stringValue else {
                    throw ImportError.invalidRecord(path: path, line: record.line, column: record.column, index: record.index,
                                                    reason: "'text' (the answer) is missing or not a string")
                }
                let key = id.jsonText
                if let first = answers[key] {
                    throw ImportError.answerMismatch(path: path, line: record.line, questionId: id.plainText,
                                                     reason: "answered twice (first on line \(first.line))")
                }
                answers[key] = Answer(text: text, line: record.line, hash: record.contentHash)
            }
            files.append(File(path: path, model: model, sha256: hasher.finalize(), answers: answers))
        }
        self.files = files
    }
}

/// Writes rejected records, one JSON object per line:
/// `{"file", "line", "column", "record", "reason", "value" | "text"}`.
final class RejectWriter {
    let path: String
    private let handle: FileHandle

    init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw ImportError.unreadable(path: path, reason: "cannot create the --skip-invalid file")
        }
        self.handle = handle
    }

    func write(path file: String, line: Int, column: Int, index: Int, reason: String, value: JSONValue) throws {
        try emit(file: file, line: line, column: column, index: index, reason: reason, payload: ("value", value))
    }

    func write(path file: String, line: Int, column: Int, index: Int, reason: String, raw: String) throws {
        try emit(file: file, line: line, column: column, index: index, reason: reason, payload: ("text", .string(raw)))
    }

    private func emit(file: String, line: Int, column: Int, index: Int, reason: String,
                      payload: (String, JSONValue)) throws {
        let object = JSONObject(
            keys: ["file", "line", "column", "record", "reason", payload.0],
            values: [.string(file), .number(String(line)), .number(String(column)), .number(String(index)),
                     .string(reason), payload.1])
        var bytes: [UInt8] = []
        JSONWriter.append(.object(object), to: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        try handle.write(contentsOf: Data(bytes))
    }

    func close() {
        try? handle.close()
    }
}
