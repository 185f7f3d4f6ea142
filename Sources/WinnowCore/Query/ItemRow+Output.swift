import Foundation

extension ItemRow {
    /// The object `winnow list --json` prints: `item`, `id` (the original JSON value),
    /// `source`, `model`, `image`, `status`, `scores`, `instruction`.
    public var jsonObject: JSONValue {
        let id: JSONValue = origId.flatMap { try? parseJSON($0) } ?? .null
        let names = scores.keys.sorted()
        let scoreObject = JSONObject(keys: names, values: names.map { .number(formatNumber(scores[$0] ?? 0)) })
        return .object(JSONObject(
            keys: ["item", "id", "source", "model", "image", "status", "scores", "instruction"],
            values: [.number(String(self.id)), id, .string(source), model.map(JSONValue.string) ?? .null,
                     image.map(JSONValue.string) ?? .null, .string(status.rawValue), .object(scoreObject),
                     .string(instruction)]))
    }

    /// One line of `winnow list`'s table: mark, item, id, model or source, instruction.
    public var tableLine: String {
        let who = model.flatMap { $0.isEmpty ? nil : $0 } ?? source
        let snippet = instruction.replacingOccurrences(of: "<image>", with: "")
            .split(whereSeparator: { $0.isNewline || $0 == "\t" }).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        let scoreText = scores.keys.sorted().map { "\($0)=\(formatNumber(scores[$0] ?? 0))" }.joined(separator: " ")
        let columns = ["\(status.mark)", String(id), displayId, who, String(snippet.prefix(70))] + (scoreText.isEmpty ? [] : [scoreText])
        return columns.joined(separator: "\t")
    }
}

/// A number as JSON text: integers without a fraction, others with up to 6 decimals.
func formatNumber(_ value: Double) -> String {
    guard value.isFinite else { return "null" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    var text = String(format: "%.6f", value)
    while text.hasSuffix("0") { text.removeLast() }
    return text
}
