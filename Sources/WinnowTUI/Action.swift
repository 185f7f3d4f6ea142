import WinnowCore

/// Where a window of rows is anchored.
public enum WindowAnchor: Equatable, Sendable {
    case start
    case end
    /// The end, with the result's size already known (no count is made).
    case endOf(total: Int)
    /// Around a known item (its row is fetched again, so a changed status shows).
    case item(Int64)
    /// Around the first row at or after this position (0-based); used after a resize or refresh.
    case position(Int)
    /// Around a known item believed to be at `position` (0-based): the position is not
    /// computed (deep in a million items that takes longer than a frame); a `.locate`
    /// effect corrects it in the background.
    case itemAt(Int64, position: Int)
}

/// Something that happened: a command from a key, or the result of an effect.
/// Results carry the generation of the query that produced them; stale ones are dropped.
public enum Action: Equatable, Sendable {
    case command(Command)
    /// A key press while a prompt or overlay has the keyboard (or one the keymap does not bind).
    case key(KeyPress)
    case resized(width: Int, height: Int)
    /// A new window of rows; `selectedItem` is selected when present in it.
    case windowLoaded(generation: Int, rows: [ItemRow], windowStart: Int, atEnd: Bool, selectedItem: Int64?)
    case rowsAppended(generation: Int, rows: [ItemRow], atEnd: Bool)
    case rowsPrepended(generation: Int, rows: [ItemRow])
    case countLoaded(generation: Int, total: Int, counts: [ItemStatus: Int])
    /// The 0-based position of an item in the result (from a `.locate` effect).
    case located(generation: Int, item: Int64, position: Int)
    /// Counts by status over the store, recounted (after an undo or redo).
    case countsRefreshed([ItemStatus: Int])
    /// A saved view was found: switch to its filter and sort.
    case viewLoaded(filter: String, sort: String)
    case detailLoaded(ItemDetail?)
    case previewLoaded(PreviewState)
    /// Verdicts were written (by a key, a bulk decision, an undo or a redo); `previous` holds
    /// each item's status before, so counts stay exact without recounting.
    case decided(Decisions.Outcome, previous: [Int64: ItemStatus], undo: Bool)
    /// The editor closed: nil turns when the reviewer left the text unchanged.
    case editFinished(item: Int64, turns: [Turn]?, baseVersion: Int)
    case scoreNamesLoaded([String])
    case histogramLoaded(generation: Int, Histogram)
    /// An edit was saved as `version` (of `item`).
    case editSaved(item: Int64, version: Int)
    /// An edit met someone else's newer version: both are kept until the reviewer chooses.
    case editConflict(EditConflict)
    case info(String)
    case failed(String)
    /// Another process changed the store.
    case storeChanged
    /// A write is waiting because another process holds the store's write lock.
    case storeBusy
    /// The write in flight is done (saved, or failed with a message before this).
    case writeFinished
}

/// Work for the outside world: the store (``Engine``) or the terminal (the editor).
public enum Effect: Equatable, Sendable {
    case loadWindow(generation: Int, query: QuerySpec, anchor: WindowAnchor, limit: Int)
    case loadAfter(generation: Int, query: QuerySpec, after: ItemRow, limit: Int)
    case loadBefore(generation: Int, query: QuerySpec, before: ItemRow, limit: Int)
    case count(generation: Int, query: QuerySpec)
    /// Find an item's position in the result (run in the background, like counts).
    case locate(generation: Int, query: QuerySpec, item: Int64)
    case loadDetail(item: Int64)
    case decide(items: [Int64], verdict: ItemStatus, reviewer: String)
    /// After a decision: select the next pending row after `after`, loading it if needed.
    case advanceToPending(generation: Int, query: QuerySpec, after: ItemRow)
    case undo(reviewer: String)
    case redo(reviewer: String)
    case note(item: Int64, text: String, reviewer: String)
    /// Suspend the screen and edit in $VISUAL/$EDITOR; `turn` nil edits the whole item.
    case openEditor(item: ItemDetail, turn: Int?)
    case saveEdit(item: Int64, turns: [Turn], baseVersion: Int, reviewer: String)
    case search(generation: Int, query: QuerySpec, text: String, from: ItemRow?, backward: Bool)
    case saveView(name: String, query: QuerySpec, reviewer: String)
    case loadView(name: String)
    case loadScoreNames
    /// Settle an edit conflict by keeping one side (the other stays in the store).
    case resolveConflict(id: Int64, keep: EditConflict.Resolution, reviewer: String)
    case loadHistogram(generation: Int, query: QuerySpec, score: String, bins: Int)
    /// Decide every item matching the query, as one batch (`expected`: the count the reviewer confirmed).
    case bulkDecide(generation: Int, query: QuerySpec, verdict: ItemStatus, reviewer: String, expected: Int)
    /// Show the preview `wanted` (nil: none) as soon as it is rendered, and render `prefetch`
    /// ahead when idle. Run off the loop thread; the result comes back as ``Action/previewLoaded(_:)``.
    case preview(wanted: PreviewRequest?, prefetch: [PreviewRequest])
    case quit
}

extension Effect {
    /// True for the effects that write to the store (run one at a time, off the loop thread).
    public var isWrite: Bool {
        switch self {
        case .decide, .undo, .redo, .note, .saveEdit, .resolveConflict, .bulkDecide, .saveView: return true
        default: return false
        }
    }
}

/// A filter and sort, as text (compiled by the engine; checked by ``update(_:_:)`` first).
public struct QuerySpec: Equatable, Sendable {
    public var filter: String
    public var sort: String
    public var columns: [String]

    public init(filter: String, sort: String, columns: [String] = []) {
        self.filter = filter
        self.sort = sort
        self.columns = columns
    }
}
