import Foundation
import GRDB
import WinnowCore
import WinnowTestSupport
import XCTest

final class CompareJudgmentsTests: XCTestCase {
    func showing(_ set: PairSet, _ index: Int, leftIsA: Bool = true, order: Int = 0) -> JudgedShowing {
        JudgedShowing(Showing(pair: index, leftIsA: leftIsA, order: order), in: set, plan: nil)
    }

    func testVerdictsAreStoredWithWhatWasOnScreen() throws {
        let fixture = try CompareFixture(count: 3)
        let set = try fixture.pairs()
        try fixture.store.write { db in
            try Judgments.record(db, showing(set, 1, leftIsA: false, order: 1), verdict: .right, reviewer: "ana")
        }
        let row = try fixture.store.read { db in try Row.fetchOne(db, sql: "SELECT * FROM judgments") }
        XCTAssertEqual(row?["kind"] as String?, "verdict")
        XCTAssertEqual(row?["source"] as String?, "questions")
        XCTAssertEqual(row?["question"] as String?, "1")
        XCTAssertEqual(row?["image"] as String?, "img-1.jpg")
        XCTAssertEqual(row?["left_model"] as String?, "orca")
        XCTAssertEqual(row?["right_model"] as String?, "zephyr")
        XCTAssertEqual(row?["left_item"] as Int64?, set.pairs[1].itemB)
        XCTAssertEqual(row?["right_item"] as Int64?, set.pairs[1].itemA)
        XCTAssertEqual(row?["showing"] as Int?, 1)
        XCTAssertEqual(row?["verdict"] as String?, "right")
        XCTAssertEqual(row?["reviewer"] as String?, "ana")
        XCTAssertEqual((row?["uid"] as String?)?.count, 36)
        let active = try fixture.store.read { db in try Judgments.active(db, reviewer: "ana", modelA: "zephyr", modelB: "orca") }
        XCTAssertEqual(active, [ShowingKey(question: fixture.key(1), leftModel: "orca"): .right])
        XCTAssertEqual(try fixture.store.read { db in try Judgments.scored(db) }.map(\.preferred), [.model("zephyr")])
    }

    func testUndoIsUnlimitedPerReviewerAndSurvivesARestart() throws {
        let fixture = try CompareFixture(count: 4)
        let set = try fixture.pairs()
        try fixture.store.write { db in
            try Judgments.record(db, showing(set, 0), verdict: .left, reviewer: "ana")
            try Judgments.record(db, showing(set, 1), verdict: .tie, reviewer: "bob")
            try Judgments.record(db, showing(set, 1), verdict: .right, reviewer: "ana")
            try Judgments.record(db, showing(set, 2), verdict: .skip, reviewer: "ana")
            try Judgments.record(db, showing(set, 0), verdict: .right, reviewer: "ana")  // ana changes her mind on 0
        }
        let store = try Store(path: fixture.store.path)  // a restart
        func undo() throws -> UndoneVerdict? {
            try store.write { db in try Judgments.undo(db, reviewer: "ana", modelA: "orca", modelB: "zephyr") }
        }
        let zero = ShowingKey(question: fixture.key(0), leftModel: "zephyr")
        XCTAssertEqual(try undo(), UndoneVerdict(key: zero, undone: .right, restored: .left), "her earlier verdict counts again")
        XCTAssertEqual(try undo()?.undone, .skip)
        XCTAssertEqual(try undo()?.key.question, fixture.key(1))
        XCTAssertEqual(try undo(), UndoneVerdict(key: zero, undone: .left, restored: nil))
        XCTAssertNil(try undo(), "nothing left to undo")
        let anaActive = try store.read { db in try Judgments.active(db, reviewer: "ana", modelA: "zephyr", modelB: "orca") }
        XCTAssertEqual(anaActive, [:])
        let bobActive = try store.read { db in try Judgments.active(db, reviewer: "bob", modelA: "zephyr", modelB: "orca") }
        XCTAssertEqual(bobActive, [ShowingKey(question: fixture.key(1), leftModel: "zephyr"): .tie], "bob's verdict is his")
        XCTAssertEqual(try store.count("SELECT count(*) FROM judgments"), 5, "undo marks rows, never deletes them")
        XCTAssertEqual(try store.count("SELECT count(*) FROM judgments WHERE undone_at IS NOT NULL"), 4)
    }

    func testReportsCountOnlyActiveVerdictsAndNotSkips() throws {
        let fixture = try CompareFixture(count: 3)
        let set = try fixture.pairs()
        try fixture.store.write { db in
            try Judgments.record(db, showing(set, 0), verdict: .left, reviewer: "ana")
            try Judgments.record(db, showing(set, 1), verdict: .skip, reviewer: "ana")
            try Judgments.record(db, showing(set, 2), verdict: .tie, reviewer: "ana")
            _ = try Judgments.undo(db, reviewer: "ana", modelA: "zephyr", modelB: "orca")
            try Judgments.note(db, showing(set, 0), text: "both fine", reviewer: "ana")
        }
        let scored = try fixture.store.read { db in try Judgments.scored(db) }
        XCTAssertEqual(scored.map(\.key.question), ["0"])
        XCTAssertEqual(scored.first?.instruction, "Instruction 0")
        XCTAssertEqual(scored.first?.category, "vllm_instruction_following")
        let notes = try fixture.store.read { db in try Judgments.noteCounts(db, reviewer: "ana", modelA: "orca", modelB: "zephyr") }
        XCTAssertEqual(notes, [ShowingKey(question: fixture.key(0), leftModel: "zephyr"): 1])
        XCTAssertEqual(try fixture.store.count("SELECT count(*) FROM judgments WHERE kind = 'note' AND note = 'both fine'"), 1)
    }
}
