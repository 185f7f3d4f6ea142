/// A semantic part of the screen that a theme colours.
///
/// Raw values are the names theme files use. A role a theme does not set falls back to its
/// parent (the name without its last `.component`, when that is a role: `pane.title.focused`
/// → `pane.title`, `list.selected.unfocused` → `list.selected`), then to `normal`.
public enum Role: String, CaseIterable, Sendable {
    case normal = "normal"
    case dim = "dim"
    case paneBorder = "pane.border"
    case paneTitle = "pane.title"
    case paneTitleFocused = "pane.title.focused"
    case listRow = "list.row"
    case listSelected = "list.selected"
    case listSelectedUnfocused = "list.selected.unfocused"
    case statusBar = "status.bar"
    case statusError = "status.error"
    case statusMessage = "status.message"
    case verdictPending = "verdict.pending"
    case verdictAccepted = "verdict.accepted"
    case verdictRejected = "verdict.rejected"
    case verdictSkipped = "verdict.skipped"
    case roleHuman = "role.human"
    case roleGPT = "role.gpt"
    case caption = "caption"
    case meta = "meta"
    case scoreGood = "score.good"
    case scoreWarn = "score.warn"
    case scoreBad = "score.bad"
    case searchMatch = "search.match"
    case prompt = "prompt"
    case helpKey = "help.key"
    case helpText = "help.text"
    case histogramBar = "histogram.bar"
    case histogramMarker = "histogram.marker"
    case controlPicture = "control.picture"
    case warning = "warning"

    /// The role this one falls back to when a theme does not set it; `nil` for `normal`.
    public var parent: Role? {
        if self == .normal { return nil }
        var name = rawValue
        while let dot = name.lastIndex(of: ".") {
            name = String(name[..<dot])
            if let role = Role(rawValue: name) { return role }
        }
        return .normal
    }
}
