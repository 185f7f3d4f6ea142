import Foundation
import WinnowCore

/// How many rows a window holds at most, as a multiple of the visible list height.
let windowPages = 4

/// The one place state changes: an action in, the new state and the effects to run out.
/// Pure: no I/O, no clock, no randomness.
public func update(_ state: inout AppState, _ action: Action, keymap: Keymap = .default) -> [Effect] {
    let effects = reduce(&state, action, keymap: keymap)
    if effects.contains(where: \.isWrite) { state.saving = true }
    return effects
}

func reduce(_ state: inout AppState, _ action: Action, keymap: Keymap) -> [Effect] {
    switch action {
    case .writeFinished:
        state.saving = false
        return []

    case .storeBusy:
        state.message = StatusMessage("The store is busy (another process is writing, an import?): your change is saved as soon as it is free.",
                                      isError: true)
        return []

    case let .command(command):
        return perform(&state, command)

    case let .key(key):
        return handleKey(&state, key, keymap: keymap)

    case let .resized(width, height):
        state.width = width
        state.height = height
        clampScroll(&state)
        return previewEffects(state)

    case let .windowLoaded(generation, rows, windowStart, atEnd, selectedItem):
        guard generation == state.generation else { return [] }
        state.loading = false
        state.rows = rows
        state.windowStart = windowStart
        state.atEnd = atEnd
        if let selectedItem, let index = rows.firstIndex(where: { $0.id == selectedItem }) {
            state.selected = index
        } else {
            state.selected = min(state.selected, max(0, rows.count - 1))
        }
        state.top = max(0, state.selected - state.listHeight / 2)
        clampScroll(&state)
        return detailEffects(&state)

    case let .rowsAppended(generation, rows, atEnd):
        guard generation == state.generation else { return [] }
        state.loading = false
        state.atEnd = atEnd
        state.rows += rows
        trimFront(&state)
        return []

    case let .rowsPrepended(generation, rows):
        guard generation == state.generation else { return [] }
        state.loading = false
        state.rows = rows + state.rows
        state.windowStart = max(0, state.windowStart - rows.count)
        state.selected += rows.count
        state.top += rows.count
        trimBack(&state)
        return []

    case let .countLoaded(generation, total, counts):
        guard generation == state.generation else { return [] }
        state.counting = false
        state.total = total
        state.counts = counts
        return []

    case let .located(generation, item, position):
        guard generation == state.generation, let index = state.rows.firstIndex(where: { $0.id == item }) else { return [] }
        state.windowStart = max(0, position - index)
        return []

    case let .countsRefreshed(counts):
        state.counts = counts
        return []

    case let .viewLoaded(filter, sort):
        let effects = applyQuery(&state, filter: filter, sort: sort)
        if state.prompt == nil { state.message = StatusMessage("View loaded: filter \(filter.isEmpty ? "all" : filter), sort \(sort).") }
        return effects

    case let .detailLoaded(detail):
        guard detail == nil || detail?.id == state.current?.id else { return [] }
        if detail?.id != state.detail?.id { state.detailScroll = 0 }
        state.detail = detail
        return []

    case let .decided(outcome, previous, undo):
        for (item, status) in outcome.statuses {
            if let old = previous[item], old != status {
                state.counts[old, default: 0] -= 1
                state.counts[status, default: 0] += 1
            }
            if let index = state.rows.firstIndex(where: { $0.id == item }) {
                state.rows[index].status = status
            }
        }
        let count = outcome.items.count
        if undo {
            // Go back to what was undone, so the reviewer sees it again.
            state.message = StatusMessage(count == 1 ? "Undone: item \(outcome.items[0]) is \(outcome.statuses[outcome.items[0]]?.rawValue ?? "pending") again."
                                                     : "Undone: \(count) items.")
            if let first = outcome.items.first {
                if let index = state.rows.firstIndex(where: { $0.id == first }) {
                    state.selected = index
                    clampScroll(&state)
                    return detailEffects(&state)
                }
                return [.loadWindow(generation: state.generation, query: state.querySpec, anchor: .item(first), limit: windowLimit(state))]
            }
            return detailEffects(&state)
        }
        if count > 1 {
            state.message = StatusMessage("\(grouped(count)) items \(outcome.statuses.values.first?.rawValue ?? "decided") in one batch; u undoes it.")
            // Rows may have left the filter (status:pending): load the window and counts again.
            return refreshEffects(state)
        }
        // One key decision: advance to the next pending row.
        if let next = state.rows.indices.first(where: { $0 > state.selected && state.rows[$0].status == .pending }) {
            state.selected = next
            clampScroll(&state)
            return detailEffects(&state)
        }
        if let current = state.current, !state.atEnd {
            return [.advanceToPending(generation: state.generation, query: state.querySpec, after: state.rows.last ?? current)]
        }
        state.message = StatusMessage("No pending item after this one.")
        return detailEffects(&state)

    case let .editFinished(item, turns, baseVersion):
        guard let turns else {
            state.message = StatusMessage("Edit cancelled: the text was not changed.")
            return []
        }
        return [.saveEdit(item: item, turns: turns, baseVersion: baseVersion, reviewer: state.reviewer)]

    case let .previewLoaded(preview):
        // Drop results for an item the reviewer has left or a pane size that has changed.
        guard preview.request == wantedPreview(state) else { return [] }
        state.preview = preview
        return []

    case let .editSaved(item, version):
        state.message = StatusMessage("Edit saved as version \(version); the original is kept.")
        return item == state.current?.id ? [.loadDetail(item: item)] : []

    case let .editConflict(conflict):
        state.overlay = .conflict(conflict, scroll: 0)
        state.message = StatusMessage("\(conflict.theirs.reviewer ?? "Someone") saved this item while you edited it: choose a version.", isError: true)
        return []

    case let .histogramLoaded(generation, histogram):
        guard generation == state.generation else { return [] }
        histogramLoaded(&state, histogram)
        return []

    case let .scoreNamesLoaded(names):
        state.scoreNames = names
        if state.columns.isEmpty {
            let preferred = state.profile.columns.filter(names.contains)
            state.columns = preferred.isEmpty ? Array(names.prefix(3)) : Array(preferred.prefix(4))
        }
        guard state.rows.isEmpty, !state.loading else { return [] }
        // The first load, once the columns are known.
        state.loading = true
        state.counting = true
        return [
            .loadWindow(generation: state.generation, query: state.querySpec, anchor: .start, limit: windowLimit(state)),
            .count(generation: state.generation, query: state.querySpec),
        ]

    case let .info(text):
        state.message = StatusMessage(text)
        return state.current.map { [.loadDetail(item: $0.id)] } ?? []

    case let .failed(text):
        state.loading = false
        state.message = StatusMessage(text, isError: true)
        return []

    case .storeChanged:
        return refreshEffects(state)
    }
}

/// What to load when the workbench opens: score names, the first window, the counts.
public func startEffects(_ state: AppState) -> [Effect] {
    [.loadScoreNames]
}

// MARK: - Commands

/// The commands that change the store; while a change is being saved they wait, so the next
/// decision applies to the row the last one moves to.
let changeCommands: Set<Command> = [.accept, .reject, .skip, .undo, .redo, .edit, .editItem, .note, .bulkDecide]

func perform(_ state: inout AppState, _ command: Command) -> [Effect] {
    state.message = nil
    if state.saving, changeCommands.contains(command) {
        state.message = StatusMessage("Saving the last change…", isError: true)
        return []
    }
    switch command {
    case .moveDown: return move(&state, by: 1)
    case .moveUp: return move(&state, by: -1)
    case .pageDown: return move(&state, by: max(1, state.listHeight - 1))
    case .pageUp: return move(&state, by: -max(1, state.listHeight - 1))
    case .first:
        state.selected = 0
        state.top = 0
        if state.windowStart == 0 && !state.rows.isEmpty { return detailEffects(&state) }
        return [.loadWindow(generation: state.generation, query: state.querySpec, anchor: .start, limit: windowLimit(state))]
    case .last:
        if state.atEnd && !state.rows.isEmpty {
            state.selected = state.rows.count - 1
            clampScroll(&state)
            return detailEffects(&state)
        }
        state.selected = Int.max
        // The total is known unless a count is still running: then the end is counted too.
        let anchor: WindowAnchor = state.counting ? .end : .endOf(total: state.total)
        return [.loadWindow(generation: state.generation, query: state.querySpec, anchor: anchor, limit: windowLimit(state))]
    case .focusDetail:
        state.focus = .detail
        return []
    case .switchPane:
        state.focus = state.focus == .list ? .detail : .list
        return []
    case .scrollDetailDown:
        state.detailScroll += 1
        return []
    case .scrollDetailUp:
        state.detailScroll = max(0, state.detailScroll - 1)
        return []
    case .accept: return decide(&state, .accepted)
    case .reject: return decide(&state, .rejected)
    case .skip: return decide(&state, .skipped)
    case .undo: return [.undo(reviewer: state.reviewer)]
    case .redo: return [.redo(reviewer: state.reviewer)]
    case .edit, .editItem:
        guard let detail = state.detail, detail.id == state.current?.id else {
            state.message = StatusMessage("Nothing to edit here.", isError: true)
            return []
        }
        let turn = command == .edit ? focusedTurn(state, detail) : nil
        return [.openEditor(item: detail, turn: turn)]
    case .note:
        guard state.current != nil else { return [] }
        state.prompt = Prompt(purpose: .note, label: "note: ")
        return []
    case .search:
        state.prompt = Prompt(purpose: .search, label: "/", text: state.searchText ?? "")
        return []
    case .searchNext, .searchPrevious:
        guard let text = state.searchText else { return [] }
        return [.search(generation: state.generation, query: state.querySpec, text: text, from: state.current,
                        backward: command == .searchPrevious)]
    case .endSearch:
        state.searchText = nil
        state.message = StatusMessage("Search ended.")
        return []
    case .filter:
        state.prompt = Prompt(purpose: .filter, label: "filter: ", text: state.filterText)
        return []
    case .sort:
        var options = ["original", "-original", "status", "source", "model", "random:\(state.generation + 1)"]
        for name in state.scoreNames { options += ["-score.\(name)", "score.\(name)"] }
        state.overlay = .sortMenu(options: options, selected: options.firstIndex(of: state.sortText) ?? 0)
        return []
    case .toggleCaption:
        state.showCaption.toggle()
        return []
    case .help:
        state.overlay = .help(scroll: 0)
        return []
    case .commandLine:
        state.prompt = Prompt(purpose: .command, label: ":")
        return []
    case .refresh:
        return refreshEffects(state)
    case .quit:
        state.quitting = true
        return [.quit]
    case .previewFullscreen:
        guard state.current != nil else { return [] }
        state.overlay = .previewFullscreen
        return previewEffects(state)
    case .histogram: return openHistogram(&state)
    case .bulkDecide: return openBulk(&state)
    case .chooseColumns: return openColumns(&state)
    }
}

/// Moves the selection, loading more rows when it nears an edge of the window.
func move(_ state: inout AppState, by delta: Int) -> [Effect] {
    guard !state.rows.isEmpty else { return [] }
    let target = state.selected + delta
    state.selected = max(0, min(state.rows.count - 1, target))
    clampScroll(&state)
    var effects = detailEffects(&state)
    let margin = state.listHeight * 2
    if !state.loading, !state.atEnd, state.rows.count - state.selected <= margin, let last = state.rows.last {
        state.loading = true
        effects.insert(.loadAfter(generation: state.generation, query: state.querySpec, after: last, limit: windowLimit(state) / 2), at: 0)
    } else if !state.loading, state.windowStart > 0, state.selected < margin, let first = state.rows.first {
        state.loading = true
        effects.insert(.loadBefore(generation: state.generation, query: state.querySpec, before: first, limit: windowLimit(state) / 2), at: 0)
    }
    return effects
}

func decide(_ state: inout AppState, _ verdict: ItemStatus) -> [Effect] {
    guard let current = state.current else {
        state.message = StatusMessage("No item selected.", isError: true)
        return []
    }
    return [.decide(items: [current.id], verdict: verdict, reviewer: state.reviewer)]
}

/// The turn an `edit` applies to: the turn at the top of the detail pane when it has focus,
/// else the last answer.
func focusedTurn(_ state: AppState, _ detail: ItemDetail) -> Int? {
    guard !detail.turns.isEmpty else { return nil }
    if state.focus == .detail {
        let lines = DetailLines.build(detail, width: Layout(width: state.width, height: state.height).detail.width - 2,
                                      showCaption: state.showCaption)
        let line = min(state.detailScroll, max(0, lines.count - 1))
        if let turn = lines.prefix(line + 1).last(where: { $0.turn != nil })?.turn { return turn }
    }
    return detail.turns.lastIndex(where: { !$0.isHuman }) ?? detail.turns.count - 1
}

// MARK: - Keys for prompts and overlays

func handleKey(_ state: inout AppState, _ key: KeyPress, keymap: Keymap) -> [Effect] {
    if state.prompt != nil { return promptKey(&state, key) }
    if let overlay = state.overlay { return overlayKey(&state, overlay, key) }
    var contexts: [KeyContext] = []
    if state.searchText != nil { contexts.append(.search) }
    if state.focus == .detail { contexts.append(.detail) }
    contexts.append(.global)
    guard let command = keymap.command(for: key, contexts: contexts) else {
        if case .resize = key { return [] }
        state.message = StatusMessage("\(key) is not bound to anything; ? shows the keys.")
        return []
    }
    return perform(&state, command)
}

func overlayKey(_ state: inout AppState, _ overlay: Overlay, _ key: KeyPress) -> [Effect] {
    switch overlay {
    case let .help(scroll):
        switch key {
        case .char("j"), .down: state.overlay = .help(scroll: scroll + 1)
        case .char("k"), .up: state.overlay = .help(scroll: max(0, scroll - 1))
        case .pageDown, .char(" "): state.overlay = .help(scroll: scroll + max(1, state.height - 4))
        case .pageUp: state.overlay = .help(scroll: max(0, scroll - max(1, state.height - 4)))
        default: state.overlay = nil
        }
        return []
    case .previewFullscreen:
        state.overlay = nil
        return previewEffects(state)
    case let .histogram(view): return histogramKey(&state, view, key)
    case let .conflict(conflict, scroll): return conflictKey(&state, conflict, scroll: scroll, key)
    case let .bulk(confirmation): return bulkKey(&state, confirmation, key)
    case let .columns(chooser): return columnsKey(&state, chooser, key)
    case let .scoreMenu(options, selected):
        switch key {
        case .char("j"), .down: state.overlay = .scoreMenu(options: options, selected: min(options.count - 1, selected + 1))
        case .char("k"), .up: state.overlay = .scoreMenu(options: options, selected: max(0, selected - 1))
        case .enter: return showHistogram(&state, score: options[selected])
        default: state.overlay = nil
        }
        return []
    case let .sortMenu(options, selected):
        switch key {
        case .char("j"), .down: state.overlay = .sortMenu(options: options, selected: min(options.count - 1, selected + 1))
        case .char("k"), .up: state.overlay = .sortMenu(options: options, selected: max(0, selected - 1))
        case .enter:
            state.overlay = nil
            return applyQuery(&state, filter: state.filterText, sort: options[selected])
        case .char("/"), .char(":"):
            state.overlay = nil
            state.prompt = Prompt(purpose: .sort, label: "sort: ", text: state.sortText)
        default:
            state.overlay = nil
        }
        return []
    }
}

func promptKey(_ state: inout AppState, _ key: KeyPress) -> [Effect] {
    guard var prompt = state.prompt else { return [] }
    switch key {
    case .escape:
        state.prompt = nil
        state.message = StatusMessage("Cancelled.")
        return []
    case .enter:
        state.prompt = nil
        return submit(&state, prompt)
    default:
        _ = prompt.edit(key)
    }
    prompt.error = nil
    state.prompt = prompt
    return []
}

func submit(_ state: inout AppState, _ prompt: Prompt) -> [Effect] {
    let text = prompt.text
    switch prompt.purpose {
    case .filter:
        return applyQuery(&state, filter: text, sort: state.sortText, reopen: prompt)
    case .sort:
        return applyQuery(&state, filter: state.filterText, sort: text, reopen: prompt)
    case .search:
        guard !text.isEmpty else {
            state.searchText = nil
            return []
        }
        state.searchText = text
        return [.search(generation: state.generation, query: state.querySpec, text: text, from: state.current, backward: false)]
    case .note:
        guard let current = state.current, !text.isEmpty else { return [] }
        return [.note(item: current.id, text: text, reviewer: state.reviewer)]
    case .command:
        return runCommandLine(&state, text)
    }
}

/// Checks a filter and sort, and switches to them; on an error the old ones stay and the
/// prompt reopens with the error under it.
func applyQuery(_ state: inout AppState, filter: String, sort: String, reopen: Prompt? = nil) -> [Effect] {
    do {
        _ = try ItemQuery(filter: filter, sort: try SortKey(parsing: sort), thresholds: state.profile.thresholds)
    } catch {
        var again = reopen ?? Prompt(purpose: .filter, label: "filter: ", text: filter)
        again.error = "\(error)"
        state.prompt = again
        state.message = StatusMessage("\(error)", isError: true)
        return []
    }
    state.filterText = filter
    state.sortText = sort
    state.generation += 1
    state.rows = []
    state.selected = 0
    state.top = 0
    state.windowStart = 0
    state.atEnd = false
    state.loading = true
    state.counting = true
    state.detail = nil
    return [
        .loadWindow(generation: state.generation, query: state.querySpec, anchor: .start, limit: windowLimit(state)),
        .count(generation: state.generation, query: state.querySpec),
    ]
}

/// `:` commands: filter, sort, save, load, goto, reviewer, help, quit.
func runCommandLine(_ state: inout AppState, _ line: String) -> [Effect] {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    let parts = trimmed.split(separator: " ", maxSplits: 1).map(String.init)
    guard let verb = parts.first else { return [] }
    let argument = parts.count > 1 ? parts[1] : ""
    switch verb {
    case "filter", "f": return applyQuery(&state, filter: argument, sort: state.sortText)
    case "sort", "o": return applyQuery(&state, filter: state.filterText, sort: argument.isEmpty ? "original" : argument)
    case "save":
        guard !argument.isEmpty else {
            state.message = StatusMessage("Usage: :save NAME", isError: true)
            return []
        }
        return [.saveView(name: argument, query: state.querySpec, reviewer: state.reviewer)]
    case "load", "view":
        guard !argument.isEmpty else {
            state.message = StatusMessage("Usage: :load NAME", isError: true)
            return []
        }
        return [.loadView(name: argument)]
    case "goto", "item":
        guard let id = Int64(argument) else {
            state.message = StatusMessage("Usage: :goto ITEM (Winnow's item id)", isError: true)
            return []
        }
        return applyQuery(&state, filter: state.filterText, sort: state.sortText).map { effect in
            if case let .loadWindow(generation, query, _, limit) = effect {
                return .loadWindow(generation: generation, query: query, anchor: .item(id), limit: limit)
            }
            return effect
        }
    case "help": return perform(&state, .help)
    case "q", "quit": return perform(&state, .quit)
    default:
        if let command = Command(rawValue: verb) { return perform(&state, command) }
        state.message = StatusMessage("Unknown command '\(verb)'. Try :filter, :sort, :save, :load, :goto, :help, :quit or any command name from ?.", isError: true)
        return []
    }
}

// MARK: - Helpers

extension AppState {
    /// The current filter and sort as the engine takes them.
    public var querySpec: QuerySpec { QuerySpec(filter: filterText, sort: sortText, columns: columns) }
}

func windowLimit(_ state: AppState) -> Int { max(60, state.listHeight * windowPages) }

/// Loads the detail of the selected row when it is not the one shown, and its preview.
func detailEffects(_ state: inout AppState) -> [Effect] {
    guard let current = state.current else {
        state.detail = nil
        return []
    }
    let preview = previewEffects(state)
    if state.detail?.id == current.id { return preview }
    return [.loadDetail(item: current.id)] + preview
}

/// How many rows ahead of the selection get their previews rendered in advance.
let previewPrefetch = 3

/// The cells a preview may fill: the preview pane less its title and caption lines, or the
/// whole screen less the caption line when the preview is full screen.
func previewArea(_ state: AppState) -> (columns: Int, rows: Int) {
    if state.overlay == .previewFullscreen { return (state.width, max(0, state.height - 1)) }
    let layout = Layout(width: state.width, height: state.height)
    guard !layout.tooSmall else { return (0, 0) }
    return (max(0, layout.preview.width - 2), max(0, layout.preview.height - 2))
}

/// The preview request for a row at the current preview area.
func previewRequest(_ state: AppState, _ row: ItemRow) -> PreviewRequest {
    let settings = state.previewSettings
    let (columns, rows) = settings.enabled ? previewArea(state) : (0, 0)
    return PreviewRequest(item: row.id, image: row.image, imageRoot: row.imageRoot, columns: columns, rows: rows,
                          colors: settings.colors, cellAspect: settings.cellAspect, graphics: settings.graphics,
                          cellPixels: settings.cellPixels)
}

/// The preview the screen should show now.
func wantedPreview(_ state: AppState) -> PreviewRequest? {
    state.current.map { previewRequest(state, $0) }
}

/// Asks for the selected item's preview (unless it is the one shown) and the next few ahead.
func previewEffects(_ state: AppState) -> [Effect] {
    guard let wanted = wantedPreview(state) else { return [] }
    if state.preview?.request == wanted { return [] }
    let ahead = state.rows.dropFirst(state.selected + 1).prefix(previewPrefetch)
    let behind = state.selected > 0 ? [state.rows[state.selected - 1]] : []
    let prefetch = (Array(ahead) + behind).filter { $0.image != nil }.map { previewRequest(state, $0) }
    return [.preview(wanted: wanted, prefetch: prefetch)]
}

/// Reloads the window around the selected item and the counts (after another process wrote).
func refreshEffects(_ state: AppState) -> [Effect] {
    guard let current = state.current else {
        return [.loadWindow(generation: state.generation, query: state.querySpec, anchor: .start, limit: windowLimit(state)),
                .count(generation: state.generation, query: state.querySpec)]
    }
    return [
        .loadWindow(generation: state.generation, query: state.querySpec,
                    anchor: .itemAt(current.id, position: state.windowStart + state.selected), limit: windowLimit(state)),
        .count(generation: state.generation, query: state.querySpec),
        .locate(generation: state.generation, query: state.querySpec, item: current.id),
        .loadDetail(item: current.id),
    ]
}

/// Keeps the selection on screen.
func clampScroll(_ state: inout AppState) {
    let height = max(1, state.listHeight)
    if state.selected < state.top { state.top = state.selected }
    if state.selected >= state.top + height { state.top = state.selected - height + 1 }
    state.top = max(0, min(state.top, max(0, state.rows.count - height)))
}

/// Drops rows far above the selection so memory stays bounded however far one scrolls.
func trimFront(_ state: inout AppState) {
    let limit = windowLimit(state) * 2
    guard state.rows.count > limit else { return }
    let drop = min(state.rows.count - limit, max(0, state.top - state.listHeight))
    guard drop > 0 else { return }
    state.rows.removeFirst(drop)
    state.windowStart += drop
    state.selected -= drop
    state.top -= drop
}

/// Drops rows far below the selection.
func trimBack(_ state: inout AppState) {
    let limit = windowLimit(state) * 2
    guard state.rows.count > limit else { return }
    let keep = max(limit, state.top + state.listHeight * 2)
    guard keep < state.rows.count else { return }
    state.rows.removeLast(state.rows.count - keep)
    state.atEnd = false
}
