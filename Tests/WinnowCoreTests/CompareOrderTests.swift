import Foundation
import GRDB
import WinnowCore
import WinnowTestSupport
import XCTest

final class CompareOrderTests: XCTestCase {
    /// A pair set of `count` questions without a store (the order needs only keys and models).
    func pairSet(_ count: Int, a: String = "zephyr", b: String = "orca") -> PairSet {
        let pairs = (0..<count).map { (k: Int) -> ComparePair in
            let item = Int64(2 * k + 1)
            return ComparePair(key: QuestionKey(source: "q", question: String(k), image: "img-\(k).jpg"), imageRoot: nil,
                        category: nil, instruction: "i", caption: nil, itemA: item, answerA: "a",
                        itemB: item + 1, answerB: "b")
        }
        return PairSet(modelA: a, modelB: b, pairs: pairs, missing: [], duplicates: [])
    }

    func leftModels(_ set: PairSet, _ showings: [Showing]) -> [String] {
        showings.map { $0.leftIsA ? set.modelA : set.modelB }
    }

    func testTheBlindOrderIsReproducibleFromTheSeed() {
        let set = pairSet(40)
        let first = BlindOrder.showings(set, seed: 1234, bothOrders: false)
        XCTAssertEqual(BlindOrder.showings(set, seed: 1234, bothOrders: false), first, "same seed, same screens")
        XCTAssertEqual(Set(first.map(\.pair)), Set(0..<40), "every pair once")
        let other = BlindOrder.showings(set, seed: 1235, bothOrders: false)
        XCTAssertNotEqual(other.map(\.pair), first.map(\.pair), "another seed shuffles differently")
        XCTAssertNotEqual(leftModels(set, other.sorted { $0.pair < $1.pair }), leftModels(set, first.sorted { $0.pair < $1.pair }))
        // Both sides are used, roughly evenly.
        let zephyrLeft = first.filter(\.leftIsA).count
        XCTAssertTrue((8...32).contains(zephyrLeft), "\(zephyrLeft) of 40 with zephyr on the left")
    }

    func testSwappingAAndBShowsTheSameScreens() {
        let forward = pairSet(30, a: "zephyr", b: "orca")
        let backward = pairSet(30, a: "orca", b: "zephyr")
        let one = BlindOrder.showings(forward, seed: 99, bothOrders: true)
        let two = BlindOrder.showings(backward, seed: 99, bothOrders: true)
        XCTAssertEqual(one.map(\.pair), two.map(\.pair))
        XCTAssertEqual(leftModels(forward, one), leftModels(backward, two))
    }

    func testASidesDependOnlyOnItsQuestionAndTheSeed() {
        let small = pairSet(10), large = pairSet(25)
        for k in 0..<10 {
            XCTAssertEqual(BlindOrder.firstLeftModel(small.pairs[k].key, modelA: "zephyr", modelB: "orca", seed: 7),
                           BlindOrder.firstLeftModel(large.pairs[k].key, modelA: "zephyr", modelB: "orca", seed: 7))
        }
    }

    func testBothOrdersShowEachPairTwiceSwappedAndFarApart() {
        for count in [1, 2, 3, 7, 12, 99] {
            let set = pairSet(count)
            let showings = BlindOrder.showings(set, seed: 5, bothOrders: true)
            XCTAssertEqual(showings.count, 2 * count)
            for pair in 0..<count {
                let positions = showings.indices.filter { showings[$0].pair == pair }
                XCTAssertEqual(positions.count, 2, "pair \(pair) of \(count)")
                let (first, second) = (showings[positions[0]], showings[positions[1]])
                XCTAssertEqual([first.order, second.order], [0, 1])
                XCTAssertNotEqual(first.leftIsA, second.leftIsA, "the second showing is swapped")
                XCTAssertGreaterThanOrEqual(Double(positions[1] - positions[0]), Double(count) / 2,
                                            "pair \(pair) of \(count): showings at \(positions)")
            }
            // The first pass is the single-order sequence.
            XCTAssertEqual(Array(showings.prefix(count)), BlindOrder.showings(set, seed: 5, bothOrders: false))
        }
    }

    func testThePlanRecordsTheSeedAndReusesIt() throws {
        let fixture = try CompareFixture(count: 3)
        let plan = try fixture.store.write { db in try ComparePlan.open(db, a: "zephyr", b: "orca", reviewer: "ana", seed: 42) }
        XCTAssertEqual(plan.seed, 42)
        let reopened = try Store(path: fixture.store.path)
        let again = try reopened.write { db in try ComparePlan.open(db, a: "orca", b: "zephyr", reviewer: "ana", seed: nil) }
        XCTAssertEqual(again.id, plan.id, "the same plan whichever model is --a")
        XCTAssertEqual(again.seed, 42)
        XCTAssertThrowsError(try reopened.write { db in try ComparePlan.open(db, a: "zephyr", b: "orca", reviewer: "ana", seed: 43) }) { error in
            guard case let .seedMismatch(recorded, given, _)? = error as? CompareError else { return XCTFail("\(error)") }
            XCTAssertEqual([recorded, given], [42, 43])
        }
        let other = try reopened.write { db in try ComparePlan.open(db, a: "zephyr", b: "orca", reviewer: "bob", seed: nil) }
        XCTAssertNotEqual(other.id, plan.id, "each reviewer has a plan")
        XCTAssertEqual(try fixture.store.count("SELECT count(*) FROM compare_plans"), 2)
    }
}
