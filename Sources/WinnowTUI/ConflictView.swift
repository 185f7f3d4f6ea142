import WinnowCore

/// Keys of the conflict view: `m` keeps the reviewer's edit (saved on top of theirs), `t`
/// keeps theirs, j/k scroll, Esc decides later (the proposal stays in the store as an open
/// conflict; `winnow edit --conflicts` lists them).
func conflictKey(_ state: inout AppState, _ conflict: EditConflict, scroll: Int, _ key: KeyPress) -> [Effect] {
    switch key {
    case .char("m"), .char("M"):
        state.overlay = nil
        return [.resolveConflict(id: conflict.id, keep: .mine, reviewer: state.reviewer)]
    case .char("t"), .char("T"):
        state.overlay = nil
        return [.resolveConflict(id: conflict.id, keep: .theirs, reviewer: state.reviewer)]
    case .char("j"), .down: state.overlay = .conflict(conflict, scroll: scroll + 1)
    case .char("k"), .up: state.overlay = .conflict(conflict, scroll: max(0, scroll - 1))
    case .pageDown, .char(" "): state.overlay = .conflict(conflict, scroll: scroll + max(1, state.height - 8))
    case .pageUp: state.overlay = .conflict(conflict, scroll: max(0, scroll - max(1, state.height - 8)))
    case .escape:
        state.overlay = nil
        state.message = StatusMessage("Conflict \(conflict.id) left open: your edit is kept in the store, theirs stays current.")
    default:
        break
    }
    return []
}

/// Both versions side by side (stacked when narrow), the turns that differ marked.
func renderConflict(_ conflict: EditConflict, scroll: Int, theme: Theme, into screen: inout ScreenBuffer) {
    let inner = box("Edit conflict on item \(conflict.item)", width: screen.width - 2, height: screen.height - 2,
                    theme: theme, into: &screen)
    let header = "You edited version \(conflict.baseVersion); \(conflict.theirs.reviewer ?? "someone") saved version \(conflict.theirs.version) meanwhile."
    screen.put(header, x: inner.x, y: inner.y, maxWidth: inner.width, style: theme.style(.warning))
    let keys = "m keep mine (saved on top of theirs) · t keep theirs · j/k scroll · esc decide later"
    screen.put(keys, x: inner.x, y: inner.y + inner.height - 1, maxWidth: inner.width, style: theme.style(.dim))
    let body = Rect(x: inner.x, y: inner.y + 2, width: inner.width, height: inner.height - 4)
    let sideBySide = body.width >= 80
    let panes: [Rect] = sideBySide
        ? [Rect(x: body.x, y: body.y, width: (body.width - 1) / 2, height: body.height),
           Rect(x: body.x + (body.width + 1) / 2, y: body.y, width: (body.width - 1) / 2, height: body.height)]
        : [Rect(x: body.x, y: body.y, width: body.width, height: body.height / 2),
           Rect(x: body.x, y: body.y + body.height / 2, width: body.width, height: body.height - body.height / 2)]
    let sides: [(String, EditConflict.Version, EditConflict.Version)] = [
        ("THEIRS: version \(conflict.theirs.version) by \(conflict.theirs.reviewer ?? "the import")", conflict.theirs, conflict.mine),
        ("MINE: your edit (\(conflict.mine.reviewer ?? "you"))", conflict.mine, conflict.theirs),
    ]
    for (pane, side) in zip(panes, sides) {
        screen.put(side.0, x: pane.x, y: pane.y, maxWidth: pane.width, style: theme.style(.paneTitle))
        var lines: [(String, Role)] = []
        for (index, turn) in side.1.turns.enumerated() {
            let other = side.2.turns.indices.contains(index) ? side.2.turns[index].text : nil
            let changed = other != turn.text
            lines.append(("\(turn.isHuman ? "HUMAN" : "GPT")\(changed ? "  (differs)" : "")", turn.isHuman ? .roleHuman : .roleGPT))
            for line in Wrap.lines(turn.text, width: max(1, pane.width - 2)) {
                lines.append(("  " + line, changed ? .warning : .normal))
            }
            lines.append(("", .normal))
        }
        for (offset, line) in lines.dropFirst(scroll).prefix(max(0, pane.height - 1)).enumerated() {
            screen.put(line.0, x: pane.x, y: pane.y + 1 + offset, maxWidth: pane.width, style: theme.style(line.1))
        }
    }
}
