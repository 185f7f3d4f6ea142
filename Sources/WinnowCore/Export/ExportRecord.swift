import Foundation

/// One thing wrong with an output record: a kind from ``ExportProblemKind`` and, when it
/// helps, a detail (the turn, the image path, the reason).
struct ExportIssue: Equatable, Sendable {
    var kind: String
    var detail: String?
}

/// The problem kinds an export reports. A record can have several.
public enum ExportProblemKind {
    /// A combined file's record that is not a LLaVA conversation record (not an object,
    /// `conversations` missing or not a list of `{"from", "value"}` strings, an `id` that is
    /// an object/array/boolean, an `image` that is not a string...).
    public static let malformedRecord = "malformed_record"
    /// A JSON Lines line of a combined file that is not valid JSON.
    public static let badJSON = "bad_json"
    /// `conversations` is empty.
    public static let noConversation = "no_conversation"
    /// Text that is not valid UTF-8 in the store, or holds U+FFFD (a lone surrogate escape
    /// such as `\ud800` in the source, or earlier encoding damage).
    public static let invalidText = "invalid_text"
    /// A role other than human/gpt (user/assistant are renamed, not rejected).
    public static let unknownRole = "unknown_role"
    /// Roles do not alternate human, gpt, human, gpt... ending with gpt.
    public static let roleOrder = "role_order"
    /// A turn with no text (white space and `<image>` do not count).
    public static let emptyTurn = "empty_turn"
    /// No word in the whole conversation.
    public static let noWords = "no_words"
    /// `--no-fix-tokens`: an image record without an `<image>` token.
    public static let imageTokenMissing = "image_token_missing"
    /// `--no-fix-tokens`: two or more tokens, or one outside the first human turn.
    public static let imageTokenMisplaced = "image_token_misplaced"
    /// A text-only record whose text has `<image>`: its image is lost, and the instruction
    /// probably talks about it. Never fixed silently.
    public static let imageTokenWithoutImage = "image_token_without_image"
    /// With `--images`: the file is missing (after rewriting), cannot be read, is not an
    /// image, is cut short or corrupt, is not what its extension says, or does not decode.
    public static let imagePrefix = "image_"
    /// Warning (the record is written): the estimated length passes `--warn-tokens`.
    public static let longSample = "long_sample"
}

/// Where an output record comes from, for reports and `--provenance`.
enum RecordOrigin: Sendable {
    /// An item of the store.
    case store(item: Int64, source: String, recordIndex: Int, status: String)
    /// Record `index` of combined file number `part` (1-based; 0 is the store); `file` is
    /// the file's name as shown in reports.
    case file(part: Int, file: String, source: String, line: Int, column: Int, index: Int)

    var part: Int {
        switch self {
        case .store: return 0
        case let .file(part, _, _, _, _, _): return part
        }
    }

    var source: String {
        switch self {
        case let .store(_, source, _, _): return source
        case let .file(_, _, source, _, _, _): return source
        }
    }

    var recordIndex: Int {
        switch self {
        case let .store(_, _, index, _): return index
        case let .file(_, _, _, _, _, index): return index
        }
    }
}

/// A record on its way to the output: read from the store or a combined file, then
/// normalised, validated and serialised.
struct ExportRecord: Sendable {
    /// The original id as compact JSON text (`"0001"`, `42`), or nil when the record had none.
    var idJSON: String?
    var image: String?
    var turns: [Turn]
    var model: String?
    var caption: String?
    var category: String?
    var extra: JSONObject?
    var origin: RecordOrigin
    /// Problems found while reading (bad UTF-8, malformed record).
    var problems: [ExportIssue] = []

    init(idJSON: String?, image: String?, turns: [Turn], model: String?, caption: String?, category: String?,
         extra: JSONObject?, origin: RecordOrigin) {
        self.idJSON = idJSON
        self.image = image
        self.turns = turns
        self.model = model
        self.caption = caption
        self.category = category
        self.extra = extra
        self.origin = origin
    }

    /// A human-readable pointer at the record: `item 58 (demo record 57, id "demo-0058")`
    /// or `mix.json:1203:5 (record 1200, id "x")`.
    var reference: String {
        let id = idJSON.map { ", id \($0.count > 60 ? String($0.prefix(60)) + "…" : $0)" } ?? ""
        switch origin {
        case let .store(item, source, index, _):
            return "item \(item) (\(source) record \(index)\(id))"
        case let .file(_, file, _, line, column, index):
            return "\(file):\(line):\(column) (record \(index)\(id))"
        }
    }
}

/// What normalisation changed, counted for the report.
struct NormalisationFixes: Sendable {
    var rolesRenamed = 0
    var tokensMoved = 0
    var tokensAdded = 0
    /// Combined records whose `"image"` was `""` or null.
    var emptyImages = 0

    static func += (left: inout NormalisationFixes, right: NormalisationFixes) {
        left.rolesRenamed += right.rolesRenamed
        left.tokensMoved += right.tokensMoved
        left.tokensAdded += right.tokensAdded
        left.emptyImages += right.emptyImages
    }
}

// MARK: - Normalisation and validation

extension ExportRecord {
    /// Renames user/assistant to human/gpt and, with `fixTokens`, puts exactly one `<image>`
    /// token at the start of the first human turn of image records (LLaVA's own
    /// preprocessing does the same: strip every token, then `"<image>\n" + text`).
    mutating func normalise(fixTokens: Bool, fixes: inout NormalisationFixes) {
        var renamed = false
        for index in turns.indices {
            switch turns[index].role {
            case "user":
                turns[index].role = "human"
                renamed = true
            case "assistant":
                turns[index].role = "gpt"
                renamed = true
            default:
                break
            }
        }
        if renamed { fixes.rolesRenamed += 1 }
        guard fixTokens, image != nil, let first = turns.first, first.role == "human" else { return }

        var total = 0
        var firstCount = 0
        for (index, turn) in turns.enumerated() {
            let count = TextScan.tokenCount(turn.text)
            total += count
            if index == 0 { firstCount = count }
        }
        let canonical = "<image>\n"
        if total == 1 && firstCount == 1 && first.text.utf8.starts(with: canonical.utf8) { return }
        if total == 0 {
            turns[0].text = canonical + first.text
            fixes.tokensAdded += 1
            return
        }
        for index in turns.indices where TextScan.tokenCount(turns[index].text) > 0 {
            turns[index].text = turns[index].text.replacingAll(imageToken, with: "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        turns[0].text = canonical + turns[0].text
        fixes.tokensMoved += 1
    }

    /// The rules of DOMAIN.md "What LLaVA training needs", except the image file checks and
    /// the text encoding (checked on the serialised bytes).
    func validate(fixTokens: Bool) -> [ExportIssue] {
        var found: [ExportIssue] = []
        guard !turns.isEmpty else {
            return [ExportIssue(kind: ExportProblemKind.noConversation, detail: nil)]
        }
        var unknown: [String] = []
        for turn in turns where turn.role != "human" && turn.role != "gpt" && !unknown.contains(turn.role) {
            unknown.append(turn.role)
        }
        if !unknown.isEmpty {
            found.append(ExportIssue(kind: ExportProblemKind.unknownRole,
                                        detail: "from " + unknown.map { JSONValue.string($0).jsonText }.joined(separator: ", ")))
        } else {
            var order: String?
            for (index, turn) in turns.enumerated() where (index % 2 == 0) != (turn.role == "human") {
                order = "turn \(index + 1) is \(turn.role)"
                break
            }
            if order == nil && turns.count % 2 != 0 { order = "the last turn is human" }
            if let order { found.append(ExportIssue(kind: ExportProblemKind.roleOrder, detail: order)) }
        }
        var anyWords = false
        var emptyTurns: [Int] = []
        var total = 0
        var firstCount = 0
        for (index, turn) in turns.enumerated() {
            if TextScan.hasWords(turn.text) { anyWords = true } else { emptyTurns.append(index + 1) }
            let count = TextScan.tokenCount(turn.text)
            total += count
            if index == 0 { firstCount = count }
        }
        if !anyWords {
            found.append(ExportIssue(kind: ExportProblemKind.noWords, detail: nil))
        }
        if !emptyTurns.isEmpty {
            let list = emptyTurns.prefix(5).map(String.init).joined(separator: ", ")
            found.append(ExportIssue(kind: ExportProblemKind.emptyTurn,
                                        detail: "turn\(emptyTurns.count == 1 ? "" : "s") \(list)"))
        }
        if image == nil {
            if total > 0 {
                found.append(ExportIssue(kind: ExportProblemKind.imageTokenWithoutImage,
                                            detail: "\(total) <image> token\(total == 1 ? "" : "s") in a record without image"))
            }
        } else if !fixTokens || turns[0].role != "human" {
            if total == 0 {
                found.append(ExportIssue(kind: ExportProblemKind.imageTokenMissing, detail: nil))
            } else if total > 1 || firstCount != 1 {
                found.append(ExportIssue(kind: ExportProblemKind.imageTokenMisplaced,
                                            detail: "\(total) token\(total == 1 ? "" : "s"), \(firstCount) in the first turn"))
            }
        }
        return found
    }

    /// Estimated training length in tokens: 576 per image (CLIP ViT-L/14-336), 4 per turn
    /// for the role markers, ⌈ASCII bytes / 4⌉ and one per non-ASCII character. Slightly
    /// generous for English, about right for CJK.
    func estimatedTokens(limit: Int) -> Int {
        var tokens = image == nil ? 0 : 576
        var bytes = 0
        for turn in turns { bytes += turn.text.utf8.count }
        tokens += 4 * turns.count
        // Every byte is at most half a token: no need to look closer below the limit.
        if tokens + (bytes + 1) / 2 <= limit { return tokens + bytes / 4 }
        var ascii = 0
        var other = 0
        for turn in turns {
            for byte in turn.text.utf8 {
                if byte < 0x80 { ascii += 1 } else if byte & 0xC0 != 0x80 { other += 1 }
            }
        }
        return tokens + (ascii + 3) / 4 + other
    }
}

/// Byte-level scans of conversation text.
enum TextScan {
    /// Non-overlapping `<image>` occurrences.
    static func tokenCount(_ text: String) -> Int {
        var copy = text
        return copy.withUTF8 { bytes -> Int in
            guard let base = bytes.baseAddress, bytes.count >= 7 else { return 0 }
            var count = 0
            var index = 0
            let end = bytes.count
            while index + 7 <= end {
                guard let hit = memchr(base + index, 0x3C, end - index - 6) else { break }
                let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if matchesToken(base, at) {
                    count += 1
                    index = at + 7
                } else {
                    index = at + 1
                }
            }
            return count
        }
    }

    @inline(__always)
    static func matchesToken(_ base: UnsafePointer<UInt8>, _ at: Int) -> Bool {
        base[at] == 0x3C && base[at + 1] == 0x69 && base[at + 2] == 0x6D && base[at + 3] == 0x61
            && base[at + 4] == 0x67 && base[at + 5] == 0x65 && base[at + 6] == 0x3E
    }

    /// True when the text has something besides white space and `<image>` tokens.
    static func hasWords(_ text: String) -> Bool {
        var copy = text
        let fast: Bool? = copy.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            var index = 0
            let end = bytes.count
            while index < end {
                let byte = base[index]
                switch byte {
                case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                    index += 1
                case 0x3C where index + 7 <= end && matchesToken(base, index):
                    index += 7
                case 0x80...:
                    return nil
                default:
                    return true
                }
            }
            return false
        }
        if let fast { return fast }
        // Non-ASCII: Unicode white space (no-break and ideographic spaces...) is not a word.
        for scalar in text.replacingAll(imageToken, with: " ").unicodeScalars where !scalar.properties.isWhitespace {
            return true
        }
        return false
    }

    /// True when the bytes hold U+FFFD (EF BF BD).
    static func hasReplacementCharacter(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var index = 0
        let end = bytes.count
        while index + 3 <= end {
            guard let hit = memchr(base + index, 0xEF, end - index - 2) else { return false }
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if base[at + 1] == 0xBF && base[at + 2] == 0xBD { return true }
            index = at + 1
        }
        return false
    }
}

// MARK: - Serialisation

/// Writes records as compact JSON: `{"id":…,"image":…,"conversations":[…],"model":…,
/// "caption":…,"category":…, extra keys…, provenance keys…}`.
struct RecordSerializer {
    var provenance: Bool

    /// Keys Winnow writes itself: extra keys with these names are left out.
    static let ownKeys: Set<String> = ["id", "image", "conversations", "model", "caption", "category"]
    static let provenanceKeys: Set<String> = ["winnow_item", "source", "record_index"]

    /// Appends everything after `{"id":X,` (or `{`) through the closing `}`.
    ///
    /// - Returns: the length of the part that holds `image` and `conversations` (the
    ///   duplicate key).
    func appendBody(_ record: ExportRecord, to out: inout [UInt8]) -> Int {
        let start = out.count
        if let image = record.image {
            appendKey("image", to: &out)
            JSONWriter.appendString(image, to: &out)
            out.append(UInt8(ascii: ","))
        }
        appendKey("conversations", to: &out)
        out.append(UInt8(ascii: "["))
        for (index, turn) in record.turns.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendASCII(#"{"from":"#, to: &out)
            JSONWriter.appendString(turn.role, to: &out)
            appendASCII(#","value":"#, to: &out)
            JSONWriter.appendString(turn.text, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        let keyLength = out.count - start
        if let model = record.model { appendMember("model", model, to: &out) }
        if let caption = record.caption { appendMember("caption", caption, to: &out) }
        if let category = record.category { appendMember("category", category, to: &out) }
        if let extra = record.extra {
            for (key, value) in zip(extra.keys, extra.values) {
                if Self.ownKeys.contains(key) || (provenance && Self.provenanceKeys.contains(key)) { continue }
                out.append(UInt8(ascii: ","))
                appendKey(key, to: &out)
                JSONWriter.append(value, to: &out)
            }
        }
        if provenance {
            if case let .store(item, _, _, _) = record.origin {
                appendASCII(#","winnow_item":"#, to: &out)
                out.append(contentsOf: String(item).utf8)
            }
            appendMember("source", record.origin.source, to: &out)
            appendASCII(#","record_index":"#, to: &out)
            out.append(contentsOf: String(record.origin.recordIndex).utf8)
        }
        out.append(UInt8(ascii: "}"))
        return keyLength
    }

    /// `{"id":X,` or `{`.
    static func appendHead(idJSON: String?, to out: inout [UInt8]) {
        if let idJSON {
            out.append(contentsOf: #"{"id":"#.utf8)
            out.append(contentsOf: idJSON.utf8)
            out.append(UInt8(ascii: ","))
        } else {
            out.append(UInt8(ascii: "{"))
        }
    }

    private func appendMember(_ key: StaticString, _ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: ","))
        appendKey(key, to: &out)
        JSONWriter.appendString(value, to: &out)
    }

    private func appendKey(_ key: StaticString, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        appendASCII(key, to: &out)
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    private func appendKey(_ key: String, to out: inout [UInt8]) {
        JSONWriter.appendString(key, to: &out)
        out.append(UInt8(ascii: ":"))
    }

    private func appendASCII(_ text: StaticString, to out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }
}
