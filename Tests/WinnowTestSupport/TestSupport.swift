import Foundation
import GRDB
import WinnowCore

/// Paths and scratch space shared by the test targets.
public enum TestPaths {
    /// The repository root (this file is Tests/WinnowTestSupport/TestSupport.swift).
    public static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` beside the repository, when present (CI and developers have it).
    public static var shared: URL? {
        let url = repository.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    public static var sampleData: URL { repository.appendingPathComponent("sample-data") }

    /// The winnow binary built by `swift build` (`$WINNOW_BIN` when set by the Makefile).
    public static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["WINNOW_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repository.appendingPathComponent(".build/debug/winnow")
    }
}

/// A fresh folder removed when the value is released.
public final class Scratch {
    public let url: URL

    public init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes text to a file in the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let path = path(name)
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// Writes bytes to a file in the folder and returns its path.
    @discardableResult
    public func write(_ name: String, bytes: [UInt8]) -> String {
        let path = path(name)
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// A new store in this folder.
    public func store(_ name: String = "test.sqlite") throws -> Store {
        try Store(path: path(name))
    }
}

extension Store {
    /// Every row of every table, as text: equal dumps mean the store did not change.
    public func dump() throws -> String {
        try read { db in
            var out = ""
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                  AND name NOT LIKE 'item_fts%' ORDER BY name
                """)
            for table in tables {
                out += "## \(table)\n"
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1") {
                    out += row.description + "\n"
                }
            }
            // The contentless full-text index is compared through what it finds.
            let hits = try Int.fetchOne(db, sql: "SELECT count(*) FROM item_fts WHERE item_fts MATCH 'the OR a OR image'") ?? 0
            out += "## fts hits \(hits)\n"
            return out
        }
    }

    /// Counts rows of a query.
    public func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }
}

/// Runs a process to completion and returns its exit status and output.
public struct ProcessResult {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// The child's peak resident set size, in kilobytes.
    public var maxRSSKilobytes: Int = 0
}

/// Runs a program with posix_spawn and waitpid. Output goes through files, not pipes: a
/// child that leaves a daemon behind (tmux starts its server this way) would otherwise keep
/// a pipe open, and Foundation's Process was seen to miss such a child's exit.
@discardableResult
public func runProcess(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                       currentDirectory: URL? = nil) throws -> ProcessResult {
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    let folder = FileManager.default.temporaryDirectory.path
    let outPath = "\(folder)/winnow-out-\(UUID().uuidString)"
    let errPath = "\(folder)/winnow-err-\(UUID().uuidString)"
    defer {
        unlink(outPath)
        unlink(errPath)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(currentDirectory == nil, "runProcess: a working directory is not supported")
    let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let code = posix_spawn(&pid, executable.path, &actions, nil, argv, envp)
    guard code == 0 else {
        throw NSError(domain: "runProcess", code: Int(code), userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable.path): \(String(cString: strerror(code)))"])
    }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let outData = FileManager.default.contents(atPath: outPath) ?? Data()
    let errData = FileManager.default.contents(atPath: errPath) ?? Data()
    return ProcessResult(status: exitStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self), maxRSSKilobytes: Int(usage.ru_maxrss))
}

/// A value shared with a background thread or a callback that may run on one.
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    public init(_ value: Value) { stored = value }

    public var value: Value {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    public func mutate(_ change: (inout Value) -> Void) {
        lock.lock()
        change(&stored)
        lock.unlock()
    }
}
