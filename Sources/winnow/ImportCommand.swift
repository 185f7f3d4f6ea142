import ArgumentParser
import Foundation
import WinnowCore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a LLaVA, MM-Instruct or other instruction/answer file into the store.",
        discussion: """
            All or nothing: a bad record stops the import with its file, line and column, and the \
            store stays as it was (unless --skip-invalid). Re-importing an unchanged file does nothing; \
            a changed one is updated in place, keeping every decision and edit. The items added or changed \
            are then scored (as `winnow score` does; duplicates over the whole store) unless --no-score.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The file: a JSON array or JSON Lines.")
    var file: String

    @Option(help: "auto, llava, mm-instruct or mapped.")
    var format: String = "auto"

    @Option(help: "The source name (default: the file name without extension).")
    var source: String?

    @Option(help: ArgumentHelp("The folder the records' image paths are relative to.", valueName: "dir"))
    var images: String?

    @Option(help: ArgumentHelp("An MM-Instruct answer file to join by question_id; repeat per model.", valueName: "file"))
    var answers: [String] = []

    @Option(help: ArgumentHelp("The model name of the answer file in the same position (default: its file name).", valueName: "name"))
    var model: [String] = []

    @Option(help: ArgumentHelp("A side file of {\"image\", \"caption\"} records.", valueName: "file"))
    var captions: String?

    @Option(help: ArgumentHelp("Field names for other layouts, e.g. id=id,image=image,instruction=instruction,answer=output.", valueName: "fields"))
    var map: String?

    @Option(name: .customLong("skip-invalid"), help: ArgumentHelp("Import the valid records; write each rejected one with its reason to this JSONL file.", valueName: "file"))
    var skipInvalid: String?

    @Option(help: "Who is importing (default: the login name).")
    var reviewer: String?

    @Flag(name: .customLong("no-score"), help: "Do not score the imported items (run `winnow score` later).")
    var noScore = false

    @Flag(help: "Print the report as JSON (with a \"scoring\" object when the items were scored).")
    var json = false

    func run() throws {
        guard let format = ImportFormat(rawValue: format) else {
            throw ValidationError("--format must be one of: \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        var options = ImportOptions(path: file)
        options.format = format
        options.source = source
        options.imageRoot = images
        options.answers = answers
        options.models = model
        options.captions = captions
        options.rejectsPath = skipInvalid
        options.reviewer = reviewer ?? Reviewer.defaultName()
        let (report, opened): (ImportReport, Store) = try userFacing {
            if let map { options.fieldMap = try FieldMap(parsing: map) }
            let opened = try store.open()
            let importer = Importer(store: opened)
            if stderrIsInteractive { importer.onProgress = ImportProgressLine.show }
            defer { if stderrIsInteractive { ProgressLine.clear() } }
            return (try importer.run(options), opened)
        }
        // The import is committed: a scoring failure is reported, not undone.
        var scored: ScoringReport?
        var scoringFailure: String?
        if !noScore, !report.noOp, let importId = report.importId,
           report.added + report.changed + report.removed > 0 {
            let progress: ((ScoringProgress) -> Void)? = stderrIsInteractive ? { ScoreProgressLine.show($0) } : nil
            defer { if progress != nil { ProgressLine.clear() } }
            do {
                let threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
                scored = try Scoring.scoreImported(store: opened, importId: importId,
                                                   options: ScoringOptions(threads: threads), progress: progress)
            } catch {
                scoringFailure = "The import is complete, but scoring failed (\(error)); run `winnow score`."
            }
        }
        if json {
            var object = report.json
            if let scored, case var .object(fields) = object {
                fields.set("scoring", scored.json)
                object = .object(fields)
            }
            print(object.jsonText)
        } else {
            print(report.summary)
            if let scored { print(scored.importSummary) }
        }
        if let scoringFailure { FileHandle.standardError.write(Data("winnow: \(scoringFailure)\n".utf8)) }
        for warning in report.warnings.prefix(20) {
            FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
        }
        if report.warnings.count > 20 {
            FileHandle.standardError.write(Data("warning: … and \(report.warnings.count - 20) more\n".utf8))
        }
        if scoringFailure != nil { throw ExitCode.failure }
    }
}

/// The import's progress line: records, MB/s and time left while reading, then the phase.
enum ImportProgressLine {
    static func show(_ progress: ImportProgress) {
        if let phase = progress.phase {
            ProgressLine.write("\(grouped(progress.records)) records read; \(phase)…")
            return
        }
        let megabytes = Double(progress.bytesRead) / 1_048_576
        let rate = progress.elapsed > 0 ? megabytes / progress.elapsed : 0
        let remaining = rate > 0 ? (Double(progress.totalBytes - progress.bytesRead) / 1_048_576) / rate : 0
        ProgressLine.write(String(format: "%@ records  %.0f/%.0f MB  %.1f MB/s  ETA %.0fs",
                                  grouped(progress.records), megabytes, Double(progress.totalBytes) / 1_048_576, rate, remaining))
    }
}
