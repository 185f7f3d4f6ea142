import WinnowCore

/// The pairwise view's one place state changes: an action in, the new state and the effects
/// out. Pure: no I/O, no clock, no randomness (the blind order comes from the plan's seed).
public func compareUpdate(_ state: inout CompareState, _ action: CompareAction, keymap: Keymap = .default) -> [CompareEffect] {
    switch action {
    case let .command(command):
        return comparePerform(&state, command)

    case let .key(key):
        return compareKey(&state, key, keymap: keymap)

    case let .resized(width, height):
        state.width = width
        state.height = height
        clampCompareScroll(&state)
        return comparePreviewEffects(&state)

    case let .judged(key, verdict):
        state.verdicts[key] = verdict
        let label = state.pairs.pairs.first { $0.key == key.question }?.key.label ?? key.question.label
        guard let current = state.current, state.key(current) == key else { return [] }
        let said = verdict == .skip ? "Skipped question \(label); it comes back after the others."
                                    : "Saved: \(verdictText(verdict)) on question \(label)."
        guard let next = state.nextOpen(after: state.position) else {
            state.message = StatusMessage(said + " Every pair is judged: q quits, winnow compare --report sums up.")
            return []
        }
        state.message = StatusMessage(said)
        return moveCompare(&state, to: next)

    case let .undone(undone):
        guard let undone else {
            state.message = StatusMessage("Nothing to undo in this comparison.")
            return []
        }
        state.verdicts[undone.key] = undone.restored
        state.message = StatusMessage("Undone: your \(verdictText(undone.undone)) on question \(undone.key.question.label)"
                                      + (undone.restored.map { "; your earlier \(verdictText($0)) counts again." } ?? "."))
        guard let index = state.showings.firstIndex(where: { state.key($0) == undone.key }) else { return [] }
        let effects = moveCompare(&state, to: index)
        if !state.canReveal, let pair = state.currentPair { state.revealed.remove(pair.key) }
        return effects

    case let .noted(key):
        state.notes[key, default: 0] += 1
        state.message = StatusMessage("Note saved.")
        return []

    case let .previewLoaded(preview):
        guard preview.request == comparePreviewRequest(state) else { return [] }
        state.preview = preview
        return []

    case let .failed(text):
        state.message = StatusMessage(text, isError: true)
        return []
    }
}

/// What to do when the view opens: load the first preview.
public func compareStartEffects(_ state: inout CompareState) -> [CompareEffect] {
    comparePreviewEffects(&state)
}

/// How a verdict reads in messages.
func verdictText(_ verdict: PairVerdict) -> String {
    switch verdict {
    case .left: return "left answer better"
    case .right: return "right answer better"
    case .tie: return "tie"
    case .skip: return "skip"
    }
}

func comparePerform(_ state: inout CompareState, _ command: PairCommand) -> [CompareEffect] {
    state.message = nil
    switch command {
    case .leftBetter: return judge(&state, .left)
    case .rightBetter: return judge(&state, .right)
    case .tie: return judge(&state, .tie)
    case .skip:
        guard let current = state.current else { return [] }
        if state.verdict(current) == nil { return judge(&state, .skip) }
        guard let next = state.nextOpen(after: state.position) else {
            state.message = StatusMessage("Every other pair is judged.")
            return []
        }
        return moveCompare(&state, to: next)
    case .undo:
        return [.undo(reviewer: state.reviewer, modelA: state.pairs.modelA, modelB: state.pairs.modelB)]
    case .note:
        guard state.current != nil else { return [] }
        state.prompt = Prompt(purpose: .note, label: "note: ")
        return []
    case .revealModels:
        guard let pair = state.currentPair else { return [] }
        if state.namesShown {
            state.revealed.remove(pair.key)
            state.message = StatusMessage("Model names hidden.")
            return []
        }
        guard state.canReveal else {
            let both = state.showings.filter { $0.pair == state.current?.pair }.count > 1
            state.message = StatusMessage(both ? "Judge both orders of this pair first (the other comes later); the names stay hidden until then."
                                               : "Judge this pair first; the names stay hidden until then.", isError: true)
            return []
        }
        state.revealed.insert(pair.key)
        let models = currentModels(state)
        state.message = StatusMessage("Answer 1: \(models.left) · answer 2: \(models.right).")
        return []
    case .toggleCaption:
        state.showCaption.toggle()
        clampCompareScroll(&state)
        return []
    case .nextPane, .previousPane:
        let panes = ComparePane.allCases
        let step = command == .nextPane ? 1 : panes.count - 1
        state.focus = panes[(state.focus.rawValue + step) % panes.count]
        return []
    case .scrollDown: return scrollCompare(&state, by: 1)
    case .scrollUp: return scrollCompare(&state, by: -1)
    case .pageDown: return scrollCompare(&state, by: max(1, paneHeight(state, state.focus) - 1))
    case .pageUp: return scrollCompare(&state, by: -max(1, paneHeight(state, state.focus) - 1))
    case .nextPair:
        guard state.position + 1 < state.showings.count else {
            state.message = StatusMessage("This is the last pair.")
            return []
        }
        return moveCompare(&state, to: state.position + 1)
    case .previousPair:
        guard state.position > 0 else {
            state.message = StatusMessage("This is the first pair.")
            return []
        }
        return moveCompare(&state, to: state.position - 1)
    case .help:
        state.help = 0
        return []
    case .refresh:
        state.preview = nil
        return comparePreviewEffects(&state)
    case .quit:
        state.quitting = true
        return [.quit]
    }
}

/// The models on the left and right of the current showing.
func currentModels(_ state: CompareState) -> (left: String, right: String) {
    guard let current = state.current else { return ("", "") }
    return current.leftIsA ? (state.pairs.modelA, state.pairs.modelB) : (state.pairs.modelB, state.pairs.modelA)
}

func judge(_ state: inout CompareState, _ verdict: PairVerdict) -> [CompareEffect] {
    guard let judged = state.currentJudged else {
        state.message = StatusMessage("There is no pair to judge.", isError: true)
        return []
    }
    return [.record(judged, verdict, reviewer: state.reviewer)]
}

/// Shows another showing: panes scrolled to the top, its preview requested.
func moveCompare(_ state: inout CompareState, to index: Int) -> [CompareEffect] {
    guard state.showings.indices.contains(index) else { return [] }
    state.position = index
    state.scroll = [0, 0, 0]
    return comparePreviewEffects(&state)
}

func paneHeight(_ state: CompareState, _ pane: ComparePane) -> Int {
    max(0, CompareLayout(width: state.width, height: state.height).rect(pane).height - 1)
}

func scrollCompare(_ state: inout CompareState, by delta: Int) -> [CompareEffect] {
    state.scroll[state.focus.rawValue] += delta
    clampCompareScroll(&state)
    return []
}

/// Keeps every pane's scroll within its text.
func clampCompareScroll(_ state: inout CompareState) {
    let layout = CompareLayout(width: state.width, height: state.height)
    for pane in ComparePane.allCases {
        let rect = layout.rect(pane)
        let lines = compareLines(state, pane: pane, width: rect.width - 2).count
        state.scroll[pane.rawValue] = max(0, min(state.scroll[pane.rawValue], lines - max(1, rect.height - 1)))
    }
}

/// The preview the current showing needs, for the current pane size.
public func comparePreviewRequest(_ state: CompareState) -> ComparePreviewRequest? {
    guard let pair = state.currentPair else { return nil }
    let area = CompareLayout(width: state.width, height: state.height).previewArea
    return ComparePreviewRequest(question: pair.key, image: pair.key.image, imageRoot: pair.imageRoot,
                                 columns: area.columns, rows: area.rows, colors: state.previewColors)
}

func comparePreviewEffects(_ state: inout CompareState) -> [CompareEffect] {
    guard let request = comparePreviewRequest(state) else {
        state.preview = nil
        return []
    }
    if state.preview?.request == request { return [] }
    if state.preview?.request.question != request.question { state.preview = nil }
    var prefetch: [ComparePreviewRequest] = []
    for index in [state.nextOpen(after: state.position), state.position + 1].compactMap({ $0 })
    where index != state.position && state.showings.indices.contains(index) {
        let pair = state.pairs.pairs[state.showings[index].pair]
        let ahead = ComparePreviewRequest(question: pair.key, image: pair.key.image, imageRoot: pair.imageRoot,
                                          columns: request.columns, rows: request.rows, colors: request.colors)
        if ahead != request && !prefetch.contains(ahead) { prefetch.append(ahead) }
    }
    return [.loadPreview(request, prefetch: prefetch)]
}

// MARK: - Keys

func compareKey(_ state: inout CompareState, _ key: KeyPress, keymap: Keymap) -> [CompareEffect] {
    if state.prompt != nil { return comparePromptKey(&state, key) }
    if let scroll = state.help {
        switch key {
        case .char("j"), .down: state.help = scroll + 1
        case .char("k"), .up: state.help = max(0, scroll - 1)
        case .resize: break
        default: state.help = nil
        }
        return []
    }
    guard let command = keymap.compareCommand(for: key) else {
        if case .resize = key { return [] }
        state.message = StatusMessage("\(key) does nothing here; ? shows the keys.")
        return []
    }
    return comparePerform(&state, command)
}

func comparePromptKey(_ state: inout CompareState, _ key: KeyPress) -> [CompareEffect] {
    guard var prompt = state.prompt else { return [] }
    switch key {
    case .escape:
        state.prompt = nil
        state.message = StatusMessage("Cancelled.")
        return []
    case .enter:
        state.prompt = nil
        let text = prompt.text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, let judged = state.currentJudged else { return [] }
        return [.note(judged, text: text, reviewer: state.reviewer)]
    default:
        _ = prompt.edit(key)
    }
    state.prompt = prompt
    return []
}
