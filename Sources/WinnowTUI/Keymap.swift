import Foundation

/// Where a binding applies.
public enum KeyContext: String, CaseIterable, Sendable {
    /// Always, unless a more specific context binds the key.
    case global
    /// While a search is live; its bindings win over global ones.
    case search
    /// While the detail pane has the focus; its bindings win over global ones.
    case detail
    /// The pairwise view (`winnow compare`), which reads only this context: its commands are
    /// ``PairCommand``s, kept in ``Keymap/compareBindings``.
    case compare

    /// When the context is active, for help texts.
    public var summary: String {
        switch self {
        case .global: return "always, unless an active context below binds the key"
        case .search: return "while a search is live (after `search`, until `end-search`)"
        case .detail: return "while the detail pane has the focus"
        case .compare: return "in `winnow compare`, which reads only this context (see below)"
        }
    }
}

/// An error in a keymap file.
public enum KeymapError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A line of a keymap file is wrong; `message` is a whole sentence saying what to write instead.
    case invalidLine(file: String, line: Int, message: String)

    public var description: String {
        switch self {
        case .invalidLine(let file, let line, let message):
            return "\(file):\(line): \(message)"
        }
    }

    public var errorDescription: String? { description }
}

/// Which key runs which command, per context.
///
/// The format (like tig's) is one directive a line: `bind CONTEXT KEY COMMAND`,
/// `unbind CONTEXT KEY`, blank lines, and comments from a `#` at the start of a line or
/// after a space. A user's keymap file is parsed with ``default`` as its base, so it only
/// lists changes. Key names: ``KeyPress``. The default keymap is `keymaps/default.keys`,
/// compiled in as ``defaultText``.
///
/// Example:
/// ```swift
/// let keymap = try Keymap.parse("bind global x reject\nunbind global r", file: "my.keys", base: .default)
/// keymap.command(for: .char("x"), contexts: [.detail])   // .reject
/// ```
public struct Keymap: Sendable, Equatable {
    /// One key bound to one command.
    public struct Binding: Sendable, Equatable {
        public var key: KeyPress
        public var command: Command
    }

    /// The bindings of each context, in the order they were first bound.
    public private(set) var bindings: [KeyContext: [Binding]] = [:]

    /// The bindings of the `compare` context, in the order they were first bound.
    public internal(set) var compareBindings: [CompareBinding] = []

    /// An empty keymap.
    public init() {}

    /// The default keymap (`keymaps/default.keys`).
    public static let `default`: Keymap = (try? parse(defaultText, file: "default.keys")) ?? Keymap()

    /// Binds `key` to `command` in `context`, replacing the key's previous binding there.
    public mutating func bind(_ key: KeyPress, to command: Command, in context: KeyContext) {
        var list = bindings[context] ?? []
        if let index = list.firstIndex(where: { $0.key == key }) {
            list[index].command = command
        } else {
            list.append(Binding(key: key, command: command))
        }
        bindings[context] = list
    }

    /// Removes `key`'s binding in `context`, if any.
    public mutating func unbind(_ key: KeyPress, in context: KeyContext) {
        bindings[context]?.removeAll { $0.key == key }
        if bindings[context]?.isEmpty == true { bindings[context] = nil }
    }

    /// The command for a key: the first of `contexts` that binds it wins, then `global`.
    public func command(for key: KeyPress, contexts: [KeyContext]) -> Command? {
        for context in contexts + [.global] {
            if let binding = bindings[context]?.first(where: { $0.key == key }) { return binding.command }
        }
        return nil
    }

    /// The keys bound to a command in one context, in binding order.
    public func keys(for command: Command, in context: KeyContext) -> [KeyPress] {
        (bindings[context] ?? []).filter { $0.command == command }.map(\.key)
    }

    // MARK: Parsing

    /// Parses a keymap file on top of `base` (an empty keymap when `nil`).
    ///
    /// - Throws: ``KeymapError/invalidLine(file:line:message:)`` naming the file and line; an
    ///   unknown command lists the close matches.
    public static func parse(_ text: String, file: String, base: Keymap? = nil) throws -> Keymap {
        var keymap = base ?? Keymap()
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = stripComment(rawLine).split(whereSeparator: \.isWhitespace).map(String.init)
            if words.isEmpty { continue }
            func fail(_ message: String) -> KeymapError {
                .invalidLine(file: file, line: offset + 1, message: message)
            }
            switch words[0].lowercased() {
            case "bind":
                guard words.count == 4 else {
                    throw fail("Write `bind CONTEXT KEY COMMAND` (4 words), e.g. `bind global x reject`; this line has \(words.count).")
                }
                let context = try parseContext(words[1], fail: fail)
                let key = try parseKey(words[2], fail: fail)
                if context == .compare {
                    keymap.bindCompare(key, to: try parseCompareCommand(words[3], fail: fail))
                    continue
                }
                let command = try parseCommand(words[3], fail: fail)
                keymap.bind(key, to: command, in: context)
            case "unbind":
                guard words.count == 3 else {
                    throw fail("Write `unbind CONTEXT KEY` (3 words), e.g. `unbind global r`; this line has \(words.count).")
                }
                let context = try parseContext(words[1], fail: fail)
                let key = try parseKey(words[2], fail: fail)
                if context == .compare {
                    keymap.unbindCompare(key)
                } else {
                    keymap.unbind(key, in: context)
                }
            default:
                throw fail("Unknown directive “\(words[0])”: a keymap line starts with `bind` or `unbind`.")
            }
        }
        return keymap
    }

    /// The line up to a comment: `#` at the line's start or after whitespace.
    private static func stripComment(_ line: Substring) -> Substring {
        var previous: Character = " "
        var index = line.startIndex
        while index < line.endIndex {
            if line[index] == "#", previous.isWhitespace { return line[..<index] }
            previous = line[index]
            index = line.index(after: index)
        }
        return line
    }

    private static func parseContext(_ word: String, fail: (String) -> KeymapError) throws -> KeyContext {
        guard let context = KeyContext(rawValue: word.lowercased()) else {
            throw fail("Unknown context “\(word)”: use \(KeyContext.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return context
    }

    private static func parseKey(_ word: String, fail: (String) -> KeymapError) throws -> KeyPress {
        guard let key = KeyPress(name: word) else {
            throw fail("“\(word)” is not a key name. Use a single character, \(keyNameList).")
        }
        return key
    }

    private static func parseCommand(_ word: String, fail: (String) -> KeymapError) throws -> Command {
        if let command = Command(rawValue: word.lowercased()) { return command }
        let names = Command.allCases.map(\.rawValue)
        let close = closeMatches(word.lowercased(), in: names)
        if close.isEmpty {
            throw fail("Unknown command “\(word)”. Commands: \(names.joined(separator: ", ")).")
        }
        throw fail("Unknown command “\(word)”. Did you mean \(close.map { "“\($0)”" }.joined(separator: " or "))?")
    }

    /// The multi-character key names, as a sentence fragment.
    static let keyNameList =
        "space, hash (#), ctrl-a … ctrl-z, enter, tab, backtab (shift-tab), esc, up, down, left, right, pgup, pgdn, home, end, backspace, delete, or f1 … f24"

    // MARK: Help

    /// The lines of the `?` overlay: every command, grouped by ``Command/group`` in the order
    /// of ``Command/groups``, with its keys, e.g. `"j, down"` or `"tab; esc (detail)"`.
    /// A command bound to no key has `keys == ""`.
    public func helpLines() -> [(keys: String, command: Command)] {
        var lines: [(keys: String, command: Command)] = []
        for group in Command.groups {
            for command in Command.allCases where command.group == group {
                lines.append((keys: keysText(for: command) { $0.description }, command: command))
            }
        }
        return lines
    }

    /// A command's keys in every context: global keys first, then each other context's,
    /// followed by its name in parentheses; contexts separated by `"; "`.
    private func keysText(for command: Command, format: (KeyPress) -> String) -> String {
        var parts: [String] = []
        for context in KeyContext.allCases {
            let keys = keys(for: command, in: context)
            if keys.isEmpty { continue }
            let list = keys.map(format).joined(separator: ", ")
            parts.append(context == .global ? list : "\(list) (\(context.rawValue))")
        }
        return parts.joined(separator: "; ")
    }

    /// The content of `docs/keys.md`: contexts, every command with its default keys, the file
    /// format and key names. Generated from ``Command`` and ``default``.
    public static func markdownReference() -> String {
        func code(_ key: KeyPress) -> String {
            let name = key.description
            if name.contains("`") { return "`` \(name) ``" }
            return "`" + name.replacingOccurrences(of: "|", with: "\\|") + "`"
        }
        var out = """
        <!-- Generated from Command and keymaps/default.keys by Keymap.markdownReference(): do not edit.
             Regenerate with `WINNOW_RECORD_DOCS=1 swift test --filter KeymapTests`. -->
        # Keys

        Every key runs a named command. The default bindings below come from
        `keymaps/default.keys`, which is compiled into `winnow`. A keymap file of your own is read
        on top of the defaults, so it only needs the lines you want to change.

        ## Contexts

        A key is looked up in the active contexts first, then in `global`.

        | Context | Active |
        | --- | --- |

        """
        for context in KeyContext.allCases {
            out += "| `\(context.rawValue)` | \(context.summary) |\n"
        }
        out += "\n## Commands\n"
        for group in Command.groups {
            out += "\n### \(group)\n\n| Keys | Command | What it does |\n| --- | --- | --- |\n"
            for command in Command.allCases where command.group == group {
                let keys = Keymap.default.keysText(for: command, format: code)
                out += "| \(keys.isEmpty ? "—" : keys) | `\(command.rawValue)` | \(command.summary) |\n"
            }
        }
        out += compareMarkdownSection()
        out += "\n## Inside overlays\n\nThese keys are fixed: keymap files do not change them.\n"
        for section in OverlayKeys.sections {
            out += "\n### \(section.title)\n\n"
            if !section.entries.isEmpty {
                out += "| Keys | What they do |\n| --- | --- |\n"
                for entry in section.entries {
                    out += "| \(entry.keys.map(code).joined(separator: ", ")) | \(entry.action) |\n"
                }
            }
            if let other = section.otherKeys {
                out += section.entries.isEmpty ? "Any key returns.\n" : "\nAny other key \(other).\n"
            }
        }
        out += """

        ## Keymap files

        One directive a line; `#` at the start of a line or after a space starts a comment.

        ```
        bind CONTEXT KEY COMMAND   # KEY runs COMMAND in CONTEXT, replacing what it did there
        unbind CONTEXT KEY         # KEY does nothing in CONTEXT (global bindings still apply)
        ```

        For example, to reject with `x` instead of `r` and page with `ctrl-f`:

        ```
        unbind global r
        bind global x      reject
        bind global ctrl-f page-down
        ```

        A mistake is reported with the file and line, e.g.
        `my.keys:3: Unknown command “rejct”. Did you mean “reject”?`

        ## Key names

        A single character stands for itself (`j`, `J`, `?`, `/`, `:`), except `space` for the
        space bar and `hash` for `#`. Other keys: `enter`, `tab`, `backtab` (shift-tab), `esc`,
        `up`, `down`, `left`, `right`, `pgup`, `pgdn`, `home`, `end`, `backspace`, `delete`,
        `ctrl-a` … `ctrl-z`, `f1` … `f24`. Terminals send `ctrl-i` as `tab`, `ctrl-m` as `enter`
        and `ctrl-h` as `backspace`, so those names mean those keys.

        """
        return out
    }
}

/// The candidates closest to `word` by edit distance (at most a third of its length, and at
/// least 2), best first, plus those it is a prefix of; at most three.
func closeMatches(_ word: String, in candidates: [String]) -> [String] {
    let limit = max(2, word.count / 3)
    var scored: [(String, Int)] = []
    for candidate in candidates {
        let distance = editDistance(word, candidate)
        if distance <= limit {
            scored.append((candidate, distance))
        } else if word.count >= 2, candidate.hasPrefix(word) || candidate.contains(word) {
            scored.append((candidate, limit + 1))
        }
    }
    return scored.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(3).map(\.0)
}

/// Levenshtein distance by characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

// MARK: - Compiled-in copies (generated from the files; a test checks they are identical)

extension Keymap {
    /// The default keymap file: identical to `keymaps/default.keys`.
    public static let defaultText: String = #"""
        # Winnow's default keymap. The reference with every command is docs/keys.md.
        #
        # A keymap file of your own is read on top of this one, line by line:
        #   bind CONTEXT KEY COMMAND   KEY runs COMMAND in CONTEXT (replacing what it did there)
        #   unbind CONTEXT KEY         KEY does nothing in CONTEXT (global bindings still apply)
        # Contexts: global (always), search (while a search is live), detail (while the detail pane
        # has the focus). Search and detail bindings win over global ones. The pairwise view of
        # `winnow compare` reads only the compare context (at the end of this file).
        # `#` starts a comment; write `hash` for the # key and `space` for the space bar.

        # Navigation
        bind global j       move-down
        bind global down    move-down
        bind global k       move-up
        bind global up      move-up
        bind global pgdn    page-down
        bind global ctrl-d  page-down
        bind global space   page-down
        bind global pgup    page-up
        bind global ctrl-u  page-up
        bind global g       first
        bind global home    first
        bind global G       last
        bind global end     last
        bind global enter   focus-detail
        bind global tab     switch-pane

        # In the detail pane, j and k scroll it and esc returns to the list.
        bind detail j       scroll-detail-down
        bind detail down    scroll-detail-down
        bind detail k       scroll-detail-up
        bind detail up      scroll-detail-up
        bind detail esc     switch-pane

        # Decisions
        bind global a       accept
        bind global r       reject
        bind global s       skip
        bind global u       undo
        bind global U       redo
        bind global B       bulk-decide

        # Editing
        bind global e       edit
        bind global E       edit-item
        bind global n       note

        # Search and filter
        bind global /       search
        bind search n       search-next
        bind search N       search-previous
        bind search esc     end-search
        bind global f       filter
        bind global o       sort

        # View
        bind global c       toggle-caption
        bind global h       histogram
        bind global C       choose-columns
        bind global z       preview-fullscreen
        bind global ctrl-l  refresh

        # Other
        bind global ?       help
        bind global :       command-line
        bind global q       quit

        # The pairwise view (winnow compare) reads only the compare context; see docs/compare.md.
        bind compare 1       left-better
        bind compare 2       right-better
        bind compare 3       tie
        bind compare s       skip
        bind compare u       undo
        bind compare n       note
        bind compare m       reveal-models
        bind compare c       toggle-caption
        bind compare tab     next-pane
        bind compare backtab previous-pane
        bind compare j       scroll-down
        bind compare down    scroll-down
        bind compare k       scroll-up
        bind compare up      scroll-up
        bind compare space   page-down
        bind compare pgdn    page-down
        bind compare pgup    page-up
        bind compare ]       next-pair
        bind compare [       previous-pair
        bind compare ?       help
        bind compare ctrl-l  refresh
        bind compare q       quit

        """#
}
