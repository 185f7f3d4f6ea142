import Foundation
import GRDB
import WinnowCore
import WinnowTestSupport
import XCTest

/// A store with MM-Instruct-style questions and two models' answers, for the compare tests.
struct CompareFixture {
    let scratch = Scratch()
    let store: Store
    let questions: Int

    /// `count` questions (ids 0..<count; question k asks "Instruction k % 3" of image k), answered by
    /// `zephyr` and `orca`; the answer files list the questions in different orders, and `orca` skips `missingFromB`.
    init(count: Int = 6, missingFromB: Set<Int> = [], categories: Bool = false) throws {
        questions = count
        var lines: [String] = []
        for k in 0..<count {
            let category = categories ? (k % 2 == 0 ? "even" : "odd") : "vllm_instruction_following"
            lines.append(#"{"question_id": \#(k), "image": "img-\#(k).jpg", "text": "Instruction \#(k % 3)", "caption": "Caption \#(k)", "category": "\#(category)"}"#)
        }
        let questionFile = scratch.write("questions.jsonl", lines.joined(separator: "\n") + "\n")
        let zephyr = (0..<count).map { k in
            #"{"question_id": \#(k), "prompt": "p", "text": "zephyr says \#(k)", "model_id": "x", "metadata": {}}"#
        }
        let orca = (0..<count).reversed().filter { !missingFromB.contains($0) }.map { k in
            #"{"question_id": \#(k), "prompt": "p", "text": "orca says \#(k)", "model_id": "x", "metadata": {}}"#
        }
        var options = ImportOptions(path: questionFile)
        options.answers = [scratch.write("zephyr.jsonl", zephyr.joined(separator: "\n") + "\n"),
                           scratch.write("orca.jsonl", orca.joined(separator: "\n") + "\n")]
        store = try scratch.store()
        importReport = try Importer(store: store).run(options)
    }

    var importReport: ImportReport!

    func pairs() throws -> PairSet {
        try store.read { db in try ComparePairs.build(db, a: "zephyr", b: "orca") }
    }

    /// The question key of question `k`.
    func key(_ k: Int) -> QuestionKey {
        QuestionKey(source: "questions", question: String(k), image: "img-\(k).jpg")
    }
}

final class ComparePairsTests: XCTestCase {
    func testAnswersAreJoinedByQuestionIdNotByLine() throws {
        let fixture = try CompareFixture(count: 6)
        let set = try fixture.pairs()
        XCTAssertEqual(set.pairs.count, 6)
        XCTAssertEqual(set.pairs.map(\.key.question), ["0", "1", "2", "3", "4", "5"], "question-file order")
        for pair in set.pairs {
            // orca's file lists the questions backwards: a join by line would pair 0 with 5.
            XCTAssertEqual(pair.answerA, "zephyr says \(pair.key.question)")
            XCTAssertEqual(pair.answerB, "orca says \(pair.key.question)")
            XCTAssertEqual(pair.instruction, "Instruction \(Int(pair.key.question)! % 3)")
            XCTAssertEqual(pair.caption, "Caption \(pair.key.question)")
            XCTAssertEqual(pair.key.image, "img-\(pair.key.question).jpg")
        }
        XCTAssertEqual(set.missing, [])
    }

    func testAQuestionMissingFromOneAnswersFileIsReported() throws {
        let fixture = try CompareFixture(count: 5, missingFromB: [1, 3])
        XCTAssertEqual(fixture.importReport.warnings.count, 2, "the import already warns")
        XCTAssertTrue(fixture.importReport.warnings[0].contains("question_id 1 has no answer"), fixture.importReport.warnings[0])
        let set = try fixture.pairs()
        XCTAssertEqual(set.pairs.map(\.key.question), ["0", "2", "4"])
        XCTAssertEqual(set.missing, [MissingAnswer(key: fixture.key(1), missingModel: "orca"),
                                     MissingAnswer(key: fixture.key(3), missingModel: "orca")])
        XCTAssertEqual(set.missingSummary, ["2 questions have no answer from orca and are left out (question_id 1, 3)."])
    }

    func testUnknownAndSameModelsAreRefusedWithTheModelsThereAre() throws {
        let fixture = try CompareFixture(count: 2)
        XCTAssertThrowsError(try fixture.store.read { db in try ComparePairs.build(db, a: "zephyr", b: "gpt-9") }) { error in
            XCTAssertEqual(error as? CompareError, .unknownModel("gpt-9", available: ["orca", "zephyr"]))
            XCTAssertTrue("\(error)".contains("the models in the store are orca, zephyr"), "\(error)")
        }
        XCTAssertThrowsError(try fixture.store.read { db in try ComparePairs.build(db, a: "orca", b: "orca") }) { error in
            XCTAssertEqual(error as? CompareError, .sameModel("orca"))
        }
    }

    func testStringQuestionIdsKeepTheirLabel() {
        XCTAssertEqual(QuestionKey(source: "s", question: "\"q-17\"", image: nil).label, "q-17")
        XCTAssertEqual(QuestionKey(source: "s", question: "17", image: nil).label, "17")
    }
}
