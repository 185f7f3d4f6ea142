import Foundation
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// The export run as a separate process (the built `winnow` binary), interrupted mid-write.
final class ExportProcessTests: XCTestCase {
    /// `$WINNOW_BIN`, else the debug binary of the usual scratch paths.
    var binary: URL? {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["WINNOW_BIN"], !path.isEmpty {
            candidates.append(URL(fileURLWithPath: path))
        }
        candidates.append(TestPaths.repository.appendingPathComponent(".build-export/debug/winnow"))
        candidates.append(TestPaths.binary)
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            if let result = try? runProcess(candidate, ["export", "--help"]), result.status == 0,
               result.stdout.contains("--benchmark-out") {
                return candidate
            }
        }
        return nil
    }

    /// Starts `winnow export` on a big generated file and waits until the temporary output
    /// has data in it.
    func startBigExport(_ scratch: Scratch, binary: URL) throws -> (process: Process, out: String) {
        _ = try scratch.store()
        let big = scratch.path("big.json")
        _ = try BenchDataGenerator(seed: 5).writeLLaVAMix(to: big, count: 60_000)
        let out = scratch.path("train.json")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["export", "--db", scratch.path("test.sqlite"), "--out", out, "--combine", big, "--shuffle", "--seed", "1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["CI"] = "1"
        process.environment = environment
        try process.run()
        return (process, out)
    }

    /// Waits until a file whose name contains `fragment` has more than `size` bytes (-1: exists).
    func waitForData(in folder: URL, containing fragment: String, process: Process, size minimum: Int = 0) -> Bool {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && process.isRunning {
            for name in ExportFixture.files(in: folder, containing: fragment) {
                let size = (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.size] as? Int) ?? 0
                if size > minimum { return true }
            }
            usleep(10_000)
        }
        return false
    }

    func testAnExportKilledMidWriteLeavesNoOutputAndTheNextRunCleansUp() throws {
        guard let binary else { throw XCTSkip("no winnow binary with an export command (set WINNOW_BIN)") }
        let scratch = Scratch()
        // Without --shuffle the output is written while the input is read.
        _ = try scratch.store()
        let big = scratch.path("big.json")
        _ = try BenchDataGenerator(seed: 5).writeLLaVAMix(to: big, count: 60_000)
        let out = scratch.path("train.json")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["export", "--db", scratch.path("test.sqlite"), "--out", out, "--combine", big]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        XCTAssertTrue(waitForData(in: scratch.url, containing: ".train.json.winnow-tmp-", process: process),
                      "the export finished before it could be interrupted; make the input bigger")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + ".manifest.json"))
        let leftovers = ExportFixture.files(in: scratch.url, containing: "train.json")
        XCTAssertEqual(leftovers, [".train.json.winnow-tmp-\(process.processIdentifier)"])

        // The next export to the same path removes the dead process's leftover.
        let again = try runProcess(binary, ["export", "--db", scratch.path("test.sqlite"), "--out", out,
                                            "--combine", scratch.write("small.jsonl", ExportFixture.record(id: "1", [("human", "Hi"), ("gpt", "Yo")]))])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(ExportFixture.files(in: scratch.url, containing: "train.json").sorted(), ["train.json", "train.json.manifest.json"])
    }

    func testAnExportStoppedBySIGTERMRemovesItsTemporaryFiles() throws {
        guard let binary else { throw XCTSkip("no winnow binary with an export command (set WINNOW_BIN)") }
        let scratch = Scratch()
        let (process, out) = try startBigExport(scratch, binary: binary)
        XCTAssertTrue(waitForData(in: scratch.url, containing: ".train.json.winnow-tmp-", process: process, size: -1),
                      "the export finished before it could be interrupted; make the input bigger")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertEqual(ExportFixture.files(in: scratch.url, containing: "train.json"), [])
        XCTAssertEqual(ExportFixture.files(in: scratch.url, containing: "winnow-"), [])
    }

    func testTheCommandReportsAndFailsStrictlyWithExitStatus1() throws {
        guard let binary else { throw XCTSkip("no winnow binary with an export command (set WINNOW_BIN)") }
        let scratch = Scratch()
        let store = try ExportFixture.store(scratch, ExportFixture.llava)
        try ExportFixture.acceptAll(store)
        let bad = scratch.write("bad.jsonl", ExportFixture.record(id: "\"b\"", [("gpt", "first"), ("human", "second")]))
        let db = scratch.path("test.sqlite")

        let ok = try runProcess(binary, ["export", "--db", db, "--out", scratch.path("t.json"), "--combine", bad, "--json"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let report = try XCTUnwrap(try parseJSON(ok.stdout).objectValue)
        XCTAssertEqual(report["written"], .number("4"))
        XCTAssertEqual(report["invalid"], .number("1"))
        XCTAssertEqual(ok.stderr, "", "no progress line when stderr is not a terminal")

        let strict = try runProcess(binary, ["export", "--db", db, "--out", scratch.path("s.json"), "--combine", bad, "--strict"])
        XCTAssertEqual(strict.status, 1)
        XCTAssertTrue(strict.stderr.contains("--strict: nothing was written"), strict.stderr)
        XCTAssertTrue(strict.stderr.contains("role_order: 1"), strict.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path("s.json")))

        let missing = try runProcess(binary, ["export", "--db", scratch.path("nope.sqlite"), "--out", scratch.path("n.json")])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path("nope.sqlite")), "export never creates a store")
    }

    func testStaleTemporaryFilesOfDeadProcessesAreRemoved() throws {
        let scratch = Scratch()
        let store = try ExportFixture.store(scratch, ExportFixture.llava)
        // A pid that is not running, and one that is (this process's parent).
        var dead: Int32 = 999_999
        while kill(dead, 0) == 0 || errno != ESRCH { dead -= 1 }
        let stale = scratch.write(".out.json.winnow-tmp-\(dead)", "partial")
        let live = scratch.write(".out.json.winnow-tmp-\(getppid())", "someone else's")
        try Exporter(store: store).run(ExportOptions(outputPath: scratch.path("out.json")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale))
        XCTAssertTrue(FileManager.default.fileExists(atPath: live))
    }
}

/// `winnow import` run as a separate process and interrupted while it loads an empty store.
final class ImportProcessTests: XCTestCase {
    func testAnImportStoppedBySIGINTLeavesTheStoreAsItWasAndNoScratchFile() throws {
        let binary = TestPaths.binary
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw XCTSkip("no winnow binary at \(binary.path)") }
        // Given a big file being imported into an empty store
        let scratch = Scratch()
        let big = scratch.path("big.json")
        _ = try BenchDataGenerator(seed: 5).writeLLaVAMix(to: big, count: 60_000)
        let db = scratch.path("test.sqlite")
        _ = try scratch.store()
        let process = Process()
        process.executableURL = binary
        process.arguments = ["import", big, "--db", db, "--no-score"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let scratchFile = db + "-fts-build"
        let deadline = Date().addingTimeInterval(120)
        var size = 0
        while Date() < deadline && process.isRunning && size < 1 << 20 {
            size = (try? FileManager.default.attributesOfItem(atPath: scratchFile)[.size] as? Int) ?? 0
            usleep(10_000)
        }
        XCTAssertGreaterThan(size, 1 << 20, "the import finished before it could be interrupted; make the input bigger")

        // When it gets SIGINT (Ctrl-C)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()

        // Then it dies of it, the scratch file is gone and the store holds nothing
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratchFile))
        let store = try Store(path: db)
        XCTAssertEqual(try store.count("SELECT count(*) FROM items"), 0)
        XCTAssertEqual(try store.integrityCheck(), ["ok"])
    }
}
