import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// Decisions export and import between copies of a store.
final class TeamTransferTests: XCTestCase {
    /// A consistent copy of a store, as a reviewer takes it offline.
    func copy(_ store: Store, to path: String) throws -> Store {
        try store.pool.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
        return try Store(path: path)
    }

    func statuses(_ store: Store) throws -> [String] {
        try store.read { db in try String.fetchAll(db, sql: "SELECT status FROM items ORDER BY id") }
    }

    func testExportImportIntoACopyIsIdempotent() throws {
        let scratch = Scratch()
        let main = try teamStore(scratch, items: 6)
        let offline = try copy(main, to: scratch.path("offline.sqlite"))
        try main.write { db in
            _ = try Decisions.decide(db, items: [1, 2, 3], verdict: .rejected, reviewer: "ana")
            _ = try Decisions.decide(db, items: [4], verdict: .accepted, reviewer: "ana")
            _ = try Decisions.undo(db, reviewer: "ana")
            _ = try Decisions.redo(db, reviewer: "ana")
            _ = try Decisions.decide(db, items: [5], verdict: .skipped, reviewer: "bob")
            try Decisions.note(db, item: 6, reviewer: "bob", text: "check the image")
        }
        let file = scratch.path("decisions.jsonl")
        XCTAssertEqual(try DecisionTransfer.export(main, to: file).events, 8)

        let first = try DecisionTransfer.importFile(offline, path: file)
        XCTAssertEqual(first.events, 8)
        XCTAssertEqual(first.added, ["verdict": 5, "undo": 1, "redo": 1, "note": 1])
        XCTAssertEqual(first.conflicts, [])
        XCTAssertEqual(first.itemsChanged, 5)
        XCTAssertEqual(try statuses(offline), try statuses(main))
        XCTAssertEqual(try offline.write { db in try Decisions.rebuildStatuses(db) }, 0)

        let before = try offline.dump()
        let second = try DecisionTransfer.importFile(offline, path: file)
        XCTAssertEqual(second.addedTotal, 0)
        XCTAssertEqual(second.alreadyPresent, 8)
        XCTAssertEqual(try offline.dump(), before, "a second import changes nothing")

        // Batches survive: ana's undo in the copy cancels items 1–3 together (the redo restored them).
        let undone = try offline.write { db in try Decisions.undo(db, reviewer: "ana") }
        XCTAssertEqual(undone?.items, [4])
        let undoneBatch = try offline.write { db in try Decisions.undo(db, reviewer: "ana") }
        XCTAssertEqual(undoneBatch?.items, [1, 2, 3])
    }

    /// A reviewer works on an offline copy while others go on in the main store; the copy's
    /// decisions merge back. Where both decided the same item differently, the import
    /// reports it and keeps the main store's verdict.
    func testOfflineCopyMergesBackAndConflictsAreReported() throws {
        let scratch = Scratch()
        let main = try teamStore(scratch, items: 6)
        try main.write { db in _ = try Decisions.decide(db, items: [3], verdict: .accepted, reviewer: "ana") }
        let offline = try copy(main, to: scratch.path("offline.sqlite"))
        // Offline: bob decides 1, 2, 3 (changing ana's verdict on 3) and 5.
        try offline.write { db in
            _ = try Decisions.decide(db, items: [1], verdict: .rejected, reviewer: "bob")
            _ = try Decisions.decide(db, items: [2], verdict: .rejected, reviewer: "bob")
            _ = try Decisions.decide(db, items: [3], verdict: .rejected, reviewer: "bob")
            _ = try Decisions.decide(db, items: [5], verdict: .accepted, reviewer: "bob")
        }
        // Meanwhile in the main store: ana accepts 1 (a conflict), rejects 2 (agrees), decides 6.
        try main.write { db in
            _ = try Decisions.decide(db, items: [1], verdict: .accepted, reviewer: "ana")
            _ = try Decisions.decide(db, items: [2], verdict: .rejected, reviewer: "ana")
            _ = try Decisions.decide(db, items: [6], verdict: .skipped, reviewer: "ana")
        }
        let file = scratch.path("bob.jsonl")
        _ = try DecisionTransfer.export(offline, to: file, options: .init(reviewer: "bob"))
        let report = try DecisionTransfer.importFile(main, path: file)
        XCTAssertEqual(report.events, 4)
        XCTAssertEqual(report.added, ["verdict": 3])
        XCTAssertEqual(report.conflicts.count, 1)
        let conflict = try XCTUnwrap(report.conflicts.first)
        XCTAssertEqual(conflict.item, 1)
        XCTAssertEqual(conflict.displayId, "t1")
        XCTAssertEqual(conflict.line, 2)
        XCTAssertEqual([conflict.incoming.verdict, conflict.incoming.reviewer], ["rejected", "bob"])
        XCTAssertEqual([conflict.local.verdict, conflict.local.reviewer], ["accepted", "ana"])
        // 1 keeps ana's verdict; 2 has both (agreeing) verdicts; 3 takes bob's change; 5 bob's; 6 ana's.
        XCTAssertEqual(try statuses(main), ["accepted", "rejected", "rejected", "pending", "accepted", "skipped"])
        XCTAssertEqual(try main.count("SELECT count(*) FROM events WHERE item_id = 2 AND kind = 'verdict'"), 2)
        XCTAssertEqual(try main.count("SELECT count(*) FROM events WHERE item_id = 1 AND reviewer = 'bob'"), 0)

        let before = try main.dump()
        let again = try DecisionTransfer.importFile(main, path: file)
        XCTAssertEqual(again.addedTotal, 0)
        XCTAssertEqual(again.conflicts.map(\.item), [1], "the conflict is reported again, still not applied")
        XCTAssertEqual(try main.dump(), before)
    }

    /// Undo and redo of a verdict that conflicted are not imported either.
    func testUndoOfAConflictingVerdictFollowsIt() throws {
        let scratch = Scratch()
        let main = try teamStore(scratch, items: 2)
        let offline = try copy(main, to: scratch.path("offline.sqlite"))
        try offline.write { db in
            _ = try Decisions.decide(db, items: [1], verdict: .rejected, reviewer: "bob")
            _ = try Decisions.undo(db, reviewer: "bob")
        }
        try main.write { db in _ = try Decisions.decide(db, items: [1], verdict: .accepted, reviewer: "ana") }
        let file = scratch.path("bob.jsonl")
        _ = try DecisionTransfer.export(offline, to: file)
        let report = try DecisionTransfer.importFile(main, path: file)
        XCTAssertEqual(report.conflicts.map(\.item), [1])
        XCTAssertEqual(report.skippedWithConflicts, 1)
        XCTAssertEqual(report.addedTotal, 0)
    }

    func assertRejected(_ lines: [String], expect fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 2)
        try store.write { db in _ = try Decisions.decide(db, items: [1], verdict: .accepted, reviewer: "ana") }
        let before = try store.dump()
        let path = scratch.write("bad.jsonl", lines.joined(separator: "\n") + "\n")
        XCTAssertThrowsError(try DecisionTransfer.importFile(store, path: path), file: file, line: line) { error in
            let text = "\(error)"
            for fragment in fragments {
                XCTAssertTrue(text.contains(fragment.replacingOccurrences(of: "$PATH", with: path)), "«\(fragment)» not in «\(text)»",
                              file: file, line: line)
            }
        }
        XCTAssertEqual(try store.dump(), before, "the store changed", file: file, line: line)
    }

    let header = #"{"format":"winnow-decisions","version":1,"store":"x","exported_at":"2024-05-01T00:00:00.000Z"}"#
    func event(_ uid: String, kind: String = "verdict", verdict: String? = "rejected", ref: String? = nil,
               key: String = #"n:0"#) -> String {
        let verdictText = verdict.map { "\"\($0)\"" } ?? "null"
        let refText = ref.map { "\"\($0)\"" } ?? "null"
        return #"{"uid":"\#(uid)","kind":"\#(kind)","verdict":\#(verdictText),"ref":\#(refText),"batch":null,"base":null,"reviewer":"bob","note":null,"time":"2024-05-01T10:00:00.000Z","item":1,"source_file":"SRC","prov_key":"\#(key)","id":"t1"}"#
    }

    func testMalformedInputChangesNothingAndNamesTheLine() throws {
        try assertRejected(["{\"format\":\"something else\"}"], expect: ["$PATH:1: this is not a winnow decisions file", "Nothing was imported"])
        try assertRejected([header, "{\"uid\": \"u1\", "], expect: ["$PATH:2: not valid JSON at column 15: "])
        try assertRejected([header, #"{"uid":"u1","kind":"verdict","verdict":"maybe","reviewer":"bob","time":"2024-05-01T10:00:00.000Z","source_file":"a","prov_key":"b"}"#],
                           expect: ["$PATH:2: unknown verdict \"maybe\""])
        try assertRejected([header, "", #"{"uid":"u1","kind":"verdict","verdict":"accepted","time":"2024-05-01T10:00:00.000Z","source_file":"a","prov_key":"b"}"#],
                           expect: ["$PATH:3: the field \"reviewer\" is missing"])
        try assertRejected([header, event("u1", key: "n:0"), event("u1", key: "n:0")],
                           expect: ["$PATH:3: the event u1 appears twice in the file"])
        try assertRejected([header, event("u1", key: "n:77")],
                           expect: ["$PATH:2: the item n:77 of SRC is not in this store", "Nothing was imported"])
        try assertRejected([], expect: ["$PATH:1: the file is empty"])
    }

    /// A bad line after good ones: the good ones are not imported either.
    func testBadLineAfterGoodOnesImportsNothing() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 2)
        let (sourceFile, provKey) = try store.read { db in
            let row = try XCTUnwrap(try Row.fetchOne(db, sql: "SELECT source_file, prov_key FROM items WHERE id = 1"))
            return (row["source_file"] as String, row["prov_key"] as String)
        }
        let escapedKey = provKey.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let good = event("u1", verdict: "rejected").replacingOccurrences(of: "SRC", with: sourceFile)
            .replacingOccurrences(of: #""prov_key":"n:0""#, with: "\"prov_key\":\"\(escapedKey)\"")
        let dangling = event("u2", kind: "undo", verdict: nil, ref: "nowhere").replacingOccurrences(of: "SRC", with: sourceFile)
            .replacingOccurrences(of: #""prov_key":"n:0""#, with: "\"prov_key\":\"\(escapedKey)\"")
        let before = try store.dump()
        let path = scratch.write("bad.jsonl", [header, good, dangling].joined(separator: "\n"))
        XCTAssertThrowsError(try DecisionTransfer.importFile(store, path: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(path):3: the undo refers to the event nowhere, which is neither in this store nor earlier in the file"), "\(error)")
        }
        XCTAssertEqual(try store.dump(), before)
    }
}
