import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Public API

/// What a generator call wrote.
public struct BenchFileSummary: Sendable, Equatable {
    /// Records (array elements or JSONL lines) written.
    public var records: Int
    /// Records without an image (ShareGPT-like text-only conversations).
    public var textOnly: Int
    /// Bytes written to the file.
    public var bytes: Int

    public init(records: Int, textOnly: Int, bytes: Int) {
        self.records = records
        self.textOnly = textOnly
        self.bytes = bytes
    }
}

/// Why benchmark data could not be written.
public enum BenchDataError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case cannotCreateFile(path: String, reason: String)
    case cannotWriteFile(path: String, reason: String)
    case cannotCreateDirectory(path: String, reason: String)
    case invalidCount(Int)

    public var description: String {
        switch self {
        case let .cannotCreateFile(path, reason):
            return "Cannot create benchmark file \(path): \(reason). Check that the directory exists and is writable."
        case let .cannotWriteFile(path, reason):
            return "Cannot write benchmark file \(path): \(reason). Check free disk space and permissions."
        case let .cannotCreateDirectory(path, reason):
            return "Cannot create benchmark directory \(path): \(reason). Check the parent directory's permissions."
        case let .invalidCount(count):
            return "Cannot generate \(count) records: the count must be zero or more."
        }
    }

    public var errorDescription: String? { description }
}

/// A deterministic generator of realistic benchmark data: LLaVA-1.5-mix-like training files,
/// MM-Instruct-like training files and MM-Instruct-like evaluation files.
///
/// All text comes from word lists and templates driven by a seeded xoshiro256** generator, so
/// the same seed and count always give byte-identical files. Files are streamed through a 1 MB
/// buffer; memory does not grow with the record count.
///
/// ```swift
/// let summary = try BenchDataGenerator(seed: 7).writeLLaVAMix(to: "/tmp/mix.json", count: 665_298)
/// ```
public struct BenchDataGenerator: Sendable {
    /// Record count of the real `llava_v1_5_mix665k.json`.
    public static let llavaMixRecordCount = 665_298
    /// Record count of the real MM-Instruct training set.
    public static let mmInstructRecordCount = 234_000
    /// File name of the questions file written by `writeEvalSet` (JSONL despite the extension, like the real one).
    public static let evalQuestionsFileName = "MM-Instruct-Eval-question.json"
    /// Directory (inside the eval directory) holding one answers file per model.
    public static let evalAnswersDirectoryName = "baseline_answers"

    public let seed: UInt64

    public init(seed: UInt64 = 1) {
        self.seed = seed
    }

    /// The answers file `writeEvalSet` writes for a model: `<model>.json` with `/` replaced by `_`.
    public static func evalAnswersFileName(model: String) -> String {
        model.replacingOccurrences(of: "/", with: "_") + ".json"
    }

    /// Writes a JSON array in LLaVA conversation format shaped like `llava_v1_5_mix665k.json`.
    ///
    /// Source counts are the real file's counts scaled to `count` (coco 54.7 %, vg 13.0 %,
    /// gqa 10.8 %, ocr_vqa 12.0 %, textvqa 3.3 %, text-only 6.1 %). Text-only ShareGPT-like
    /// records all fall in the last ~9 % of the file. Layout is Python's `json.dump(indent=2)`.
    ///
    /// - Parameters:
    ///   - path: the file to create or truncate.
    ///   - count: number of records (665_298 for a full-size file, about 1 GB).
    /// - Throws: `BenchDataError` naming the path and the system's reason.
    public func writeLLaVAMix(to path: String, count: Int) throws -> BenchFileSummary {
        guard count >= 0 else { throw BenchDataError.invalidCount(count) }
        let out = try BenchOutput(path: path)
        let composer = BenchComposer(lexicon: BenchLexicon(), output: out, seed: seed)
        let textOnly = try LLaVAMixWriter(composer: composer, count: count).run()
        try out.finish()
        return BenchFileSummary(records: count, textOnly: textOnly, bytes: out.bytes)
    }

    /// Writes MM-Instruct-like training data in LLaVA conversation format: single-turn records
    /// (`id`, `image`, `conversations`, `caption`), instructions from 300 templates, answers of
    /// 150–400 words, and answer defects at realistic rates (about 3 % mention "the
    /// description"/"the caption", 1 % refusals, 2 % truncated mid-sentence, 1 % repetitive).
    ///
    /// - Parameters:
    ///   - path: the file to create or truncate.
    ///   - count: number of records (234_000 for a full-size file).
    /// - Throws: `BenchDataError` naming the path and the system's reason.
    public func writeMMInstruct(to path: String, count: Int) throws -> BenchFileSummary {
        guard count >= 0 else { throw BenchDataError.invalidCount(count) }
        let out = try BenchOutput(path: path)
        let composer = BenchComposer(lexicon: BenchLexicon(), output: out, seed: seed ^ 0x4D4D_496E_7374_7275)
        try MMInstructWriter(composer: composer).writeTrainingFile(count: count)
        try out.finish()
        return BenchFileSummary(records: count, textOnly: 0, bytes: out.bytes)
    }

    /// Writes MM-Instruct-like evaluation files into `directory` (created if needed):
    /// `MM-Instruct-Eval-question.json` (JSONL: `question_id`, `image`, `text`, `caption`,
    /// `category`) and `baseline_answers/<model>.json` per model (JSONL: `question_id`, `prompt`,
    /// `text`, [`answer_id` for every second model], `model_id`, `metadata`), each answers file
    /// in its own shuffled order.
    ///
    /// - Throws: `BenchDataError` naming the path and the system's reason.
    public func writeEvalSet(directory: String, questions: Int, models: [String]) throws {
        guard questions >= 0 else { throw BenchDataError.invalidCount(questions) }
        let answersDirectory = directory + "/" + Self.evalAnswersDirectoryName
        try BenchOutput.makeDirectories(answersDirectory)
        let lexicon = BenchLexicon()
        let questionSeed = seed ^ 0x4576_616C_5365_7421
        let questionsPath = directory + "/" + Self.evalQuestionsFileName
        let out = try BenchOutput(path: questionsPath)
        let composer = BenchComposer(lexicon: lexicon, output: out, seed: questionSeed)
        let instructions = try MMInstructWriter(composer: composer).writeEvalQuestions(count: questions)
        try out.finish()

        for (index, model) in models.enumerated() {
            let path = answersDirectory + "/" + Self.evalAnswersFileName(model: model)
            let answers = try BenchOutput(path: path)
            let modelSeed = seed ^ BenchRandom.fnv1a(model) &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
            let answerComposer = BenchComposer(lexicon: lexicon, output: answers, seed: modelSeed)
            try MMInstructWriter(composer: answerComposer).writeEvalAnswers(
                instructions: instructions, model: model, withAnswerIDs: index % 2 == 1)
            try answers.finish()
        }
    }
}

// MARK: - Random numbers

/// xoshiro256** seeded through SplitMix64: fast, and identical on every platform.
struct BenchRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform integer in `0..<n` (n > 0), by Lemire's multiply-high.
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// A uniform integer in `lower...upper`.
    @inline(__always)
    mutating func inRange(_ lower: Int, _ upper: Int) -> Int {
        lower + below(upper - lower + 1)
    }

    @inline(__always)
    mutating func chance(_ probability: Double) -> Bool {
        Double(next() >> 11) * 0x1p-53 < probability
    }

    /// FNV-1a of a string's UTF-8 bytes (stable across runs, unlike `hashValue`).
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// A bijection of `0..<prime` (k -> a*k+b mod p), used to draw image ids without collisions.
struct BenchIDPermutation {
    let prime: Int
    let multiplier: Int
    let offset: Int
    private(set) var counter = 0

    init(atLeast range: Int, rng: inout BenchRandom) {
        var candidate = max(range, 3)
        while !Self.isPrime(candidate) { candidate += 1 }
        prime = candidate
        multiplier = 1 + rng.below(candidate - 1)
        offset = rng.below(candidate)
    }

    /// The next fresh id, in `1...prime`.
    mutating func next() -> Int {
        defer { counter += 1 }
        return (multiplier &* (counter % prime) &+ offset) % prime + 1
    }

    static func isPrime(_ n: Int) -> Bool {
        if n < 2 { return false }
        if n % 2 == 0 { return n == 2 }
        var d = 3
        while d * d <= n {
            if n % d == 0 { return false }
            d += 2
        }
        return true
    }
}

/// A fixed-size ring of recently used ids, so that ids repeat without memory growing.
struct BenchRecentIDs {
    private var items: [Int]
    private var next = 0
    private var filled = 0

    init(capacity: Int) {
        items = Array(repeating: 0, count: capacity)
    }

    var isEmpty: Bool { filled == 0 }

    mutating func remember(_ id: Int) {
        items[next] = id
        next = (next + 1) % items.count
        filled = min(filled + 1, items.count)
    }

    func pick(_ rng: inout BenchRandom) -> Int {
        items[rng.below(filled)]
    }
}

// MARK: - Buffered output

/// A write-only file with a 1 MB buffer. Appends never throw; the first write error is kept
/// and reported by `check()`/`finish()`, after which further output is dropped.
final class BenchOutput {
    static let capacity = 1 << 20

    let path: String
    private var fd: Int32
    private let buffer: UnsafeMutablePointer<UInt8>
    private var used = 0
    private var flushed = 0
    private var failure: BenchDataError?
    /// Word separators written so far (spaces and `\n` escapes), for length targets.
    var separators = 0

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw BenchDataError.cannotCreateFile(path: path, reason: Self.errnoText())
        }
        buffer = .allocate(capacity: Self.capacity)
    }

    deinit {
        if fd >= 0 { close(fd) }
        buffer.deallocate()
    }

    /// Bytes written so far, buffered or not.
    var bytes: Int { flushed + used }

    @inline(__always)
    func append(_ pointer: UnsafePointer<UInt8>, _ count: Int) {
        if used + count > Self.capacity {
            flush()
            if count > Self.capacity {
                writeAll(pointer, count)
                return
            }
        }
        (buffer + used).update(from: pointer, count: count)
        used += count
    }

    @inline(__always)
    func byte(_ value: UInt8) {
        if used == Self.capacity { flush() }
        buffer[used] = value
        used += 1
    }

    @inline(__always)
    func raw(_ text: StaticString) {
        append(text.utf8Start, text.utf8CodeUnitCount)
    }

    func bytes(_ values: [UInt8]) {
        values.withUnsafeBufferPointer { buf in
            if let base = buf.baseAddress { append(base, buf.count) }
        }
    }

    /// A non-negative decimal integer.
    func int(_ value: Int) {
        padded(value, width: 1)
    }

    /// A non-negative decimal integer, zero-padded to `width` digits.
    func padded(_ value: Int, width: Int) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch
        withUnsafeMutableBytes(of: &digits) { scratch in
            var v = max(value, 0)
            var n = 0
            repeat {
                scratch[23 - n] = UInt8(48 + v % 10)
                v /= 10
                n += 1
            } while v > 0 && n < 24
            while n < width && n < 24 {
                scratch[23 - n] = 48
                n += 1
            }
            if let base = scratch.baseAddress {
                append(base.assumingMemoryBound(to: UInt8.self) + (24 - n), n)
            }
        }
    }

    /// `count` random lowercase hexadecimal digits.
    func hex(_ count: Int, _ rng: inout BenchRandom) {
        var bits: UInt64 = 0
        for i in 0..<count {
            if i % 16 == 0 { bits = rng.next() }
            byte(Self.hexDigits[Int(bits & 15)])
            bits >>= 4
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    func flush() {
        if used > 0 {
            writeAll(buffer, used)
            used = 0
        }
    }

    /// Throws the first write error, if any.
    func check() throws {
        if let failure { throw failure }
    }

    /// Flushes, closes and throws the first error, if any.
    func finish() throws {
        flush()
        try check()
        let result = close(fd)
        fd = -1
        if result != 0 {
            throw BenchDataError.cannotWriteFile(path: path, reason: Self.errnoText())
        }
    }

    private func writeAll(_ pointer: UnsafePointer<UInt8>, _ count: Int) {
        guard failure == nil else { return }
        var offset = 0
        while offset < count {
            let result = write(fd, pointer + offset, count - offset)
            if result < 0 {
                if errno == EINTR { continue }
                failure = .cannotWriteFile(path: path, reason: Self.errnoText())
                return
            }
            offset += result
        }
        flushed += count
    }

    static func errnoText() -> String {
        let code = errno
        return String(cString: strerror(code)) + " (errno \(code))"
    }

    /// `mkdir -p`, reporting the system's reason for a failure.
    static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw BenchDataError.cannotCreateDirectory(path: prefix, reason: errnoText())
            }
            var info = stat()
            if stat(prefix, &info) != 0 || (info.st_mode & S_IFMT) != S_IFDIR {
                throw BenchDataError.cannotCreateDirectory(path: prefix, reason: String(cString: strerror(ENOTDIR)) + " (errno \(ENOTDIR))")
            }
            prefix += "/"
        }
    }
}

// MARK: - Templates

/// Word lists and templates, compiled into pre-escaped JSON string bytes.
///
/// A list is an array of templates; a template is text with `{slot}` references to other
/// lists (`{obj}`, `{obj2}`: the trailing digits give an independent choice from the same
/// list) or to numbers (`{n}`, `{count}`, `{year}`, `{bbox}`, `{pct}`, `{hour}`, `{minute}`,
/// `{price}`). Within one binding scope the same slot name always renders the same choice,
/// which ties answers to their questions. `{Obj}` capitalises the first letter. `{{` is a
/// literal brace. A template starting with U+0001 is escaped ASCII-only (`\u00e9`), like
/// Python's `json.dump` default; others keep UTF-8.
final class BenchLexicon {
    struct Segment {
        enum Kind: UInt8 { case literal, list, number }
        var kind: Kind
        var capitalize: Bool
        var a: Int32  // literal index, list id or number kind
        var binding: Int32
    }

    struct Literal {
        var offset: Int32
        var length: Int32
        var separators: Int32
    }

    struct Span {
        var start: Int32
        var count: Int32
    }

    enum NumberKind: Int32, CaseIterable {
        case digit, count, year, bbox, pct, hour, minute, price
        var name: String {
            switch self {
            case .digit: return "n"
            case .count: return "count"
            case .year: return "year"
            case .bbox: return "bbox"
            case .pct: return "pct"
            case .hour: return "hour"
            case .minute: return "minute"
            case .price: return "price"
            }
        }
    }

    private(set) var pool: [UInt8] = []
    private(set) var literals: [Literal] = []
    private(set) var segments: [Segment] = []
    private(set) var templates: [Span] = []
    private(set) var lists: [Span] = []
    private(set) var listItems: [Int32] = []
    private(set) var listNames: [String] = []
    private var listIDs: [String: Int32] = [:]
    private var bindingIDs: [String: Int32] = [:]
    /// Slot-like references that matched no list or number (rendered literally); empty when the corpus is sound.
    private(set) var unknownSlots: Set<String> = []

    var bindingCount: Int { bindingIDs.count }

    init(corpus: [(String, [String])] = BenchCorpus.all) {
        for (index, entry) in corpus.enumerated() {
            listIDs[entry.0] = Int32(index)
            listNames.append(entry.0)
        }
        for entry in corpus {
            let start = Int32(listItems.count)
            for item in entry.1 {
                listItems.append(compile(item))
            }
            lists.append(Span(start: start, count: Int32(listItems.count) - start))
        }
    }

    /// The id of a list; -1 (and a recorded unknown name) when absent.
    func list(_ name: String) -> Int32 {
        if let id = listIDs[name] { return id }
        unknownSlots.insert(name)
        return -1
    }

    func count(ofList id: Int32) -> Int {
        id >= 0 ? Int(lists[Int(id)].count) : 0
    }

    private func compile(_ source: String) -> Int32 {
        var scalars = Array(source.unicodeScalars)
        var asciiOnly = false
        if scalars.first == "\u{1}" {
            asciiOnly = true
            scalars.removeFirst()
        }
        let start = Int32(segments.count)
        var text = String.UnicodeScalarView()
        func flushText() {
            guard !text.isEmpty else { return }
            let escaped = Self.escape(String(text), asciiOnly: asciiOnly)
            literals.append(Literal(offset: Int32(pool.count), length: Int32(escaped.count),
                                    separators: Int32(Self.separators(in: escaped))))
            pool.append(contentsOf: escaped)
            segments.append(Segment(kind: .literal, capitalize: false, a: Int32(literals.count - 1), binding: -1))
            text = String.UnicodeScalarView()
        }
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "{", i + 1 < scalars.count, scalars[i + 1] == "{" {
                text.append("{")
                i += 2
                continue
            }
            if c == "{", let end = Self.slotEnd(scalars, from: i + 1) {
                let name = String(String.UnicodeScalarView(scalars[(i + 1)..<end]))
                if let segment = resolve(name) {
                    flushText()
                    segments.append(segment)
                } else {
                    unknownSlots.insert(name)
                    text.append(contentsOf: scalars[i...end])
                }
                i = end + 1
                continue
            }
            text.append(c)
            i += 1
        }
        flushText()
        templates.append(Span(start: start, count: Int32(segments.count) - start))
        return Int32(templates.count - 1)
    }

    /// The index of the `}` closing a slot name that starts at `from`, if the name is `[A-Za-z][A-Za-z0-9]*`.
    private static func slotEnd(_ scalars: [Unicode.Scalar], from: Int) -> Int? {
        var j = from
        while j < scalars.count {
            let v = scalars[j].value
            let isLetter = (v >= 65 && v <= 90) || (v >= 97 && v <= 122)
            let isDigit = v >= 48 && v <= 57
            if scalars[j] == "}" { return j > from ? j : nil }
            if !(isLetter || (isDigit && j > from)) { return nil }
            j += 1
        }
        return nil
    }

    private func resolve(_ name: String) -> Segment? {
        let lower = name.lowercased()
        let base = String(lower.prefix { !$0.isNumber })
        let capitalize = name.first?.isUppercase ?? false
        let binding: Int32
        if let existing = bindingIDs[lower] {
            binding = existing
        } else {
            binding = Int32(bindingIDs.count)
            bindingIDs[lower] = binding
        }
        if let id = listIDs[base] {
            return Segment(kind: .list, capitalize: capitalize, a: id, binding: binding)
        }
        if let number = NumberKind.allCases.first(where: { $0.name == base }) {
            return Segment(kind: .number, capitalize: false, a: number.rawValue, binding: binding)
        }
        return nil
    }

    /// JSON string escaping (without the surrounding quotes).
    static func escape(_ text: String, asciiOnly: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        func hex4(_ unit: UInt16) {
            out.append(contentsOf: [92, 117])  // \u
            for shift in stride(from: 12, through: 0, by: -4) {
                out.append(BenchOutput.hexDigits[Int((unit >> UInt16(shift)) & 15)])
            }
        }
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: out.append(contentsOf: [92, 34])
            case 0x5C: out.append(contentsOf: [92, 92])
            case 0x0A: out.append(contentsOf: [92, 110])
            case 0x0D: out.append(contentsOf: [92, 114])
            case 0x09: out.append(contentsOf: [92, 116])
            case 0..<0x20: hex4(UInt16(scalar.value))
            case 0x20..<0x80: out.append(UInt8(scalar.value))
            default:
                if asciiOnly {
                    for unit in String(scalar).utf16 { hex4(unit) }
                } else {
                    out.append(contentsOf: Array(String(scalar).utf8))
                }
            }
        }
        return out
    }

    /// Spaces plus `\n` escapes in escaped bytes.
    static func separators(in escaped: [UInt8]) -> Int {
        var count = 0
        var i = 0
        while i < escaped.count {
            if escaped[i] == 92 {
                if i + 1 < escaped.count, escaped[i + 1] == 110 { count += 1 }
                i += 2
                continue
            }
            if escaped[i] == 32 { count += 1 }
            i += 1
        }
        return count
    }
}

/// Renders templates into a `BenchOutput` with a seeded generator.
final class BenchComposer {
    let lexicon: BenchLexicon
    let out: BenchOutput
    var rng: BenchRandom
    private let pool: UnsafeMutablePointer<UInt8>
    private var bindingGeneration: [UInt32]
    private var bindingValue: [Int]
    private var generation: UInt32 = 1
    private var turnIndex = 0

    init(lexicon: BenchLexicon, output: BenchOutput, seed: UInt64) {
        self.lexicon = lexicon
        out = output
        rng = BenchRandom(seed: seed)
        let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(lexicon.pool.count, 1))
        lexicon.pool.withUnsafeBufferPointer { buf in
            if let base = buf.baseAddress { copy.initialize(from: base, count: buf.count) }
        }
        pool = copy
        bindingGeneration = Array(repeating: 0, count: max(lexicon.bindingCount, 1))
        bindingValue = Array(repeating: 0, count: max(lexicon.bindingCount, 1))
    }

    deinit {
        pool.deallocate()
    }

    /// Starts a new binding scope: every slot chooses afresh.
    @inline(__always)
    func scope() {
        generation &+= 1
        if generation == 0 {
            for i in bindingGeneration.indices { bindingGeneration[i] = 0 }
            generation = 1
        }
    }

    /// Renders one random item of a list (a fresh choice, not bound).
    @inline(__always)
    func say(_ list: Int32, capitalize: Bool = false) {
        let span = lexicon.lists[Int(list)]
        let index = rng.below(Int(span.count))
        render(lexicon.listItems[Int(span.start) + index], capitalize: capitalize)
    }

    /// Renders item `index` of a list.
    func say(_ list: Int32, item index: Int, capitalize: Bool = false) {
        let span = lexicon.lists[Int(list)]
        render(lexicon.listItems[Int(span.start) + index % Int(span.count)], capitalize: capitalize)
    }

    func render(_ template: Int32, capitalize: Bool = false) {
        let span = lexicon.templates[Int(template)]
        var first = capitalize
        let end = Int(span.start + span.count)
        var i = Int(span.start)
        while i < end {
            let segment = lexicon.segments[i]
            switch segment.kind {
            case .literal:
                let literal = lexicon.literals[Int(segment.a)]
                let base = pool + Int(literal.offset)
                if first, base.pointee >= 97, base.pointee <= 122 {
                    out.byte(base.pointee - 32)
                    out.append(base + 1, Int(literal.length) - 1)
                } else {
                    out.append(base, Int(literal.length))
                }
                out.separators += Int(literal.separators)
            case .list:
                let span = lexicon.lists[Int(segment.a)]
                let binding = Int(segment.binding)
                let index: Int
                if bindingGeneration[binding] == generation {
                    index = bindingValue[binding]
                } else {
                    index = rng.below(Int(span.count))
                    bindingGeneration[binding] = generation
                    bindingValue[binding] = index
                }
                render(lexicon.listItems[Int(span.start) + index], capitalize: first || segment.capitalize)
            case .number:
                let binding = Int(segment.binding)
                let kind = BenchLexicon.NumberKind(rawValue: segment.a) ?? .digit
                let value: Int
                if bindingGeneration[binding] == generation {
                    value = bindingValue[binding]
                } else {
                    value = drawNumber(kind)
                    bindingGeneration[binding] = generation
                    bindingValue[binding] = value
                }
                writeNumber(kind, value)
            }
            first = false
            i += 1
        }
    }

    private func drawNumber(_ kind: BenchLexicon.NumberKind) -> Int {
        switch kind {
        case .digit: return rng.inRange(2, 9)
        case .count: return rng.chance(0.7) ? rng.inRange(1, 6) : rng.inRange(7, 24)
        case .year: return rng.inRange(1890, 2023)
        case .bbox:
            let x1 = rng.inRange(0, 90), y1 = rng.inRange(0, 90)
            let x2 = rng.inRange(x1 + 5, 100), y2 = rng.inRange(y1 + 5, 100)
            return x1 | y1 << 8 | x2 << 16 | y2 << 24
        case .pct: return rng.inRange(2, 98)
        case .hour: return rng.inRange(1, 12)
        case .minute: return rng.inRange(0, 59)
        case .price: return rng.inRange(199, 14999)
        }
    }

    private func writeNumber(_ kind: BenchLexicon.NumberKind, _ value: Int) {
        switch kind {
        case .bbox:
            out.byte(91)  // [
            for k in 0..<4 {
                if k > 0 { out.raw(", ") }
                hundredths((value >> (8 * k)) & 0xFF)
            }
            out.byte(93)  // ]
            out.separators += 3
        case .minute:
            out.padded(value, width: 2)
        case .price:
            out.byte(36)  // $
            out.int(value / 100)
            out.byte(46)
            out.padded(value % 100, width: 2)
        default:
            out.int(value)
        }
    }

    /// A coordinate like Python prints `round(x, 2)`: 0.0, 0.05, 0.5, 0.39, 1.0.
    private func hundredths(_ value: Int) {
        if value >= 100 {
            out.raw("1.0")
        } else if value % 10 == 0 {
            out.raw("0.")
            out.int(value / 10)
        } else {
            out.raw("0.")
            out.padded(value, width: 2)
        }
    }

    // MARK: LLaVA record layout (Python json.dump indent=2)

    func beginConversations() {
        out.raw(",\n    \"conversations\": [")
        turnIndex = 0
    }

    func beginTurn(human: Bool) {
        out.raw(turnIndex == 0 ? "\n      {\n        \"from\": \"" : ",\n      {\n        \"from\": \"")
        out.raw(human ? "human\",\n        \"value\": \"" : "gpt\",\n        \"value\": \"")
        turnIndex += 1
    }

    func endTurn() {
        out.raw("\"\n      }")
    }

    func endConversations() {
        out.raw("\n    ]")
    }
}

// MARK: - llava_v1_5_mix665k-like file

/// Writes the LLaVA-1.5 mix: exact per-source counts (scaled from the real file), image
/// records in random order, text-only records in the last stretch of the file.
final class LLaVAMixWriter {
    enum Source: Int, CaseIterable { case coco, vg, gqa, ocrVQA, textVQA, textOnly }

    /// Records by source in the real llava_v1_5_mix665k.json.
    static let realCounts = [364_100, 86_417, 72_140, 80_000, 21_953, 40_688]

    /// COCO record kinds and their weights (thousands of records in the real mix).
    enum CocoKind: CaseIterable { case conversation, detail, reasoning, vqa, okvqa, aokvqa, refcoco }
    static let cocoWeights = [58, 23, 77, 83, 9, 66, 48]

    private let c: BenchComposer
    private let out: BenchOutput
    private let count: Int
    private var remaining: [Int]
    private let textWindowStart: Int

    private var cocoIDs: BenchIDPermutation
    private var vgIDs: BenchIDPermutation
    private var gqaIDs: BenchIDPermutation
    private var isbnIDs: BenchIDPermutation
    private var recentCoco = BenchRecentIDs(capacity: 2048)
    private var recentVG = BenchRecentIDs(capacity: 1024)
    private var recentGQA = BenchRecentIDs(capacity: 1024)
    private var shareBase: [UInt8] = Array(repeating: 0, count: 7)
    private var sharePart = -1
    private var ocrOrder: [Int] = []

    // Lists.
    private let convQ, convA, fill, detailPrompt, descSent, complexQ, reasonOpen, reasonSent, reasonClose: Int32
    private let vqaQ, vqaA, okQ, okA, aokQ, optAct, refexp, vgPhrase, gqaQ, gqaA: Int32
    private let ocrQ, ocrA, textQ, ocrLine, textAns: Int32
    private let shareQ, shareFollow, shareOpen, shareSent, shareClose, listItem, codeIntro, code, codeExplain: Int32
    private let cnQ, cnA, bboxSlot: Int32

    init(composer: BenchComposer, count: Int) {
        c = composer
        out = composer.out
        self.count = count
        remaining = Self.scaledCounts(count)
        let textTotal = remaining[Source.textOnly.rawValue]
        textWindowStart = max(0, count - textTotal - textTotal / 2)
        cocoIDs = BenchIDPermutation(atLeast: 581_929, rng: &composer.rng)
        vgIDs = BenchIDPermutation(atLeast: 2_417_997, rng: &composer.rng)
        gqaIDs = BenchIDPermutation(atLeast: 2_417_997, rng: &composer.rng)
        isbnIDs = BenchIDPermutation(atLeast: 999_999_000, rng: &composer.rng)
        let l = composer.lexicon
        convQ = l.list("convq"); convA = l.list("conva"); fill = l.list("fill")
        detailPrompt = l.list("detailprompt"); descSent = l.list("descsent")
        complexQ = l.list("complexq"); reasonOpen = l.list("reasonopen")
        reasonSent = l.list("reasonsent"); reasonClose = l.list("reasonclose")
        vqaQ = l.list("vqaq"); vqaA = l.list("vqaa"); okQ = l.list("okq"); okA = l.list("oka")
        aokQ = l.list("aokq"); optAct = l.list("optact"); refexp = l.list("refexp")
        vgPhrase = l.list("vgphrase"); gqaQ = l.list("gqaq"); gqaA = l.list("gqaa")
        ocrQ = l.list("ocrq"); ocrA = l.list("ocra"); textQ = l.list("textq")
        ocrLine = l.list("ocrline"); textAns = l.list("textans")
        shareQ = l.list("shareq"); shareFollow = l.list("sharefollow"); shareOpen = l.list("shareopen")
        shareSent = l.list("sharesent"); shareClose = l.list("shareclose"); listItem = l.list("listitem")
        codeIntro = l.list("codeintro"); code = l.list("code"); codeExplain = l.list("codeexplain")
        cnQ = l.list("cnq"); cnA = l.list("cna"); bboxSlot = l.list("bboxslot")
    }

    /// The real counts scaled to `count`, largest remainders first; exact at 665_298.
    static func scaledCounts(_ count: Int) -> [Int] {
        let total = realCounts.reduce(0, +)
        var counts = realCounts.map { $0 * count / total }
        let order = realCounts.indices.sorted {
            let a = realCounts[$0] * count % total, b = realCounts[$1] * count % total
            return a != b ? a > b : $0 < $1
        }
        var missing = count - counts.reduce(0, +)
        var k = 0
        while missing > 0 {
            counts[order[k % order.count]] += 1
            missing -= 1
            k += 1
        }
        return counts
    }

    /// Writes the whole array; returns the number of text-only records.
    func run() throws -> Int {
        out.byte(91)  // [
        var textOnly = 0
        for index in 0..<count {
            out.raw(index == 0 ? "\n  {\n    \"id\": \"" : ",\n  {\n    \"id\": \"")
            let source = nextSource(index)
            c.scope()
            switch source {
            case .coco: coco()
            case .vg: visualGenome()
            case .gqa: gqa()
            case .ocrVQA: ocrVQA()
            case .textVQA: textVQA()
            case .textOnly:
                shareGPT()
                textOnly += 1
            }
            out.raw("\n  }")
            if index & 1023 == 0 { try out.check() }
        }
        out.raw(count == 0 ? "]" : "\n]")
        return textOnly
    }

    /// Draws the next record's source without replacement, keeping text-only records for the end.
    private func nextSource(_ index: Int) -> Source {
        let textLeft = remaining[Source.textOnly.rawValue]
        let imageLeft = count - index - textLeft
        var pickText = false
        if imageLeft <= 0 {
            pickText = true
        } else if index >= textWindowStart, textLeft > 0 {
            pickText = c.rng.below(count - index) < textLeft
        }
        if pickText {
            remaining[Source.textOnly.rawValue] -= 1
            return .textOnly
        }
        var r = c.rng.below(imageLeft)
        for s in 0..<(Source.allCases.count - 1) {
            if r < remaining[s] {
                remaining[s] -= 1
                return Source(rawValue: s) ?? .coco
            }
            r -= remaining[s]
        }
        remaining[0] -= 1
        return .coco
    }

    // MARK: Image ids and paths

    private func imageKey(_ path: StaticString) {
        out.raw("\",\n    \"image\": \"")
        out.raw(path)
    }

    private func coco() {
        let id: Int
        if !recentCoco.isEmpty, c.rng.chance(0.07) {
            id = recentCoco.pick(&c.rng)
        } else {
            id = cocoIDs.next()
        }
        recentCoco.remember(id)
        out.padded(id, width: 12)
        imageKey("coco/train2017/")
        out.padded(id, width: 12)
        out.raw(".jpg\"")
        c.beginConversations()
        var r = c.rng.below(Self.cocoWeights.reduce(0, +))
        var kind = CocoKind.conversation
        for (k, weight) in Self.cocoWeights.enumerated() {
            if r < weight {
                kind = CocoKind.allCases[k]
                break
            }
            r -= weight
        }
        switch kind {
        case .conversation: conversation()
        case .detail: detail()
        case .reasoning: reasoning()
        case .vqa: shortQA(questions: vqaQ, answers: vqaA, turns: c.rng.inRange(3, 10))
        case .okvqa: shortQA(questions: okQ, answers: okA, turns: 1)
        case .aokvqa: multipleChoice()
        case .refcoco: regions(phrases: refexp, turns: c.rng.inRange(3, 10))
        }
        c.endConversations()
    }

    private func visualGenome() {
        let id: Int
        if !recentVG.isEmpty, c.rng.chance(0.02) {
            id = recentVG.pick(&c.rng)
        } else {
            id = vgIDs.next()
        }
        recentVG.remember(id)
        out.int(id)
        imageKey(id % 10 == 7 ? "vg/VG_100K_2/" : "vg/VG_100K/")
        out.int(id)
        out.raw(".jpg\"")
        c.beginConversations()
        regions(phrases: vgPhrase, turns: c.rng.inRange(3, 13))
        c.endConversations()
    }

    private func gqa() {
        let id: Int
        if !recentGQA.isEmpty, c.rng.chance(0.03) {
            id = recentGQA.pick(&c.rng)
        } else {
            id = gqaIDs.next()
        }
        recentGQA.remember(id)
        out.int(id)
        imageKey("gqa/images/")
        out.int(id)
        out.raw(".jpg\"")
        c.beginConversations()
        shortQA(questions: gqaQ, answers: gqaA, turns: c.rng.inRange(3, 14))
        c.endConversations()
    }

    /// An ISBN-10-like name (nine digits and a check digit that may be `X`), as OCR-VQA uses.
    private func isbn() -> [UInt8] {
        let body = isbnIDs.next() % 1_000_000_000
        var digits: [UInt8] = Array(repeating: 48, count: 10)
        var sum = 0
        var v = body
        for position in stride(from: 8, through: 0, by: -1) {
            digits[position] = UInt8(48 + v % 10)
            sum += (v % 10) * (position + 1)
            v /= 10
        }
        let check = sum % 11
        digits[9] = check == 10 ? 88 : UInt8(48 + check)
        return digits
    }

    private func ocrVQA() {
        let name = isbn()
        out.bytes(name)
        imageKey("ocr_vqa/images/")
        out.bytes(name)
        out.raw(".jpg\"")
        c.beginConversations()
        // One scope for the whole record: the same book (title, author, genre) in every turn.
        // Distinct questions, like the real records: a partial shuffle of the question indices.
        let questions = c.lexicon.count(ofList: ocrQ)
        if ocrOrder.count != questions { ocrOrder = Array(0..<questions) }
        let turns = min(c.rng.inRange(3, 6), questions)
        for t in 0..<turns {
            ocrOrder.swapAt(t, t + c.rng.below(questions - t))
            let k = ocrOrder[t]
            c.beginTurn(human: true)
            if t == 0 { out.raw("<image>\\n") }
            c.say(ocrQ, item: k)
            out.raw("\\nAnswer the question using a single word or phrase.")
            c.endTurn()
            c.beginTurn(human: false)
            c.say(ocrA, item: k)
            c.endTurn()
        }
        c.endConversations()
    }

    private func textVQA() {
        var bits = c.rng.next()
        var name: [UInt8] = []
        name.reserveCapacity(16)
        for _ in 0..<16 {
            name.append(BenchOutput.hexDigits[Int(bits & 15)])
            bits >>= 4
        }
        out.bytes(name)
        imageKey("textvqa/train_images/")
        out.bytes(name)
        out.raw(".jpg\"")
        c.beginConversations()
        c.beginTurn(human: true)
        out.raw("<image>\\n")
        c.say(textQ)
        out.raw("\\nReference OCR token: ")
        c.say(ocrLine)
        out.raw("\\nAnswer the question using a single word or phrase.")
        c.endTurn()
        c.beginTurn(human: false)
        c.say(textAns)
        c.endTurn()
        c.endConversations()
    }

    // MARK: Conversation shapes

    private func conversation() {
        let pairs = c.rng.inRange(2, 6)
        for t in 0..<pairs {
            c.scope()
            let k = c.rng.below(c.lexicon.count(ofList: convQ))
            c.beginTurn(human: true)
            if t == 0 { out.raw("<image>\\n") }
            c.say(convQ, item: k)
            c.endTurn()
            c.beginTurn(human: false)
            c.say(convA, item: k)
            let extra = c.rng.below(6)
            for _ in 0..<extra {
                out.byte(32)
                c.scope()
                c.say(fill)
            }
            c.endTurn()
        }
    }

    private func detail() {
        c.beginTurn(human: true)
        out.raw("<image>\\n")
        c.say(detailPrompt)
        c.endTurn()
        c.beginTurn(human: false)
        let sentences = c.rng.inRange(6, 12)
        for s in 0..<sentences {
            if s > 0 { out.byte(32) }
            c.scope()
            c.say(descSent)
        }
        c.endTurn()
    }

    private func reasoning() {
        c.beginTurn(human: true)
        out.raw("<image>\\n")
        c.say(complexQ)
        c.endTurn()
        c.beginTurn(human: false)
        c.say(reasonOpen)
        let sentences = c.rng.inRange(4, 8)
        for _ in 0..<sentences {
            out.byte(32)
            c.scope()
            c.say(reasonSent)
        }
        if c.rng.chance(0.6) {
            out.byte(32)
            c.say(reasonClose)
        }
        c.endTurn()
    }

    private func shortQA(questions: Int32, answers: Int32, turns: Int) {
        for t in 0..<turns {
            c.scope()
            let k = c.rng.below(c.lexicon.count(ofList: questions))
            c.beginTurn(human: true)
            if t == 0 { out.raw("<image>\\n") }
            c.say(questions, item: k)
            out.raw("\\nAnswer the question using a single word or phrase.")
            c.endTurn()
            c.beginTurn(human: false)
            c.say(answers, item: k)
            c.endTurn()
        }
    }

    private func multipleChoice() {
        c.beginTurn(human: true)
        out.raw("<image>\\n")
        c.say(aokQ)
        let letters: [StaticString] = ["\\nA. ", "\\nB. ", "\\nC. ", "\\nD. "]
        for letter in letters {
            out.raw(letter)
            c.say(optAct)
        }
        out.raw("\\nAnswer with the option's letter from the given choices directly.")
        c.endTurn()
        c.beginTurn(human: false)
        out.byte(UInt8(65 + c.rng.below(4)))
        c.endTurn()
    }

    /// RefCOCO / Visual Genome style: boxes to phrases and phrases to boxes.
    private func regions(phrases: Int32, turns: Int) {
        for t in 0..<turns {
            c.scope()
            let boxFirst = c.rng.chance(0.5)
            c.beginTurn(human: true)
            if t == 0 { out.raw("<image>\\n") }
            if boxFirst {
                out.raw("Please provide a short description for this region: ")
                c.say(bboxSlot)
            } else {
                out.raw("Please provide the bounding box coordinate of the region this sentence describes: ")
                c.say(phrases)
                out.byte(46)
            }
            c.endTurn()
            c.beginTurn(human: false)
            if boxFirst {
                c.say(phrases, capitalize: true)
                out.byte(46)
            } else {
                c.say(bboxSlot)
            }
            c.endTurn()
        }
    }

    // MARK: ShareGPT-like text-only records

    private static let alphanumerics: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    private func shareGPT() {
        if sharePart >= 0, sharePart < 5, c.rng.chance(0.25) {
            sharePart += 1
        } else {
            for i in 0..<7 { shareBase[i] = Self.alphanumerics[c.rng.below(62)] }
            sharePart = 0
        }
        out.bytes(shareBase)
        out.byte(95)  // _
        out.int(sharePart)
        out.raw("\",\n    \"model\": \"\"")
        c.beginConversations()
        let chinese = c.rng.chance(0.04)
        let turns = c.rng.chance(0.35) ? 1 : c.rng.inRange(2, 6)
        for t in 0..<turns {
            c.scope()
            c.beginTurn(human: true)
            if chinese {
                c.say(cnQ)
            } else {
                c.say(t == 0 ? shareQ : shareFollow)
            }
            c.endTurn()
            c.beginTurn(human: false)
            if chinese {
                let paragraphs = c.rng.inRange(2, 4)
                for p in 0..<paragraphs {
                    if p > 0 { out.raw("\\n\\n") }
                    c.say(cnA)
                }
            } else {
                shareAnswer()
            }
            c.endTurn()
        }
        c.endConversations()
    }

    private func shareAnswer() {
        c.say(shareOpen)
        let style = c.rng.below(10)
        if style < 5 {
            prose(paragraphs: c.rng.inRange(3, 6))
        } else if style < 8 {
            out.raw("\\n\\n")
            let items = c.rng.inRange(4, 10)
            for i in 1...items {
                if i > 1 { out.raw("\\n") }
                out.int(i)
                out.raw(". ")
                c.scope()
                c.say(listItem)
            }
            if c.rng.chance(0.7) { prose(paragraphs: c.rng.inRange(1, 2)) }
        } else {
            out.raw(" ")
            c.say(codeIntro)
            out.raw("\\n\\n```python\\n")
            c.say(code)
            out.raw("\\n```\\n\\n")
            c.say(codeExplain)
            prose(paragraphs: c.rng.inRange(1, 3))
        }
        out.raw("\\n\\n")
        c.say(shareClose)
    }

    private func prose(paragraphs: Int) {
        for _ in 0..<paragraphs {
            out.raw("\\n\\n")
            let sentences = c.rng.inRange(3, 7)
            for s in 0..<sentences {
                if s > 0 { out.byte(32) }
                c.scope()
                c.say(shareSent)
            }
        }
    }
}

// MARK: - MM-Instruct-like files

/// Writes MM-Instruct-like training records and evaluation files.
final class MMInstructWriter {
    enum Defect { case none, mentionsDescription, refusal, truncated, repetitive }

    private let c: BenchComposer
    private let out: BenchOutput
    private var saIDs: BenchIDPermutation
    private var recentSA = BenchRecentIDs(capacity: 1024)
    private var recentDataComp = BenchRecentIDs(capacity: 1024)
    private let instructions, intro, sentence, item, verse, line, name, close, mention, refusal, fragment, captionSentence: Int32
    let instructionCount: Int

    init(composer: BenchComposer) {
        c = composer
        out = composer.out
        saIDs = BenchIDPermutation(atLeast: 11_185_000, rng: &composer.rng)
        let l = composer.lexicon
        instructions = l.list("mminstr"); intro = l.list("mmintro"); sentence = l.list("mmsent")
        item = l.list("mmitem"); verse = l.list("mmverse"); line = l.list("mmline"); name = l.list("name")
        close = l.list("mmclose"); mention = l.list("mmmention"); refusal = l.list("mmrefusal")
        fragment = l.list("mmfragment"); captionSentence = l.list("descsent")
        instructionCount = l.count(ofList: instructions)
    }

    /// The instruction's form: index into `BenchCorpus.mmForms`.
    private func form(ofInstruction index: Int) -> Int {
        index % BenchCorpus.mmForms.count
    }

    /// Writes `sa_123` or a 32-hex DataComp name as the id, then the image key.
    private func idAndImage(saShare: Double) {
        if c.rng.chance(saShare) {
            let id: Int
            if !recentSA.isEmpty, c.rng.chance(0.02) { id = recentSA.pick(&c.rng) } else { id = saIDs.next() }
            recentSA.remember(id)
            out.raw("sa_")
            out.int(id)
            out.raw("\",\n    \"image\": \"sa_")
            out.int(id)
        } else {
            let key: Int
            if !recentDataComp.isEmpty, c.rng.chance(0.02) {
                key = recentDataComp.pick(&c.rng)
            } else {
                key = Int(truncatingIfNeeded: c.rng.next())
            }
            recentDataComp.remember(key)
            let name = Self.dataCompName(key)
            out.bytes(name)
            out.raw("\",\n    \"image\": \"")
            out.bytes(name)
        }
        out.raw(".jpg\"")
    }

    /// 32 hex digits derived from one 64-bit key, so a remembered key gives the same name.
    static func dataCompName(_ key: Int) -> [UInt8] {
        var rng = BenchRandom(seed: UInt64(bitPattern: Int64(key)))
        var name: [UInt8] = []
        name.reserveCapacity(32)
        for _ in 0..<2 {
            var bits = rng.next()
            for _ in 0..<16 {
                name.append(BenchOutput.hexDigits[Int(bits & 15)])
                bits >>= 4
            }
        }
        return name
    }

    func writeTrainingFile(count: Int) throws {
        out.byte(91)
        for index in 0..<count {
            out.raw(index == 0 ? "\n  {\n    \"id\": \"" : ",\n  {\n    \"id\": \"")
            idAndImage(saShare: 0.6)
            c.beginConversations()
            let instruction = c.rng.below(instructionCount)
            c.beginTurn(human: true)
            out.raw("<image>\\n")
            c.say(instructions, item: instruction)
            c.endTurn()
            c.beginTurn(human: false)
            answer(form: form(ofInstruction: instruction), words: c.rng.inRange(150, 400), defect: drawDefect())
            c.endTurn()
            c.endConversations()
            out.raw(",\n    \"caption\": \"")
            caption()
            out.raw("\"\n  }")
            if index & 1023 == 0 { try out.check() }
        }
        out.raw(count == 0 ? "]" : "\n]")
    }

    /// Writes the questions JSONL; returns each question's instruction index.
    func writeEvalQuestions(count: Int) throws -> [Int] {
        var chosen: [Int] = []
        chosen.reserveCapacity(count)
        for qid in 0..<count {
            out.raw("{\"question_id\": ")
            out.int(qid)
            out.raw(", \"image\": \"")
            let instruction = c.rng.below(instructionCount)
            chosen.append(instruction)
            imageOnly()
            out.raw(", \"text\": \"")
            c.say(instructions, item: instruction)
            out.raw("\", \"caption\": \"")
            caption()
            out.raw("\", \"category\": \"vllm_instruction_following\"}\n")
            if qid & 1023 == 0 { try out.check() }
        }
        return chosen
    }

    private func imageOnly() {
        if c.rng.chance(0.7) {
            out.raw("sa_")
            out.int(saIDs.next())
        } else {
            out.bytes(Self.dataCompName(Int(truncatingIfNeeded: c.rng.next())))
        }
        out.raw(".jpg\"")
    }

    private static let answerIDAlphabet: [UInt8] = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)

    /// Writes one model's answers JSONL in a shuffled order (never the question order when there are 2+ questions).
    func writeEvalAnswers(instructions chosen: [Int], model: String, withAnswerIDs: Bool) throws {
        var order = Array(chosen.indices)
        if order.count > 1 {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, c.rng.below(i + 1))
            }
            if order == Array(chosen.indices) { order.swapAt(0, 1) }
        }
        let modelID = BenchLexicon.escape(model, asciiOnly: false)
        let shortest = c.rng.inRange(15, 90)
        let longest = shortest + c.rng.inRange(30, 220)
        for (n, qid) in order.enumerated() {
            out.raw("{\"question_id\": ")
            out.int(qid)
            out.raw(", \"prompt\": \"")
            c.say(instructions, item: chosen[qid])
            out.raw("\", \"text\": \"")
            let defect = drawDefect()
            answer(form: form(ofInstruction: chosen[qid]), words: c.rng.inRange(shortest, longest), defect: defect)
            if withAnswerIDs {
                out.raw("\", \"answer_id\": \"")
                for _ in 0..<22 { out.byte(Self.answerIDAlphabet[c.rng.below(Self.answerIDAlphabet.count)]) }
            }
            out.raw("\", \"model_id\": \"")
            out.bytes(modelID)
            out.raw("\", \"metadata\": {}}\n")
            if n & 1023 == 0 { try out.check() }
        }
    }

    private func drawDefect() -> Defect {
        let r = c.rng.below(1000)
        switch r {
        case 0..<30: return .mentionsDescription
        case 30..<40: return .refusal
        case 40..<60: return .truncated
        case 60..<70: return .repetitive
        default: return .none
        }
    }

    /// A 40–120 word detailed description.
    private func caption() {
        let start = out.separators
        let target = c.rng.inRange(40, 120)
        var first = true
        while out.separators - start + 1 < target - 8 {
            if !first { out.byte(32) }
            first = false
            c.scope()
            c.say(captionSentence)
        }
    }

    /// An answer of about `words` words in the instruction's form, with the given defect.
    private func answer(form: Int, words target: Int, defect: Defect) {
        c.scope()
        if defect == .refusal {
            c.say(refusal)
            return
        }
        let start = out.separators
        var wordsSoFar: Int { out.separators - start + 1 }
        c.say(intro, item: form)
        let kind = BenchCorpus.mmForms[form].kind
        let mentionAt = defect == .mentionsDescription ? c.rng.inRange(0, 3) : -1
        var sentences = 0
        func body() {
            if sentences == mentionAt {
                c.scope()
                c.say(mention)
                out.byte(32)
            }
            sentences += 1
            c.scope()
            c.say(sentence)
        }
        switch kind {
        case .verse:
            out.raw("\\n\\n")
            let lines = c.rng.inRange(3, 6)
            for l in 0..<lines {
                if l > 0 { out.raw("\\n") }
                c.scope()
                c.say(verse)
            }
            out.raw("\\n\\n")
        case .list:
            out.raw("\\n\\n")
            let items = c.rng.inRange(3, 7)
            for i in 1...items {
                if i > 1 { out.raw("\\n") }
                out.int(i)
                out.raw(". ")
                c.scope()
                c.say(item)
            }
            out.raw("\\n\\n")
        case .dialogue:
            out.raw("\\n\\n")
            let lines = c.rng.inRange(4, 8)
            let names = c.lexicon.count(ofList: name)
            let first = c.rng.below(names)
            let second = (first + 1 + c.rng.below(names - 1)) % names
            for l in 0..<lines {
                if l > 0 { out.raw("\\n") }
                c.say(name, item: l % 2 == 0 ? first : second)
                out.raw(": ")
                c.scope()
                c.say(line)
            }
            out.raw("\\n\\n")
        case .prose:
            out.byte(32)
        }
        if defect == .repetitive {
            body()
            out.byte(32)
            c.scope()
            let k = c.rng.below(c.lexicon.count(ofList: sentence))
            let repeats = c.rng.inRange(4, 8)
            for r in 0..<repeats {
                if r > 0 { out.byte(32) }
                c.say(sentence, item: k)  // same scope: identical sentences
            }
            out.byte(32)
            c.say(close)
            return
        }
        var inParagraph = 0
        let closingWords = 14
        while wordsSoFar < target - closingWords {
            if inParagraph > 0 { out.byte(32) }
            body()
            inParagraph += 1
            if inParagraph >= 4, c.rng.chance(0.35) {
                out.raw("\\n\\n")
                inParagraph = 0
            }
        }
        if inParagraph > 0 { out.byte(32) }
        if defect == .truncated {
            c.scope()
            c.say(fragment)
            return
        }
        if defect == .mentionsDescription, sentences <= mentionAt {
            c.say(mention)
            out.byte(32)
        }
        c.scope()
        c.say(close)
    }
}

// MARK: - Corpus

/// Word lists and templates for the generators (see `BenchLexicon` for the slot syntax).
/// Lists whose names end in `q`/`a` with the same stem are question/answer pairs: item k of
/// one goes with item k of the other, rendered in the same binding scope.
enum BenchCorpus {
    enum FormKind: Sendable { case prose, list, verse, dialogue }

    struct Form: Sendable {
        var request: String
        var kind: FormKind
        var intro: String
    }

    static var all: [(String, [String])] {
        words + scenes + shortAnswers + pairs(qaPairs) + books + shareGPT + mmInstruct
    }

    private static func pairs(_ groups: [(String, [(String, String)])]) -> [(String, [String])] {
        groups.flatMap { group in
            [(group.0 + "q", group.1.map(\.0)), (group.0 + "a", group.1.map(\.1))]
        }
    }

    // MARK: Words

    static let words: [(String, [String])] = [
        ("obj", [
            "dog", "cat", "horse", "bus", "train", "truck", "car", "bicycle", "motorcycle", "airplane", "boat",
            "traffic light", "fire hydrant", "stop sign", "bench", "bird", "backpack", "umbrella", "handbag",
            "suitcase", "frisbee", "kite", "skateboard", "surfboard", "tennis racket", "bottle", "wine glass",
            "coffee cup", "bowl", "banana", "apple", "sandwich", "orange", "pizza", "donut", "cake", "chair",
            "couch", "potted plant", "bed", "dining table", "television", "laptop", "keyboard", "cell phone",
            "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "teddy bear",
            "toothbrush", "giraffe", "zebra", "elephant", "sheep", "cow", "bear", "fire truck", "street lamp",
            "mailbox", "bookshelf", "window", "door", "fence", "tree", "helmet", "hat", "scarf", "teapot",
            "croissant", "bowl of ramen", "crêpe", "wooden crate", "shopping cart", "tram", "ferry", "scooter",
            "tent", "picnic basket", "flower pot", "mirror", "rug", "desk", "water bottle", "cupcake", "hot dog",
            "kayak", "sailboat", "guitar", "lantern", "bird cage", "trash can", "parking meter", "baseball glove",
        ]),
        ("objs", [
            "dogs", "cats", "horses", "buses", "cars", "bicycles", "motorcycles", "boats", "birds", "umbrellas",
            "kites", "bananas", "apples", "oranges", "donuts", "cupcakes", "chairs", "books", "bottles", "cows",
            "sheep", "zebras", "giraffes", "elephants", "people", "children", "pigeons", "trees", "plates",
            "windows", "surfboards", "pairs of skis", "pillows", "flowers", "lamps", "benches", "suitcases",
            "slices of pizza", "traffic cones", "ducks", "players", "tourists", "street signs", "parked cars",
        ]),
        ("person", [
            "man", "woman", "young boy", "little girl", "chef", "skateboarder", "surfer", "tennis player",
            "baseball player", "police officer", "elderly man", "older woman", "teenager", "cyclist", "waiter",
            "street vendor", "tourist", "photographer", "skier", "bus driver", "mother", "father", "toddler",
            "student", "runner", "fisherman", "barista", "musician", "farmer", "construction worker",
        ]),
        ("color", [
            "red", "blue", "green", "yellow", "white", "black", "gray", "brown", "orange", "pink", "purple",
            "beige", "turquoise", "navy blue", "dark green", "silver", "maroon", "tan", "light blue",
            "cream-colored", "crimson", "olive", "teal", "golden",
        ]),
        ("adj", [
            "small", "large", "old", "wooden", "shiny", "vintage", "colorful", "crowded", "quiet", "modern",
            "rusty", "bright", "cozy", "narrow", "wide", "tall", "fluffy", "sleek", "weathered", "busy", "empty",
            "clean", "messy", "neat", "sunlit", "striped", "polished", "worn", "elegant", "rustic", "tiny",
            "massive", "spotless", "dusty", "brand-new", "handmade", "well-kept", "faded",
        ]),
        ("place", [
            "on a busy city street", "in a kitchen", "at the beach", "in a grassy field", "next to a brick building",
            "inside a living room", "at a train station", "on a snowy slope", "near a river", "in a parking lot",
            "at an outdoor market", "in front of a café", "on a wooden table", "in a zoo enclosure",
            "at the airport", "on a tennis court", "in a small park", "along a quiet country road",
            "in a crowded restaurant", "on a sandy shore", "under a bridge", "in a backyard garden",
            "near the Champs-Élysées", "in a plaza in São Paulo", "by the lake in Zürich", "on a street in Kraków",
            "\u{1}in front of a bakery in Malmö", "at a night market in 台北", "outside a ramen shop in 東京",
            "on a baseball field", "in an office", "in a hotel room", "on a city sidewalk", "at a bus stop",
        ]),
        ("action", [
            "riding a skateboard", "holding an umbrella", "eating a slice of pizza", "walking a dog",
            "flying a kite", "talking on a cell phone", "sitting on a bench", "waiting for the bus",
            "playing frisbee", "surfing a wave", "reading a book", "cutting a cake", "looking at a laptop",
            "crossing the street", "standing by the window", "carrying a surfboard", "swinging a tennis racket",
            "feeding the giraffes", "skiing down the hill", "taking a photo", "drinking coffee",
            "preparing food", "riding a horse", "pushing a stroller", "throwing a ball", "brushing their teeth",
            "playing the guitar", "selling fruit", "fixing a bicycle", "watching the sunset",
        ]),
        ("weather", ["sunny", "overcast", "rainy", "foggy", "snowy", "clear", "windy", "cloudy", "hazy"]),
        ("weatheradj", ["cloudy", "clear", "blue", "overcast", "gray", "bright", "dark"]),
        ("sky", [
            "a few scattered clouds", "a bright blue sky", "dark clouds gathering overhead", "soft evening light",
            "light rain falling", "snow covering the ground", "the sun low on the horizon",
        ]),
        ("food", [
            "broccoli", "carrots", "rice", "a grilled steak", "french fries", "a salad", "pasta", "sushi",
            "pancakes", "scrambled eggs", "a slice of cake", "fresh fruit", "a sandwich", "noodles", "soup",
            "crème brûlée", "jalapeño poppers", "a bowl of pho", "dumplings", "tacos", "a croissant", "bagels",
        ]),
        ("garment", [
            "jacket", "T-shirt", "hoodie", "dress", "pair of jeans", "sweater", "raincoat", "uniform", "suit",
            "scarf", "baseball cap", "wetsuit", "apron", "pair of shorts", "winter coat",
        ]),
        ("material", ["wood", "metal", "plastic", "glass", "brick", "concrete", "stone", "leather", "fabric",
                      "ceramic", "paper", "steel", "wicker", "porcelain"]),
        ("room", ["kitchen", "bathroom", "living room", "bedroom", "office", "dining room", "classroom",
                  "garage", "restaurant", "hallway"]),
        ("sport", ["tennis", "baseball", "soccer", "skiing", "surfing", "skateboarding", "frisbee",
                   "snowboarding", "basketball", "volleyball", "kiteboarding"]),
        ("rel", ["next to", "behind", "in front of", "to the left of", "to the right of", "on top of", "under",
                 "near", "beside", "across from"]),
        ("side", ["left", "right"]),
        ("yesno", ["yes", "no", "yes", "no", "yes"]),
        ("num", ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]),
        ("time", ["in the early morning", "around noon", "in the late afternoon", "at dusk", "at night",
                  "during the golden hour", "on a weekend morning"]),
        ("mood", ["relaxed", "festive", "busy", "calm", "cheerful", "somber", "lively", "peaceful", "nostalgic",
                  "playful"]),
        ("purpose", [
            "provide shade for visitors", "help people cross the street safely", "keep the food warm",
            "attract customers", "decorate the space", "store personal belongings", "guide traffic",
            "offer a place to rest", "protect the surface from scratches",
        ]),
        ("signtext", [
            "STOP", "ONE WAY", "Joe's Diner", "No Parking", "Café de Flore", "Main St", "Welcome to Zürich", "EXIT",
            "SALE 50% OFF", "Open 24 Hours", "寿司", "Bäckerei Müller", "Do Not Enter", "Yield", "Bus Stop",
            "Platform 9", "Ristorante Bella Vista", "\"Fresh\" Coffee", "Ave. des Champs", "Lane 3 \\ Voie 3",
        ]),
        ("name", [
            "José", "Zoë", "Chloé", "François", "Søren", "Łukasz", "Renée", "Björn", "Mateo", "Aisha", "Hiroshi",
            "Ingrid", "Siobhán", "Anaïs", "Jürgen", "Emily", "James", "Priya", "Carlos", "Fatima", "Noah",
            "Olivia", "Liam", "Mei", "Ahmed", "Sofia", "Lucas", "李明", "\u{1}Thérèse", "Grace",
        ]),
        ("surname", [
            "García Márquez", "Smith", "Johnson", "Müller", "O'Brien", "Nakamura", "Kowalski", "Dubois", "Rossi",
            "Andersen", "Nguyen", "Brown", "Fernández", "Novák", "Øvrebø", "Williams", "Chen", "Patel",
            "Schröder", "Lefèvre", "Okafor", "Larsen", "\u{1}Ibáñez", "Taylor",
        ]),
        ("city", [
            "Paris", "Kyoto", "São Paulo", "Reykjavík", "Montréal", "Zürich", "New York", "Lagos", "Mumbai",
            "Kraków", "北京", "Cairo", "Lisbon", "Vancouver", "Marrakesh", "Seoul", "Buenos Aires", "Oslo",
        ]),
        ("brand", ["nike", "apple", "samsung", "honda", "toyota", "adidas", "coca cola", "dell", "sony",
                   "yamaha", "canon", "heineken", "starbucks", "ford"]),
        ("animal", ["dog", "cat", "horse", "zebra", "giraffe", "elephant", "bear", "sheep", "cow", "bird",
                    "duck", "pigeon"]),
        ("vehicle", ["bus", "car", "truck", "train", "motorcycle", "bicycle", "van", "taxi", "tram", "scooter"]),
        ("furniture", ["table", "chair", "couch", "bed", "desk", "shelf", "cabinet", "bench", "dresser"]),
        ("daytime", ["morning", "afternoon", "night", "evening", "noon", "daytime"]),
        ("whereshort", ["on table", "in sky", "on wall", "on floor", "in water", "on street", "on plate",
                        "in kitchen", "on grass", "at beach"]),
        ("whyshort", ["fun", "to stay dry", "exercise", "waiting", "playing", "working", "hungry", "safety",
                      "to catch ball", "resting"]),
        ("country", ["italy", "japan", "mexico", "france", "china", "germany", "india", "united states",
                     "spain", "thailand"]),
        ("dish", ["pizza", "sushi", "taco", "croissant", "curry", "bratwurst", "paella", "pho", "dumpling"]),
        ("sizeans", ["small", "large", "tiny", "huge"]),
        ("inout", ["indoors", "outdoors"]),
        ("thing", [
            "Garden", "River", "Lighthouse", "Kitchen", "Mountain", "Harbor", "Violin", "Library", "Orchard",
            "Compass", "Lantern", "Station", "Island", "Forest", "Cathedral", "Bakery",
        ]),
        ("topic", [
            "machine learning", "home gardening", "personal finance", "the French Revolution", "climate change",
            "remote work", "quantum computing", "urban planning", "sourdough baking", "marathon training",
            "blockchain technology", "public speaking", "photography", "renewable energy", "time management",
            "the Roman Empire", "meditation", "web accessibility", "electric cars", "jazz history",
            "search engine optimization", "the Rust programming language", "watercolor painting",
        ]),
        ("feeling", ["warmth", "nostalgia", "curiosity", "calm", "excitement", "wonder", "joy", "solitude",
                     "anticipation", "serenity"]),
        ("season", ["spring", "summer", "autumn", "winter"]),
        ("texture", ["soft", "rough", "glossy", "grainy", "smooth", "weathered", "velvety", "crisp"]),
        ("light", ["warm afternoon light", "soft diffused light", "harsh midday sun", "streetlight glow",
                   "golden evening light", "cool morning light", "dramatic side lighting"]),
        ("bboxslot", ["{bbox}"]),
    ]

    // MARK: LLaVA-Instruct style scenes

    static let scenes: [(String, [String])] = [
        ("fill", [
            "This suggests that the photo was taken {time}.",
            "The {adj} surroundings give the scene a {mood} feel.",
            "It appears to be a {weather} day, which adds to the {mood} atmosphere.",
            "There are also {num} {objs} visible in the background.",
            "A {color} {obj} can be seen {rel} the {obj2}, adding some variety to the scene.",
            "The setting looks like it is {place}.",
            "Overall, the image captures a {mood} moment of everyday life.",
            "Nearby, a {person} is {action}.",
            "The {obj} appears to be {adj} and well used.",
            "Some people might find the scene {mood} and inviting.",
        ]),
        ("detailprompt", [
            "Describe the following image.", "What do you see happening in this image?",
            "Can you elaborate on the elements of the picture provided?",
            "Explain the visual content of the image in great detail.",
            "What do you think is going on in this snapshot?", "Write a detailed description of the given image.",
            "Can you describe the main features of this image for me?", "What is this photo about?",
            "Analyze the image in a comprehensive and detailed manner.", "What's happening in the scene?",
        ]),
        ("descsent", [
            "The image shows a {adj} {obj} {place}.",
            "In the foreground, a {person} is {action}, while a {person2} stands nearby.",
            "A {color} {obj} can be seen {rel} the {obj2}, adding a touch of color to the scene.",
            "There are {num} {objs} scattered around the area, some closer to the camera than others.",
            "The background features {objs2} and a {adj2} {obj3}.",
            "The lighting suggests that the photo was taken {time}.",
            "Overall, the scene conveys a {mood} atmosphere.",
            "On the {side} side of the frame, a {color2} {obj4} rests {rel2} a {obj5}.",
            "A sign that reads \"{signtext}\" is visible in the distance.",
            "Several {objs3} are arranged neatly on a {material} {furniture}.",
            "The {person} is wearing a {color} {garment} and appears to be {action}.",
            "Above the scene, the weather looks {weather}, with {sky}.",
            "A {adj} {material} {furniture} occupies the center of the frame.",
            "The scene is bathed in {light}, which gives the {obj} a {texture} look.",
            "Behind the {person}, {num} {objs} line the edge of the scene.",
            "The photograph has a {mood} quality, as if it were taken on a quiet {season} day.",
            "A {person} {rel} the {obj} seems to be {action}.",
            "The {obj}'s {color} surface stands out against the {color2} background.",
            "A serving of {food} sits on a plate near the edge of the {furniture}.",
            "It looks like {time} {place}, with {objs} all around.",
            "A group of {objs} can be seen {place}.",
            "The composition draws attention to the {adj} {obj} in the middle.",
            "Its {texture} texture contrasts with the {adj} {material} around it.",
            "The camera angle is slightly elevated, showing the {obj} from above.",
        ]),
        ("complexq", [
            "What challenges might the {person} face while {action} {place}?",
            "Why might the {person} be {action} in this setting?",
            "What can be inferred about the {obj} and its surroundings?",
            "What safety precautions should be taken in a situation like this?",
            "What could be the reason for the {objs} being gathered {place}?",
            "How might the weather affect the activity shown in the image?",
            "What is unusual about this image?",
            "What purpose might the {color} {obj} serve in this scene?",
            "What might happen next in this scene?",
            "What does the presence of the {obj} suggest about the location?",
            "How does the {adj} {obj} contribute to the overall mood of the scene?",
            "What are the potential benefits of {action} {place}?",
        ]),
        ("reasonopen", [
            "In the image, a {person} is {action} {place}.", "The image depicts a {adj} scene {place}.",
            "Based on the visual cues in the image,", "Looking at the scene,",
            "The {person} in the image is {action}, which suggests a few possibilities.",
        ]),
        ("reasonsent", [
            "One possible reason is that the {person} wants to {purpose}.",
            "The {weather} weather might make it harder to stay comfortable while {action}.",
            "Additionally, the {objs} nearby could pose a risk if they are not handled carefully.",
            "The presence of a {color} {obj} indicates that the area is frequently used by {objs}.",
            "It is also possible that the {obj} was placed there to {purpose}.",
            "Such settings often require people to pay attention to their surroundings, especially {time}.",
            "This kind of activity typically requires balance, focus, and some practice.",
            "The {adj} condition of the {obj} hints that it has been there for quite some time.",
            "Furthermore, {action} in a place like this can be a {mood} way to spend the day.",
            "People in similar situations usually keep a {obj} close by in case they need it.",
            "The arrangement of the {objs} suggests that someone organized the space with care.",
            "A {person} in this position should stay aware of the {objs} around them.",
        ]),
        ("reasonclose", [
            "Overall, the scene highlights the importance of being prepared.",
            "In conclusion, the image offers several clues about the context and the people involved.",
            "Taking these factors into account helps explain what is happening in the image.",
        ]),
        ("refexp", [
            "{color} {obj} on the {side}", "{person} in {color} {garment}", "{side} {person}",
            "{obj} closest to camera", "the {adj} {obj} {rel} the {obj2}", "{person} {action}",
            "bottom {side} {obj}", "{color} shirt guy", "far {side} {animal}", "top {side} corner",
            "half of a {obj}", "{obj} in the middle", "second {obj} from {side}",
        ]),
        ("vgphrase", [
            "{color} {obj} {rel} {adj} {obj2}", "{person} {action}", "{objs} {place}",
            "the sky is {weatheradj}", "{adj} {material} {furniture}", "white clouds in blue sky",
            "leaves on the tree", "{color} {garment} on the {person}", "shadow of the {obj} on the ground",
            "window on the building", "a {color} and {color2} sign", "{objs} parked along the street",
            "edge of a {material} {furniture}", "the {person} has dark hair", "part of a {obj}",
            "{color} letters on the {obj}", "wheel of a {vehicle}", "grass growing near the {obj}",
        ]),
        ("optact", [
            "riding away", "eating lunch", "going to sleep", "taking a photo", "crossing the street",
            "paying for the food", "waiting for a friend", "cleaning the table", "boarding the bus",
            "catching the ball", "walking home", "buying a ticket", "reading the menu", "feeding the animals",
        ]),
        ("aokq", [
            "What is the {person} most likely to do next?", "Why is the {person} {action}?",
            "What is the {obj} used for here?", "What season is it most likely?",
            "Where is the {person} probably going?", "What will the {objs} most likely do?",
            "What kind of event is taking place?", "What is the most likely reason for the {obj} being here?",
        ]),
    ]

    // MARK: Short-answer lists

    static let shortAnswers: [(String, [String])] = [
        ("textq", [
            "what is the brand name?", "what does the sign say?", "what number is on the jersey?",
            "what is written on the bottle?", "what time does the clock show?", "what is the title of the book?",
            "what is the name of the store?", "what year is shown?", "what letter is on the hat?",
            "what city is mentioned?", "what is the license plate number?", "what word is written in red?",
        ]),
        ("ocrw", [
            "COCA-COLA", "Heineken", "SAMSUNG", "nike", "STOP", "Café", "2019", "12:45", "Ave", "BOOKS",
            "Guinness", "ROLEX", "Dell", "TOSHIBA", "Delta", "Starbucks", "vodka", "Budweiser", "Canon",
            "yamaha", "LONDON", "Paris", "No.", "7", "23", "Bière", "OPEN", "sale", "SONY", "Jägermeister",
            "police", "TAXI", "1984", "EXIT", "Kodak", "ESPAÑA", "lager", "Ltd.", "www", "FRESH",
        ]),
        ("ocrline", [
            "{ocrw}, {ocrw2}", "{ocrw}, {ocrw2}, {ocrw3}", "{ocrw2}, {ocrw}, {ocrw3}, {ocrw4}",
            "{ocrw3}, {ocrw}, {ocrw2}, {ocrw4}, {ocrw5}, {ocrw6}",
        ]),
        ("textans", ["{ocrw}", "{ocrw}", "{ocrw2}", "{ocrw}", "unanswerable"]),
        ("genre", [
            "Cookbooks, Food & Wine", "Literature & Fiction", "Children's Books", "Business & Money",
            "Health, Fitness & Dieting", "Travel", "Science & Math", "Religion & Spirituality",
            "Sports & Outdoors", "Arts & Photography", "Computers & Technology", "History",
            "Biographies & Memoirs", "Crafts, Hobbies & Home", "Self-Help", "Humor & Entertainment",
            "Science Fiction & Fantasy", "Mystery, Thriller & Suspense", "Romance", "Teen & Young Adult",
            "Parenting & Relationships", "Law", "Medical Books", "Reference", "Comics & Graphic Novels",
            "Calendars", "Engineering & Transportation", "Education & Teaching", "Test Preparation",
        ]),
        ("gshort", ["comedy", "religious", "sci-fi", "romantic", "historical", "financial", "kids",
                    "pharmaceutical", "fitness", "recipe", "travel", "exam preparation"]),
    ]

    // MARK: Question/answer pairs

    static let qaPairs: [(String, [(String, String)])] = [
        ("conv", [
            ("What color is the {obj} in the image?", "The {obj} in the image is {color}."),
            ("What is the {person} doing?", "The {person} is {action} {place}."),
            ("How many {objs} are there in the image?", "There are {num} {objs} in the image."),
            ("Where is the {obj} located?", "The {obj} is located {place}, {rel} a {obj2}."),
            ("What is the weather like in the image?", "The weather appears to be {weather}, with {sky}."),
            ("Is the {person} wearing a hat?", "Yes, the {person} is wearing a {color} hat."),
            ("Is the {person} alone?", "No, the {person} is accompanied by a {person2} who is {action}."),
            ("What might be the purpose of the {obj} {place}?", "The {obj} is most likely there to {purpose}."),
            ("What does the sign say?", "The sign says \"{signtext}\"."),
            ("What type of food is on the plate?", "The plate contains {food}, {food2}, and some {food3}."),
            ("Can you describe the {person}'s outfit?",
             "The {person} is wearing a {color} {garment} together with a {color2} {garment2}."),
            ("What is the main object in the image?", "The main object in the image is a {adj} {color} {obj}."),
            ("What time of day does it seem to be?", "It seems to be {time}, judging by the {light}."),
            ("What is next to the {obj}?", "Next to the {obj}, there is a {adj} {obj2}."),
            ("What material is the {furniture} made of?", "The {furniture} appears to be made of {material}."),
            ("What animals can be seen in the picture?", "The picture shows {num} {objs} standing {place}."),
            ("What kind of room is this?", "This appears to be a {room}, furnished with a {adj} {furniture}."),
            ("Which sport is being played?", "The people in the image are playing {sport}."),
            ("Is the {obj} being used?", "No, the {obj} is not in use at the moment; it is resting {place}."),
            ("What is the {person} holding?", "The {person} is holding a {color} {obj}."),
            ("What is the condition of the {obj}?", "The {obj} looks {adj}, with a {texture} surface."),
            ("What is in the background of the image?", "In the background, there are {objs} and a {adj} {obj}."),
        ]),
        ("vqa", [
            ("What color is the {obj}?", "{color}"), ("Is there a {obj} in the picture?", "{yesno}"),
            ("How many {objs} are there?", "{count}"), ("What is the {person} holding?", "{obj}"),
            ("Is it sunny?", "{yesno}"), ("What room is this?", "{room}"),
            ("What sport is being played?", "{sport}"), ("Are the lights on?", "{yesno}"),
            ("What is on the plate?", "{food}"), ("Is the {person} wearing glasses?", "{yesno}"),
            ("What time of day is it?", "{daytime}"), ("What is the {obj} made of?", "{material}"),
            ("Where is the {obj}?", "{whereshort}"), ("Is this a {adj} {obj}?", "{yesno}"),
            ("What brand is the {obj}?", "{brand}"), ("How many people are in the photo?", "{count}"),
            ("What animal is this?", "{animal}"), ("Why is the {person} {action}?", "{whyshort}"),
            ("What does the sign say?", "{signtext}"), ("Is the {obj} {color}?", "{yesno}"),
            ("What is the weather like?", "{weather}"), ("Is the {person} happy?", "{yesno}"),
        ]),
        ("ok", [
            ("What country is famous for this {dish}?", "{country}"),
            ("What is the {obj} used for?", "{purpose}"),
            ("Which company makes this {vehicle}?", "{brand}"),
            ("What season is it?", "{season}"),
            ("What do you call the place where these {objs} are kept?", "{room}"),
            ("How fast can this {animal} run?", "{count}0 mph"),
        ]),
        ("gqa", [
            ("Is the {obj} to the left or to the right of the {obj2}?", "{side}"),
            ("Which side of the picture is the {obj} on?", "{side}"),
            ("What color is the {obj} {rel} the {obj2}?", "{color}"),
            ("What is the {obj} made of?", "{material}"),
            ("Are there both {objs} and {objs2} in this picture?", "{Yesno}"),
            ("Is the {color} {obj} on the left side?", "{Yesno}"),
            ("What is the {person} wearing?", "{garment}"),
            ("Who is {action}?", "{person}"),
            ("What kind of furniture is {rel} the {obj}?", "{furniture}"),
            ("Is the {obj} {rel} the {obj2}?", "{Yesno}"),
            ("Do you see any {objs} there?", "{Yesno}"),
            ("What is the {obj} sitting on?", "{furniture}"),
            ("Is the sky {weatheradj}?", "{Yesno}"),
            ("Which color do you think the {obj} has?", "{color}"),
            ("Is the {obj} small or large?", "{sizeans}"),
            ("What is in front of the {obj}?", "{obj2}"),
            ("Is it indoors or outdoors?", "{inout}"),
            ("What vehicle is {rel} the {obj}?", "{vehicle}"),
            ("Does the {obj} look {adj}?", "{Yesno}"),
            ("Are the {objs} {color}?", "{Yesno}"),
            ("What animal is {rel} the {furniture}?", "{animal}"),
            ("Is the {person} on the {side} or on the {side2}?", "{side}"),
        ]),
        ("ocr", [
            ("Who wrote this book?", "{author}"), ("What is the title of this book?", "{title}"),
            ("What type of book is this?", "{genre}"), ("What is the genre of this book?", "{genre}"),
            ("Is this a {gshort} book?", "{Yesno}"), ("Is this book related to {genre2}?", "{Yesno}"),
            ("Who is the author of this book?", "{author}"), ("Is this a sci-fi book?", "No"),
            ("What is the year printed on this calendar?", "{year}"),
        ]),
    ]

    // MARK: Books (OCR-VQA)

    static let books: [(String, [String])] = [
        ("author", ["{name} {surname}", "{name} {surname}", "{surname} & {surname2}", "Chef {name} {surname}",
                    "Dr. {name} {surname}", "{name} {surname} PhD", "Lonely Planet", "DK", "\u{1}Bérénice {surname}"]),
        ("title", [
            "The {adj} {thing}", "{thing}s of {city}", "A {adj} Guide to {topic}", "{Topic} for Beginners",
            "The Complete Book of {Topic}", "{name}'s Kitchen: {count} {Adj} Recipes", "The History of {city}",
            "\"{Adj} Days\": A Memoir", "The {thing} and the {thing2}", "{Topic}: Theory and Practice ({year} Edition)",
            "{city} {year} Calendar", "Lonely Planet {city} (Travel Guide)", "Learning {Topic} the Hard Way",
            "My {adj} {thing}: Stories from {city}", "{thing} in {Season}: Poems",
        ]),
    ]
}

extension BenchCorpus {
    // MARK: ShareGPT-like text-only conversations

    static let shareGPT: [(String, [String])] = [
        ("shareq", [
            "Can you explain how {topic} works in simple terms?", "Write a short essay about {topic}.",
            "What are the pros and cons of {topic}?",
            "I'm planning a trip to {city}. Can you suggest a {n}-day itinerary?",
            "Write a Python function that {codetask}.",
            "How do I fix this error in my code: \"{errormsg}\"?", "Give me {num} ideas for {idea}.",
            "What's the difference between {topic} and {topic2}?",
            "Rewrite this email to sound more professional:\n\n\"Hi {name}, the report is late again. Send it by {hour} pm or else. Thx\"",
            "Explain the regular expression `{regex}` step by step.",
            "How do I open the file C:\\Users\\{name}\\Documents\\report_{year}.xlsx in Python?",
            "I want you to act as a {role}. My first request is: help me with {topic}.",
            "Summarize the following text in {num} bullet points:\n\n{Topic} has changed a lot since {year}. Many people now say it is \"essential\", while others disagree.",
            "Create a weekly meal plan for someone who likes {food} and {food2}.",
            "Write a cover letter for a {role} position at a company in {city}.",
            "What are the best practices for {topic}?",
        ]),
        ("sharefollow", [
            "continue", "Continue", "Can you give an example?", "Make it shorter.", "What about {topic}?",
            "Thanks! Can you also explain {topic}?", "Rewrite it in a more formal tone.",
            "Can you put that in a table?", "Why is that?", "Translate your answer to Spanish.",
            "Now write the same thing for a {role}.", "That doesn't work, I get \"{errormsg}\".",
            "Can you add comments to the code?", "more",
        ]),
        ("role", ["software engineer", "travel guide", "personal trainer", "marketing manager", "data analyst",
                  "teacher", "career coach", "product manager", "nutritionist", "UX designer"]),
        ("codetask", [
            "reads a CSV file and returns the average of a column", "checks whether a string is a palindrome",
            "converts Windows paths like C:\\temp\\data to POSIX paths",
            "counts the words in a text file", "merges two sorted lists", "parses a date like \"{year}-03-14\"",
            "removes duplicate lines from a file", "downloads a web page and extracts all links",
        ]),
        ("errormsg", [
            "TypeError: 'NoneType' object is not subscriptable", "IndexError: list index out of range",
            "SyntaxError: unexpected EOF while parsing", "ModuleNotFoundError: No module named 'pandas'",
            "KeyError: 'id'", "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe9 in position {count}",
            "FileNotFoundError: [Errno 2] No such file or directory: 'C:\\\\data\\\\input.csv'",
        ]),
        ("idea", ["a birthday party", "a small business", "a YouTube channel about {topic}", "a team-building event",
                  "a science fair project", "a blog about {topic}", "a weekend in {city}", "a podcast"]),
        ("regex", [#"^\d{3}-\d{4}$"#, #"\b[A-Z][a-z]+\b"#, #"^[\w.+-]+@[\w-]+\.[a-z]{2,}$"#, #"(\d+)\s*(kg|lb)"#,
                   #"^\s*#.*$"#]),
        ("shareopen", [
            "Sure! Here's an overview.", "Certainly.", "Great question!", "Of course, I'd be happy to help.",
            "Here is a possible answer.", "Absolutely, let's break it down.", "Sure, here you go:",
            "There are several things to consider.", "I apologize for the confusion earlier.",
        ]),
        ("sharesent", [
            "{Topic} is a broad subject that has changed a lot since {year}.",
            "At its core, {topic} is about making better decisions with limited information.",
            "Many beginners find {topic} confusing at first, but the basic ideas are simple.",
            "One common mistake is to focus on details before understanding the big picture.",
            "For example, a {role} in {city} might approach {topic} very differently from a student.",
            "It is important to start small, measure your progress, and adjust as you go.",
            "Research published in {year} found that about {pct}% of people underestimate the effort involved.",
            "You can think of it like a {thing}: each part has a purpose, and they work together.",
            "The term is often used loosely, which is why definitions vary.",
            "In practice, the best approach depends on your goals, budget, and time.",
            "Another factor to consider is cost, which can range from {price} to much more.",
            "Experts such as {name} {surname} have argued that {topic} will matter even more in the future.",
            "This is sometimes called \"{adj} thinking\", although the name is a bit misleading.",
            "If you are unsure, it is a good idea to consult a {role} before making a decision.",
            "Keep in mind that results can vary from person to person.",
            "On the other hand, critics point out that {topic} can be overhyped.",
            "A simple way to get started is to spend {n} minutes a day on it.",
            "Over time, these small habits add up to meaningful results.",
            "\u{1}Some people call this the \"{city} approach\" — a name that stuck after {year}.",
            "Finally, don't forget to review what worked and what didn't.",
        ]),
        ("listitem", [
            "**{Adj} planning**: Decide what you want to achieve before you begin.",
            "**Research**: Read about {topic} from at least {n} different sources.",
            "**Budget**: Set aside around {price} for unexpected costs.",
            "**Practice**: Spend a little time every day on {topic}.",
            "Visit the {adj} {thing} in {city} early in the morning to avoid crowds.",
            "Try local {food} at a small restaurant near the {thing}.",
            "Ask a {role} for feedback on your progress.",
            "Use a checklist so you don't forget important steps.",
            "Keep notes in a simple file, e.g. `notes_{year}.txt`.",
            "Take breaks: working for {n} hours straight rarely helps.",
            "Compare at least {n} options before choosing one.",
            "Share your results with friends such as {name} and ask for honest opinions.",
        ]),
        ("codeintro", [
            "Here's an example:", "Here is a simple implementation:", "You can use the following code:",
            "This function should do what you need:",
        ]),
        ("code", [
            "def read_text(path):\n    with open(path, \"r\", encoding=\"utf-8\") as f:\n        data = f.read()\n    return data.replace(\"\\\\\", \"/\")",
            "import csv\n\ndef average(path, column):\n    total, count = 0.0, 0\n    with open(path, newline=\"\") as f:\n        for row in csv.DictReader(f):\n            total += float(row[column])\n            count += 1\n    return total / count if count else 0.0",
            "def is_palindrome(s):\n    cleaned = \"\".join(ch.lower() for ch in s if ch.isalnum())\n    return cleaned == cleaned[::-1]\n\nprint(is_palindrome(\"A man, a plan, a canal: Panama\"))  # True",
            "import re\n\npattern = re.compile(r\"^\\d{{3}-\\d{{4}$\")\nfor line in [\"555-1234\", \"5551234\"]:\n    print(line, bool(pattern.match(line)))",
            "def to_posix(path):\n    # C:\\temp\\data -> /c/temp/data\n    drive, rest = path[0], path[2:]\n    return \"/\" + drive.lower() + rest.replace(\"\\\\\", \"/\")",
            "from pathlib import Path\n\nlines = Path(\"input.txt\").read_text().splitlines()\nseen = set()\nunique = [l for l in lines if not (l in seen or seen.add(l))]\nPath(\"output.txt\").write_text(\"\\n\".join(unique))",
            "def merge(a, b):\n    i = j = 0\n    out = []\n    while i < len(a) and j < len(b):\n        if a[i] <= b[j]:\n            out.append(a[i]); i += 1\n        else:\n            out.append(b[j]); j += 1\n    return out + a[i:] + b[j:]",
        ]),
        ("codeexplain", [
            "The function opens the file, reads it, and returns the result.",
            "It walks through the input once, so it runs in linear time.",
            "Note the escaped backslashes (`\\\\`) in the string literal: a single backslash starts an escape sequence.",
            "You can adapt it to your data by changing the column name or the file path.",
        ]),
        ("shareclose", [
            "I hope this helps! Let me know if you have any other questions.",
            "Let me know if you'd like more details on any of these points.",
            "Feel free to ask if anything is unclear.", "Good luck!", "Have fun with it! 😊",
            "\u{1}Good luck with {topic}! 🚀",
            "Would you like me to expand on any of these?",
        ]),
        ("cnq", [
            "请用中文解释一下{topic}。", "你能帮我写一段关于{city}的介绍吗？", "什么是机器学习？请举例说明。",
            "\u{1}请把这句话翻译成英文：“今天天气很好。”",
        ]),
        ("cna", [
            "当然可以。{Topic}是一个非常广泛的话题，自{year}年以来发生了很大的变化。",
            "简单来说，它的核心思想是用数据来做出更好的决定。很多初学者一开始会觉得困难，但基本概念其实并不复杂。",
            "例如，在{city}，很多人会从小的项目开始，然后逐步积累经验。",
            "\u{1}总之，最重要的是坚持练习，并不断总结经验。希望这个回答对你有帮助！",
        ]),
    ]

    // MARK: MM-Instruct

    /// The 25 answer forms; crossed with 12 openers they give the 300 instructions.
    static let mmForms: [Form] = [
        Form(request: "a concise caption capturing the essence of the image", kind: .prose,
             intro: "\"{Adj} {thing}, {adj2} moments.\" This short line sums up the scene."),
        Form(request: "a haiku inspired by the scene in the image", kind: .verse,
             intro: "Here is a haiku inspired by the scene:"),
        Form(request: "a product review for the item shown in the image", kind: .prose,
             intro: "Rating: {n}/10. I have been using this {adj} {obj} for {n2} weeks now, and here is my honest opinion."),
        Form(request: "a step-by-step how-to guide related to the activity in the image", kind: .list,
             intro: "Here is a step-by-step guide for getting started with {action}:"),
        Form(request: "catchy ad copy for the product in the picture", kind: .prose,
             intro: "Introducing the {adj} {obj} you never knew you needed!"),
        Form(request: "a short story set in the place shown in the image", kind: .prose,
             intro: "Once upon a time, {place}, there lived a {person} named {name}."),
        Form(request: "a list of five interesting facts about the main subject of the image", kind: .list,
             intro: "Here are five interesting facts about the {obj}:"),
        Form(request: "a historical overview of the object shown in the image", kind: .prose,
             intro: "The history of the {obj} stretches back further than most people think, at least to {year}."),
        Form(request: "a travel guide entry for the location in the photo", kind: .prose,
             intro: "Welcome to one of the most {adj} corners of {city}, a place best visited in {season}."),
        Form(request: "a recipe inspired by the food in the image", kind: .list,
             intro: "This recipe for {food} serves {n} people and takes about {count}0 minutes."),
        Form(request: "a news headline and lead paragraph about the event in the image", kind: .prose,
             intro: "{Adj} {Thing} Draws Crowds in {city}. Residents gathered {place} on {season} morning to watch."),
        Form(request: "a limerick about the animal in the picture", kind: .verse,
             intro: "Here's a limerick about the {animal}:"),
        Form(request: "a slogan for a campaign using this image", kind: .prose,
             intro: "Slogan: \"{Adj} by nature, {adj2} by choice.\""),
        Form(request: "a social media post describing the image", kind: .prose,
             intro: "Just spent the {daytime} {place} and honestly, it was everything. #{season} #{thing}"),
        Form(request: "a letter to a friend describing the scene in the image", kind: .prose,
             intro: "Dear {name},\n\nI hope this letter finds you well. I wanted to tell you about something I saw today."),
        Form(request: "a dialogue between two people in the image", kind: .dialogue,
             intro: "Here is a possible dialogue between the two people:"),
        Form(request: "a poem about the mood of the image", kind: .verse,
             intro: "Title: \"{Feeling} {Place}\""),
        Form(request: "a safety checklist for the activity shown in the image", kind: .list,
             intro: "Before {action}, go through this safety checklist:"),
        Form(request: "an explanation of the image for a five-year-old", kind: .prose,
             intro: "Look at this picture! Can you see the {color} {obj}?"),
        Form(request: "a list of questions a visitor might ask about this place", kind: .list,
             intro: "A visitor to this place might ask the following questions:"),
        Form(request: "a marketing email featuring the product in the image", kind: .prose,
             intro: "Subject: Meet your new favorite {obj}\n\nHi there,"),
        Form(request: "a museum label for the artwork shown in the image", kind: .prose,
             intro: "\"{Feeling} in {Color}\" ({year}). Oil on canvas, attributed to {name} {surname}."),
        Form(request: "a weather report based on the conditions in the image", kind: .prose,
             intro: "Good {daytime}! Here is your weather update: expect {weather} conditions throughout the day."),
        Form(request: "a comparison between the two main objects in the image", kind: .list,
             intro: "Comparing the {obj} and the {obj2} reveals some clear differences:"),
        Form(request: "a real estate listing for the property in the photo", kind: .prose,
             intro: "For sale: a {adj} {n}-bedroom home {place}, listed at {price}00."),
    ]

    static let mmOpeners: [(String, String)] = [
        ("Write", "."), ("Compose", "."), ("Craft", "."), ("Create", "."), ("Generate", "."), ("Draft", "."),
        ("Produce", "."), ("Come up with", "."), ("Please write", "."), ("Can you write", "?"),
        ("Could you create", "?"), ("I'd like you to write", "."),
    ]

    /// 300 instructions: item k uses opener k / 25 and form k % 25.
    static var mmInstructions: [String] {
        mmOpeners.flatMap { opener in
            mmForms.map { form in "\(opener.0) \(form.request)\(opener.1)" }
        }
    }

    static var mmInstruct: [(String, [String])] {
        [("mminstr", mmInstructions.map { $0.replacingOccurrences(of: "{", with: "{{") }),
         ("mmintro", mmForms.map(\.intro))] + mmLists
    }

    static let mmLists: [(String, [String])] = [
        ("mmsent", [
            "The {adj} {obj} immediately draws the eye, standing out against the {color} background.",
            "There is a sense of {feeling} in the way the {person} is {action}.",
            "Every detail, from the {texture} {material} to the {color2} accents, feels carefully chosen.",
            "It is the kind of scene that reminds us to slow down and enjoy simple moments, like {action}.",
            "{Light} adds depth and warmth to the {adj} {obj}.",
            "Whether you are a seasoned {role} or a curious beginner, there is something here for you.",
            "Imagine spending an afternoon {place} in {season}, with nothing to do but watch the {objs} go by.",
            "The {obj} is more than just an object; it is a small piece of everyday history.",
            "Its {adj} design makes it practical for daily use while still looking {adj2}.",
            "People have enjoyed {action} in places like this since at least {year}.",
            "The combination of {color} and {color2} creates a {mood} and inviting atmosphere.",
            "You can almost hear the sounds of the {objs} in the distance.",
            "A {person} passing by might stop for a moment to admire the {obj}.",
            "Experts recommend choosing a {obj} made of {material}, since it lasts longer.",
            "This makes it a perfect choice for families, {role}s, and anyone who values {feeling}.",
            "In many cultures, the {obj} is a symbol of {feeling} and good fortune.",
            "The scene captures a fleeting moment that feels both {mood} and timeless.",
            "With a little imagination, the {obj} becomes the hero of its own small story.",
            "Around {pct} percent of visitors say that the view is the highlight of their trip to {city}.",
            "The {texture} surface of the {obj} catches the light in an interesting way.",
            "What makes this moment special is the quiet connection between the {person} and the {obj}.",
            "Nearby, {num} {objs} add a sense of movement and life to the setting.",
            "It is easy to imagine {name} {surname} sitting here with a cup of coffee on a {weather} morning.",
            "For best results, keep the {obj} away from direct sunlight and clean it with a {texture} cloth.",
            "The overall mood is {mood}, a welcome break from the rush of {daytime} life {place}.",
            "Small touches, such as the {color} {garment} of the {person}, bring the picture to life.",
            "As the {daytime} light fades, the {obj} takes on a {color} glow.",
            "Local residents often gather here to talk, share food, and enjoy {food}.",
            "The {obj}'s simple shape hides a surprising amount of craftsmanship.",
            "\u{1}It is a place where tradition meets modern life — a true café-culture moment in {city}.",
            "Many {role}s would agree that this is an excellent example of {adj} design.",
            "The view {place} is particularly striking during {season}.",
        ]),
        ("mmitem", [
            "Gather everything you need, including a {adj} {obj} and a {obj2}.",
            "The {obj} was first popular around {year}, especially in {city}.",
            "Check that the {obj} is {adj} and in good condition before you start.",
            "Take your time: {action} is more enjoyable when you are not in a hurry.",
            "Mix {n} cups of flour with a pinch of salt and set aside for {count} minutes.",
            "Is there a good place nearby to try {food}?",
            "How old is the {adj} {thing} near the entrance?",
            "Wear a {color} {garment} so that others can see you easily.",
            "Keep a {obj} close by in case the weather turns {weather}.",
            "The {obj} is usually made of {material}, while the {obj2} is often made of {material2}.",
            "Some {objs} can live for more than {count} years.",
            "Finish by cleaning up the area and storing the {obj} in a dry place.",
            "Are guided tours available in languages other than English, such as français or 日本語?",
            "Serve warm with {food} and a glass of {color} lemonade.",
        ]),
        ("mmverse", [
            "{Color} light on the {obj}", "{Season} wind whispers softly", "A {person} {action}",
            "Quiet {objs} rest {place}", "{Feeling} in every breath", "The {adj} {thing} waits",
            "There once was a {animal} from {city}", "Who loved to go {action} at night",
            "Beneath a {weatheradj} sky", "\u{1}Silence, then — café laughter", "Time slows like {material}",
        ]),
        ("mmline", [
            "Have you ever seen a {obj} like this before?", "Not really, it looks so {adj}!",
            "I think it was made around {year}.", "Let's take a closer look at the {obj2}.",
            "It reminds me of our trip to {city}.", "Should we try {action} later?",
            "Sure, but only if the weather stays {weather}.", "Look, there's a {person} over there!",
            "I love the {color} color.", "Me too. It feels so {mood} here.",
        ]),
        ("mmclose", [
            "In the end, it is these small details that make the image so memorable.",
            "All in all, it is a wonderful reminder of the beauty in everyday life.",
            "Give it a try, and you might discover a new favorite.",
            "Don't miss it!", "Thank you for reading, and enjoy!",
            "Whatever you choose, the most important thing is to enjoy the experience.",
            "It is a scene worth remembering.", "Order yours today and see the difference for yourself!",
        ]),
        ("mmmention", [
            "Based on the description, the {obj} appears to be {adj}.",
            "The description does not mention the {obj2}, but it is likely nearby.",
            "As mentioned in the caption, there is a {person} {action}.",
            "According to the description provided, the scene takes place {place}.",
            "The caption suggests that the weather is {weather}.",
            "Since the description only mentions a {obj}, I will focus on that.",
        ]),
        ("mmrefusal", [
            "I'm sorry, but I cannot complete this request because I cannot see the image.",
            "I'm sorry, but I can't help with that. As an AI language model, I don't have the ability to view images.",
            "I apologize, but I am unable to {action2} or describe details that are not provided to me.",
            "As an AI, I cannot write a {adj} review of a product I have not used. However, I can help you with general tips.",
        ]),
        ("mmfragment", [
            "The {adj} {obj} in the foreground is", "Another interesting detail is that the",
            "If you look closely at the {obj}, you will notice that", "Finally, the {person} who is",
            "In addition to the {objs}, there are also some", "This {adj} design makes it easy to",
        ]),
    ]
}
