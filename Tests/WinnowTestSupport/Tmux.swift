import Foundation

/// Drives a program in a private tmux server, as a person at a terminal would.
///
/// Each session gets its own socket, so tests never touch a user's tmux. Screens are read
/// with `capture-pane -p` (plus `-e` for colours); waits poll the screen instead of
/// sleeping a fixed time.
public final class TmuxSession {
    public let socket: String
    public let name = "winnow-test"
    private static let tmux = URL(fileURLWithPath: "/usr/bin/tmux")

    public static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: tmux.path) }

    /// Starts `command` (run by /bin/sh) in a detached session of the given size.
    public init(command: String, width: Int = 120, height: Int = 40, environment: [String: String] = [:]) throws {
        socket = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-tmux-\(UUID().uuidString.prefix(8))").path
        var exports = ["LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TERM=tmux-256color"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { exports.append("\(key)=\(Self.shellQuoted(value))") }
        let script = "export \(exports.joined(separator: " ")); \(command)"
        try run(["-u", "-f", "/dev/null", "new-session", "-d", "-s", name, "-x", String(width), "-y", String(height), script])
        try run(["set-option", "-t", name, "remain-on-exit", "on"])
    }

    deinit {
        _ = try? run(["kill-server"])
        try? FileManager.default.removeItem(atPath: socket)
    }

    @discardableResult
    private func run(_ arguments: [String]) throws -> String {
        let result = try runProcess(Self.tmux, ["-S", socket] + arguments)
        guard result.status == 0 else {
            throw TmuxError(message: "tmux \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result.stdout
    }

    /// Types keys (tmux key names such as `Enter`, `Escape`, `C-l`, or literal text with `literal`).
    public func send(_ keys: String..., literal: Bool = false) throws {
        try send(contentsOf: keys, literal: literal)
    }

    /// Sends keys in one tmux call, so they arrive together (as a held key does).
    public func send(contentsOf keys: [String], literal: Bool = false) throws {
        try run(["send-keys", "-t", name] + (literal ? ["-l"] : []) + keys)
    }

    /// The screen as text, one line per row (`-N` keeps trailing spaces).
    public func screen(colors: Bool = false) throws -> String {
        try run(["capture-pane", "-p", "-N", "-t", name] + (colors ? ["-e"] : []))
    }

    public func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", name, "-x", String(width), "-y", String(height)])
    }

    /// The pid of the program in the pane.
    public func panePid() throws -> Int32 {
        Int32(try run(["display-message", "-p", "-t", name, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// True once the program in the pane has exited.
    public func paneDead() throws -> Bool {
        try run(["display-message", "-p", "-t", name, "#{pane_dead}"]).trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    /// Polls the screen until `predicate` holds; throws with the last screen after `timeout` seconds.
    @discardableResult
    public func waitFor(_ what: String, timeout: Double = 15, colors: Bool = false,
                        _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen(colors: colors)
            if predicate(last) { return last }
            usleep(50_000)
        }
        throw TmuxError(message: "timed out waiting for \(what); the screen was:\n\(last)")
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    public func waitFor(text: String, timeout: Double = 15) throws -> String {
        try waitFor("«\(text)»", timeout: timeout) { $0.contains(text) }
    }

    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

public struct TmuxError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
