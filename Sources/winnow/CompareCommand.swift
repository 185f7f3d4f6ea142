import ArgumentParser
import Foundation
import WinnowCore
import WinnowTerminal
import WinnowTUI

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Judge two models' answers side by side, blind (MM-Instruct's pairwise benchmark), and report the results.",
        discussion: """
            winnow compare --a MODEL --b MODEL [--both-orders]   open the pairwise view
            winnow compare --report [--json] [--a M --b M]        wins, ties, losses with bootstrap intervals
            winnow compare --import-verdicts FILE [--json]        an automatic judge's agreement with people
            See docs/compare.md.
            """)

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("a"), help: ArgumentHelp("Model A (a model name of the imported answers).", valueName: "model"))
    var modelA: String?

    @Option(name: .customLong("b"), help: ArgumentHelp("Model B.", valueName: "model"))
    var modelB: String?

    @Flag(help: "Show each pair twice, the second time swapped and far apart; the protocol rule scores the two verdicts.")
    var bothOrders = false

    @Option(help: "The seed of the blind order for a new comparison (default: random, recorded in the store).")
    var seed: UInt64?

    @Option(help: "Your name in the judgment log (default: $WINNOW_REVIEWER, else the login name).")
    var reviewer: String?

    @Option(help: "A theme name (dark, light, high-contrast, mono) or a theme file.")
    var theme: String = "dark"

    @Option(help: ArgumentHelp("A keymap file applied over the default keys (its compare context; see docs/keys.md).", valueName: "file"))
    var keymap: String?

    @Option(help: "Preview colours: truecolor, 256, 16 or none (default: what the terminal shows).")
    var previewColors: String?

    @Flag(help: "Print wins, ties and losses per model pair instead of opening the view.")
    var report = false

    @Option(name: .customLong("import-verdicts"), help: ArgumentHelp("Read an automatic judge's verdicts (JSON Lines) and report its agreement with the reviewers.", valueName: "file"))
    var importVerdicts: String?

    @Flag(help: "With --report or --import-verdicts: one JSON object.")
    var json = false

    @Option(help: "With --report: group by category, instruction, none, or auto (category when there are several).")
    var by: String = "auto"

    @Option(help: "Bootstrap resamples for the confidence intervals.")
    var resamples: Int = 1000

    @Option(help: "The bootstrap's seed (reports are reproducible).")
    var bootstrapSeed: UInt64 = 1

    func validate() throws {
        if report && importVerdicts != nil {
            throw ValidationError("Give --report or --import-verdicts, not both.")
        }
        if (modelA == nil) != (modelB == nil) {
            throw ValidationError("Give both --a MODEL and --b MODEL.")
        }
        if !report && importVerdicts == nil && modelA == nil {
            throw ValidationError("Give --a MODEL --b MODEL to judge pairs, --report for the results, or --import-verdicts FILE.")
        }
        if CompareGrouping(rawValue: by) == nil {
            throw ValidationError("--by takes \(CompareGrouping.allCases.map(\.rawValue).joined(separator: ", ")); got \(by).")
        }
        if resamples < 0 || resamples > 1_000_000 {
            throw ValidationError("--resamples must be between 0 and 1000000.")
        }
        if let previewColors, PreviewColors(rawValue: previewColors) == nil {
            throw ValidationError("--preview-colors takes truecolor, 256, 16 or none; got \(previewColors).")
        }
    }

    var models: (String, String)? {
        guard let modelA, let modelB else { return nil }
        return (modelA, modelB)
    }

    var bootstrap: Bootstrap { Bootstrap(resamples: resamples, seed: bootstrapSeed) }

    func run() throws {
        if report { return try printReport() }
        if let importVerdicts { return try printAgreement(importVerdicts) }
        try openView()
    }

    func printReport() throws {
        let opened = try userFacing { try store.open() }
        let result = try compareFacing {
            try opened.read { db in
                try CompareReport.make(db, models: models, grouping: CompareGrouping(rawValue: by) ?? .auto, bootstrap: bootstrap)
            }
        }
        print(json ? result.json.jsonText : result.text)
    }

    func printAgreement(_ path: String) throws {
        let opened = try userFacing { try store.open() }
        let agreement = try compareFacing { () -> VerdictAgreement in
            let (a, b) = try models ?? inferredModels(path, store: opened)
            let verdicts = try JudgeVerdicts.read(path: path, modelA: a, modelB: b)
            return try opened.read { db in
                try VerdictAgreement.make(db, path: path, verdicts: verdicts, modelA: a, modelB: b, bootstrap: bootstrap)
            }
        }
        print(json ? agreement.json.jsonText : agreement.text)
    }

    /// The two models a verdict file names, oriented as the store's comparison of them.
    func inferredModels(_ path: String, store: Store) throws -> (String, String) {
        let names = try JudgeVerdicts.modelNames(path: path).sorted()
        guard names.count == 2 else {
            throw ValidationError(names.isEmpty
                ? "\(path) does not name its models (model_a, model_b); give --a MODEL --b MODEL."
                : "\(path) names \(names.count) models (\(names.joined(separator: ", "))); give --a MODEL --b MODEL to choose two.")
        }
        let oriented = try store.read { db in
            try CompareReport.make(db, models: nil, bootstrap: Bootstrap(resamples: 0)).pairs
                .first { Set([$0.modelA, $0.modelB]) == Set(names) }.map { ($0.modelA, $0.modelB) }
        }
        return oriented ?? (names[0], names[1])
    }

    func openView() throws {
        guard let (a, b) = models else { return }
        let loadedTheme: Theme
        let loadedKeymap: Keymap
        do {
            loadedTheme = try Theme.load(theme, themesDirectory: ReviewCommand.themesDirectory())
            if let keymap {
                let text = try String(contentsOfFile: keymap, encoding: .utf8)
                loadedKeymap = try Keymap.parse(text, file: keymap, base: .default)
            } else {
                loadedKeymap = .default
            }
        } catch {
            throw CleanExit.failure("\(error)")
        }
        let name = reviewer ?? Reviewer.defaultName()
        let opened = try userFacing { try store.open() }
        let state = try compareFacing { () -> CompareState in
            let pairs = try opened.read { db in try ComparePairs.build(db, a: a, b: b) }
            guard !pairs.pairs.isEmpty else { throw CompareError.noPairs(a: a, b: b) }
            let plan = try opened.write { db in try ComparePlan.open(db, a: a, b: b, reviewer: name, seed: seed) }
            let (verdicts, notes) = try opened.read { db in
                (try Judgments.active(db, reviewer: name, modelA: a, modelB: b),
                 try Judgments.noteCounts(db, reviewer: name, modelA: a, modelB: b))
            }
            return CompareState(width: 80, height: 24, reviewer: name, pairs: pairs, plan: plan, bothOrders: bothOrders,
                                verdicts: verdicts, notes: notes)
        }
        let terminal: Terminal
        do {
            terminal = try Terminal()
        } catch {
            throw CleanExit.failure("\(error)")
        }
        let app = CompareApp(store: opened, state: state,
                             options: CompareApp.Options(theme: loadedTheme, keymap: loadedKeymap,
                                                         previewColors: previewColors.flatMap(PreviewColors.init(rawValue:))),
                             terminal: terminal)
        app.run()
        terminal.close()
        for line in state.pairs.missingSummary {
            FileHandle.standardError.write(Data("winnow: \(line)\n".utf8))
        }
        let final = app.state
        print("\(final.judgedCount) of \(final.showings.count) showings judged by \(name) (\(a) vs \(b), seed \(final.plan.seed)). `winnow compare --report` sums up.")
    }
}

/// Turns comparison errors (and the store's) into one clean line on stderr and exit code 1.
func compareFacing<T>(_ body: () throws -> T) throws -> T {
    do {
        return try userFacing(body)
    } catch let error as CompareError {
        throw CleanExit.failure(error.description)
    }
}
