import Foundation

/// The scoring benchmark behind `winnow bench score`: builds (or reuses) a store of
/// generated LLaVA-mix-like and MM-Instruct-like items and times a full scoring run with
/// every text scorer, the duplicate pass and image reuse (image files are measured apart).
public enum ScoringBench {
    public struct Result: Sendable {
        public var items: Int
        public var rows: Int
        public var seconds: Double
        public var threads: Int
        /// Time spent generating and importing the data (0 when the store existed).
        public var prepareSeconds: Double

        public var itemsPerSecond: Double { seconds > 0 ? Double(items) / seconds : 0 }

        public var summary: String {
            String(format: "score: %@ items, %@ score rows in %.2f s on %d threads: %@ items/s",
                   grouped(items), grouped(rows), seconds, threads, grouped(Int(itemsPerSecond.rounded())))
        }

        public var json: JSONValue {
            .object(JSONObject(keys: ["items", "rows", "seconds", "threads", "items_per_second", "prepare_seconds"],
                               values: [.number(String(items)), .number(String(rows)), .number(rounded(seconds)),
                                        .number(String(threads)), .number(String(Int(itemsPerSecond.rounded()))),
                                        .number(rounded(prepareSeconds))]))
        }
    }

    /// Makes `directory/score-bench.sqlite` with `llava` + `mmInstruct` generated items
    /// unless it already holds that many, then scores it.
    ///
    /// - Parameters:
    ///   - directory: where the data files and the store go (created if needed).
    ///   - runs: scoring runs; the fastest is reported (the first also warms the page cache).
    public static func run(directory: String, llava: Int = 665_298, mmInstruct: Int = 234_000, threads: Int = 2,
                           runs: Int = 1, seed: UInt64 = 1, progress: ((String) -> Void)? = nil) throws -> Result {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let storePath = (directory as NSString).appendingPathComponent("score-bench.sqlite")
        let started = Date()
        var store = try Store(path: storePath)
        let existing = try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM items") ?? 0 }
        var prepared = 0.0
        if existing != llava + mmInstruct {
            store = try rebuild(storePath: storePath, directory: directory, llava: llava, mmInstruct: mmInstruct,
                                seed: seed, progress: progress)
            prepared = Date().timeIntervalSince(started)
        }
        return try measure(store: store, threads: threads, runs: runs, prepareSeconds: prepared, progress: progress)
    }

    /// Times full scoring runs of an existing store; the fastest run is reported.
    public static func measure(store: Store, threads: Int = 2, runs: Int = 1, prepareSeconds: Double = 0,
                               progress: ((String) -> Void)? = nil) throws -> Result {
        var best: ScoringReport?
        let text = ScorerSelection.textAndCorpus
        for run in 0..<max(1, runs) {
            progress?("scoring run \(run + 1)")
            let report = try Scoring(options: ScoringOptions(only: text, threads: threads)).scoreAll(store: store)
            if best == nil || report.seconds < (best?.seconds ?? 0) { best = report }
        }
        let report = best ?? ScoringReport()
        return Result(items: report.items, rows: report.rows, seconds: report.seconds, threads: threads,
                      prepareSeconds: prepareSeconds)
    }

    private static func rebuild(storePath: String, directory: String, llava: Int, mmInstruct: Int, seed: UInt64,
                                progress: ((String) -> Void)?) throws -> Store {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: storePath + suffix) }
        let store = try Store(path: storePath)
        let generator = BenchDataGenerator(seed: seed)
        for (name, count, isLLaVA) in [("score-bench-llava.json", llava, true), ("score-bench-mm.json", mmInstruct, false)] where count > 0 {
            let path = (directory as NSString).appendingPathComponent(name)
            progress?("generating \(name)")
            if isLLaVA { _ = try generator.writeLLaVAMix(to: path, count: count) } else { _ = try generator.writeMMInstruct(to: path, count: count) }
            progress?("importing \(name)")
            _ = try Importer(store: store).run(ImportOptions(path: path))
            try? FileManager.default.removeItem(atPath: path)
        }
        return store
    }
}

/// Named sets of scorers.
public enum ScorerSelection {
    /// Every built-in scorer.
    public static let all = Set(BuiltinScorer.allCases)
    /// Every scorer that reads only the store (no image files).
    public static var textAndCorpus: Set<BuiltinScorer> { all.filter { $0.kind != .image } }
}
