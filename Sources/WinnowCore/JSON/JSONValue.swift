/// A JSON value exactly as it appears in a file.
///
/// Numbers keep their lexeme (`"42"`, `"1.50"`, `"-1.5e3"`) so that identifiers and
/// scores survive a round trip byte for byte, and objects keep their key order and
/// duplicate keys (see ``JSONObject``).
///
/// ```swift
/// let value = try parseJSON(#"{"id": 42, "image": "a.jpg"}"#)
/// value.objectValue?["id"]      // .number("42")
/// value.jsonText                // {"id":42,"image":"a.jpg"}
/// ```
public enum JSONValue: Equatable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, as its lexeme exactly as written in the file, e.g. `"42"` or `"-1.5e3"`.
    case number(String)
    /// A string, unescaped.
    case string(String)
    /// An array, in file order.
    case array([JSONValue])
    /// An object, with key order and duplicate keys as in the file.
    case object(JSONObject)
}

/// A JSON object that keeps its members in file order, duplicates included.
///
/// `keys[i]` is the key of `values[i]`. Lookups are linear, which is faster than
/// hashing for the handful of keys a dataset record has.
public struct JSONObject: Equatable, Sendable {
    /// The member keys, in order.
    public var keys: [String]
    /// The member values; `values[i]` belongs to `keys[i]`.
    public var values: [JSONValue]

    /// Creates an object from parallel arrays of keys and values.
    ///
    /// - Parameters:
    ///   - keys: The member keys, in order.
    ///   - values: The member values, as many as there are keys.
    public init(keys: [String] = [], values: [JSONValue] = []) {
        self.keys = keys
        self.values = values
    }

    /// The value of the first member named `key`, or nil when there is none.
    public subscript(key: String) -> JSONValue? {
        guard let index = keys.firstIndex(of: key), index < values.count else { return nil }
        return values[index]
    }

    /// Replaces the value of the first member named `key`, or appends a member.
    ///
    /// - Parameters:
    ///   - key: The member key.
    ///   - value: The new value.
    public mutating func set(_ key: String, _ value: JSONValue) {
        if let index = keys.firstIndex(of: key), index < values.count {
            values[index] = value
        } else {
            keys.append(key)
            values.append(value)
        }
    }

    /// The number of members, duplicates included.
    public var count: Int { keys.count }
}

extension JSONValue {
    /// The string, when the value is a `.string`; nil otherwise (numbers are not converted).
    public var stringValue: String? {
        if case let .string(text) = self { return text }
        return nil
    }

    /// The object, when the value is an `.object`.
    public var objectValue: JSONObject? {
        if case let .object(object) = self { return object }
        return nil
    }

    /// The elements, when the value is an `.array`.
    public var arrayValue: [JSONValue]? {
        if case let .array(elements) = self { return elements }
        return nil
    }

    /// True for the values that can serve as a record identifier: a string or a number.
    public var isScalarId: Bool {
        switch self {
        case .string, .number: return true
        default: return false
        }
    }

    /// Compact JSON text (no spaces), keys in stored order.
    ///
    /// Strings are escaped per RFC 8259: `"`, `\` and control characters below U+0020
    /// (as `\n` `\t` `\r` `\b` `\f` or `\u00XX`); non-ASCII text stays UTF-8 and `/` is
    /// not escaped. Numbers are written as their stored lexeme.
    public var jsonText: String {
        var out: [UInt8] = []
        JSONWriter.append(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
