import Foundation

/// An item's review status, derived from the decision log.
public enum ItemStatus: String, CaseIterable, Sendable, Codable {
    case pending, accepted, rejected, skipped

    /// The one-character mark shown in lists.
    public var mark: Character {
        switch self {
        case .pending: return "·"
        case .accepted: return "✓"
        case .rejected: return "✗"
        case .skipped: return "»"
        }
    }
}

/// One turn of a conversation: who speaks and what they say.
public struct Turn: Equatable, Sendable, Codable {
    public var role: String
    public var text: String

    public init(role: String, text: String) {
        self.role = role
        self.text = text
    }

    /// True for the instruction side (`human`, `user`).
    public var isHuman: Bool { role == "human" || role == "user" }
}

/// The `<image>` placeholder LLaVA training expects once, in the first human turn.
public let imageToken = "<image>"

/// Problems in a record's conversation that LLaVA training cannot take, as bit flags
/// stored per item (`items.format_flags`).
public struct FormatFlags: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// A turn whose text is empty or only white space.
    public static let emptyTurn = FormatFlags(rawValue: 1)
    /// Roles do not alternate human/gpt starting with human and ending with gpt.
    public static let roleOrder = FormatFlags(rawValue: 2)
    /// A role other than human/gpt (or user/assistant).
    public static let unknownRole = FormatFlags(rawValue: 4)
    /// An image record whose text has no `<image>` token (LLaVA sources only).
    public static let imageTokenMissing = FormatFlags(rawValue: 8)
    /// More than one `<image>` token, or one outside the first human turn.
    public static let imageTokenMisplaced = FormatFlags(rawValue: 16)
    /// A text-only record that contains an `<image>` token.
    public static let imageTokenWithoutImage = FormatFlags(rawValue: 32)
    /// No words at all in the conversation.
    public static let noWords = FormatFlags(rawValue: 64)

    /// Stable names, used by `winnow stats` and the docs.
    public static let names: [(FormatFlags, String)] = [
        (.emptyTurn, "empty_turn"), (.roleOrder, "role_order"), (.unknownRole, "unknown_role"),
        (.imageTokenMissing, "image_token_missing"), (.imageTokenMisplaced, "image_token_misplaced"),
        (.imageTokenWithoutImage, "image_token_without_image"), (.noWords, "no_words"),
    ]

    /// Checks a conversation.
    ///
    /// - Parameters:
    ///   - hasImage: the record names an image.
    ///   - expectsToken: the source format carries `<image>` tokens itself (LLaVA); formats
    ///     that never do (MM-Instruct, mapped layouts) get the token at export.
    public static func check(_ turns: [Turn], hasImage: Bool, expectsToken: Bool) -> FormatFlags {
        var flags: FormatFlags = []
        var tokens = 0
        var tokenOutsideFirst = false
        var anyWord = false
        for (index, turn) in turns.enumerated() {
            if !turn.text.contains(where: { !$0.isWhitespace }) { flags.insert(.emptyTurn) } else { anyWord = true }
            let human = turn.role == "human" || turn.role == "user"
            let gpt = turn.role == "gpt" || turn.role == "assistant"
            if !human && !gpt { flags.insert(.unknownRole) }
            if (index % 2 == 0) != human || (!human && !gpt) { flags.insert(.roleOrder) }
            let count = turn.text.occurrences(of: imageToken)
            tokens += count
            if count > 0 && index != 0 { tokenOutsideFirst = true }
        }
        if turns.isEmpty || turns.count % 2 != 0 { flags.insert(.roleOrder) }
        if !anyWord { flags.insert(.noWords) }
        if hasImage {
            if tokens == 0 && expectsToken { flags.insert(.imageTokenMissing) }
            if tokens > 1 || tokenOutsideFirst { flags.insert(.imageTokenMisplaced) }
        } else if tokens > 0 {
            flags.insert(.imageTokenWithoutImage)
        }
        return flags
    }

    /// The names of the flags set.
    public var names: [String] { Self.names.filter { contains($0.0) }.map(\.1) }
}

extension String {
    /// Non-overlapping occurrences of `needle`, compared as UTF-8 bytes.
    func occurrences(of needle: String) -> Int {
        var pattern = needle
        var text = self
        return pattern.withUTF8 { pattern in
            guard let first = pattern.first, let patternBase = pattern.baseAddress else { return 0 }
            return text.withUTF8 { bytes in
                guard let base = bytes.baseAddress, bytes.count >= pattern.count else { return 0 }
                var count = 0
                var index = 0
                let last = bytes.count - pattern.count
                while index <= last, let hit = memchr(base + index, Int32(first), last - index + 1) {
                    let at = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + at, patternBase, pattern.count) == 0 {
                        count += 1
                        index = at + pattern.count
                    } else {
                        index = at + 1
                    }
                }
                return count
            }
        }
    }
}
