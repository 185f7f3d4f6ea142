import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// `--combine`, duplicates, `--shuffle`, `--benchmark` and image checks.
final class ExportCombineTests: XCTestCase {
    /// A LLaVA-mix-like JSON array: coco-style string ids, every fifth id an integer, a
    /// multi-turn record every third, and text-only ShareGPT-like records (no image key,
    /// `"model": ""`) at the end.
    static func mixLike(count: Int, textOnly: Int) -> String {
        var records: [String] = []
        for index in 0..<count {
            let id = index % 5 == 4 ? String(100_000 + index) : JSONValue.string(String(format: "%012d", index)).jsonText
            if index >= count - textOnly {
                records.append(ExportFixture.record(id: id, [("human", "Write a limerick number \(index)."), ("gpt", "There once was a line \(index).")],
                                                    extra: #""model": """#))
                continue
            }
            var turns = [("human", "<image>\nWhat is in picture \(index)?"), ("gpt", "Object \(index).")]
            if index % 3 == 0 { turns += [("human", "What colour is it?"), ("gpt", "Colour \(index % 7).")] }
            records.append(ExportFixture.record(id: id, image: "coco/train2017/\(String(format: "%012d", index)).jpg", turns))
        }
        return "[\n" + records.joined(separator: ",\n") + "\n]\n"
    }

    func testCombineStreamsAMixLikeFileAndKeepsIdTypes() throws {
        let scratch = Scratch()
        let store = try ExportFixture.store(scratch, ExportFixture.llava)
        try ExportFixture.acceptAll(store)
        let mix = scratch.write("llava_mix.json", Self.mixLike(count: 600, textOnly: 40))
        let generated = scratch.path("generated.json")
        let summary = try BenchDataGenerator(seed: 3).writeLLaVAMix(to: generated, count: 400)

        var options = ExportOptions(outputPath: scratch.path("train.json"))
        options.combine = [mix, generated]
        let report = try Exporter(store: store).run(options)

        XCTAssertEqual(report.parts.map(\.name), ["store", "llava_mix", "generated"])
        XCTAssertEqual(report.parts.map(\.records), [4, 600, 400])
        XCTAssertEqual(report.invalid, report.parts[2].invalid, "the hand-made mix is clean")
        XCTAssertEqual(report.written, 4 + 600 + 400 - report.invalid - report.parts.map(\.duplicates).reduce(0, +))
        let out = try ExportFixture.records(options.outputPath)
        XCTAssertEqual(out.count, report.written)

        // The mix part comes after the store's items, in file order, ids with their JSON types.
        let input = try ExportFixture.records(mix)
        let written = Array(out[4..<604])
        XCTAssertEqual(written.map { $0["id"]?.jsonText }, input.map { $0["id"]?.jsonText })
        XCTAssertTrue(written.contains { $0["id"] == .number("100004") })
        for (original, exported) in zip(input, written) {
            XCTAssertEqual(ExportFixture.turns(exported), ExportFixture.turns(original))
            XCTAssertEqual(exported["image"], original["image"])
            XCTAssertEqual(exported["model"], original["model"])
        }
        XCTAssertEqual(written.filter { $0["image"] == nil }.count, 40)
        XCTAssertEqual(written.filter { ExportFixture.turns($0).count == 4 }.count, (0..<560).filter { $0 % 3 == 0 }.count)
        XCTAssertEqual(summary.records, 400)
        XCTAssertGreaterThan(summary.textOnly, 0)
        XCTAssertEqual(report.bySource["llava_mix"], 600)
    }

    func testDuplicatesAcrossPartsAreDroppedOnceAndReported() throws {
        let scratch = Scratch()
        let shared = ExportFixture.record(id: "\"s1\"", image: "a.jpg", [("human", "<image>\nWhat is it?"), ("gpt", "A dog.")])
        let store = try ExportFixture.store(scratch, "[" + [
            shared,
            ExportFixture.record(id: "\"s2\"", image: "b.jpg", [("human", "<image>\nWhat is it?"), ("gpt", "A cat.")]),
            ExportFixture.record(id: "\"s3\"", image: "b.jpg", [("human", "<image>\nWhat is it?"), ("gpt", "A cat.")]),
        ].joined(separator: ",") + "]")
        try ExportFixture.acceptAll(store)
        // The same record under another id, with the token at the end (the same after normalisation).
        let copy = ExportFixture.record(id: "99", image: "a.jpg", [("human", "What is it?\n<image>"), ("gpt", "A dog.")])
        let other = ExportFixture.record(id: "100", image: "a.jpg", [("human", "<image>\nWhat is it?"), ("gpt", "A wolf.")])
        let first = scratch.write("one.jsonl", [copy, other].joined(separator: "\n"))
        let second = scratch.write("two.jsonl", [copy, other].joined(separator: "\n"))

        var options = ExportOptions(outputPath: scratch.path("train.json"))
        options.combine = [first, second]
        let report = try Exporter(store: store).run(options)
        XCTAssertEqual(report.parts.map(\.duplicates), [0, 1, 2])
        XCTAssertEqual(report.parts.map(\.repeatsWithin), [1, 0, 0], "repeats inside one part are kept")
        XCTAssertEqual(report.duplicates.count, 3)
        XCTAssertEqual(report.duplicates.examples.first, "one.jsonl:1:1 (record 0, id 99): same image and conversation as a record of store")
        XCTAssertEqual(try ExportFixture.records(options.outputPath).map { $0["id"]?.jsonText },
                       [#""s1""#, #""s2""#, #""s3""#, "100"])

        options.keepDuplicates = true
        let kept = try Exporter(store: store).run(options)
        XCTAssertEqual(kept.written, 7)
        XCTAssertEqual(kept.duplicates.count, 3)
    }

    func testShuffleIsDeterministicAndSeedDependent() throws {
        let scratch = Scratch()
        let store = try ExportFixture.store(scratch, ExportFixture.llava)
        try ExportFixture.acceptAll(store)
        let mix = scratch.write("mix665.json", Self.mixLike(count: 300, textOnly: 20))
        func export(_ name: String, seed: UInt64, shuffle: Bool = true, format: ExportFormat = .json) throws -> String {
            var options = ExportOptions(outputPath: scratch.path(name), format: format)
            options.combine = [mix]
            options.shuffle = shuffle
            options.seed = seed
            try Exporter(store: store).run(options)
            return ExportFixture.text(options.outputPath)
        }
        let a = try export("a.json", seed: 7)
        let b = try export("b.json", seed: 7)
        let c = try export("c.json", seed: 8)
        let plain = try export("plain.json", seed: 7, shuffle: false)
        XCTAssertEqual(a, b, "same inputs and seed: byte-identical")
        XCTAssertNotEqual(a, c)
        XCTAssertNotEqual(a, plain)
        func sortedRecords(_ text: String) -> [String] {
            text.split(separator: "\n").filter { $0.hasPrefix("{") }.map { $0.hasSuffix(",") ? String($0.dropLast()) : String($0) }.sorted()
        }
        XCTAssertEqual(sortedRecords(a), sortedRecords(plain))
        XCTAssertEqual(sortedRecords(c), sortedRecords(plain))
        XCTAssertEqual(try parseJSON(a).arrayValue?.count, 304)
        let lines = try export("d.jsonl", seed: 7, format: .jsonl)
        XCTAssertEqual(lines.split(separator: "\n").count, 304)
        XCTAssertEqual(ExportFixture.files(in: scratch.url, containing: "winnow-"), [], "the spool is gone")
    }

    func testSeededShuffleIsStable() {
        // Pinned: the order must not change between releases or platforms.
        var values = Array(0..<10)
        SeededShuffle.shuffle(&values, seed: 7)
        var again = Array(0..<10)
        SeededShuffle.shuffle(&again, seed: 7)
        XCTAssertEqual(values, again)
        XCTAssertEqual(values.sorted(), Array(0..<10))
        var random = SplitMix64(seed: 0)
        XCTAssertEqual(random.next(), 0xE220_A839_7B1D_CDAF)
        var xoshiro = Xoshiro256StarStar(seed: 1)
        let first = xoshiro.next()
        var same = Xoshiro256StarStar(seed: 1)
        var other = Xoshiro256StarStar(seed: 2)
        XCTAssertEqual(same.next(), first)
        XCTAssertNotEqual(other.next(), first)
        XCTAssertEqual(SeededShuffle.sample(Array(0..<100), count: 5, seed: 3), SeededShuffle.sample(Array(0..<100), count: 5, seed: 3))
    }

    func testBenchmarkSplitIsHeldOutAndNeverLeaksIntoTraining() throws {
        let scratch = Scratch()
        var records: [String] = []
        for index in 0..<30 {
            records.append(ExportFixture.record(id: "\"q\(index)\"", image: "img\(index).jpg",
                                                [("human", "<image>\nDescribe picture \(index)."), ("gpt", "It shows thing \(index).")],
                                                extra: #""caption": "A detailed caption \#(index).""#))
        }
        records.append(ExportFixture.record(id: "\"text\"", [("human", "Tell a joke."), ("gpt", "No.")]))
        let store = try ExportFixture.store(scratch, "[" + records.joined(separator: ",\n") + "]")
        try ExportFixture.acceptAll(store)
        // Another dataset asks the same questions with other answers: those would leak.
        let leaks = (0..<30).map {
            ExportFixture.record(id: "\($0)", image: "img\($0).jpg", [("human", "<image>\nDescribe picture \($0)."), ("gpt", "Another answer \($0).")])
        }
        let mix = scratch.write("other.jsonl", leaks.joined(separator: "\n"))

        func run(seed: UInt64, name: String) throws -> (ExportReport, [JSONObject], [JSONObject]) {
            var options = ExportOptions(outputPath: scratch.path(name + ".json"))
            options.benchmarkCount = 5
            options.benchmarkPath = scratch.path(name + "-questions.jsonl")
            options.seed = seed
            options.provenance = true
            options.combine = [mix]
            let report = try Exporter(store: store).run(options)
            return (report, try ExportFixture.records(options.outputPath), try ExportFixture.records(scratch.path(name + "-questions.jsonl")))
        }
        let (report, training, questions) = try run(seed: 3, name: "a")
        XCTAssertEqual(questions.count, 5)
        XCTAssertEqual(report.benchmarkQuestions, 5)
        XCTAssertEqual(report.parts[0].heldOut, 5)
        XCTAssertEqual(report.parts[1].benchmarkOverlap, 5)
        XCTAssertEqual(training.count, 31 - 5 + 30 - 5)
        XCTAssertEqual(questions.map { $0["question_id"] }, (0..<5).map { .number(String($0)) })
        let first = questions[0]
        XCTAssertEqual(first.keys, ["question_id", "image", "text", "caption", "category", "winnow_item"])
        let heldItems = Set(questions.compactMap { $0["winnow_item"]?.jsonText })
        let trainingItems = Set(training.compactMap { $0["winnow_item"]?.jsonText })
        XCTAssertTrue(heldItems.isDisjoint(with: trainingItems))
        let heldQuestions = Set(questions.map { ($0["image"]?.stringValue ?? "") + "|" + ($0["text"]?.stringValue ?? "") })
        for record in training {
            let turns = ExportFixture.turns(record)
            let question = (record["image"]?.stringValue ?? "") + "|" + (turns.first?.text.replacingOccurrences(of: "<image>\n", with: "") ?? "")
            XCTAssertFalse(heldQuestions.contains(question), "\(question) leaked into training")
        }
        let number = try XCTUnwrap(first["winnow_item"]?.jsonText)
        XCTAssertEqual(first["text"], .string("Describe picture \(Int(number).map { $0 - 1 } ?? -1)."))
        XCTAssertEqual(first["caption"], .string("A detailed caption \(Int(number).map { $0 - 1 } ?? -1)."))
        XCTAssertEqual(first["category"], .string("vllm_instruction_following"))

        // The same seed draws the same items; another seed other ones.
        let (_, _, again) = try run(seed: 3, name: "b")
        XCTAssertEqual(again.map { $0["winnow_item"] }, questions.map { $0["winnow_item"] })
        let (_, _, other) = try run(seed: 4, name: "c")
        XCTAssertNotEqual(other.map { $0["winnow_item"] }, questions.map { $0["winnow_item"] })
    }

    func testABenchmarkLargerThanTheCandidatesFailsWithoutWriting() throws {
        let scratch = Scratch()
        let store = try ExportFixture.store(scratch, ExportFixture.llava)
        try ExportFixture.acceptAll(store)
        var options = ExportOptions(outputPath: scratch.path("t.json"))
        options.benchmarkCount = 4
        options.benchmarkPath = scratch.path("q.jsonl")
        XCTAssertThrowsError(try Exporter(store: store).run(options)) { error in
            XCTAssertEqual(error as? ExportError, .benchmarkTooSmall(requested: 4, available: 3))
        }
        XCTAssertEqual(ExportFixture.files(in: scratch.url, containing: ".json"), ["mix.json"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path("q.jsonl")))
    }

    func testImageChecksWithRealImages() throws {
        // The demo data: demo-0059 names a missing file, demo-0036 a PNG named .jpg.
        let scratch = Scratch()
        let store = try scratch.store()
        _ = try Importer(store: store).run(ImportOptions(path: TestPaths.sampleData.appendingPathComponent("demo.json").path))
        try ExportFixture.acceptAll(store)
        var options = ExportOptions(outputPath: scratch.path("demo-train.json"))
        options.imageRoot = TestPaths.sampleData.path
        let report = try Exporter(store: store).run(options)

        XCTAssertEqual(report.problems["image_missing"]?.count, 1)
        XCTAssertEqual(report.problems["image_missing"]?.examples,
                       [#"item 59 (demo record 58, id "demo-0059"): images/missing-photo.jpg"#])
        XCTAssertEqual(report.problems["image_extension_mismatch"]?.count, 1)
        XCTAssertEqual(report.problems["image_extension_mismatch"]?.examples.first?.hasPrefix(#"item 36 (demo record 35, id "demo-0036"): images/coins-really-png.jpg"#), true)
        XCTAssertEqual(report.problems[ExportProblemKind.emptyTurn]?.count, 1, "demo-0058")
        XCTAssertEqual(report.fixes["image_token_moved"], 1, "demo-0053's doubled token")
        XCTAssertEqual(report.invalid, 3)
        XCTAssertEqual(report.written, 60)
        XCTAssertEqual(report.parts[0].repeatsWithin, 1, "demo-0063 repeats demo-0005 inside the store: kept")
        let written = try ExportFixture.records(options.outputPath)
        XCTAssertFalse(written.contains { $0["id"] == .string("demo-0059") })
        XCTAssertTrue(written.contains { $0["id"] == .number("1007") })

        // Decoding every image finds nothing more in the sample images.
        options.checkDecode = true
        let decoded = try Exporter(store: store).run(options)
        XCTAssertEqual(decoded.problems.mapValues(\.count), report.problems.mapValues(\.count))

        // A path that climbs out of the image folder is refused.
        let sneaky = scratch.write("sneaky.jsonl", ExportFixture.record(id: "1", image: "../escape.png", [("human", "<image>\nHi"), ("gpt", "Yo")]))
        options.combine = [sneaky]
        options.checkDecode = false
        let outside = try Exporter(store: store).run(options)
        XCTAssertEqual(outside.problems["image_outside_root"]?.count, 1)

        // Rewritten paths are what gets checked.
        options.combine = []
        options.imageMaps = [ImagePathMap(old: "images/", new: "nowhere/")]
        let moved = try Exporter(store: store).run(options)
        XCTAssertEqual(moved.problems["image_missing"]?.count, 61)
    }
}
