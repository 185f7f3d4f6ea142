import Foundation
import GRDB
import WinnowCore
import WinnowTestSupport
import WinnowTUI
import XCTest
@testable import WinnowTerminal

/// Queue mode claims more items as the reviewer works through them; a claim must not hold
/// the screen while another process (an import) has the store's write lock.
final class QueueClaimTests: XCTestCase {
    func testLaterClaimsDoNotWaitOnTheLoopThreadWhileAnotherProcessWrites() throws {
        // Given a queue reviewer holding the store's only three items (fewer than five
        // pending, so the next check claims again)
        let scratch = Scratch()
        let records = (0..<3).map { index in
            #"{"id": "q\#(index)", "conversations": [{"from": "human", "value": "Question \#(index)?"}, {"from": "gpt", "value": "An answer."}]}"#
        }
        let file = scratch.write("few.jsonl", records.joined(separator: "\n") + "\n")
        let path = scratch.path("queue.sqlite")
        let importOptions = ImportOptions(path: file)
        _ = try Importer(store: try Store(path: path)).run(importOptions)
        let store = try Store(path: path, cacheKilobytes: 8192, busySeconds: 2)
        guard let output = fopen("/dev/null", "w"), let input = fopen("/dev/null", "r") else { return XCTFail("no /dev/null") }
        defer {
            fclose(output)
            fclose(input)
        }
        let terminal = try Terminal(input: input, output: output, termName: "xterm-256color", forcedDepth: .indexed256)
        defer { terminal.close() }
        var options = ReviewApp.Options(reviewer: "ana", theme: Theme.builtin("dark") ?? Theme(name: "plain", styles: [:]))
        options.queue = true
        let app = ReviewApp(store: store, options: options, terminal: terminal)
        app.start()
        Thread.sleep(forTimeInterval: 2.2)

        // When another connection holds the write lock and the loop checks the queue
        let other = try Store(path: path)
        try other.pool.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            defer { try? db.execute(sql: "ROLLBACK") }
            let started = Date()
            _ = app.claimIfNeeded()

            // Then the loop thread is back at once (the claim waits on the writer queue)
            XCTAssertLessThan(Date().timeIntervalSince(started), 0.5)
        }
    }
}
