/// Computes the text scores of items, one at a time, reusing its buffers.
///
/// Not thread-safe: each scoring thread makes its own. Every score is a pure function of the
/// ``ScoreInput``; the same input always gives the same values.
///
/// ```swift
/// let scorer = TextScorer()
/// for result in scorer.score(ScoreInput(instruction: "Write a haiku.", answer: "...")) { print(result) }
/// ```
public final class TextScorer {
    private let lexicon = Lexicon.shared
    private var instruction = TextAnalysis()
    private var answer = TextAnalysis()
    private var caption = TextAnalysis()
    /// The lexicon's flags of each instruction and answer word (parallel to their `words`).
    private var instructionFlags: [UInt32] = []
    private var answerFlags: [UInt32] = []
    private let known = HashCounter(capacity: 1024)
    private let seen = HashCounter(capacity: 1024)
    private let counter = HashCounter(capacity: 4096)
    private let grams = GramCounter()
    private var matches: [Lexicon.Match] = []
    private var humanTexts: [String] = []
    private var gptTexts: [String] = []
    private var mins = [UInt64](repeating: 0, count: MinHash.hashes)
    private let scratch = TokenScratch()

    public init() {}

    /// Added to the content word count of `ungrounded`, so that a short answer with two
    /// unknown words is not as suspicious as a long one with two hundred.
    static let ungroundedPrior = 3

    /// Every text score of `input`.
    public func score(_ input: ScoreInput) -> [ScoreResult] {
        var results: [ScoreResult] = []
        score(input, only: nil) { results.append($0) }
        return results
    }

    /// The text scores selected by `only` (nil = all), handed to `emit` one by one; and
    /// the item's duplicate fingerprints when `fingerprint` is given.
    func score(_ input: ScoreInput, only: Set<BuiltinScorer>?, fingerprint: UnsafeMutablePointer<Fingerprint>? = nil,
               emit: (ScoreResult) -> Void) {
        var mask: UInt32 = 0
        if let only {
            for scorer in only { mask |= scorer.bit }
        } else {
            mask = .max
        }
        func wants(_ scorer: BuiltinScorer) -> Bool { mask & scorer.bit != 0 }
        let grounding = wants(.ungrounded) && input.caption?.contains(where: { !$0.isWhitespace }) == true
        analyse(input, stems: grounding)
        let lexical = BuiltinScorer.captionLeak.bit | BuiltinScorer.refusal.bit | BuiltinScorer.ungrounded.bit
            | BuiltinScorer.offInstruction.bit | BuiltinScorer.language.bit
        if mask & lexical != 0 {
            lexicon.flags(of: instruction.words, into: &instructionFlags)
            lexicon.flags(of: answer.words, into: &answerFlags)
        }

        if wants(.captionLeak) { emit(captionLeak()) }
        if wants(.refusal) { emit(refusal()) }
        if wants(.wordsInstruction) { emit(ScoreResult(scorer: .wordsInstruction, value: Double(instruction.words.count))) }
        if wants(.wordsAnswer) { emit(ScoreResult(scorer: .wordsAnswer, value: Double(answer.words.count))) }
        if wants(.turns) { emit(ScoreResult(scorer: .turns, value: Double(input.turns.count))) }
        if wants(.tokensEst) { emit(tokens(hasImage: input.image != nil)) }
        if wants(.repetition) { emit(repetition()) }
        if wants(.truncated) { emit(truncated()) }
        if grounding, let result = ungrounded(input.caption) { emit(result) }
        if wants(.offInstruction) { emit(offInstruction()) }
        if wants(.language) { emit(language()) }
        if wants(.format) { emit(format(input.formatFlags)) }
        if let fingerprint {
            fingerprint.pointee.instruction = fingerprintOf(instruction.words, exactMinimum: Fingerprint.instructionExactMinimum)
            fingerprint.pointee.answer = fingerprintOf(answer.words, exactMinimum: Fingerprint.answerExactMinimum)
        }
    }

    // MARK: - Analysis

    private func analyse(_ input: ScoreInput, stems: Bool) {
        instruction.reset()
        answer.reset()
        humanTexts.removeAll(keepingCapacity: true)
        gptTexts.removeAll(keepingCapacity: true)
        for turn in input.turns {
            if turn.isHuman {
                instruction.add(instruction: turn.text, stems: stems, scratch: scratch)
                humanTexts.append(turn.text)
            } else {
                answer.add(turn.text, stems: stems, scratch: scratch)
                gptTexts.append(turn.text)
            }
        }
    }

    // MARK: - caption_leak

    private func captionLeak() -> ScoreResult {
        matches.removeAll(keepingCapacity: true)
        lexicon.matches(answer.words, flags: answerFlags, 0..<answer.words.count, .leak, into: &matches)
        guard !matches.isEmpty else { return ScoreResult(scorer: .captionLeak, value: 0) }
        var asksForSource = false
        for w in instruction.words where w == lexicon.descriptionWord || w == lexicon.captionWord {
            asksForSource = true
            break
        }
        var value = 0.0
        var labels: [String] = []
        for match in matches {
            let phrase = lexicon.phrases[match.phrase]
            value += asksForSource && phrase.namesSourceWord ? phrase.weight / 2 : phrase.weight
            if labels.count < 5, !labels.contains(phrase.label) { labels.append(phrase.label) }
        }
        return ScoreResult(scorer: .captionLeak, value: value, detail: jsonList(labels))
    }

    // MARK: - refusal

    private func refusal() -> ScoreResult {
        matches.removeAll(keepingCapacity: true)
        for index in answer.textStarts.indices {
            lexicon.matches(answer.words, flags: answerFlags, answer.wordRange(ofText: index), .refusal, into: &matches)
        }
        guard !matches.isEmpty else { return ScoreResult(scorer: .refusal, value: 0) }
        var value = 0.0
        var labels: [String] = []
        for match in matches {
            var turnStart = 0
            for start in answer.textStarts where start <= match.start { turnStart = start }
            value = max(value, match.start - turnStart < 40 ? 1 : 0.5)
            let label = lexicon.phrases[match.phrase].label
            if labels.count < 5, !labels.contains(label) { labels.append(label) }
        }
        return ScoreResult(scorer: .refusal, value: value, detail: jsonList(labels))
    }

    // MARK: - tokens_est

    private func tokens(hasImage: Bool) -> ScoreResult {
        var total = hasImage ? 576.0 : 0
        func add(_ analysis: TextAnalysis) {
            for index in analysis.textStarts.indices {
                let words = Double(analysis.wordRange(ofText: index).count)
                let chars = Double(analysis.textScalars[index])
                total += max((words * 1.3).rounded(.up), (chars / 4).rounded(.up)) + 4
            }
        }
        add(instruction)
        add(answer)
        return ScoreResult(scorer: .tokensEst, value: total)
    }

    // MARK: - repetition

    private func repetition() -> ScoreResult {
        let words = wordRepetition()
        var chars = 0.0
        var total = 0
        var bytes = 0
        for text in gptTexts { bytes += text.utf8.count }
        grams.reset(expected: bytes)
        for text in gptTexts {
            var copy = text
            copy.withUTF8 { total += grams.addGrams(of: $0) }
        }
        if total >= 50 {
            chars = grams.topRepeatedShare(total: total)
        }
        let value = max(words, chars)
        let detail = value >= 0.1 ? "{\"word3\":\(rounded(words)),\"char10\":\(rounded(chars))}" : nil
        return ScoreResult(scorer: .repetition, value: value, detail: detail)
    }

    /// Data-Juicer's word repetition ratio with word 3-grams: the share of 3-gram occurrences
    /// whose 3-gram occurs more than once. 0 below 10 3-grams. A 3-gram's key is a sum of its
    /// (already mixed) word hashes, each multiplied by a constant of its position.
    private func wordRepetition() -> Double {
        counter.removeAll()
        var total = 0
        let counter = self.counter
        answer.words.withUnsafeBufferPointer { words in
            for index in answer.textStarts.indices {
                let range = answer.wordRange(ofText: index)
                guard range.count >= 3 else { continue }
                for i in range.lowerBound...(range.upperBound - 3) {
                    counter.insert(words[i] &* 0x9E37_79B9_7F4A_7C15 &+ words[i + 1] &* 0xC2B2_AE3D_27D4_EB4F ^ words[i + 2])
                }
                total += range.count - 2
            }
        }
        guard total >= 10 else { return 0 }
        return Double(counter.occurrencesOfRepeated()) / Double(total)
    }

    // MARK: - truncated

    private func truncated() -> ScoreResult {
        guard let last = gptTexts.last else { return ScoreResult(scorer: .truncated, value: 0) }
        let lastRange = answer.textStarts.isEmpty ? 0..<0 : answer.wordRange(ofText: answer.textStarts.count - 1)
        let verdict = Truncation.check(last, words: answer.words, range: lastRange, lexicon: lexicon)
        return ScoreResult(scorer: .truncated, value: verdict.value, detail: verdict.reason.map { jsonList([$0]) })
    }

    // MARK: - ungrounded

    private func ungrounded(_ text: String?) -> ScoreResult? {
        guard let text, text.contains(where: { !$0.isWhitespace }) else { return nil }
        caption.reset()
        caption.add(text, stems: true, scratch: scratch)
        known.removeAll()
        for stem in caption.stems { known.insert(stem) }
        for stem in instruction.stems { known.insert(stem) }
        seen.removeAll()
        var content = 0
        var missing = 0
        for i in answer.words.indices {
            let shape = answer.shapes[i]
            guard shape != 0, answerFlags[i] & Lexicon.stopWord == 0 else { continue }
            let stem = answer.stems[i]
            guard seen.insert(stem) else { continue }
            content += 1
            if !known.contains(stem) { missing += 1 }
        }
        let value = Double(missing) / Double(content + TextScorer.ungroundedPrior)
        return ScoreResult(scorer: .ungrounded, value: value,
                           detail: "{\"content_words\":\(content),\"ungrounded\":\(missing)}")
    }

    // MARK: - off_instruction

    private func offInstruction() -> ScoreResult {
        var best = OffInstruction.Verdict(value: 0, reason: nil)
        let pairs = min(humanTexts.count, gptTexts.count)
        for index in 0..<pairs {
            let verdict = OffInstruction.check(
                instructionWords: instruction.words, instructionFlags: instructionFlags,
                instructionRange: instruction.wordRange(ofText: index),
                answerText: gptTexts[index], answerWords: answer.words, answerRange: answer.wordRange(ofText: index),
                lexicon: lexicon, matches: &matches)
            if verdict.value > best.value { best = verdict }
        }
        return ScoreResult(scorer: .offInstruction, value: best.value, detail: best.reason.map { jsonList([$0]) })
    }

    // MARK: - language

    private func language() -> ScoreResult {
        var value = 0.0
        var detail: String?
        let answerLetters = answer.scriptCounts.reduce(0, +)
        if let own = instruction.dominantScript(minimum: 5), answerLetters >= 20 {
            let foreign = 1 - Double(answer.scriptCounts[own.rawValue]) / Double(answerLetters)
            if foreign >= 0.5 || foreign >= 0.2 {
                value = foreign >= 0.5 ? 1 : 0.5
                let other = answer.dominantScript(minimum: 1) ?? .other
                let shown = other == own ? (Script.allCases.filter { $0 != own }
                    .max { answer.scriptCounts[$0.rawValue] < answer.scriptCounts[$1.rawValue] } ?? .other) : other
                detail = "{\"instruction\":\"\(own.name)\",\"answer\":\"\(shown.name)\",\"foreign_share\":\(rounded(foreign))}"
            }
            if value < 1, own == .latin,
               let asked = guessLanguage(instructionFlags, minimum: 2, margin: 1),
               let answered = guessLanguage(answerFlags, minimum: 4, margin: 2), asked != answered {
                value = 1
                detail = "{\"instruction\":\"\(asked)\",\"answer\":\"\(answered)\"}"
            }
        }
        if value < 1, answer.visible > 0, answer.noise > 0 {
            let share = Double(answer.noise) / Double(answer.visible)
            let noise = min(1, share * 5)
            if noise > value {
                value = noise
                detail = "{\"noise_share\":\(rounded(share))}"
            }
        }
        return ScoreResult(scorer: .language, value: value, detail: detail)
    }

    /// The language whose stop-words are most frequent: at least `minimum` hits and more
    /// than `margin` times the runner-up (margin 1 = strictly more).
    private func guessLanguage(_ wordFlags: [UInt32], minimum: Int, margin: Int) -> String? {
        let languages = Lexicon.languages
        var counts = SIMD4<Int>()
        for flags in wordFlags where flags & 30 != 0 {
            for index in 0..<4 where flags & languages[index].0 != 0 { counts[index] += 1 }
        }
        var best = 0
        for index in 1..<4 where counts[index] > counts[best] { best = index }
        var second = 0
        for index in 0..<4 where index != best { second = max(second, counts[index]) }
        guard counts[best] >= minimum else { return nil }
        if margin <= 1 { guard counts[best] > second else { return nil } } else { guard counts[best] >= margin * second else { return nil } }
        return languages[best].1
    }

    // MARK: - format

    private func format(_ flags: FormatFlags) -> ScoreResult {
        let count = flags.rawValue.nonzeroBitCount
        return ScoreResult(scorer: .format, value: Double(count), detail: count > 0 ? jsonList(flags.names) : nil)
    }

    // MARK: - Fingerprints for duplicates

    private func fingerprintOf(_ words: [UInt64], exactMinimum: Int) -> TextFingerprint {
        guard words.count >= exactMinimum else { return TextFingerprint() }
        // A polynomial over the (already mixed) word hashes, finished once: one multiplication
        // per word, where finishing every step would chain a dozen.
        var sum: UInt64 = 0x51_7CC1_B727_220A
        for w in words { sum = sum &* 0x9E37_79B9_7F4A_7C15 &+ w }
        let exact = WordHash.finish(sum)
        guard words.count >= Fingerprint.nearMinimum else { return TextFingerprint(exact: exact, signature: nil) }
        return TextFingerprint(exact: exact, signature: MinHash.signature(words, mins: &mins))
    }

    // MARK: - Helpers

    private func jsonList(_ items: [String]) -> String {
        var out = "["
        for (index, item) in items.enumerated() {
            if index > 0 { out += "," }
            out += JSONValue.string(item).jsonText
        }
        return out + "]"
    }
}

/// Three decimals, for details.
func rounded(_ value: Double) -> String {
    let scaled = (value * 1000).rounded() / 1000
    if scaled == scaled.rounded() { return String(Int(scaled)) }
    return String(scaled)
}

/// A reusable open-addressing table of 64-bit keys with a count each, serving as a set
/// (``insert(_:)``, ``contains(_:)``) and as a counter (``occurrencesOfRepeated()``).
/// Clearing is O(1): a slot belongs to the table only when it carries the current generation.
final class HashCounter {
    private var keys: UnsafeMutablePointer<UInt64>
    private var counts: UnsafeMutablePointer<UInt32>
    private var stamps: UnsafeMutablePointer<UInt32>
    /// The filled slots, in the order they were filled.
    private var used: UnsafeMutablePointer<Int32>
    private var size: Int
    private var generation: UInt32 = 1
    private var mask: Int
    /// Distinct keys.
    private(set) var count = 0

    init(capacity: Int) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        self.size = size
        (keys, counts, stamps, used) = Self.tables(size)
        mask = size - 1
    }

    /// Zeroed key, count and stamp tables and the list of used slots, `size` entries each.
    private static func tables(_ size: Int) -> (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<UInt32>,
                                                UnsafeMutablePointer<UInt32>, UnsafeMutablePointer<Int32>) {
        let keys = UnsafeMutablePointer<UInt64>.allocate(capacity: size)
        keys.initialize(repeating: 0, count: size)
        let counts = UnsafeMutablePointer<UInt32>.allocate(capacity: size)
        counts.initialize(repeating: 0, count: size)
        let stamps = UnsafeMutablePointer<UInt32>.allocate(capacity: size)
        stamps.initialize(repeating: 0, count: size)
        return (keys, counts, stamps, .allocate(capacity: size))
    }

    deinit {
        keys.deallocate()
        counts.deallocate()
        stamps.deallocate()
        used.deallocate()
    }

    func removeAll() {
        generation &+= 1
        if generation == 0 {
            stamps.update(repeating: 0, count: size)
            generation = 1
        }
        count = 0
    }

    /// Counts one occurrence of `key`; true when it was not in the table yet.
    @inline(__always) @discardableResult
    func insert(_ key: UInt64) -> Bool {
        if count * 2 >= size { grow() }
        var slot = Int(truncatingIfNeeded: key) & mask
        while stamps[slot] == generation {
            if keys[slot] == key {
                counts[slot] += 1
                return false
            }
            slot = (slot + 1) & mask
        }
        stamps[slot] = generation
        keys[slot] = key
        counts[slot] = 1
        used[count] = Int32(slot)
        count += 1
        return true
    }

    @inline(__always) func contains(_ key: UInt64) -> Bool {
        var slot = Int(truncatingIfNeeded: key) & mask
        while stamps[slot] == generation {
            if keys[slot] == key { return true }
            slot = (slot + 1) & mask
        }
        return false
    }

    /// The occurrences of keys seen more than once.
    func occurrencesOfRepeated() -> Int {
        var sum = 0
        for k in 0..<count {
            let c = counts[Int(used[k])]
            if c > 1 { sum += Int(c) }
        }
        return sum
    }

    private func grow() {
        var live: [(UInt64, UInt32)] = []
        live.reserveCapacity(count)
        for k in 0..<count {
            let slot = Int(used[k])
            live.append((keys[slot], counts[slot]))
        }
        keys.deallocate()
        counts.deallocate()
        stamps.deallocate()
        used.deallocate()
        size *= 2
        (keys, counts, stamps, used) = Self.tables(size)
        mask = size - 1
        generation = 1
        count = 0
        for (key, occurrences) in live {
            insert(key)
            counts[Int(used[count - 1])] = occurrences
        }
    }
}

extension BuiltinScorer {
    /// The position in `allCases` (the bit's position), without a search or a hash.
    var ordinal: UInt8 { UInt8(bit.trailingZeroBitCount) }

    /// A bit per scorer, for fast membership tests.
    var bit: UInt32 {
        switch self {
        case .captionLeak: return 1 << 0
        case .refusal: return 1 << 1
        case .wordsInstruction: return 1 << 2
        case .wordsAnswer: return 1 << 3
        case .turns: return 1 << 4
        case .tokensEst: return 1 << 5
        case .repetition: return 1 << 6
        case .truncated: return 1 << 7
        case .ungrounded: return 1 << 8
        case .offInstruction: return 1 << 9
        case .language: return 1 << 10
        case .format: return 1 << 11
        case .image: return 1 << 12
        case .dupInstruction: return 1 << 13
        case .dupAnswer: return 1 << 14
        case .imageReuse: return 1 << 15
        }
    }
}

/// Counts the character n-grams of a text: one 64-bit slot per n-gram (32-bit key, 32-bit
/// count), a table sized to the text and cleared per use. It also keeps how many n-grams
/// occur more than once and how often, so that the usual case — no more repeated n-grams
/// than are summed — needs no pass over the table, and the slots of the repeated ones, so
/// that the other case reads only those.
final class GramCounter {
    private var slots: UnsafeMutablePointer<UInt64>
    /// Slots of the n-grams seen more than once, in the order they were first repeated.
    private var repeatedSlots: UnsafeMutablePointer<Int32>
    private var capacity: Int
    private var size = 64
    private var mask = 63
    private(set) var distinct = 0
    /// N-grams seen more than once, and their occurrences.
    private var repeatedDistinct = 0
    private var repeatedOccurrences = 0
    /// How many repeated n-grams have each count below ``histogramSize`` (scratch).
    private let histogram = UnsafeMutablePointer<Int>.allocate(capacity: GramCounter.histogramSize)
    private var large: [UInt32] = []
    private static let histogramSize = 256

    init() {
        capacity = 8192
        slots = .allocate(capacity: capacity)
        repeatedSlots = .allocate(capacity: capacity / 2)
    }

    deinit {
        slots.deallocate()
        repeatedSlots.deallocate()
        histogram.deallocate()
    }

    /// Empties the table for a text of about `expected` n-grams (at most half the slots are
    /// ever used).
    func reset(expected: Int) {
        var size = 64
        while size < expected * 2 { size <<= 1 }
        if size > capacity {
            slots.deallocate()
            repeatedSlots.deallocate()
            capacity = size
            slots = .allocate(capacity: capacity)
            repeatedSlots = .allocate(capacity: capacity / 2)
        }
        self.size = size
        mask = size - 1
        slots.update(repeating: 0, count: size)
        distinct = 0
        repeatedDistinct = 0
        repeatedOccurrences = 0
    }

    /// Counts every 10-byte n-gram of `bytes`; returns how many there are.
    ///
    /// Each n-gram is hashed on its own (its first 8 bytes and last 2, mixed by two
    /// multiplications), so consecutive hashes do not wait for each other as a rolling hash's do.
    func addGrams(of bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let n = bytes.count
        guard n >= 10, let base = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var tally = Tally(self)
        defer { tally.store(self) }
        for i in 0...(n - 10) {
            let head = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let tail = raw.loadUnaligned(fromByteOffset: i + 8, as: UInt16.self)
            let hash = (head &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(tail)) &* 0xD6E8_FEB8_6659_FD93
            tally.add(hash ^ hash >> 32)
        }
        return n - 9
    }

    /// Counts one n-gram by its hash (the low bits pick the slot, the high 32 are the key).
    func add(_ hash: UInt64) {
        var tally = Tally(self)
        tally.add(hash)
        tally.store(self)
    }

    /// The table and its counters in locals, so that a loop keeps them in registers instead of
    /// reloading them from the object after every store into the table.
    private struct Tally {
        let slots: UnsafeMutablePointer<UInt64>
        let repeatedSlots: UnsafeMutablePointer<Int32>
        let mask: Int
        var distinct: Int
        var repeatedDistinct: Int
        var repeatedOccurrences: Int

        init(_ counter: GramCounter) {
            slots = counter.slots
            repeatedSlots = counter.repeatedSlots
            mask = counter.mask
            distinct = counter.distinct
            repeatedDistinct = counter.repeatedDistinct
            repeatedOccurrences = counter.repeatedOccurrences
        }

        func store(_ counter: GramCounter) {
            counter.distinct = distinct
            counter.repeatedDistinct = repeatedDistinct
            counter.repeatedOccurrences = repeatedOccurrences
        }

        @inline(__always) mutating func add(_ hash: UInt64) {
            let key = (hash >> 32) | 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let value = slots[slot]
                if value == 0 {
                    slots[slot] = key << 32 | 1
                    distinct += 1
                    return
                }
                if value >> 32 == key {
                    if value & 0xFFFF_FFFF == 1 {
                        repeatedSlots[repeatedDistinct] = Int32(truncatingIfNeeded: slot)
                        repeatedDistinct += 1
                        repeatedOccurrences += 2
                    } else {
                        repeatedOccurrences += 1
                    }
                    slots[slot] = value &+ 1
                    return
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Data-Juicer's character repetition ratio: the occurrences of the ⌊√distinct⌋ most
    /// frequent n-grams (only those seen more than once) over all occurrences.
    func topRepeatedShare(total: Int) -> Double {
        guard repeatedDistinct > 0, total > 0 else { return 0 }
        let take = Int(Double(distinct).squareRoot())
        if repeatedDistinct <= take { return Double(repeatedOccurrences) / Double(total) }
        // More repeated n-grams than are summed: the largest counts, by a histogram of the
        // small counts and a sorted list of the rare large ones.
        let histogram = self.histogram
        histogram.update(repeating: 0, count: Self.histogramSize)
        large.removeAll(keepingCapacity: true)
        for i in 0..<repeatedDistinct {
            let count = Int(truncatingIfNeeded: slots[Int(repeatedSlots[i])] & 0xFFFF_FFFF)
            if count < Self.histogramSize { histogram[count] += 1 } else { large.append(UInt32(count)) }
        }
        large.sort(by: >)
        var left = take
        var sum = 0
        for count in large {
            guard left > 0 else { break }
            sum += Int(count)
            left -= 1
        }
        var count = Self.histogramSize - 1
        while left > 0, count > 1 {
            let used = min(left, histogram[count])
            sum += used * count
            left -= used
            count -= 1
        }
        return Double(sum) / Double(total)
    }
}
