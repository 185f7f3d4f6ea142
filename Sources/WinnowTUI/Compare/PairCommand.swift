/// Something the reviewer asks for in the pairwise view (`winnow compare`). Keys resolve to
/// these through the keymap's `compare` context, which is the only context that view reads.
///
/// Raw values are the names keymap files use (`bind compare x tie`); some are the same words
/// as review commands (`undo`, `note`, `quit`) and mean the same thing here.
public enum PairCommand: String, CaseIterable, Sendable {
    case leftBetter = "left-better"
    case rightBetter = "right-better"
    case tie = "tie"
    case skip = "skip"
    case undo = "undo"
    case note = "note"
    case revealModels = "reveal-models"
    case toggleCaption = "toggle-caption"
    case nextPane = "next-pane"
    case previousPane = "previous-pane"
    case scrollDown = "scroll-down"
    case scrollUp = "scroll-up"
    case pageDown = "page-down"
    case pageUp = "page-up"
    case nextPair = "next-pair"
    case previousPair = "previous-pair"
    case help = "help"
    case refresh = "refresh"
    case quit = "quit"

    /// One line for the help overlay and `docs/keys.md`.
    public var summary: String {
        switch self {
        case .leftBetter: return "The left (first) answer is better; go to the next pair"
        case .rightBetter: return "The right (second) answer is better; go to the next pair"
        case .tie: return "Neither answer is significantly better; go to the next pair"
        case .skip: return "Leave the pair for later and go to the next"
        case .undo: return "Undo your last verdict in this comparison and go back to it"
        case .note: return "Write a note on the pair"
        case .revealModels: return "Show or hide the model names, once the pair is judged (in both orders with --both-orders)"
        case .toggleCaption: return "Show or hide the image's caption"
        case .nextPane: return "Move the focus to the next pane (question, left, right)"
        case .previousPane: return "Move the focus to the previous pane"
        case .scrollDown: return "Scroll the focused pane down"
        case .scrollUp: return "Scroll the focused pane up"
        case .pageDown: return "Scroll the focused pane down a page"
        case .pageUp: return "Scroll the focused pane up a page"
        case .nextPair: return "Go to the next pair without judging"
        case .previousPair: return "Go to the previous pair"
        case .help: return "Show the keys"
        case .refresh: return "Redraw the screen"
        case .quit: return "Quit"
        }
    }
}

/// One key bound to a ``PairCommand`` in the keymap's `compare` context.
public struct CompareBinding: Sendable, Equatable {
    public var key: KeyPress
    public var command: PairCommand

    public init(key: KeyPress, command: PairCommand) {
        self.key = key
        self.command = command
    }
}

extension Keymap {
    /// Binds `key` in the `compare` context, replacing its previous binding there.
    public mutating func bindCompare(_ key: KeyPress, to command: PairCommand) {
        if let index = compareBindings.firstIndex(where: { $0.key == key }) {
            compareBindings[index].command = command
        } else {
            compareBindings.append(CompareBinding(key: key, command: command))
        }
    }

    /// Removes `key`'s binding in the `compare` context, if any.
    public mutating func unbindCompare(_ key: KeyPress) {
        compareBindings.removeAll { $0.key == key }
    }

    /// The pairwise view's command for a key (the `compare` context only).
    public func compareCommand(for key: KeyPress) -> PairCommand? {
        compareBindings.first { $0.key == key }?.command
    }

    /// The keys bound to a pairwise-view command, in binding order.
    public func keys(for command: PairCommand) -> [KeyPress] {
        compareBindings.filter { $0.command == command }.map(\.key)
    }

    /// Parses a command word of the `compare` context.
    static func parseCompareCommand(_ word: String, fail: (String) -> KeymapError) throws -> PairCommand {
        if let command = PairCommand(rawValue: word.lowercased()) { return command }
        let names = PairCommand.allCases.map(\.rawValue)
        let close = closeMatches(word.lowercased(), in: names)
        if close.isEmpty {
            throw fail("Unknown command “\(word)” in the compare context. Its commands: \(names.joined(separator: ", ")).")
        }
        throw fail("Unknown command “\(word)” in the compare context. Did you mean \(close.map { "“\($0)”" }.joined(separator: " or "))?")
    }

    /// The `docs/keys.md` section on the pairwise view.
    static func compareMarkdownSection() -> String {
        func code(_ key: KeyPress) -> String {
            let name = key.description
            if name.contains("`") { return "`` \(name) ``" }
            return "`" + name.replacingOccurrences(of: "|", with: "\\|") + "`"
        }
        var out = """

        ## Pairwise view (`compare` context)

        `winnow compare` (see [compare.md](compare.md)) reads only the `compare` context: global
        bindings do not apply there, and its commands are bound with `bind compare KEY COMMAND`.

        | Keys | Command | What it does |
        | --- | --- | --- |

        """
        for command in PairCommand.allCases {
            let keys = Keymap.default.keys(for: command).map(code).joined(separator: ", ")
            out += "| \(keys.isEmpty ? "—" : keys) | `\(command.rawValue)` | \(command.summary) |\n"
        }
        return out
    }
}
