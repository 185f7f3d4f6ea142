import WinnowCore

/// One line of a pane's text.
struct CompareLine: Equatable {
    var text: String
    var role: Role
    var indent: Int = 0
}

/// The lines of a pane at a width (wrapped, sanitised by ``Wrap``).
func compareLines(_ state: CompareState, pane: ComparePane, width: Int) -> [CompareLine] {
    guard let pair = state.currentPair, width > 4 else { return [] }
    var lines: [CompareLine] = []
    func wrapped(_ text: String, role: Role, indent: Int) {
        for line in Wrap.lines(text, width: max(1, width - indent)) {
            lines.append(CompareLine(text: line, role: role, indent: indent))
        }
    }
    switch pane {
    case .question:
        lines.append(CompareLine(text: "INSTRUCTION", role: .roleHuman))
        wrapped(pair.instruction.isEmpty ? "(no instruction)" : pair.instruction, role: .normal, indent: 2)
        lines.append(CompareLine(text: "", role: .normal))
        if state.showCaption {
            lines.append(CompareLine(text: "CAPTION", role: .caption))
            wrapped(pair.caption ?? "(this question has no caption)", role: .caption, indent: 2)
        } else {
            lines.append(CompareLine(text: pair.caption == nil ? "(no caption)" : "c shows the caption", role: .dim))
        }
        if let current = state.current, let count = state.notes[state.key(current)], count > 0 {
            lines.append(CompareLine(text: "", role: .normal))
            lines.append(CompareLine(text: "\(count) note\(count == 1 ? "" : "s") of yours on this pair", role: .meta))
        }
    case .left, .right:
        guard let current = state.current else { return [] }
        let leftText = current.leftIsA ? pair.answerA : pair.answerB
        let rightText = current.leftIsA ? pair.answerB : pair.answerA
        // Surrounding white space is dropped: some models lead every answer with a space,
        // which would tell a blind reviewer who wrote it.
        let text = (pane == .left ? leftText : rightText).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            lines.append(CompareLine(text: "(empty answer)", role: .warning))
        } else {
            wrapped(text, role: .normal, indent: 0)
        }
    }
    return lines
}

/// Draws the pairwise view for a state. Pure: the same state and theme give the same cells.
public func compareRender(_ state: CompareState, theme: Theme, keymap: Keymap = .default, into screen: inout ScreenBuffer) {
    screen.clear(style: theme.style(.normal))
    let layout = CompareLayout(width: screen.width, height: screen.height)
    if layout.tooSmall {
        let lines = ["Terminal too small: \(screen.width)x\(screen.height).",
                     "The pairwise view needs at least \(CompareLayout.minimumWidth)x\(CompareLayout.minimumHeight).",
                     "Enlarge the window, or press q to quit."]
        let top = max(0, (screen.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            let width = min(screen.width, TextWidth.of(line))
            screen.put(line, x: max(0, (screen.width - width) / 2), y: top + offset, maxWidth: screen.width,
                       style: theme.style(offset == 0 ? .statusError : .normal))
        }
        return
    }
    guard let current = state.current, let pair = state.currentPair else {
        comparePaneTitle("Nothing to compare", focused: false, theme: theme, rect: layout.question, into: &screen)
        screen.put("No question has an answer from both models.", x: 1, y: 1, maxWidth: screen.width - 2, style: theme.style(.dim))
        renderCompareStatus(state, theme: theme, rect: layout.status, into: &screen)
        renderCompareMessage(state, theme: theme, keymap: keymap, rect: layout.message, into: &screen)
        return
    }
    var title = "Question \(pair.key.label) · pair \(state.position + 1)/\(state.showings.count)"
    if state.bothOrders { title += " · order \(current.order + 1)/2" }
    renderComparePane(state, pane: .question, title: title, badge: nil, theme: theme, rect: layout.question, into: &screen)

    let verdict = state.verdict(current)
    let models = currentModels(state)
    let names = state.namesShown
    let sides: [(ComparePane, String, String, PairVerdict)] = [
        (.left, layout.sideBySide ? "Left answer (1)" : "First answer (1)", models.left, .left),
        (.right, layout.sideBySide ? "Right answer (2)" : "Second answer (2)", models.right, .right),
    ]
    for (pane, label, model, side) in sides {
        let badge: (String, Role)?
        switch verdict {
        case side?: badge = ("✓ better", .verdictAccepted)
        case .tie?: badge = ("= tie", .verdictSkipped)
        default: badge = nil
        }
        renderComparePane(state, pane: pane, title: names ? "\(label) · \(model)" : label, badge: badge, theme: theme,
                          rect: layout.rect(pane), into: &screen)
    }
    renderCompareImage(state, theme: theme, rect: layout.image, into: &screen)

    let border = theme.style(.paneBorder)
    for y in layout.image.y..<(layout.image.y + layout.image.height) {
        screen.put("│", x: layout.image.x - 1, y: y, maxWidth: 1, style: border)
    }
    if layout.sideBySide {
        for y in layout.right.y..<(layout.right.y + layout.right.height) {
            screen.put("│", x: layout.right.x - 1, y: y, maxWidth: 1, style: border)
        }
    }
    renderCompareStatus(state, theme: theme, rect: layout.status, into: &screen)
    renderCompareMessage(state, theme: theme, keymap: keymap, rect: layout.message, into: &screen)
    if let scroll = state.help { renderCompareHelp(scroll: scroll, theme: theme, keymap: keymap, into: &screen) }
}

func comparePaneTitle(_ title: String, focused: Bool, theme: Theme, rect: Rect, into screen: inout ScreenBuffer) {
    let style = theme.style(focused ? .paneTitleFocused : .paneTitle)
    screen.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, style: style)
    screen.put(" " + title, x: rect.x, y: rect.y, maxWidth: rect.width, style: style)
}

func renderComparePane(_ state: CompareState, pane: ComparePane, title: String, badge: (String, Role)?, theme: Theme,
                       rect: Rect, into screen: inout ScreenBuffer) {
    guard rect.height > 0, rect.width > 0 else { return }
    let focused = state.focus == pane
    comparePaneTitle(title, focused: focused, theme: theme, rect: rect, into: &screen)
    let lines = compareLines(state, pane: pane, width: rect.width - 2)
    let height = rect.height - 1
    let scroll = min(state.scroll[pane.rawValue], max(0, lines.count - height))
    for (offset, line) in lines.dropFirst(scroll).prefix(height).enumerated() {
        screen.put(line.text, x: rect.x + 1 + line.indent, y: rect.y + 1 + offset, maxWidth: rect.width - 2 - line.indent,
                   style: theme.style(line.role))
    }
    var right = rect.x + rect.width - 2
    if lines.count > height {
        let marker = "\(min(scroll + height, lines.count))/\(lines.count)"
        let width = TextWidth.of(marker)
        right -= width
        screen.put(marker, x: right, y: rect.y, maxWidth: width, style: theme.style(focused ? .paneTitleFocused : .paneTitle))
        right -= 2
    }
    if let (text, role) = badge {
        let width = TextWidth.of(text)
        var style = theme.style(role)
        let titleStyle = theme.style(focused ? .paneTitleFocused : .paneTitle)
        style.bg = titleStyle.bg
        style.reverse = titleStyle.reverse
        style.bold = true
        screen.put(text, x: right - width + 1, y: rect.y, maxWidth: width, style: style)
    }
}

func renderCompareImage(_ state: CompareState, theme: Theme, rect: Rect, into screen: inout ScreenBuffer) {
    comparePaneTitle("Image", focused: false, theme: theme, rect: rect, into: &screen)
    guard rect.height > 1 else { return }
    guard let preview = state.preview else {
        screen.put("loading…", x: rect.x + 1, y: rect.y + 1, maxWidth: rect.width - 2, style: theme.style(.dim))
        return
    }
    var captionY = rect.y + 1
    if let image = preview.image, image.width > 0, image.height > 0 {
        let left = rect.x + 1 + max(0, (rect.width - 2 - image.width) / 2)
        for y in 0..<min(image.height, rect.height - 2) {
            screen.put(preview.screenCells, from: y * image.width, count: min(image.width, rect.width - 2), x: left, y: rect.y + 1 + y)
        }
        captionY = rect.y + 1 + min(image.height, rect.height - 2)
    }
    for line in Wrap.lines(preview.caption, width: max(1, rect.width - 2)) where captionY < rect.y + rect.height {
        screen.put(line, x: rect.x + 1, y: captionY, maxWidth: rect.width - 2, style: theme.style(preview.problem ? .warning : .meta))
        captionY += 1
    }
}

func renderCompareStatus(_ state: CompareState, theme: Theme, rect: Rect, into screen: inout ScreenBuffer) {
    let style = theme.style(.statusBar)
    screen.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, style: style)
    // Most important first; what does not fit is left out whole.
    var parts = ["pair \(state.showings.isEmpty ? 0 : state.position + 1)/\(state.showings.count)",
                 "judged \(state.judgedCount)", state.namesShown ? "names shown" : "blind",
                 "skipped \(state.skippedCount)"]
    if let current = state.current, let verdict = state.verdict(current) {
        parts.append("yours: \(verdictText(verdict))")
    }
    parts.append("seed \(state.plan.seed)")
    let right = state.reviewer + " "
    let rightWidth = TextWidth.of(right)
    let available = rect.width - rightWidth - 1
    var shown: [String] = []
    for part in parts {
        if !shown.isEmpty, TextWidth.of(" " + (shown + [part]).joined(separator: " │ ")) > available { break }
        shown.append(part)
    }
    let left = " " + shown.joined(separator: " │ ")
    screen.put(left, x: rect.x, y: rect.y, maxWidth: max(0, available), style: style)
    if rect.width > rightWidth + 20 {
        screen.put(right, x: rect.x + rect.width - rightWidth, y: rect.y, maxWidth: rightWidth, style: style)
    }
}

/// The key hint: the first key of each main command (answers are "first" and "second" when stacked).
func compareHint(_ keymap: Keymap, sideBySide: Bool) -> String {
    let entries: [(PairCommand, String)] = [
        (.leftBetter, sideBySide ? "left better" : "first better"), (.rightBetter, sideBySide ? "right better" : "second better"), (.tie, "tie"), (.skip, "skip"), (.undo, "undo"),
        (.note, "note"), (.toggleCaption, "caption"), (.revealModels, "names"), (.nextPane, "pane"), (.help, "keys"),
        (.quit, "quit"),
    ]
    return entries.compactMap { command, label in
        keymap.keys(for: command).first.map { "\($0) \(label)" }
    }.joined(separator: "  ")
}

func renderCompareMessage(_ state: CompareState, theme: Theme, keymap: Keymap, rect: Rect, into screen: inout ScreenBuffer) {
    if let prompt = state.prompt {
        let labelWidth = screen.put(prompt.label, x: rect.x, y: rect.y, maxWidth: rect.width, style: theme.style(.prompt))
        let available = rect.width - labelWidth - 1
        var text = prompt.text
        while TextWidth.of(text) > available, !text.isEmpty { text.removeFirst() }
        screen.put(text, x: rect.x + labelWidth, y: rect.y, maxWidth: available, style: theme.style(.normal))
        return
    }
    if let message = state.message {
        screen.put(message.text, x: rect.x, y: rect.y, maxWidth: rect.width,
                   style: theme.style(message.isError ? .statusError : .statusMessage))
    } else {
        let sideBySide = CompareLayout(width: screen.width, height: screen.height).sideBySide
        screen.put(compareHint(keymap, sideBySide: sideBySide), x: rect.x, y: rect.y, maxWidth: rect.width, style: theme.style(.dim))
    }
}

func renderCompareHelp(scroll: Int, theme: Theme, keymap: Keymap, into screen: inout ScreenBuffer) {
    let entries = PairCommand.allCases.map { command in
        (keymap.keys(for: command).map(\.description).joined(separator: ", "), command.summary)
    }
    let box = box("Keys of the pairwise view (j/k scroll, any other key closes)", width: min(screen.width - 2, 84),
                  height: min(screen.height - 2, entries.count + 2), theme: theme, into: &screen)
    let inner = box.height
    let start = min(scroll, max(0, entries.count - inner))
    let keyWidth = 16
    for (offset, entry) in entries.dropFirst(start).prefix(inner).enumerated() {
        screen.put(entry.0.isEmpty ? "—" : entry.0, x: box.x, y: box.y + offset, maxWidth: keyWidth - 1, style: theme.style(.helpKey))
        screen.put(entry.1, x: box.x + keyWidth, y: box.y + offset, maxWidth: box.width - keyWidth, style: theme.style(.helpText))
    }
}
