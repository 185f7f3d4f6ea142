/// Word-level analysis of conversation text, shared by the text scorers.
///
/// Text is read as UTF-8 and decoded scalar by scalar, never through `Character`s (grapheme
/// breaking would cost more than all the scorers together). A *word* is a run of letters and
/// digits (an apostrophe between letters stays inside the word, `’` counts as `'`); every
/// Han or kana character is a word of its own, since those scripts do not put spaces between
/// words. Words are kept as 64-bit hashes of their lowercased scalars, plus the hash of a
/// crude stem (see ``Stemmer``).

/// The writing systems the `language` scorer tells apart.
enum Script: Int, CaseIterable {
    case latin, cyrillic, greek, arabic, hebrew, devanagari, cjk, hangul, thai, other

    var name: String {
        switch self {
        case .latin: return "latin"
        case .cyrillic: return "cyrillic"
        case .greek: return "greek"
        case .arabic: return "arabic"
        case .hebrew: return "hebrew"
        case .devanagari: return "devanagari"
        case .cjk: return "cjk"
        case .hangul: return "hangul"
        case .thai: return "thai"
        case .other: return "other"
        }
    }
}

/// What a scalar is, for tokenising.
enum ScalarClass: Equatable {
    case space
    case punctuation
    /// A letter or digit of a script; `digit` marks 0-9 (any width).
    case letter(Script)
    case digit
    /// A character that is a word by itself (Han, kana).
    case ideograph
    /// A combining mark or zero-width joiner: continues the current word.
    case mark
    /// Control characters, U+FFFD, private use, C1 controls: signs of broken text.
    case noise
    /// Emoji, arrows, box drawing, maths: not letters, not noise.
    case symbol
    /// Zero-width and format characters that are simply skipped.
    case ignorable
}

@inline(__always)
func classify(_ s: UInt32) -> ScalarClass {
    if s < 0x80 {
        if s >= 0x61 && s <= 0x7A { return .letter(.latin) }
        if s >= 0x41 && s <= 0x5A { return .letter(.latin) }
        if s >= 0x30 && s <= 0x39 { return .digit }
        if s == 0x20 || s == 0x0A || s == 0x09 || s == 0x0D || s == 0x0B || s == 0x0C { return .space }
        if s < 0x20 || s == 0x7F { return .noise }
        return .punctuation
    }
    switch s {
    case 0x80...0x9F: return .noise
    case 0xA0: return .space
    case 0xA1...0xBF, 0xD7, 0xF7: return .punctuation
    case 0xC0...0x24F, 0x250...0x2AF, 0x1E00...0x1EFF: return .letter(.latin)
    case 0x2B0...0x2FF: return .mark
    case 0x300...0x36F: return .mark
    case 0x370...0x3FF, 0x1F00...0x1FFF: return .letter(.greek)
    case 0x400...0x52F: return .letter(.cyrillic)
    case 0x590...0x5FF: return .letter(.hebrew)
    case 0x600...0x6FF, 0x750...0x77F, 0xFB50...0xFDFF, 0xFE70...0xFEFE: return .letter(.arabic)
    case 0x900...0x97F: return .letter(.devanagari)
    case 0xE00...0xE7F: return .letter(.thai)
    case 0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF: return .letter(.hangul)
    case 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return .space
    case 0x200B...0x200F, 0x2060...0x206F, 0xFE00...0xFE0F, 0xFEFF: return .ignorable
    case 0x2010...0x2027, 0x2030...0x205E: return .punctuation
    case 0x2070...0x2BFF: return .symbol
    case 0x2E80...0x2FFF, 0x3040...0x30FF, 0x3100...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF,
         0x20000...0x3FFFF:
        return .ideograph
    case 0x3001...0x303F, 0xFE30...0xFE4F: return .punctuation
    case 0xE000...0xF8FF, 0xF0000...0x10FFFF: return .noise
    case 0xFF10...0xFF19: return .digit
    case 0xFF21...0xFF3A, 0xFF41...0xFF5A: return .letter(.latin)
    case 0xFF00...0xFFEF: return .punctuation
    case 0xFFF0...0xFFFF: return .noise
    case 0x1F000...0x1FAFF: return .symbol
    default: return .letter(.other)
    }
}

/// Lowercases the scalars the scorers care about (ASCII, Latin-1, Greek, Cyrillic);
/// the rest is left as is.
@inline(__always)
func lowercase(_ s: UInt32) -> UInt32 {
    if s < 0x80 { return (s >= 0x41 && s <= 0x5A) ? s + 32 : s }
    if s >= 0xC0 && s <= 0xDE && s != 0xD7 { return s + 32 }
    if s >= 0x391 && s <= 0x3A9 { return s + 32 }
    if s >= 0x410 && s <= 0x42F { return s + 32 }
    if s >= 0x400 && s <= 0x40F { return s + 80 }
    if s >= 0xFF21 && s <= 0xFF3A { return s - 0xFF21 + 0x61 }
    if s >= 0xFF41 && s <= 0xFF5A { return s - 0xFF41 + 0x61 }
    if s >= 0xFF10 && s <= 0xFF19 { return s - 0xFF10 + 0x30 }
    if s == 0x2019 || s == 0x2018 { return 0x27 }
    return s
}

/// 64-bit word hashes: FNV-1a over scalars, finished with a MurmurHash3 mix so that every
/// bit is usable by hash tables and MinHash.
enum WordHash {
    static let offset: UInt64 = 0xCBF2_9CE4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01B3

    @inline(__always) static func step(_ h: UInt64, _ scalar: UInt32) -> UInt64 {
        (h ^ UInt64(scalar)) &* prime
    }

    @inline(__always) static func finish(_ h: UInt64) -> UInt64 {
        var k = h
        k ^= k >> 33
        k &*= 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k &*= 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k == 0 ? 1 : k
    }

    /// Combines two hashes in order (for n-grams and whole-text hashes).
    @inline(__always) static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
        finish(a &* 0x9E37_79B9_7F4A_7C15 ^ b)
    }

    /// FNV-1a over the UTF-8 bytes of `text` (not finished).
    static func bytes(_ text: String) -> UInt64 {
        var h = offset
        for byte in text.utf8 { h = (h ^ UInt64(byte)) &* prime }
        return h
    }

    /// The hashes of the words of `text` (for building phrase and stop-word tables).
    static func words(_ text: String) -> [UInt64] {
        var analysis = TextAnalysis()
        analysis.add(text)
        return analysis.words
    }
}

/// Crude suffix stripping for English, applied the same way to the answer, the caption and
/// the instruction, so that "dresses"/"dress", "walking"/"walked"/"walks" and
/// "houses"/"house" meet. It is consistent rather than correct ("ball" and "bal" meet too).
enum Stemmer {
    /// The length of the stem of `word[0..<count]` (lowercase scalars).
    @inline(__always)
    static func stemLength(_ w: UnsafeMutablePointer<UInt32>, _ count: Int) -> Int {
        var n = count
        guard n > 3 else { return n }
        for i in 0..<n where w[i] >= 0x80 { return n }
        let s: UInt32 = 0x73, e: UInt32 = 0x65, i: UInt32 = 0x69, d: UInt32 = 0x64, y: UInt32 = 0x79
        let l: UInt32 = 0x6C, g: UInt32 = 0x67, h: UInt32 = 0x68, u: UInt32 = 0x75
        // Plurals.
        if n > 4, w[n - 1] == s, w[n - 2] == e, w[n - 3] == i {
            n -= 2
            w[n - 1] = y  // -ies -> -y
        } else if w[n - 1] == s, w[n - 2] == e,
                  (n > 4 && ((w[n - 3] == s && w[n - 4] == s) || (w[n - 3] == h && (w[n - 4] == s || w[n - 4] == 0x63))))
                    || w[n - 3] == 0x78 || w[n - 3] == 0x7A {
            n -= 2  // -sses, -shes, -ches (5 letters or more), -xes, -zes
        } else if w[n - 1] == s, w[n - 2] != s, w[n - 2] != u, w[n - 2] != i {
            n -= 1
        }
        // Verb and adverb endings.
        if n >= 6, w[n - 3] == i, w[n - 2] == 0x6E, w[n - 1] == g {
            n -= 3
        } else if n >= 5, w[n - 2] == e, w[n - 1] == d {
            n -= 2
        } else if n >= 5, w[n - 2] == l, w[n - 1] == y {
            n -= 2
        }
        if n >= 4, w[n - 1] == e { n -= 1 }  // final e
        if n >= 4, w[n - 1] == w[n - 2], !isVowel(w[n - 1]) { n -= 1 }  // doubled consonant
        return n
    }

    @inline(__always) static func isVowel(_ c: UInt32) -> Bool {
        c == 0x61 || c == 0x65 || c == 0x69 || c == 0x6F || c == 0x75 || c == 0x79
    }
}

/// The words of one or more texts (appended with ``add(_:stems:)``) and counts over their scalars.
struct TextAnalysis {
    /// Hashes of the lowercased words, in order.
    var words: [UInt64] = []
    /// Hashes of the words' stems, parallel to `words` (only when added with `stems: true`).
    var stems: [UInt64] = []
    /// Per word (with stems): 1 = contains a digit, 2 = has at least three letters (or is an ideograph).
    var shapes: [UInt8] = []
    /// Index into `words` where each added text starts.
    var textStarts: [Int] = []
    /// Scalars of each added text.
    var textScalars: [Int] = []
    /// Non-space scalars.
    var visible = 0
    /// All scalars.
    var scalars = 0
    /// Letters per ``Script``.
    var scriptCounts = [Int](repeating: 0, count: Script.allCases.count)
    /// Noise scalars (controls, U+FFFD, private use, mojibake pairs such as "Ã©").
    var noise = 0

    static let maxWord = 48

    init() {
        words.reserveCapacity(256)
        stems.reserveCapacity(256)
        shapes.reserveCapacity(256)
    }

    mutating func reset() {
        words.removeAll(keepingCapacity: true)
        stems.removeAll(keepingCapacity: true)
        shapes.removeAll(keepingCapacity: true)
        textStarts.removeAll(keepingCapacity: true)
        textScalars.removeAll(keepingCapacity: true)
        visible = 0
        scalars = 0
        noise = 0
        for i in scriptCounts.indices { scriptCounts[i] = 0 }
    }

    /// Words in the text added as number `index`.
    func wordRange(ofText index: Int) -> Range<Int> {
        let start = textStarts[index]
        let end = index + 1 < textStarts.count ? textStarts[index + 1] : words.count
        return start..<end
    }

    /// Tokenises `text` and appends its words (and their stems and shapes when `stems`),
    /// using `scratch`'s space.
    mutating func add(_ text: String, stems: Bool = false, scratch: TokenScratch) {
        add(text, stems: stems, skipImageTokens: false, scratch: scratch)
    }

    /// Tokenises `text`, skipping every `<image>` token (as white space).
    mutating func add(instruction text: String, stems: Bool = false, scratch: TokenScratch) {
        add(text, stems: stems, skipImageTokens: true, scratch: scratch)
    }

    private mutating func add(_ text: String, stems: Bool, skipImageTokens: Bool, scratch: TokenScratch) {
        textStarts.append(words.count)
        let before = scalars
        var copy = text
        copy.withUTF8 { tokenize($0, wantStems: stems, skipImageTokens: skipImageTokens, scratch: scratch) }
        textScalars.append(scalars - before)
    }

    /// For building tables: makes its own scratch space, sized to the text.
    mutating func add(_ text: String) {
        add(text, stems: true, scratch: TokenScratch(words: text.utf8.count))
    }

    /// The word the tokenizer is in the middle of.
    private struct PendingWord {
        var hash = WordHash.offset
        /// Scalars so far; the first ``TextAnalysis/maxWord`` are in the scratch buffer when stemming.
        var length = 0
        var letters = 0
        var digit = false
        /// An apostrophe after letters, kept only when the word goes on ("don't", not "dogs'").
        var apostrophe = false

        /// Adds one lowercase scalar, after the pending apostrophe if there is one.
        @inline(__always)
        mutating func append(_ lower: UInt32, wantStems: Bool, buffer: UnsafeMutablePointer<UInt32>) {
            takeApostrophe(wantStems: wantStems, buffer: buffer)
            if wantStems, length < maxWord { buffer[length] = lower }
            hash = WordHash.step(hash, lower)
            length += 1
        }

        /// Makes a pending apostrophe part of the word (a letter follows it).
        @inline(__always)
        mutating func takeApostrophe(wantStems: Bool, buffer: UnsafeMutablePointer<UInt32>) {
            guard apostrophe else { return }
            if wantStems, length < maxWord { buffer[length] = 0x27 }
            hash = WordHash.step(hash, 0x27)
            length += 1
            apostrophe = false
        }
    }

    /// Where the words of the text being tokenised go: raw space in a ``TokenScratch`` with
    /// room for every word, copied to the arrays once the text ends (appending to an array
    /// word by word checks its uniqueness and capacity every time).
    private struct WordSink {
        let words: UnsafeMutablePointer<UInt64>
        let stems: UnsafeMutablePointer<UInt64>
        let shapes: UnsafeMutablePointer<UInt8>
        var count = 0
    }

    /// Adds the pending word, if there is one (with its stem and shape when stemming), and
    /// starts the next. A pending apostrophe is dropped.
    @inline(__always)
    private static func end(_ word: inout PendingWord, wantStems: Bool, buffer: UnsafeMutablePointer<UInt32>,
                            into sink: inout WordSink) {
        guard word.length > 0 else { return }
        let full = WordHash.finish(word.hash)
        let index = sink.count
        sink.words[index] = full
        sink.count = index + 1
        if wantStems {
            let kept = min(word.length, maxWord)
            let stem = Stemmer.stemLength(buffer, kept)
            if stem == word.length {
                sink.stems[index] = full
            } else {
                var h = WordHash.offset
                for i in 0..<stem { h = WordHash.step(h, buffer[i]) }
                sink.stems[index] = WordHash.finish(h)
            }
            sink.shapes[index] = (word.digit ? 1 : 0) | (word.letters >= 3 ? 2 : 0)
        }
        word = PendingWord()
    }

    private mutating func tokenize(_ bytes: UnsafeBufferPointer<UInt8>, wantStems: Bool, skipImageTokens: Bool,
                                   scratch: TokenScratch) {
        guard let p = bytes.baseAddress else { return }
        let n = bytes.count
        // Every word takes at least one byte.
        scratch.reserve(words: n)
        let buffer = scratch.scalars
        var sink = WordSink(words: scratch.words, stems: scratch.stems, shapes: scratch.shapes)
        defer {
            words.append(contentsOf: UnsafeBufferPointer(start: sink.words, count: sink.count))
            if wantStems {
                stems.append(contentsOf: UnsafeBufferPointer(start: sink.stems, count: sink.count))
                shapes.append(contentsOf: UnsafeBufferPointer(start: sink.shapes, count: sink.count))
            }
        }
        var word = PendingWord()
        var previous: UInt32 = 0
        var visible = 0
        var noise = 0
        var scalars = 0
        var latin = 0
        let maxWord = Self.maxWord
        var i = 0
        while i < n {
            let b0 = p[i]
            var s = UInt32(b0)
            var kind: ScalarClass
            if b0 < 0x80 {
                let lower = s | 0x20
                if lower >= 0x61 && lower <= 0x7A {
                    // A run of ASCII letters: the hot path.
                    word.takeApostrophe(wantStems: wantStems, buffer: buffer)
                    var h = word.hash
                    var j = i
                    if wantStems {
                        let length = word.length
                        while j < n {
                            let c = UInt32(p[j] | 0x20)
                            guard c >= 0x61, c <= 0x7A, p[j] >= 0x41 else { break }
                            if length + (j - i) < maxWord { buffer[length + (j - i)] = c }
                            h = (h ^ UInt64(c)) &* WordHash.prime
                            j += 1
                        }
                    } else {
                        while j < n {
                            let c = p[j] | 0x20
                            guard c >= 0x61, c <= 0x7A, p[j] >= 0x41 else { break }
                            h = (h ^ UInt64(c)) &* WordHash.prime
                            j += 1
                        }
                    }
                    let run = j - i
                    word.hash = h
                    word.length += run
                    word.letters += run
                    latin += run
                    visible += run
                    scalars += run
                    previous = UInt32(p[j - 1])
                    i = j
                    continue
                }
                if skipImageTokens, b0 == 0x3C, i + 7 <= n, p[i + 1] == 0x69, p[i + 2] == 0x6D, p[i + 3] == 0x61,
                   p[i + 4] == 0x67, p[i + 5] == 0x65, p[i + 6] == 0x3E {
                    // "<image>" counts as a space.
                    i += 7
                    scalars += 1
                    Self.end(&word, wantStems: wantStems, buffer: buffer, into: &sink)
                    previous = 0x20
                    continue
                }
                i += 1
                if s == 0x20 || s == 0x0A {
                    scalars += 1
                    Self.end(&word, wantStems: wantStems, buffer: buffer, into: &sink)
                    previous = s
                    continue
                }
                kind = classify(s)
            } else {
                if b0 < 0xE0 {
                    s = (s & 0x1F) << 6 | UInt32(i + 1 < n ? p[i + 1] & 0x3F : 0)
                    i += 2
                } else if b0 < 0xF0 {
                    s = (s & 0x0F) << 12 | UInt32(i + 1 < n ? p[i + 1] & 0x3F : 0) << 6
                        | UInt32(i + 2 < n ? p[i + 2] & 0x3F : 0)
                    i += 3
                } else {
                    s = (s & 0x07) << 18 | UInt32(i + 1 < n ? p[i + 1] & 0x3F : 0) << 12
                        | UInt32(i + 2 < n ? p[i + 2] & 0x3F : 0) << 6 | UInt32(i + 3 < n ? p[i + 3] & 0x3F : 0)
                    i += 4
                }
                kind = classify(s)
            }
            scalars += 1
            var endsWord = false
            var appendScalar = false
            var single = false
            switch kind {
            case .letter(let script):
                appendScalar = true
                word.letters += 1
                if script == .latin { latin += 1 } else { scriptCounts[script.rawValue] += 1 }
                visible += 1
            case .digit:
                if word.apostrophe { endsWord = true }
                appendScalar = true
                visible += 1
            case .mark:
                if word.length > 0 { appendScalar = true }
                visible += 1
            case .ideograph:
                endsWord = true
                single = true
                scriptCounts[Script.cjk.rawValue] += 1
                visible += 1
            case .ignorable:
                break
            case .space:
                endsWord = true
            case .punctuation:
                visible += 1
                if (s == 0x27 || s == 0x2019), word.length > 0, !word.apostrophe, word.letters > 0 {
                    word.apostrophe = true
                } else {
                    if (previous == 0xC3 || previous == 0xC2), s >= 0x80, s <= 0xBF { noise += 2 }
                    endsWord = true
                }
            case .symbol:
                visible += 1
                endsWord = true
            case .noise:
                visible += 1
                noise += 1
                endsWord = true
            }
            if endsWord { Self.end(&word, wantStems: wantStems, buffer: buffer, into: &sink) }
            if appendScalar || single {
                word.append(lowercase(s), wantStems: wantStems, buffer: buffer)
                if kind == .digit { word.digit = true }
                if single {
                    // An ideograph is a word by itself, counted as having letters.
                    word.letters = 3
                    Self.end(&word, wantStems: wantStems, buffer: buffer, into: &sink)
                }
            }
            previous = s
        }
        Self.end(&word, wantStems: wantStems, buffer: buffer, into: &sink)
        self.visible += visible
        self.noise += noise
        self.scalars += scalars
        scriptCounts[Script.latin.rawValue] += latin
    }

    /// The script with the most letters, when it has at least `minimum` of them.
    func dominantScript(minimum: Int) -> Script? {
        var best = 0
        var bestCount = 0
        for (index, count) in scriptCounts.enumerated() where count > bestCount {
            best = index
            bestCount = count
        }
        guard bestCount >= minimum else { return nil }
        return Script(rawValue: best)
    }
}

/// A tokeniser's scratch space, reused from text to text by one thread: the scalars of the
/// current word (for stemming) and room for the words of the text being tokenised.
final class TokenScratch {
    let scalars = UnsafeMutablePointer<UInt32>.allocate(capacity: TextAnalysis.maxWord)
    private(set) var words: UnsafeMutablePointer<UInt64>
    private(set) var stems: UnsafeMutablePointer<UInt64>
    private(set) var shapes: UnsafeMutablePointer<UInt8>
    private var capacity: Int

    init(words capacity: Int = 1024) {
        self.capacity = capacity
        words = .allocate(capacity: capacity)
        stems = .allocate(capacity: capacity)
        shapes = .allocate(capacity: capacity)
    }

    deinit {
        scalars.deallocate()
        words.deallocate()
        stems.deallocate()
        shapes.deallocate()
    }

    /// Makes room for `count` words.
    func reserve(words count: Int) {
        guard count > capacity else { return }
        words.deallocate()
        stems.deallocate()
        shapes.deallocate()
        capacity = max(count, capacity * 2)
        words = .allocate(capacity: capacity)
        stems = .allocate(capacity: capacity)
        shapes = .allocate(capacity: capacity)
    }
}

/// Open-addressing hash map from non-zero 64-bit word hashes to 32-bit values, built once
/// and read by every thread (no locks, no reference counting on the hot path).
final class WordTable: @unchecked Sendable {
    private let keys: UnsafeMutablePointer<UInt64>
    private let values: UnsafeMutablePointer<UInt32>
    private let mask: Int

    init(capacity: Int) {
        var size = 64
        while size < capacity * 3 { size <<= 1 }
        keys = .allocate(capacity: size)
        keys.initialize(repeating: 0, count: size)
        values = .allocate(capacity: size)
        values.initialize(repeating: 0, count: size)
        mask = size - 1
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// Sets `value` for `key`, or ORs it into the value already there when `merge`.
    /// Only while building (before the table is shared).
    func set(_ key: UInt64, _ value: UInt32, merge: Bool = false) {
        var slot = Int(truncatingIfNeeded: key) & mask
        while keys[slot] != 0 && keys[slot] != key { slot = (slot + 1) & mask }
        if keys[slot] == key, merge {
            values[slot] |= value
        } else {
            keys[slot] = key
            values[slot] = value
        }
    }

    @inline(__always) func get(_ key: UInt64) -> UInt32 {
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let k = keys[slot]
            if k == key { return values[slot] }
            if k == 0 { return 0 }
            slot = (slot + 1) & mask
        }
    }
}
