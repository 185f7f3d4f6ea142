import XCTest
@testable import WinnowCore

/// Cohen's kappa and Krippendorff's alpha against values computed by hand.
final class TeamAgreementTests: XCTestCase {
    func pairs(_ spec: [((String, String), Int)]) -> [(String, String)] {
        spec.flatMap { Array(repeating: $0.0, count: $0.1) }
    }

    /// 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15.
    /// pₒ = 35/50 = 0.7. A says yes 25/50, B says yes 30/50.
    /// pₑ = 0.5·0.6 + 0.5·0.4 = 0.5. κ = (0.7 − 0.5)/(1 − 0.5) = 0.4.
    func testCohenKappaTwoLabels() {
        let result = Agreement.cohenKappa(pairs([(("yes", "yes"), 20), (("yes", "no"), 5),
                                                 (("no", "yes"), 10), (("no", "no"), 15)]),
                                          labels: ["yes", "no"])
        XCTAssertEqual(result.count, 50)
        XCTAssertEqual(result.table.labels, ["yes", "no"])
        XCTAssertEqual(result.table.counts, [[20, 5], [10, 15]])
        XCTAssertEqual(result.table.total, 50)
        XCTAssertEqual(result.observedAgreement, 0.7, accuracy: 1e-12)
        XCTAssertEqual(result.expectedAgreement, 0.5, accuracy: 1e-12)
        XCTAssertEqual(result.kappa ?? .nan, 0.4, accuracy: 1e-12)
    }

    /// Three labels, 10 items: a/a 3, a/r 1, r/r 3, r/s 1, s/s 2 (rows A, columns B).
    /// pₒ = 8/10. Rows a 4, r 4, s 2; columns a 3, r 4, s 3.
    /// pₑ = (4·3 + 4·4 + 2·3)/100 = 34/100. κ = (0.8 − 0.34)/0.66 = 0.46/0.66 = 23/33.
    func testCohenKappaThreeLabelsAndOrder() {
        let result = Agreement.cohenKappa(pairs([(("a", "a"), 3), (("a", "r"), 1), (("r", "r"), 3),
                                                 (("r", "s"), 1), (("s", "s"), 2)]),
                                          labels: ["r"])
        // "r" first as asked, then the others sorted.
        XCTAssertEqual(result.table.labels, ["r", "a", "s"])
        XCTAssertEqual(result.table.count("a", "r"), 1)
        XCTAssertEqual(result.table.count("r", "a"), 0)
        XCTAssertEqual(result.table.count("x", "a"), 0)
        XCTAssertEqual(result.expectedAgreement, 0.34, accuracy: 1e-12)
        XCTAssertEqual(result.kappa ?? .nan, 23.0 / 33.0, accuracy: 1e-12)
    }

    /// Perfect disagreement on two balanced labels: pₒ = 0, pₑ = 0.5, κ = −1.
    func testCohenKappaPerfectDisagreement() {
        let result = Agreement.cohenKappa([("a", "b"), ("b", "a")])
        XCTAssertEqual(result.kappa ?? .nan, -1, accuracy: 1e-12)
    }

    func testCohenKappaUndefined() {
        let empty = Agreement.cohenKappa([], labels: ["a", "b"])
        XCTAssertNil(empty.kappa)
        XCTAssertEqual(empty.count, 0)
        XCTAssertEqual(empty.table.counts, [[0, 0], [0, 0]])
        // Both raters always say "a": pₑ = 1, κ = 0/0.
        let constant = Agreement.cohenKappa([("a", "a"), ("a", "a")])
        XCTAssertNil(constant.kappa)
        XCTAssertEqual(constant.observedAgreement, 1)
        XCTAssertEqual(constant.expectedAgreement, 1)
    }

    /// Units [a,a] [a,b] [b,b]: o_aa = 2, o_ab = o_ba = 1, o_bb = 2; n_a = n_b = 3, n = 6.
    /// α = 1 − 5·2 / (2·3·3) = 1 − 10/18 = 4/9.
    func testAlphaTwoRaters() {
        let alpha = Agreement.krippendorffAlphaNominal([["a", "a"], ["a", "b"], ["b", "b"]])
        XCTAssertEqual(alpha ?? .nan, 4.0 / 9.0, accuracy: 1e-12)
    }

    /// Units [a,a,b] [a,a,a] [b,b] [c] (the last is not pairable and is ignored).
    /// [a,a,b], m = 3: o_aa += (2·2 − 2)/2 = 1, o_ab = o_ba += 2/2 = 1.
    /// [a,a,a]: o_aa += (9 − 3)/2 = 3. [b,b]: o_bb += 2.
    /// n_a = 5, n_b = 3, n = 8; α = 1 − 7·2 / (2·5·3) = 1 − 14/30 = 8/15.
    func testAlphaUnequalRatersPerUnit() {
        let alpha = Agreement.krippendorffAlphaNominal([["a", "a", "b"], ["a", "a", "a"], ["b", "b"], ["c"]])
        XCTAssertEqual(alpha ?? .nan, 8.0 / 15.0, accuracy: 1e-12)
    }

    /// Krippendorff's own example (4 observers, 12 units, missing values; nominal α = 0.743).
    /// By hand: pairable values n = 40; off-diagonal coincidences: unit [2,2,3,2] gives 2
    /// (3·1/3 each way), [1,2,3,4] gives 12 · 1/3 = 4, [1,1,2,1] gives 2: Σ = 8.
    /// n_1 = 9, n_2 = 13, n_3 = 10, n_4 = 5, n_5 = 3; Σ n_c n_k (c≠k) = 40² − 384 = 1216.
    /// α = 1 − 39·8/1216 = 1 − 312/1216 = 0.743421…
    func testAlphaKrippendorffExample() {
        let units: [[String]] = [
            ["1", "1", "1"], ["2", "2", "3", "2"], ["3", "3", "3", "3"], ["3", "3", "3", "3"],
            ["2", "2", "2", "2"], ["1", "2", "3", "4"], ["4", "4", "4", "4"], ["1", "1", "2", "1"],
            ["2", "2", "2", "2"], ["5", "5", "5"], ["1", "1"], ["3"],
        ]
        XCTAssertEqual(Agreement.krippendorffAlphaNominal(units) ?? .nan, 1 - 312.0 / 1216.0, accuracy: 1e-12)
    }

    func testAlphaUndefined() {
        XCTAssertNil(Agreement.krippendorffAlphaNominal([]))
        XCTAssertNil(Agreement.krippendorffAlphaNominal([["a"], ["b"]]))
        // Every label the same: no disagreement expected.
        XCTAssertNil(Agreement.krippendorffAlphaNominal([["a", "a"], ["a", "a", "a"]]))
    }

    /// With two raters and no missing values α is close to κ (here: perfect agreement gives 1).
    func testAlphaPerfectAgreement() {
        XCTAssertEqual(Agreement.krippendorffAlphaNominal([["a", "a"], ["b", "b"]]) ?? .nan, 1, accuracy: 1e-12)
    }
}
