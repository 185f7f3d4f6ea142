/// A key as the terminal backend reports it, and as keymap files name it.
///
/// Names (``description`` writes them, ``init(name:)`` reads them): a single character
/// stands for itself (`j`, `J`, `?`, `:`), except `space` for the space bar and `hash` for
/// `#` (which starts a comment in keymap files); `ctrl-a` … `ctrl-z`; `enter`, `tab`,
/// `backtab` (shift-tab), `esc`, `up`, `down`, `left`, `right`, `pgup`, `pgdn`, `home`,
/// `end`, `backspace`, `delete`, `f1` … `f24`. Multi-letter names are case-insensitive.
///
/// Terminals send `ctrl-i` as tab, `ctrl-m` as enter, `ctrl-h` as backspace and `ctrl-[` as
/// escape, so those names parse as those keys.
public enum KeyPress: Hashable, Sendable, CustomStringConvertible {
    case char(Character)
    /// A control key; the character is a lowercase letter.
    case ctrl(Character)
    case up, down, left, right, pageUp, pageDown, home, end, enter, tab, backTab, backspace, delete, escape
    /// The terminal was resized (not bindable in keymaps).
    case resize
    case function(Int)

    private static let named: [(String, KeyPress)] = [
        ("space", .char(" ")), ("hash", .char("#")), ("enter", .enter), ("tab", .tab), ("backtab", .backTab),
        ("esc", .escape), ("up", .up), ("down", .down), ("left", .left), ("right", .right),
        ("pgup", .pageUp), ("pgdn", .pageDown), ("home", .home), ("end", .end),
        ("backspace", .backspace), ("delete", .delete), ("resize", .resize),
    ]

    private static let aliases: [String: KeyPress] = [
        "return": .enter, "escape": .escape, "pageup": .pageUp, "pagedown": .pageDown,
        "shift-tab": .backTab, "del": .delete, "bs": .backspace,
    ]

    /// The key's name in keymap files.
    public var description: String {
        switch self {
        case .char(let c):
            if c == " " { return "space" }
            if c == "#" { return "hash" }
            return String(c)
        case .ctrl(let c):
            return "ctrl-\(c)"
        case .function(let n):
            return "f\(n)"
        default:
            return Self.named.first { $0.1 == self }?.0 ?? "?"
        }
    }

    /// Parses a key name (see the type's notes); `nil` when it names no key.
    public init?(name: String) {
        if name.count == 1, let c = name.first {
            guard !c.isWhitespace, c.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }) else {
                return nil
            }
            self = .char(c)
            return
        }
        let lower = name.lowercased()
        if let key = Self.named.first(where: { $0.0 == lower })?.1, key != .resize {
            self = key
            return
        }
        if let key = Self.aliases[lower] {
            self = key
            return
        }
        if lower.hasPrefix("ctrl-"), lower.count == 6, let c = lower.last {
            switch c {
            case "i": self = .tab
            case "m": self = .enter
            case "h": self = .backspace
            case "[": self = .escape
            case "a"..."z": self = .ctrl(c)
            default: return nil
            }
            return
        }
        if lower.hasPrefix("f"), let n = Int(lower.dropFirst()), (1...24).contains(n), lower.count <= 3 {
            self = .function(n)
            return
        }
        return nil
    }

    /// The key for a control code a terminal sends (1–31 and 127), or `nil` for other codes.
    ///
    /// Tab (9), enter (10, 13), escape (27) and backspace (8, 127) get their own keys; 1–26
    /// otherwise are `ctrl-a` … `ctrl-z`.
    public static func control(_ code: UInt32) -> KeyPress? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26:
            guard let scalar = Unicode.Scalar(code + 0x60) else { return nil }
            return .ctrl(Character(scalar))
        default: return nil
        }
    }
}
