import WinnowCore

/// One line of the detail pane, already wrapped to the pane's width.
public struct DetailLine: Equatable, Sendable {
    public var text: String
    public var role: Role
    /// The conversation turn this line belongs to (for `edit`), if any.
    public var turn: Int?
    public var indent: Int

    public init(_ text: String, role: Role, turn: Int? = nil, indent: Int = 0) {
        self.text = text
        self.role = role
        self.turn = turn
        self.indent = indent
    }
}

/// Lays out an item for the detail pane: header, conversation, caption, scores, format
/// problems, provenance, history.
public enum DetailLines {
    public static func build(_ detail: ItemDetail, width: Int, showCaption: Bool) -> [DetailLine] {
        let width = max(10, width)
        var lines: [DetailLine] = []
        func section(_ title: String, role: Role = .paneTitle) {
            if !lines.isEmpty { lines.append(DetailLine("", role: .normal)) }
            lines.append(DetailLine(title, role: role))
        }
        func wrapped(_ text: String, role: Role, turn: Int? = nil) {
            for line in Wrap.lines(text, width: width - 2) {
                lines.append(DetailLine(line, role: role, turn: turn, indent: 2))
            }
        }

        var header = "item \(detail.id) · id \(detail.displayId) · \(detail.status.rawValue)"
        if let model = detail.model, !model.isEmpty { header += " · \(model)" }
        lines.append(DetailLine(header, role: .meta))
        if detail.version > 0 {
            lines.append(DetailLine("edited: version \(detail.version) by \(detail.editedBy ?? "?") (original kept)", role: .warning))
        }
        if detail.removed {
            lines.append(DetailLine("removed from its file at a later import", role: .warning))
        }

        for (index, turn) in detail.turns.enumerated() {
            let human = turn.isHuman
            section(human ? "HUMAN" : (turn.role == "gpt" || turn.role == "assistant" ? "GPT" : turn.role.uppercased()),
                    role: human ? .roleHuman : .roleGPT)
            lines[lines.count - 1].turn = index
            if turn.text.isEmpty {
                lines.append(DetailLine("(empty)", role: .warning, turn: index, indent: 2))
            } else {
                wrapped(turn.text, role: .normal, turn: index)
            }
        }

        if showCaption {
            section("CAPTION", role: .caption)
            wrapped(detail.caption ?? "(no caption)", role: .caption)
        }

        let problems = detail.formatFlags.names
        if !problems.isEmpty {
            section("FORMAT PROBLEMS", role: .warning)
            wrapped(problems.joined(separator: ", "), role: .warning)
        }

        section("SCORES")
        if detail.scores.isEmpty {
            lines.append(DetailLine("(none yet: run winnow score)", role: .dim, indent: 2))
        }
        for score in detail.scores {
            lines.append(DetailLine("\(score.name)  \(formatScore(score.value))  (\(score.scorer) \(score.version))",
                                    role: .normal, indent: 2))
        }

        section("PROVENANCE")
        wrapped("source \(detail.source), record \(detail.recordIndex) of \(detail.sourceFile)", role: .meta)
        wrapped("import #\(detail.importId)\(detail.importedAt.map { " at \($0)" } ?? "")", role: .meta)
        if let image = detail.image {
            wrapped("image \(image)\(detail.imageRoot.map { " under \($0)" } ?? "")", role: .meta)
        } else {
            wrapped("text-only (no image)", role: .meta)
        }

        section("HISTORY")
        if detail.history.isEmpty {
            lines.append(DetailLine("(no decisions yet)", role: .dim, indent: 2))
        }
        for entry in detail.history {
            var text = "\(entry.time)  \(entry.reviewer)  "
            switch entry.kind {
            case "verdict": text += entry.verdict ?? "?"
            case "note": text += "note: \(entry.note ?? "")"
            case "edit": text += "edit \(entry.note ?? "")"
            default: text += entry.kind
            }
            if entry.kind == "verdict", !entry.active { text += " (undone)" }
            wrapped(text, role: entry.active ? .meta : .dim)
        }
        return lines
    }
}

/// Scores print with up to three significant decimals.
public func formatScore(_ value: Double) -> String {
    if value == value.rounded() && abs(value) < 1e9 { return String(Int(value)) }
    let text = String(format: "%.3f", value)
    var trimmed = Substring(text)
    while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
    if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
    return String(trimmed)
}
