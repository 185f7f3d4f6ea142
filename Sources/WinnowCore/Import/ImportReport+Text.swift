import Foundation

extension ImportReport {
    /// The human summary printed after an import.
    public var summary: String {
        if noOp {
            return "\(file): unchanged since the last import (same content and options); nothing to do."
        }
        var lines = ["Imported \(file) as \(format.rawValue), source \"\(source)\":"]
        lines.append("  \(grouped(records)) records: \(grouped(added)) added, \(grouped(changed)) changed, \(grouped(unchanged)) unchanged, \(grouped(removed)) removed")
        if duplicateIds > 0 {
            lines.append("  \(grouped(duplicateIds)) records share an id with an earlier record (all kept)")
        }
        if skipped > 0 {
            lines.append("  \(grouped(skipped)) invalid records skipped (see the --skip-invalid file)")
        }
        let megabytes = Double(bytes) / 1_048_576
        lines.append(String(format: "  %.1f MB in %.1f s (%@ records/s)", megabytes, seconds,
                            grouped(seconds > 0 ? Int(Double(records) / seconds) : records)))
        return lines.joined(separator: "\n")
    }

    /// The machine-readable report.
    public var json: JSONValue {
        func number(_ value: Int) -> JSONValue { .number(String(value)) }
        return .object(JSONObject(
            keys: ["file", "format", "source", "import_id", "no_op", "records", "added", "changed", "unchanged",
                   "removed", "skipped", "duplicate_ids", "bytes", "seconds", "warnings"],
            values: [.string(file), .string(format.rawValue), .string(source),
                     importId.map { .number(String($0)) } ?? .null, .bool(noOp), number(records), number(added),
                     number(changed), number(unchanged), number(removed), number(skipped), number(duplicateIds),
                     number(bytes), .number(String(format: "%.3f", seconds)), .array(warnings.map(JSONValue.string))]))
    }
}

extension StoreStats {
    /// The human form of `winnow stats`.
    public func text(path: String) -> String {
        var lines = ["\(path): \(grouped(items)) items"]
        func table(_ title: String, _ counts: [String: Int], order: [String]? = nil) {
            guard !counts.isEmpty else { return }
            lines.append("")
            lines.append(title)
            let keys = order ?? counts.sorted { $0.value == $1.value ? $0.key < $1.key : $0.value > $1.value }.map(\.key)
            let width = keys.map(\.count).max() ?? 0
            for key in keys {
                let count = counts[key] ?? 0
                lines.append("  " + key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + grouped(count))
            }
        }
        table("by status", byStatus, order: ItemStatus.allCases.map(\.rawValue))
        table("by source", bySource)
        table("by model", byModel)
        lines.append("")
        lines.append("text-only \(grouped(textOnly)), with caption \(grouped(withCaption)), duplicate ids \(grouped(duplicateIds)), removed \(grouped(removed))")
        lines.append("format problems: \(grouped(itemsWithFormatProblems)) items")
        let problems = formatProblems.filter { $0.value > 0 }
        if !problems.isEmpty {
            table("format problems by kind", problems)
        }
        return lines.joined(separator: "\n")
    }
}
