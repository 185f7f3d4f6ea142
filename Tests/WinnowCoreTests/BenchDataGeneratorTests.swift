import Foundation
import XCTest
@testable import WinnowCore

final class BenchDataGeneratorTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("bench-data-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Helpers

    private func path(_ name: String) -> String { directory + "/" + name }

    private func data(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    private func records(_ path: String) throws -> [[String: Any]] {
        let array = try JSONSerialization.jsonObject(with: data(path)) as? [[String: Any]]
        return try XCTUnwrap(array, "\(path) is not a JSON array of objects")
    }

    private func jsonLines(_ path: String) throws -> [[String: Any]] {
        let text = try XCTUnwrap(String(data: data(path), encoding: .utf8))
        return try text.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try XCTUnwrap(object, "not a JSON object: \(line.prefix(80))")
        }
    }

    private func turns(_ record: [String: Any]) -> [(from: String, value: String)] {
        let list = record["conversations"] as? [[String: Any]] ?? []
        return list.map { (($0["from"] as? String) ?? "?", ($0["value"] as? String) ?? "") }
    }

    private func source(_ record: [String: Any]) -> String {
        guard let image = record["image"] as? String else { return "text" }
        return String(image.prefix { $0 != "/" })
    }

    /// Words separated by spaces or newlines (a byte loop: Foundation's splitting is slow in debug builds).
    private func wordCount(_ text: String) -> Int {
        var separators = 0
        for byte in text.utf8 where byte == 32 || byte == 10 { separators += 1 }
        return separators + 1
    }

    private func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    // MARK: Determinism

    func testSameSeedAndCountGiveIdenticalBytes() throws {
        // Given two generators with the same seed
        let a = try BenchDataGenerator(seed: 42).writeLLaVAMix(to: path("a.json"), count: 2_000)
        let b = try BenchDataGenerator(seed: 42).writeLLaVAMix(to: path("b.json"), count: 2_000)
        // Then the files are byte-identical and the summaries agree with the files
        XCTAssertEqual(a, b)
        XCTAssertEqual(try data(path("a.json")), try data(path("b.json")))
        XCTAssertEqual(a.bytes, try data(path("a.json")).count)

        let m1 = try BenchDataGenerator(seed: 42).writeMMInstruct(to: path("m1.json"), count: 300)
        let m2 = try BenchDataGenerator(seed: 42).writeMMInstruct(to: path("m2.json"), count: 300)
        XCTAssertEqual(m1, m2)
        XCTAssertEqual(try data(path("m1.json")), try data(path("m2.json")))

        try BenchDataGenerator(seed: 42).writeEvalSet(directory: path("e1"), questions: 40, models: ["A", "B"])
        try BenchDataGenerator(seed: 42).writeEvalSet(directory: path("e2"), questions: 40, models: ["A", "B"])
        for file in [BenchDataGenerator.evalQuestionsFileName, "baseline_answers/A.json", "baseline_answers/B.json"] {
            XCTAssertEqual(try data(path("e1/" + file)), try data(path("e2/" + file)), file)
        }
    }

    func testDifferentSeedsGiveDifferentBytes() throws {
        _ = try BenchDataGenerator(seed: 1).writeLLaVAMix(to: path("a.json"), count: 2_000)
        _ = try BenchDataGenerator(seed: 2).writeLLaVAMix(to: path("b.json"), count: 2_000)
        XCTAssertNotEqual(try data(path("a.json")), try data(path("b.json")))
        _ = try BenchDataGenerator(seed: 1).writeMMInstruct(to: path("m1.json"), count: 100)
        _ = try BenchDataGenerator(seed: 2).writeMMInstruct(to: path("m2.json"), count: 100)
        XCTAssertNotEqual(try data(path("m1.json")), try data(path("m2.json")))
    }

    // MARK: LLaVA mix

    func testEveryMixRecordHasTheLLaVAShape() throws {
        let summary = try BenchDataGenerator(seed: 3).writeLLaVAMix(to: path("mix.json"), count: 2_000)
        let all = try records(path("mix.json"))
        XCTAssertEqual(all.count, 2_000)
        XCTAssertEqual(summary.records, 2_000)
        XCTAssertEqual(summary.textOnly, all.filter { $0["image"] == nil }.count)

        for (index, record) in all.enumerated() {
            let conversation = turns(record)
            XCTAssertTrue(record["id"] is String, "record \(index): id is not a string")
            XCTAssertGreaterThanOrEqual(conversation.count, 2, "record \(index)")
            XCTAssertEqual(conversation.count % 2, 0, "record \(index) does not end with gpt")
            for (k, turn) in conversation.enumerated() {
                XCTAssertEqual(turn.from, k % 2 == 0 ? "human" : "gpt", "record \(index) turn \(k)")
                XCTAssertFalse(turn.value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty,
                               "record \(index) turn \(k) is empty")
            }
            let text = conversation.map(\.value).joined(separator: "\n")
            if let image = record["image"] as? String {
                XCTAssertTrue(image.hasSuffix(".jpg"), "record \(index): \(image)")
                XCTAssertTrue(conversation[0].value.hasPrefix("<image>\n"), "record \(index)")
                XCTAssertEqual(occurrences(of: "<image>", in: text), 1, "record \(index)")
                XCTAssertNil(record["model"])
            } else {
                XCTAssertEqual(occurrences(of: "<image>", in: text), 0, "record \(index)")
                XCTAssertEqual(record["model"] as? String, "")
            }
        }
    }

    func testImagePathsAndIDsLookLikeTheRealSources() throws {
        _ = try BenchDataGenerator(seed: 4).writeLLaVAMix(to: path("mix.json"), count: 2_000)
        for record in try records(path("mix.json")) {
            guard let image = record["image"] as? String, let id = record["id"] as? String else { continue }
            switch source(record) {
            case "coco":
                XCTAssertEqual(image, "coco/train2017/\(id).jpg")
                XCTAssertEqual(id.count, 12)
                XCTAssertTrue(id.allSatisfy(\.isNumber), id)
            case "vg":
                XCTAssertTrue(image == "vg/VG_100K/\(id).jpg" || image == "vg/VG_100K_2/\(id).jpg", image)
                XCTAssertNotNil(Int(id), id)
            case "gqa":
                XCTAssertEqual(image, "gqa/images/\(id).jpg")
                XCTAssertNotNil(Int(id), id)
            case "ocr_vqa":
                XCTAssertEqual(image, "ocr_vqa/images/\(id).jpg")
                XCTAssertEqual(id.count, 10)
            case "textvqa":
                XCTAssertEqual(image, "textvqa/train_images/\(id).jpg")
            default:
                XCTFail("unexpected image path \(image)")
            }
        }
    }

    func testSourceMixTextOnlyShareAndRepeatedIDsAreRealistic() throws {
        let count = 4_000
        _ = try BenchDataGenerator(seed: 5).writeLLaVAMix(to: path("mix.json"), count: count)
        let all = try records(path("mix.json"))
        var bySource: [String: Int] = [:]
        for record in all { bySource[source(record), default: 0] += 1 }
        let targets = ["coco": 0.547, "vg": 0.130, "gqa": 0.108, "ocr_vqa": 0.120, "textvqa": 0.033, "text": 0.061]
        for (name, share) in targets {
            XCTAssertEqual(Double(bySource[name] ?? 0) / Double(count), share, accuracy: 0.02, name)
        }
        XCTAssertEqual(Set(bySource.keys), Set(targets.keys))

        // Text-only records sit near the end of the file.
        let firstTextOnly = try XCTUnwrap(all.firstIndex { $0["image"] == nil })
        XCTAssertGreaterThan(firstTextOnly, count * 8 / 10)

        // Some ids repeat (about 5 % of records), mostly COCO ones.
        var seen = Set<String>()
        var repeats = 0
        var cocoRepeats = 0
        for record in all {
            let id = record["id"] as? String ?? ""
            if !seen.insert(id).inserted {
                repeats += 1
                if source(record) == "coco" { cocoRepeats += 1 }
            }
        }
        XCTAssertEqual(Double(repeats) / Double(count), 0.05, accuracy: 0.025)
        XCTAssertGreaterThan(cocoRepeats, repeats / 2)
    }

    func testFullSizeSourceCountsMatchTheRealFile() {
        XCTAssertEqual(LLaVAMixWriter.scaledCounts(665_298), [364_100, 86_417, 72_140, 80_000, 21_953, 40_688])
        for count in [0, 1, 7, 2_000, 12_345] {
            XCTAssertEqual(LLaVAMixWriter.scaledCounts(count).reduce(0, +), count)
        }
    }

    func testCharactersThatNeedEscapingAppearAndRoundTrip() throws {
        _ = try BenchDataGenerator(seed: 6).writeLLaVAMix(to: path("mix.json"), count: 2_000)
        let raw = try data(path("mix.json"))
        let rawText = try XCTUnwrap(String(data: raw, encoding: .utf8))
        // Escapes are present in the bytes...
        XCTAssertTrue(rawText.contains(#"\""#))
        XCTAssertTrue(rawText.contains(#"\\"#))
        XCTAssertTrue(rawText.contains(#"\n"#))
        XCTAssertTrue(rawText.contains(#"\u00"#), "some non-ASCII text is \\u-escaped")
        XCTAssertTrue(raw.contains { $0 >= 0x80 }, "some non-ASCII text is raw UTF-8")

        // ...and decode to the intended characters.
        let values = try records(path("mix.json")).flatMap { turns($0).map(\.value) }
        let joined = values.joined(separator: "\u{0}")
        XCTAssertTrue(joined.contains("\""))
        XCTAssertTrue(joined.contains("\\"))
        XCTAssertTrue(values.contains { $0.dropFirst(8).contains("\n") })
        XCTAssertTrue(joined.unicodeScalars.contains { (0xC0...0x17F).contains($0.value) }, "accented letters")
        XCTAssertTrue(joined.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "CJK")
        XCTAssertTrue(rawText.contains(#"\ud83d"#), "an escaped surrogate pair")
        XCTAssertTrue(joined.unicodeScalars.contains { $0.value > 0xFFFF }, "characters outside the BMP")
        XCTAssertFalse(joined.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\u{0}" })

        // Decoding and re-encoding a value gives the same value back.
        for value in values where value.contains("\\") || value.contains("\"") {
            let encoded = try JSONSerialization.data(withJSONObject: [value])
            XCTAssertEqual(try JSONSerialization.jsonObject(with: encoded) as? [String], [value])
        }
    }

    func testEmptyAndTinyFilesAreValidJSON() throws {
        for count in [0, 1, 2] {
            let summary = try BenchDataGenerator().writeLLaVAMix(to: path("mix\(count).json"), count: count)
            XCTAssertEqual(try records(path("mix\(count).json")).count, count)
            XCTAssertEqual(summary.records, count)
            _ = try BenchDataGenerator().writeMMInstruct(to: path("mm\(count).json"), count: count)
            XCTAssertEqual(try records(path("mm\(count).json")).count, count)
        }
    }

    // MARK: MM-Instruct

    func testMMInstructRecordsHaveCaptionsLongAnswersAndRealisticDefects() throws {
        let count = 3_000
        let summary = try BenchDataGenerator(seed: 8).writeMMInstruct(to: path("mm.json"), count: count)
        let all = try records(path("mm.json"))
        XCTAssertEqual(all.count, count)
        XCTAssertEqual(summary, BenchFileSummary(records: count, textOnly: 0, bytes: try data(path("mm.json")).count))

        var answerWords = 0
        var captionWords = 0
        var mentions = 0, refusals = 0, truncated = 0, repetitive = 0
        var instructions = Set<String>()
        for (index, record) in all.enumerated() {
            let image = try XCTUnwrap(record["image"] as? String, "record \(index)")
            XCTAssertTrue(image.hasPrefix("sa_") || image.count == 36, image)
            let caption = try XCTUnwrap(record["caption"] as? String, "record \(index) has no caption")
            captionWords += wordCount(caption)
            let conversation = turns(record)
            XCTAssertEqual(conversation.map(\.from), ["human", "gpt"], "record \(index)")
            XCTAssertTrue(conversation[0].value.hasPrefix("<image>\n"))
            instructions.insert(String(conversation[0].value.dropFirst(8)))
            let answer = conversation[1].value
            XCTAssertFalse(answer.contains("<image>"))
            answerWords += wordCount(answer)

            let lower = answer.lowercased()
            if lower.contains("the description") || lower.contains("the caption") { mentions += 1 }
            if answer.hasPrefix("I'm sorry") || answer.hasPrefix("I apologize") || answer.hasPrefix("As an AI") {
                refusals += 1
            }
            if let last = answer.last, !".!?\"".contains(last) { truncated += 1 }
            var sentenceCounts: [String: Int] = [:]
            for sentence in answer.components(separatedBy: ". ") where sentence.utf8.count > 15 {
                sentenceCounts[sentence, default: 0] += 1
            }
            if sentenceCounts.values.contains(where: { $0 >= 3 }) { repetitive += 1 }
        }
        XCTAssertGreaterThan(answerWords / count, 200, "answers are long on average")
        XCTAssertEqual(Double(captionWords) / Double(count), 80, accuracy: 15)
        XCTAssertGreaterThan(instructions.count, 250, "instructions come from ~300 templates")
        XCTAssertLessThanOrEqual(instructions.count, 300)
        let rate = { (n: Int) in Double(n) / Double(count) }
        XCTAssertEqual(rate(mentions), 0.03, accuracy: 0.012, "mentions the description/caption")
        XCTAssertEqual(rate(refusals), 0.01, accuracy: 0.006, "refusals")
        XCTAssertEqual(rate(truncated), 0.02, accuracy: 0.01, "truncated")
        XCTAssertEqual(rate(repetitive), 0.01, accuracy: 0.006, "repetitive")
    }

    // MARK: Evaluation set

    func testEvalAnswersCoverEveryQuestionOnceInAShuffledOrder() throws {
        let models = ["GPT4-V", "llava-v1.5-13b", "org/model"]
        try BenchDataGenerator(seed: 9).writeEvalSet(directory: path("eval"), questions: 60, models: models)
        let questions = try jsonLines(path("eval/" + BenchDataGenerator.evalQuestionsFileName))
        XCTAssertEqual(questions.compactMap { $0["question_id"] as? Int }, Array(0..<60))
        var prompts: [Int: String] = [:]
        for question in questions {
            let id = try XCTUnwrap(question["question_id"] as? Int)
            prompts[id] = question["text"] as? String
            XCTAssertNotNil(question["caption"] as? String)
            XCTAssertEqual(question["category"] as? String, "vllm_instruction_following")
            XCTAssertTrue((question["image"] as? String)?.hasSuffix(".jpg") ?? false)
        }

        var orders: [[Int]] = []
        for model in models {
            let file = path("eval/baseline_answers/" + BenchDataGenerator.evalAnswersFileName(model: model))
            let answers = try jsonLines(file)
            let ids = answers.compactMap { $0["question_id"] as? Int }
            XCTAssertEqual(ids.count, 60, model)
            XCTAssertEqual(Set(ids), Set(0..<60), model)
            XCTAssertNotEqual(ids, Array(0..<60), "\(model) answers are in question order")
            orders.append(ids)
            for answer in answers {
                let id = try XCTUnwrap(answer["question_id"] as? Int)
                XCTAssertEqual(answer["prompt"] as? String, prompts[id], model)
                XCTAssertEqual(answer["model_id"] as? String, model)
                XCTAssertFalse((answer["text"] as? String ?? "").isEmpty)
                XCTAssertNotNil(answer["metadata"] as? [String: Any])
            }
        }
        XCTAssertNotEqual(orders[0], orders[1], "each model has its own order")
    }

    // MARK: Errors and corpus

    func testUnwritablePathThrowsAnErrorNamingThePathAndReason() {
        let missing = path("no/such/dir/mix.json")
        XCTAssertThrowsError(try BenchDataGenerator().writeLLaVAMix(to: missing, count: 10)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains(missing), text)
            XCTAssertTrue(text.contains("No such file or directory"), text)
        }
        // A file where a directory should be.
        let file = path("plain-file")
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data()))
        XCTAssertThrowsError(try BenchDataGenerator().writeEvalSet(directory: file + "/eval", questions: 3, models: ["m"])) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains(file), text)
            XCTAssertTrue(text.contains("Not a directory"), text)
        }
    }

    func testEveryTemplateSlotAndListNameResolves() throws {
        let lexicon = BenchLexicon()
        let out = try BenchOutput(path: path("scratch.json"))
        let composer = BenchComposer(lexicon: lexicon, output: out, seed: 1)
        _ = LLaVAMixWriter(composer: composer, count: 1)
        _ = MMInstructWriter(composer: composer)
        XCTAssertEqual(lexicon.unknownSlots, [])
        XCTAssertEqual(BenchCorpus.mmInstructions.count, 300)
        XCTAssertEqual(Set(BenchCorpus.mmInstructions).count, 300)
        try out.finish()
    }

    func testEscapingMatchesJSONRules() throws {
        let source = "a\"b\\c\nd\te\u{1}é東😀"
        let utf8 = BenchLexicon.escape(source, asciiOnly: false)
        let ascii = BenchLexicon.escape(source, asciiOnly: true)
        XCTAssertTrue(ascii.allSatisfy { $0 < 0x80 })
        XCTAssertEqual(String(decoding: ascii, as: UTF8.self), #"a\"b\\c\nd\te\u0001\u00e9\u6771\ud83d\ude00"#)
        for bytes in [utf8, ascii] {
            let decoded = try JSONSerialization.jsonObject(with: Data([34] + bytes + [34]), options: .fragmentsAllowed)
            XCTAssertEqual(decoded as? String, source)
        }
    }
}
