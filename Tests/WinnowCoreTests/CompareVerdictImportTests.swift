import Foundation
import GRDB
import WinnowCore
import WinnowTestSupport
import XCTest

final class CompareVerdictImportTests: XCTestCase {
    func testAgreementWithAJudgeMatchesTheHandComputation() throws {
        let fixture = try CompareFixture(count: 6)
        let set = try fixture.pairs()
        // People, one order each (zephyr on the left): ana on questions 0–4, bob on 0 and 5.
        let people: [(Int, PairVerdict, String)] = [(0, .left, "ana"), (1, .right, "ana"), (2, .tie, "ana"), (3, .left, "ana"),
                                                    (4, .right, "ana"), (0, .left, "bob"), (5, .left, "bob")]
        try fixture.store.write { db in
            for (k, verdict, reviewer) in people {
                try Judgments.record(db, JudgedShowing(Showing(pair: k, leftIsA: true, order: 0), in: set, plan: nil),
                                     verdict: verdict, reviewer: reviewer)
            }
        }
        let file = fixture.scratch.write("judge.jsonl", """
            {"question_id": 0, "model_a": "zephyr", "model_b": "orca", "verdict": "A"}
            {"question_id": 0, "order": "BA", "verdict": "B"}
            {"question_id": 1, "order": "AB", "verdict": "A"}
            {"question_id": 2, "model_a": "orca", "model_b": "zephyr", "verdict": "C"}
            {"question_id": 3, "order": "AB", "verdict": "a"}
            {"question_id": 3, "order": "BA", "judgment": "A"}
            {"question_id": 4, "order": "ab", "verdict": "B"}
            {"question_id": 7, "order": "AB", "verdict": "tie"}

            """)
        let verdicts = try JudgeVerdicts.read(path: file, modelA: "zephyr", modelB: "orca")
        XCTAssertEqual(verdicts.count, 8)
        XCTAssertEqual(verdicts[1], JudgeVerdict(line: 2, question: "0", source: nil, shownA: "orca", shownB: "zephyr", verdict: .model("zephyr")))
        let agreement = try fixture.store.read { db in
            try VerdictAgreement.make(db, path: file, verdicts: verdicts, modelA: "zephyr", modelB: "orca")
        }
        // The judge after the protocol rule: 0 A (both orders), 1 A, 2 tie, 3 tie (orders disagree), 4 B, 7 tie (no person).
        XCTAssertEqual([agreement.questions, agreement.bothOrders, agreement.unmatched], [6, 2, 1])
        XCTAssertEqual([agreement.judge.winsA, agreement.judge.ties, agreement.judge.winsB], [2, 3, 1])
        XCTAssertEqual(agreement.raters.map(\.name), ["ana", "bob", "pooled"])

        // ana against the judge: (A,A) (B,A) (tie,tie) (A,tie) (B,B).
        let ana = agreement.raters[0].result
        XCTAssertEqual(ana.count, 5)
        XCTAssertEqual(ana.table.labels, ["A", "B", "tie"])
        XCTAssertEqual(ana.table.counts, [[1, 0, 1], [1, 1, 0], [0, 0, 1]])
        XCTAssertEqual(ana.observedAgreement, 0.6, accuracy: 1e-12)
        XCTAssertEqual(ana.expectedAgreement, 8.0 / 25.0, accuracy: 1e-12)      // (2·2 + 2·1 + 1·2) / 25
        XCTAssertEqual(ana.kappa ?? .nan, 0.28 / 0.68, accuracy: 1e-12)
        // bob shares one question with the judge and agrees: kappa is undefined (chance agreement is 1).
        XCTAssertEqual(agreement.raters[1].result.count, 1)
        XCTAssertNil(agreement.raters[1].result.kappa)
        // Pooled: ana's five pairs and bob's (A,A).
        let pooled = agreement.raters[2].result
        XCTAssertEqual(pooled.table.counts, [[2, 0, 1], [1, 1, 0], [0, 0, 1]])
        XCTAssertEqual(pooled.kappa ?? .nan, 11.0 / 23.0, accuracy: 1e-12)     // (4/6 − 13/36) / (1 − 13/36)

        let text = agreement.text
        XCTAssertTrue(text.contains("8 verdicts on 6 questions"), text)
        XCTAssertTrue(text.contains("0.412"), text)
        XCTAssertTrue(text.contains("0.478"), text)
        XCTAssertTrue(text.contains("1 of these question has no reviewer's judgment yet and is not compared"), text)
        guard case let .object(root) = agreement.json, case let .array(raters)? = root["agreement"],
              case let .object(first)? = raters.first else { return XCTFail() }
        XCTAssertEqual(first["kappa"], .number("0.4118"))
        XCTAssertEqual(first["confusion"], .array([[1, 0, 1], [1, 1, 0], [0, 0, 1]].map { .array($0.map { .number(String($0)) }) }))
    }

    func testBadLinesAreReportedWithTheirLine() throws {
        let scratch = Scratch()
        func failure(_ text: String) -> String {
            let path = scratch.write("bad-\(UUID().uuidString.prefix(6)).jsonl", text)
            do {
                _ = try JudgeVerdicts.read(path: path, modelA: "zephyr", modelB: "orca")
                return "no error"
            } catch {
                XCTAssertTrue("\(error)".hasPrefix(path + ":"), "\(error)")
                return "\(error)".replacingOccurrences(of: path, with: "FILE")
            }
        }
        let good = #"{"question_id": 0, "order": "AB", "verdict": "A"}"#
        XCTAssertEqual(failure(good + "\n" + #"{"question_id": 1, "order": "AB", "verdict": "D"}"#),
                       #"FILE:2: 'verdict' must be A, B or C, found "D". Nothing was imported; fix the line."#)
        XCTAssertTrue(failure(good + "\n\n" + #"{"question_id": 1, "verdict": "A"}"#).hasPrefix("FILE:3: say which answer came first"))
        XCTAssertTrue(failure(#"{"question_id": 1, "order": "XY", "verdict": "A"}"#).hasPrefix("FILE:1: 'order' must be AB or BA"))
        XCTAssertTrue(failure(#"{"question_id": 1, "model_a": "gpt4v", "model_b": "orca", "verdict": "A"}"#)
            .contains("model_a and model_b are gpt4v and orca, but this comparison is zephyr vs orca"))
        XCTAssertTrue(failure(good + "\n" + #"{"question_id": 0, "model_a": "zephyr", "model_b": "orca", "verdict": "B"}"#)
            .hasPrefix("FILE:2: question_id 0 was already judged with zephyr first (line 1)"))
        XCTAssertTrue(failure(#"{"order": "AB", "verdict": "A"}"#).hasPrefix("FILE:1: 'question_id' is missing"))
        XCTAssertTrue(failure(good + "\n{\"question_id\": 2,").hasPrefix("FILE:2: not valid JSON"))
        XCTAssertThrowsError(try JudgeVerdicts.read(path: scratch.path("absent.jsonl"), modelA: "a", modelB: "b")) { error in
            guard case .unreadable? = error as? CompareError else { return XCTFail("\(error)") }
        }
    }
}
