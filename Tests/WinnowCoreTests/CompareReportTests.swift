import Foundation
import GRDB
import WinnowCore
import WinnowTestSupport
import XCTest

final class CompareReportTests: XCTestCase {
    /// Six questions (instruction k % 3); ana judges four (three in both orders), bob three.
    func judgedFixture() throws -> CompareFixture {
        let fixture = try CompareFixture(count: 6)
        let set = try fixture.pairs()
        func judge(_ k: Int, zephyrLeft: Bool, _ verdict: PairVerdict, _ reviewer: String) throws {
            try fixture.store.write { db in
                try Judgments.record(db, JudgedShowing(Showing(pair: k, leftIsA: zephyrLeft, order: 0), in: set, plan: nil),
                                     verdict: verdict, reviewer: reviewer)
            }
        }
        try judge(0, zephyrLeft: true, .left, "ana")    // zephyr
        try judge(0, zephyrLeft: false, .right, "ana")  // zephyr again → A
        try judge(1, zephyrLeft: true, .right, "ana")   // orca
        try judge(1, zephyrLeft: false, .left, "ana")   // orca again → B
        try judge(2, zephyrLeft: true, .left, "ana")    // zephyr
        try judge(2, zephyrLeft: false, .left, "ana")   // orca: orders disagree → tie
        try judge(3, zephyrLeft: true, .tie, "ana")     // one order, tie
        try judge(0, zephyrLeft: false, .right, "bob")  // zephyr → A
        try judge(4, zephyrLeft: true, .left, "bob")    // zephyr → A
        try judge(5, zephyrLeft: false, .left, "bob")   // orca → B
        return fixture
    }

    func counts(_ tally: Tally) -> [Int] { [tally.judgments, tally.winsA, tally.ties, tally.winsB, tally.questions, tally.bothOrders] }

    func testNumbersMatchTheHandCount() throws {
        let fixture = try judgedFixture()
        let report = try fixture.store.read { db in
            try CompareReport.make(db, models: ("zephyr", "orca"), bootstrap: Bootstrap(resamples: 200, seed: 3))
        }
        XCTAssertEqual(report.pairs.count, 1)
        let pair = report.pairs[0]
        XCTAssertEqual([pair.modelA, pair.modelB], ["zephyr", "orca"])
        // judgments, A wins, ties, B wins, questions, in both orders.
        XCTAssertEqual(counts(pair.pooled), [7, 3, 2, 2, 6, 3])
        XCTAssertEqual(pair.reviewers.map(\.reviewer), ["ana", "bob"])
        XCTAssertEqual(counts(pair.reviewers[0].tally), [4, 1, 2, 1, 4, 3])
        XCTAssertEqual(counts(pair.reviewers[1].tally), [3, 2, 0, 1, 3, 0])
        XCTAssertEqual(pair.pooled.shareA, 3.0 / 7.0, accuracy: 1e-12)
        // One category only, so the groups are the instructions.
        XCTAssertEqual(pair.grouping, .instruction)
        XCTAssertEqual(pair.groups.map(\.key), ["Instruction 0", "Instruction 1", "Instruction 2"])
        XCTAssertEqual(pair.groups.map { counts($0.tally) }, [[3, 2, 1, 0, 2, 1], [2, 1, 0, 1, 2, 1], [2, 0, 1, 1, 2, 1]])
        XCTAssertEqual(pair.reviewers[1].groups.map(\.key), ["Instruction 0", "Instruction 1", "Instruction 2"])
        XCTAssertEqual(pair.reviewers[1].groups.map { counts($0.tally) }, [[1, 1, 0, 0, 1, 0], [1, 1, 0, 0, 1, 0], [1, 0, 0, 1, 1, 0]])

        // Reversed orientation swaps A and B and nothing else.
        let reversed = try fixture.store.read { db in try CompareReport.make(db, models: ("orca", "zephyr")) }.pairs[0]
        XCTAssertEqual(counts(reversed.pooled), [7, 2, 2, 3, 6, 3])

        // The JSON carries the same numbers under the documented names.
        guard case let .object(root) = report.json, case let .array(pairs)? = root["pairs"], case let .object(first)? = pairs.first else {
            return XCTFail("unexpected JSON \(report.json.jsonText)")
        }
        XCTAssertEqual(first["model_a"], .string("zephyr"))
        XCTAssertEqual(first["judgments"], .number("7"))
        XCTAssertEqual(first["wins_a"], .number("3"))
        XCTAssertEqual(first["wins_b"], .number("2"))
        XCTAssertEqual(first["ties"], .number("2"))
        XCTAssertEqual(first["share_a"], .number("0.4286"))
        guard case let .array(ci)? = first["ci_a"], ci.count == 2 else { return XCTFail("ci_a missing") }
        guard case let .array(reviewers)? = first["reviewers"], case let .object(bob)? = reviewers.last else { return XCTFail() }
        XCTAssertEqual(bob["reviewer"], .string("bob"))
        XCTAssertEqual(bob["wins_a"], .number("2"))

        let text = report.text
        XCTAssertTrue(text.contains("zephyr (A) vs orca (B): 6 questions, 7 judgments by 2 reviewers (3 in both orders)"), text)
        XCTAssertTrue(text.contains("  pooled"), text)
        XCTAssertTrue(text.contains("reviewer bob"), text)
        XCTAssertTrue(text.contains("3 43%"), text)
    }

    func testWithoutModelsEveryPairIsReportedAsItsFirstComparisonWasStarted() throws {
        let fixture = try judgedFixture()
        try fixture.store.write { db in _ = try ComparePlan.open(db, a: "zephyr", b: "orca", reviewer: "ana", seed: 1) }
        let report = try fixture.store.read { db in try CompareReport.make(db) }
        XCTAssertEqual(report.pairs.map { [$0.modelA, $0.modelB] }, [["zephyr", "orca"]])
        XCTAssertEqual(report.pairs[0].pooled.winsA, 3)
    }

    func testCategoriesGroupWhenThereAreSeveral() throws {
        let fixture = try CompareFixture(count: 4, categories: true)
        let set = try fixture.pairs()
        try fixture.store.write { db in
            for k in 0..<4 {
                try Judgments.record(db, JudgedShowing(Showing(pair: k, leftIsA: true, order: 0), in: set, plan: nil),
                                     verdict: k == 3 ? .right : .left, reviewer: "ana")
            }
        }
        let pair = try fixture.store.read { db in try CompareReport.make(db, models: ("zephyr", "orca")) }.pairs[0]
        XCTAssertEqual(pair.grouping, .category)
        XCTAssertEqual(pair.groups.map(\.key), ["even", "odd"])
        XCTAssertEqual(pair.groups.map { [$0.tally.winsA, $0.tally.winsB] }, [[2, 0], [1, 1]])
    }

    func testMissingAnswersAreInTheReport() throws {
        let fixture = try CompareFixture(count: 3, missingFromB: [2])
        let set = try fixture.pairs()
        try fixture.store.write { db in
            try Judgments.record(db, JudgedShowing(Showing(pair: 0, leftIsA: true, order: 0), in: set, plan: nil), verdict: .tie, reviewer: "ana")
        }
        let report = try fixture.store.read { db in try CompareReport.make(db, models: ("zephyr", "orca")) }
        XCTAssertEqual(report.pairs[0].missing, [MissingAnswer(key: fixture.key(2), missingModel: "orca")])
        XCTAssertTrue(report.text.contains("1 question has no answer from orca and is left out (question_id 2)"), report.text)
    }

    // MARK: - Bootstrap

    func testQuantilesInterpolateBetweenOrderStatistics() {
        XCTAssertEqual(Bootstrap.quantile([1, 2, 3, 4], 0.5), 2.5)
        XCTAssertEqual(Bootstrap.quantile([0, 10], 0.025), 0.25, accuracy: 1e-12)
        XCTAssertEqual(Bootstrap.quantile([0, 10], 0.975), 9.75, accuracy: 1e-12)
        XCTAssertEqual(Bootstrap.quantile([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.25), 2.5, accuracy: 1e-12)
        XCTAssertEqual(Bootstrap.quantile([7], 0.9), 7)
        XCTAssertTrue(Bootstrap.quantile([], 0.5).isNaN)
    }

    func testIntervalsAreReproducibleAndBehaveAtTheEdges() throws {
        let bootstrap = Bootstrap(resamples: 1000, seed: 1)
        // Every question won by A: no resample can say otherwise.
        let allA = try XCTUnwrap(bootstrap.intervals(Array(repeating: Bootstrap.Cluster(a: 1), count: 10)))
        XCTAssertEqual(allA.a, ShareInterval(lower: 1, upper: 1))
        XCTAssertEqual(allA.b, ShareInterval(lower: 0, upper: 0))
        // Two questions, one each way: a resample's A share is 0, ½ or 1 with chances ¼, ½, ¼,
        // so the 2.5% and 97.5% quantiles of 1000 resamples are 0 and 1.
        let split = try XCTUnwrap(bootstrap.intervals([Bootstrap.Cluster(a: 1), Bootstrap.Cluster(b: 1)]))
        XCTAssertEqual(split.a, ShareInterval(lower: 0, upper: 1))
        // A realistic mix: the interval holds the point estimate, and the same seed gives the same interval.
        let clusters = (0..<60).map { k in k % 5 < 2 ? Bootstrap.Cluster(a: 1) : k % 5 < 4 ? Bootstrap.Cluster(b: 1) : Bootstrap.Cluster(tie: 1) }
        let first = try XCTUnwrap(bootstrap.intervals(clusters))
        XCTAssertLessThan(first.a.lower, 0.4)
        XCTAssertGreaterThan(first.a.upper, 0.4)
        XCTAssertGreaterThan(first.a.lower, 0.2, "60 questions give a usefully narrow interval")
        XCTAssertLessThan(first.a.upper, 0.6)
        XCTAssertEqual(try XCTUnwrap(bootstrap.intervals(clusters)).a, first.a)
        XCTAssertNotEqual(try XCTUnwrap(Bootstrap(resamples: 1000, seed: 2).intervals(clusters)).a, first.a)
        XCTAssertNil(bootstrap.intervals([]))
        XCTAssertNil(Bootstrap(resamples: 0).intervals(clusters))
    }

    func testAQuestionJudgedByTwoReviewersIsOneResamplingUnit() throws {
        // Two questions, each judged by two reviewers alike: every resample draws whole questions,
        // so the A share is always 0, ½ or 1, never ¼ or ¾.
        let bootstrap = Bootstrap(resamples: 500, seed: 9)
        let outcomes = [("ana", "0", PairOutcome.a), ("bob", "0", .a), ("ana", "1", .b), ("bob", "1", .b)].map {
            QuestionOutcome(reviewer: $0.0, key: QuestionKey(source: "q", question: $0.1, image: nil), outcome: $0.2, orders: 1)
        }
        let tally = Tally(outcomes, bootstrap: bootstrap)
        XCTAssertEqual(tally.questions, 2)
        XCTAssertEqual(tally.intervalA, ShareInterval(lower: 0, upper: 1))
    }
}
