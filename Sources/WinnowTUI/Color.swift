/// A terminal colour as a theme names it.
///
/// `.ansi(0...15)` are the terminal's own palette colours (so they follow the user's colour
/// scheme), `.indexed(0...255)` the xterm 256-colour palette, `.rgb` a true colour. A terminal
/// that cannot show a colour gets the nearest one it can: see ``mapped(to:)``.
///
/// The textual form (``description``, and what theme files accept) is `default`, the eight
/// names `black red green yellow blue magenta cyan white`, their `bright-` forms, `colorN`
/// (0–255) and `#rrggbb`.
public enum Color: Hashable, Sendable {
    /// The terminal's default foreground or background.
    case `default`
    /// One of the 16 palette colours: 0–7 normal, 8–15 bright.
    case ansi(UInt8)
    /// One of the xterm 256 colours.
    case indexed(UInt8)
    /// A true colour.
    case rgb(UInt8, UInt8, UInt8)

    /// The names of the eight basic colours, in palette order.
    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// The forms a colour may take in a theme file, as a sentence fragment for error messages.
    static let acceptedForms =
        "`default`, a name (black, red, green, yellow, blue, magenta, cyan, white, or bright-black … bright-white), `color0` … `color255`, or `#rrggbb`"

    /// Parses the textual form (case-insensitive); `nil` when it is none of the accepted forms.
    ///
    /// `color0` … `color15` become ``ansi(_:)`` so that `color1` and `red` are the same colour.
    init?(parsing text: String) {
        let word = text.lowercased()
        if word == "default" {
            self = .default
            return
        }
        if let index = Self.names.firstIndex(of: word) {
            self = .ansi(UInt8(index))
            return
        }
        if word.hasPrefix("bright-"), let index = Self.names.firstIndex(of: String(word.dropFirst(7))) {
            self = .ansi(UInt8(index + 8))
            return
        }
        if word.hasPrefix("color"), word.count > 5, word.count <= 8 {
            let digits = word.dropFirst(5)
            guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits), value <= 255 else { return nil }
            self = value < 16 ? .ansi(UInt8(value)) : .indexed(UInt8(value))
            return
        }
        if word.hasPrefix("#"), word.count == 7 {
            let hex = word.dropFirst()
            guard hex.allSatisfy({ $0.isHexDigit }), let value = UInt32(hex, radix: 16) else { return nil }
            self = .rgb(UInt8(value >> 16), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
            return
        }
        return nil
    }

    /// The colour a terminal of `depth` can show that is closest to this one.
    ///
    /// - `.trueColor`: unchanged.
    /// - `.indexed256`: `.rgb` becomes the nearest xterm-256 index (6×6×6 cube or grey ramp).
    /// - `.ansi16`: `.rgb` and `.indexed` become the nearest of the 16 palette colours
    ///   (measured against xterm's default palette).
    /// - `.ansi8`: as for 16, then bright colours become their normal counterpart; bright-black
    ///   (grey) has none and becomes `.default`, which stays readable on dark and light backgrounds.
    /// - `.mono`: `.default`.
    public func mapped(to depth: ColorDepth) -> Color {
        switch (self, depth) {
        case (.default, _):
            return .default
        case (_, .mono):
            return .default
        case (_, .trueColor):
            return self
        case (.rgb(let r, let g, let b), .indexed256):
            return .indexed(Self.nearestIndexed(r, g, b))
        case (_, .indexed256):
            return self
        case (_, .ansi16):
            return .ansi(paletteIndex16)
        case (_, .ansi8):
            let index = paletteIndex16
            if index == 8 { return .default }
            return .ansi(index >= 8 ? index - 8 : index)
        }
    }

    /// The nearest of the 16 palette colours (for `.default` meaningless; callers handle it).
    private var paletteIndex16: UInt8 {
        switch self {
        case .default:
            return 7
        case .ansi(let n):
            return n & 0x0F
        case .indexed(let n):
            if n < 16 { return n }
            let (r, g, b) = Self.rgbOfIndex(n)
            return Self.nearest16(r, g, b)
        case .rgb(let r, let g, let b):
            return Self.nearest16(r, g, b)
        }
    }

    /// The colour number on an ncurses direct-colour terminal (`xterm-direct`, `tmux-direct`):
    /// 0–7 stay the terminal's ANSI colours; every other colour is sent as `0xRRGGBB` (the
    /// bright palette colours and xterm-256 indexes by xterm's default values), raised to 8
    /// when that value is below 8, which such terminals would read as an ANSI colour. Nil for `.default`.
    public var directColorNumber: Int32? {
        let rgb: (UInt8, UInt8, UInt8)
        switch self {
        case .default: return nil
        case let .ansi(index) where index < 8: return Int32(index)
        case let .indexed(index) where index < 8: return Int32(index)
        case let .ansi(index), let .indexed(index): rgb = Self.rgbOfIndex(index)
        case let .rgb(red, green, blue): rgb = (red, green, blue)
        }
        let value = Int32(rgb.0) << 16 | Int32(rgb.1) << 8 | Int32(rgb.2)
        return max(8, value)
    }

    // MARK: Palettes

    /// xterm's default values for the 16 palette colours.
    static let palette16: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    private static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The RGB value of an xterm-256 index.
    static func rgbOfIndex(_ n: UInt8) -> (UInt8, UInt8, UInt8) {
        switch n {
        case 0..<16:
            return palette16[Int(n)]
        case 16..<232:
            let i = Int(n) - 16
            return (UInt8(cubeLevels[i / 36]), UInt8(cubeLevels[(i / 6) % 6]), UInt8(cubeLevels[i % 6]))
        default:
            let level = UInt8(8 + 10 * (Int(n) - 232))
            return (level, level, level)
        }
    }

    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let dr = a.0 - b.0, dg = a.1 - b.1, db = a.2 - b.2
        return dr * dr + dg * dg + db * db
    }

    /// The nearest xterm-256 index in the cube or grey ramp (16–255) to an RGB value.
    static func nearestIndexed(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let target = (Int(r), Int(g), Int(b))
        func nearestLevel(_ v: Int) -> Int {
            var best = 0
            for (i, level) in cubeLevels.enumerated() where abs(level - v) < abs(cubeLevels[best] - v) { best = i }
            return best
        }
        let (ri, gi, bi) = (nearestLevel(target.0), nearestLevel(target.1), nearestLevel(target.2))
        let cubeIndex = 16 + 36 * ri + 6 * gi + bi
        let cubeDistance = distance(target, (cubeLevels[ri], cubeLevels[gi], cubeLevels[bi]))
        let average = (target.0 + target.1 + target.2) / 3
        let greyStep = min(23, max(0, (average - 8 + 5) / 10))
        let grey = 8 + 10 * greyStep
        let greyDistance = distance(target, (grey, grey, grey))
        return UInt8(greyDistance < cubeDistance ? 232 + greyStep : cubeIndex)
    }

    /// The nearest of the 16 palette colours to an RGB value.
    static func nearest16(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        let target = (Int(r), Int(g), Int(b))
        var best = 0
        var bestDistance = Int.max
        for (i, colour) in palette16.enumerated() {
            let d = distance(target, (Int(colour.0), Int(colour.1), Int(colour.2)))
            if d < bestDistance {
                best = i
                bestDistance = d
            }
        }
        return UInt8(best)
    }
}

extension Color: CustomStringConvertible {
    /// The theme-file form: `default`, `red`, `bright-red`, `color123`, `#rrggbb`.
    public var description: String {
        switch self {
        case .default:
            return "default"
        case .ansi(let n):
            let index = Int(n & 0x0F)
            return index < 8 ? Self.names[index] : "bright-" + Self.names[index - 8]
        case .indexed(let n):
            return "color\(n)"
        case .rgb(let r, let g, let b):
            return "#" + [r, g, b].map { byte in
                let hex = String(byte, radix: 16)
                return hex.count == 1 ? "0" + hex : hex
            }.joined()
        }
    }
}

/// How many colours a terminal can show, from none to 24-bit.
public enum ColorDepth: Int, Sendable, Comparable, CaseIterable {
    case mono, ansi8, ansi16, indexed256, trueColor

    public static func < (lhs: ColorDepth, rhs: ColorDepth) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The depth for a terminal's colour count (ncurses' `COLORS`, 0 when it has no colours).
    public init(colorCount: Int) {
        switch colorCount {
        case ..<8: self = .mono
        case 8..<16: self = .ansi8
        case 16..<256: self = .ansi16
        case 256..<0x100_0000: self = .indexed256
        default: self = .trueColor
        }
    }

    /// The depth to draw with: `.mono` when `NO_COLOR` is set to a non-empty value
    /// (https://no-color.org), otherwise the depth for `colorCount`.
    public static func detect(colorCount: Int, environment: [String: String]) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .mono }
        return ColorDepth(colorCount: colorCount)
    }
}
