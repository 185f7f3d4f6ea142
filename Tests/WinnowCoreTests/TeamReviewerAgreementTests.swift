import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// Agreement read from the decision log, and its agreement with `disagree:any`.
final class TeamReviewerAgreementTests: XCTestCase {
    /// ana and bob on items 1–10, carl on 1–4:
    /// - ana: A A A A A R R R R R (items 1–10)
    /// - bob: A A A R R R R R A A
    /// - carl: A R A A (items 1–4)
    /// ana–bob: table [[3, 2], [2, 3]] (rows ana), pₒ = 6/10, pₑ = 0.5·0.5 + 0.5·0.5 = 0.5, κ = 0.2.
    /// ana–carl: items 1–4, ana A A A A, carl A R A A: pₒ = 3/4; ana always A so pₑ = 1·(3/4) = 0.75; κ = 0.
    /// bob–carl: bob A A A R, carl A R A A: [[2, 1], [1, 0]], pₒ = 2/4, pₑ = (3/4)(3/4) + (1/4)(1/4) = 10/16, κ = (8/16 − 10/16)/(6/16) = −1/3.
    /// Alpha over units 1–10: values per unit
    ///   1 [A,A,A] 2 [A,A,R] 3 [A,A,A] 4 [A,R,A] 5 [A,R] 6 [R,R] 7 [R,R] 8 [R,R] 9 [R,A] 10 [R,A]
    ///   n = 4·3 + 6·2 = 24. Off-diagonal coincidences: units 2 and 4 (m = 3, counts 2/1): 2·1·2/2 = 2 each;
    ///   units 5, 9, 10 (m = 2): 2 each. Σ = 10. n_A = 3+2+3+2+1+1+1 = 13, n_R = 11.
    ///   α = 1 − 23·10 / (2·13·11) = 1 − 230/286 = 56/286.
    /// Disagreements: items 2, 4, 5, 9, 10.
    func testPairsAlphaAndDisagreements() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 12)
        let ana = "AAAAARRRRR", bob = "AAARRRRRAA", carl = "ARAA"
        try store.write { db in
            for (name, verdicts) in [("ana", ana), ("bob", bob), ("carl", carl)] {
                for (index, mark) in verdicts.enumerated() {
                    _ = try Decisions.decide(db, items: [Int64(index + 1)], verdict: mark == "A" ? .accepted : .rejected, reviewer: name)
                }
            }
            // Noise that must not count: a skip by dan on item 1 and an undone verdict by erin
            // on item 6.
            _ = try Decisions.decide(db, items: [1], verdict: .skipped, reviewer: "dan")
            _ = try Decisions.decide(db, items: [6], verdict: .accepted, reviewer: "erin")
            _ = try Decisions.undo(db, reviewer: "erin")
            // fay accepted item 11 and then skipped it: her newest verdict is no opinion.
            _ = try Decisions.decide(db, items: [11], verdict: .accepted, reviewer: "fay")
            _ = try Decisions.decide(db, items: [11], verdict: .skipped, reviewer: "fay")
            _ = try Decisions.decide(db, items: [11], verdict: .rejected, reviewer: "gus")
        }
        let report = try store.read { db in try ReviewerAgreement.compute(db) }
        XCTAssertEqual(report.reviewers.map(\.name), ["ana", "bob", "carl", "gus"])
        XCTAssertEqual(report.reviewers.map(\.items), [10, 10, 4, 1])
        XCTAssertEqual(report.sharedItems, 10)
        XCTAssertEqual(report.pairs.map { "\($0.a)-\($0.b)" }, ["ana-bob", "ana-carl", "bob-carl"])
        let anaBob = report.pairs[0].result
        XCTAssertEqual(anaBob.table.labels, ["accepted", "rejected"])
        XCTAssertEqual(anaBob.table.counts, [[3, 2], [2, 3]])
        XCTAssertEqual(anaBob.kappa ?? .nan, 0.2, accuracy: 1e-12)
        XCTAssertEqual(report.pairs[1].result.count, 4)
        XCTAssertEqual(report.pairs[1].result.kappa ?? .nan, 0, accuracy: 1e-12)
        XCTAssertEqual(report.pairs[2].result.kappa ?? .nan, -1.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(report.alpha ?? .nan, 56.0 / 286.0, accuracy: 1e-12)
        XCTAssertEqual(report.disagreements.map(\.item), [2, 4, 5, 9, 10])
        XCTAssertEqual(report.disagreements[0].displayId, "t2")
        XCTAssertEqual(report.disagreements[0].labels.map(\.reviewer), ["ana", "bob", "carl"])
        XCTAssertEqual(report.disagreements[0].labels.map(\.verdict), ["accepted", "accepted", "rejected"])

        // Leaving carl out: only ana and bob remain.
        let withoutCarl = try store.read { db in try ReviewerAgreement.compute(db, ignoring: ["carl"]) }
        XCTAssertEqual(withoutCarl.pairs.map { "\($0.a)-\($0.b)" }, ["ana-bob"])
        XCTAssertEqual(withoutCarl.disagreements.map(\.item), [4, 5, 9, 10])

        // The filter finds the same items.
        let filtered = try store.read { db in try ItemQuery(filter: "disagree:any").page(db, after: nil, limit: 100).map(\.id) }
        XCTAssertEqual(filtered, report.disagreements.map(\.item))
    }

    /// Undoing one's verdict removes the label; the older active verdict counts again.
    func testUndoneVerdictFallsBackToTheOlderOne() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 2)
        try store.write { db in
            _ = try Decisions.decide(db, items: [1], verdict: .accepted, reviewer: "ana")
            _ = try Decisions.decide(db, items: [1], verdict: .accepted, reviewer: "bob")
            _ = try Decisions.decide(db, items: [1], verdict: .rejected, reviewer: "ana")
        }
        XCTAssertEqual(try store.read { db in try ReviewerAgreement.compute(db) }.disagreements.map(\.item), [1])
        try store.write { db in _ = try Decisions.undo(db, reviewer: "ana") }
        let report = try store.read { db in try ReviewerAgreement.compute(db) }
        XCTAssertEqual(report.disagreements, [])
        XCTAssertEqual(report.pairs.first?.result.observedAgreement, 1)
        XCTAssertNil(report.pairs.first?.result.kappa, "one label only: kappa is undefined")
        XCTAssertEqual(try store.read { db in try ItemQuery(filter: "disagree:any").count(db) }, 0)
    }

    func testEmptyStoreHasNoStatistics() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 1)
        let report = try store.read { db in try ReviewerAgreement.compute(db) }
        XCTAssertEqual(report.pairs, [])
        XCTAssertNil(report.alpha)
        XCTAssertEqual(report.sharedItems, 0)
    }
}
