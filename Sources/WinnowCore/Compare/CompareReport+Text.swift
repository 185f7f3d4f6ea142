import Foundation

extension CompareReport {
    /// The human form of `winnow compare --report`.
    public var text: String {
        guard !pairs.isEmpty else {
            return "No judgments yet. Judge pairs with `winnow compare --a MODEL --b MODEL`."
        }
        var lines: [String] = []
        let level = Int((bootstrap.level * 100).rounded())
        for (index, pair) in pairs.enumerated() {
            if index > 0 { lines.append("") }
            let reviewers = pair.reviewers.count
            lines.append("\(pair.modelA) (A) vs \(pair.modelB) (B): \(pair.pooled.questions) questions, \(pair.pooled.judgments) judgments by \(reviewers) reviewer\(reviewers == 1 ? "" : "s") (\(pair.pooled.bothOrders) in both orders)")
            lines.append("")
            lines.append(Self.header(label: "", level: level))
            lines.append(Self.row("pooled", pair.pooled))
            for reviewer in pair.reviewers {
                lines.append(Self.row("reviewer " + reviewer.reviewer, reviewer.tally))
            }
            if !pair.groups.isEmpty {
                lines.append("")
                lines.append(Self.header(label: "by \(pair.grouping.rawValue), pooled", level: level))
                for group in pair.groups {
                    lines.append(Self.row(Self.oneLine(group.key), group.tally))
                }
            }
            for sentence in PairSet(modelA: pair.modelA, modelB: pair.modelB, pairs: [], missing: pair.missing, duplicates: []).missingSummary {
                lines.append("")
                lines.append(sentence)
            }
        }
        lines.append("")
        lines.append("A judgment is one reviewer's outcome on one question. Judged in both orders, the two verdicts must agree (same answer better, or both a tie); if they disagree it is a tie. Intervals: \(level)% bootstrap percentile, \(bootstrap.resamples) resamples of questions, seed \(bootstrap.seed).")
        return lines.joined(separator: "\n")
    }

    static let labelWidth = 34

    static func header(label: String, level: Int) -> String {
        pad(label, labelWidth) + leftPad("judgments", 10) + "   " + pad("A wins [\(level)% CI]", 22)
            + pad("ties", 22) + "B wins"
    }

    static func row(_ label: String, _ tally: Tally) -> String {
        pad("  " + label, labelWidth) + leftPad(String(tally.judgments), 10) + "   "
            + pad(cell(tally.winsA, tally.shareA, tally.intervalA), 22)
            + pad(cell(tally.ties, tally.shareTie, tally.intervalTie), 22)
            + cell(tally.winsB, tally.shareB, tally.intervalB)
    }

    static func cell(_ count: Int, _ share: Double, _ interval: ShareInterval?) -> String {
        var text = "\(count) \(percent(share))"
        if let interval { text += " [\(percentNumber(interval.lower))–\(percentNumber(interval.upper))]" }
        return text
    }

    static func percent(_ share: Double) -> String { percentNumber(share) + "%" }

    static func percentNumber(_ share: Double) -> String { String(format: "%.0f", share * 100) }

    static func oneLine(_ text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        let limit = labelWidth - 3
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    static func leftPad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    /// The machine form (`--json`).
    ///
    /// ```json
    /// {"bootstrap": {"resamples": 1000, "seed": 1, "level": 0.95},
    ///  "pairs": [{"model_a": "gpt4v", "model_b": "gemini-pro", "grouping": "instruction",
    ///             "judgments": 12, "wins_a": 5, "wins_b": 4, "ties": 3, ...,
    ///             "reviewers": [{"reviewer": "ana", "judgments": 12, ..., "groups": [...]}],
    ///             "groups": [{"key": "...", "judgments": 3, ...}],
    ///             "missing": [{"source": "...", "question_id": 7, "missing_model": "gemini-pro"}]}]}
    /// ```
    public var json: JSONValue {
        var root = JSONObject()
        root.set("bootstrap", .object(JSONObject(keys: ["resamples", "seed", "level"],
                                                 values: [.number(String(bootstrap.resamples)), .number(String(bootstrap.seed)),
                                                          Self.number(bootstrap.level)])))
        root.set("pairs", .array(pairs.map { pair in
            var object = JSONObject()
            object.set("model_a", .string(pair.modelA))
            object.set("model_b", .string(pair.modelB))
            object.set("grouping", .string(pair.grouping.rawValue))
            Self.add(pair.pooled, to: &object)
            object.set("reviewers", .array(pair.reviewers.map { reviewer in
                var entry = JSONObject()
                entry.set("reviewer", .string(reviewer.reviewer))
                Self.add(reviewer.tally, to: &entry)
                entry.set("groups", Self.groups(reviewer.groups))
                return .object(entry)
            }))
            object.set("groups", Self.groups(pair.groups))
            object.set("missing", .array(pair.missing.map { missing in
                let id = (try? parseJSON(missing.key.question)) ?? .string(missing.key.question)
                return .object(JSONObject(keys: ["source", "question_id", "image", "missing_model"],
                                          values: [.string(missing.key.source), id,
                                                   missing.key.image.map(JSONValue.string) ?? .null,
                                                   .string(missing.missingModel)]))
            }))
            return .object(object)
        }))
        return .object(root)
    }

    static func groups(_ groups: [GroupTally]) -> JSONValue {
        .array(groups.map { group in
            var entry = JSONObject()
            entry.set("key", .string(group.key))
            add(group.tally, to: &entry)
            return .object(entry)
        })
    }

    static func add(_ tally: Tally, to object: inout JSONObject) {
        func int(_ value: Int) -> JSONValue { .number(String(value)) }
        func interval(_ value: ShareInterval?) -> JSONValue {
            guard let value else { return .null }
            return .array([number(value.lower), number(value.upper)])
        }
        object.set("judgments", int(tally.judgments))
        object.set("wins_a", int(tally.winsA))
        object.set("wins_b", int(tally.winsB))
        object.set("ties", int(tally.ties))
        object.set("questions", int(tally.questions))
        object.set("both_orders", int(tally.bothOrders))
        object.set("share_a", number(tally.shareA))
        object.set("share_b", number(tally.shareB))
        object.set("share_tie", number(tally.shareTie))
        object.set("ci_a", interval(tally.intervalA))
        object.set("ci_b", interval(tally.intervalB))
        object.set("ci_tie", interval(tally.intervalTie))
    }

    /// A share with at most four decimals (`0.4167`), as a JSON number.
    static func number(_ value: Double) -> JSONValue {
        var text = String(format: "%.4f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return .number(text.isEmpty || text == "-" ? "0" : text)
    }
}
