import Foundation
import WinnowCore

/// Draws the whole screen for a state. Pure: the same state and theme give the same cells.
public func render(_ state: AppState, theme: Theme, keymap: Keymap = .default, into screen: inout ScreenBuffer) {
    screen.clear(style: theme.style(.normal))
    let layout = Layout(width: screen.width, height: screen.height)
    if layout.tooSmall {
        renderTooSmall(state, theme: theme, into: &screen)
        return
    }
    renderList(state, theme: theme, rect: layout.list, into: &screen)
    renderDetail(state, theme: theme, rect: layout.detail, into: &screen)
    renderPreview(state, theme: theme, rect: layout.preview, into: &screen)
    renderSeparators(theme: theme, layout: layout, into: &screen)
    renderStatus(state, theme: theme, rect: layout.status, into: &screen)
    renderMessage(state, theme: theme, rect: layout.message, into: &screen)
    switch state.overlay {
    case let .help(scroll)?: renderHelp(scroll: scroll, theme: theme, keymap: keymap, into: &screen)
    case let .sortMenu(options, selected)?: renderMenu("Sort by", options: options, selected: selected, theme: theme, into: &screen)
    case .previewFullscreen?: renderPreviewFullscreen(state, theme: theme, into: &screen)
    case let .scoreMenu(options, selected)?: renderMenu("Histogram of", options: options, selected: selected, theme: theme, into: &screen)
    case let .histogram(view)?: renderHistogram(view, filter: state.filterText, theme: theme, into: &screen)
    case let .bulk(confirmation)?: renderBulk(confirmation, filter: state.filterText, theme: theme, into: &screen)
    case let .columns(chooser)?: renderColumns(chooser, theme: theme, into: &screen)
    case let .conflict(conflict, scroll)?: renderConflict(conflict, scroll: scroll, theme: theme, into: &screen)
    case nil: break
    }
}

func renderTooSmall(_ state: AppState, theme: Theme, into screen: inout ScreenBuffer) {
    let lines = [
        "Terminal too small: \(screen.width)x\(screen.height).",
        "Winnow needs at least \(Layout.minimumWidth)x\(Layout.minimumHeight).",
        "Enlarge the window, or press q to quit.",
    ]
    let top = max(0, (screen.height - lines.count) / 2)
    for (offset, line) in lines.enumerated() where top + offset < screen.height {
        let width = min(screen.width, TextWidth.of(line))
        screen.put(line, x: max(0, (screen.width - width) / 2), y: top + offset, maxWidth: screen.width,
                   style: theme.style(offset == 0 ? .statusError : .normal))
    }
}

func paneTitle(_ title: String, focused: Bool, theme: Theme, rect: Rect, into screen: inout ScreenBuffer) {
    screen.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, style: theme.style(focused ? .paneTitleFocused : .paneTitle))
    screen.put(" " + title, x: rect.x, y: rect.y, maxWidth: rect.width, style: theme.style(focused ? .paneTitleFocused : .paneTitle))
}

func renderList(_ state: AppState, theme: Theme, rect: Rect, into screen: inout ScreenBuffer) {
    let title = state.total > 0 || !state.rows.isEmpty ? "Items  \(grouped(state.position)) / \(state.totalText)" : "Items"
    paneTitle(title, focused: state.focus == .list, theme: theme, rect: rect, into: &screen)
    if !state.columns.isEmpty {
        // Name the score columns, right-aligned over them, when there is room.
        let names = "scores: " + visibleColumns(state, width: rect.width).joined(separator: ", ")
        let width = TextWidth.of(names)
        if TextWidth.of(title) + width + 4 <= rect.width {
            screen.put(names, x: rect.x + rect.width - width - 1, y: rect.y, maxWidth: width,
                       style: theme.style(state.focus == .list ? .paneTitleFocused : .paneTitle))
        }
    }
    let height = rect.height - 1
    guard height > 0 else { return }
    if state.rows.isEmpty {
        let text = state.loading ? "loading…" : (state.filterText.isEmpty ? "The store has no items. Import some with winnow import." : "No item matches this filter.")
        screen.put(text, x: rect.x + 1, y: rect.y + 1, maxWidth: rect.width - 1, style: theme.style(.dim))
        return
    }
    let scoreWidth = scoreColumnWidth
    let idWidth = min(16, max(6, rect.width / 5))
    let whoWidth = min(14, max(6, rect.width / 7))
    let columns = visibleColumns(state, width: rect.width)
    let scoresWidth = columns.isEmpty ? 0 : columns.count * scoreWidth
    for line in 0..<height {
        let index = state.top + line
        guard state.rows.indices.contains(index) else { break }
        let row = state.rows[index]
        let y = rect.y + 1 + line
        let isSelected = index == state.selected
        let base: Role = isSelected ? (state.focus == .list ? .listSelected : .listSelectedUnfocused) : .listRow
        let baseStyle = theme.style(base)
        screen.fill(x: rect.x, y: y, width: rect.width, height: 1, style: baseStyle)
        var x = rect.x
        let markRole: Role = switch row.status {
        case .pending: .verdictPending
        case .accepted: .verdictAccepted
        case .rejected: .verdictRejected
        case .skipped: .verdictSkipped
        }
        var markStyle = theme.style(markRole)
        if isSelected { markStyle.bg = baseStyle.bg; markStyle.reverse = baseStyle.reverse }
        x += screen.put(String(row.status.mark) + " ", x: x, y: y, maxWidth: 2, style: markStyle)
        let id = row.displayId
        screen.put(id, x: x, y: y, maxWidth: idWidth, style: baseStyle)
        x += idWidth + 1
        let who = row.model.flatMap { $0.isEmpty ? nil : $0 } ?? row.source
        if rect.width > 44 {
            screen.put(who, x: x, y: y, maxWidth: whoWidth, style: isSelected ? baseStyle : theme.style(.meta))
            x += whoWidth + 1
        }
        let snippetWidth = rect.x + rect.width - x - scoresWidth - (scoresWidth > 0 ? 1 : 0)
        if snippetWidth > 0 {
            let snippet = row.instruction.replacingOccurrences(of: "<image>", with: "")
                .split(whereSeparator: { $0.isNewline }).joined(separator: " ")
                .trimmingCharacters(in: .whitespaces)
            screen.put(snippet, x: x, y: y, maxWidth: snippetWidth, style: baseStyle)
        }
        var scoreX = rect.x + rect.width - scoresWidth
        for name in columns {
            if let value = row.scores[name] {
                var style = theme.style(scoreRole(name: name, value: value, profile: state.profile))
                if isSelected { style.bg = baseStyle.bg; style.reverse = baseStyle.reverse }
                let text = formatScore(value)
                let textWidth = min(scoreWidth - 1, TextWidth.of(text))
                screen.put(text, x: scoreX + scoreWidth - 1 - textWidth, y: y, maxWidth: scoreWidth - 1, style: style)
            }
            scoreX += scoreWidth
        }
    }
}

/// The cells of one score column: a value like `0.071` and a space.
let scoreColumnWidth = 6

/// The score columns that fit in a list pane `width` cells wide (the snippet keeps 12 cells).
func visibleColumns(_ state: AppState, width: Int) -> [String] {
    let idWidth = min(16, max(6, width / 5))
    let whoWidth = min(14, max(6, width / 7))
    let fixed = 2 + idWidth + 1 + (width > 44 ? whoWidth + 1 : 0) + 12 + 1
    return Array(state.columns.prefix(max(0, (width - fixed) / scoreColumnWidth)))
}

/// The colour role of a score: by the thresholds of the profile in use.
func scoreRole(name: String, value: Double, profile: ScoreProfile) -> Role {
    switch profile.level(name: name, value: value) {
    case .good: return .scoreGood
    case .warn: return .scoreWarn
    case .bad: return .scoreBad
    }
}

func renderDetail(_ state: AppState, theme: Theme, rect: Rect, into screen: inout ScreenBuffer) {
    paneTitle("Conversation", focused: state.focus == .detail, theme: theme, rect: rect, into: &screen)
    guard let detail = state.detail, rect.height > 1 else { return }
    let lines = DetailLines.build(detail, width: rect.width - 2, showCaption: state.showCaption)
    let height = rect.height - 1
    let scroll = min(state.detailScroll, max(0, lines.count - height))
    for (offset, line) in lines.dropFirst(scroll).prefix(height).enumerated() {
        screen.put(line.text, x: rect.x + 1 + line.indent, y: rect.y + 1 + offset,
                   maxWidth: rect.width - 1 - line.indent, style: theme.style(line.role))
    }
    if lines.count > height {
        let marker = "\(min(scroll + height, lines.count))/\(lines.count)"
        screen.put(marker, x: rect.x + rect.width - TextWidth.of(marker) - 1, y: rect.y,
                   maxWidth: TextWidth.of(marker), style: theme.style(state.focus == .detail ? .paneTitleFocused : .paneTitle))
    }
}

func renderPreview(_ state: AppState, theme: Theme, rect: Rect, into screen: inout ScreenBuffer) {
    paneTitle("Image", focused: false, theme: theme, rect: rect, into: &screen)
    guard let current = state.current, rect.height > 1 else { return }
    let area = Rect(x: rect.x + 1, y: rect.y + 1, width: rect.width - 2, height: rect.height - 2)
    let captionY = rect.y + rect.height - 1
    guard let preview = state.preview, preview.item == current.id else {
        // Not rendered yet: say what is coming.
        let text = current.image.map { "\($0)  (rendering…)" } ?? "text-only item: no image"
        for (offset, line) in Wrap.lines(text, width: max(1, area.width)).prefix(max(1, area.height)).enumerated() {
            screen.put(line, x: area.x, y: area.y + offset, maxWidth: area.width, style: theme.style(.dim))
        }
        return
    }
    drawPreview(preview, theme: theme, area: area, captionY: captionY, into: &screen)
}

/// Draws a preview's cells centred in `area` and its caption (or the reason there is no picture)
/// on the line `captionY`.
public func drawPreview(_ preview: PreviewState, theme: Theme, area: Rect, captionY: Int, into screen: inout ScreenBuffer) {
    if let image = preview.image, image.width > 0, image.height > 0 {
        let x0 = area.x + max(0, (area.width - image.width) / 2)
        let y0 = area.y + max(0, (area.height - image.height) / 2)
        for y in 0..<min(image.height, area.height) {
            screen.put(preview.screenCells, from: y * image.width, count: min(image.width, area.width), x: x0, y: y0 + y)
        }
    }
    if let caption = preview.caption {
        let flagged = preview.info?.extensionMatches == false
        let width = min(area.width, TextWidth.of(caption))
        screen.put(caption, x: area.x + max(0, (area.width - width) / 2), y: captionY, maxWidth: area.width,
                   style: theme.style(flagged ? .warning : .meta))
    } else if let problem = preview.problem {
        let text = problem == .noImage ? "text-only item: no image" : "⚠ cannot show the image: \(problem)"
        let lines = Wrap.lines(text, width: max(1, area.width))
        let top = area.y + max(0, (area.height - lines.count) / 2)
        for (offset, line) in lines.prefix(max(1, area.height)).enumerated() {
            let width = min(area.width, TextWidth.of(line))
            screen.put(line, x: area.x + max(0, (area.width - width) / 2), y: top + offset, maxWidth: area.width,
                       style: theme.style(problem == .noImage ? .dim : .warning))
        }
    }
}

/// Where a preview's graphics go: centred in the preview pane (or the whole screen when the
/// preview is full screen), as the cell of their top-left corner. Nil when no graphics are
/// to be shown now (none rendered, another item, or an overlay covers the pane).
public func graphicsPlacement(_ state: AppState) -> (x: Int, y: Int, graphics: GraphicsImage)? {
    guard let preview = state.preview, preview.item == state.current?.id, let graphics = preview.graphics,
          graphics.columns > 0, graphics.rows > 0 else { return nil }
    let area: Rect
    switch state.overlay {
    case nil:
        let layout = Layout(width: state.width, height: state.height)
        guard !layout.tooSmall else { return nil }
        area = Rect(x: layout.preview.x + 1, y: layout.preview.y + 1, width: layout.preview.width - 2,
                    height: layout.preview.height - 2)
    case .previewFullscreen?:
        area = Rect(x: 0, y: 0, width: state.width, height: state.height - 1)
    default:
        return nil
    }
    guard preview.request.columns == area.width, preview.request.rows == area.height else { return nil }
    return (area.x + max(0, (area.width - graphics.columns) / 2), area.y + max(0, (area.height - graphics.rows) / 2), graphics)
}

extension PreviewImage {
    /// The cells as the screen draws them: symbol and style, row by row.
    ///
    /// A space shows only its background, so it takes the foreground of the cell to its left:
    /// a run of same-coloured spaces, or a space after a symbol with that background, then
    /// needs no colour change on the terminal. In photos most cells are such spaces; this
    /// removes about a sixth of the colour changes a picture sends.
    public var screenCells: NarrowCells {
        var screen: [Cell] = []
        screen.reserveCapacity(cells.count)
        for (index, cell) in cells.enumerated() {
            var style = previewCellStyle(cell, colors: colors)
            if cell.character == " ", width > 0, index % width > 0 { style.fg = screen[index - 1].style.fg }
            screen.append(Cell(text: String(cell.character), style: style))
        }
        return NarrowCells(screen)
    }
}

/// The style of one preview cell: its colours as the preview's colour mode gives them.
func previewCellStyle(_ cell: PreviewCell, colors: PreviewColors) -> Style {
    func color(_ value: UInt32, isDefault: Bool) -> Color {
        if isDefault { return .default }
        switch colors {
        case .trueColor: return .rgb(UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF))
        case .indexed256: return value < 16 ? .ansi(UInt8(value)) : .indexed(UInt8(min(value, 255)))
        case .ansi16: return .ansi(UInt8(min(value, 15)))
        case .mono: return .default
        }
    }
    return Style(fg: color(cell.fg, isDefault: cell.fgDefault), bg: color(cell.bg, isDefault: cell.bgDefault))
}

/// The full-screen preview: the picture over the whole screen, the caption on the last line.
func renderPreviewFullscreen(_ state: AppState, theme: Theme, into screen: inout ScreenBuffer) {
    screen.clear(style: theme.style(.normal))
    let area = Rect(x: 0, y: 0, width: screen.width, height: screen.height - 1)
    if let preview = state.preview, preview.item == state.current?.id, preview.request.columns == area.width {
        drawPreview(preview, theme: theme, area: area, captionY: screen.height - 1, into: &screen)
    } else {
        screen.put("rendering…", x: 1, y: 0, maxWidth: screen.width - 1, style: theme.style(.dim))
    }
    let hint = " any key returns "
    screen.put(hint, x: max(0, screen.width - TextWidth.of(hint)), y: screen.height - 1, maxWidth: TextWidth.of(hint),
               style: theme.style(.dim))
}

func renderSeparators(theme: Theme, layout: Layout, into screen: inout ScreenBuffer) {
    let style = theme.style(.paneBorder)
    for rect in [layout.detail, layout.preview] where rect.x > 0 {
        for y in rect.y..<(rect.y + rect.height) {
            screen.put("│", x: rect.x - 1, y: y, maxWidth: 1, style: style)
        }
    }
}

func renderStatus(_ state: AppState, theme: Theme, rect: Rect, into screen: inout ScreenBuffer) {
    let style = theme.style(.statusBar)
    screen.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, style: style)
    var parts: [String] = []
    parts.append("\(grouped(state.position))/\(state.totalText)")
    parts.append(ItemStatus.allCases.map { "\($0.mark)\(grouped(state.counts[$0] ?? 0))" }.joined(separator: " "))
    parts.append("filter: " + (state.filterText.isEmpty ? "all" : state.filterText))
    parts.append("sort: " + state.sortText)
    if let search = state.searchText { parts.append("search: \(search) (n/N, esc)") }
    let left = " " + parts.joined(separator: " │ ")
    let right = state.reviewer + " "
    let rightWidth = TextWidth.of(right)
    screen.put(left, x: rect.x, y: rect.y, maxWidth: max(0, rect.width - rightWidth - 1), style: style)
    if rect.width > rightWidth { screen.put(right, x: rect.x + rect.width - rightWidth, y: rect.y, maxWidth: rightWidth, style: style) }
}

func renderMessage(_ state: AppState, theme: Theme, rect: Rect, into screen: inout ScreenBuffer) {
    if let prompt = state.prompt {
        let labelWidth = screen.put(prompt.label, x: rect.x, y: rect.y, maxWidth: rect.width, style: theme.style(.prompt))
        let available = rect.width - labelWidth - 1
        // Keep the cursor visible: show the tail of long input.
        var text = prompt.text
        while TextWidth.of(text) > available, !text.isEmpty { text.removeFirst() }
        screen.put(text, x: rect.x + labelWidth, y: rect.y, maxWidth: available, style: theme.style(.normal))
        if let error = prompt.error {
            // The error replaces the status line, so the prompt stays editable below it.
            let statusY = rect.y - 1
            screen.fill(x: rect.x, y: statusY, width: rect.width, height: 1, style: theme.style(.statusError))
            screen.put(" " + error, x: rect.x, y: statusY, maxWidth: rect.width, style: theme.style(.statusError))
        }
        return
    }
    if let message = state.message {
        screen.put(message.text, x: rect.x, y: rect.y, maxWidth: rect.width,
                   style: theme.style(message.isError ? .statusError : .statusMessage))
    } else {
        let hint = "a accept  r reject  s skip  u undo  e edit  / search  f filter  o sort  ? keys  q quit"
        screen.put(hint, x: rect.x, y: rect.y, maxWidth: rect.width, style: theme.style(.dim))
    }
}

/// A centred box with a title, for overlays.
func box(_ title: String, width: Int, height: Int, theme: Theme, into screen: inout ScreenBuffer) -> Rect {
    let width = min(width, screen.width - 2)
    let height = min(height, screen.height - 2)
    let x = (screen.width - width) / 2
    let y = (screen.height - height) / 2
    let border = theme.style(.paneBorder)
    screen.fill(x: x, y: y, width: width, height: height, style: theme.style(.normal))
    screen.put("┌" + String(repeating: "─", count: max(0, width - 2)) + "┐", x: x, y: y, maxWidth: width, style: border)
    for row in (y + 1)..<(y + height - 1) {
        screen.put("│", x: x, y: row, maxWidth: 1, style: border)
        screen.put("│", x: x + width - 1, y: row, maxWidth: 1, style: border)
    }
    screen.put("└" + String(repeating: "─", count: max(0, width - 2)) + "┘", x: x, y: y + height - 1, maxWidth: width, style: border)
    screen.put(" \(title) ", x: x + 2, y: y, maxWidth: width - 4, style: theme.style(.paneTitleFocused))
    return Rect(x: x + 2, y: y + 1, width: width - 4, height: height - 2)
}

func renderHelp(scroll: Int, theme: Theme, keymap: Keymap, into screen: inout ScreenBuffer) {
    var lines: [(String, String, Bool)] = []
    var group = ""
    for entry in keymap.helpLines() {
        if entry.command.group != group {
            group = entry.command.group
            if !lines.isEmpty { lines.append(("", "", false)) }
            lines.append((group, "", true))
        }
        lines.append((entry.keys, entry.command.summary, false))
    }
    let inner = box("Keys (j/k scroll, any other key closes)", width: 76, height: screen.height - 2, theme: theme, into: &screen)
    let keyWidth = 18
    let start = min(scroll, max(0, lines.count - inner.height))
    for (offset, line) in lines.dropFirst(start).prefix(inner.height).enumerated() {
        let y = inner.y + offset
        if line.2 {
            screen.put(line.0, x: inner.x, y: y, maxWidth: inner.width, style: theme.style(.paneTitle))
        } else {
            screen.put(line.0, x: inner.x, y: y, maxWidth: keyWidth, style: theme.style(.helpKey))
            screen.put(line.1, x: inner.x + keyWidth, y: y, maxWidth: inner.width - keyWidth, style: theme.style(.helpText))
        }
    }
}

func renderMenu(_ title: String, options: [String], selected: Int, theme: Theme, into screen: inout ScreenBuffer) {
    let inner = box("\(title) (enter picks, / types one)", width: 48, height: min(options.count + 2, screen.height - 2), theme: theme, into: &screen)
    let start = max(0, min(selected - inner.height / 2, options.count - inner.height))
    for (offset, option) in options.dropFirst(start).prefix(inner.height).enumerated() {
        let index = start + offset
        let style = theme.style(index == selected ? .listSelected : .listRow)
        screen.fill(x: inner.x, y: inner.y + offset, width: inner.width, height: 1, style: style)
        screen.put(option, x: inner.x, y: inner.y + offset, maxWidth: inner.width, style: style)
    }
}
