import Foundation

/// Counts and examples of one problem kind.
public struct ExportProblemTally: Equatable, Sendable {
    public var count = 0
    /// Up to ``ExportReport/maxExamples`` records: `item 58 (demo record 57, id "demo-0058"): turn 2`.
    public var examples: [String] = []
}

/// What an export did: per part (the store, each combined file), what was read, written,
/// left out and why.
public struct ExportReport: Equatable, Sendable {
    /// One input of the export.
    public struct Part: Equatable, Sendable {
        /// `store` for the store's items, else the combined file's name without extension.
        public var name: String
        /// The store path or the combined file's absolute path.
        public var path: String
        /// SHA-256 of a combined file (empty for the store).
        public var sha256 = ""
        public var bytes = 0
        /// Records read (store: items the filter selected).
        public var records = 0
        public var written = 0
        public var invalid = 0
        /// Dropped because an earlier part has the same image and conversation.
        public var duplicates = 0
        /// Same image and conversation as an earlier record of this part (kept).
        public var repeatsWithin = 0
        /// Held out for the benchmark (store only).
        public var heldOut = 0
        /// Dropped because it asks a held-out benchmark question (same image and instruction).
        public var benchmarkOverlap = 0
    }

    public static let maxExamples = 3

    public var outputPath: String
    public var format: ExportFormat
    public var filter: String
    public var seed: UInt64
    public var parts: [Part] = []
    /// Records written to the training output.
    public var written = 0
    public var bytes = 0
    /// Records left out as invalid (each counted once, whatever its number of problems).
    public var invalid = 0
    /// Invalid records by problem kind (a record with two problems counts under both).
    public var problems: [String: ExportProblemTally] = [:]
    /// Warnings by kind (`long_sample`); the records were written.
    public var warnings: [String: ExportProblemTally] = [:]
    /// Records that repeat a record of an earlier part (same image and conversation), with
    /// examples; dropped unless `--keep-duplicates`.
    public var duplicates = ExportProblemTally()
    /// Normalisations applied: `role_renamed`, `image_token_moved`, `image_token_added`,
    /// `empty_image_dropped`, `id_renamed`.
    public var fixes: [String: Int] = [:]
    /// Written records by source (store source names, combined file names).
    public var bySource: [String: Int] = [:]
    /// Written store items by status.
    public var byStatus: [String: Int] = [:]
    public var benchmarkPath: String?
    public var benchmarkQuestions = 0
    public var manifestPath: String
    /// True when --strict found invalid records (and nothing was written).
    public var failedStrict = false
    public var seconds = 0.0

    public init(outputPath: String, format: ExportFormat, filter: String, seed: UInt64) {
        self.outputPath = outputPath
        self.format = format
        self.filter = filter
        self.seed = seed
        manifestPath = outputPath + ".manifest.json"
    }

    mutating func addProblem(_ issue: ExportIssue, record: @autoclosure () -> String) {
        problems[issue.kind, default: ExportProblemTally()].add(example: record(), detail: issue.detail)
    }

    mutating func addWarning(_ issue: ExportIssue, record: @autoclosure () -> String) {
        warnings[issue.kind, default: ExportProblemTally()].add(example: record(), detail: issue.detail)
    }

    mutating func fix(_ name: String, _ count: Int = 1) {
        guard count > 0 else { return }
        fixes[name, default: 0] += count
    }

    /// Several lines for a terminal: what was written, what was left out and why.
    public var summary: String {
        var lines: [String] = []
        if failedStrict {
            lines.append("Nothing written (--strict): \(grouped(invalid)) invalid record\(invalid == 1 ? "" : "s").")
        } else {
            lines.append("Wrote \(grouped(written)) records (\(megabytes(bytes))) to \(outputPath) in \(String(format: "%.1f", seconds)) s.")
        }
        for part in parts {
            var facts = ["\(grouped(part.records)) read", "\(grouped(part.written)) written"]
            if part.invalid > 0 { facts.append("\(grouped(part.invalid)) invalid") }
            if part.duplicates > 0 { facts.append("\(grouped(part.duplicates)) duplicates of an earlier part dropped") }
            if part.heldOut > 0 { facts.append("\(grouped(part.heldOut)) held out for the benchmark") }
            if part.benchmarkOverlap > 0 { facts.append("\(grouped(part.benchmarkOverlap)) overlapping the benchmark dropped") }
            if part.repeatsWithin > 0 { facts.append("\(grouped(part.repeatsWithin)) repeats within kept") }
            lines.append("  \(part.name): " + facts.joined(separator: ", "))
        }
        if !problems.isEmpty {
            lines.append("Invalid records left out, by problem:")
            lines.append(contentsOf: Self.tallyLines(problems))
        }
        if duplicates.count > 0 {
            lines.append("Duplicates of an earlier part (same image and conversation): \(grouped(duplicates.count))")
            for example in duplicates.examples { lines.append("    \(example)") }
        }
        if !warnings.isEmpty {
            lines.append("Warnings (records written):")
            lines.append(contentsOf: Self.tallyLines(warnings))
        }
        if !fixes.isEmpty {
            lines.append("Normalised: " + fixes.keys.sorted().map { "\($0) \(grouped(fixes[$0] ?? 0))" }.joined(separator: ", "))
        }
        if let benchmarkPath {
            lines.append("Held out \(grouped(benchmarkQuestions)) benchmark questions in \(benchmarkPath).")
        }
        if !failedStrict { lines.append("Manifest: \(manifestPath)") }
        return lines.joined(separator: "\n")
    }

    static func tallyLines(_ tallies: [String: ExportProblemTally]) -> [String] {
        var lines: [String] = []
        for kind in tallies.keys.sorted() {
            guard let tally = tallies[kind] else { continue }
            lines.append("  \(kind): \(grouped(tally.count))")
            for example in tally.examples { lines.append("    \(example)") }
        }
        return lines
    }

    private func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }

    /// The report as JSON (what `--json` prints and the manifest embeds).
    public var json: JSONValue {
        var object = JSONObject()
        object.set("output", .string(outputPath))
        object.set("format", .string(format.rawValue))
        object.set("written", ExportJSON.number(written))
        object.set("bytes", ExportJSON.number(bytes))
        object.set("invalid", ExportJSON.number(invalid))
        object.set("strict_failed", .bool(failedStrict))
        object.set("parts", .array(parts.map(\.json)))
        object.set("by_source", ExportJSON.counts(bySource))
        object.set("by_status", ExportJSON.counts(byStatus))
        object.set("problems", tallies(problems))
        object.set("warnings", tallies(warnings))
        object.set("duplicates", tallies(duplicates.count > 0 ? ["duplicate": duplicates] : [:]))
        object.set("fixes", ExportJSON.counts(fixes))
        if let benchmarkPath {
            object.set("benchmark", .object(JSONObject(keys: ["path", "questions"],
                                                       values: [.string(benchmarkPath), ExportJSON.number(benchmarkQuestions)])))
        }
        object.set("seconds", .number(String(format: "%.3f", seconds)))
        return .object(object)
    }

    private func tallies(_ map: [String: ExportProblemTally]) -> JSONValue {
        let keys = map.keys.sorted()
        return .object(JSONObject(keys: keys, values: keys.map { key in
            let tally = map[key] ?? ExportProblemTally()
            return .object(JSONObject(keys: ["count", "examples"],
                                      values: [ExportJSON.number(tally.count), .array(tally.examples.map { .string($0) })]))
        }))
    }
}

extension ExportProblemTally {
    mutating func add(example record: @autoclosure () -> String, detail: @autoclosure () -> String?) {
        count += 1
        if examples.count < ExportReport.maxExamples {
            let reference = record()
            examples.append(detail().map { "\(reference): \($0)" } ?? reference)
        }
    }
}

extension ExportReport.Part {
    var json: JSONValue {
        var object = JSONObject()
        object.set("name", .string(name))
        object.set("path", .string(path))
        if !sha256.isEmpty { object.set("sha256", .string(sha256)) }
        if bytes > 0 { object.set("bytes", ExportJSON.number(bytes)) }
        object.set("records", ExportJSON.number(records))
        object.set("written", ExportJSON.number(written))
        object.set("invalid", ExportJSON.number(invalid))
        object.set("duplicates_dropped", ExportJSON.number(duplicates))
        object.set("repeats_within", ExportJSON.number(repeatsWithin))
        if heldOut > 0 { object.set("held_out", ExportJSON.number(heldOut)) }
        if benchmarkOverlap > 0 { object.set("benchmark_overlap_dropped", ExportJSON.number(benchmarkOverlap)) }
        return .object(object)
    }
}

enum ExportJSON {
    static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    static func counts(_ dictionary: [String: Int]) -> JSONValue {
        let keys = dictionary.keys.sorted()
        return .object(JSONObject(keys: keys, values: keys.map { number(dictionary[$0] ?? 0) }))
    }
}
