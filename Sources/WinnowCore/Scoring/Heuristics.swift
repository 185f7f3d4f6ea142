/// The line-level heuristics of `truncated` and `off_instruction`.

/// One non-empty line of an answer.
struct AnswerLine {
    var words = 0
    /// Starts with a list marker: `-`, `*`, `•`, `+`, `1.`, `1)`, `a)`, `Step 3`, `#`.
    var listItem = false
    /// `Name: text` with a short name, as in a dialogue or script.
    var speaker = false
    /// Ends with ':'.
    var endsWithColon = false
    /// Starts with "title" or is wrapped in `#`.
    var heading = false
    /// Only a list marker, nothing after it.
    var emptyItem = false
    /// Preceded by a blank line (starts a new block).
    var newBlock = false
}

enum Lines {
    /// The non-empty lines of `text`.
    static func of(_ text: String) -> [AnswerLine] {
        var lines: [AnswerLine] = []
        var copy = text
        copy.withUTF8 { b in
            var i = 0
            let n = b.count
            var blank = true
            while i < n {
                var end = i
                while end < n && b[end] != 0x0A { end += 1 }
                var start = i
                var stop = end
                while start < stop, isSpace(b[start]) { start += 1 }
                while stop > start, isSpace(b[stop - 1]) { stop -= 1 }
                if start < stop {
                    lines.append(line(b, start, stop, newBlock: blank || lines.isEmpty))
                    blank = false
                } else {
                    blank = true
                }
                i = end + 1
            }
        }
        return lines
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c >= 0x80
    }

    /// The line `b[start..<stop]`; its `words` stay 0 unless `countingWords` (a pass over
    /// every byte that ``words(_:_:_:)`` also makes on its own).
    static func line(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ stop: Int, newBlock: Bool,
                     countingWords: Bool = true) -> AnswerLine {
        var line = AnswerLine()
        line.newBlock = newBlock
        if countingWords { line.words = words(b, start, stop) }
        line.endsWithColon = b[stop - 1] == 0x3A
        // Skip markdown emphasis for the marker tests.
        var p = start
        while p < stop, b[p] == 0x2A || b[p] == 0x5F, p + 1 < stop, b[p + 1] == 0x2A || b[p + 1] == 0x5F { p += 2 }
        let c = b[p]
        if c == 0x23 {  // #
            line.heading = true
            line.listItem = false
        } else if c == 0x2D || c == 0x2A || c == 0x2B {  // - * +
            if p + 1 >= stop { line.emptyItem = true; line.listItem = true } else if isSpace(b[p + 1]) { line.listItem = true }
        } else if c == 0xE2, p + 2 < stop, b[p + 1] == 0x80, b[p + 2] == 0xA2 {  // •
            line.listItem = true
            if p + 3 >= stop { line.emptyItem = true }
        } else if c >= 0x30 && c <= 0x39 {
            var q = p
            while q < stop, b[q] >= 0x30 && b[q] <= 0x39, q - p < 3 { q += 1 }
            if q < stop, b[q] == 0x2E || b[q] == 0x29 {
                if q + 1 >= stop { line.emptyItem = true; line.listItem = true } else if isSpace(b[q + 1]) || b[q + 1] == 0x2A { line.listItem = true }
            }
        } else if (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A), p + 1 < stop, b[p + 1] == 0x29 {
            line.listItem = true  // a) b)
        }
        if !line.listItem, stop - p >= 5 {
            // "step " and "title", any case (bytes compared in place: no arrays per line).
            @inline(__always) func starts(_ word: StaticString) -> Bool {
                let w = word.utf8Start
                for k in 0..<5 where b[p + k] | 0x20 != w[k] { return false }
                return true
            }
            if starts("step ") { line.listItem = true }
            if starts("title") { line.heading = true }
        }
        // Speaker: up to 30 bytes of name without sentence punctuation, then ':' and text.
        if !line.listItem {
            var q = p
            var ok = true
            while q < stop, q - p <= 30, b[q] != 0x3A {
                if b[q] == 0x2E || b[q] == 0x3F || b[q] == 0x21 || b[q] == 0x2C { ok = false }
                q += 1
            }
            if ok, q < stop, b[q] == 0x3A, q > p, q + 1 < stop, (b[p] >= 0x41 && b[p] <= 0x5A) || b[p] == 0x5B || b[p] >= 0x80 {
                line.speaker = true
            }
        }
        return line
    }

    /// Words of `b[start..<stop]`: runs of non-space bytes with a letter or digit.
    static func words(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ stop: Int) -> Int {
        var words = 0
        var inWord = false
        var hasAlnum = false
        for k in start..<stop {
            if isSpace(b[k]) {
                if inWord, hasAlnum { words += 1 }
                inWord = false
                hasAlnum = false
            } else {
                inWord = true
                if isAlnum(b[k]) { hasAlnum = true }
            }
        }
        if inWord, hasAlnum { words += 1 }
        return words
    }

    /// Sentence ends: `.`, `!`, `?` (and CJK ones) followed by white space or the end; at
    /// least 1 for a text with words.
    static func sentences(_ text: String) -> Int {
        var count = 0
        var copy = text
        copy.withUTF8 { b in
            let n = b.count
            var i = 0
            var sawWord = false
            while i < n {
                let c = b[i]
                if c == 0x2E || c == 0x21 || c == 0x3F {
                    var j = i + 1
                    while j < n, b[j] == 0x2E || b[j] == 0x21 || b[j] == 0x3F || b[j] == 0x22 || b[j] == 0x29 { j += 1 }
                    if (j >= n || b[j] == 0x20 || b[j] == 0x0A), sawWord {
                        count += 1
                        sawWord = false
                    }
                    i = j
                    continue
                }
                if c == 0xE3, i + 2 < n, b[i + 1] == 0x80, b[i + 2] == 0x82 {  // 。
                    if sawWord { count += 1 }
                    sawWord = false
                    i += 3
                    continue
                }
                if isAlnum(c) { sawWord = true }
                i += 1
            }
            if sawWord { count += 1 }
        }
        return count
    }
}

enum Truncation {
    struct Verdict {
        var value: Double
        var reason: String?
    }

    /// Checks the last answer turn. `words[range]` are its word hashes.
    static func check(_ text: String, words: [UInt64], range: Range<Int>, lexicon: Lexicon) -> Verdict {
        var verdict = Verdict(value: 0, reason: nil)
        func raise(_ value: Double, _ reason: String) {
            if value > verdict.value { verdict = Verdict(value: value, reason: reason) }
        }
        var copy = text
        copy.withUTF8 { b in
            var end = b.count
            while end > 0, b[end - 1] == 0x20 || b[end - 1] == 0x0A || b[end - 1] == 0x09 || b[end - 1] == 0x0D { end -= 1 }
            guard end > 0 else { return }
            var paren = 0, square = 0, curly = 0, fences = 0, quotes = 0, curlyQuotes = 0
            // Most bytes are none of ( ) [ ] { } " ` and the lead byte of “ ”: the ASCII ones
            // are bits of two masks (bytes below 0x40, then 0x40-0x7F), tested without a branch.
            let low: UInt64 = 1 << 0x22 | 1 << 0x28 | 1 << 0x29
            let high: UInt64 = 1 << (0x5B - 0x40) | 1 << (0x5D - 0x40) | 1 << (0x60 - 0x40) | 1 << (0x7B - 0x40)
                | 1 << (0x7D - 0x40)
            var i = 0
            while i < end {
                let byte = b[i]
                let counted = byte < 0x80 ? ((byte < 0x40 ? low : high) >> UInt64(byte & 0x3F)) & 1 != 0 : byte == 0xE2
                guard counted else {
                    i += 1
                    continue
                }
                switch byte {
                case 0x28: paren += 1
                case 0x29: paren -= 1
                case 0x5B: square += 1
                case 0x5D: square -= 1
                case 0x7B: curly += 1
                case 0x7D: curly -= 1
                case 0x22: quotes += 1
                case 0x60:
                    if i + 2 < end, b[i + 1] == 0x60, b[i + 2] == 0x60 {
                        fences += 1
                        i += 2
                    }
                case 0xE2:
                    if i + 2 < end, b[i + 1] == 0x80 {
                        if b[i + 2] == 0x9C { curlyQuotes += 1 }
                        if b[i + 2] == 0x9D { curlyQuotes -= 1 }
                    }
                default: break
                }
                i += 1
            }
            if fences % 2 == 1 { raise(1, "unclosed code block") }
            if paren > 0 || square > 0 || curly > 0 { raise(1, "unclosed bracket") }
            if quotes % 2 == 1 || curlyQuotes > 0 { raise(0.5, "unclosed quote") }

            var lineStart = end - 1
            while lineStart > 0, b[lineStart - 1] != 0x0A { lineStart -= 1 }
            let last = b[end - 1]
            switch last {
            case 0x2C:
                raise(1, "ends with a comma")
                return
            case 0x3A:
                raise(1, "ends with a colon")
                return
            case 0x3B:
                raise(0.5, "ends with a semicolon")
                return
            case 0x2D:
                let markerOnly = end - lineStart <= 2
                raise(markerOnly || (end >= 2 && b[end - 2] == 0x20) ? 1 : 0.5, markerOnly ? "empty list item" : "ends with a dash")
                return
            default: break
            }
            // A last line that is only a list marker.
            var first = lineStart
            while first < end, Lines.isSpace(b[first]) { first += 1 }
            let line = Lines.line(b, first, end, newBlock: false, countingWords: false)
            if line.emptyItem {
                raise(1, "empty list item")
                return
            }
            guard Lines.isAlnum(last), last < 0x80 else { return }  // punctuation, emoji, CJK stops: fine
            // The last word.
            var wordStart = end
            while wordStart > lineStart, Lines.isAlnum(b[wordStart - 1]) || b[wordStart - 1] == 0x27 { wordStart -= 1 }
            if wordStart > 0, b[wordStart - 1] == 0x23 || b[wordStart - 1] == 0x40 { return }  // #hashtag, @handle
            if range.count >= 3, let lastWord = words[range].last, lexicon.table.get(lastWord) & Lexicon.dangling != 0 {
                let word = String(decoding: UnsafeBufferPointer(rebasing: b[wordStart..<end]), as: UTF8.self)
                raise(1, "ends with '\(word)'")
                return
            }
            if !line.listItem, !line.heading, range.count >= 20, Lines.words(b, first, end) >= 8 {
                raise(0.5, "no final punctuation")
            }
        }
        return verdict
    }
}

enum OffInstruction {
    struct Verdict {
        var value: Double
        var reason: String?
    }

    static func check(instructionWords: [UInt64], instructionFlags: [UInt32], instructionRange: Range<Int>, answerText: String,
                      answerWords: [UInt64], answerRange: Range<Int>, lexicon: Lexicon,
                      matches: inout [Lexicon.Match]) -> Verdict {
        var verdict = Verdict(value: 0, reason: nil)
        func raise(_ value: Double, _ reason: String) {
            if value > verdict.value { verdict = Verdict(value: value, reason: reason) }
        }
        let words = answerRange.count
        guard !instructionRange.isEmpty else { return verdict }

        // The answer repeats the instruction.
        let asked = instructionRange.count
        if words >= 3, Double(words) >= 0.6 * Double(asked), words <= asked {
            var found = false
            for start in instructionRange.lowerBound...(instructionRange.upperBound - words) {
                var same = true
                for k in 0..<words where instructionWords[start + k] != answerWords[answerRange.lowerBound + k] {
                    same = false
                    break
                }
                if same {
                    found = true
                    break
                }
            }
            if found { raise(1, "the answer repeats the instruction") }
        }

        matches.removeAll(keepingCapacity: true)
        lexicon.matches(instructionWords, flags: instructionFlags, instructionRange, .trigger, into: &matches)
        guard !matches.isEmpty else { return verdict }
        var triggers = TriggerSet()
        var longWeight = 0.0
        for match in matches {
            let phrase = lexicon.phrases[match.phrase]
            guard let trigger = phrase.trigger else { continue }
            triggers.insert(trigger)
            if trigger == .longForm || trigger == .longFormWeak { longWeight = max(longWeight, phrase.weight) }
        }
        let question = instructionFlags[instructionRange.lowerBound] & Lexicon.interrogative != 0
        let concise = triggers.contains(.concise)
        // The answer's lines, split only when a check needs them (most do not).
        var split: [AnswerLine]?
        func lines() -> [AnswerLine] {
            if let split { return split }
            let lines = Lines.of(answerText)
            split = lines
            return lines
        }

        // Poems with a fixed number of lines.
        for (trigger, expected, name) in [(Lexicon.Trigger.haiku, 3, "haiku"), (.limerick, 5, "limerick")]
        where triggers.contains(trigger) {
            let poem = poemLines(lines())
            if poem.count != expected || poem.contains(where: { $0.words > 14 }) {
                let count = poem.count == 1 ? slashSegments(answerText) : poem.count
                if count != expected || poem.count != 1 { raise(1, "\(name) of \(poem.count) lines, not \(expected)") }
            }
        }
        if triggers.contains(.oneWord) {
            if words > 5 { raise(1, "one word asked, \(words) given") } else if words > 3 { raise(0.5, "one word asked, \(words) given") }
        }
        if triggers.contains(.oneSentence) {
            let sentences = Lines.sentences(answerText)
            if sentences >= 3 || words > 60 {
                raise(1, "one sentence asked, \(sentences) given")
            } else if sentences == 2 || words > 35 {
                raise(0.5, "one sentence asked, \(sentences) given")
            }
        }
        let strongLong = triggers.contains(.longForm)
        if triggers.contains(.shortUnit), !strongLong {
            let limit = concise ? 40 : 60
            if words > 2 * limit { raise(1, "short text asked, \(words) words given") } else if words > limit { raise(0.5, "short text asked, \(words) words given") }
        } else if concise, !triggers.contains(.oneWord), !triggers.contains(.oneSentence) {
            let (warn, bad) = longWeight > 0 ? (400, 600) : (150, 250)
            if words > bad { raise(1, "concise answer asked, \(words) words given") } else if words > warn { raise(0.5, "concise answer asked, \(words) words given") }
        }
        if !question {
            func listItems() -> Int { lines().filter { $0.listItem || $0.speaker }.count }
            if triggers.contains(.list), words >= 15, listItems() < 2 {
                raise(1, "a list was asked for, the answer has no list")
            } else if triggers.contains(.steps), words >= 30, listItems() < 2 {
                var mentionsSteps = false
                let sequence = Self.sequenceWords
                for w in answerWords[answerRange] where sequence.contains(w) {
                    mentionsSteps = true
                    break
                }
                if !mentionsSteps { raise(0.5, "steps were asked for, the answer has no list") }
            }
            let shortForm = triggers.contains(.haiku) || triggers.contains(.limerick) || triggers.contains(.oneWord)
                || triggers.contains(.oneSentence) || (triggers.contains(.shortUnit) && !strongLong)
            if longWeight > 0, !shortForm {
                let (sure, likely) = concise ? (10, 20) : (20, 40)
                if words < sure {
                    raise(longWeight, "long form asked, \(words) words given")
                } else if words < likely, lines().count <= 1 {
                    raise(longWeight / 2, "long form asked, one line of \(words) words given")
                }
            }
            if triggers.contains(.dialogue), words >= 20, lines().filter(\.speaker).count < 2 {
                var quoted = false
                for byte in answerText.utf8 where byte == 0x22 {
                    quoted = true
                    break
                }
                if !quoted, !answerText.contains("\u{201C}") { raise(0.5, "a dialogue was asked for, no speaker lines") }
            }
        }
        return verdict
    }

    /// Words that make prose a sequence of steps.
    static let sequenceWords = Set(["step", "steps", "first", "firstly", "next", "then", "finally", "lastly", "second"]
        .flatMap { WordHash.words($0) })

    /// The lines of the poem in an answer: the first block of two or more lines that is not
    /// an introduction ("Here is a haiku:") or a title; else the first block.
    static func poemLines(_ lines: [AnswerLine]) -> [AnswerLine] {
        var blocks: [[AnswerLine]] = []
        for line in lines {
            if line.newBlock || blocks.isEmpty { blocks.append([]) }
            blocks[blocks.count - 1].append(line)
        }
        let cleaned = blocks.map { block in
            block.enumerated().filter { index, line in
                !(index == 0 && (line.endsWithColon || line.heading))
            }.map(\.element)
        }.filter { !$0.isEmpty }
        return cleaned.first { $0.count >= 2 } ?? cleaned.first ?? []
    }

    /// "line one / line two / line three" written on one line.
    static func slashSegments(_ text: String) -> Int {
        text.split(separator: "/").filter { $0.contains(where: { !$0.isWhitespace }) }.count
    }
}

/// A set of triggers as bits.
struct TriggerSet {
    private var bits: UInt32 = 0

    mutating func insert(_ trigger: Lexicon.Trigger) { bits |= Self.bit(trigger) }

    func contains(_ trigger: Lexicon.Trigger) -> Bool { bits & Self.bit(trigger) != 0 }

    /// A switch, not `allCases.firstIndex(of:)`: `allCases` builds a new array on every call.
    private static func bit(_ trigger: Lexicon.Trigger) -> UInt32 {
        switch trigger {
        case .haiku: return 1 << 0
        case .limerick: return 1 << 1
        case .concise: return 1 << 2
        case .oneSentence: return 1 << 3
        case .oneWord: return 1 << 4
        case .shortUnit: return 1 << 5
        case .list: return 1 << 6
        case .steps: return 1 << 7
        case .longForm: return 1 << 8
        case .longFormWeak: return 1 << 9
        case .dialogue: return 1 << 10
        }
    }
}
