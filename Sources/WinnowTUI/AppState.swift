import WinnowCore

/// Which pane has the keyboard.
public enum Pane: String, Equatable, Sendable {
    case list, detail
}

/// A one-line text prompt at the bottom of the screen.
public struct Prompt: Equatable, Sendable {
    public enum Purpose: Equatable, Sendable {
        case filter, search, note, command, sort
    }

    public var purpose: Purpose
    public var label: String
    public var text: String
    /// Cursor position in `text`, in characters.
    public var cursor: Int
    /// An error about the text (e.g. a filter syntax error), shown under the prompt.
    public var error: String?

    public init(purpose: Purpose, label: String, text: String = "", error: String? = nil) {
        self.purpose = purpose
        self.label = label
        self.text = text
        self.cursor = text.count
        self.error = error
    }

    /// Applies a line-editing key (characters, backspace, delete, arrows, home/end, ctrl-a,
    /// ctrl-e, ctrl-u); false for any other key.
    public mutating func edit(_ key: KeyPress) -> Bool {
        switch key {
        case .backspace:
            if cursor > 0 {
                text.remove(at: text.index(text.startIndex, offsetBy: cursor - 1))
                cursor -= 1
            }
        case .delete:
            if cursor < text.count { text.remove(at: text.index(text.startIndex, offsetBy: cursor)) }
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = text.count
        case .ctrl("u"):
            text = ""
            cursor = 0
        case let .char(character):
            text.insert(character, at: text.index(text.startIndex, offsetBy: cursor))
            cursor += 1
        default:
            return false
        }
        return true
    }
}

/// A modal overlay, drawn over the panes.
public enum Overlay: Equatable, Sendable {
    case help(scroll: Int)
    /// Choose a sort from a list of options.
    case sortMenu(options: [String], selected: Int)
    /// The selected item's image over the whole screen; any key closes it.
    case previewFullscreen
    /// Choose the score whose histogram to show.
    case scoreMenu(options: [String], selected: Int)
    case histogram(HistogramView)
    /// Confirm a decision over every item of the filter.
    case bulk(BulkConfirmation)
    case columns(ColumnChooser)
    /// Someone else saved the item while the reviewer edited it: both versions, to choose from.
    case conflict(EditConflict, scroll: Int)
}

/// The status line's last message.
public struct StatusMessage: Equatable, Sendable {
    public var text: String
    public var isError: Bool

    public init(_ text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }
}

/// Everything on screen, and nothing else. Changed only by ``update(_:_:)``.
public struct AppState: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var reviewer: String
    public var focus: Pane = .list

    // The slice under review.
    public var filterText: String
    public var sortText: String
    /// Bumped whenever filter or sort change, so results of older queries are dropped.
    public var generation = 0

    // The list: a window of loaded rows around the selection.
    public var rows: [ItemRow] = []
    /// Index into `rows` of the selected row.
    public var selected = 0
    /// Index into `rows` of the first row drawn.
    public var top = 0
    /// 0-based position of the first loaded row in the whole result.
    public var windowStart = 0
    /// Rows matching the filter.
    public var total = 0
    /// True while the total of a new filter is being counted (in the background).
    public var counting = false
    /// True when `rows` reaches the end of the result.
    public var atEnd = false
    public var loading = false
    /// Counts by status over the whole store.
    public var counts: [ItemStatus: Int] = [:]
    /// Score names shown as list columns.
    public var columns: [String] = []
    /// Thresholds that colour scores and give `bad:`/`warn:` filters their meaning.
    public var profile: ScoreProfile = .builtin
    /// Every score name in the store (for the sort menu and the column chooser).
    public var scoreNames: [String] = []

    // The detail pane.
    public var detail: ItemDetail?
    public var detailScroll = 0
    public var showCaption = true

    /// How previews are drawn, and the preview shown (for the selected item, at the pane's
    /// size, or full screen).
    public var previewSettings = PreviewSettings()
    public var preview: PreviewState?

    // Search.
    public var searchText: String?

    /// True while a change is being written (decision keys wait for it).
    public var saving = false

    public var prompt: Prompt?
    public var overlay: Overlay?
    public var message: StatusMessage?
    public var quitting = false

    public init(width: Int, height: Int, reviewer: String, filter: String = "", sort: String = "original") {
        self.width = width
        self.height = height
        self.reviewer = reviewer
        self.filterText = filter
        self.sortText = sort
    }

    /// The selected row, if any.
    public var current: ItemRow? {
        rows.indices.contains(selected) ? rows[selected] : nil
    }

    /// The total as shown: `…` while it is being counted.
    public var totalText: String { counting ? "…" : grouped(total) }

    /// The selected row's 1-based position in the result.
    public var position: Int { rows.isEmpty ? 0 : windowStart + selected + 1 }

    /// How many list rows fit on screen.
    public var listHeight: Int { Layout(width: width, height: height).list.height - 1 }
}
