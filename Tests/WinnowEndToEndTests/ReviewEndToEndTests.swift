import Foundation
import GRDB
import WinnowCore
import WinnowTestSupport
import XCTest

/// The real `winnow` binary in tmux on the sample data: keys in, screen and store checked.
final class ReviewEndToEndTests: ScratchTestCase {
    var db: String!

    override func setUpWithError() throws {
        guard TmuxSession.isAvailable else { throw XCTSkip("tmux is not installed (make test installs it)") }
        guard FileManager.default.isExecutableFile(atPath: TestPaths.binary.path) else {
            throw XCTSkip("the winnow binary is not built at \(TestPaths.binary.path) (make test builds it)")
        }
        scratch = Scratch()
        db = scratch.path("review.sqlite")
        let sample = TestPaths.sampleData
        let imported = try runProcess(TestPaths.binary, [
            "import", sample.appendingPathComponent("demo.json").path, "--images", sample.path,
            "--captions", sample.appendingPathComponent("captions.jsonl").path, "--db", db,
        ])
        XCTAssertEqual(imported.status, 0, imported.stderr)
    }

    func review(_ extra: String = "", width: Int = 120, height: Int = 40,
                environment: [String: String] = [:]) throws -> TmuxSession {
        let command = "\(TestPaths.binary.path) review --db \(db!) --reviewer e2e \(extra)"
        let session = try TmuxSession(command: command, width: width, height: height, environment: environment)
        try session.waitFor(text: "Items  1 / 63")
        return session
    }

    func store() throws -> Store { try Store(path: db) }

    func testAcceptRejectUndoAndQuitAreInTheStore() throws {
        let session = try review()
        try session.send("a")
        try session.waitFor(text: "✓1 ✗0")
        try session.send("r")
        try session.waitFor(text: "✓1 ✗1")
        try session.send("u")
        try session.waitFor(text: "Undone: item 2 is pending again.")
        try session.waitFor(text: "✓1 ✗0")
        try session.send("q")
        try session.waitFor("the program to exit") { _ in (try? session.paneDead()) ?? false }

        let store = try store()
        let statuses = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT id, status FROM items WHERE id <= 3 ORDER BY id").map { "\($0["id"] as Int64):\($0["status"] as String)" }
        }
        XCTAssertEqual(statuses, ["1:accepted", "2:pending", "3:pending"])
        let kinds = try store.read { db in try String.fetchAll(db, sql: "SELECT kind || ':' || COALESCE(verdict, '') || ':' || reviewer FROM events ORDER BY id") }
        XCTAssertEqual(kinds, ["verdict:accepted:e2e", "verdict:rejected:e2e", "undo::e2e"])
        XCTAssertEqual(try store.write { db in try Decisions.rebuildStatuses(db) }, 0, "the cached statuses agree with the log")
    }

    func testUndoSurvivesARestart() throws {
        var session = try review()
        try session.send("a")
        try session.waitFor(text: "✓1 ✗0")
        try session.send("q")
        try session.waitFor("exit") { _ in (try? session.paneDead()) ?? false }
        session = try review()
        try session.waitFor(text: "✓1 ✗0")
        try session.send("u")
        try session.waitFor(text: "Undone: item 1 is pending again.")
        try session.send("U")
        try session.waitFor(text: "✓1 ✗0")
        XCTAssertEqual(try store().count("SELECT count(*) FROM items WHERE status = 'accepted'"), 1)
    }

    func testEditThroughTheEditorStoresANewVersion() throws {
        let editor = scratch.write("editor.sh", "#!/bin/sh\nsed -i 's/espresso/ESPRESSO/' \"$1\"\n")
        chmod(editor, 0o755)
        let session = try review(environment: ["EDITOR": editor, "VISUAL": ""])
        try session.send("e")
        try session.waitFor(text: "Edit saved as version 1")
        try session.waitFor(text: "An ESPRESSO with golden crema")
        let store = try store()
        let stored = try store.read { db in try Row.fetchOne(db, sql: "SELECT version, conversation, reviewer FROM edits WHERE item_id = 1") }
        XCTAssertEqual(stored?["version"] as Int?, 1)
        XCTAssertEqual(stored?["reviewer"] as String?, "e2e")
        XCTAssertTrue((stored?["conversation"] as String?)?.contains("An ESPRESSO with golden crema") == true)
        let original = try store.read { db in try Conversations.original(db, item: 1) }
        XCTAssertTrue(original[1].text.hasPrefix("An espresso"), "the original text is kept")
        XCTAssertEqual(try store.count("SELECT count(*) FROM item_fts WHERE item_fts MATCH 'ESPRESSO' AND rowid = 1"), 1)
    }

    /// Someone saves item 1 while the reviewer has it open in $EDITOR: the UI shows both
    /// versions, the reviewer keeps theirs on top, and every version is in the store.
    func testConflictingEditsKeepBothVersionsAndTheReviewerChooses() throws {
        let binary = TestPaths.binary.path
        let editor = scratch.write("editor.sh", """
            #!/bin/sh
            # Another reviewer saves a version of item 1 first...
            \(binary) edit 1 --print --db \(db!) > "\(scratch.path("other.txt"))"
            sed -i 's/espresso/OTHER/' "\(scratch.path("other.txt"))"
            \(binary) edit 1 --from "\(scratch.path("other.txt"))" --reviewer bo --db \(db!) >/dev/null
            # ...then this reviewer's edit of the version they opened.
            sed -i 's/espresso/MINE/' "$1"
            """)
        chmod(editor, 0o755)
        let session = try review(environment: ["EDITOR": editor, "VISUAL": ""])
        try session.send("e")
        try session.waitFor(text: "THEIRS: version 1 by bo")
        try session.waitFor(text: "MINE: your edit (e2e)")
        try session.send("m")
        try session.waitFor(text: "Your edit is now version 2")
        let store = try store()
        let versions = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT version, reviewer, conversation FROM edits WHERE item_id = 1 ORDER BY version")
        }
        XCTAssertEqual(versions.map { $0["reviewer"] as String }, ["bo", "e2e"])
        XCTAssertTrue((versions[0]["conversation"] as String).contains("OTHER"))
        XCTAssertTrue((versions[1]["conversation"] as String).contains("MINE"))
        XCTAssertEqual(try store.count("SELECT count(*) FROM edit_conflicts WHERE resolution = 'mine'"), 1)
    }

    /// Two reviewers in queue mode on one store: each sees only items leased to them, never the
    /// same one; decisions go to the store; quitting gives the rest back.
    func testTwoQueueReviewersGetDifferentItems() throws {
        func start(_ name: String) throws -> TmuxSession {
            let command = "\(TestPaths.binary.path) review --db \(db!) --reviewer \(name) --queue --lease-minutes 10"
            let session = try TmuxSession(command: command, width: 120, height: 40)
            try session.waitFor(text: "Items  1 / 20")
            return session
        }
        let ana = try start("ana")
        let bo = try start("bo")
        let store = try store()
        let held = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT reviewer, count(*) AS n FROM leases GROUP BY reviewer ORDER BY reviewer").map { "\($0["reviewer"] as String):\($0["n"] as Int)" }
        }
        XCTAssertEqual(held, ["ana:20", "bo:20"])
        XCTAssertEqual(try store.count("SELECT count(DISTINCT item_id) FROM leases"), 40, "no item is leased twice")
        try ana.send("a")
        try ana.waitFor(text: "✓1 ")
        let decided = try store.read { db in
            try Row.fetchOne(db, sql: "SELECT e.reviewer, l.reviewer AS holder FROM events e JOIN leases l ON l.item_id = e.item_id WHERE e.kind = 'verdict'")
        }
        XCTAssertEqual(decided?["reviewer"] as String?, "ana")
        XCTAssertEqual(decided?["holder"] as String?, "ana", "ana decided one of her own items")
        try ana.send("q")
        try ana.waitFor("ana's exit") { _ in (try? ana.paneDead()) ?? false }
        XCTAssertEqual(try store.count("SELECT count(*) FROM leases WHERE reviewer = 'ana'"), 0, "quitting releases the leases")
        try bo.send("q")
        try bo.waitFor("bo's exit") { _ in (try? bo.paneDead()) ?? false }
    }

    /// Another process holds the write lock (as an import does for its whole run): a decision
    /// waits for it without freezing the screen, and is saved when the lock goes.
    func testADecisionWaitsForABusyStoreWithoutFreezingTheScreen() throws {
        let session = try review()
        let release = scratch.path("release")
        let holder = scratch.write("hold.py", """
            import os, sqlite3, time
            db = sqlite3.connect(\(Self.pythonQuoted(db!)), isolation_level=None, timeout=30)
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT INTO meta(key, value) VALUES ('lock-test', '1')")
            open(\(Self.pythonQuoted(release)) + ".held", "w").close()
            while not os.path.exists(\(Self.pythonQuoted(release))):
                time.sleep(0.05)
            db.execute("COMMIT")
            """)
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ["/usr/bin/python3", holder].map { (arg: String) in strdup(arg) } + [nil]
        defer { argv.forEach { free($0) } }
        XCTAssertEqual(posix_spawn(&pid, "/usr/bin/python3", nil, nil, argv, environ), 0)
        defer {
            FileManager.default.createFile(atPath: release, contents: nil)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        try session.waitFor("the lock") { _ in FileManager.default.fileExists(atPath: release + ".held") }
        // A second workbench opens on the locked store at once.
        let second = try TmuxSession(command: "\(TestPaths.binary.path) review --db \(db!) --reviewer other", width: 120, height: 40)
        try second.waitFor(text: "Items  1 / 63", timeout: 5)
        try session.send("a")
        try session.waitFor(text: "The store is busy")
        try session.send("j")
        try session.waitFor(text: "Items  2 / 63")
        XCTAssertEqual(try Store(path: db, readonly: true).count("SELECT count(*) FROM events"), 0,
                       "nothing is written while the lock is held")
        FileManager.default.createFile(atPath: release, contents: nil)
        try session.waitFor(text: "✓1 ✗0")
        try session.waitFor(text: "Saved.")
        XCTAssertEqual(try store().count("SELECT count(*) FROM items WHERE id = 1 AND status = 'accepted'"), 1)
    }

    static func pythonQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    func testResizeRedrawsAndATinyTerminalSaysSo() throws {
        let session = try review()
        try session.resize(width: 80, height: 24)
        let small = try session.waitFor("the 80x24 layout") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count >= 23 && lines[22].contains("1/63") && screen.contains("Items  1 / 63")
        }
        XCTAssertTrue(small.split(separator: "\n").allSatisfy { $0.count <= 80 })
        try session.resize(width: 50, height: 12)
        try session.waitFor(text: "Terminal too small: 50x12.")
        try session.resize(width: 100, height: 30)
        try session.waitFor("the 100x30 layout") { $0.contains("Items  1 / 63") && !$0.contains("too small") }
    }

    func testUntrustedTextCannotDriveTheTerminal() throws {
        let session = try review()
        try session.send(":")
        try session.send("goto 60", literal: true)
        try session.send("Enter")
        let screen = try session.waitFor(text: "Items  60 / 63")
        XCTAssertTrue(screen.contains("␛"), "escape sequences show as markers")
        XCTAssertFalse(screen.contains("\u{1B}"))
        let title = try runProcess(URL(fileURLWithPath: "/usr/bin/tmux"), ["-S", session.socket, "display-message", "-p", "-t", session.name, "#{pane_title}"])
        XCTAssertFalse(title.stdout.contains("pwned"), "an OSC title sequence in the data must not retitle the terminal")
    }

    func testKillNineLosesNoDecisionShownAsMade() throws {
        let session = try review()
        for count in 1...5 {
            try session.send("a")
            try session.waitFor(text: "✓\(count) ✗0")
        }
        let pid = try session.panePid()
        // The pane's shell runs winnow; kill the whole process group hard.
        kill(-getpgid(pid), SIGKILL)
        kill(pid, SIGKILL)
        try session.waitFor("the killed program") { _ in (try? session.paneDead()) ?? false }
        let store = try store()
        XCTAssertEqual(try store.integrityCheck(), ["ok"])
        XCTAssertEqual(try store.count("SELECT count(*) FROM items WHERE status = 'accepted'"), 5)
        XCTAssertEqual(try store.count("SELECT count(*) FROM events WHERE kind = 'verdict'"), 5)
    }

    // MARK: - Image previews

    /// Counts the colour escape sequences tmux reports in the lines of the preview pane
    /// (right of the list at 120 columns, between the "Image" title and the caption).
    func colouredCells(_ screen: String) -> Int {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
        guard let title = lines.firstIndex(where: { $0.contains("Image") && !$0.contains("Items") || $0.hasSuffix("Image") }) else { return 0 }
        var count = 0
        for line in lines.dropFirst(title + 1).prefix(14) {
            count += line.components(separatedBy: "\u{1B}[").filter { $0.hasPrefix("38;") || $0.hasPrefix("48;") || $0.contains(";38;") || $0.contains(";48;") }.count
        }
        return count
    }

    func testThePreviewIsDrawnInColourWithItsCaption() throws {
        // swift test sets NO_COLOR=1 for its children; a reviewer's terminal has colours.
        let session = try review(environment: ["COLORTERM": "", "NO_COLOR": ""])
        try session.waitFor(text: "coffee.png  512×341  313 KB  PNG")
        let screen = try session.waitFor("the coloured preview", colors: true) { self.colouredCells($0) > 100 }
        XCTAssertGreaterThan(colouredCells(screen), 100, "the preview's cells carry colours")
        // Full screen and back.
        try session.send("z")
        try session.waitFor(text: "any key returns")
        try session.send("x")
        try session.waitFor("the list again") { $0.contains("Items  1 / 63") && !$0.contains("any key returns") }
    }

    /// COLORTERM=truecolor on a 256-colour TERM: the preview is drawn in 24-bit colour.
    func testTrueColourPreviewWhenCOLORTERMSaysSo() throws {
        let session = try review(environment: ["COLORTERM": "truecolor", "NO_COLOR": ""])
        try session.waitFor(text: "coffee.png  512×341")
        let screen = try session.waitFor("24-bit colours", colors: true) { $0.components(separatedBy: "8;2;").count > 100 }
        XCTAssertGreaterThan(screen.components(separatedBy: "8;2;").count, 100)
    }

    /// Holding j through forty items: the list keeps up and the preview shows where it stopped.
    func testHoldingJShowsThePreviewOfWhereItStops() throws {
        let session = try review()
        try session.waitFor(text: "coffee.png  512×341")
        let image = try store().read { db in try String.fetchOne(db, sql: "SELECT image FROM items WHERE id = 41") } ?? ""
        let name = (image as NSString).lastPathComponent
        XCTAssertFalse(name.isEmpty)
        let started = Date()
        try session.send(contentsOf: Array(repeating: "j", count: 40))
        try session.waitFor(text: "Items  41 / 63")
        let moved = Date().timeIntervalSince(started)
        try session.waitFor(text: "\(name)  ")
        XCTAssertLessThan(moved, 5, "forty key presses took \(moved) s to reach the screen")
    }

    func testAMissingImageShowsWhyInThePane() throws {
        let missing = try store().read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM items WHERE image IS NOT NULL ORDER BY id LIMIT 1")
        } ?? 1
        let image = try store().read { db in try String.fetchOne(db, sql: "SELECT image FROM items WHERE id = ?", arguments: [missing]) } ?? ""
        try store().write { db in
            try db.execute(sql: "UPDATE items SET image = 'no/such/file.png' WHERE id = ?", arguments: [missing])
        }
        XCTAssertFalse(image.isEmpty)
        let session = try review()
        try session.waitFor(text: "missing: no/such/file.png")
    }
}
