import Foundation

/// The per-record work that needs no shared state: image path rewriting, normalisation and
/// the rules that look only at the record. Safe to run on the reading thread.
struct RecordPreparation: Sendable {
    var fixTokens: Bool
    var imageMaps: [ImagePathMap]
    var imagePrefix: String?

    func prepare(_ record: inout ExportRecord, store: Bool, fixes: inout NormalisationFixes) {
        if let image = record.image { record.image = rewrite(image, store: store) }
        guard !record.isMalformed else { return }
        record.normalise(fixTokens: fixTokens, fixes: &fixes)
        record.problems.append(contentsOf: record.validate(fixTokens: fixTokens))
    }

    /// `--image-map` (first match), else `--image-prefix` for store items.
    func rewrite(_ image: String, store: Bool) -> String {
        for map in imageMaps where image.hasPrefix(map.old) {
            return map.new + image.dropFirst(map.old.count)
        }
        if store, let prefix = imagePrefix { return prefix + image }
        return image
    }
}

/// Prepared records of a combined file, with what the reading thread counted.
struct FileBatch: Sendable {
    var records: [ExportRecord]
    var fixes: NormalisationFixes
    var bytesRead: Int
    var fileSize: Int
    var last: Bool
}

/// Reads one combined file into prepared batches (runs on its own thread).
struct FileReading: Sendable {
    var path: String
    var part: Int
    var source: String
    var fileName: String
    var preparation: RecordPreparation
    var batchSize: Int

    func run(into queue: BatchQueue<FileBatch>) throws {
        let reader: JSONRecordReader
        do {
            reader = try JSONRecordReader(path: path)
        } catch let error as JSONSyntaxError {
            throw ExportError.syntax(error)
        } catch let error as JSONFileError {
            throw ExportError.cannotRead(path: path, reason: error.message)
        }
        var batch = FileBatch(records: [], fixes: NormalisationFixes(), bytesRead: 0, fileSize: reader.fileSize, last: false)
        batch.records.reserveCapacity(batchSize)
        var checkedLayout = false
        var index = 0
        while true {
            var record: ExportRecord
            do {
                guard let next = try reader.next() else { break }
                index = next.index + 1
                if !checkedLayout {
                    checkedLayout = true
                    if case let .object(object) = next.value, object["conversations"] == nil {
                        throw ExportError.notConversations(path: path, keys: object.keys)
                    }
                }
                var emptyImage = false
                record = CombinedRecordMapper.map(
                    next.value,
                    origin: .file(part: part, file: fileName, source: source, line: next.line, column: next.column, index: next.index),
                    emptyImage: &emptyImage)
                if emptyImage { batch.fixes.emptyImages += 1 }
                preparation.prepare(&record, store: false, fixes: &batch.fixes)
            } catch let error as JSONSyntaxError {
                guard reader.layout == .lines else { throw ExportError.syntax(error) }
                _ = reader.skipBadLine()
                record = ExportRecord(idJSON: nil, image: nil, turns: [], model: nil, caption: nil, category: nil, extra: nil,
                                      origin: .file(part: part, file: fileName, source: source, line: error.line,
                                                    column: error.column, index: index))
                record.problems.append(ExportIssue(kind: ExportProblemKind.badJSON, detail: error.message))
                index += 1
            } catch let error as JSONFileError {
                throw ExportError.cannotRead(path: path, reason: error.message)
            }
            batch.records.append(record)
            if batch.records.count >= batchSize {
                batch.bytesRead = reader.bytesConsumed
                try queue.push(batch)
                batch.records = []
                batch.records.reserveCapacity(batchSize)
                batch.fixes = NormalisationFixes()
            }
        }
        batch.bytesRead = reader.fileSize
        batch.last = true
        try queue.push(batch)
    }
}

/// A bounded queue between one producer thread and one consumer thread. An error on
/// either side stops both: the producer's is rethrown by ``pop()``; after ``cancel()`` the
/// producer's next ``push(_:)`` throws, and `cancel` waits until the producer has finished.
final class BatchQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private let capacity: Int
    private var finished = false
    private var failure: Error?
    private var cancelled = false

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    struct Cancelled: Error {}

    /// Adds an element, waiting while the queue is full.
    func push(_ element: Element) throws {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        items.append(element)
        condition.broadcast()
    }

    /// The producer is done (with an error, or nil).
    func finish(_ error: Error?) {
        condition.lock()
        finished = true
        if !(error is Cancelled) { failure = error }
        condition.broadcast()
        condition.unlock()
    }

    /// The next element; nil once the producer finished and everything was taken.
    func pop() throws -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !finished { condition.wait() }
        if !items.isEmpty {
            let element = items.removeFirst()
            condition.broadcast()
            return element
        }
        if let failure { throw failure }
        return nil
    }

    /// The consumer gives up: the producer stops at its next push; waits until it has.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}
