import Foundation
import GRDB

/// Writes the training file: the store's selected items (accepted by default) with their
/// edits, then every `--combine` file, each record normalised and validated, streaming.
///
/// ```swift
/// var options = ExportOptions(outputPath: "train.json")
/// options.combine = ["llava_v1_5_mix665k.json"]
/// options.imageRoot = "/data/llava"
/// let report = try Exporter(store: store).run(options)
/// print(report.summary)
/// ```
///
/// Nothing appears at the output paths unless the export succeeds: files are written under
/// temporary names beside them and renamed at the end (see ``AtomicOutputFile``).
public final class Exporter {
    public let store: Store
    /// Called about ten times a second with the progress; nil for silence.
    public var onProgress: ((ExportProgress) -> Void)?

    public init(store: Store) {
        self.store = store
    }

    /// Runs the export.
    ///
    /// - Returns: the report; invalid records were left out (see ``ExportReport/problems``).
    /// - Throws: ``ExportError`` (with `--strict`, ``ExportError/strict(invalid:summary:)``
    ///   when a record is invalid), `DatabaseError` for store failures. Nothing is written then.
    @discardableResult
    public func run(_ options: ExportOptions) throws -> ExportReport {
        let started = Date()
        let outputPath = absolutePath(options.outputPath)
        let benchmarkPath = options.benchmarkPath.map(absolutePath)
        let combinePaths = options.combine.map(absolutePath)
        try Self.check(options, output: outputPath, benchmark: benchmarkPath, combine: combinePaths)
        let selection = try ExportSelection(options.effectiveFilter)
        var sizes: [Int] = []
        for path in combinePaths {
            do {
                sizes.append(try FileFacts(path: path).size)
            } catch let error as ImportError {
                throw ExportError.cannotRead(path: path, reason: Self.reason(error))
            }
        }
        let hashes = combinePaths.map { BackgroundFileHash(path: $0) }
        // On failure, stop reading the files for nothing (a no-op once they are hashed).
        defer { for hash in hashes { hash.cancel() } }

        let run = try ExportRun(options: options, outputPath: outputPath, benchmarkPath: benchmarkPath,
                                progress: onProgress, started: started)
        run.report.parts.append(ExportReport.Part(name: "store", path: absolutePath(store.path)))
        for (path, size) in zip(combinePaths, sizes) {
            var part = ExportReport.Part(name: ((path as NSString).lastPathComponent as NSString).deletingPathExtension, path: path)
            part.bytes = size
            run.report.parts.append(part)
        }

        var storeId = ""
        try store.read { db in
            storeId = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'store_id'") ?? ""
            let reader = try ExportStoreReader(db)
            if options.benchmarkCount > 0 {
                try run.selectBenchmark(db, selection: selection, reader: reader)
            }
            try run.exportStore(db, selection: selection, reader: reader)
        }
        for (index, path) in combinePaths.enumerated() {
            try run.exportFile(path, part: index + 1)
        }
        for (index, hash) in hashes.enumerated() {
            run.report.parts[index + 1].sha256 = try hash.value()
        }
        return try run.finish(storePath: absolutePath(store.path), storeId: storeId)
    }

    static func check(_ options: ExportOptions, output: String, benchmark: String?, combine: [String]) throws(ExportError) {
        if options.benchmarkCount < 0 { throw .badOption("--benchmark must be 0 or more.") }
        if options.benchmarkCount > 0 && benchmark == nil {
            throw .badOption("--benchmark \(options.benchmarkCount) needs --benchmark-out FILE (the held-out questions, JSONL).")
        }
        if benchmark != nil && options.benchmarkCount == 0 {
            throw .badOption("--benchmark-out needs --benchmark N (how many accepted items to hold out).")
        }
        if options.warnTokens <= 0 { throw .badOption("--warn-tokens must be a positive number of tokens.") }
        if options.batchSize <= 0 { throw .badOption("the batch size must be positive.") }
        if let benchmark, benchmark == output || benchmark == output + ".manifest.json" {
            throw .badOption("--benchmark-out must not be the training output or its manifest.")
        }
        for path in combine where path == output || path == benchmark {
            throw .badOption("\(path) is both a --combine input and an output; write the output elsewhere.")
        }
        if let root = options.imageRoot {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .badOption("--images \(root): no such folder. Give the training image folder (LLaVA's --image_folder).")
            }
        }
    }

    static func reason(_ error: ImportError) -> String {
        switch error {
        case .fileNotFound: return "no such file"
        case let .unreadable(_, reason): return reason
        default: return error.description
        }
    }
}

/// The state of one export.
final class ExportRun {
    let options: ExportOptions
    var report: ExportReport
    private let serializer: RecordSerializer
    private let output: AtomicOutputFile
    private let benchmarkFile: AtomicOutputFile?
    private let spool: SpoolFile?
    private var spoolOffsets: [Int] = []
    private var spoolLengths: [Int32] = []
    private let images: ExportImageChecker?
    private let progress: ((ExportProgress) -> Void)?
    private let started: Date
    private var lastProgress = Date.distantPast

    /// Content key (image + conversation) → the part it was first written from.
    private var seen: [UInt64: UInt16] = [:]
    /// `--unique-ids`: ids already written, and how many times each original id was used.
    private var usedIds = Set<UInt64>()
    private var idUses: [UInt64: Int] = [:]
    /// Held-out items, and their (image, instruction) keys.
    private var heldOutItems = Set<Int64>()
    private var heldOutKeys = Set<UInt64>()
    private var fixes = NormalisationFixes()
    private let preparation: RecordPreparation

    private var body: [UInt8] = []
    private var line: [UInt8] = []
    private var firstRecord = true
    private var failedStrict = false

    init(options: ExportOptions, outputPath: String, benchmarkPath: String?,
         progress: ((ExportProgress) -> Void)?, started: Date) throws(ExportError) {
        self.options = options
        self.progress = progress
        self.started = started
        report = ExportReport(outputPath: outputPath, format: options.format, filter: options.effectiveFilter, seed: options.seed)
        report.benchmarkPath = benchmarkPath
        serializer = RecordSerializer(provenance: options.provenance)
        preparation = RecordPreparation(fixTokens: options.fixImageTokens, imageMaps: options.imageMaps,
                                        imagePrefix: options.imagePrefix)
        output = try AtomicOutputFile(path: outputPath)
        benchmarkFile = try benchmarkPath.map { path throws(ExportError) in try AtomicOutputFile(path: path) }
        spool = options.shuffle ? try SpoolFile(besides: outputPath) : nil
        images = options.imageRoot.map { ExportImageChecker(root: absolutePath($0), decode: options.checkDecode) }
        body.reserveCapacity(1 << 16)
        line.reserveCapacity(1 << 16)
        if options.format == .json && spool == nil { try output.write("[") }
    }

    // MARK: Store

    func exportStore(_ db: Database, selection: ExportSelection, reader: ExportStoreReader) throws {
        let total = try selection.count(db)
        var done = 0
        try selection.pages(db, size: options.batchSize) { ids in
            report.parts[0].records += ids.count
            let kept = heldOutItems.isEmpty ? ids : ids.filter { !heldOutItems.contains($0) }
            report.parts[0].heldOut += ids.count - kept.count
            var records = try reader.load(kept)
            try process(&records, part: 0)
            done += ids.count
            tick(phase: "store", records: done, total: total, bytes: 0, totalBytes: 0)
        }
    }

    /// Draws the held-out items: candidates (selected, accepted, with an image) in a seeded
    /// random order, the first `benchmarkCount` that pass validation.
    func selectBenchmark(_ db: Database, selection: ExportSelection, reader: ExportStoreReader) throws {
        let wanted = options.benchmarkCount
        _ = try selection.count(db)
        var pool = try selection.benchmarkCandidates(db, pageSize: options.batchSize)
        var random = Xoshiro256StarStar(seed: options.seed ^ 0x6265_6E63_686D_6172)
        var chosen: [ExportRecord] = []
        var next = 0
        // Candidates are normalised again in the main pass (or held out): count fixes there.
        let countedFixes = fixes
        defer { fixes = countedFixes }
        while chosen.count < wanted && next < pool.count {
            var draw: [Int64] = []
            while draw.count < min(wanted - chosen.count, options.batchSize) && next < pool.count {
                let other = next + Int(random.below(UInt64(pool.count - next)))
                pool.swapAt(next, other)
                draw.append(pool[next])
                next += 1
            }
            var records = try reader.load(draw)
            prepare(&records, part: 0)
            images?.prepare(records.compactMap(\.image))
            for record in records where chosen.count < wanted {
                if allProblems(record).isEmpty { chosen.append(record) }
            }
        }
        guard chosen.count == wanted else {
            throw ExportError.benchmarkTooSmall(requested: wanted, available: chosen.count)
        }
        chosen.sort { $0.itemId < $1.itemId }
        var out: [UInt8] = []
        for (number, record) in chosen.enumerated() {
            let instruction = Self.instruction(record)
            out.removeAll(keepingCapacity: true)
            out.append(contentsOf: #"{"question_id":"#.utf8)
            out.append(contentsOf: String(number).utf8)
            out.append(contentsOf: #","image":"#.utf8)
            JSONWriter.appendString(record.image ?? "", to: &out)
            out.append(contentsOf: #","text":"#.utf8)
            JSONWriter.appendString(instruction, to: &out)
            out.append(contentsOf: #","caption":"#.utf8)
            JSONWriter.appendString(record.caption ?? "", to: &out)
            out.append(contentsOf: #","category":"#.utf8)
            JSONWriter.appendString(record.category ?? "vllm_instruction_following", to: &out)
            out.append(contentsOf: #","winnow_item":"#.utf8)
            out.append(contentsOf: String(record.itemId).utf8)
            out.append(contentsOf: "}\n".utf8)
            try benchmarkFile?.write(out)
            heldOutItems.insert(record.itemId)
            if let key = Self.questionKey(record) { heldOutKeys.insert(key) }
        }
        report.benchmarkQuestions = chosen.count
        tick(phase: "benchmark", records: chosen.count, total: wanted, bytes: 0, totalBytes: 0, force: true)
    }

    // MARK: Combined files

    /// Streams a combined file: reading, parsing, mapping, normalising and validating on a
    /// second thread; image checks, duplicates, serialisation and writing on this one.
    func exportFile(_ path: String, part: Int) throws {
        let source = report.parts[part].name
        let queue = BatchQueue<FileBatch>(capacity: 4)
        let reading = FileReading(path: path, part: part, source: source, fileName: (path as NSString).lastPathComponent,
                                  preparation: preparation, batchSize: options.batchSize)
        let thread = Thread {
            do {
                try reading.run(into: queue)
                queue.finish(nil)
            } catch {
                queue.finish(error)
            }
        }
        // The JSON parser recurses once per nesting level (up to 512).
        thread.stackSize = 8 << 20
        thread.start()
        do {
            while let batch = try queue.pop() {
                report.parts[part].records += batch.records.count
                fixes += batch.fixes
                try emitAll(batch.records, part: part)
                tick(phase: source, records: report.parts[part].records, total: nil,
                     bytes: batch.bytesRead, totalBytes: batch.fileSize, force: batch.last)
            }
        } catch {
            queue.cancel()
            throw error
        }
    }

    // MARK: Records

    /// Rewrites image paths, normalises and validates a batch, and checks its images together.
    private func prepare(_ records: inout [ExportRecord], part: Int) {
        for index in records.indices {
            preparation.prepare(&records[index], store: part == 0, fixes: &fixes)
        }
    }

    /// Every problem of a prepared record; leaves its serialised body in `body`.
    ///
    /// - Returns: the problems, and the length of the body's image-and-conversation part.
    @discardableResult
    private func allProblems(_ record: ExportRecord) -> [ExportIssue] {
        allProblemsAndKey(record).problems
    }

    private func allProblemsAndKey(_ record: ExportRecord) -> (problems: [ExportIssue], keyLength: Int) {
        var problems = record.problems
        if !record.isMalformed, let images, let image = record.image, let problem = images.problem(image) {
            problems.append(problem)
        }
        body.removeAll(keepingCapacity: true)
        guard !record.isMalformed else { return (problems, 0) }
        let keyLength = serializer.appendBody(record, to: &body)
        if !problems.contains(where: { $0.kind == ExportProblemKind.invalidText }) {
            let damaged = body.withUnsafeBufferPointer { TextScan.hasReplacementCharacter($0) }
                || (record.idJSON.map { id in
                    var copy = id
                    return copy.withUTF8 { TextScan.hasReplacementCharacter($0) }
                } ?? false)
            if damaged {
                problems.append(ExportIssue(kind: ExportProblemKind.invalidText,
                                            detail: "U+FFFD in the text (a lone surrogate escape or damaged encoding)"))
            }
        }
        return (problems, keyLength)
    }

    private func process(_ records: inout [ExportRecord], part: Int) throws {
        prepare(&records, part: part)
        try emitAll(records, part: part)
    }

    /// Checks the images of a prepared batch together, then writes its records.
    private func emitAll(_ records: [ExportRecord], part: Int) throws {
        if let images {
            images.prepare(records.compactMap { $0.isMalformed ? nil : $0.image })
        }
        for record in records { try emit(record, part: part) }
    }

    private func emit(_ record: ExportRecord, part: Int) throws {
        let (problems, keyLength) = allProblemsAndKey(record)
        if !problems.isEmpty {
            let reference = record.reference
            report.invalid += 1
            report.parts[part].invalid += 1
            var kinds = Set<String>()
            for problem in problems where kinds.insert(problem.kind).inserted {
                report.addProblem(problem, record: reference)
            }
            if options.strict { failedStrict = true }
            return
        }
        let tokens = record.estimatedTokens(limit: options.warnTokens)
        if tokens > options.warnTokens {
            report.addWarning(ExportIssue(kind: ExportProblemKind.longSample, detail: "about \(tokens) tokens"), record: record.reference)
        }
        let key = body.withUnsafeBytes { raw -> UInt64 in
            var hasher = FastHasher()
            hasher.combine(UnsafeRawBufferPointer(rebasing: raw[0..<keyLength]))
            return hasher.finalized
        }
        if let first = seen[key] {
            if Int(first) != part {
                report.parts[part].duplicates += 1
                let earlier = report.parts[Int(first)].name
                report.duplicates.add(example: record.reference, detail: "same image and conversation as a record of \(earlier)")
                if !options.keepDuplicates { return }
            } else {
                report.parts[part].repeatsWithin += 1
            }
        } else {
            seen[key] = UInt16(truncatingIfNeeded: part)
        }
        if !heldOutKeys.isEmpty, let question = Self.questionKey(record), heldOutKeys.contains(question) {
            report.parts[part].benchmarkOverlap += 1
            return
        }
        var idJSON = record.idJSON
        if options.uniqueIds, let id = idJSON { idJSON = uniqueId(id) }

        report.written += 1
        report.parts[part].written += 1
        report.bySource[record.origin.source, default: 0] += 1
        if case let .store(_, _, _, status) = record.origin { report.byStatus[status, default: 0] += 1 }
        guard !failedStrict else { return }

        line.removeAll(keepingCapacity: true)
        if spool == nil && options.format == .json {
            line.append(contentsOf: firstRecord ? [0x0A] : [0x2C, 0x0A])
        }
        firstRecord = false
        RecordSerializer.appendHead(idJSON: idJSON, to: &line)
        line.append(contentsOf: body)
        if let spool {
            spoolOffsets.append(spool.size)
            spoolLengths.append(Int32(truncatingIfNeeded: line.count))
            try spool.append(line)
        } else {
            if options.format == .jsonl { line.append(0x0A) }
            try output.write(line)
        }
    }

    /// `--unique-ids`: the first use of an id keeps it; the n-th use (n ≥ 2) becomes the
    /// string `"<id>#<n>"`, or the next free `#n` when that is taken too.
    private func uniqueId(_ idJSON: String) -> String {
        let key = Self.hash(idJSON)
        if usedIds.insert(key).inserted {
            idUses[key] = 1
            return idJSON
        }
        let plain = (try? parseJSON(idJSON))?.plainText ?? idJSON
        var use = (idUses[key] ?? 1) + 1
        while true {
            let candidate = JSONValue.string("\(plain)#\(use)").jsonText
            if usedIds.insert(Self.hash(candidate)).inserted {
                idUses[key] = use
                report.fix("id_renamed")
                return candidate
            }
            use += 1
        }
    }

    /// The instruction of a record: its first turn without `<image>` tokens, trimmed.
    static func instruction(_ record: ExportRecord) -> String {
        guard let first = record.turns.first else { return "" }
        return first.text.replacingAll(imageToken, with: "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What a benchmark question is: the image and the instruction.
    static func questionKey(_ record: ExportRecord) -> UInt64? {
        guard let image = record.image else { return nil }
        var hasher = FastHasher()
        hasher.combine(image)
        hasher.combine(instruction(record))
        return hasher.finalized
    }

    static func hash(_ text: String) -> UInt64 {
        var hasher = FastHasher()
        hasher.combine(text)
        return hasher.finalized
    }

    private func tick(phase: String, records: Int, total: Int?, bytes: Int, totalBytes: Int, force: Bool = false) {
        guard let progress else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastProgress) >= 0.1 else { return }
        lastProgress = now
        progress(ExportProgress(phase: phase, records: records, totalRecords: total, bytesRead: bytes,
                                totalBytes: totalBytes, elapsed: now.timeIntervalSince(started)))
    }

    // MARK: Finish

    func finish(storePath: String, storeId: String) throws -> ExportReport {
        report.fix("role_renamed", fixes.rolesRenamed)
        report.fix("image_token_moved", fixes.tokensMoved)
        report.fix("image_token_added", fixes.tokensAdded)
        report.fix("empty_image_dropped", fixes.emptyImages)
        if failedStrict {
            output.discard()
            benchmarkFile?.discard()
            report.failedStrict = true
            report.seconds = Date().timeIntervalSince(started)
            throw ExportError.strict(invalid: report.invalid, summary: report.summary)
        }
        if let spool {
            try spool.flush()
            var order = Array(0..<spoolOffsets.count)
            SeededShuffle.shuffle(&order, seed: options.seed)
            if options.format == .json { try output.write("[") }
            var record: [UInt8] = []
            for (position, index) in order.enumerated() {
                try spool.read(offset: spoolOffsets[index], count: Int(spoolLengths[index]), into: &record)
                line.removeAll(keepingCapacity: true)
                if options.format == .json { line.append(contentsOf: position == 0 ? [0x0A] : [0x2C, 0x0A]) }
                line.append(contentsOf: record)
                if options.format == .jsonl { line.append(0x0A) }
                try output.write(line)
                if position % 4096 == 0 {
                    tick(phase: "shuffle", records: position, total: order.count, bytes: 0, totalBytes: 0)
                }
            }
        }
        if options.format == .json { try output.write("\n]\n") }
        try output.flush()
        report.bytes = output.bytesWritten
        report.seconds = Date().timeIntervalSince(started)

        let manifest = try AtomicOutputFile(path: report.manifestPath)
        var text: [UInt8] = []
        JSONWriter.append(manifestJSON(storePath: storePath, storeId: storeId), to: &text, indent: 2)
        text.append(0x0A)
        try manifest.write(text)

        try benchmarkFile?.commit()
        try output.commit()
        try manifest.commit()
        return report
    }

    private func manifestJSON(storePath: String, storeId: String) -> JSONValue {
        var optionsObject = JSONObject()
        optionsObject.set("format", .string(options.format.rawValue))
        optionsObject.set("filter", .string(options.effectiveFilter))
        optionsObject.set("images", options.imageRoot.map { .string(absolutePath($0)) } ?? .null)
        optionsObject.set("check_decode", .bool(options.checkDecode))
        optionsObject.set("image_prefix", options.imagePrefix.map { .string($0) } ?? .null)
        optionsObject.set("image_map", .array(options.imageMaps.map { .string("\($0.old)=\($0.new)") }))
        optionsObject.set("unique_ids", .bool(options.uniqueIds))
        optionsObject.set("provenance", .bool(options.provenance))
        optionsObject.set("strict", .bool(options.strict))
        optionsObject.set("keep_duplicates", .bool(options.keepDuplicates))
        optionsObject.set("shuffle", .bool(options.shuffle))
        optionsObject.set("fix_image_tokens", .bool(options.fixImageTokens))
        optionsObject.set("warn_tokens", ExportJSON.number(options.warnTokens))
        optionsObject.set("benchmark", ExportJSON.number(options.benchmarkCount))

        var inputs: [JSONValue] = []
        for part in report.parts {
            var object = JSONObject()
            object.set("name", .string(part.name))
            object.set("path", .string(part.path))
            if part.name == "store" && inputs.isEmpty {
                object.set("kind", .string("store"))
                object.set("store_id", .string(storeId))
            } else {
                object.set("kind", .string("combined"))
                object.set("sha256", .string(part.sha256))
                object.set("bytes", ExportJSON.number(part.bytes))
            }
            inputs.append(.object(object))
        }

        var validation = JSONObject()
        validation.set("invalid_records", ExportJSON.number(report.invalid))
        validation.set("problems", ExportJSON.counts(report.problems.mapValues(\.count)))
        validation.set("warnings", ExportJSON.counts(report.warnings.mapValues(\.count)))
        validation.set("duplicates", ExportJSON.number(report.duplicates.count))
        validation.set("fixes", ExportJSON.counts(report.fixes))
        validation.set("images_checked", .bool(options.imageRoot != nil))

        var manifest = JSONObject()
        manifest.set("winnow_version", .string(WinnowVersion.string))
        manifest.set("created_at", .string(Timestamp.now()))
        manifest.set("output", .object(JSONObject(
            keys: ["path", "format", "records", "bytes"],
            values: [.string(report.outputPath), .string(options.format.rawValue), ExportJSON.number(report.written),
                     ExportJSON.number(report.bytes)])))
        manifest.set("store", .object(JSONObject(keys: ["path", "store_id"], values: [.string(storePath), .string(storeId)])))
        manifest.set("filter", .string(options.effectiveFilter))
        manifest.set("seed", .number(String(options.seed)))
        manifest.set("options", .object(optionsObject))
        manifest.set("inputs", .array(inputs))
        manifest.set("counts", report.json.objectValue.map { object in
            var counts = JSONObject()
            for key in ["written", "invalid", "parts", "by_source", "by_status"] {
                if let value = object[key] { counts.set(key, value) }
            }
            return .object(counts)
        } ?? .null)
        manifest.set("validation", .object(validation))
        manifest.set("report", report.json)
        if let benchmarkPath = report.benchmarkPath {
            manifest.set("benchmark", .object(JSONObject(
                keys: ["path", "questions", "seed"],
                values: [.string(benchmarkPath), ExportJSON.number(report.benchmarkQuestions), .number(String(options.seed))])))
        }
        return .object(manifest)
    }
}

extension ExportRecord {
    var isMalformed: Bool {
        problems.contains { $0.kind == ExportProblemKind.malformedRecord || $0.kind == ExportProblemKind.badJSON }
    }

    /// The Winnow item id (0 for records of combined files).
    var itemId: Int64 {
        if case let .store(item, _, _, _) = origin { return item }
        return 0
    }
}
