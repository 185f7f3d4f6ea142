import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// A settable clock for lease tests.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now = Date(timeIntervalSince1970: 1_800_000_000)

    func advance(_ seconds: TimeInterval) {
        lock.lock()
        now = now.addingTimeInterval(seconds)
        lock.unlock()
    }

    var read: @Sendable () -> Date {
        { [self] in
            lock.lock()
            defer { lock.unlock() }
            return now
        }
    }
}

/// Values gathered from several threads.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var storedItems: [Int64] = []
    private var storedFailures: [String] = []

    func add(_ item: Int64) {
        lock.lock()
        storedItems.append(item)
        lock.unlock()
    }

    func fail(_ message: String) {
        lock.lock()
        storedFailures.append(message)
        lock.unlock()
    }

    var items: [Int64] { lock.lock(); defer { lock.unlock() }; return storedItems }
    var failures: [String] { lock.lock(); defer { lock.unlock() }; return storedFailures }
}

/// A store with `count` imported items (ids 1...count), shared by the Team tests.
func teamStore(_ scratch: Scratch, items count: Int, name: String = "team.sqlite") throws -> Store {
    var records: [String] = []
    for index in 1...count {
        records.append("""
            {"id": "t\(index)", "image": "img/\(index).jpg", "conversations": [{"from": "human", "value": "<image>\\nWhat is in picture \(index)?"}, {"from": "gpt", "value": "A cat number \(index)."}]}
            """)
    }
    let path = scratch.write("items-\(count).json", "[" + records.joined(separator: ",\n") + "]")
    let store = try scratch.store(name)
    try Importer(store: store).run(ImportOptions(path: path))
    return store
}

/// Work queue: leases, expiry, renewal, overlap.
final class TeamWorkQueueTests: XCTestCase {
    func testClaimsOfTwoReviewersAreDisjointAndInItemOrder() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 20)
        let queue = WorkQueue(store: store)
        let ana = try queue.claim(reviewer: "ana", count: 5).map(\.item)
        let bob = try queue.claim(reviewer: "bob", count: 5).map(\.item)
        XCTAssertEqual(ana, [1, 2, 3, 4, 5])
        XCTAssertEqual(bob, [6, 7, 8, 9, 10])
        // Claiming again keeps what one holds.
        XCTAssertEqual(try queue.claim(reviewer: "ana", count: 5).map(\.item), [1, 2, 3, 4, 5])
        XCTAssertEqual(try queue.summary(reviewer: "ana"),
                       WorkQueue.Summary(held: 5, waitingFirst: 10, waitingSecond: 0, heldByOthers: 5))
    }

    func testDecidedItemsLeaveTheQueueAtTheNextClaim() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 10)
        let queue = WorkQueue(store: store)
        _ = try queue.claim(reviewer: "ana", count: 3)
        try store.write { db in _ = try Decisions.decide(db, items: [2], verdict: .rejected, reviewer: "ana") }
        XCTAssertEqual(try queue.claim(reviewer: "ana", count: 3).map(\.item), [1, 3, 4])
        // Someone else's bulk decision takes an item out of ana's queue too.
        try store.write { db in _ = try Decisions.decide(db, items: [3], verdict: .accepted, reviewer: "script") }
        XCTAssertEqual(try queue.claim(reviewer: "ana", count: 3).map(\.item), [1, 4, 5])
    }

    func testExpiredLeaseGoesToAnotherReviewer() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 6)
        let clock = TestClock()
        let queue = WorkQueue(store: store, clock: clock.read)
        XCTAssertEqual(try queue.claim(reviewer: "ana", count: 3).map(\.item), [1, 2, 3])
        clock.advance(599)
        XCTAssertEqual(try queue.claim(reviewer: "bob", count: 3).map(\.item), [4, 5, 6], "ana's leases still hold")
        clock.advance(2)  // 601 s: ana walked away
        XCTAssertEqual(try queue.claim(reviewer: "carl", count: 3).map(\.item), [1, 2, 3])
        let renewal = try queue.renew(items: [1], reviewer: "ana")
        XCTAssertEqual(renewal.renewed, [])
        XCTAssertEqual(renewal.lost, [.init(item: 1, holder: "carl")])
    }

    func testRenewedLeaseDoesNotExpire() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 4)
        let clock = TestClock()
        let queue = WorkQueue(store: store, leaseDuration: 100, clock: clock.read)
        _ = try queue.claim(reviewer: "ana", count: 1)
        for _ in 0..<5 {
            clock.advance(60)
            XCTAssertEqual(try queue.renew(items: [1], reviewer: "ana").renewed, [1])
        }
        XCTAssertEqual(try queue.claim(reviewer: "bob", count: 1).map(\.item), [2])
        // A lease that lapsed but that nobody took is taken again by renewing.
        clock.advance(500)
        XCTAssertEqual(try queue.renew(items: [1], reviewer: "ana").renewed, [1])
        XCTAssertEqual(try queue.leases(reviewer: nil).map(\.item), [1])
    }

    func testReleaseGivesItemsBack() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 4)
        let queue = WorkQueue(store: store)
        _ = try queue.claim(reviewer: "ana", count: 2)
        try queue.release(items: [1], reviewer: "ana")
        XCTAssertEqual(try queue.claim(reviewer: "bob", count: 1).map(\.item), [1])
        try queue.releaseAll(reviewer: "ana")
        XCTAssertEqual(try queue.leases(reviewer: "ana"), [])
    }

    func testLeaseFilterShowsTheReviewersItems() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 8)
        let queue = WorkQueue(store: store)
        _ = try queue.claim(reviewer: "ana \"the first\"", count: 3)
        _ = try queue.claim(reviewer: "bob", count: 2)
        let query = try ItemQuery(filter: WorkQueue.filterText(reviewer: "ana \"the first\""))
        XCTAssertEqual(try store.read { db in try query.page(db, after: nil, limit: 10).map(\.id) }, [1, 2, 3])
        XCTAssertEqual(try store.read { db in try ItemQuery(filter: "lease:bob").count(db) }, 2)
    }

    func testQueueFilterLimitsWhatIsHandedOut() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 10)
        let queue = WorkQueue(store: store, filter: try Filter("item > 7"))
        XCTAssertEqual(try queue.claim(reviewer: "ana", count: 5).map(\.item), [8, 9, 10])
    }

    /// Four connections claim one item at a time until the queue is empty: each item is
    /// handed out exactly once.
    func testConcurrentClaimsNeverShareAnItem() throws {
        let scratch = Scratch()
        let setup = try teamStore(scratch, items: 200)
        _ = setup
        let stores = try (0..<4).map { _ in try Store(path: scratch.path("team.sqlite")) }
        let results = Collected()
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            let queue = WorkQueue(store: stores[worker])
            let me = "r\(worker)"
            do {
                while true {
                    let leases = try queue.claim(reviewer: me, count: 1)
                    guard let lease = leases.first else { break }
                    results.add(lease.item)
                    try stores[worker].write { db in _ = try Decisions.decide(db, items: [lease.item], verdict: .accepted, reviewer: me) }
                }
            } catch {
                results.fail("\(error)")
            }
        }
        let handed = results.items
        let failures = results.failures
        XCTAssertEqual(failures, [])
        XCTAssertEqual(handed.count, 200)
        XCTAssertEqual(Set(handed), Set(1...200))
    }

    /// With overlap 0.1 about 10% of items are selected, the same ones on every call, and
    /// after one reviewer decided everything each selected item goes to one other reviewer.
    func testOverlapShareGoesToASecondReviewer() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 2000)
        try store.write { db in try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('queue.seed', '12345')") }
        let queue = WorkQueue(store: store)
        try queue.setOverlap(0.1)
        XCTAssertEqual(try queue.overlap(), 0.1)
        let selected = try queue.overlapItems()
        let share = Double(selected.count) / 2000
        XCTAssertEqual(share, 0.1, accuracy: 0.02, "\(selected.count) of 2000 selected")
        XCTAssertEqual(selected, (1...2000).filter { WorkQueue.draw(item: Int64($0), seed: 12345) < 0.1 }.map(Int64.init))
        // A larger share selects a superset.
        try queue.setOverlap(0.2)
        XCTAssertTrue(Set(selected).isSubset(of: Set(try queue.overlapItems())))
        try queue.setOverlap(0.1)
        XCTAssertEqual(try queue.overlapItems(), selected)

        // ana reviews everything through the queue.
        var anaDecided = 0
        while true {
            let leases = try queue.claim(reviewer: "ana", count: 50)
            guard !leases.isEmpty else { break }
            XCTAssertFalse(leases.contains(where: \.secondReview), "ana never gets her own items back")
            try store.write { db in
                for lease in leases { _ = try Decisions.decide(db, items: [lease.item], verdict: lease.item % 3 == 0 ? .rejected : .accepted, reviewer: "ana") }
            }
            anaDecided += leases.count
        }
        XCTAssertEqual(anaDecided, 2000)
        XCTAssertEqual(try queue.summary(reviewer: "bob").waitingSecond, selected.count)
        // bob gets exactly the selected items, as second reviews.
        let bob = try queue.claim(reviewer: "bob", count: 5000)
        XCTAssertEqual(bob.map(\.item), selected)
        XCTAssertTrue(bob.allSatisfy(\.secondReview))
        try store.write { db in
            for lease in bob { _ = try Decisions.decide(db, items: [lease.item], verdict: .accepted, reviewer: "bob") }
        }
        // Two opinions each: nothing is left for a third reviewer.
        XCTAssertEqual(try queue.claim(reviewer: "carl", count: 10), [])
        let twice = try store.count("SELECT count(*) FROM (SELECT item_id FROM events GROUP BY item_id HAVING count(DISTINCT reviewer) = 2)")
        XCTAssertEqual(Double(twice) / 2000, share)
    }

    /// An item the first reviewer decided comes to the second one even while the first
    /// still holds its lease; an item the first reviewer skipped does not. Second reviews
    /// come before first reviews.
    func testSecondReviewIsNotBlockedByTheFirstReviewersLease() throws {
        let scratch = Scratch()
        let store = try teamStore(scratch, items: 5)
        let queue = WorkQueue(store: store)
        try queue.setOverlap(1)
        XCTAssertEqual(try queue.claim(reviewer: "ana", count: 3).map(\.item), [1, 2, 3])
        try store.write { db in
            _ = try Decisions.decide(db, items: [1], verdict: .accepted, reviewer: "ana")
            _ = try Decisions.decide(db, items: [2], verdict: .skipped, reviewer: "ana")
            _ = try Decisions.decide(db, items: [3], verdict: .rejected, reviewer: "ana")
        }
        let bob = try queue.claim(reviewer: "bob", count: 3)
        XCTAssertEqual(bob.map(\.item), [1, 3, 4])
        XCTAssertEqual(bob.map(\.secondReview), [true, true, false])
        XCTAssertEqual(try queue.claim(reviewer: "ana", count: 3).map(\.item), [5])
    }

    func testOverlapOutOfRangeIsRefused() throws {
        let scratch = Scratch()
        let queue = WorkQueue(store: try teamStore(scratch, items: 1))
        XCTAssertThrowsError(try queue.setOverlap(1.5)) { error in
            XCTAssertEqual(error as? TeamError, .invalidOverlap(1.5))
            XCTAssertTrue("\(error)".contains("between 0 and 1"))
        }
    }
}
