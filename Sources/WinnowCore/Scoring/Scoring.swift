import Foundation
import GRDB

/// What to score and how.
public struct ScoringOptions: Sendable {
    /// The scorers to run (nil = all built-in scorers).
    public var only: Set<BuiltinScorer>?
    /// Scoring threads (the store is read by each and written by the calling thread).
    public var threads: Int
    /// The image folder for items imported without one (`--images`). Items with neither are
    /// not given an `image` score (counted in ``ScoringReport/imagesSkipped``).
    public var imageRoot: String?
    /// Items per unit of work (by id range).
    public var chunk: Int
    /// From how many scored items on the value index is dropped and built again after the run
    /// instead of kept up to date row by row (lowered by tests).
    var indexRebuildMinimum = 20_000
    /// Items per block of corpus rows (made on one core while the block before is written on
    /// the other; lowered by tests).
    var corpusBlock = 50_000

    public init(only: Set<BuiltinScorer>? = nil, threads: Int = 2, imageRoot: String? = nil, chunk: Int = 2048) {
        self.only = only
        self.threads = max(1, threads)
        self.imageRoot = imageRoot
        self.chunk = max(64, chunk)
    }

    func wants(_ scorer: BuiltinScorer) -> Bool { only?.contains(scorer) ?? true }

    var selected: [BuiltinScorer] { BuiltinScorer.allCases.filter(wants) }
}

/// Where a scoring run is.
public struct ScoringProgress: Sendable {
    /// "scoring", "duplicates" (the search, then its rows written), "building the score index".
    public var phase: String
    /// Items done of `total`; `total` is 0 in a phase without a count.
    public var done: Int
    public var total: Int
    /// For the score index, which has no item count: the estimated share built, 0–99 while
    /// it is built (an estimate can run out early), then 100.
    public var percent: Int?

    public init(phase: String, done: Int, total: Int, percent: Int? = nil) {
        self.phase = phase
        self.done = done
        self.total = total
        self.percent = percent
    }
}

/// What a scoring run did.
public struct ScoringReport: Equatable, Sendable {
    /// Items scored.
    public var items = 0
    /// Score values computed, the zeros that are not rows included (see ``ImplicitZeros``).
    public var values = 0
    /// Score rows written.
    public var rows = 0
    public var seconds = 0.0
    /// Images whose headers were read.
    public var imagesChecked = 0
    /// Items with an image but no known image folder.
    public var imagesSkipped = 0
    /// Items at warn (not bad) and at bad level per score, by the built-in profile; of the
    /// items scored (an import's items, even though duplicates are rewritten for every item).
    public var warn: [String: Int] = [:]
    public var bad: [String: Int] = [:]

    public var itemsPerSecond: Double { seconds > 0 ? Double(items) / seconds : 0 }

    public var json: JSONValue {
        func counts(_ d: [String: Int]) -> JSONValue {
            let keys = d.keys.sorted()
            return .object(JSONObject(keys: keys, values: keys.map { .number(String(d[$0] ?? 0)) }))
        }
        return .object(JSONObject(
            keys: ["items", "scores", "rows", "seconds", "items_per_second", "images_checked", "images_skipped", "warn", "bad"],
            values: [.number(String(items)), .number(String(values)), .number(String(rows)), .number(rounded(seconds)),
                     .number(String(Int(itemsPerSecond.rounded()))), .number(String(imagesChecked)),
                     .number(String(imagesSkipped)), counts(warn), counts(bad)]))
    }

    /// One line for `winnow import`: what was scored and how many items are flagged per score.
    ///
    /// `Scored 120 items in 0.4 s: bad caption_leak 3, refusal 1; warn ungrounded 7.`
    public var importSummary: String {
        func list(_ counts: [String: Int]) -> String {
            counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.key) \(grouped($0.value))" }
                .joined(separator: ", ")
        }
        let bad = list(self.bad)
        let warn = list(self.warn)
        var line = String(format: "Scored %@ items in %.1f s: ", grouped(items), seconds)
        if bad.isEmpty, warn.isEmpty {
            line += "nothing at warn or bad."
        } else {
            line += [bad.isEmpty ? nil : "bad " + bad, warn.isEmpty ? nil : "warn " + warn].compactMap { $0 }
                .joined(separator: "; ") + "."
        }
        if imagesSkipped > 0 {
            line += " \(grouped(imagesSkipped)) images not checked (no --images folder)."
        }
        return line
    }

    public var summary: String {
        var lines = [String(format: "Scored %@ items (%@ scores, %@ rows) in %.1f s, %@ items/s.", grouped(items), grouped(values), grouped(rows),
                            seconds, grouped(Int(itemsPerSecond.rounded())))]
        let names = Set(warn.keys).union(bad.keys).filter { (warn[$0] ?? 0) + (bad[$0] ?? 0) > 0 }.sorted()
        for name in names {
            lines.append("  \(name.padding(toLength: 18, withPad: " ", startingAt: 0)) bad \(grouped(bad[name] ?? 0)), warn \(grouped(warn[name] ?? 0))")
        }
        if imagesSkipped > 0 {
            lines.append("\(grouped(imagesSkipped)) items have an image but no image folder: pass --images DIR to check their files.")
        }
        return lines.joined(separator: "\n")
    }
}

/// Runs the built-in scorers over a store.
///
/// ```swift
/// let report = try Scoring(options: ScoringOptions(threads: 2)).scoreAll(store: store)
/// try store.write { db in try Scoring.score(db, items: [42]) }   // after an edit
/// ```
public final class Scoring: Sendable {
    public let options: ScoringOptions

    public init(options: ScoringOptions = ScoringOptions()) {
        self.options = options
    }

    /// Scores every live item: the text and image scorers in parallel over id ranges, then
    /// duplicates and image reuse over the whole store.
    public func scoreAll(store: Store, threads: Int? = nil, progress: ((ScoringProgress) -> Void)? = nil) throws -> ScoringReport {
        var options = self.options
        if let threads { options.threads = max(1, threads) }
        return try ScoringRun(store: store, options: options, importId: nil, progress: progress).run()
    }

    /// Scores the items a given import added or changed; duplicates and image reuse are
    /// recomputed for the whole store (new items can be the nearest duplicate of old ones).
    /// For `winnow import` (unless `--no-score`).
    public static func scoreImported(store: Store, importId: Int64, options: ScoringOptions = ScoringOptions(),
                                     progress: ((ScoringProgress) -> Void)? = nil) throws -> ScoringReport {
        try ScoringRun(store: store, options: options, importId: importId, progress: progress).run()
    }

    /// Re-scores these items inside the caller's transaction (after an edit). Duplicates are
    /// looked up through the full-text index; other items' scores are left as they are.
    public static func score(_ db: Database, items: [Int64], options: ScoringOptions = ScoringOptions()) throws {
        try SingleItemScoring(db: db, options: options).run(items)
    }
}

// MARK: - Loading

/// An item as the scoring threads read it.
struct LoadedItem {
    var input: ScoreInput
    var imageRoot: String?
    /// `items.orig_id` (JSON text), for duplicate details.
    var origId: String?
    /// False for items only read for their duplicate fingerprints.
    var target: Bool
}

enum ItemLoader {
    /// The live items with ids in `range`, with their current conversations.
    static func load(_ db: Database, range: Range<Int64>, importId: Int64?, onlyTargets: Bool) throws -> [LoadedItem] {
        var items: [LoadedItem] = []
        var edited = false
        let targetSQL = importId == nil ? "1" : "import_id = \(importId ?? 0)"
        let rows = try RawQuery(db, """
            SELECT id, image, image_root, caption, format_flags, version, \(targetSQL), conversation, orig_id FROM items
            WHERE id >= ? AND id < ? AND removed_at IS NULL \(onlyTargets ? "AND \(targetSQL)" : "") ORDER BY id
            """)
        rows.bind(1, range.lowerBound)
        rows.bind(2, range.upperBound)
        while try rows.step() {
            if rows.int64(5) > 0 { edited = true }
            items.append(LoadedItem(
                input: ScoreInput(id: rows.int64(0), turns: try rows.withText(7, ConversationReader.turns), caption: rows.text(3),
                                  image: rows.text(1), formatFlags: FormatFlags(rawValue: Int(rows.int64(4)))),
                imageRoot: rows.text(2), origId: rows.text(8), target: rows.int64(6) != 0))
        }
        if edited {
            var index: [Int64: Int] = [:]
            for (i, item) in items.enumerated() { index[item.input.id] = i }
            let edits = try RawQuery(db, "SELECT item_id, conversation FROM edits WHERE item_id >= ? AND item_id < ? ORDER BY item_id, version")
            edits.bind(1, range.lowerBound)
            edits.bind(2, range.upperBound)
            while try edits.step() {
                guard let i = index[edits.int64(0)] else { continue }
                items[i].input.turns = try edits.withText(1, ConversationReader.turns)
            }
        }
        return items
    }
}

// MARK: - The parallel run

/// One score row of a built-in scorer.
struct ScoreRow {
    var item: Int64
    /// Index in `BuiltinScorer.allCases`.
    var scorer: UInt8
    var value: Double
    var detail: String?
}

/// Scores of one chunk, ready to write.
struct ChunkResult {
    var range: Range<Int64>
    var ids: [Int64] = []
    var targets: [Bool] = []
    var origIds: [String?] = []
    /// Hash of the image path per item (0 = no image), for image reuse.
    var images: [UInt64] = []
    var fingerprints: [Fingerprint] = []
    /// Score rows, per item in name order (the order of the `scores` primary key).
    var rows: [ScoreRow] = []
    var imagesChecked = 0
    var imagesSkipped = 0
}

/// Hands out chunks to the scoring threads and their results to the writer, in order,
/// with a bounded look-ahead.
final class ChunkExchange: @unchecked Sendable {
    private let condition = NSCondition()
    private var nextChunk = 0
    private var written = 0
    private var results: [Int: ChunkResult] = [:]
    private var failure: Error?
    private var cancelled = false
    let chunks: Int
    let lookAhead: Int

    init(chunks: Int, lookAhead: Int) {
        self.chunks = chunks
        self.lookAhead = lookAhead
    }

    /// The next chunk to score, or nil when there is none left (or the run failed).
    func take() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while nextChunk < chunks, nextChunk >= written + lookAhead, !cancelled { condition.wait() }
        guard nextChunk < chunks, !cancelled else { return nil }
        nextChunk += 1
        return nextChunk - 1
    }

    func put(_ chunk: Int, _ result: ChunkResult) {
        condition.lock()
        results[chunk] = result
        condition.broadcast()
        condition.unlock()
    }

    func fail(_ error: Error) {
        condition.lock()
        if failure == nil { failure = error }
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for chunk `index`'s result (chunks are collected in order).
    func result(_ index: Int) throws -> ChunkResult {
        condition.lock()
        defer { condition.unlock() }
        while results[index] == nil, failure == nil { condition.wait() }
        if let failure { throw failure }
        let result = results.removeValue(forKey: index) ?? ChunkResult(range: 0..<0)
        written = index + 1
        condition.broadcast()
        return result
    }
}

final class ScoringRun {
    /// Page cache sizes (SQLite's `cache_size`, negative = KiB) while scoring, instead of the
    /// store's (64 MB by default): a small one for the reading threads and a middle one for the
    /// writer, so that `winnow import` followed by scoring stays within its memory bound.
    static let readerCache = -4096
    static let writerCache = -32768
    /// While the value index is built: the size of the sorter's runs (see `createValueIndex`),
    /// 8 MB up to 4 million scores (faster there, and less memory), else 16 MB.
    static func indexCache(rows: Int) -> Int { rows < 4_000_000 ? -8192 : -16384 }

    let store: Store
    let options: ScoringOptions
    let importId: Int64?
    let progress: ((ScoringProgress) -> Void)?
    let textScorers: Set<BuiltinScorer>
    let wantsDuplicates: Bool
    let wantsCorpus: Bool
    let wantsImages: Bool
    let profile = ScoreProfile.builtin
    var warnCounts = [Int](repeating: 0, count: BuiltinScorer.allCases.count)
    var badCounts = [Int](repeating: 0, count: BuiltinScorer.allCases.count)
    /// Values written (rows and implicit zeros).
    var values = 0
    let thresholds: [Threshold]

    init(store: Store, options: ScoringOptions, importId: Int64?, progress: ((ScoringProgress) -> Void)?) {
        self.store = store
        self.options = options
        self.importId = importId
        self.progress = progress
        textScorers = Set(options.selected.filter { $0.kind == .text })
        wantsDuplicates = options.wants(.dupInstruction) || options.wants(.dupAnswer)
        wantsCorpus = wantsDuplicates || options.wants(.imageReuse)
        wantsImages = options.wants(.image)
        thresholds = BuiltinScorer.allCases.map { ScoreProfile.builtin.thresholds[$0.rawValue] ?? Threshold() }
    }

    /// Everything the corpus pass needs of every live item, in id order.
    struct Corpus {
        var ids: [Int64] = []
        /// Items this run scores (the others are read for their fingerprints only).
        var targets: [Bool] = []
        var origIds: [String?] = []
        var images: [UInt64] = []
        var exactInstruction: [UInt64] = []
        var exactAnswer: [UInt64] = []
        var signatureInstruction: [SIMD8<UInt64>] = []
        var signatureAnswer: [SIMD8<UInt64>] = []
        var hasInstructionSignature: [Bool] = []
        var hasAnswerSignature: [Bool] = []

        mutating func reserve(_ count: Int) {
            ids.reserveCapacity(count)
            targets.reserveCapacity(count)
            origIds.reserveCapacity(count)
            images.reserveCapacity(count)
            exactInstruction.reserveCapacity(count)
            exactAnswer.reserveCapacity(count)
            signatureInstruction.reserveCapacity(count)
            signatureAnswer.reserveCapacity(count)
            hasInstructionSignature.reserveCapacity(count)
            hasAnswerSignature.reserveCapacity(count)
        }

        mutating func append(_ result: ChunkResult) {
            ids.append(contentsOf: result.ids)
            targets.append(contentsOf: result.targets)
            origIds.append(contentsOf: result.origIds)
            images.append(contentsOf: result.images)
            for fingerprint in result.fingerprints {
                exactInstruction.append(fingerprint.instruction.exact)
                exactAnswer.append(fingerprint.answer.exact)
                signatureInstruction.append(fingerprint.instruction.signature ?? SIMD8())
                signatureAnswer.append(fingerprint.answer.signature ?? SIMD8())
                hasInstructionSignature.append(fingerprint.instruction.signature != nil)
                hasAnswerSignature.append(fingerprint.answer.signature != nil)
            }
        }
    }

    func run() throws -> ScoringReport {
        let started = Date()
        var report = ScoringReport()
        let bounds = try store.read { db in
            try Row.fetchOne(db, sql: "SELECT min(id), max(id), count(*) FROM items WHERE removed_at IS NULL")
        }
        guard let bounds, let low: Int64 = bounds[0], let high: Int64 = bounds[1] else {
            report.seconds = Date().timeIntervalSince(started)
            return report
        }
        let total: Int = bounds[2]
        let chunkSize = Int64(options.chunk)
        let chunks = Int((high - low) / chunkSize) + 1
        let perItem = options.selected.filter { $0.kind != .corpus }
        let corpusScorers = options.selected.filter { $0.kind == .corpus }
        // The items an import added or changed (its other items are not rescored).
        var targets = total
        if let importId {
            targets = try store.read { db in
                try Int.fetchOne(db, sql: "SELECT added + changed FROM imports WHERE id = ?", arguments: [importId])
            } ?? total
        }
        // Rebuilding the value index once is cheaper than keeping it up to date row by row
        // when most of the store is scored (a whole-store run, or an import that is most of it).
        let rebuildIndex = !perItem.isEmpty && targets >= options.indexRebuildMinimum && (importId == nil || targets * 2 >= total)
        // Debian's SQLite is built with SECURE_DELETE, which overwrites every freed page with
        // zeros: for the old scores and index pages of a run that is pure extra writing.
        let (secureDelete, cacheSize) = try store.pool.writeWithoutTransaction { db in
            defer {
                try? db.execute(sql: "PRAGMA secure_delete = OFF")
                try? db.execute(sql: "PRAGMA cache_size = \(Self.writerCache)")
            }
            return (try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 0, try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000)
        }
        defer {
            try? store.pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA secure_delete = \(secureDelete)")
                try db.execute(sql: "PRAGMA cache_size = \(cacheSize)")
            }
        }
        if rebuildIndex {
            try store.write { db in try db.execute(sql: "DROP INDEX IF EXISTS scores_by_value") }
        }
        defer {
            // Also after a failure: the index must come back.
            if rebuildIndex { try? createValueIndex(rows: report.rows, progress: nil) }
        }

        var corpus = Corpus()
        if wantsCorpus { corpus.reserve(total) }
        // A big run copies its WAL into the store on a thread of its own (see
        // ``BackgroundCheckpoints``) until the index is built, whose single commit is
        // checkpointed as usual, by the writer, before the run ends.
        let checkpoints = rebuildIndex ? try BackgroundCheckpoints(store: store) : nil
        defer { checkpoints?.stop() }
        var phase = PhaseClock()
        if !perItem.isEmpty || wantsCorpus {
            try scoreItems(chunks: chunks, low: low, chunkSize: chunkSize, total: total, perItem: perItem,
                           corpusScorers: corpusScorers, corpus: &corpus, report: &report)
        }
        checkpoints?.catchUp()
        phase.report("pass 1 (read, score, write)")
        phase = PhaseClock()
        if wantsCorpus {
            progress?(ScoringProgress(phase: "duplicates", done: 0, total: corpus.ids.count))
            try writeCorpusScores(corpus, report: &report)
        }
        checkpoints?.stop()
        phase.report("corpus scores")
        phase = PhaseClock()
        if rebuildIndex {
            try createValueIndex(rows: report.rows, progress: progress)
        }
        phase.report("index")
        report.values = values
        for (index, scorer) in BuiltinScorer.allCases.enumerated() where warnCounts[index] + badCounts[index] > 0 {
            report.warn[scorer.rawValue, default: 0] += warnCounts[index]
            report.bad[scorer.rawValue, default: 0] += badCounts[index]
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    private func createValueIndex(rows: Int, progress: ((ScoringProgress) -> Void)?) throws {
        guard let sql = Schema.secondaryIndexes.first(where: { $0.name == "scores_by_value" })?.sql else { return }
        try store.pool.writeWithoutTransaction { db in
            // The sort behind CREATE INDEX spills to temporary files. The store keeps those in
            // memory (temp_store = MEMORY), which for 13 million scores is about 500 MB and keeps
            // SQLite's sorter on one thread; on disk it sorts runs of `cache_size` bytes on
            // helper threads, with about three runs in memory at once (16 MB runs: 18 s for 13
            // million scores, 70 MB of memory; 8 MB runs: 21 s, 38 MB).
            let tempStore = try Int.fetchOne(db, sql: "PRAGMA temp_store") ?? 0
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA temp_store = FILE")
            try db.execute(sql: "PRAGMA cache_size = \(Self.indexCache(rows: rows))")
            defer {
                try? db.execute(sql: "PRAGMA temp_store = \(tempStore)")
                try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)")
            }
            try db.execute(sql: "PRAGMA threads = 2")
            var watch: IndexBuildProgress?
            if let progress {
                progress(ScoringProgress(phase: IndexBuildProgress.phase, done: 0, total: 0, percent: 0))
                // An exact count is cheap (SQLite counts the cells of the table's pages: 0.3 s
                // for 12.8 million scores) and includes the scores this run did not write.
                let scores = try Int.fetchOne(db, sql: "SELECT count(*) FROM scores") ?? rows
                watch = try IndexBuildProgress(db, scores: scores, report: progress)
            }
            defer { watch?.finish() }
            try db.execute(sql: sql.replacingOccurrences(of: "CREATE INDEX", with: "CREATE INDEX IF NOT EXISTS"))
            if watch != nil { progress?(ScoringProgress(phase: IndexBuildProgress.phase, done: 0, total: 0, percent: 100)) }
        }
    }

    /// Writes in a transaction with foreign key checks off: every row written names an item
    /// just read, and items are never deleted.
    private func bulkWrite(_ body: (Database) throws -> Void) throws {
        try store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            try db.inTransaction {
                try body(db)
                return .commit
            }
        }
    }

    private func scoreItems(chunks: Int, low: Int64, chunkSize: Int64, total: Int, perItem: [BuiltinScorer],
                            corpusScorers: [BuiltinScorer], corpus: inout Corpus, report: inout ScoringReport) throws {
        let exchange = ChunkExchange(chunks: chunks, lookAhead: options.threads * 4)
        let work = ChunkWork(store: store, options: options, importId: importId, low: low, chunkSize: chunkSize,
                             textScorers: textScorers, wantsImages: wantsImages, wantsDuplicates: wantsDuplicates,
                             wantsCorpus: wantsCorpus, exchange: exchange)
        let group = DispatchGroup()
        for _ in 0..<options.threads {
            group.enter()
            let thread = Thread {
                work.loop()
                group.leave()
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        defer {
            exchange.cancel()
            group.wait()
        }
        // Old rows of the scorers being run go first (a score that no longer applies, e.g.
        // ungrounded without a caption, must not linger). Image scores are replaced, not
        // deleted: a run without an image folder keeps them. The corpus scores of every item
        // are rewritten, so they are cleared here too, range by range (far cheaper than by
        // name later); an import's run clears the per-item scores of its own items only.
        func marks(_ names: [String]) -> String { names.map { _ in "?" }.joined(separator: ",") }
        var itemNames = perItem.filter { $0 != .image }.map(\.rawValue)
        var rangeNames = corpusScorers.map(\.rawValue)
        if importId == nil {
            rangeNames += itemNames
            itemNames = []
        }
        let deleteRange = "DELETE FROM scores WHERE item_id >= ? AND item_id < ? AND name IN (\(marks(rangeNames)))"
        let deleteTargets = """
            DELETE FROM scores WHERE item_id >= ? AND item_id < ? AND name IN (\(marks(itemNames)))
              AND item_id IN (SELECT id FROM items WHERE id >= ? AND id < ? AND import_id = ?)
            """
        // Their implicit zeros go with them: the bits are set again as the new rows are written.
        let rangeBits = ImplicitZeros.mask(rangeNames.compactMap(BuiltinScorer.init(rawValue:)))
        let itemBits = ImplicitZeros.mask(itemNames.compactMap(BuiltinScorer.init(rawValue:)))
        let clearRange = "UPDATE scored_items SET scorers = scorers & ~? WHERE item_id >= ? AND item_id < ? AND scorers & ? != 0"
        let clearTargets = """
            UPDATE scored_items SET scorers = scorers & ~? WHERE item_id >= ? AND item_id < ? AND scorers & ? != 0
              AND item_id IN (SELECT id FROM items WHERE id >= ? AND id < ? AND import_id = ?)
            """
        var index = 0
        var waited = 0.0
        let writerCPU = PhaseClock.threadCPU()
        defer {
            TimingLog.scoring(String(format: "writer waited %.2f s for scores, used %.2f s CPU", waited, PhaseClock.threadCPU() - writerCPU))
        }
        while index < chunks {
            try bulkWrite { db in
                let insert = try ScoreWriter(db)
                let transactionStart = Date()
                repeat {
                    let waitStart = Date()
                    let result = try exchange.result(index)
                    waited += Date().timeIntervalSince(waitStart)
                    index += 1
                    if wantsCorpus { corpus.append(result) }
                    let lower = result.range.lowerBound, upper = result.range.upperBound
                    if !rangeNames.isEmpty {
                        try db.cachedStatement(sql: deleteRange).execute(arguments: StatementArguments([lower, upper] + rangeNames))
                    }
                    if rangeBits != 0 {
                        try db.cachedStatement(sql: clearRange).execute(arguments: [rangeBits, lower, upper, rangeBits])
                    }
                    if !itemNames.isEmpty, let importId {
                        try db.cachedStatement(sql: deleteTargets)
                            .execute(arguments: StatementArguments([lower, upper] + itemNames + [lower, upper, importId]))
                        if itemBits != 0 {
                            try db.cachedStatement(sql: clearTargets)
                                .execute(arguments: [itemBits, lower, upper, itemBits, lower, upper, importId])
                        }
                    }
                    let written = insert.rows
                    for row in result.rows {
                        try write(insert, item: row.item, scorer: Int(row.scorer), value: row.value, detail: row.detail)
                    }
                    report.rows += insert.rows - written
                    report.items += result.targets.filter { $0 }.count
                    report.imagesChecked += result.imagesChecked
                    report.imagesSkipped += result.imagesSkipped
                    progress?(ScoringProgress(phase: "scoring", done: min(total, Int(result.range.upperBound - low)), total: total))
                } while index < chunks && Date().timeIntervalSince(transactionStart) < 2.0
                try insert.flush()
            }
        }
    }

    /// Writes one row and counts its level (for the items this run scores: `counted`).
    @inline(__always)
    private func write(_ insert: ScoreWriter, item: Int64, scorer: Int, value: Double, detail: String?,
                       counted: Bool = true) throws {
        try insert.add(item: item, builtin: scorer, value: value, detail: detail)
        values += 1
        guard counted else { return }
        switch thresholds[scorer].level(value) {
        case .bad: badCounts[scorer] += 1
        case .warn: warnCounts[scorer] += 1
        case .good: break
        }
    }

    /// Duplicates and image reuse over every live item, written in item order.
    private func writeCorpusScores(_ corpus: Corpus, report: inout ScoringReport) throws {
        let count = corpus.ids.count
        // Instructions and answers are searched at the same time, one per core.
        let found = NearestPair()
        let search = PhaseClock()
        let options = self.options
        DispatchQueue.concurrentPerform(iterations: 2) { side in
            if side == 0, options.wants(.dupInstruction) {
                found.instruction = DuplicateFinder.nearest(exact: corpus.exactInstruction, signatures: corpus.signatureInstruction,
                                                            hasSignature: corpus.hasInstructionSignature)
            } else if side == 1, options.wants(.dupAnswer) {
                found.answer = DuplicateFinder.nearest(exact: corpus.exactAnswer, signatures: corpus.signatureAnswer,
                                                       hasSignature: corpus.hasAnswerSignature)
            }
        }
        let instruction = found.instruction
        let answer = found.answer
        search.report("  of which the duplicate search")
        var reuse: [UInt64: Int32] = [:]
        if options.wants(.imageReuse) {
            reuse.reserveCapacity(count)
            for image in corpus.images where image != 0 { reuse[image, default: 0] += 1 }
        }
        let rows = CorpusRows(corpus: corpus, instruction: instruction, answer: answer, reuse: reuse,
                              imageReuse: options.wants(.imageReuse))
        let size = max(1, options.corpusBlock)
        // The rows of the next block (their details are texts to format) are made on another
        // core while this one writes the block before: the writing is SQLite's insertion into
        // the middle of the table, one thread's work, and the other core was idle.
        let blocks = stride(from: 0, to: count, by: size).map { $0..<min(count, $0 + size) }
        var next = blocks.first.map { rows.makeLater($0) }
        for (index, block) in blocks.enumerated() {
            guard let made = next?.wait() else { break }
            next = index + 1 < blocks.count ? rows.makeLater(blocks[index + 1]) : nil
            try bulkWrite { db in
                let insert = try ScoreWriter(db)
                for row in made {
                    try write(insert, item: row.item, scorer: Int(row.scorer), value: row.value, detail: row.detail,
                              counted: row.counted)
                }
                try insert.flush()
                report.rows += insert.rows
            }
            progress?(ScoringProgress(phase: "duplicates", done: block.upperBound, total: count))
        }
    }
}

/// What each scoring thread does: take a chunk, read it, score it, hand it over.
final class ChunkWork: @unchecked Sendable {
    let store: Store
    let options: ScoringOptions
    let importId: Int64?
    let low: Int64
    let chunkSize: Int64
    let textScorers: Set<BuiltinScorer>
    let wantsImages: Bool
    let wantsDuplicates: Bool
    let wantsCorpus: Bool
    let exchange: ChunkExchange

    init(store: Store, options: ScoringOptions, importId: Int64?, low: Int64, chunkSize: Int64,
         textScorers: Set<BuiltinScorer>, wantsImages: Bool, wantsDuplicates: Bool, wantsCorpus: Bool,
         exchange: ChunkExchange) {
        self.wantsCorpus = wantsCorpus
        self.store = store
        self.options = options
        self.importId = importId
        self.low = low
        self.chunkSize = chunkSize
        self.textScorers = textScorers
        self.wantsImages = wantsImages
        self.wantsDuplicates = wantsDuplicates
        self.exchange = exchange
    }

    func loop() {
        let scorer = TextScorer()
        // Rows are handed over in primary-key order (item, name): SQLite then appends them
        // instead of searching the tree for each.
        let nameRank = BuiltinScorer.allCases.map { scorer in
            UInt8(BuiltinScorer.allCases.map(\.rawValue).sorted().firstIndex(of: scorer.rawValue) ?? 0)
        }
        var loading = 0.0
        var scoring = 0.0
        defer { TimingLog.scoring(String(format: "worker CPU: load %.2f s, score %.2f s", loading, scoring)) }
        while let chunk = exchange.take() {
            do {
                let t0 = PhaseClock.threadCPU()
                let lower = low + Int64(chunk) * chunkSize
                let range = lower..<(lower + chunkSize)
                let items = try store.read { db in
                    // Items are read once, in order: a big page cache per reading thread would
                    // only add to the memory.
                    let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
                    try db.execute(sql: "PRAGMA cache_size = \(ScoringRun.readerCache)")
                    defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
                    return try ItemLoader.load(db, range: range, importId: importId, onlyTargets: !wantsCorpus)
                }
                let t1 = PhaseClock.threadCPU()
                loading += t1 - t0
                defer { scoring += PhaseClock.threadCPU() - t1 }
                var result = ChunkResult(range: range)
                result.ids.reserveCapacity(items.count)
                result.rows.reserveCapacity(items.count * 14)
                var fingerprint = Fingerprint()
                for item in items {
                    let firstRow = result.rows.count
                    defer { Self.sortRows(&result.rows, from: firstRow, rank: nameRank) }
                    result.ids.append(item.input.id)
                    result.targets.append(item.target)
                    if wantsCorpus {
                        result.origIds.append(item.origId)
                        result.images.append(item.input.image.map { WordHash.finish(WordHash.bytes($0)) } ?? 0)
                    }
                    let selection: Set<BuiltinScorer> = item.target ? textScorers : []
                    if !selection.isEmpty || wantsDuplicates {
                        fingerprint = Fingerprint()
                        withUnsafeMutablePointer(to: &fingerprint) { pointer in
                            scorer.score(item.input, only: selection, fingerprint: wantsDuplicates ? pointer : nil) { score in
                                result.rows.append(ScoreRow(item: item.input.id, scorer: score.scorer.ordinal,
                                                            value: score.value, detail: score.detail))
                            }
                        }
                        if wantsCorpus { result.fingerprints.append(fingerprint) }
                    } else if wantsCorpus {
                        result.fingerprints.append(Fingerprint())
                    }
                    if item.target, wantsImages, let image = item.input.image {
                        guard let root = item.imageRoot ?? options.imageRoot else {
                            result.imagesSkipped += 1
                            continue
                        }
                        let score = ImageScoring.score(image: image, root: root)
                        result.imagesChecked += 1
                        result.rows.append(ScoreRow(item: item.input.id, scorer: BuiltinScorer.image.ordinal,
                                                    value: score.value, detail: score.detail))
                    }
                }
                exchange.put(chunk, result)
            } catch {
                exchange.fail(error)
                return
            }
        }
    }

    /// Sorts `rows[first...]` (one item's, at most 16) by name.
    @inline(__always)
    static func sortRows(_ rows: inout [ScoreRow], from first: Int, rank: [UInt8]) {
        var i = first + 1
        while i < rows.count {
            let row = rows[i]
            let key = rank[Int(row.scorer)]
            var j = i
            while j > first, rank[Int(rows[j - 1].scorer)] > key {
                rows[j] = rows[j - 1]
                j -= 1
            }
            rows[j] = row
            i += 1
        }
    }
}
