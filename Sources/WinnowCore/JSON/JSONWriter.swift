/// Serialises ``JSONValue`` trees and Swift strings as JSON text (UTF-8 bytes).
///
/// Strings are escaped per RFC 8259: `"` and `\` get a backslash, control characters
/// below U+0020 become `\n` `\t` `\r` `\b` `\f` or `\u00xx`, everything else (non-ASCII
/// included) is copied as UTF-8, and `/` is not escaped. Numbers are written as their
/// stored lexeme, so a parse/write round trip is byte-exact for compact input.
///
/// ```swift
/// var out: [UInt8] = []
/// JSONWriter.append(.array([.number("1"), .string("a\"b")]), to: &out)   // [1,"a\"b"]
/// JSONWriter.append(value, to: &out, indent: 4)   // like Python's json.dump(indent=4)
/// ```
public enum JSONWriter {
    /// Appends `s` as a quoted, escaped JSON string literal.
    ///
    /// - Parameters:
    ///   - s: The text to write.
    ///   - out: The buffer to append UTF-8 bytes to.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        var text = s
        text.withUTF8 { bytes in appendEscaped(bytes, to: &out) }
    }

    /// Appends the JSON text of `v`.
    ///
    /// With `indent` nil the output is compact (no spaces at all). With an indent, each
    /// array element and object member goes on its own line indented by that many spaces
    /// per level, and keys are followed by `": "`, which matches Python's
    /// `json.dump(..., indent=n, ensure_ascii=False)`. Empty arrays and objects are `[]`
    /// and `{}`.
    ///
    /// - Parameters:
    ///   - v: The value to write.
    ///   - out: The buffer to append UTF-8 bytes to.
    ///   - indent: Spaces per nesting level, or nil for compact output.
    public static func append(_ v: JSONValue, to out: inout [UInt8], indent: Int? = nil) {
        if let indent {
            appendPretty(v, to: &out, indent: max(0, indent), level: 0)
        } else {
            appendCompact(v, to: &out)
        }
    }

    // MARK: - Implementation

    private static func appendCompact(_ v: JSONValue, to out: inout [UInt8]) {
        switch v {
        case .null: appendASCII("null", to: &out)
        case let .bool(flag): appendASCII(flag ? "true" : "false", to: &out)
        case let .number(lexeme): out.append(contentsOf: lexeme.utf8)
        case let .string(text): appendString(text, to: &out)
        case let .array(elements):
            out.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                appendCompact(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(object):
            out.append(UInt8(ascii: "{"))
            for position in 0..<min(object.keys.count, object.values.count) {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                appendString(object.keys[position], to: &out)
                out.append(UInt8(ascii: ":"))
                appendCompact(object.values[position], to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func appendPretty(_ v: JSONValue, to out: inout [UInt8], indent: Int, level: Int) {
        switch v {
        case let .array(elements) where !elements.isEmpty:
            out.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                appendNewline(to: &out, spaces: indent * (level + 1))
                appendPretty(element, to: &out, indent: indent, level: level + 1)
            }
            appendNewline(to: &out, spaces: indent * level)
            out.append(UInt8(ascii: "]"))
        case let .object(object) where object.count > 0 && !object.values.isEmpty:
            out.append(UInt8(ascii: "{"))
            for position in 0..<min(object.keys.count, object.values.count) {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                appendNewline(to: &out, spaces: indent * (level + 1))
                appendString(object.keys[position], to: &out)
                out.append(UInt8(ascii: ":"))
                out.append(UInt8(ascii: " "))
                appendPretty(object.values[position], to: &out, indent: indent, level: level + 1)
            }
            appendNewline(to: &out, spaces: indent * level)
            out.append(UInt8(ascii: "}"))
        default:
            appendCompact(v, to: &out)
        }
    }

    private static func appendNewline(to out: inout [UInt8], spaces: Int) {
        out.append(UInt8(ascii: "\n"))
        if spaces > 0 { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: spaces)) }
    }

    private static func appendASCII(_ text: StaticString, to out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `bytes` (valid UTF-8) quoted and escaped, copying unescaped runs in bulk.
    static func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        guard let base = bytes.baseAddress else {
            out.append(UInt8(ascii: "\""))
            return
        }
        let end = bytes.count
        var runStart = 0
        var index = 0
        while true {
            index = JSONScan.stringSpecialIndex(base, from: index, end: end)
            if index > runStart {
                out.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: index - runStart))
            }
            if index >= end { break }
            let byte = base[index]
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case 0x0A: out.append(UInt8(ascii: "n"))
            case 0x09: out.append(UInt8(ascii: "t"))
            case 0x0D: out.append(UInt8(ascii: "r"))
            case 0x08: out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "f"))
            default:
                out.append(UInt8(ascii: "u"))
                out.append(UInt8(ascii: "0"))
                out.append(UInt8(ascii: "0"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
            index += 1
            runStart = index
        }
        out.append(UInt8(ascii: "\""))
    }
}
