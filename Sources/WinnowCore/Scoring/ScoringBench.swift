import Foundation

/// The scoring benchmark behind `winnow bench score`: builds (or reuses) a store of
/// generated LLaVA-mix-like and MM-Instruct-like items and times full scoring runs with
/// every text scorer, the duplicate pass and image reuse (image files are measured apart).
///
/// Two cases are timed: the first scoring of a store without scores (what `winnow import`
/// does after a big import; the scores are deleted before each such run, untimed) and
/// re-scoring a scored store (`winnow score` again: every row is replaced).
public enum ScoringBench {
    public struct Result: Sendable {
        public var items: Int
        public var rows: Int
        /// Wall time of the fastest first scoring.
        public var seconds: Double
        /// Process CPU time of that run (all threads).
        public var cpuSeconds: Double
        /// Wall and CPU time of the fastest re-scoring (0 when not run).
        public var rescoreSeconds: Double
        public var rescoreCPUSeconds: Double
        public var threads: Int
        /// Time spent preparing the store (generating and importing the data when it was not there).
        public var prepareSeconds: Double

        public var itemsPerSecond: Double { seconds > 0 ? Double(items) / seconds : 0 }
        public var rescoreItemsPerSecond: Double { rescoreSeconds > 0 ? Double(items) / rescoreSeconds : 0 }

        public var summary: String {
            var lines = [String(format: "first scoring: %@ items, %@ score rows in %.2f s (CPU %.1f s) on %d threads: %@ items/s",
                                grouped(items), grouped(rows), seconds, cpuSeconds, threads, grouped(Int(itemsPerSecond.rounded())))]
            if rescoreSeconds > 0 {
                lines.append(String(format: "re-scoring:    %@ items, %@ score rows in %.2f s (CPU %.1f s) on %d threads: %@ items/s",
                                    grouped(items), grouped(rows), rescoreSeconds, rescoreCPUSeconds, threads,
                                    grouped(Int(rescoreItemsPerSecond.rounded()))))
            }
            return lines.joined(separator: "\n")
        }

        public var json: JSONValue {
            .object(JSONObject(keys: ["items", "rows", "seconds", "cpu_seconds", "items_per_second", "rescore_seconds",
                                      "rescore_cpu_seconds", "rescore_items_per_second", "threads", "prepare_seconds"],
                               values: [.number(String(items)), .number(String(rows)), .number(rounded(seconds)),
                                        .number(rounded(cpuSeconds)), .number(String(Int(itemsPerSecond.rounded()))),
                                        .number(rounded(rescoreSeconds)), .number(rounded(rescoreCPUSeconds)),
                                        .number(String(Int(rescoreItemsPerSecond.rounded()))),
                                        .number(String(threads)), .number(rounded(prepareSeconds))]))
        }
    }

    /// Makes `directory/score-bench.sqlite` with `llava` + `mmInstruct` generated items
    /// unless it already holds that many, then scores it.
    ///
    /// - Parameters:
    ///   - directory: where the data files and the store go (created if needed).
    ///   - runs: runs of each case; the fastest is reported (the first also warms the page cache).
    ///   - rescore: also time re-scoring the scored store.
    public static func run(directory: String, llava: Int = 665_298, mmInstruct: Int = 234_000, threads: Int = 2,
                           runs: Int = 1, rescore: Bool = true, seed: UInt64 = 1,
                           progress: ((String) -> Void)? = nil) throws -> Result {
        let started = Date()
        let store = try prepare(directory: directory, llava: llava, mmInstruct: mmInstruct, seed: seed, progress: progress)
        return try measure(store: store, threads: threads, runs: runs, rescore: rescore,
                           prepareSeconds: Date().timeIntervalSince(started), progress: progress)
    }

    /// The benchmark store `directory/score-bench.sqlite`, made from `llava` + `mmInstruct`
    /// generated items unless it already holds that many.
    public static func prepare(directory: String, llava: Int = 665_298, mmInstruct: Int = 234_000, seed: UInt64 = 1,
                               progress: ((String) -> Void)? = nil) throws -> Store {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let storePath = (directory as NSString).appendingPathComponent("score-bench.sqlite")
        let store = try Store(path: storePath)
        let existing = try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM items") ?? 0 }
        guard existing != llava + mmInstruct else { return store }
        return try rebuild(storePath: storePath, directory: directory, llava: llava, mmInstruct: mmInstruct,
                           seed: seed, progress: progress)
    }

    /// Times full scoring runs of an existing store: first scorings (its scores are deleted
    /// before each, untimed) and, with `rescore`, re-scorings; the fastest of each is reported.
    public static func measure(store: Store, threads: Int = 2, runs: Int = 1, rescore: Bool = true,
                               prepareSeconds: Double = 0, progress: ((String) -> Void)? = nil) throws -> Result {
        let options = ScoringOptions(only: ScorerSelection.textAndCorpus, threads: threads)
        func timed() throws -> (ScoringReport, Double) {
            let cpu = PhaseClock.processCPU()
            let report = try Scoring(options: options).scoreAll(store: store)
            return (report, PhaseClock.processCPU() - cpu)
        }
        var first: (ScoringReport, Double)?
        var again: (ScoringReport, Double)?
        for run in 0..<max(1, runs) {
            progress?("deleting the scores")
            try store.pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA secure_delete = OFF")
                // With foreign keys on, SQLite deletes the rows one by one (a minute for 12.8
                // million); off, it empties the table at once (under a second). Scores are
                // not the parent of any key.
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
                try db.inTransaction {
                    try db.execute(sql: "DELETE FROM scores")
                    try db.execute(sql: "DELETE FROM scored_items")
                    return .commit
                }
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
            progress?("first scoring, run \(run + 1)")
            let measured = try timed()
            if first == nil || measured.0.seconds < (first?.0.seconds ?? 0) { first = measured }
            if rescore {
                progress?("re-scoring, run \(run + 1)")
                let measured = try timed()
                if again == nil || measured.0.seconds < (again?.0.seconds ?? 0) { again = measured }
            }
        }
        let report = first?.0 ?? ScoringReport()
        return Result(items: report.items, rows: report.rows, seconds: report.seconds, cpuSeconds: first?.1 ?? 0,
                      rescoreSeconds: again?.0.seconds ?? 0, rescoreCPUSeconds: again?.1 ?? 0, threads: threads,
                      prepareSeconds: prepareSeconds)
    }

    /// Where a scoring thread's time goes: the CPU microseconds per item of reading items and
    /// of each text scorer alone (each includes tokenising, `tokenise + fingerprints` is that
    /// part alone), over about `items` items taken in ranges spread over the store, on one thread.
    public static func profile(store: Store, items count: Int = 50_000) throws -> [(String, Double)] {
        var items: [LoadedItem] = []
        let started = PhaseClock.threadCPU()
        try store.read { db in
            let high = try Int64.fetchOne(db, sql: "SELECT max(id) FROM items") ?? 0
            let ranges = Int64(max(1, count / 2048))
            let stride = max(2048, (high + 1) / ranges)
            var low: Int64 = 0
            while items.count < count, low <= high {
                items += try ItemLoader.load(db, range: low..<(low + 2048), importId: nil, onlyTargets: true)
                low += stride
            }
        }
        guard !items.isEmpty else { return [] }
        var lines = [("read and decode items", (PhaseClock.threadCPU() - started) / Double(items.count) * 1e6)]
        let scorer = TextScorer()
        let text = BuiltinScorer.allCases.filter { $0.kind == .text }
        let cases: [(String, Set<BuiltinScorer>, Bool)] = [("all text scorers + fingerprints", Set(text), true),
                                                           ("tokenise + fingerprints", [], true)]
            + text.map { ($0.rawValue, [$0], false) }
        for (name, only, fingerprints) in cases {
            var emitted = 0
            var fingerprint = Fingerprint()
            let start = PhaseClock.threadCPU()
            for item in items {
                withUnsafeMutablePointer(to: &fingerprint) { pointer in
                    scorer.score(item.input, only: only, fingerprint: fingerprints ? pointer : nil) { _ in emitted += 1 }
                }
            }
            lines.append((name, (PhaseClock.threadCPU() - start) / Double(items.count) * 1e6))
        }
        return lines
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
