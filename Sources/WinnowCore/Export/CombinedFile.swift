import Foundation

/// Turns records of a LLaVA conversation file given to `--combine` into ``ExportRecord``s,
/// with the same acceptance rules as the importer (``RecordMapper/llava(_:index:hash:)``).
enum CombinedRecordMapper {
    /// Keys that have a place of their own in ``ExportRecord``; the others are kept as extras.
    static let ownKeys: Set<String> = ["id", "image", "conversations", "model", "caption", "category"]

    /// The record, or a record carrying one `malformed_record` (or `no_conversation`) problem.
    ///
    /// - Parameter emptyImage: set when the record had `"image": ""` or `null`, which is
    ///   written as a text-only record (no `image` key).
    static func map(_ value: JSONValue, origin: RecordOrigin, emptyImage: inout Bool) -> ExportRecord {
        var record = ExportRecord(idJSON: nil, image: nil, turns: [], model: nil, caption: nil, category: nil,
                                  extra: nil, origin: origin)
        guard case let .object(object) = value else {
            return malformed(record, "the record is \(value.kindName), not a JSON object")
        }
        // `id` straight from the object: only its JSON text is needed.
        do throws(RecordProblem) {
            record.idJSON = try RecordMapper.identifier(object["id"], key: "id")?.jsonText
            record.image = try RecordMapper.optionalString(object["image"], key: "image")
            record.model = try plainString(object["model"], key: "model")
            record.caption = try plainString(object["caption"], key: "caption")
            record.category = try plainString(object["category"], key: "category")
        } catch {
            return malformed(record, error.reason)
        }
        // Present but null or "": written as a text-only record, without the key.
        if record.image == nil, object["image"] != nil { emptyImage = true }
        guard let conversations = object["conversations"] else {
            return malformed(record, "'conversations' is missing")
        }
        guard case let .array(list) = conversations else {
            return malformed(record, "'conversations' is \(conversations.kindName), not an array")
        }
        record.turns.reserveCapacity(list.count)
        for (position, entry) in list.enumerated() {
            guard case let .object(turn) = entry else {
                return malformed(record, "turn \(position + 1) is \(entry.kindName), not a {\"from\", \"value\"} object")
            }
            guard case let .string(role)? = turn["from"] else {
                return malformed(record, "turn \(position + 1) has no 'from' string")
            }
            guard case let .string(text)? = turn["value"] else {
                return malformed(record, "turn \(position + 1) has no 'value' string")
            }
            record.turns.append(Turn(role: role, text: text))
        }
        if object.count > 3 {
            var extra = JSONObject()
            for (key, value) in zip(object.keys, object.values) where !ownKeys.contains(key) {
                extra.set(key, value)
            }
            if extra.count > 0 { record.extra = extra }
        }
        return record
    }

    /// A string field kept as written (`"model": ""` stays `""`); absent or null is nil.
    private static func plainString(_ value: JSONValue?, key: String) throws(RecordProblem) -> String? {
        switch value {
        case nil, .null?: return nil
        case let .string(text)?: return text
        case let other?: throw RecordProblem(reason: "'\(key)' must be a string, found \(other.kindName)")
        }
    }

    private static func malformed(_ record: ExportRecord, _ reason: String) -> ExportRecord {
        var copy = record
        copy.turns = []
        copy.problems.append(ExportIssue(kind: ExportProblemKind.malformedRecord, detail: reason))
        return copy
    }
}

/// SHA-256 of a file computed on another thread while the export reads it.
final class BackgroundFileHash: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<String, ExportError>?
    private var cancelled = false

    init(path: String) {
        let thread = Thread { [self] in
            let outcome = hash(path)
            lock.lock()
            result = outcome
            lock.unlock()
            done.signal()
        }
        thread.start()
    }

    private func hash(_ path: String) -> Result<String, ExportError> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.cannotRead(path: path, reason: String(cString: strerror(errno)))) }
        defer { close(fd) }
        let hasher: SHA256
        do {
            hasher = try SHA256()
        } catch {
            return .failure(.cannotRead(path: path, reason: error.description))
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            if isCancelled { return .success("") }
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.cannotRead(path: path, reason: String(cString: strerror(errno))))
            }
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return .success(hasher.finalize())
    }

    private var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    /// Stops hashing (the export failed); ``value()`` then returns "".
    func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    /// Waits for the hash.
    func value() throws(ExportError) -> String {
        done.wait()
        done.signal()
        lock.lock()
        defer { lock.unlock() }
        switch result {
        case let .success(hex)?: return hex
        case let .failure(error)?: throw error
        case nil: return ""
        }
    }
}
