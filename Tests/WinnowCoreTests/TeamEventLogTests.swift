import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// The audit log: filters and times.
final class TeamEventLogTests: XCTestCase {
    /// Four events at known times, by two reviewers on two items.
    func makeStore(_ scratch: Scratch) throws -> Store {
        let store = try teamStore(scratch, items: 3)
        try store.write { db in
            _ = try Decisions.decide(db, items: [1], verdict: .accepted, reviewer: "ana")
            _ = try Decisions.decide(db, items: [2], verdict: .rejected, reviewer: "bob")
            _ = try Decisions.undo(db, reviewer: "ana")
            try Decisions.note(db, item: 2, reviewer: "ana", text: "looks\ninvented")
            let times = ["2024-05-01T09:00:00.000Z", "2024-05-01T10:00:00.000Z", "2024-05-02T09:00:00.000Z", "2024-05-03T12:00:00.000Z"]
            for (index, time) in times.enumerated() {
                try db.execute(sql: "UPDATE events SET created_at = ? WHERE id = ?", arguments: [time, index + 1])
            }
        }
        return store
    }

    func testEveryEventInOrderWithVerdictsAndActiveFlags() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        let events = try store.read { db in try EventLog.fetch(db, EventLogQuery()) }
        XCTAssertEqual(events.map(\.kind), ["verdict", "verdict", "undo", "note"])
        XCTAssertEqual(events.map(\.verdict), ["accepted", "rejected", "accepted", nil])
        XCTAssertEqual(events.map(\.active), [false, true, nil, nil])
        XCTAssertEqual(events.map(\.reviewer), ["ana", "bob", "ana", "ana"])
        XCTAssertEqual(events[2].ref, 1)
        XCTAssertEqual(events[0].displayId, "t1")
        XCTAssertEqual(events[0].textLine, "2024-05-01T09:00:00.000Z  ana  accepted (undone)  item 1 (t1)")
        XCTAssertEqual(events[3].textLine, "2024-05-03T12:00:00.000Z  ana  note  item 2 (t2)  “looks invented”")
        var json: [UInt8] = []
        JSONWriter.append(events[1].jsonObject, to: &json)
        let text = String(decoding: json, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix(#"{"event":2,"uid":""#), text)
        XCTAssertTrue(text.contains(#""time":"2024-05-01T10:00:00.000Z","reviewer":"bob","kind":"verdict","verdict":"rejected","item":2,"id":"t2""#), text)
    }

    func testFilters() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        func ids(_ query: EventLogQuery) throws -> [Int64] {
            try store.read { db in try EventLog.fetch(db, query).map(\.id) }
        }
        XCTAssertEqual(try ids(EventLogQuery(reviewer: "ana")), [1, 3, 4])
        XCTAssertEqual(try ids(EventLogQuery(item: 2)), [2, 4])
        XCTAssertEqual(try ids(EventLogQuery(since: "2024-05-01T10:00:00.000Z")), [2, 3, 4])
        XCTAssertEqual(try ids(EventLogQuery(until: try EventLog.parseTime("2024-05-02"))), [1, 2])
        XCTAssertEqual(try ids(EventLogQuery(limit: 2)), [3, 4], "the newest two, oldest first")
        XCTAssertEqual(try ids(EventLogQuery(reviewer: "ana", limit: 2)), [3, 4])
        XCTAssertEqual(try ids(EventLogQuery(reviewer: "bob", limit: 5)), [2])
        XCTAssertEqual(try ids(EventLogQuery(limit: 0)), [])
        XCTAssertEqual(try ids(EventLogQuery(reviewer: "nobody")), [])
    }

    func testParseTime() throws {
        XCTAssertEqual(try EventLog.parseTime("2024-05-01"), "2024-05-01T00:00:00.000Z")
        XCTAssertEqual(try EventLog.parseTime("2024-05-01T14:30"), "2024-05-01T14:30:00.000Z")
        XCTAssertEqual(try EventLog.parseTime("2024-05-01 14:30:05"), "2024-05-01T14:30:05.000Z")
        XCTAssertEqual(try EventLog.parseTime("2024-05-01T14:30:05.25Z"), "2024-05-01T14:30:05.250Z")
        let now = Date(timeIntervalSince1970: 1_714_572_000)  // 2024-05-01T14:00:00Z
        XCTAssertEqual(try EventLog.parseTime("2h", now: now), "2024-05-01T12:00:00.000Z")
        XCTAssertEqual(try EventLog.parseTime("30m", now: now), "2024-05-01T13:30:00.000Z")
        XCTAssertEqual(try EventLog.parseTime("1d", now: now), "2024-04-30T14:00:00.000Z")
        for bad in ["yesterday", "2024-5-1", "2024-05-01T25:00", "12", "2024-05-01T10", ""] {
            XCTAssertThrowsError(try EventLog.parseTime(bad), bad) { error in
                XCTAssertEqual(error as? TeamError, .badTime(bad))
            }
        }
    }
}
