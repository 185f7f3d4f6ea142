import WinnowCore
import XCTest

/// MM-Instruct's rule: judged in both orders, agreeing verdicts are the outcome and
/// disagreeing ones a tie; a single order counts as it is.
final class CompareProtocolTests: XCTestCase {
    let key = QuestionKey(source: "q", question: "0", image: "img-0.jpg")

    func verdict(_ left: String, _ said: PairVerdict, reviewer: String = "ana") -> ScoredVerdict {
        ScoredVerdict(reviewer: reviewer, key: key, leftModel: left, rightModel: left == "A" ? "B" : "A", verdict: said)
    }

    func outcome(_ verdicts: [ScoredVerdict]) -> PairOutcome? {
        let outcomes = ProtocolRule.outcomes(verdicts, modelA: "A", modelB: "B")
        XCTAssertLessThanOrEqual(outcomes.count, 1)
        return outcomes.first?.outcome
    }

    func testEveryCombinationOfOrdersAndVerdicts() {
        // (model on the left first, first verdict, second verdict with the sides swapped, outcome), by hand.
        let table: [(String, PairVerdict, PairVerdict, PairOutcome)] = [
            ("A", .left, .left, .tie),    // A, then B: disagree
            ("A", .left, .right, .a),     // A, then A
            ("A", .left, .tie, .tie),     // A, then tie
            ("A", .right, .left, .b),     // B, then B
            ("A", .right, .right, .tie),  // B, then A
            ("A", .right, .tie, .tie),    // B, then tie
            ("A", .tie, .left, .tie),     // tie, then B
            ("A", .tie, .right, .tie),    // tie, then A
            ("A", .tie, .tie, .tie),      // tie, then tie: agree
            ("B", .left, .left, .tie),    // B, then A
            ("B", .left, .right, .b),     // B, then B
            ("B", .left, .tie, .tie),     // B, then tie
            ("B", .right, .left, .a),     // A, then A
            ("B", .right, .right, .tie),  // A, then B
            ("B", .right, .tie, .tie),    // A, then tie
            ("B", .tie, .left, .tie),     // tie, then A
            ("B", .tie, .right, .tie),    // tie, then B
            ("B", .tie, .tie, .tie),      // tie, then tie
        ]
        for (firstLeft, first, second, expected) in table {
            let secondLeft = firstLeft == "A" ? "B" : "A"
            let verdicts = [verdict(firstLeft, first), verdict(secondLeft, second)]
            XCTAssertEqual(outcome(verdicts), expected, "\(firstLeft) left: \(first), then \(second)")
            XCTAssertEqual(outcome(verdicts.reversed()), expected, "the order the verdicts were given in does not matter")
            XCTAssertEqual(ProtocolRule.outcomes(verdicts, modelA: "A", modelB: "B").first?.orders, 2)
        }
    }

    func testASingleOrderCountsAsItIs() {
        let table: [(String, PairVerdict, PairOutcome)] = [
            ("A", .left, .a), ("A", .right, .b), ("A", .tie, .tie),
            ("B", .left, .b), ("B", .right, .a), ("B", .tie, .tie),
        ]
        for (left, said, expected) in table {
            XCTAssertEqual(outcome([verdict(left, said)]), expected, "\(left) left: \(said)")
            XCTAssertEqual(ProtocolRule.outcomes([verdict(left, said)], modelA: "A", modelB: "B").first?.orders, 1)
        }
    }

    func testCombineOnPreferences() {
        XCTAssertNil(ProtocolRule.combine([]))
        XCTAssertEqual(ProtocolRule.combine([.model("A")]), .model("A"))
        XCTAssertEqual(ProtocolRule.combine([.model("A"), .model("A")]), .model("A"))
        XCTAssertEqual(ProtocolRule.combine([.model("A"), .model("B")]), .tie)
        XCTAssertEqual(ProtocolRule.combine([.tie, .model("B")]), .tie)
        XCTAssertEqual(ProtocolRule.combine([.tie, .tie]), .tie)
    }

    func testTheRuleAppliesPerReviewerAndIgnoresOtherPairs() {
        let verdicts = [
            verdict("A", .left, reviewer: "ana"), verdict("B", .right, reviewer: "ana"),   // ana: A twice → A
            verdict("A", .right, reviewer: "bob"),                                          // bob: B once → B
            ScoredVerdict(reviewer: "ana", key: key, leftModel: "A", rightModel: "C", verdict: .left),
        ]
        let outcomes = ProtocolRule.outcomes(verdicts, modelA: "A", modelB: "B")
        XCTAssertEqual(outcomes.map(\.reviewer), ["ana", "bob"])
        XCTAssertEqual(outcomes.map(\.outcome), [.a, .b])
    }
}
