import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// The scorers on the real MM-Instruct evaluation answers in ../shared/data/mm-instruct-eval.
final class ScoringRealDataTests: XCTestCase {
    static let models = ["Qwen-VL", "gemini-pro", "gpt4v", "llava-v1.5-13b"]

    struct Answer {
        var model: String
        var question: Int
        var instruction: String
        var text: String
    }

    /// The imported and scored store, the answers as read from the files, and the scores by
    /// (model, question id).
    func scoredStore() throws -> (Store, [Answer], [String: [String: Double]], Scratch) {
        guard let shared = TestPaths.shared else { throw XCTSkip("../shared is not available") }
        let directory = shared.appendingPathComponent("data/mm-instruct-eval")
        let questionsPath = directory.appendingPathComponent("MM-Instruct-Eval-question.json").path
        let answerPaths = Self.models.map { directory.appendingPathComponent("baseline_answers/\($0).json").path }
        let scratch = Scratch()
        let store = try scratch.store()
        var options = ImportOptions(path: questionsPath)
        options.answers = answerPaths
        _ = try Importer(store: store).run(options)
        let report = try Scoring(options: ScoringOptions(threads: 2)).scoreAll(store: store)
        XCTAssertEqual(report.items, 99 * 4)

        var instructions: [Int: String] = [:]
        let questions = try JSONRecordReader(path: questionsPath)
        while let record = try questions.next() {
            guard let object = record.value.objectValue, let id = ExternalScores.idText(object["question_id"]).flatMap({ Int($0) }),
                  let text = object["text"]?.stringValue else { continue }
            instructions[id] = text
        }
        var answers: [Answer] = []
        for (model, path) in zip(Self.models, answerPaths) {
            let reader = try JSONRecordReader(path: path)
            while let record = try reader.next() {
                guard let object = record.value.objectValue, let id = ExternalScores.idText(object["question_id"]).flatMap({ Int($0) }),
                      let text = object["text"]?.stringValue else { continue }
                answers.append(Answer(model: model, question: id, instruction: instructions[id] ?? "", text: text))
            }
        }
        var scores: [String: [String: Double]] = [:]
        try store.read { db in
            for row in try Row.fetchAll(db, sql: "SELECT i.model, i.orig_id, s.name, s.value FROM (\(DenseScores.sql)) s JOIN items i ON i.id = s.item_id") {
                scores["\(row[0] as String)/\(row[1] as String)", default: [:]][row[2]] = row[3]
            }
        }
        return (store, answers, scores, scratch)
    }

    func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: pattern, options: [.regularExpression, .caseInsensitive]) != nil
    }

    func testAnswersThatTalkAboutTheirSourceTextAreFlagged() throws {
        let (_, answers, scores, _) = try scoredStore()
        // Found the way a reviewer would grep for them.
        let leaking = answers.filter {
            matches($0.text, #"\bthe (description|caption)s?\b|\byou described\b|\bas described\b|\b(based on|according to) the (description|caption|provided text)\b"#)
        }
        XCTAssertFalse(leaking.isEmpty, "the data holds at least one such answer (Qwen-VL, question 62)")
        for answer in leaking {
            let value = scores["\(answer.model)/\(answer.question)"]?["caption_leak"] ?? 0
            XCTAssertGreaterThanOrEqual(ScoreProfile.builtin.level(name: "caption_leak", value: value), .warn,
                                        "\(answer.model) \(answer.question): \(answer.text.prefix(80))")
        }
        XCTAssertEqual(scores["Qwen-VL/62"]?["caption_leak"], 1)
    }

    func testShortOneLineAnswersToLongFormInstructionsAreOffInstruction() throws {
        let (_, answers, scores, _) = try scoredStore()
        let longForm = #"\b(content|story|narrative|overview|guide|tutorial|blog post|campaign|analy[sz]e|recipe|review|dialogue|postcard)\b"#
        let shortForm = #"\b(caption|haiku|quiz question|slogan)\b"#
        let short = answers.filter { answer in
            let lines = answer.text.split(separator: "\n").filter { $0.contains(where: { !$0.isWhitespace }) }
            let words = answer.text.split(whereSeparator: { $0.isWhitespace }).count
            return matches(answer.instruction, longForm) && !matches(answer.instruction, shortForm) && lines.count == 1 && words < 20
        }
        XCTAssertGreaterThanOrEqual(short.count, 2, "Qwen-VL 71 and llava 60 at least")
        for answer in short {
            let value = scores["\(answer.model)/\(answer.question)"]?["off_instruction"] ?? 0
            XCTAssertEqual(ScoreProfile.builtin.level(name: "off_instruction", value: value), .bad,
                           "\(answer.model) \(answer.question): \(answer.text)")
        }
        // A five-line "haiku".
        XCTAssertEqual(scores["llava-v1.5-13b/7"]?["off_instruction"], 1)
    }

    func testKnownDefectsAreFound() throws {
        let (_, _, scores, _) = try scoredStore()
        for question in [21, 60, 61, 65, 87] {
            XCTAssertEqual(scores["Qwen-VL/\(question)"]?["refusal"], 1, "Qwen-VL \(question) refuses")
        }
        XCTAssertEqual(scores["gemini-pro/3"]?["language"], 1, "an English instruction answered mostly in Japanese")
        for question in [19, 26, 42] {
            XCTAssertEqual(scores["llava-v1.5-13b/\(question)"]?["truncated"], 1, "llava \(question) stops mid-sentence")
        }
        XCTAssertGreaterThanOrEqual(scores["Qwen-VL/25"]?["repetition"] ?? 0, 0.5, "the same two steps repeated ten times")
    }

    func testCleanAnswersAreNotFlagged() throws {
        let (_, answers, scores, _) = try scoredStore()
        // GPT-4V's answers are clean on these scores.
        for answer in answers where answer.model == "gpt4v" {
            let item = scores["gpt4v/\(answer.question)"] ?? [:]
            for name in ["caption_leak", "refusal", "truncated", "language", "format"] {
                XCTAssertEqual(ScoreProfile.builtin.level(name: name, value: item[name] ?? 0), .good,
                               "gpt4v \(answer.question) \(name): \(answer.text.prefix(60))")
            }
        }
        // A few hand-checked clean answers of every model.
        for key in ["gpt4v/0", "gpt4v/6", "gemini-pro/6", "Qwen-VL/0", "llava-v1.5-13b/2", "gemini-pro/81"] {
            for name in ["caption_leak", "refusal", "truncated", "off_instruction", "language", "repetition"] {
                XCTAssertEqual(ScoreProfile.builtin.level(name: name, value: scores[key]?[name] ?? 0), .good, "\(key) \(name)")
            }
        }
        // Every item has every text score, and ungrounded (the questions carry captions).
        XCTAssertEqual(scores.count, 396)
        XCTAssertTrue(scores.values.allSatisfy { $0["ungrounded"] != nil && $0["dup_answer"] != nil })
        XCTAssertEqual(scores["gpt4v/0"]?["dup_instruction"], 1, "each question is asked of four models")
    }
}
