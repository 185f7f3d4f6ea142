/// Makes untrusted text safe to draw on a terminal.
///
/// Generated instruction data can contain anything, including escape sequences that would
/// retitle the window, clear the screen, recolour or hide text. ``visible(_:)`` removes
/// every sequence a terminal would interpret and leaves a visible marker where it was, so
/// the reviewer sees that something was there:
///
/// | input | shown as |
/// | --- | --- |
/// | an escape sequence: CSI `ESC [ … final`, OSC `ESC ] … BEL/ST`, DCS/SOS/PM/APC `ESC P/X/^/_ … ST`, a two-character `ESC x` (with intermediates), their 8-bit forms (U+009B CSI, U+009D OSC, U+0090 DCS, U+0098 SOS, U+009E PM, U+009F APC), a lone ESC | `␛` (U+241B), once per sequence |
/// | any other C1 control (U+0080–U+009F) | `␛` (every C1 control is an escape sequence in 8-bit form) |
/// | a C0 control other than `\n` and `\t` | its control picture, U+2400 + code: `␀` … `␟` |
/// | `\r\n` | `\n` (a lone `\r` is `␍`) |
/// | DEL (U+007F) | `␡` (U+2421) |
/// | a bidirectional embedding, override or isolate (U+202A–U+202E, U+2066–U+2069) | `⇄` (U+21C4) |
/// | LINE SEPARATOR, PARAGRAPH SEPARATOR (U+2028, U+2029) | `\n` |
///
/// A string sequence (OSC, DCS, SOS, PM, APC) is removed whole only when it ends with BEL or
/// ST (`ESC \` or U+009C) on the same line; otherwise only its introducer is removed and the
/// rest stays visible, so an unterminated sequence cannot hide the text that follows. CSI
/// sequences end at their final byte, or at the first byte that cannot belong to them.
///
/// The output never contains a C0 control other than `\n` and `\t`, DEL, or a C1 control.
/// Markers are one column wide; ``isMarker(_:)`` lets a renderer style them (the
/// `control.picture` theme role).
///
/// Example:
/// ```swift
/// Sanitizer.visible("a\u{1B}]0;pwned\u{07}b")   // "a␛b"
/// Sanitizer.visible("\u{1B}[31mred\u{1B}[0m")   // "␛red␛"
/// ```
public enum Sanitizer {
    /// Shown for each removed escape sequence and each C1 control.
    public static let escapeMarker: Character = "\u{241B}"
    /// Shown for each bidirectional formatting character.
    public static let bidiMarker: Character = "\u{21C4}"

    /// Returns `text` with escape sequences and control characters replaced by visible
    /// markers (see the type's table). Text without them is returned unchanged.
    public static func visible(_ text: String) -> String {
        if !text.unicodeScalars.contains(where: needsWork) { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count)
        let marker: Unicode.Scalar = "\u{241B}"
        var i = 0
        while i < scalars.count {
            let v = scalars[i].value
            switch v {
            case 0x1B:
                i = afterEscape(scalars, from: i + 1)
                out.append(marker)
            case 0x9B:
                i = afterCSI(scalars, from: i + 1)
                out.append(marker)
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F:
                i = afterString(scalars, from: i + 1)
                out.append(marker)
            case 0x80...0x9F:
                i += 1
                out.append(marker)
            case 0x0D:
                if i + 1 < scalars.count, scalars[i + 1].value == 0x0A {
                    i += 1  // the \n is appended on the next pass
                } else {
                    out.append("\u{240D}")
                    i += 1
                }
            case 0x0A, 0x09:
                out.append(scalars[i])
                i += 1
            case 0x00..<0x20:
                out.append(Unicode.Scalar(0x2400 + v) ?? marker)
                i += 1
            case 0x7F:
                out.append("\u{2421}")
                i += 1
            case 0x202A...0x202E, 0x2066...0x2069:
                out.append("\u{21C4}")
                i += 1
            case 0x2028, 0x2029:
                out.append("\n")
                i += 1
            default:
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    /// True for the markers ``visible(_:)`` produces (control pictures U+2400–U+2426, `⇄`),
    /// so a renderer can give them the `control.picture` style.
    public static func isMarker(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1 else { return false }
        return (0x2400...0x2426).contains(scalar.value) || scalar.value == 0x21C4
    }

    private static func needsWork(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 { return v != 0x0A && v != 0x09 }
        if v < 0x7F { return false }
        if v <= 0x9F { return true }
        return (0x2028...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// The index after an escape sequence whose ESC was just before `start`.
    private static func afterEscape(_ s: [Unicode.Scalar], from start: Int) -> Int {
        guard start < s.count else { return start }
        switch s[start].value {
        case 0x5B:  // [
            return afterCSI(s, from: start + 1)
        case 0x5D, 0x50, 0x58, 0x5E, 0x5F:  // ] P X ^ _
            return afterString(s, from: start + 1)
        case 0x20...0x2F:  // intermediates, then a final byte
            var i = start
            while i < s.count, (0x20...0x2F).contains(s[i].value) { i += 1 }
            if i < s.count, (0x30...0x7E).contains(s[i].value) { i += 1 }
            return i
        case 0x30...0x7E:
            return start + 1
        default:
            return start  // a lone ESC: what follows is text
        }
    }

    /// The index after a control sequence's parameters, intermediates and final byte.
    private static func afterCSI(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < s.count, (0x30...0x3F).contains(s[i].value) { i += 1 }
        while i < s.count, (0x20...0x2F).contains(s[i].value) { i += 1 }
        if i < s.count, (0x40...0x7E).contains(s[i].value) { i += 1 }
        return i
    }

    /// The index after a string sequence's terminator, or `start` when it is not terminated on this line.
    private static func afterString(_ s: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < s.count {
            switch s[i].value {
            case 0x07, 0x9C:
                return i + 1
            case 0x1B:
                if i + 1 < s.count, s[i + 1].value == 0x5C { return i + 2 }
                return start
            case 0x0A, 0x0D, 0x18, 0x1A, 0x80...0x9F:
                return start
            default:
                i += 1
            }
        }
        return start
    }
}
