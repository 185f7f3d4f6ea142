import Foundation
import WinnowCore

/// The histogram view of one score over the current filter, with a threshold marker.
///
/// The marker sits on a bin edge, so the counts on either side are sums of whole bins and
/// equal what the filter it applies selects: bin `i` holds `lower <= v < upper`, and the
/// marker at edge `i` splits the values `< lower(i)` from those `>= lower(i)`.
public struct HistogramView: Equatable, Sendable {
    public var score: String
    /// Nil while it loads.
    public var histogram: Histogram?
    /// The bin whose lower edge is the threshold (0..<bins.count).
    public var marker = 0
    /// Enter keeps the items at or above the threshold (true) or below it.
    public var keepAbove = true

    public init(score: String, histogram: Histogram? = nil) {
        self.score = score
        self.histogram = histogram
    }

    /// The threshold value at the marker.
    public var threshold: Double? {
        guard let bins = histogram?.bins, bins.indices.contains(marker) else { return nil }
        return bins[marker].lower
    }

    /// Items below the threshold and at or above it.
    public var counts: (below: Int, above: Int) {
        guard let bins = histogram?.bins else { return (0, 0) }
        let below = bins.prefix(marker).reduce(0) { $0 + $1.count }
        let above = bins.dropFirst(marker).reduce(0) { $0 + $1.count }
        return (below, above)
    }

    /// The filter condition Enter adds: `score.NAME >= T` or `score.NAME < T`.
    public var condition: String? {
        threshold.map { "score.\(score) \(keepAbove ? ">=" : "<") \(filterNumber($0))" }
    }
}

/// A number as the filter language reads it back to the same value.
func filterNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return "\(value)"
}

/// The confirmation before a bulk decision.
public struct BulkConfirmation: Equatable, Sendable {
    public var verdict: ItemStatus
    /// Items matching the filter when the confirmation opened.
    public var count: Int
    /// A few of them, to look at before saying yes.
    public var sample: [ItemRow]

    public init(verdict: ItemStatus, count: Int, sample: [ItemRow]) {
        self.verdict = verdict
        self.count = count
        self.sample = sample
    }
}

/// The column chooser: every score name, the chosen ones ticked.
public struct ColumnChooser: Equatable, Sendable {
    public var names: [String]
    public var chosen: [String]
    public var selected = 0

    public init(names: [String], chosen: [String]) {
        self.names = names
        self.chosen = chosen
    }
}

/// How many bins the histogram view asks for.
let histogramBins = 40

// MARK: - Opening

/// `h`: a menu of the scores, then the histogram of the chosen one. With one score (or a
/// score sort), the histogram opens at once.
func openHistogram(_ state: inout AppState) -> [Effect] {
    guard !state.scoreNames.isEmpty else {
        state.message = StatusMessage("No scores in this store yet: run winnow score.", isError: true)
        return []
    }
    let sorted = state.sortText.replacingOccurrences(of: "-", with: "")
    if sorted.hasPrefix("score."), state.scoreNames.contains(String(sorted.dropFirst(6))) {
        return showHistogram(&state, score: String(sorted.dropFirst(6)))
    }
    let first = state.columns.first.flatMap { state.scoreNames.firstIndex(of: $0) } ?? 0
    state.overlay = .scoreMenu(options: state.scoreNames, selected: first)
    return []
}

func showHistogram(_ state: inout AppState, score: String) -> [Effect] {
    state.overlay = .histogram(HistogramView(score: score))
    return [.loadHistogram(generation: state.generation, query: state.querySpec, score: score, bins: histogramBins)]
}

/// `B`: confirm a bulk decision over the whole filter.
func openBulk(_ state: inout AppState) -> [Effect] {
    guard !state.counting else {
        state.message = StatusMessage("Still counting the items of this filter; try again in a moment.", isError: true)
        return []
    }
    guard state.total > 0, !state.rows.isEmpty else {
        state.message = StatusMessage("No item matches this filter: nothing to decide.", isError: true)
        return []
    }
    state.overlay = .bulk(BulkConfirmation(verdict: .rejected, count: state.total, sample: Array(state.rows.prefix(5))))
    return []
}

/// `C`: choose the list's score columns.
func openColumns(_ state: inout AppState) -> [Effect] {
    guard !state.scoreNames.isEmpty else {
        state.message = StatusMessage("No scores in this store yet: run winnow score.", isError: true)
        return []
    }
    state.overlay = .columns(ColumnChooser(names: state.scoreNames, chosen: state.columns))
    return []
}

// MARK: - Keys

func histogramKey(_ state: inout AppState, _ view: HistogramView, _ key: KeyPress) -> [Effect] {
    var view = view
    let bins = view.histogram?.bins.count ?? 0
    switch key {
    case .left, .char("h"): view.marker = max(0, view.marker - 1)
    case .right, .char("l"): view.marker = min(max(0, bins - 1), view.marker + 1)
    case .home: view.marker = 0
    case .end: view.marker = max(0, bins - 1)
    case .tab, .char("<"), .char(">"): view.keepAbove.toggle()
    case .enter:
        state.overlay = nil
        guard let condition = view.condition else { return [] }
        let filter = state.filterText.trimmingCharacters(in: .whitespaces).isEmpty
            ? condition : "(\(state.filterText)) and \(condition)"
        return applyQuery(&state, filter: filter, sort: state.sortText)
    case .escape, .char("q"):
        state.overlay = nil
        return []
    default:
        break
    }
    state.overlay = .histogram(view)
    return []
}

func bulkKey(_ state: inout AppState, _ confirmation: BulkConfirmation, _ key: KeyPress) -> [Effect] {
    var confirmation = confirmation
    switch key {
    case .char("a"): confirmation.verdict = .accepted
    case .char("r"): confirmation.verdict = .rejected
    case .char("s"): confirmation.verdict = .skipped
    case .char("y"), .char("Y"):
        state.overlay = nil
        state.message = StatusMessage("Recording \(grouped(confirmation.count)) decisions…")
        return [.bulkDecide(generation: state.generation, query: state.querySpec, verdict: confirmation.verdict,
                            reviewer: state.reviewer, expected: confirmation.count)]
    default:
        state.overlay = nil
        state.message = StatusMessage("Bulk decision cancelled: nothing was recorded.")
        return []
    }
    state.overlay = .bulk(confirmation)
    return []
}

func columnsKey(_ state: inout AppState, _ chooser: ColumnChooser, _ key: KeyPress) -> [Effect] {
    var chooser = chooser
    switch key {
    case .down, .char("j"): chooser.selected = min(chooser.names.count - 1, chooser.selected + 1)
    case .up, .char("k"): chooser.selected = max(0, chooser.selected - 1)
    case .char(" "), .char("x"):
        let name = chooser.names[chooser.selected]
        if let index = chooser.chosen.firstIndex(of: name) {
            chooser.chosen.remove(at: index)
        } else {
            chooser.chosen.append(name)
        }
    case .enter:
        state.overlay = nil
        guard chooser.chosen != state.columns else { return [] }
        state.columns = chooser.chosen
        state.message = StatusMessage(chooser.chosen.isEmpty ? "No score columns." : "Columns: \(chooser.chosen.joined(separator: ", ")).")
        // Rows carry the scores of the columns: load the window again around the selection.
        let anchor: WindowAnchor = state.current.map { .item($0.id) } ?? .start
        return [.loadWindow(generation: state.generation, query: state.querySpec, anchor: anchor, limit: windowLimit(state))]
    default:
        state.overlay = nil
        return []
    }
    state.overlay = .columns(chooser)
    return []
}

/// Puts the histogram in its view, with the marker on the profile's bad threshold (or the
/// warn one) when the score has one, else in the middle.
func histogramLoaded(_ state: inout AppState, _ histogram: Histogram) {
    guard case var .histogram(view)? = state.overlay, view.score == histogram.score else { return }
    view.histogram = histogram
    let threshold = state.profile.thresholds[histogram.score]
    let cut = threshold?.bad ?? threshold?.warn
    if let cut, let index = histogram.bins.firstIndex(where: { $0.upper > cut || $0 == histogram.bins.last }) {
        view.marker = index
        view.keepAbove = threshold?.higherIsWorse ?? true
    } else {
        view.marker = histogram.bins.count / 2
    }
    state.overlay = .histogram(view)
}

// MARK: - Drawing

/// Bars from the bottom up: eighths of a cell.
private let barLevels: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

func renderHistogram(_ view: HistogramView, filter: String, theme: Theme, into screen: inout ScreenBuffer) {
    let inner = box("Histogram of \(view.score)", width: min(screen.width - 2, 100), height: min(screen.height - 2, 24),
                    theme: theme, into: &screen)
    let scope = "over " + (filter.isEmpty ? "every item" : filter)
    screen.put(scope, x: inner.x, y: inner.y, maxWidth: inner.width, style: theme.style(.meta))
    guard let histogram = view.histogram else {
        screen.put("counting…", x: inner.x, y: inner.y + 2, maxWidth: inner.width, style: theme.style(.dim))
        return
    }
    guard !histogram.bins.isEmpty else {
        screen.put("No item in this filter has the score \(view.score).", x: inner.x, y: inner.y + 2,
                   maxWidth: inner.width, style: theme.style(.warning))
        return
    }
    let bins = histogram.bins
    let chartHeight = max(3, inner.height - 7)
    let columnWidth = max(1, min(3, inner.width / bins.count))
    let chartWidth = columnWidth * bins.count
    let left = inner.x + max(0, (inner.width - chartWidth) / 2)
    let top = inner.y + 2
    let biggest = max(1, bins.map(\.count).max() ?? 1)
    for (index, bin) in bins.enumerated() {
        // Eighths of the chart's height, at least one for a bin that is not empty.
        var eighths = Int((Double(bin.count) / Double(biggest) * Double(chartHeight * 8)).rounded())
        if bin.count > 0 { eighths = max(1, eighths) }
        let role: Role = index == view.marker ? .histogramMarker : .histogramBar
        for row in 0..<chartHeight {
            let level = min(8, max(0, eighths - row * 8))
            guard level > 0 else { break }
            let text = String(repeating: barLevels[level], count: columnWidth)
            screen.put(text, x: left + index * columnWidth, y: top + chartHeight - 1 - row, maxWidth: columnWidth,
                       style: theme.style(role))
        }
    }
    // The marker under the chart, and the scale.
    let axis = top + chartHeight
    screen.put("▲", x: left + view.marker * columnWidth, y: axis, maxWidth: 1, style: theme.style(.histogramMarker))
    let low = formatScore(bins.first?.lower ?? 0), high = formatScore(bins.last?.upper ?? 0)
    screen.put(low, x: left, y: axis + 1, maxWidth: chartWidth, style: theme.style(.meta))
    screen.put(high, x: max(left, left + chartWidth - TextWidth.of(high)), y: axis + 1, maxWidth: TextWidth.of(high),
               style: theme.style(.meta))
    let counts = view.counts
    let threshold = formatScore(view.threshold ?? 0)
    let kept = view.keepAbove ? counts.above : counts.below
    let line1 = "threshold \(threshold):  \(grouped(counts.below)) below  │  \(grouped(counts.above)) at or above   (of \(grouped(histogram.total)) with the score)"
    let line2 = "Enter keeps the \(grouped(kept)) items \(view.keepAbove ? "at or above" : "below") · ←/→ move · Tab other side · Esc closes"
    let bin = bins[min(view.marker, bins.count - 1)]
    let binLine = "bin under ▲: \(formatScore(bin.lower)) to \(formatScore(bin.upper)), \(grouped(bin.count)) items"
    screen.put(binLine, x: inner.x, y: axis + 2, maxWidth: inner.width, style: theme.style(.meta))
    screen.put(line1, x: inner.x, y: axis + 3, maxWidth: inner.width, style: theme.style(.normal))
    screen.put(line2, x: inner.x, y: axis + 4, maxWidth: inner.width, style: theme.style(.dim))
}

func renderBulk(_ confirmation: BulkConfirmation, filter: String, theme: Theme, into screen: inout ScreenBuffer) {
    let verb = confirmation.verdict == .accepted ? "Accept" : confirmation.verdict == .rejected ? "Reject" : "Skip"
    let inner = box("Bulk decision", width: min(screen.width - 2, 90), height: min(screen.height - 2, 14), theme: theme,
                    into: &screen)
    var y = inner.y
    screen.put("\(verb) all \(grouped(confirmation.count)) items matching", x: inner.x, y: y, maxWidth: inner.width,
               style: theme.style(.warning))
    y += 1
    screen.put("  " + (filter.isEmpty ? "(every item in the store)" : filter), x: inner.x, y: y, maxWidth: inner.width,
               style: theme.style(.prompt))
    y += 2
    screen.put("For example:", x: inner.x, y: y, maxWidth: inner.width, style: theme.style(.meta))
    y += 1
    for row in confirmation.sample where y < inner.y + inner.height - 2 {
        screen.put("  \(row.displayId)  \(row.instruction)", x: inner.x, y: y, maxWidth: inner.width, style: theme.style(.normal))
        y += 1
    }
    screen.put("y records it as one batch (u undoes it) · a/r/s change the verdict · any other key cancels",
               x: inner.x, y: inner.y + inner.height - 1, maxWidth: inner.width, style: theme.style(.dim))
}

func renderColumns(_ chooser: ColumnChooser, theme: Theme, into screen: inout ScreenBuffer) {
    let inner = box("Score columns (space ticks, enter applies)", width: 52,
                    height: min(chooser.names.count + 2, screen.height - 2), theme: theme, into: &screen)
    let start = max(0, min(chooser.selected - inner.height / 2, chooser.names.count - inner.height))
    for (offset, name) in chooser.names.dropFirst(start).prefix(inner.height).enumerated() {
        let index = start + offset
        let order = chooser.chosen.firstIndex(of: name).map { "[\($0 + 1)]" } ?? "[ ]"
        let style = theme.style(index == chooser.selected ? .listSelected : .listRow)
        screen.fill(x: inner.x, y: inner.y + offset, width: inner.width, height: 1, style: style)
        screen.put("\(order) \(name)", x: inner.x, y: inner.y + offset, maxWidth: inner.width, style: style)
    }
}
