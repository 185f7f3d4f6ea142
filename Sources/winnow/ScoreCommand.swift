import ArgumentParser
import Foundation
import WinnowCore

/// `winnow score`: runs the built-in scorers over the store.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score every item: caption leaks, refusals, truncation, duplicates, images... (docs/scores.md).",
        discussion: """
            Scores are written to the store (one value per item and score) and shown by `winnow stats`, \
            the list pane and filters such as `bad:any`. Re-running replaces the scores it computes. \
            Image files are checked (headers only) for items imported with --images, or with --images here.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("Only these scorers, comma-separated (e.g. caption_leak,refusal).", valueName: "names"))
    var only: String?

    @Option(help: "Scoring threads (default: the number of cores).")
    var threads: Int?

    @Option(help: ArgumentHelp("The image folder for items imported without one.", valueName: "dir"))
    var images: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        var selection: Set<BuiltinScorer>?
        if let only {
            do {
                selection = try BuiltinScorer.parseList(only)
            } catch let error as ScoringError {
                throw ValidationError(error.description)
            }
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be 1 or more.") }
        let options = ScoringOptions(only: selection,
                                     threads: threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount),
                                     imageRoot: images)
        let progress: ((ScoringProgress) -> Void)? = stderrIsInteractive ? { ScoreProgressLine.show($0) } : nil
        let report: ScoringReport = try userFacing {
            let opened = try store.open()
            defer { if progress != nil { ProgressLine.clear() } }
            return try scoring { try Scoring(options: options).scoreAll(store: opened, progress: progress) }
        }
        print(json ? report.json.jsonText : report.summary)
    }
}

/// `winnow scores import|list`: scores computed elsewhere, and what the store holds.
struct ScoresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scores",
        abstract: "Import scores computed elsewhere (CSV, JSONL, Data-Juicer) and list the store's scores.",
        subcommands: [Import.self, List.self])

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import one score (or Data-Juicer's stats) keyed by item id or original id.",
            discussion: """
                CSV: a header with `item` (Winnow ids) or `id` (original ids, plus optional `source` and `model` \
                columns) and a `value` column (or one named after the score). JSONL: {"item": 12, "value": 0.3} or \
                {"id": "x", "source": "s", "value": 0.3}. Data-Juicer: records with a __dj__stats__ object; every \
                numeric stat becomes the score dj.<stat>, records are matched by id, else by image. \
                Importing a score replaces its earlier values. Records naming no item, or several, are reported.
                """)

        @OptionGroup var store: StoreOptions

        @Argument(help: "The score file.")
        var file: String

        @Option(help: "The score's name (required for CSV and JSONL; the prefix of Data-Juicer stats, default dj).")
        var name: String?

        @Option(help: "csv, jsonl or data-juicer (default: from the file).")
        var format: String?

        @Option(help: "The source of records that do not name one (for original ids).")
        var source: String?

        @Flag(help: "Import nothing when a record names no item or several items.")
        var strict = false

        @Flag(help: "Print the report as JSON.")
        var json = false

        func run() throws {
            var options = ExternalScoreOptions(path: file, name: name)
            if let format {
                guard let parsed = ExternalScoreFormat(rawValue: format) else {
                    throw ValidationError("--format must be one of: \(ExternalScoreFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
                }
                options.format = parsed
            }
            options.source = source
            options.strict = strict
            let report: ExternalScoreReport = try userFacing {
                let opened = try store.open()
                return try scoring { try ExternalScores.importFile(store: opened, options: options) }
            }
            if json {
                print(report.json.jsonText)
            } else {
                print(report.summary)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every score in the store: count, range, mean, warn and bad counts.")

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("A threshold profile (TOML) instead of the built-in one.", valueName: "file"))
        var profile: String?

        @Flag(help: "Print JSON.")
        var json = false

        func run() throws {
            let (summaries, used): ([ScoreSummary], ScoreProfile) = try userFacing {
                let chosen = try scoring { try profile.map(ScoreProfile.load) ?? ScoreProfile.builtin }
                return (try store.open(readonly: true).read { db in try ScoreQueries.summaries(db, profile: chosen) }, chosen)
            }
            if json {
                print(JSONValue.object(JSONObject(keys: summaries.map(\.name), values: summaries.map(\.json))).jsonText)
                return
            }
            guard !summaries.isEmpty else {
                print("No scores yet: run `winnow score`.")
                return
            }
            print("score                 items      min       max      mean    warn     bad  thresholds       from")
            for s in summaries {
                let threshold = used.thresholds[s.name]
                var limits = ""
                if let threshold {
                    let sign = threshold.higherIsWorse ? ">=" : "<="
                    limits = [threshold.warn.map { "warn\(sign)\(short($0))" }, threshold.bad.map { "bad\(sign)\(short($0))" }]
                        .compactMap { $0 }.joined(separator: " ")
                }
                print(pad(s.name, 20) + " " + left(grouped(s.count), 7) + " " + left(short(s.min), 8) + " " + left(short(s.max), 9)
                      + " " + left(short(s.mean), 9) + " " + left(grouped(s.warn), 7) + " " + left(grouped(s.bad), 7) + "  "
                      + pad(limits.isEmpty ? "-" : limits, 16) + " " + s.scorer + (s.version.isEmpty ? "" : " " + s.version))
            }
        }

        private func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }

        private func left(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
        }

        private func short(_ value: Double) -> String {
            if value == value.rounded(), abs(value) < 1e12 { return String(Int(value)) }
            return String(format: "%.3g", value)
        }
    }
}

/// Scoring errors as one clean line on stderr.
func scoring<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ScoringError {
        throw CleanExit.failure(error.description)
    }
}

/// The scoring progress line: items per phase, or the index build's estimated share.
enum ScoreProgressLine {
    static func show(_ progress: ScoringProgress) {
        if let percent = progress.percent {
            ProgressLine.write("\(progress.phase): \(percent) %")
        } else {
            ProgressLine.write(progress.total > 0
                ? "\(progress.phase): \(grouped(progress.done)) / \(grouped(progress.total)) items"
                : "\(progress.phase)…")
        }
    }
}
