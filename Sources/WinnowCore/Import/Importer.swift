import Foundation
import GRDB

/// Imports a file into a store: streaming, in one transaction, all or nothing.
///
/// ```swift
/// var options = ImportOptions(path: "llava_v1_5_mix665k.json")
/// options.imageRoot = "/data/llava"
/// let report = try Importer(store: store).run(options)
/// ```
///
/// A file imported before is matched by path and source: unchanged, the import is a no-op;
/// changed, items are matched by provenance (original id and occurrence, or index) and
/// updated in place, keeping every decision and edit.
public final class Importer {
    public let store: Store
    /// Called about ten times a second with the progress; nil for silence.
    public var onProgress: ((ImportProgress) -> Void)?

    public init(store: Store) {
        self.store = store
    }

    /// The import connection's page cache, which also bounds the index builds' in-memory
    /// sorts (they spill to files beyond it). 32 MB imports as fast as 128 MB did, in 100 MB
    /// less memory.
    static let writerCacheKilobytes = 32 * 1024

    /// Runs the import.
    ///
    /// - Throws: ``ImportError`` for bad input (the store is left exactly as it was),
    ///   `DatabaseError` for store failures.
    public func run(_ options: ImportOptions) throws -> ImportReport {
        let started = Date()
        let path = absolutePath(options.path)
        let file = try FileFacts(path: path)
        let format = try detectFormat(options, path: path)
        let source = options.source ?? (path as NSString).lastPathComponent.deletingExtension
        var report = ImportReport(file: path, format: format, source: source)
        report.bytes = file.size

        // Side inputs are small next to the main file: read them first, so their errors come
        // before any write, and their hashes join the no-op check.
        let captions = try options.captions.map { try CaptionTable(path: absolutePath($0)) }
        let answers = format == .mmInstruct ? try AnswerSet(paths: options.answers.map(absolutePath), models: options.models) : nil
        let map = format == .mapped ? try options.fieldMap ?? detectMap(path: path) : nil
        let optionsText = optionsJSON(options, format: format, map: map, captions: captions, answers: answers)

        if let previous = try store.read({ db in try Self.previousImport(db, file: path, source: source) }),
           previous.size == file.size, previous.options == optionsText,
           try sha256(of: path) == previous.sha256 {
            report.noOp = true
            report.importId = previous.id
            report.seconds = Date().timeIntervalSince(started)
            return report
        }

        let rejects = try options.rejectsPath.map { try RejectWriter(path: absolutePath($0)) }
        defer { rejects?.close() }
        let imageRoot = options.imageRoot.map(absolutePath)

        var commit: PhaseClock?
        let connection = try store.dedicatedWriter(cacheKilobytes: Self.writerCacheKilobytes)
        try connection.writeWithoutTransaction { db in
            // Sorts (the index builds after a load into an empty store) spill to files, not to
            // memory as the store's temporary files do: that keeps the memory bound and lets
            // SQLite sort on helper threads. Set outside the transaction, where it may change.
            try db.execute(sql: "PRAGMA temp_store = FILE")
            try db.execute(sql: "PRAGMA threads = 2")
            try db.inTransaction(.immediate) {
                let writer = try ItemWriter(db, sourceFile: path, source: source, imageRoot: imageRoot,
                                            storePath: absolutePath(store.path))
                defer { writer.finalize() }
                let importId = try Self.insertImport(db, file: file, format: format, source: source,
                                                     imageRoot: imageRoot, options: optionsText, reviewer: options.reviewer)
                writer.importId = importId
                report.importId = importId

                let hasher = try HashSink()
                switch format {
                case .mmInstruct:
                    guard let answers else { throw ImportError.needsAnswers(path: path) }
                    try importQuestions(path: path, answers: answers, captions: captions, writer: writer,
                                        rejects: rejects, report: &report, hasher: hasher)
                default:
                    try importRecords(path: path, format: format, map: map, captions: captions, writer: writer,
                                      rejects: rejects, report: &report, hasher: hasher)
                }
                report.removed = try writer.markRemoved()
                TimingLog.importing(String(format: "records: %.2f s wall; writer thread CPU: items %.2f s, full text %.2f s, all %.2f s",
                                           Date().timeIntervalSince(started), writer.itemSeconds, writer.textSeconds,
                                           PhaseClock.threadCPU()))
                report.fullTextBuiltAside = writer.buildsFullTextAside
                let announce: (String) -> Void = { [onProgress, records = report.records] phase in
                    onProgress?(ImportProgress(records: records, bytesRead: file.size, totalBytes: file.size,
                                               elapsed: Date().timeIntervalSince(started), phase: phase))
                }
                try writer.finish(announce: announce)
                report.added = writer.added
                report.changed = writer.changed
                report.unchanged = writer.unchanged
                let hashWait = PhaseClock()
                let digest = hasher.finalize()
                hashWait.report("SHA-256 wait", to: .importing)
                try db.execute(sql: """
                    UPDATE imports SET sha256 = ?, records = ?, added = ?, changed = ?, unchanged = ?, removed = ?,
                        skipped = ?, duplicate_ids = ?, finished_at = ? WHERE id = ?
                    """, arguments: [digest, report.records, report.added, report.changed, report.unchanged,
                                     report.removed, report.skipped, report.duplicateIds, Timestamp.now(), importId])
                announce("writing to disk")
                commit = PhaseClock()
                return .commit
            }
        }
        commit?.report("commit", to: .importing)
        let checkpoint = PhaseClock()
        try? connection.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        checkpoint.report("checkpoint", to: .importing)
        TimingLog.importing(String(format: "total %.2f s wall, process CPU %.2f s", Date().timeIntervalSince(started), PhaseClock.processCPU()))
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    // MARK: - Formats

    private func detectFormat(_ options: ImportOptions, path: String) throws -> ImportFormat {
        if !options.answers.isEmpty { return .mmInstruct }
        if options.format != .auto { return options.format }
        if options.fieldMap != nil { return .mapped }
        let reader = try openReader(path)
        guard let first = try readOrThrow(reader) else { return .llava }
        guard case let .object(object) = first.value else { return .llava }
        if object["conversations"] != nil { return .llava }
        if object["question_id"] != nil, object["text"] != nil { throw ImportError.needsAnswers(path: path) }
        if FieldMap.detect(object) != nil { return .mapped }
        throw ImportError.unknownLayout(path: path, keys: object.keys)
    }

    private func detectMap(path: String) throws -> FieldMap {
        let reader = try openReader(path)
        guard let first = try readOrThrow(reader), case let .object(object) = first.value else {
            throw ImportError.unknownLayout(path: path, keys: [])
        }
        guard let map = FieldMap.detect(object) else { throw ImportError.unknownLayout(path: path, keys: object.keys) }
        return map
    }

    private func importRecords(path: String, format: ImportFormat, map: FieldMap?, captions: CaptionTable?,
                               writer: ItemWriter, rejects: RejectWriter?, report: inout ImportReport,
                               hasher: HashSink) throws {
        let reader = try openReader(path)
        reader.onChunk = { chunk in hasher.update(chunk) }
        let producer = RecordProducer(path: path, format: format, map: map, captions: captions, reader: reader,
                                      rejects: rejects, ticker: ProgressTicker(onProgress))
        try ItemPipeline().run(produce: producer.produce, consume: writer.write)
        reader.onChunk = nil
        report.records += producer.records
        report.skipped += producer.skipped
        report.duplicateIds += producer.duplicateIds
    }

    private func importQuestions(path: String, answers: AnswerSet, captions: CaptionTable?, writer: ItemWriter,
                                 rejects: RejectWriter?, report: inout ImportReport, hasher: HashSink) throws {
        let reader = try openReader(path)
        reader.onChunk = { chunk in hasher.update(chunk) }
        let producer = QuestionProducer(path: path, answers: answers, captions: captions, reader: reader,
                                        rejects: rejects, ticker: ProgressTicker(onProgress))
        try ItemPipeline().run(produce: producer.produce, consume: writer.write)
        reader.onChunk = nil
        report.records += producer.records
        report.skipped += producer.skipped
        report.duplicateIds += producer.duplicateIds
        report.warnings += producer.warnings
        // Answers to questions that are not in the question file mean the files do not belong together.
        for file in answers.files {
            for (key, answer) in file.answers.sorted(by: { $0.value.line < $1.value.line })
            where producer.seenQuestions[key] == nil {
                let reason = "no question with this id in \(path)"
                guard let rejects else {
                    throw ImportError.answerMismatch(path: file.path, line: answer.line, questionId: key, reason: reason)
                }
                try rejects.write(path: file.path, line: answer.line, column: 1, index: answer.line - 1,
                                  reason: reason, raw: answer.text)
                report.skipped += 1
            }
        }
    }

    // MARK: - Helpers

    private func openReader(_ path: String) throws -> JSONRecordReader {
        do {
            return try JSONRecordReader(path: path)
        } catch let error as JSONSyntaxError {
            throw ImportError.syntax(error)
        }
    }

    private func readOrThrow(_ reader: JSONRecordReader) throws -> JSONRecord? {
        do {
            return try reader.next()
        } catch let error as JSONSyntaxError {
            throw ImportError.syntax(error)
        }
    }

    private func optionsJSON(_ options: ImportOptions, format: ImportFormat, map: FieldMap?,
                             captions: CaptionTable?, answers: AnswerSet?) -> String {
        var object = JSONObject()
        object.set("format", .string(format.rawValue))
        if let root = options.imageRoot { object.set("images", .string(absolutePath(root))) }
        if let map { object.set("map", .string(map.text)) }
        if let captions { object.set("captions", .object(JSONObject(keys: ["file", "sha256"], values: [.string(captions.path), .string(captions.sha256)]))) }
        if let answers {
            object.set("answers", .array(answers.files.map { file in
                .object(JSONObject(keys: ["file", "model", "sha256"], values: [.string(file.path), .string(file.model), .string(file.sha256)]))
            }))
        }
        return JSONValue.object(object).jsonText
    }

    struct PreviousImport {
        var id: Int64
        var size: Int
        var sha256: String
        var options: String
    }

    static func previousImport(_ db: Database, file: String, source: String) throws -> PreviousImport? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT id, size, sha256, options FROM imports
            WHERE file = ? AND source = ? AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1
            """, arguments: [file, source]) else { return nil }
        return PreviousImport(id: row["id"], size: row["size"], sha256: row["sha256"], options: row["options"])
    }

    static func insertImport(_ db: Database, file: FileFacts, format: ImportFormat, source: String,
                             imageRoot: String?, options: String, reviewer: String) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO imports(file, size, mtime, sha256, format, source, image_root, options, reviewer, started_at)
            VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, ?)
            """, arguments: [file.path, file.size, file.mtime, format.rawValue, source, imageRoot, options, reviewer, Timestamp.now()])
        return db.lastInsertedRowID
    }
}

/// Size and modification time of a file, or a clear error.
struct FileFacts {
    var path: String
    var size: Int
    var mtime: Double

    init(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { throw ImportError.fileNotFound(path) }
            throw ImportError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw ImportError.unreadable(path: path, reason: "it is not a regular file")
        }
        self.path = path
        size = Int(info.st_size)
        mtime = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }
}

/// The running SHA-256 of the bytes a reader has read, computed on a second thread so the
/// import's own thread only copies each chunk.
final class HashSink: @unchecked Sendable {
    private let sha: SHA256
    private let queue = DispatchQueue(label: "winnow.sha256")
    /// At most four chunks wait to be hashed, so memory stays bounded.
    private let slots = DispatchSemaphore(value: 4)

    init() throws {
        sha = try SHA256()
    }

    func update(_ chunk: UnsafeRawBufferPointer) {
        let copy = [UInt8](chunk)
        slots.wait()
        queue.async {
            copy.withUnsafeBytes { self.sha.update($0) }
            self.slots.signal()
        }
    }

    /// Waits for the queued chunks and returns the hex digest.
    func finalize() -> String {
        queue.sync { sha.finalize() }
    }
}

/// Calls back at most ten times a second.
final class ProgressTicker: @unchecked Sendable {
    private let callback: ((ImportProgress) -> Void)?
    private let started = Date()
    private var last = Date.distantPast
    private var counter = 0

    init(_ callback: ((ImportProgress) -> Void)?) { self.callback = callback }

    func tick(records: Int, bytes: Int, total: Int) {
        guard let callback else { return }
        counter += 1
        guard counter % 256 == 0 else { return }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.1 else { return }
        last = now
        callback(ImportProgress(records: records, bytesRead: bytes, totalBytes: total, elapsed: now.timeIntervalSince(started)))
    }
}

/// Resolves a path against the current directory, without touching symlinks.
public func absolutePath(_ path: String) -> String {
    let expanded = (path as NSString).expandingTildeInPath
    if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
    let cwd = FileManager.default.currentDirectoryPath
    return ((cwd as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
}

/// SHA-256 of a whole file, read in chunks.
public func sha256(of path: String) throws -> String {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw ImportError.unreadable(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    let hasher = try SHA256()
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    while true {
        let count = read(fd, buffer.baseAddress, buffer.count)
        if count < 0 { throw ImportError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        if count == 0 { break }
        hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }
    return hasher.finalize()
}

/// FNV-1a, 64 bit, over a string's UTF-8.
func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return hash
}

extension String {
    var deletingExtension: String { (self as NSString).deletingPathExtension }
}
