import Foundation
import GRDB
import WinnowCore
import WinnowTestSupport
import XCTest

/// Several real `winnow` processes on one store: contention, SIGKILL, edit conflicts,
/// decisions moved between copies. Load sizes are small enough for CI.
final class TeamProcessTests: ScratchTestCase {
    var db: String!

    override func setUpWithError() throws {
        guard FileManager.default.isExecutableFile(atPath: TestPaths.binary.path) else {
            throw XCTSkip("the winnow binary is not built at \(TestPaths.binary.path) (make test builds it)")
        }
        scratch = Scratch()
        db = scratch.path("team.sqlite")
    }

    /// Imports `count` generated items into the test store (ids 1...count).
    func makeItems(_ count: Int) throws {
        var records: [String] = []
        for index in 1...count {
            records.append(#"{"id": "p\#(index)", "conversations": [{"from": "human", "value": "Question \#(index)?"}, {"from": "gpt", "value": "Answer \#(index)."}]}"#)
        }
        let path = scratch.write("items.json", "[" + records.joined(separator: ",\n") + "]")
        let result = try runProcess(TestPaths.binary, ["import", path, "--db", db])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func winnow(_ arguments: [String]) throws -> ProcessResult {
        try runProcess(TestPaths.binary, arguments + ["--db", db])
    }

    /// 8 processes each save 2,000 decisions one at a time on overlapping items (each item
    /// is decided by 4 processes), while an export and a log read run: every process
    /// succeeds, each of the 16,000 events is in the log exactly once, and every item's
    /// status is the one its log gives.
    func testEightProcessesWritingAtOnceLoseNothing() throws {
        let items = 4000, perProcess = 2000, processes = 8
        try makeItems(items)
        let verdicts = ["--accept", "--reject", "--skip"]
        // Process k decides the 2,000 items from k·500 + 1 on, wrapping around: given as a
        // filter (thousands of ids as arguments would make argument parsing the bottleneck).
        let plans: [[Int]] = (0..<processes).map { k in (0..<perProcess).map { (k * 500 + $0) % items + 1 }.sorted() }
        let filters: [String] = (0..<processes).map { k in
            let first = k * 500 + 1, last = k * 500 + perProcess
            return last <= items ? "item >= \(first) and item <= \(last)" : "item >= \(first) or item <= \(last - items)"
        }
        let results = Results(count: processes + 2)
        let db: String = self.db
        let during = scratch.path("during.jsonl")
        let started = Date()
        DispatchQueue.concurrentPerform(iterations: processes + 2) { index in
            let arguments: [String]
            if index < processes {
                arguments = ["decide", "--each", "--reviewer", "p\(index)", verdicts[index % 3], "--filter", filters[index]]
            } else if index == processes {
                arguments = ["decisions", "export", during]
            } else {
                arguments = ["log", "--json", "--limit", "5"]
            }
            results.set(index, Result { try runProcess(TestPaths.binary, arguments + ["--db", db]) })
        }
        let elapsed = Date().timeIntervalSince(started)
        for index in 0..<(processes + 2) {
            let result = try results.get(index)
            XCTAssertEqual(result.status, 0, "process \(index): \(result.stderr)")
            if index < processes {
                XCTAssertEqual(result.stdout.split(separator: "\n").count, perProcess, "process \(index) saved every decision")
            }
        }
        let store = try Store(path: db)
        XCTAssertEqual(try store.count("SELECT count(*) FROM events"), processes * perProcess)
        XCTAssertEqual(try store.count("SELECT count(*) FROM (SELECT 1 FROM events GROUP BY reviewer, item_id HAVING count(*) != 1)"), 0,
                       "no decision is logged twice")
        for k in 0..<processes {
            let logged = try store.read { db in
                try Int.fetchAll(db, sql: "SELECT item_id FROM events WHERE reviewer = ? ORDER BY id", arguments: ["p\(k)"])
            }
            XCTAssertEqual(logged, plans[k], "p\(k)'s events are its decisions, in its order")
        }
        // The status of each item is the verdict of its newest event (no undo here) …
        XCTAssertEqual(try store.count("""
            SELECT count(*) FROM items i WHERE i.status IS NOT COALESCE(
                (SELECT e.verdict FROM events e WHERE e.item_id = i.id ORDER BY e.id DESC LIMIT 1), 'pending')
            """), 0)
        // … and what the log rebuilds.
        XCTAssertEqual(try store.write { db in try Decisions.rebuildStatuses(db) }, 0)
        XCTAssertEqual(try store.integrityCheck(), ["ok"])
        print("8 × 2,000 decisions in separate processes: \(String(format: "%.1f", elapsed)) s")
    }

    /// A process saving decisions one by one is killed with SIGKILL several times in the
    /// middle of its writes: the store stays sound and every decision it had reported as
    /// saved is in the log.
    func testSIGKILLDuringWritesKeepsTheStoreSoundAndEverySavedDecision() throws {
        try makeItems(3000)
        var reported = Set<Int>()
        for round in 0..<3 {
            let out = scratch.path("kill-\(round).out")
            let pid = try spawn(TestPaths.binary, ["decide", "--each", "--reviewer", "k\(round)", "--reject", "--filter", "item <= 3000", "--db", db],
                                stdout: out)
            // Let it save a few hundred decisions (a different number each round), then kill it.
            let target = 150 + round * 120
            let deadline = Date().addingTimeInterval(60)
            while savedLines(out).count < target && Date() < deadline { usleep(2000) }
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            XCTAssertEqual(status & 0x7f, SIGKILL, "round \(round): the process was killed, it did not finish")
            let saved = savedLines(out)
            XCTAssertGreaterThanOrEqual(saved.count, target)
            let store = try Store(path: db)
            XCTAssertEqual(try store.integrityCheck(), ["ok"], "round \(round)")
            let logged = Set(try store.read { db in
                try Int.fetchAll(db, sql: "SELECT item_id FROM events WHERE reviewer = ?", arguments: ["k\(round)"])
            })
            XCTAssertTrue(Set(saved).isSubset(of: logged), "round \(round): \(Set(saved).subtracting(logged).sorted().prefix(10)) reported saved but missing")
            XCTAssertLessThanOrEqual(logged.count, saved.count + 1, "at most the decision in flight is saved unreported")
            XCTAssertEqual(try store.write { db in try Decisions.rebuildStatuses(db) }, 0)
            reported.formUnion(saved)
        }
        XCTAssertGreaterThan(reported.count, 0)
    }

    /// Two processes edit the same item from the same version at once: one saves, the
    /// other is told of the conflict, and both versions are in the store.
    func testConflictingEditsByTwoProcessesKeepBothVersions() throws {
        try makeItems(3)
        let printed = try winnow(["edit", "2", "--print"])
        XCTAssertEqual(printed.status, 0, printed.stderr)
        XCTAssertTrue(printed.stdout.hasPrefix("# Winnow item 2 (id p2), version 0."), printed.stdout)
        let anaFile = scratch.write("ana.txt", printed.stdout.replacingOccurrences(of: "Answer 2.", with: "Ana's answer."))
        let bobFile = scratch.write("bob.txt", printed.stdout.replacingOccurrences(of: "Answer 2.", with: "Bob's answer."))
        let results = Results(count: 2)
        let db: String = self.db
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let (name, file) = index == 0 ? ("ana", anaFile) : ("bob", bobFile)
            results.set(index, Result { try runProcess(TestPaths.binary, ["edit", "2", "--from", file, "--reviewer", name, "--db", db]) })
        }
        let outcomes = try [results.get(0), results.get(1)]
        XCTAssertEqual(outcomes.map(\.status).sorted(), [0, 3], outcomes.map(\.stderr).joined())
        let loser = outcomes[0].status == 3 ? "ana" : "bob"
        let winner = loser == "ana" ? "bob" : "ana"
        let conflicted = outcomes[loser == "ana" ? 0 : 1]
        XCTAssertTrue(conflicted.stderr.contains("item 2 was changed by \(winner) since version 0; both versions are kept as conflict 1"), conflicted.stderr)
        XCTAssertTrue(conflicted.stdout.contains("--- theirs: version 1 by \(winner)"), conflicted.stdout)
        XCTAssertTrue(conflicted.stdout.contains("--- mine: \(loser)'s edit of version 0"), conflicted.stdout)

        let store = try Store(path: db)
        let stored = try store.read { db in
            (try String.fetchAll(db, sql: "SELECT conversation FROM edits WHERE item_id = 2")
                + String.fetchAll(db, sql: "SELECT conversation FROM edit_conflicts WHERE item_id = 2")).joined()
        }
        XCTAssertTrue(stored.contains("Ana's answer.") && stored.contains("Bob's answer."), stored)
        let listed = try winnow(["edit", "--conflicts"])
        XCTAssertEqual(listed.stdout, "conflict 1: item 2, \(loser)'s edit of version 0 against version 1 by \(winner)\n")

        let resolved = try winnow(["edit", "--resolve", "1", "--keep", "mine", "--reviewer", loser])
        XCTAssertEqual(resolved.status, 0, resolved.stderr)
        XCTAssertEqual(try store.read { db in try Conversations.current(db, item: 2) }.version, 2)
        XCTAssertEqual(try store.count("SELECT count(*) FROM edits WHERE item_id = 2"), 2, "both versions are kept")
    }

    /// Decisions exported from the main store and imported into an offline copy twice:
    /// the second import changes nothing. A decision both made differently is reported
    /// (exit status 3) and not overwritten.
    func testDecisionsExportImportIsIdempotentAndReportsConflicts() throws {
        try makeItems(10)
        let copyPath = scratch.path("copy.sqlite")
        try Store(path: db).pool.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [copyPath]) }
        XCTAssertEqual(try winnow(["decide", "1", "2", "3", "--reject", "--reviewer", "ana"]).status, 0)
        XCTAssertEqual(try winnow(["decide", "4", "--accept", "--reviewer", "ana", "--note", "fine"]).status, 0)
        let file = scratch.path("main.jsonl")
        let exported = try winnow(["decisions", "export", file])
        XCTAssertEqual(exported.stdout, "4 events written to \(file).\n", exported.stderr)

        let first = try runProcess(TestPaths.binary, ["decisions", "import", file, "--db", copyPath, "--json"])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains(#""added":{"verdict":4},"already_present":0,"conflicts":[]"#), first.stdout)
        let copy = try Store(path: copyPath)
        let afterFirst = try copy.dump()
        let second = try runProcess(TestPaths.binary, ["decisions", "import", file, "--db", copyPath, "--json"])
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains(#""added":{},"already_present":4,"conflicts":[]"#), second.stdout)
        XCTAssertEqual(try copy.dump(), afterFirst, "the second import changed nothing")

        // Both stores decide item 5, differently.
        XCTAssertEqual(try winnow(["decide", "5", "--accept", "--reviewer", "ana"]).status, 0)
        XCTAssertEqual(try runProcess(TestPaths.binary, ["decide", "5", "--reject", "--reviewer", "bob", "--db", copyPath]).status, 0)
        let back = scratch.path("copy.jsonl")
        XCTAssertEqual(try runProcess(TestPaths.binary, ["decisions", "export", back, "--db", copyPath]).status, 0)
        let before = try Store(path: db).dump()
        let merged = try winnow(["decisions", "import", back])
        XCTAssertEqual(merged.status, 3, merged.stderr)
        XCTAssertTrue(merged.stdout.contains("0 added, 4 already here, 1 conflict"), merged.stdout)
        XCTAssertTrue(merged.stdout.contains("item 5 (p5), line 6: file says rejected by bob"), merged.stdout)
        XCTAssertTrue(merged.stdout.contains("here accepted by ana"), merged.stdout)
        XCTAssertEqual(try Store(path: db).dump(), before, "the conflicting decision did not overwrite anything")

        // A broken file is refused whole, naming its line.
        let broken = scratch.write("broken.jsonl", (try String(contentsOfFile: back, encoding: .utf8)) + "{\"uid\": 7}\n")
        let refused = try winnow(["decisions", "import", broken])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr, "winnow: \(broken):7: the field \"uid\" must be a string, not 7. Nothing was imported; fix or remove the line and import again.\n")
    }

    func testLogAndAgreementCommands() throws {
        try makeItems(4)
        XCTAssertEqual(try winnow(["decide", "1", "2", "3", "4", "--accept", "--reviewer", "ana"]).status, 0)
        XCTAssertEqual(try winnow(["decide", "1", "2", "--accept", "--reviewer", "bob"]).status, 0)
        XCTAssertEqual(try winnow(["decide", "3", "4", "--reject", "--reviewer", "bob"]).status, 0)
        let log = try winnow(["log", "--reviewer", "bob", "--json"])
        XCTAssertEqual(log.status, 0, log.stderr)
        let lines = log.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
        for line in lines {
            guard case let .object(object) = try parseJSON(String(line)) else { return XCTFail("not an object: \(line)") }
            XCTAssertEqual(object["reviewer"], .string("bob"))
            XCTAssertEqual(object["kind"], .string("verdict"))
            XCTAssertNotNil(object["item"]?.plainText)
            XCTAssertNotNil(object["time"]?.stringValue)
            XCTAssertNotNil(object["verdict"]?.stringValue)
        }
        XCTAssertEqual(try winnow(["log", "--item", "3"]).stdout.split(separator: "\n").count, 2)
        let badTime = try winnow(["log", "--since", "last week"])
        XCTAssertEqual(badTime.status, 1)
        XCTAssertTrue(badTime.stderr.hasPrefix("winnow: Cannot read the time 'last week'"), badTime.stderr)

        // ana accepts everything; bob accepts 2 and rejects 2: pₒ = 0.5, pₑ = 1 · 0.5, κ = 0.
        let agreement = try winnow(["agreement"])
        XCTAssertEqual(agreement.status, 0, agreement.stderr)
        XCTAssertTrue(agreement.stdout.contains("ana – bob        4   50.0%     50.0%   0.000"), agreement.stdout)
        XCTAssertTrue(agreement.stdout.contains("Disagreements: 2 (winnow review --filter disagree:any)"), agreement.stdout)
        XCTAssertTrue(agreement.stdout.contains("  item 3  p3  ana accepted, bob rejected"), agreement.stdout)
        let json = try winnow(["agreement", "--json"])
        XCTAssertTrue(json.stdout.contains(#""pairs":[{"a":"ana","b":"bob","items":4,"kappa":0,"observed_agreement":0.5"#), json.stdout)
        XCTAssertTrue(json.stdout.contains(#""table":[[2,2],[0,0]]"#), json.stdout)
    }

    // MARK: helpers

    /// The item ids of the complete `saved N` lines written so far.
    func savedLines(_ path: String) -> [Int] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()  // the part after the last newline is not a complete line
        return lines.compactMap { line in line.hasPrefix("saved ") ? Int(line.dropFirst(6)) : nil }
    }

    /// Starts a program with stdout to a file and returns its pid without waiting.
    func spawn(_ executable: URL, _ arguments: [String], stdout: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let code = posix_spawn(&pid, executable.path, &actions, nil, argv, envp)
        guard code == 0 else {
            throw NSError(domain: "spawn", code: Int(code), userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(code))])
        }
        return pid
    }
}

/// Process results gathered from several threads.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Result<ProcessResult, Error>?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Result<ProcessResult, Error>) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }

    func get(_ index: Int) throws -> ProcessResult {
        lock.lock()
        defer { lock.unlock() }
        guard let value = values[index] else { throw NSError(domain: "Results", code: index) }
        return try value.get()
    }
}
