import Foundation
import GRDB

/// Copies the WAL into the store file on a thread of its own while a long run writes.
///
/// SQLite checkpoints in the committing thread: after each transaction of a run (every two
/// seconds of scores, every block of duplicate rows) the writer stopped to copy the pages it
/// had just written into the store file and sync both files. Here the writer's automatic
/// checkpoint is off and a second connection runs passive checkpoints (which never wait for
/// the writer, nor block it) a few times a second.
///
/// The WAL starts again from its beginning only when a transaction begins after a complete
/// checkpoint, which a writer that never pauses seldom gives the thread time for: the file
/// grows with what the writer writes (to about 540 MB for 900k items, against 270 MB with
/// the writer checkpointing), and is deleted when the process closes the store. The writer
/// copies what is left itself between phases (``catchUp()``, also part of ``stop()``),
/// which is little, the thread having copied nearly everything. ``stop()`` also turns the
/// writer's automatic checkpoint back on.
final class BackgroundCheckpoints: @unchecked Sendable {
    static let interval = 0.2

    private let store: Store
    private let connection: DatabaseQueue
    private let autocheckpoint: Int
    /// Held during each checkpoint (two at once would make the second give up with
    /// `SQLITE_BUSY`) and around the thread's state.
    private let condition = NSCondition()
    private var stopping = false
    private var running = true
    private(set) var checkpoints = 0

    init(store: Store) throws {
        self.store = store
        connection = try store.dedicatedWriter(cacheKilobytes: 512)
        autocheckpoint = try store.pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? 1000
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
            return pages
        }
        let thread = Thread { [self] in loop() }
        thread.name = "winnow checkpoints"
        thread.start()
    }

    private func loop() {
        condition.lock()
        while !stopping {
            try? connection.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
            checkpoints += 1
            _ = condition.wait(until: Date(timeIntervalSinceNow: Self.interval))
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }

    /// Copies what the thread has not yet copied, on the writer (which is idle: it is called
    /// between phases). Passive, so it never waits for another process's readers.
    func catchUp() {
        condition.withLock {
            try? store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        }
    }

    /// Waits for the thread to end, catches up and gives the writer its automatic checkpoint
    /// back. Safe to call more than once.
    func stop() {
        condition.lock()
        let first = !stopping
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
        guard first else { return }
        catchUp()
        try? store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = \(autocheckpoint)") }
    }
}
