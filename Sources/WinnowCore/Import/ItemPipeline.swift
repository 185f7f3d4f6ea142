import Foundation

/// A parsed item ready for the store: the mapped record plus the text the writer needs,
/// prepared on the producer thread.
struct PreparedItem: Sendable {
    var item: ParsedItem
    var conversation: String
    var document: FullText.Document

    init(_ item: ParsedItem) {
        self.item = item
        conversation = Conversations.encode(item.turns)
        document = FullText.Document(turns: item.turns, caption: item.caption)
    }
}

/// Two-stage import: reading, parsing and mapping on a second thread; SQLite on the
/// calling thread (inside the import's transaction). A bounded queue between them keeps
/// memory flat; an error on either side stops both and is rethrown here.
final class ItemPipeline: @unchecked Sendable {
    private let condition = NSCondition()
    private var batches: [[PreparedItem]] = []
    private var producerDone = false
    private var producerError: Error?
    private var consumerFailed = false
    private let capacity = 8
    private let batchSize = 256

    /// Runs `produce` on a new thread, feeding `consume` on this one, until both are done.
    func run(produce: @escaping @Sendable (_ emit: (PreparedItem) throws -> Void) throws -> Void,
             consume: (PreparedItem) throws -> Void) throws {
        let thread = Thread { [self] in
            var batch: [PreparedItem] = []
            batch.reserveCapacity(batchSize)
            do {
                try produce { item in
                    batch.append(item)
                    if batch.count >= self.batchSize {
                        try self.push(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if !batch.isEmpty { try push(batch) }
                TimingLog.importing(String(format: "reader thread CPU %.2f s", PhaseClock.threadCPU()))
                finish(nil)
            } catch {
                finish(error)
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        do {
            while let batch = try pop() {
                for item in batch { try consume(item) }
            }
        } catch {
            condition.lock()
            consumerFailed = true
            condition.broadcast()
            // Wait for the producer to notice, so nothing runs after we return.
            while !producerDone { condition.wait() }
            condition.unlock()
            throw error
        }
    }

    private struct Cancelled: Error {}

    private func push(_ batch: [PreparedItem]) throws {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= capacity && !consumerFailed { condition.wait() }
        if consumerFailed { throw Cancelled() }
        batches.append(batch)
        condition.broadcast()
    }

    private func finish(_ error: Error?) {
        condition.lock()
        producerDone = true
        if !(error is Cancelled) { producerError = error }
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch; nil when the producer finished; throws the producer's error.
    private func pop() throws -> [PreparedItem]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !producerDone { condition.wait() }
        if !batches.isEmpty {
            let batch = batches.removeFirst()
            condition.broadcast()
            return batch
        }
        if let producerError { throw producerError }
        return nil
    }
}

/// Reads LLaVA or mapped records and maps them (the producer side of an import).
final class RecordProducer: @unchecked Sendable {
    let path: String
    let format: ImportFormat
    let map: FieldMap?
    let captions: CaptionTable?
    let reader: JSONRecordReader
    let rejects: RejectWriter?
    let ticker: ProgressTicker
    private(set) var records = 0
    private(set) var skipped = 0
    private(set) var duplicateIds = 0

    init(path: String, format: ImportFormat, map: FieldMap?, captions: CaptionTable?, reader: JSONRecordReader,
         rejects: RejectWriter?, ticker: ProgressTicker) {
        self.path = path
        self.format = format
        self.map = map
        self.captions = captions
        self.reader = reader
        self.rejects = rejects
        self.ticker = ticker
    }

    func produce(_ emit: (PreparedItem) throws -> Void) throws {
        var occurrences: [UInt64: UInt32] = [:]
        var index = 0
        while true {
            let record: JSONRecord
            do {
                guard let next = try reader.next() else { break }
                record = next
            } catch let error as JSONSyntaxError {
                guard let rejects, reader.layout == .lines else { throw ImportError.syntax(error) }
                let text = reader.skipBadLine()
                try rejects.write(path: path, line: error.line, column: error.column, index: index,
                                  reason: error.message, raw: text)
                skipped += 1
                index += 1
                continue
            }
            index = record.index + 1
            var item: ParsedItem
            do {
                if format == .mapped, let map {
                    item = try RecordMapper.mapped(record.value, map: map, index: record.index, hash: record.contentHash)
                } else {
                    item = try RecordMapper.llava(record.value, index: record.index, hash: record.contentHash)
                }
            } catch {
                guard let rejects else {
                    throw ImportError.invalidRecord(path: path, line: record.line, column: record.column,
                                                    index: record.index, reason: error.reason)
                }
                try rejects.write(path: path, line: record.line, column: record.column, index: record.index,
                                  reason: error.reason, value: record.value)
                skipped += 1
                continue
            }
            // Provenance key: the original id and its occurrence in the file, or the index.
            if let id = item.origId {
                let idText = id.jsonText
                let key = fnv1a(idText + "\u{1}" + (item.model ?? ""))
                let seen = occurrences[key, default: 0]
                occurrences[key] = seen + 1
                if seen > 0 { duplicateIds += 1 }
                item.provKey = "i:\(idText)#\(seen)" + (item.model.map { "|m:\($0)" } ?? "")
            } else {
                item.provKey = "n:\(record.index)"
            }
            if item.caption == nil, let image = item.image, let caption = captions?.caption(for: image) {
                item.caption = caption
                item.contentHash = item.contentHash &* 31 &+ fnv1a(caption)
            }
            try emit(PreparedItem(item))
            records += 1
            ticker.tick(records: records, bytes: reader.bytesConsumed, total: reader.fileSize)
        }
    }
}

/// Reads MM-Instruct questions and joins each with every model's answer.
final class QuestionProducer: @unchecked Sendable {
    let path: String
    let answers: AnswerSet
    let captions: CaptionTable?
    let reader: JSONRecordReader
    let rejects: RejectWriter?
    let ticker: ProgressTicker
    private(set) var records = 0
    private(set) var skipped = 0
    private(set) var duplicateIds = 0
    private(set) var warnings: [String] = []
    private(set) var seenQuestions: [String: Int] = [:]

    init(path: String, answers: AnswerSet, captions: CaptionTable?, reader: JSONRecordReader,
         rejects: RejectWriter?, ticker: ProgressTicker) {
        self.path = path
        self.answers = answers
        self.captions = captions
        self.reader = reader
        self.rejects = rejects
        self.ticker = ticker
    }

    func produce(_ emit: (PreparedItem) throws -> Void) throws {
        while true {
            let record: JSONRecord
            do {
                guard let next = try reader.next() else { break }
                record = next
            } catch let error as JSONSyntaxError {
                throw ImportError.syntax(error)
            }
            let question: (id: JSONValue, object: JSONObject)
            do {
                question = try RecordMapper.question(record.value)
            } catch {
                guard let rejects else {
                    throw ImportError.invalidRecord(path: path, line: record.line, column: record.column,
                                                    index: record.index, reason: error.reason)
                }
                try rejects.write(path: path, line: record.line, column: record.column, index: record.index,
                                  reason: error.reason, value: record.value)
                skipped += 1
                continue
            }
            let key = question.id.jsonText
            let occurrence = seenQuestions[key, default: 0]
            seenQuestions[key] = occurrence + 1
            if occurrence > 0 { duplicateIds += 1 }
            for file in answers.files {
                guard let answer = file.answers[key] else {
                    warnings.append("question_id \(question.id.plainText) has no answer in \(file.path)")
                    continue
                }
                var item = try RecordMapper.questionAnswer(
                    question: question.object, questionId: question.id, answer: answer.text, model: file.model,
                    index: record.index, hash: record.contentHash &* 31 &+ answer.hash)
                if item.caption == nil, let image = item.image, let caption = captions?.caption(for: image) {
                    item.caption = caption
                    item.contentHash = item.contentHash &* 31 &+ fnv1a(caption)
                }
                item.provKey = "q:\(key)#\(occurrence)|m:\(file.model)"
                try emit(PreparedItem(item))
                records += 1
            }
            ticker.tick(records: records, bytes: reader.bytesConsumed, total: reader.fileSize)
        }
    }
}
