import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// Edits checked against the version the reviewer opened: both versions are kept.
final class TeamEditConflictTests: XCTestCase {
    let bobs = [Turn(role: "human", text: "<image>\nWhat is in picture 1?"), Turn(role: "gpt", text: "A grey cat on a sofa.")]
    let anas = [Turn(role: "human", text: "<image>\nWhat is in picture 1?"), Turn(role: "gpt", text: "A cat.")]

    /// Two connections (as two reviewer processes) open version 0; bob saves first, ana's
    /// save comes back as a conflict with both versions, and her text is kept.
    func testStaleEditBecomesAConflictWithBothVersions() throws {
        let scratch = Scratch()
        let anaStore = try teamStore(scratch, items: 2)
        let bobStore = try Store(path: scratch.path("team.sqlite"))
        let opened = try anaStore.read { db in try ItemDetail.load(db, id: 1)?.version }
        XCTAssertEqual(opened, 0)
        let bobResult = try bobStore.write { db in try EditConflicts.save(db, item: 1, turns: bobs, baseVersion: 0, reviewer: "bob") }
        XCTAssertEqual(bobResult, .saved(version: 1))
        let anaResult = try anaStore.write { db in try EditConflicts.save(db, item: 1, turns: anas, baseVersion: 0, reviewer: "ana") }
        guard case let .conflict(conflict) = anaResult else { return XCTFail("expected a conflict, got \(anaResult)") }
        XCTAssertEqual(conflict.item, 1)
        XCTAssertEqual(conflict.baseVersion, 0)
        XCTAssertEqual(conflict.theirs.version, 1)
        XCTAssertEqual(conflict.theirs.turns, bobs)
        XCTAssertEqual(conflict.theirs.reviewer, "bob")
        XCTAssertEqual(conflict.mine.turns, anas)
        XCTAssertEqual(conflict.mine.reviewer, "ana")
        XCTAssertNil(conflict.resolution)
        // Bob's version is current; ana's is kept as an open conflict.
        XCTAssertEqual(try anaStore.read { db in try Conversations.current(db, item: 1).turns }, bobs)
        XCTAssertEqual(try bobStore.read { db in try EditConflicts.open(db) }, [conflict])
    }

    func testKeepingMineSavesItOnTopOfTheirs() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 1)
        let conflict = try makeConflict(store)
        let result = try store.write { db in try EditConflicts.resolve(db, id: conflict.id, keep: .mine, reviewer: "ana") }
        XCTAssertEqual(result, .resolved(version: 2))
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT version, base_version, reviewer FROM edits WHERE item_id = 1 ORDER BY version")
        }
        XCTAssertEqual(rows.map { $0["version"] as Int }, [1, 2])
        XCTAssertEqual(rows.map { $0["base_version"] as Int }, [0, 1], "mine is based on theirs")
        XCTAssertEqual(rows.map { $0["reviewer"] as String }, ["bob", "ana"])
        XCTAssertEqual(try store.read { db in try Conversations.current(db, item: 1).turns }, anas)
        let resolved = try store.read { db in try EditConflicts.load(db, id: conflict.id) }
        XCTAssertEqual(resolved?.resolution, .mine)
        XCTAssertEqual(resolved?.resolvedVersion, 2)
        XCTAssertEqual(try store.read { db in try EditConflicts.open(db) }, [])
        let history = try store.read { db in try ItemDetail.load(db, id: 1)?.history.compactMap(\.note) ?? [] }
        XCTAssertTrue(history.contains { $0.contains("kept ana's edit of version 0 as version 2, over version 1 by bob") }, "\(history)")
    }

    func testKeepingTheirsLeavesTheirVersionAndKeepsMineOnRecord() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 1)
        let conflict = try makeConflict(store)
        let result = try store.write { db in try EditConflicts.resolve(db, id: conflict.id, keep: .theirs, reviewer: "ana") }
        XCTAssertEqual(result, .resolved(version: 1))
        XCTAssertEqual(try store.read { db in try Conversations.current(db, item: 1).turns }, bobs)
        let resolved = try store.read { db in try EditConflicts.load(db, id: conflict.id) }
        XCTAssertEqual(resolved?.resolution, .theirs)
        XCTAssertEqual(resolved?.mine.turns, anas, "the proposal is still there")
        XCTAssertThrowsError(try store.write { db in try EditConflicts.resolve(db, id: conflict.id, keep: .mine, reviewer: "ana") }) {
            XCTAssertEqual($0 as? TeamError, .conflictResolved(conflict.id))
        }
    }

    /// A third edit lands while ana looks at the conflict: choosing shows the newer version.
    func testResolvingAfterAnotherEditShowsTheNewVersion() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 1)
        let conflict = try makeConflict(store)
        let carls = [Turn(role: "human", text: "<image>\nWhat is in picture 1?"), Turn(role: "gpt", text: "Carl's cat.")]
        try store.write { db in _ = try Edits.save(db, item: 1, turns: carls, baseVersion: 1, reviewer: "carl") }
        let result = try store.write { db in try EditConflicts.resolve(db, id: conflict.id, keep: .mine, reviewer: "ana") }
        guard case let .movedOn(updated) = result else { return XCTFail("expected movedOn, got \(result)") }
        XCTAssertEqual(updated.theirs.version, 2)
        XCTAssertEqual(updated.theirs.turns, carls)
        XCTAssertEqual(try store.read { db in try Conversations.current(db, item: 1).version }, 2, "nothing was written")
        XCTAssertEqual(try store.write { db in try EditConflicts.resolve(db, id: conflict.id, keep: .mine, reviewer: "ana") },
                       .resolved(version: 3))
    }

    func testUnknownConflictIsAClearError() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 1)
        XCTAssertThrowsError(try store.write { db in try EditConflicts.resolve(db, id: 99, keep: .mine, reviewer: "ana") }) {
            XCTAssertEqual("\($0)", "There is no edit conflict 99. `winnow edit --conflicts` lists the open ones.")
        }
    }

    private func makeConflict(_ store: Store) throws -> EditConflict {
        try store.write { db in _ = try EditConflicts.save(db, item: 1, turns: bobs, baseVersion: 0, reviewer: "bob") }
        let result = try store.write { db in try EditConflicts.save(db, item: 1, turns: anas, baseVersion: 0, reviewer: "ana") }
        guard case let .conflict(conflict) = result else { throw TeamError.noSuchConflict(0) }
        return conflict
    }
}
