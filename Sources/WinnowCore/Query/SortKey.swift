import Foundation

/// The order of a list of items.
///
/// | text | order |
/// | --- | --- |
/// | `original` (default) | import order (item id) |
/// | `score.NAME` | by that score, lowest first; items without it last |
/// | `status` | pending, accepted, rejected, skipped; import order within each |
/// | `source`, `model` | by name; items without a model last |
/// | `words(answer)` | by answer length (also `instruction`, `caption`); slow on large stores |
/// | `random:SEED` | a shuffled order that is the same every time for the same seed |
///
/// A leading `-` reverses any of them but `random` (`-score.clip`: highest first, items
/// without the score still last). ``description`` gives back the text.
public struct SortKey: Equatable, Sendable, CustomStringConvertible {
    public enum Field: Equatable, Sendable {
        case original
        case score(String)
        case status
        case source
        case model
        case words(Part)
        case random(seed: Int64)
    }

    /// The text `words(...)` counts.
    public enum Part: String, Equatable, Sendable, CaseIterable {
        case instruction, answer, caption
    }

    public var field: Field
    public var descending: Bool

    public init(_ field: Field, descending: Bool = false) {
        self.field = field
        self.descending = descending
    }

    /// Import order.
    public static let original = SortKey(.original)

    /// Reads a sort key; the empty text is ``original``.
    ///
    /// - Throws: ``FilterError`` (offsets count in `text`).
    public init(parsing text: String) throws(FilterError) {
        let leading = text.prefix(while: { $0.isWhitespace }).count
        var body = text.trimmingCharacters(in: .whitespaces)
        guard !body.isEmpty else {
            self = .original
            return
        }
        var offset = leading
        descending = body.hasPrefix("-")
        if descending {
            body.removeFirst()
            offset += 1
        }
        let lower = body.lowercased()
        func fail(_ message: String, expected: String) -> FilterError {
            FilterError(offset: offset, token: body, expected: expected, message: message)
        }
        if lower.hasPrefix("score.") {
            let name = String(body.dropFirst("score.".count))
            guard !name.isEmpty, !name.contains(where: \.isWhitespace) else {
                throw fail("expected a score name after 'score.', e.g. -score.caption_leak", expected: "a score name")
            }
            field = .score(name)
            return
        }
        if lower.hasPrefix("random") {
            guard !descending else {
                throw FilterError(offset: leading, token: "-", expected: "a sort key",
                                  message: "a random order has no direction; write random:SEED without '-'")
            }
            let rest = body.dropFirst("random".count)
            guard rest.hasPrefix(":"), let seed = Int64(rest.dropFirst()), seed >= 0 else {
                throw fail("expected a seed after 'random:', a whole number such as random:42", expected: "random:SEED")
            }
            field = .random(seed: seed)
            return
        }
        switch lower {
        case "original": field = .original
        case "status": field = .status
        case "source": field = .source
        case "model": field = .model
        case "words(instruction)": field = .words(.instruction)
        case "words(answer)": field = .words(.answer)
        case "words(caption)": field = .words(.caption)
        default:
            let names = ["original", "score.NAME", "status", "source", "model", "words(answer)", "random:SEED"]
            let suggestion = FilterParser.suggestion(for: lower, among: ["original", "status", "source", "model", "words(answer)", "random"])
            throw fail("unknown sort '\(body)'\(suggestion); sorts are \(names.joined(separator: ", ")), each reversed by a leading '-' (not random)",
                       expected: "a sort key")
        }
    }

    public var description: String {
        let name: String
        switch field {
        case .original: name = "original"
        case let .score(score): name = "score.\(score)"
        case .status: name = "status"
        case .source: name = "source"
        case .model: name = "model"
        case let .words(part): name = "words(\(part.rawValue))"
        case let .random(seed): return "random:\(seed)"
        }
        return descending ? "-" + name : name
    }
}
