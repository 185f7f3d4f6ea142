/// Reads a stored conversation (`items.conversation`, `edits.conversation`) straight from
/// its UTF-8 bytes, for the scoring threads, which read every item of the store.
///
/// Stored conversations are compact JSON written by Winnow: `[{"from":"human","value":"..."},...]`.
/// That exact shape is read here without building a JSON tree; anything else (other keys,
/// another key order, white space, `\u` escapes of surrogates) is left to
/// ``Conversations/decode(_:)``, so the result is always the same as that function's.
enum ConversationReader {
    /// The turns of a stored conversation.
    static func turns(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [Turn] {
        if let turns = fastTurns(bytes) { return turns }
        return try Conversations.decode(String(decoding: bytes, as: UTF8.self))
    }

    /// The turns, or nil when the text is not in the exact shape Winnow writes.
    static func fastTurns(_ bytes: UnsafeBufferPointer<UInt8>) -> [Turn]? {
        guard let base = bytes.baseAddress else { return nil }
        let end = bytes.count
        var i = 0
        @inline(__always) func expect(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard i + count <= end else { return false }
            let pointer = literal.utf8Start
            for k in 0..<count where base[i + k] != pointer[k] { return false }
            i += count
            return true
        }
        guard expect("[") else { return nil }
        var turns: [Turn] = []
        if expect("]") { return i == end ? turns : nil }
        while true {
            guard expect("{\"from\":\""), let role = string(base, end, &i),
                  expect(",\"value\":\""), let text = string(base, end, &i), expect("}") else { return nil }
            turns.append(Turn(role: role, text: text))
            if expect(",") { continue }
            guard expect("]"), i == end else { return nil }
            return turns
        }
    }

    /// A JSON string's contents from `i` (just after its opening quote) to its closing quote;
    /// `i` ends just after that quote. Nil for a string this reader leaves to the full parser.
    private static func string(_ base: UnsafePointer<UInt8>, _ end: Int, _ i: inout Int) -> String? {
        let start = i
        skipPlain(base, end, &i)
        guard i < end, base[i] >= 0x20 else { return nil }
        if base[i] == 0x22 {
            i += 1
            return String(decoding: UnsafeBufferPointer(start: base + start, count: i - 1 - start), as: UTF8.self)
        }
        // Escapes: the plain runs between them are copied whole.
        var out: [UInt8] = []
        out.reserveCapacity(i - start + 64)
        out.append(contentsOf: UnsafeBufferPointer(start: base + start, count: i - start))
        while i < end {
            let byte = base[i]
            if byte == 0x22 {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            // (`skipPlain` stops at a quote, a backslash or a raw control character, which
            // the full parser reports.)
            guard byte == 0x5C, i + 1 < end else { return nil }
            let escaped = base[i + 1]
            i += 2
            switch escaped {
            case 0x22, 0x5C, 0x2F: out.append(escaped)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x6E: out.append(0x0A)
            case 0x72: out.append(0x0D)
            case 0x74: out.append(0x09)
            case 0x75:
                guard i + 4 <= end else { return nil }
                var value: UInt32 = 0
                for k in 0..<4 {
                    let c = base[i + k]
                    let digit: UInt32
                    switch c {
                    case 0x30...0x39: digit = UInt32(c - 0x30)
                    case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
                    case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
                    default: return nil
                    }
                    value = value << 4 | digit
                }
                i += 4
                // Surrogates (pairs or lone ones) are left to the full parser.
                guard !(0xD800...0xDFFF).contains(value), let scalar = Unicode.Scalar(value) else { return nil }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                return nil
            }
            let run = i
            skipPlain(base, end, &i)
            out.append(contentsOf: UnsafeBufferPointer(start: base + run, count: i - run))
        }
        return nil
    }

    /// Moves `i` to the first quote, backslash or control character (below 0x20) at or after
    /// it, or to `end`. Eight bytes at a time: a byte-wise "is any byte zero" test of the word
    /// XOR each wanted byte, and a "is any byte below 0x20" test, which are exact for the
    /// question "any such byte in these eight" (only a word that has one is read byte by byte).
    @inline(__always)
    private static func skipPlain(_ base: UnsafePointer<UInt8>, _ end: Int, _ i: inout Int) {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let raw = UnsafeRawPointer(base)
        while i + 8 <= end {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let slash = word ^ (ones &* 0x5C)
            let found = ((quote &- ones) & ~quote) | ((slash &- ones) & ~slash) | ((word &- ones &* 0x20) & ~word)
            if found & highs != 0 { break }
            i += 8
        }
        while i < end, base[i] != 0x22, base[i] != 0x5C, base[i] >= 0x20 { i += 1 }
    }
}
