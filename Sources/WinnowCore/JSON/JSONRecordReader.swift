#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Public types

/// A malformed JSON text, with the exact position of the problem.
///
/// `description` has the compiler-like form `<path>:<line>:<column>: <message>`, and the
/// message is a whole sentence naming what was expected and what was found.
public struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file path given to the reader (`<memory>` for ``parseJSON(_:path:)-([UInt8],_)``).
    public var path: String
    /// The 1-based line of the problem.
    public var line: Int
    /// The 1-based column of the problem, counted in bytes (a UTF-8 BOM is not counted).
    public var column: Int
    /// The 0-based byte offset of the problem in the file.
    public var byteOffset: Int
    /// What is wrong, e.g. `expected ',' or ']' after an array element, found 'x'`.
    public var message: String

    /// Creates an error.
    public init(path: String, line: Int, column: Int, byteOffset: Int, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
        self.message = message
    }

    /// `<path>:<line>:<column>: <message>`.
    public var description: String { "\(path):\(line):\(column): \(message)" }
}

/// A file that could not be opened or read.
public struct JSONFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file path given to the reader.
    public var path: String
    /// The POSIX `errno` value.
    public var code: Int32
    /// A whole sentence naming the path and the system's reason.
    public var message: String

    /// Creates an error.
    public init(path: String, code: Int32, message: String) {
        self.path = path
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// How the records of a JSON file are laid out.
public enum JSONLayout: String, Sendable {
    /// One top-level array whose elements are the records.
    case array
    /// JSON Lines: one value per line; blank lines are allowed.
    case lines
}

/// One record (top-level array element, or JSON Lines line) and where it is in the file.
public struct JSONRecord: Sendable {
    /// The 0-based record index in the file. In `lines` layout a line skipped with
    /// ``JSONRecordReader/skipBadLine()`` counts as a record, so indexes stay file positions.
    public var index: Int
    /// The 1-based line where the record starts.
    public var line: Int
    /// The 1-based column (in bytes) where the record starts.
    public var column: Int
    /// The 0-based byte offset where the record starts.
    public var byteOffset: Int
    /// The length in bytes of the record's JSON text (without surrounding whitespace or commas).
    public var byteLength: Int
    /// The parsed record.
    public var value: JSONValue
    /// FNV-1a 64 of the record's raw bytes, `byteOffset ..< byteOffset + byteLength`.
    public var contentHash: UInt64

    /// Creates a record.
    public init(index: Int, line: Int, column: Int, byteOffset: Int, byteLength: Int,
                value: JSONValue, contentHash: UInt64) {
        self.index = index
        self.line = line
        self.column = column
        self.byteOffset = byteOffset
        self.byteLength = byteLength
        self.value = value
        self.contentHash = contentHash
    }
}

// MARK: - Reader

/// Streams the records of a JSON array file or a JSON Lines file, in constant memory.
///
/// The file is read in fixed-size chunks with `read(2)`; records are parsed straight out of
/// the chunk buffer and a record cut by the end of a chunk is carried over to the next
/// read. The buffer only grows when a single record is bigger than about half the chunk
/// size, so memory does not depend on the file size. Parsing is strict RFC 8259: invalid
/// UTF-8 (overlong forms, encoded surrogates, truncated sequences), raw control characters
/// in strings, leading zeros, `NaN` and nesting deeper than 512 levels are errors with the
/// exact line and column.
///
/// A `\uXXXX` escape of a lone UTF-16 surrogate (a high surrogate not followed by a low
/// one, or a low surrogate alone) cannot be represented in a Swift `String` and is
/// decoded as U+FFFD REPLACEMENT CHARACTER; the raw bytes (and so ``JSONRecord/contentHash``)
/// are untouched.
///
/// ```swift
/// let reader = try JSONRecordReader(path: "llava_v1_5_mix665k.json")
/// reader.onChunk = { sha.update($0) }
/// while let record = try reader.next() {
///     print(record.index, record.value.objectValue?["id"]?.jsonText ?? "-")
/// }
/// ```
public final class JSONRecordReader {
    /// The file path given to the initialiser.
    public let path: String
    /// The layout, detected from the first byte when none was given.
    public private(set) var layout: JSONLayout
    /// The size of the file in bytes when it was opened.
    public let fileSize: Int
    /// The number of bytes parsed so far (for a progress display; at most ``fileSize``).
    public var bytesConsumed: Int { bufferFileOffset + pos }
    /// An observer of every byte chunk read from the file, in order, exactly once each.
    ///
    /// Set it before the first call to ``next()``: the bytes read while opening the file
    /// (to detect the layout) are delivered at the start of that first call.
    public var onChunk: ((UnsafeRawBufferPointer) -> Void)?

    private enum Phase {
        case expectOpenBracket, arrayFirst, arrayNext, afterArray, lines, finished
        case failed(JSONSyntaxError)
    }

    private let fd: Int32
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Valid bytes in `buffer`.
    private var filled = 0
    /// Committed parse position in `buffer`.
    private var pos = 0
    /// File offset of `buffer[0]`.
    private var bufferFileOffset = 0
    /// File offset up to which `onChunk` has seen the bytes.
    private var reportedUpTo = 0
    private var eof = false
    /// Line number of the committed position.
    private var line = 1
    /// File offset of the first byte of that line.
    private var lineStartOffset = 0
    private var phase: Phase = .finished
    private var recordIndex = 0
    /// The parser's reusable stacks and scratch bytes (manually managed, freed in deinit).
    private let workspace: UnsafeMutablePointer<JSONParserWorkspace>
    private let stringCache = JSONStringCache(bits: 8)
    /// Where the last syntax error of a `lines` file happened, for `skipBadLine()`.
    private var badLine: (line: Int, lineStartOffset: Int)?
    /// A read error met by `skipBadLine()`, thrown by the next `next()`.
    private var pendingReadError: JSONFileError?
    /// Records parsed ahead, in reverse order (`popLast()` gives the next one).
    private var ready: [JSONRecord] = []
    /// Records being parsed ahead (kept to reuse its storage).
    private var batch: [JSONRecord] = []
    /// A syntax error met while parsing ahead, thrown once `ready` is empty.
    private var deferredError: JSONSyntaxError?
    /// At most this many records, or this many bytes of records, are parsed ahead.
    private static let batchRecords = 8
    private static let batchBytes = 1 << 20

    /// The most bytes of a bad line that ``skipBadLine()`` returns.
    static let maxBadLineBytes = 1 << 20

    /// Opens the file and detects its layout.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - layout: The layout, or nil to detect it from the first non-whitespace byte
    ///     (`[` means `array`, `{` means `lines`; a UTF-8 BOM is skipped).
    ///   - chunkSize: The number of bytes per `read(2)`; 4 MiB by default.
    /// - Throws: ``JSONSyntaxError`` when the file is empty or starts with something else
    ///   than the layout needs; ``JSONFileError`` when it cannot be opened or read.
    public init(path: String, layout: JSONLayout? = nil, chunkSize: Int = 4 << 20) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw JSONFileError.system(path: path, code: errno, action: "open")
        }
        var info = stat()
        if fstat(descriptor, &info) != 0 {
            let code = errno
            close(descriptor)
            throw JSONFileError.system(path: path, code: code, action: "inspect")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw JSONFileError(path: path, code: EISDIR,
                                message: "Cannot read \(path): it is a directory; give the path of a .json or .jsonl file.")
        }
        fd = descriptor
        fileSize = Int(info.st_size)
        workspace = UnsafeMutablePointer<JSONParserWorkspace>.allocate(capacity: 1)
        workspace.initialize(to: JSONParserWorkspace())
        capacity = max(1, chunkSize)
        buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        self.layout = layout ?? .array
        #if canImport(Glibc)
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
        try detectLayout(requested: layout)
    }

    deinit {
        close(fd)
        buffer.deallocate()
        workspace.pointee.release()
        workspace.deinitialize(count: 1)
        workspace.deallocate()
    }

    /// Reads the next record.
    ///
    /// - Returns: The record, or nil at the end of the file.
    /// - Throws: ``JSONSyntaxError`` with the exact position on malformed JSON, invalid
    ///   UTF-8, or text after the closing `]`; ``JSONFileError`` when reading fails. In
    ///   `array` layout a syntax error is final (later calls throw it again); in `lines`
    ///   layout call ``skipBadLine()`` to go on with the next line.
    public func next() throws -> JSONRecord? {
        if let record = ready.popLast() { return record }
        if let error = pendingReadError {
            pendingReadError = nil
            throw error
        }
        if let error = deferredError {
            deferredError = nil
            throw error
        }
        if case let .failed(error) = phase { throw error }
        flushReports()
        // Parse a batch of records out of the current buffer, then hash them together: the
        // FNV-1a chains of four records interleave, which hides the multiply latency.
        var batchBytes = 0
        while batch.count < Self.batchRecords && batchBytes < Self.batchBytes {
            var parser = makeParser()
            do throws(JSONParseStop) {
                let record = try step(&parser)
                guard let record else { break }
                batchBytes += record.byteLength
                batch.append(record)
            } catch .needMore {
                // The batch's raw bytes must stay in the buffer until they are hashed.
                if !batch.isEmpty { break }
                if eof {
                    // Cannot happen: a parser at the end of the file never asks for more.
                    throw syntaxError(at: parser.end, parser: parser,
                                      message: "the file ends in the middle of a JSON value")
                }
                try refill()
            } catch let .syntax(offset, message) {
                let error = syntaxError(at: offset, parser: parser, message: message)
                if layout == .lines {
                    badLine = (parser.line, parser.lineStart + bufferFileOffset)
                } else {
                    phase = .failed(error)
                }
                if batch.isEmpty { throw error }
                deferredError = error
                break
            }
        }
        if batch.isEmpty { return nil }
        hashBatch()
        ready.reserveCapacity(batch.count)
        while let record = batch.popLast() { ready.append(record) }
        return ready.popLast()
    }

    /// Sets `contentHash` of every record in `batch` (their bytes are still in the buffer).
    private func hashBatch() {
        let base = UnsafePointer(buffer)
        let offset = bufferFileOffset
        batch.withUnsafeMutableBufferPointer { records in
            JSONScan.fnv1a64Interleaved(count: records.count,
                                        slice: { (base + (records[$0].byteOffset - offset), records[$0].byteLength) },
                                        store: { records[$0].contentHash = $1 })
        }
    }

    /// Skips the rest of the line where the last syntax error happened (`lines` layout only).
    ///
    /// After ``next()`` threw a ``JSONSyntaxError`` this moves to the start of the next line
    /// so that reading can go on (Winnow's `--skip-invalid`). The skipped line counts as a
    /// record for ``JSONRecord/index``.
    ///
    /// - Returns: The raw text of the bad line, decoded leniently (invalid UTF-8 becomes
    ///   U+FFFD), without its line break and cut after 1 MiB; an empty string when there is
    ///   nothing to skip (no pending error, or `array` layout).
    public func skipBadLine() -> String {
        guard layout == .lines, ready.isEmpty, deferredError == nil, let bad = badLine else { return "" }
        badLine = nil
        recordIndex += 1
        var collected: [UInt8] = []
        var truncated = false
        func collect(_ from: Int, _ to: Int) {
            let room = Self.maxBadLineBytes - collected.count
            let count = min(room, to - from)
            if count > 0 { collected.append(contentsOf: UnsafeBufferPointer(start: buffer + from, count: count)) }
            if to - from > count { truncated = true }
        }
        var start = max(pos, bad.lineStartOffset - bufferFileOffset)
        while true {
            let searched = filled - start
            if searched > 0, let hit = memchr(buffer + start, 0x0A, searched) {
                let newline = buffer.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                collect(start, newline)
                pos = newline + 1
                line = bad.line + 1
                lineStartOffset = bufferFileOffset + pos
                break
            }
            collect(start, filled)
            pos = filled
            line = bad.line
            lineStartOffset = bad.lineStartOffset
            if eof { break }
            do {
                try refill()
            } catch let error as JSONFileError {
                pendingReadError = error
                break
            } catch {
                break
            }
            start = pos
        }
        if collected.last == 0x0D { collected.removeLast() }
        var text = String(decoding: collected, as: UTF8.self)
        if truncated { text += "…" }
        return text
    }

    // MARK: Parsing steps

    private func makeParser() -> JSONByteParser {
        JSONByteParser(base: buffer, writable: true, end: filled, pos: pos, atEOF: eof, cache: stringCache, work: workspace, line: line,
                       lineStart: lineStartOffset - bufferFileOffset, singleLine: false)
    }

    /// Saves the parser's position as the point to restart from after a refill.
    private func commit(_ parser: JSONByteParser) {
        pos = parser.pos
        line = parser.line
        lineStartOffset = parser.lineStart + bufferFileOffset
    }

    /// Skips whitespace, committing the progress, and returns the next byte (or -1 at the end).
    private func skipAndCommit(_ parser: inout JSONByteParser) throws(JSONParseStop) -> Int {
        let byte = parser.peekTokenOrNeedMore()
        if layout == .lines {
            // Keep the start of the record's line in the buffer, for skipBadLine().
            pos = max(pos, parser.lineStart)
            line = parser.line
            lineStartOffset = parser.lineStart + bufferFileOffset
        } else {
            commit(parser)
        }
        if byte == JSONByteParser.needMoreByte { throw .needMore }
        return byte
    }

    private func step(_ parser: inout JSONByteParser) throws(JSONParseStop) -> JSONRecord? {
        while true {
            switch phase {
            case .expectOpenBracket:
                let byte = try skipAndCommit(&parser)
                guard byte == JSONASCII.openBracket else {
                    throw parser.fail(parser.pos, "expected '[' to open the top-level array of records, found \(parser.describe(byte, at: parser.pos))")
                }
                parser.pos += 1
                commit(parser)
                phase = .arrayFirst
            case .arrayFirst:
                let byte = try skipAndCommit(&parser)
                if byte == JSONASCII.closeBracket {
                    parser.pos += 1
                    commit(parser)
                    phase = .afterArray
                    continue
                }
                return try parseRecord(&parser)
            case .arrayNext:
                let byte = try skipAndCommit(&parser)
                if byte == JSONASCII.comma {
                    parser.pos += 1
                    let following = try parser.peekToken()
                    if following == JSONASCII.closeBracket {
                        throw parser.fail(parser.pos, "found ']' after ','; JSON does not allow a comma after the last array element")
                    }
                    return try parseRecord(&parser)
                }
                if byte == JSONASCII.closeBracket {
                    parser.pos += 1
                    commit(parser)
                    phase = .afterArray
                    continue
                }
                throw parser.fail(parser.pos, "expected ',' or ']' after an array element, found \(parser.describe(byte, at: parser.pos))")
            case .afterArray:
                let byte = try skipAndCommit(&parser)
                if byte == JSONByteParser.endOfInput {
                    phase = .finished
                    return nil
                }
                throw parser.fail(parser.pos, "found \(parser.describe(byte, at: parser.pos)) after the closing ']' of the top-level array; nothing but whitespace may follow it")
            case .lines:
                let byte = try skipAndCommit(&parser)
                if byte == JSONByteParser.endOfInput {
                    phase = .finished
                    return nil
                }
                return try parseRecord(&parser)
            case .finished:
                return nil
            case .failed:
                return nil
            }
        }
    }

    private func parseRecord(_ parser: inout JSONByteParser) throws(JSONParseStop) -> JSONRecord {
        let start = parser.pos
        let startLine = parser.line
        let startColumn = start - parser.lineStart + 1
        let isLines = layout == .lines
        parser.singleLine = isLines
        parser.work.pointee.reset()
        let value = try parser.parseValue(depth: isLines ? 0 : 1)
        let end = parser.pos
        if isLines {
            try parser.expectEndOfLine()
            phase = .lines
        } else {
            phase = .arrayNext
        }
        commit(parser)
        // contentHash is set by hashBatch().
        let record = JSONRecord(index: recordIndex, line: startLine, column: startColumn,
                                byteOffset: bufferFileOffset + start, byteLength: end - start,
                                value: value, contentHash: 0)
        recordIndex += 1
        return record
    }

    private func syntaxError(at offset: Int, parser: JSONByteParser, message: String) -> JSONSyntaxError {
        JSONSyntaxError(path: path, line: parser.line, column: max(1, offset - parser.lineStart + 1),
                        byteOffset: bufferFileOffset + offset, message: message)
    }

    // MARK: Layout detection

    private func detectLayout(requested: JSONLayout?) throws {
        while filled < 3 && !eof { try refill(retainAll: true) }
        if filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
            pos = 3
            lineStartOffset = 3
        }
        var index = pos
        while true {
            while index < filled, JSONScan.isWhitespace(buffer[index]) { index += 1 }
            if index < filled || eof { break }
            try refill(retainAll: true)
        }
        let found: Int = index < filled ? Int(buffer[index]) : JSONByteParser.endOfInput
        var parser = makeParser()
        parser.atEOF = true
        parser.end = filled
        if requested == .lines || (requested == nil && found == JSONASCII.openBrace) {
            layout = .lines
            phase = .lines
            return
        }
        if found == JSONASCII.openBracket {
            layout = .array
            phase = .expectOpenBracket
            return
        }
        // Position the error: count the line breaks in the leading whitespace.
        _ = parser.peekTokenOrNeedMore()
        let message: String
        if requested == .array {
            message = "expected '[' to open the top-level array of records, found \(parser.describe(found, at: index))"
        } else if found == JSONByteParser.endOfInput {
            message = filled > pos
                ? "the file contains only whitespace; expected a JSON array of records ('[') or JSON Lines (one '{' object per line)"
                : "the file is empty; expected a JSON array of records ('[') or JSON Lines (one '{' object per line)"
        } else {
            message = "expected '[' (a JSON array of records) or '{' (JSON Lines, one object per line) at the start of the file, found \(parser.describe(found, at: index))"
        }
        throw syntaxError(at: index, parser: parser, message: message)
    }

    // MARK: Buffer

    /// Delivers the bytes that `onChunk` has not seen yet.
    private func flushReports() {
        let available = bufferFileOffset + filled
        guard let onChunk, reportedUpTo < available else { return }
        let from = max(reportedUpTo, bufferFileOffset) - bufferFileOffset
        onChunk(UnsafeRawBufferPointer(start: buffer + from, count: filled - from))
        reportedUpTo = available
    }

    /// Drops the consumed bytes, grows the buffer if the pending record fills more than half
    /// of it, and reads the next chunk (setting `eof` at the end of the file).
    private func refill(retainAll: Bool = false) throws {
        flushReports()
        if !retainAll && pos > 0 {
            let keep = filled - pos
            if keep > 0 { memmove(buffer, buffer + pos, keep) }
            bufferFileOffset += pos
            filled = keep
            pos = 0
        }
        if filled > capacity / 2 || filled == capacity {
            let newCapacity = max(capacity * 2, filled + 1)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            grown.update(from: buffer, count: filled)
            buffer.deallocate()
            buffer = grown
            capacity = newCapacity
        }
        while true {
            let count = read(fd, buffer + filled, capacity - filled)
            if count < 0 {
                if errno == EINTR { continue }
                throw JSONFileError.system(path: path, code: errno, action: "read")
            }
            if count == 0 {
                eof = true
            } else {
                filled += count
            }
            break
        }
        flushReports()
    }
}

extension JSONFileError {
    static func system(path: String, code: Int32, action: String) -> JSONFileError {
        let reason = String(cString: strerror(code))
        let advice = action == "read" ? "The file may be damaged or on a failing disk." : "Check the path and its permissions."
        return JSONFileError(path: path, code: code, message: "Cannot \(action) \(path): \(reason). \(advice)")
    }
}

// MARK: - In-memory parsing

/// Parses one complete JSON text from memory with the same strict parser as the reader.
///
/// ```swift
/// let value = try parseJSON(Array(#"{"a": [1, 2.50]}"#.utf8))
/// ```
///
/// - Parameters:
///   - bytes: UTF-8 JSON text (a leading BOM is skipped).
///   - path: The name used in error messages.
/// - Throws: ``JSONSyntaxError`` when the text is not exactly one valid JSON value.
public func parseJSON(_ bytes: [UInt8], path: String = "<memory>") throws -> JSONValue {
    try bytes.withUnsafeBufferPointer { try JSONByteParser.parseDocument($0, path: path) }
}

/// Parses one complete JSON text from a string; see ``parseJSON(_:path:)-([UInt8],_)``.
///
/// - Parameters:
///   - text: The JSON text.
///   - path: The name used in error messages.
/// - Throws: ``JSONSyntaxError`` when the text is not exactly one valid JSON value.
public func parseJSON(_ text: String, path: String = "<memory>") throws -> JSONValue {
    var text = text
    return try text.withUTF8 { try JSONByteParser.parseDocument($0, path: path) }
}

// MARK: - Parser

/// Why the parser stopped early.
enum JSONParseStop: Error {
    /// The value continues past the end of the buffer: read more and parse again.
    case needMore
    /// Malformed JSON at the buffer offset.
    case syntax(offset: Int, message: String)
}

enum JSONASCII {
    static let quote = 0x22
    static let backslash = 0x5C
    static let comma = 0x2C
    static let colon = 0x3A
    static let openBracket = 0x5B
    static let closeBracket = 0x5D
    static let openBrace = 0x7B
    static let closeBrace = 0x7D
    static let minus = 0x2D
    static let newline = 0x0A
}

/// A strict recursive-descent JSON parser over a byte buffer that may end mid-value.
///
/// When it reaches `end` before a value is complete and `atEOF` is false, it throws
/// `.needMore`; the caller refills the buffer and parses again from its last committed
/// position. Line breaks can only occur in whitespace (raw control characters are not
/// allowed in strings), so whitespace skipping alone keeps `line` and `lineStart` exact.
struct JSONByteParser {
    static let maxDepth = 512
    /// `peek` results that are not bytes.
    static let endOfInput = -1
    static let endOfLine = -2
    static let needMoreByte = -3

    /// The buffer. The parser only writes to it in `decodeNonASCII` when `writable`, and
    /// restores the byte at once.
    let base: UnsafeMutablePointer<UInt8>
    /// Whether `base` may be written to (false for the caller's memory in `parseDocument`).
    let writable: Bool
    var end: Int
    var pos: Int
    var atEOF: Bool
    /// 1-based line number at `pos`.
    var line: Int
    /// Buffer index of the first byte of the current line (may be negative).
    var lineStart: Int
    /// In JSON Lines records a line break is the end of the record, never whitespace.
    var singleLine: Bool
    /// Reusable buffers, owned by the reader (or `parseDocument`) and kept between records.
    let work: UnsafeMutablePointer<JSONParserWorkspace>
    /// Whether `work.pointee.scratch` holds a NUL (from `\u0000`), which rules out C-string decoding.
    var scratchHasNul = false
    /// Recently decoded short strings (object keys mostly), owned by a `JSONStringCache`;
    /// nil for one-off documents.
    let cache: UnsafeMutablePointer<JSONStringCache.Entry>?
    /// `64 - log2(cache size)`: the hash bits that pick a cache entry.
    let cacheShift: UInt64

    init(base: UnsafeMutablePointer<UInt8>, writable: Bool, end: Int, pos: Int, atEOF: Bool, cache: JSONStringCache?,
         work: UnsafeMutablePointer<JSONParserWorkspace>, line: Int, lineStart: Int, singleLine: Bool) {
        self.work = work
        self.writable = writable
        self.cacheShift = UInt64(64 - (cache?.bits ?? 1))
        self.base = base
        self.end = end
        self.pos = pos
        self.atEOF = atEOF
        self.cache = cache?.entries
        self.line = line
        self.lineStart = lineStart
        self.singleLine = singleLine
    }

    /// Parses one JSON text that must fill `bytes` (read only).
    static func parseDocument(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws -> JSONValue {
        guard let start = bytes.baseAddress, !bytes.isEmpty else {
            throw JSONSyntaxError(path: path, line: 1, column: 1, byteOffset: 0,
                                  message: "the input is empty; expected a JSON value")
        }
        // The workspace lives on the stack and allocates nothing until a container needs it.
        return try withUnsafeTemporaryAllocation(of: JSONParserWorkspace.self, capacity: 1) { space in
            guard let work = space.baseAddress else {
                throw JSONSyntaxError(path: path, line: 1, column: 1, byteOffset: 0, message: "out of memory")
            }
            work.initialize(to: JSONParserWorkspace())
            work.pointee.sharesKeys = false
            defer {
                work.pointee.release()
                work.deinitialize(count: 1)
            }
            // Never written to: `writable` is false.
            let base = UnsafeMutablePointer(mutating: start)
            var parser = JSONByteParser(base: base, writable: false, end: bytes.count, pos: 0, atEOF: true, cache: nil,
                                        work: work, line: 1, lineStart: 0, singleLine: false)
            return try parseDocument(&parser, bytes: bytes, path: path)
        }
    }

    private static func parseDocument(_ parser: inout JSONByteParser, bytes: UnsafeBufferPointer<UInt8>,
                                      path: String) throws -> JSONValue {
        let base = parser.base
        if bytes.count >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
            parser.pos = 3
            parser.lineStart = 3
        }
        do throws(JSONParseStop) {
            if try parser.peekToken() == endOfInput {
                throw parser.fail(parser.pos, "the input contains only whitespace; expected a JSON value")
            }
            let value = try parser.parseValue(depth: 0)
            let following = try parser.peekToken()
            guard following == endOfInput else {
                throw parser.fail(parser.pos, "found \(parser.describe(following, at: parser.pos)) after the end of the JSON value; a JSON text holds exactly one value")
            }
            return value
        } catch let .syntax(offset, message) {
            throw JSONSyntaxError(path: path, line: parser.line, column: max(1, offset - parser.lineStart + 1),
                                  byteOffset: offset, message: message)
        } catch .needMore {
            throw JSONSyntaxError(path: path, line: parser.line, column: max(1, parser.end - parser.lineStart + 1),
                                  byteOffset: parser.end, message: "the input ends in the middle of a JSON value")
        }
    }

    // MARK: Bytes and whitespace

    func fail(_ offset: Int, _ message: String) -> JSONParseStop {
        .syntax(offset: offset, message: message)
    }

    /// The byte at `index`, -1 at the end of the input, or `.needMore` at the end of the buffer.
    @inline(__always)
    func byte(at index: Int) throws(JSONParseStop) -> Int {
        if index < end { return Int(base[index]) }
        if atEOF { return Self.endOfInput }
        throw .needMore
    }

    /// Skips whitespace and returns the next byte without consuming it: -1 at the end of
    /// the input, -2 at a line break in single-line mode.
    @inline(__always)
    mutating func peekToken() throws(JSONParseStop) -> Int {
        if pos < end {
            let byte = base[pos]
            if byte > 0x20 { return Int(byte) }
        }
        let result = skipWhitespace()
        if result == Self.needMoreByte { throw .needMore }
        return result
    }

    /// Like `peekToken()` but returns `needMoreByte` instead of throwing, so that the
    /// whitespace skipped so far can be committed.
    mutating func peekTokenOrNeedMore() -> Int {
        if pos < end {
            let byte = base[pos]
            if byte > 0x20 { return Int(byte) }
        }
        return skipWhitespace()
    }

    private mutating func skipWhitespace() -> Int {
        while pos < end {
            let byte = base[pos]
            switch byte {
            case 0x20, 0x09, 0x0D:
                pos += 1
            case 0x0A:
                if singleLine { return Self.endOfLine }
                pos += 1
                line += 1
                lineStart = pos
            default:
                return Int(byte)
            }
        }
        return atEOF ? Self.endOfInput : Self.needMoreByte
    }

    /// After a JSON Lines record: optional spaces, then a line break (consumed) or the end.
    mutating func expectEndOfLine() throws(JSONParseStop) {
        while true {
            let next = try byte(at: pos)
            switch next {
            case 0x20, 0x09, 0x0D:
                pos += 1
            case JSONASCII.newline:
                pos += 1
                line += 1
                lineStart = pos
                return
            case Self.endOfInput:
                return
            default:
                throw fail(pos, "found \(describe(next, at: pos)) after the end of the record; a JSON Lines file holds exactly one value per line")
            }
        }
    }

    // MARK: Values

    mutating func parseValue(depth: Int) throws(JSONParseStop) -> JSONValue {
        let next = try peekToken()
        switch next {
        case JSONASCII.quote:
            return .string(try parseString())
        case JSONASCII.openBrace:
            return try parseObject(depth: depth + 1)
        case JSONASCII.openBracket:
            return try parseArray(depth: depth + 1)
        case 0x74:
            try parseLiteral("true")
            return .bool(true)
        case 0x66:
            try parseLiteral("false")
            return .bool(false)
        case 0x6E:
            try parseLiteral("null")
            return .null
        case JSONASCII.minus, 0x30...0x39:
            return .number(try parseNumber())
        default:
            throw fail(pos, "expected a JSON value (an object, array, string, number, true, false or null), found \(describe(next, at: pos))")
        }
    }

    private mutating func checkDepth(_ depth: Int) throws(JSONParseStop) {
        if depth > Self.maxDepth {
            throw fail(pos, "arrays and objects are nested more than \(Self.maxDepth) levels deep here; Winnow does not read deeper nesting")
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseStop) -> JSONValue {
        try checkDepth(depth)
        pos += 1
        var next = try peekToken()
        if next == JSONASCII.closeBracket {
            pos += 1
            return .array([])
        }
        let first = work.pointee.valueDepth
        while true {
            let element = try parseValue(depth: depth)
            work.pointee.pushValue(element)
            next = try peekToken()
            if next == JSONASCII.comma {
                pos += 1
                if try peekToken() == JSONASCII.closeBracket {
                    throw fail(pos, "found ']' after ','; JSON does not allow a comma after the last array element")
                }
                continue
            }
            if next == JSONASCII.closeBracket {
                pos += 1
                return .array(work.pointee.takeValues(from: first))
            }
            throw fail(pos, "expected ',' or ']' after an array element, found \(describe(next, at: pos))")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseStop) -> JSONValue {
        try checkDepth(depth)
        pos += 1
        var next = try peekToken()
        if next == JSONASCII.closeBrace {
            pos += 1
            return .object(JSONObject())
        }
        let firstKey = work.pointee.keyDepth
        let firstValue = work.pointee.valueDepth
        while true {
            guard next == JSONASCII.quote else {
                if next == JSONASCII.closeBrace {
                    throw fail(pos, "found '}' after ','; JSON does not allow a comma after the last object member")
                }
                throw fail(pos, "expected an object key (a string in double quotes), found \(describe(next, at: pos))")
            }
            let key = try parseString()
            next = try peekToken()
            guard next == JSONASCII.colon else {
                throw fail(pos, "expected ':' after the object key \(Self.quoted(key)), found \(describe(next, at: pos))")
            }
            pos += 1
            let value = try parseValue(depth: depth)
            work.pointee.pushKey(key)
            work.pointee.pushValue(value)
            next = try peekToken()
            if next == JSONASCII.comma {
                pos += 1
                next = try peekToken()
                continue
            }
            if next == JSONASCII.closeBrace {
                pos += 1
                return .object(JSONObject(keys: work.pointee.takeKeys(from: firstKey), values: work.pointee.takeValues(from: firstValue)))
            }
            throw fail(pos, "expected ',' or '}' after the value of \(Self.quoted(key)), found \(describe(next, at: pos))")
        }
    }

    private mutating func parseLiteral(_ word: StaticString) throws(JSONParseStop) {
        let count = word.utf8CodeUnitCount
        let expected = word.utf8Start
        for offset in 0..<count {
            let next = try byte(at: pos + offset)
            if next != Int(expected[offset]) {
                throw fail(pos, "expected a JSON value (an object, array, string, number, true, false or null), found \(describe(Int(base[pos]), at: pos))")
            }
        }
        pos += count
    }

    private mutating func parseNumber() throws(JSONParseStop) -> String {
        let start = pos
        var index = pos
        if base[index] == UInt8(JSONASCII.minus) { index += 1 }
        var next = try byte(at: index)
        if next == 0x30 {
            index += 1
            next = try byte(at: index)
            if Self.isDigit(next) {
                throw fail(index - 1, "numbers must not have leading zeros, found '0' followed by another digit")
            }
        } else if Self.isDigit(next) {
            index = skipDigits(from: index + 1)
            next = try byte(at: index)
        } else {
            throw fail(index, "expected a digit after '-' in a number, found \(describe(next, at: index))")
        }
        if next == 0x2E {
            index += 1
            next = try byte(at: index)
            guard Self.isDigit(next) else {
                throw fail(index, "expected a digit after the decimal point in a number, found \(describe(next, at: index))")
            }
            index = skipDigits(from: index + 1)
            next = try byte(at: index)
        }
        if next == 0x65 || next == 0x45 {
            index += 1
            next = try byte(at: index)
            if next == 0x2B || next == JSONASCII.minus {
                index += 1
                next = try byte(at: index)
            }
            guard Self.isDigit(next) else {
                throw fail(index, "expected a digit in the exponent of a number, found \(describe(next, at: index))")
            }
            index = skipDigits(from: index + 1)
            if index >= end && !atEOF { throw .needMore }
        }
        pos = index
        return String(decoding: UnsafeBufferPointer(start: base + start, count: index - start), as: UTF8.self)
    }

    @inline(__always)
    private func skipDigits(from index: Int) -> Int {
        var index = index
        while index < end, base[index] &- 0x30 < 10 { index += 1 }
        return index
    }

    @inline(__always)
    static func isDigit(_ byte: Int) -> Bool { byte >= 0x30 && byte <= 0x39 }

    // MARK: Strings

    /// Parses the string whose opening quote is at `pos`.
    ///
    /// Strings without escapes are decoded straight from the buffer: ASCII ones (the scan
    /// notices non-ASCII bytes for free) with `String(decoding:)` or from the short-string
    /// cache, the others through the strict validator of `decodeNonASCII`. Strings with
    /// escapes are unescaped into the workspace's scratch bytes.
    mutating func parseString() throws(JSONParseStop) -> String {
        let open = pos
        let contentStart = open + 1
        var highBits: UInt64 = 0
        let special = JSONScan.stringSpecialIndex(base, from: contentStart, end: end, highBits: &highBits)
        if special < end && base[special] == UInt8(JSONASCII.quote) {
            if highBits & 0x8080_8080_8080_8080 != 0 {
                let text = try decodeNonASCII(from: contentStart, to: special)
                pos = special + 1
                return text
            }
            pos = special + 1
            let length = special - contentStart
            if let cache, length <= 16 && special + 16 <= end {
                return cachedString(at: contentStart, length: length, cache: cache)
            }
            return String(decoding: UnsafeBufferPointer(start: base + contentStart, count: length), as: UTF8.self)
        }
        return try parseEscapedString(open: open, special: special, highBits: highBits)
    }

    /// Decodes the non-ASCII string `from ..< to` (no escapes, no control characters), or
    /// throws the position of its first invalid UTF-8 byte.
    ///
    /// `String(validatingCString:)` is the stdlib's one non-generic strict validator, so the
    /// closing quote is replaced by a NUL for the call and put back at once.
    /// A read-only buffer is validated with the (slower) position-finding validator instead.
    @inline(__always)
    private func decodeNonASCII(from: Int, to: Int) throws(JSONParseStop) -> String {
        guard writable else {
            if JSONScan.firstInvalidUTF8(base, from: from, to: to) != nil { throw invalidUTF8(from: from, to: to) }
            return String(decoding: UnsafeBufferPointer(start: base + from, count: to - from), as: UTF8.self)
        }
        let saved = base[to]
        base[to] = 0
        let text = UnsafeRawPointer(base + from).withMemoryRebound(to: CChar.self, capacity: to - from + 1) {
            String(validatingCString: $0)
        }
        base[to] = saved
        guard let text else { throw invalidUTF8(from: from, to: to) }
        return text
    }

    /// The ASCII string of `length` (at most 16) bytes at `start`, from the cache when it was
    /// seen recently. Reads 16 bytes from `start`, which the caller guarantees are in the buffer.
    @inline(__always)
    private func cachedString(at start: Int, length: Int, cache: UnsafeMutablePointer<JSONStringCache.Entry>) -> String {
        let raw = UnsafeRawPointer(base + start)
        var first = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        var second = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        if length < 8 {
            first &= (1 &<< UInt64(length &* 8)) &- 1
            second = 0
        } else if length < 16 {
            second &= (1 &<< UInt64((length &- 8) &* 8)) &- 1
        }
        let mixed = (first ^ (second &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(length)) &* 0xBF58_476D_1CE4_E5B9
        let entry = cache + Int(truncatingIfNeeded: mixed >> cacheShift)
        if entry.pointee.length == length && entry.pointee.first == first && entry.pointee.second == second {
            return entry.pointee.text
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: length), as: UTF8.self)
        entry.pointee = JSONStringCache.Entry(first: first, second: second, length: length, text: text)
        return text
    }

    private mutating func parseEscapedString(open: Int, special firstSpecial: Int, highBits firstHighBits: UInt64) throws(JSONParseStop) -> String {
        work.pointee.scratch.removeAll(keepingCapacity: true)
        scratchHasNul = false
        var runStart = open + 1
        var special = firstSpecial
        var highBits = firstHighBits
        while true {
            if special > runStart {
                work.pointee.scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: special - runStart))
            }
            guard special < end else { throw try endOfString(open: open, at: special) }
            let byte = base[special]
            if byte == UInt8(JSONASCII.quote) {
                pos = special + 1
                guard highBits & 0x8080_8080_8080_8080 != 0 else { return String(decoding: work.pointee.scratch, as: UTF8.self) }
                // Escapes only add valid UTF-8 (never a lone continuation byte), so the
                // decoded bytes are valid exactly when the raw ones are.
                if writable && !scratchHasNul {
                    work.pointee.scratch.append(0)
                    let text = work.pointee.scratch.withUnsafeBytes { bytes in
                        bytes.baseAddress.flatMap { String(validatingCString: $0.assumingMemoryBound(to: CChar.self)) }
                    }
                    if let text { return text }
                }
                if JSONScan.firstInvalidUTF8(base, from: open + 1, to: special) != nil {
                    throw invalidUTF8(from: open + 1, to: special)
                }
                if writable && !scratchHasNul { work.pointee.scratch.removeLast() }
                return String(decoding: work.pointee.scratch, as: UTF8.self)
            }
            if byte == UInt8(JSONASCII.backslash) {
                runStart = try appendEscape(at: special, open: open)
            } else {
                throw stringError(open: open, at: special,
                                  message: byte == UInt8(JSONASCII.newline)
                                      ? "unterminated string: found \(describe(Int(byte), at: special)) before the closing '\"' (a line break inside a string must be written as \\n)"
                                      : "found the raw control character \(Self.hex(byte)) in a string; control characters must be escaped (e.g. \\t, \\n or \\u00XX)")
            }
            special = JSONScan.stringSpecialIndex(base, from: runStart, end: end, highBits: &highBits)
        }
    }

    /// The end of the buffer inside a string: more data, or an unterminated string at EOF.
    private func endOfString(open: Int, at index: Int) throws(JSONParseStop) -> JSONParseStop {
        if !atEOF { throw .needMore }
        return stringError(open: open, at: open,
                           message: "unterminated string: the input ends before the closing '\"' of the string that starts here")
    }

    /// An error inside a string, unless invalid UTF-8 comes earlier in it.
    private func stringError(open: Int, at offset: Int, message: String) -> JSONParseStop {
        let limit = min(max(offset, open + 1), end)
        if limit > open + 1, JSONScan.firstInvalidUTF8(base, from: open + 1, to: limit) != nil {
            return invalidUTF8(from: open + 1, to: limit)
        }
        return fail(offset, message)
    }

    private func invalidUTF8(from: Int, to: Int) -> JSONParseStop {
        if let (offset, problem) = JSONScan.firstInvalidUTF8(base, from: from, to: to) {
            return fail(offset, JSONScan.message(for: problem, byte: base[offset]))
        }
        return fail(from, "invalid UTF-8 in a string; the file must be UTF-8 encoded")
    }

    /// Decodes the escape at `index` into `scratch` and returns the index after it.
    private mutating func appendEscape(at index: Int, open: Int) throws(JSONParseStop) -> Int {
        guard index + 1 < end else { throw try endOfString(open: open, at: index) }
        let kind = base[index + 1]
        let simple: UInt8
        switch kind {
        case 0x22: simple = 0x22
        case 0x5C: simple = 0x5C
        case 0x2F: simple = 0x2F
        case 0x62: simple = 0x08
        case 0x66: simple = 0x0C
        case 0x6E: simple = 0x0A
        case 0x72: simple = 0x0D
        case 0x74: simple = 0x09
        case 0x75:
            return try appendUnicodeEscape(at: index, open: open)
        default:
            throw stringError(open: open, at: index,
                              message: "invalid escape \(describeEscape(at: index)) in a string; the valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX (write a backslash as \\\\)")
        }
        work.pointee.scratch.append(simple)
        return index + 2
    }

    private func describeEscape(at index: Int) -> String {
        let kind = Int(base[index + 1])
        if kind >= 0x21 && kind < 0x7F { return "'\\\(Character(Unicode.Scalar(UInt8(kind))))'" }
        return "'\\' followed by \(describe(kind, at: index + 1))"
    }

    /// The value of the 4 hex digits of the `\uXXXX` escape at `index`.
    private func hexValue(at index: Int, open: Int) throws(JSONParseStop) -> Int {
        guard index + 6 <= end else { throw try endOfString(open: open, at: index) }
        var value = 0
        for offset in 2..<6 {
            let digit = Int(base[index + offset])
            let nibble: Int
            switch digit {
            case 0x30...0x39: nibble = digit - 0x30
            case 0x41...0x46: nibble = digit - 0x41 + 10
            case 0x61...0x66: nibble = digit - 0x61 + 10
            default:
                if digit == JSONASCII.quote {
                    throw stringError(open: open, at: index + offset, message: "expected 4 hexadecimal digits after '\\u', found '\"' (the end of the string)")
                }
                throw stringError(open: open, at: index + offset, message: "expected 4 hexadecimal digits after '\\u', found \(describe(digit, at: index + offset))")
            }
            value = value << 4 | nibble
        }
        return value
    }

    private mutating func appendUnicodeEscape(at index: Int, open: Int) throws(JSONParseStop) -> Int {
        let unit = try hexValue(at: index, open: open)
        var scalar = unit
        var after = index + 6
        if unit >= 0xD800 && unit <= 0xDBFF {
            // A high surrogate: combine it with a following \uDC00-\uDFFF.
            if after + 6 > end && !atEOF {
                // The low half may be in the next chunk. Only wait for it if the bytes so far could start one.
                let available = end - after
                let prefix: [UInt8] = [0x5C, 0x75]
                var couldBePair = true
                for offset in 0..<min(available, 2) where base[after + offset] != prefix[offset] { couldBePair = false }
                if couldBePair { throw .needMore }
            }
            if after + 6 <= end && base[after] == 0x5C && base[after + 1] == 0x75,
               let low = try? hexValue(at: after, open: open), low >= 0xDC00 && low <= 0xDFFF {
                scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                after += 6
            } else {
                scalar = 0xFFFD
            }
        } else if unit >= 0xDC00 && unit <= 0xDFFF {
            scalar = 0xFFFD
        }
        appendUTF8(scalar)
        return after
    }

    private mutating func appendUTF8(_ scalar: Int) {
        switch scalar {
        case 0..<0x80:
            if scalar == 0 { scratchHasNul = true }
            work.pointee.scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            work.pointee.scratch.append(UInt8(0xC0 | scalar >> 6))
            work.pointee.scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            work.pointee.scratch.append(UInt8(0xE0 | scalar >> 12))
            work.pointee.scratch.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            work.pointee.scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            work.pointee.scratch.append(UInt8(0xF0 | scalar >> 18))
            work.pointee.scratch.append(UInt8(0x80 | (scalar >> 12) & 0x3F))
            work.pointee.scratch.append(UInt8(0x80 | (scalar >> 6) & 0x3F))
            work.pointee.scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Messages

    static func hex(_ byte: UInt8) -> String {
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
        return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }

    static func quoted(_ key: String) -> String {
        var out: [UInt8] = []
        JSONWriter.appendString(key.count > 60 ? String(key.prefix(60)) + "…" : key, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Names what was found at `index` for an error message (`byte` as returned by `peek`).
    func describe(_ byte: Int, at index: Int) -> String {
        switch byte {
        case Self.endOfInput:
            return "the end of the file"
        case Self.endOfLine:
            return "the end of the line (a JSON Lines record must be complete on one line)"
        case JSONASCII.newline:
            return singleLine ? "the end of the line" : "a line break"
        case 0x09:
            return "a tab"
        case 0x0D:
            return "a carriage return"
        case 0x27:
            return "a single quote (JSON strings and keys need double quotes)"
        case 0..<0x20, 0x7F:
            return "the control character \(Self.hex(UInt8(byte)))"
        case 0x41...0x5A, 0x61...0x7A:
            // Show the whole word, e.g. 'NaN' or 'None'.
            var stop = index
            while stop < end, stop - index < 24 {
                let next = base[stop]
                let isWordByte = (next >= 0x41 && next <= 0x5A) || (next >= 0x61 && next <= 0x7A)
                    || (next >= 0x30 && next <= 0x39) || next == 0x5F
                if !isWordByte { break }
                stop += 1
            }
            if stop <= index { return "'\(Character(Unicode.Scalar(UInt8(byte))))'" }
            return "'" + String(decoding: UnsafeBufferPointer(start: base + index, count: stop - index), as: UTF8.self) + "'"
        case 0x20..<0x7F:
            return "'\(Character(Unicode.Scalar(UInt8(byte))))'"
        case 0x80...0xFF:
            let length: Int
            switch byte {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            if length > 0, index >= 0, index + length <= end,
               let text = String(validating: UnsafeBufferPointer(start: base + index, count: length), as: UTF8.self),
               let scalar = text.unicodeScalars.first {
                let code = String(scalar.value, radix: 16, uppercase: true)
                let padded = String(repeating: "0", count: max(0, 4 - code.count)) + code
                return "the character '\(text)' (U+\(padded))"
            }
            return "the byte \(Self.hex(UInt8(byte))), which is not valid UTF-8 here"
        default:
            return "byte \(byte)"
        }
    }
}

// MARK: - Byte scanning helpers

enum JSONScan {
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// The index of the first byte in `from ..< end` that is `"`, `\` or below 0x20, or `end`.
    ///
    /// Eight bytes at a time: for each test the lowest flagged byte of the classic
    /// "has zero byte" bit trick is exact (false positives only appear above a true hit).
    /// `highBits` is OR-ed with the bytes before the hit: bit 7 of some byte set means
    /// the run holds non-ASCII bytes.
    @inline(__always)
    static func stringSpecialIndex(_ base: UnsafePointer<UInt8>, from: Int, end: Int, highBits: inout UInt64) -> Int {
        var index = from
        let raw = UnsafeRawPointer(base)
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var seen: UInt64 = 0
        while index &+ 8 <= end {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let quotes = word ^ 0x2222_2222_2222_2222
            let backslashes = word ^ 0x5C5C_5C5C_5C5C_5C5C
            let found = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)
                | ((word &- 0x2020_2020_2020_2020) & ~word)
            let hits = found & highs
            if hits != 0 {
                let bit = hits.trailingZeroBitCount
                // Keep only the bytes below the hit (bit is 7, 15, ... 63).
                seen |= word & ((1 << (bit &- 7)) &- 1)
                highBits |= seen
                return index &+ (bit >> 3)
            }
            seen |= word
            index &+= 8
        }
        while index < end {
            let byte = base[index]
            if byte == 0x22 || byte == 0x5C || byte < 0x20 { break }
            seen |= UInt64(byte)
            index &+= 1
        }
        highBits |= seen
        return index
    }

    /// `stringSpecialIndex` for callers that do not care about non-ASCII bytes.
    @inline(__always)
    static func stringSpecialIndex(_ base: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
        var ignored: UInt64 = 0
        return stringSpecialIndex(base, from: from, end: end, highBits: &ignored)
    }

    /// FNV-1a 64 of several byte ranges, four at a time in independent chains.
    ///
    /// A single FNV-1a chain is bound by the multiply latency (about 4 cycles per byte);
    /// four interleaved chains run at the multiplier's throughput instead.
    ///
    /// - Parameters:
    ///   - count: The number of ranges.
    ///   - slice: The start and length of range `i` (the memory must stay valid).
    ///   - store: Receives range `i` and its hash.
    @inline(__always)
    static func fnv1a64Interleaved(count: Int, slice: (Int) -> (UnsafePointer<UInt8>, Int),
                                   store: (Int, UInt64) -> Void) {
        let basis: UInt64 = 0xCBF2_9CE4_8422_2325
        let prime: UInt64 = 0x0000_0100_0000_01B3
        var pointers: (UnsafePointer<UInt8>?, UnsafePointer<UInt8>?, UnsafePointer<UInt8>?, UnsafePointer<UInt8>?) = (nil, nil, nil, nil)
        var remaining = (0, 0, 0, 0)
        var hashes = (basis, basis, basis, basis)
        var owners = (-1, -1, -1, -1)
        var nextRange = 0
        /// Finishes a drained lane and starts the next non-empty range on it.
        func reload(_ pointer: inout UnsafePointer<UInt8>?, _ left: inout Int, _ hash: inout UInt64, _ owner: inout Int) {
            guard left == 0 else { return }
            if owner >= 0 { store(owner, hash) }
            owner = -1
            pointer = nil
            while nextRange < count {
                let (start, length) = slice(nextRange)
                if length <= 0 {
                    store(nextRange, basis)
                    nextRange += 1
                    continue
                }
                pointer = start
                left = length
                hash = basis
                owner = nextRange
                nextRange += 1
                return
            }
        }
        while true {
            reload(&pointers.0, &remaining.0, &hashes.0, &owners.0)
            reload(&pointers.1, &remaining.1, &hashes.1, &owners.1)
            reload(&pointers.2, &remaining.2, &hashes.2, &owners.2)
            reload(&pointers.3, &remaining.3, &hashes.3, &owners.3)
            // Idle lanes read along with an active one and their result is dropped.
            guard let any = pointers.0 ?? pointers.1 ?? pointers.2 ?? pointers.3 else { return }
            let p0 = pointers.0 ?? any, p1 = pointers.1 ?? any, p2 = pointers.2 ?? any, p3 = pointers.3 ?? any
            var step = Int.max
            if owners.0 >= 0 { step = min(step, remaining.0) }
            if owners.1 >= 0 { step = min(step, remaining.1) }
            if owners.2 >= 0 { step = min(step, remaining.2) }
            if owners.3 >= 0 { step = min(step, remaining.3) }
            var h0 = hashes.0, h1 = hashes.1, h2 = hashes.2, h3 = hashes.3
            var index = 0
            while index < step {
                h0 = (h0 ^ UInt64(p0[index])) &* prime
                h1 = (h1 ^ UInt64(p1[index])) &* prime
                h2 = (h2 ^ UInt64(p2[index])) &* prime
                h3 = (h3 ^ UInt64(p3[index])) &* prime
                index &+= 1
            }
            if owners.0 >= 0 { hashes.0 = h0; remaining.0 -= step; pointers.0 = p0 + step }
            if owners.1 >= 0 { hashes.1 = h1; remaining.1 -= step; pointers.1 = p1 + step }
            if owners.2 >= 0 { hashes.2 = h2; remaining.2 -= step; pointers.2 = p2 + step }
            if owners.3 >= 0 { hashes.3 = h3; remaining.3 -= step; pointers.3 = p3 + step }
        }
    }

    /// FNV-1a 64 of `count` bytes.
    @inline(__always)
    static func fnv1a64(_ bytes: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in 0..<count {
            hash = (hash ^ UInt64(bytes[index])) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// What is wrong with an invalid UTF-8 sequence.
    enum UTF8Problem {
        case strayContinuation, overlongASCII, neverValid, truncated(length: Int), overlong, surrogate, tooLarge
    }

    /// The offset and problem of the first invalid UTF-8 sequence in `from ..< to`, if any.
    static func firstInvalidUTF8(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> (offset: Int, problem: UTF8Problem)? {
        var index = from
        let raw = UnsafeRawPointer(base)
        while index < to {
            if index &+ 8 <= to,
               raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index &+= 8
                continue
            }
            let lead = base[index]
            if lead < 0x80 {
                index &+= 1
                continue
            }
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            let continuations: Int
            switch lead {
            case 0xC2...0xDF: continuations = 1
            case 0xE0: continuations = 2; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: continuations = 2
            case 0xED: continuations = 2; high = 0x9F
            case 0xF0: continuations = 3; low = 0x90
            case 0xF1...0xF3: continuations = 3
            case 0xF4: continuations = 3; high = 0x8F
            case 0x80...0xBF: return (index, .strayContinuation)
            case 0xC0, 0xC1: return (index, .overlongASCII)
            default: return (index, .neverValid)
            }
            guard index + 1 < to else { return (index, .truncated(length: continuations + 1)) }
            let second = base[index + 1]
            if second < low || second > high {
                guard second >= 0x80 && second <= 0xBF else { return (index, .truncated(length: continuations + 1)) }
                switch lead {
                case 0xE0, 0xF0: return (index, .overlong)
                case 0xED: return (index, .surrogate)
                default: return (index, .tooLarge)
                }
            }
            if continuations >= 2 {
                for offset in 2...continuations {
                    guard index + offset < to, base[index + offset] & 0xC0 == 0x80 else {
                        return (index, .truncated(length: continuations + 1))
                    }
                }
            }
            index += continuations + 1
        }
        return nil
    }

    /// A whole-sentence message for an invalid UTF-8 sequence that starts with `byte`.
    static func message(for problem: UTF8Problem, byte: UInt8) -> String {
        let name = "invalid UTF-8 byte \(JSONByteParser.hex(byte))"
        let advice = "; the file must be UTF-8 encoded (convert it, e.g. with iconv)"
        switch problem {
        case .strayContinuation:
            return "\(name): a continuation byte without a leading byte\(advice)"
        case .overlongASCII:
            return "\(name): an overlong encoding of an ASCII character\(advice)"
        case .neverValid:
            return "\(name): this byte never occurs in UTF-8\(advice)"
        case let .truncated(length):
            return "\(name): a \(length)-byte sequence is cut short (not enough continuation bytes)\(advice)"
        case .overlong:
            return "\(name): an overlong encoding (a character encoded with more bytes than needed)\(advice)"
        case .surrogate:
            return "\(name): it encodes a UTF-16 surrogate (U+D800 to U+DFFF), which UTF-8 does not allow\(advice)"
        case .tooLarge:
            return "\(name): it encodes a code point above U+10FFFF\(advice)"
        }
    }
}

/// A small direct-mapped cache of decoded short ASCII strings, so that repeated object keys
/// and values (`"from"`, `"human"`, `"value"`) are not decoded and validated again.
final class JSONStringCache {
    struct Entry {
        var first: UInt64
        var second: UInt64
        var length: Int
        var text: String
    }

    /// log2 of the number of entries.
    let bits: Int
    let entries: UnsafeMutablePointer<Entry>

    init(bits: Int) {
        self.bits = bits
        entries = UnsafeMutablePointer<Entry>.allocate(capacity: 1 << bits)
        entries.initialize(repeating: Entry(first: 0, second: 0, length: -1, text: ""), count: 1 << bits)
    }

    deinit {
        entries.deinitialize(count: 1 << bits)
        entries.deallocate()
    }
}

/// The parser's reusable buffers: escaped-string bytes, and stacks of the keys and values
/// of the arrays and objects being parsed, so that each finished container is built with
/// one exact-size allocation.
///
/// Nothing is allocated until first needed. The stacks are manually managed memory: the
/// owner calls `release()` exactly once.
struct JSONParserWorkspace {
    var scratch: [UInt8] = []
    private var keyStack: UnsafeMutablePointer<String>?
    private var keyCount = 0
    private var keyCapacity = 0
    private var valueStack: UnsafeMutablePointer<JSONValue>?
    private var valueCount = 0
    private var valueCapacity = 0
    /// Recently built key arrays by key count: objects of the same shape share one
    /// copy-on-write key array instead of allocating their own.
    private var keyShapes: [[String]] = []
    /// Whether to share key arrays (worth it for a stream of records, not for one document).
    var sharesKeys = true

    /// Frees the stacks; the workspace must not be used afterwards.
    mutating func release() {
        reset()
        keyStack?.deallocate()
        valueStack?.deallocate()
        keyStack = nil
        valueStack = nil
        keyCapacity = 0
        valueCapacity = 0
    }

    /// Forgets what a failed parse left on the stacks.
    mutating func reset() {
        if keyCount > 0 { keyStack?.deinitialize(count: keyCount) }
        if valueCount > 0 { valueStack?.deinitialize(count: valueCount) }
        keyCount = 0
        valueCount = 0
    }

    var keyDepth: Int { keyCount }
    var valueDepth: Int { valueCount }

    @inline(__always)
    mutating func pushKey(_ key: String) {
        if keyCount == keyCapacity { keyStack = Self.grow(keyStack, count: keyCount, capacity: &keyCapacity) }
        guard let keyStack else { return }
        (keyStack + keyCount).initialize(to: key)
        keyCount += 1
    }

    @inline(__always)
    mutating func pushValue(_ value: JSONValue) {
        if valueCount == valueCapacity { valueStack = Self.grow(valueStack, count: valueCount, capacity: &valueCapacity) }
        guard let valueStack else { return }
        (valueStack + valueCount).initialize(to: value)
        valueCount += 1
    }

    private static func grow<Element>(_ stack: UnsafeMutablePointer<Element>?, count: Int,
                                      capacity: inout Int) -> UnsafeMutablePointer<Element> {
        let newCapacity = max(16, capacity * 2)
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        if let stack {
            grown.moveInitialize(from: stack, count: count)
            stack.deallocate()
        }
        capacity = newCapacity
        return grown
    }

    /// Moves the values from `first` up into a new array and pops them.
    mutating func takeValues(from first: Int) -> [JSONValue] {
        var taken: [JSONValue] = []
        guard let valueStack, valueCount > first else { return taken }
        taken.reserveCapacity(valueCount - first)
        for index in first..<valueCount { taken.append((valueStack + index).move()) }
        valueCount = first
        return taken
    }

    /// The array of the keys from `first` up (shared with earlier objects of the same
    /// shape), and pops them.
    mutating func takeKeys(from first: Int) -> [String] {
        guard let keyStack, keyCount > first else { return [] }
        let count = keyCount - first
        if sharesKeys && keyShapes.isEmpty { keyShapes = Array(repeating: [], count: 8) }
        let slot = count & 7
        var same = sharesKeys && keyShapes[slot].count == count
        if same {
            keyShapes[slot].withUnsafeBufferPointer { shape in
                for index in 0..<count where shape[index] != keyStack[first + index] {
                    same = false
                    break
                }
            }
        }
        if same {
            (keyStack + first).deinitialize(count: count)
            keyCount = first
            return keyShapes[slot]
        }
        var taken: [String] = []
        taken.reserveCapacity(count)
        for index in first..<keyCount { taken.append((keyStack + index).move()) }
        keyCount = first
        if sharesKeys { keyShapes[slot] = taken }
        return taken
    }
}
