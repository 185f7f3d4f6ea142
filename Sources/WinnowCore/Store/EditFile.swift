import Foundation

/// The readable text file a reviewer edits a whole item in (`E` in the review UI).
///
/// ```
/// # Winnow item 12 (id demo-0001), version 0.
/// # Lines starting with '#' are ignored. Each turn starts with a '=== ROLE ===' line.
/// === human ===
/// <image>
/// Write a haiku about this picture.
/// === gpt ===
/// Golden crema rests
/// ```
public enum EditFile {
    /// The file's text for an item's current conversation.
    public static func render(_ detail: ItemDetail) -> String {
        var lines = [
            "# Winnow item \(detail.id) (id \(detail.displayId)), version \(detail.version).",
            "# Lines starting with '#' are ignored. Each turn starts with a '=== ROLE ===' line (human or gpt).",
            "# Save and quit to store a new version; the original is kept. Leave it unchanged to cancel.",
        ]
        for turn in detail.turns {
            lines.append("=== \(turn.role) ===")
            lines.append(turn.text)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Why an edited file cannot be read back.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public var line: Int
        public var message: String
        public var description: String { "edited file, line \(line): \(message)" }
    }

    /// Reads turns back from an edited file.
    public static func parse(_ text: String) throws(ParseError) -> [Turn] {
        var turns: [Turn] = []
        var role: String?
        var body: [Substring] = []
        func flush() {
            guard let role else { return }
            var text = body.joined(separator: "\n")
            while text.hasSuffix("\n") { text.removeLast() }
            turns.append(Turn(role: role, text: text))
        }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("#") && role == nil { continue }
            if line.hasPrefix("=== ") && line.hasSuffix(" ===") && line.count > 8 {
                flush()
                role = String(line.dropFirst(4).dropLast(4)).trimmingCharacters(in: .whitespaces)
                body = []
                continue
            }
            if line.hasPrefix("#") { continue }
            guard role != nil else {
                if line.allSatisfy(\.isWhitespace) { continue }
                throw ParseError(line: index + 1, message: "text before the first '=== ROLE ===' line")
            }
            body.append(line)
        }
        flush()
        guard !turns.isEmpty else { throw ParseError(line: 1, message: "no turns left ('=== human ===' lines)") }
        return turns
    }
}
