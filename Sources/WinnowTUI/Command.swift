/// Something the reviewer asks for. Keys resolve to commands through the ``Keymap``.
///
/// Raw values are the kebab-case names keymap files and the command line use. The help
/// overlay and `docs/keys.md` are generated from ``summary`` and ``group``.
public enum Command: String, CaseIterable, Sendable {
    case moveDown = "move-down"
    case moveUp = "move-up"
    case pageDown = "page-down"
    case pageUp = "page-up"
    case first = "first"
    case last = "last"
    case focusDetail = "focus-detail"
    case switchPane = "switch-pane"
    case scrollDetailDown = "scroll-detail-down"
    case scrollDetailUp = "scroll-detail-up"
    case accept = "accept"
    case reject = "reject"
    case skip = "skip"
    case undo = "undo"
    case redo = "redo"
    case edit = "edit"
    case editItem = "edit-item"
    case note = "note"
    case search = "search"
    case searchNext = "search-next"
    case searchPrevious = "search-previous"
    case endSearch = "end-search"
    case filter = "filter"
    case sort = "sort"
    case toggleCaption = "toggle-caption"
    case help = "help"
    case commandLine = "command-line"
    case histogram = "histogram"
    case bulkDecide = "bulk-decide"
    case chooseColumns = "choose-columns"
    case previewFullscreen = "preview-fullscreen"
    case refresh = "refresh"
    case quit = "quit"

    /// The groups of the help overlay and `docs/keys.md`, in display order.
    public static let groups = ["Navigation", "Decisions", "Editing", "Search and filter", "View", "Other"]

    /// The help group this command is listed under (one of ``groups``).
    public var group: String {
        switch self {
        case .moveDown, .moveUp, .pageDown, .pageUp, .first, .last, .focusDetail, .switchPane,
             .scrollDetailDown, .scrollDetailUp:
            return "Navigation"
        case .accept, .reject, .skip, .undo, .redo, .bulkDecide:
            return "Decisions"
        case .edit, .editItem, .note:
            return "Editing"
        case .search, .searchNext, .searchPrevious, .endSearch, .filter, .sort:
            return "Search and filter"
        case .toggleCaption, .histogram, .chooseColumns, .previewFullscreen, .refresh:
            return "View"
        case .help, .commandLine, .quit:
            return "Other"
        }
    }

    /// One line for the help overlay.
    public var summary: String {
        switch self {
        case .moveDown: return "Select the next item"
        case .moveUp: return "Select the previous item"
        case .pageDown: return "Move down one page"
        case .pageUp: return "Move up one page"
        case .first: return "Go to the first item"
        case .last: return "Go to the last item"
        case .focusDetail: return "Move the focus to the detail pane"
        case .switchPane: return "Move the focus to the other pane"
        case .scrollDetailDown: return "Scroll the detail pane down"
        case .scrollDetailUp: return "Scroll the detail pane up"
        case .accept: return "Accept the item and go to the next"
        case .reject: return "Reject the item and go to the next"
        case .skip: return "Skip the item (decide later) and go to the next"
        case .undo: return "Undo the last decision or edit"
        case .redo: return "Redo what was undone"
        case .edit: return "Edit the focused turn in $EDITOR"
        case .editItem: return "Edit the whole item as text in $EDITOR"
        case .note: return "Write a note on the item"
        case .search: return "Search the text of the items"
        case .searchNext: return "Go to the next match"
        case .searchPrevious: return "Go to the previous match"
        case .endSearch: return "End the search"
        case .filter: return "Filter the items (filter language)"
        case .sort: return "Choose the sort order"
        case .toggleCaption: return "Show or hide the caption"
        case .help: return "Show this help"
        case .commandLine: return "Type a command by name"
        case .histogram: return "Show the score histogram"
        case .bulkDecide: return "Decide every item matching the filter"
        case .chooseColumns: return "Choose the score columns of the list"
        case .previewFullscreen: return "Show the image preview full screen"
        case .refresh: return "Redraw the screen"
        case .quit: return "Quit"
        }
    }
}
