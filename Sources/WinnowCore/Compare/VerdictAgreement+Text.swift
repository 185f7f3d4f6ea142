import Foundation

extension VerdictAgreement {
    /// The human form of `winnow compare --import-verdicts`.
    public var text: String {
        var lines: [String] = []
        lines.append("\(path): \(verdicts) verdicts on \(questions) questions, \(modelA) (A) vs \(modelB) (B), \(bothOrders) of them in both orders.")
        lines.append("The judge, after the protocol rule: A wins \(judge.winsA), ties \(judge.ties), B wins \(judge.winsB).")
        if unmatched > 0 {
            lines.append("\(unmatched) of these question\(unmatched == 1 ? " has" : "s have") no reviewer's judgment yet and \(unmatched == 1 ? "is" : "are") not compared.")
        }
        lines.append("")
        lines.append("Agreement with the reviewers (one outcome per question after the protocol rule):")
        lines.append("  " + CompareReport.pad("", 24) + CompareReport.leftPad("questions", 10)
                     + CompareReport.leftPad("agreement", 12) + CompareReport.leftPad("chance", 10) + CompareReport.leftPad("kappa", 9))
        for rater in raters {
            let result = rater.result
            let kappa = result.kappa.map { String(format: "%.3f", $0) } ?? "—"
            lines.append("  " + CompareReport.pad(rater.name == "pooled" ? "pooled" : "reviewer " + rater.name, 24)
                         + CompareReport.leftPad(String(result.count), 10)
                         + CompareReport.leftPad(result.count == 0 ? "—" : String(format: "%.1f%%", result.observedAgreement * 100), 12)
                         + CompareReport.leftPad(result.count == 0 ? "—" : String(format: "%.1f%%", result.expectedAgreement * 100), 10)
                         + CompareReport.leftPad(kappa, 9))
        }
        if let pooled = raters.last?.result, pooled.count > 0 {
            lines.append("")
            lines.append("Confusion, pooled (rows: reviewers, columns: judge; A = \(modelA), B = \(modelB)):")
            let width = 8
            lines.append("  " + CompareReport.pad("", width) + pooled.table.labels.map { CompareReport.leftPad($0, width) }.joined())
            for (row, label) in pooled.table.labels.enumerated() {
                lines.append("  " + CompareReport.pad(label, width)
                             + pooled.table.counts[row].map { CompareReport.leftPad(String($0), width) }.joined())
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The machine form (`--json`).
    public var json: JSONValue {
        var root = JSONObject()
        root.set("file", .string(path))
        root.set("model_a", .string(modelA))
        root.set("model_b", .string(modelB))
        root.set("verdicts", .number(String(verdicts)))
        root.set("questions", .number(String(questions)))
        root.set("both_orders", .number(String(bothOrders)))
        root.set("unmatched", .number(String(unmatched)))
        var judgeObject = JSONObject()
        CompareReport.add(judge, to: &judgeObject)
        root.set("judge", .object(judgeObject))
        root.set("agreement", .array(raters.map { rater in
            let result = rater.result
            var entry = JSONObject()
            entry.set("reviewer", .string(rater.name))
            entry.set("questions", .number(String(result.count)))
            entry.set("observed", CompareReport.number(result.observedAgreement))
            entry.set("expected", CompareReport.number(result.expectedAgreement))
            entry.set("kappa", result.kappa.map(CompareReport.number) ?? .null)
            entry.set("labels", .array(result.table.labels.map(JSONValue.string)))
            entry.set("confusion", .array(result.table.counts.map { row in .array(row.map { .number(String($0)) }) }))
            return .object(entry)
        }))
        return .object(root)
    }
}
