import WinnowCore

/// Something that happened in the pairwise view: a key, a command, or an effect's result.
public enum CompareAction: Equatable, Sendable {
    case key(KeyPress)
    case command(PairCommand)
    case resized(width: Int, height: Int)
    /// A verdict was stored.
    case judged(ShowingKey, PairVerdict)
    /// An undo ran: what it undid, or nil when there was nothing left to undo.
    case undone(UndoneVerdict?)
    case noted(ShowingKey)
    case previewLoaded(ComparePreview)
    case failed(String)
}

/// Work for the outside world (``CompareEngine``).
public enum CompareEffect: Equatable, Sendable {
    case record(JudgedShowing, PairVerdict, reviewer: String)
    case undo(reviewer: String, modelA: String, modelB: String)
    case note(JudgedShowing, text: String, reviewer: String)
    /// The preview to show now, and the next pairs' previews to render ahead (the judging
    /// order's next open pair and the one after the current), so moving on shows them at once.
    case loadPreview(ComparePreviewRequest, prefetch: [ComparePreviewRequest] = [])
    case quit
}
