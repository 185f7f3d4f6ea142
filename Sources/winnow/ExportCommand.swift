import ArgumentParser
import Foundation
import WinnowCore

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the curated training file (LLaVA conversation JSON), validated so training cannot fail on it.",
        discussion: """
            Exports the items the filter selects (default: status:accepted) with their edits applied, \
            then streams every --combine file through the same normalisation and validation. Invalid \
            records are left out and reported by kind (--strict: nothing is written). The output and \
            OUT.manifest.json appear complete or not at all. See docs/export.md.

            Examples:
              winnow export --out curated.json
              winnow export --out train.json --combine llava_v1_5_mix665k.json --images /data/llava
              winnow export --out train.json --filter 'status:accepted and not bad:any' --shuffle --seed 7
              winnow export --benchmark 300 --benchmark-out eval-questions.jsonl --seed 7 --out train.json
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The training file to write.", valueName: "file"))
    var out: String

    @Option(help: "json (one array, one record per line) or jsonl (default: from the extension of --out).")
    var format: String?

    @Option(help: ArgumentHelp("Which items to export (default: status:accepted).", valueName: "filter"))
    var filter: String = ""

    @Option(parsing: .upToNextOption,
            help: ArgumentHelp("LLaVA conversation files (JSON array or JSONL) to append, validated the same way.", valueName: "file"))
    var combine: [String] = []

    @Option(help: ArgumentHelp("The training image folder: check that every image exists there, has a readable header and the format its extension says.", valueName: "dir"))
    var images: String?

    @Flag(name: .customLong("check-decode"), help: "With --images, also decode every image (slow).")
    var checkDecode = false

    @Option(name: .customLong("image-prefix"), help: ArgumentHelp("Prepended to the image paths of store items that no --image-map matched.", valueName: "prefix"))
    var imagePrefix: String?

    @Option(name: .customLong("image-map"), help: ArgumentHelp("Replace the leading OLD of image paths with NEW (repeatable; the first match applies; all records).", valueName: "old=new"))
    var imageMap: [String] = []

    @Flag(name: .customLong("unique-ids"), help: "Make ids unique: the n-th use of id x (n ≥ 2) becomes \"x#n\".")
    var uniqueIds = false

    @Flag(help: "Add winnow_item, source and record_index keys (training ignores them).")
    var provenance = false

    @Flag(help: "Fail, writing nothing, when any record is invalid.")
    var strict = false

    @Flag(name: .customLong("keep-duplicates"), help: "Keep records that repeat a record of an earlier part (same image and conversation).")
    var keepDuplicates = false

    @Flag(help: "Write the records in a random order given by --seed.")
    var shuffle = false

    @Option(help: "Seed of --shuffle and --benchmark (default 0).")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Hold out this many accepted image items as evaluation questions.", valueName: "n"))
    var benchmark: Int = 0

    @Option(name: .customLong("benchmark-out"), help: ArgumentHelp("Where the held-out questions go (MM-Instruct question JSONL).", valueName: "file"))
    var benchmarkOut: String?

    @Flag(name: .customLong("no-fix-tokens"), help: "Do not move <image> tokens; records without exactly one in the first human turn are invalid.")
    var noFixTokens = false

    @Option(name: .customLong("warn-tokens"), help: "Warn about records longer than this many estimated tokens.")
    var warnTokens: Int = 2048

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        var formatValue: ExportFormat?
        if let format {
            guard let parsed = ExportFormat(rawValue: format) else {
                throw ValidationError("--format must be one of: \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            formatValue = parsed
        }
        var options = ExportOptions(outputPath: out, format: formatValue)
        options.filter = filter
        options.combine = combine
        options.imageRoot = images
        options.checkDecode = checkDecode
        options.imagePrefix = imagePrefix
        options.uniqueIds = uniqueIds
        options.provenance = provenance
        options.strict = strict
        options.keepDuplicates = keepDuplicates
        options.shuffle = shuffle
        options.seed = seed
        options.benchmarkCount = benchmark
        options.benchmarkPath = benchmarkOut
        options.fixImageTokens = !noFixTokens
        options.warnTokens = warnTokens
        if checkDecode && images == nil {
            throw ValidationError("--check-decode needs --images DIR (the training image folder).")
        }

        let report: ExportReport
        do {
            options.imageMaps = try imageMap.map { text throws(ExportError) in try ImagePathMap(parsing: text) }
            report = try userFacing {
                let exporter = Exporter(store: try store.open(readonly: true))
                if stderrIsInteractive { exporter.onProgress = ExportProgressLine.show }
                defer { if stderrIsInteractive { ProgressLine.clear() } }
                return try exporter.run(options)
            }
        } catch let error as ExportError {
            throw CleanExit.failure(error.description)
        }
        if json {
            print(report.json.jsonText)
        } else {
            print(report.summary)
        }
    }
}

/// The export's progress line: records and MB written, rate and time.
enum ExportProgressLine {
    static func show(_ progress: ExportProgress) {
        var line = "\(progress.phase): \(grouped(progress.records))"
        if let total = progress.totalRecords { line += "/\(grouped(total))" }
        line += " records"
        if progress.totalBytes > 0 {
            let megabytes = Double(progress.bytesRead) / 1_048_576
            let rate = progress.elapsed > 0 ? megabytes / progress.elapsed : 0
            line += String(format: "  %.0f/%.0f MB  %.1f MB/s", megabytes, Double(progress.totalBytes) / 1_048_576, rate)
        }
        line += String(format: "  %.0fs", progress.elapsed)
        ProgressLine.write(line)
    }
}
