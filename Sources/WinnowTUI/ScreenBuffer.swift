/// One screen position: a grapheme cluster and its style.
public struct Cell: Hashable, Sendable {
    /// One grapheme cluster, one or two columns wide; `""` for the right half of a wide character.
    public var text: String
    public var style: Style

    public init(text: String, style: Style = .plain) {
        self.text = text
        self.style = style
    }

    /// A space in the plain style.
    public static let blank = Cell(text: " ")

    /// True for the right half of a wide character.
    public var isContinuation: Bool { text.isEmpty }
}

/// A grid of cells that rendering writes into and the terminal backend draws.
///
/// Wide characters take two cells: the character in the left one and a continuation cell
/// (`text == ""`, same style) to its right. Writes keep that pairing intact: overwriting
/// either half of a wide character turns the other half into a space, and a wide character
/// that does not fit is replaced by a space, so a backend can draw row by row without
/// ever meeting half a character.
///
/// Example:
/// ```swift
/// var screen = ScreenBuffer(width: 10, height: 1)
/// screen.put("漢字漢字", x: 0, y: 0, maxWidth: 5, style: .plain)   // 5: "漢字" plus a space
/// screen.plainText()                                              // "漢字      "
/// ```
public struct ScreenBuffer: Equatable, Sendable {
    public let width: Int
    public let height: Int
    /// The cells, row by row (`y * width + x`).
    public private(set) var cells: [Cell]

    /// A buffer of blank cells; negative sizes count as 0.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The cell at a position. Reading outside the buffer gives a blank cell; writing outside
    /// it does nothing. Writing keeps wide characters whole, as ``put(_:x:y:maxWidth:style:)``
    /// does: a two-column cell also writes its continuation to the right (in the last column it
    /// becomes a space), and writing a continuation cell (`""`) directly stores a space.
    public subscript(x: Int, y: Int) -> Cell {
        get {
            guard contains(x: x, y: y) else { return .blank }
            return cells[y * width + x]
        }
        set {
            guard contains(x: x, y: y) else { return }
            let glyphWidth = newValue.isContinuation ? 1 : TextWidth.of(newValue.text)
            if newValue.isContinuation || (glyphWidth >= 2 && x + 1 >= width) {
                write(Cell(text: " ", style: newValue.style), x: x, y: y)
            } else {
                write(newValue, x: x, y: y)
                if glyphWidth >= 2 { write(Cell(text: "", style: newValue.style), x: x + 1, y: y) }
            }
        }
    }

    private func contains(x: Int, y: Int) -> Bool {
        x >= 0 && y >= 0 && x < width && y < height
    }

    /// Stores a cell, turning the orphaned half of a wide character it overwrites into a space.
    ///
    /// Invariant: a continuation cell is always directly right of the wide character it belongs
    /// to; callers write a wide character's left half first, then its continuation.
    private mutating func write(_ cell: Cell, x: Int, y: Int) {
        let index = y * width + x
        if cells[index].isContinuation {
            if x > 0, !cells[index - 1].isContinuation { cells[index - 1].text = " " }
        } else if x + 1 < width, cells[index + 1].isContinuation {
            cells[index + 1].text = " "
        }
        cells[index] = cell
    }

    /// Writes text from (x, y), never past `x + maxWidth` or the buffer's edge.
    ///
    /// The text is sanitized first (``Sanitizer/visible(_:)``); newlines and tabs become
    /// spaces; zero-width clusters are dropped. A wide character that would cross the limit
    /// is replaced by a space, and so is one that straddles the left edge when `x` is negative.
    ///
    /// - Returns: The columns advanced from `x` (including such a padding space).
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, style: Style) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(width, maxWidth.map { x + max(0, $0) } ?? width)
        guard x < limit else { return 0 }
        var column = x
        for character in Sanitizer.visible(text) {
            let glyph: Character = (character == "\n" || character == "\t") ? " " : character
            let w = TextWidth.of(glyph)
            if w == 0 { continue }
            if column + w > limit {
                if column < limit, column >= 0 {
                    write(Cell(text: " ", style: style), x: column, y: y)
                    column += 1
                }
                break
            }
            if column < 0 {
                if column + w > 0 {
                    write(Cell(text: " ", style: style), x: 0, y: y)
                }
                column += w
                continue
            }
            write(Cell(text: String(glyph), style: style), x: column, y: y)
            if w == 2 { write(Cell(text: "", style: style), x: column + 1, y: y) }
            column += w
        }
        return column - x
    }

    /// Copies `count` cells of `run`, from its index `from`, to (x, y) onwards, clipped to the
    /// buffer. The cells were measured when the run was made, so nothing is measured here:
    /// only the two ends check for a wide character they cut in half.
    public mutating func put(_ run: NarrowCells, from: Int, count: Int, x: Int, y: Int) {
        guard y >= 0, y < height, from >= 0, count > 0 else { return }
        let skip = max(0, -x)
        let first = x + skip, source = from + skip
        let end = min(width, x + count, x + run.cells.count - from)
        guard first < end else { return }
        let row = y * width
        // A wide character whose right half the run starts on, or whose left half it ends on.
        if cells[row + first].isContinuation, first > 0 { cells[row + first - 1].text = " " }
        if end < width, cells[row + end].isContinuation { cells[row + end].text = " " }
        run.cells.withUnsafeBufferPointer { copied in
            cells.withUnsafeMutableBufferPointer { target in
                for offset in 0..<(end - first) {
                    target[row + first + offset] = copied[source + offset]
                }
            }
        }
    }

    /// Fills a rectangle (clipped to the buffer) with spaces in `style`.
    public mutating func fill(x: Int, y: Int, width: Int, height: Int, style: Style) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(self.width, x + width), y1 = min(self.height, y + height)
        guard x0 < x1, y0 < y1 else { return }
        let blank = Cell(text: " ", style: style)
        for row in y0..<y1 {
            for column in x0..<x1 { write(blank, x: column, y: row) }
        }
    }

    /// Sets every cell to a space in `style`.
    public mutating func clear(style: Style = .plain) {
        cells = Array(repeating: Cell(text: " ", style: style), count: width * height)
    }

    /// The rows as plain text joined by `"\n"`: wide characters once (continuation cells
    /// skipped), trailing spaces kept. For golden tests.
    public func plainText() -> String {
        (0..<height).map { row(at: $0) }.joined(separator: "\n")
    }

    /// One row as plain text, continuation cells skipped.
    public func row(at y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var line = ""
        for x in 0..<width where !cells[y * width + x].isContinuation {
            line += cells[y * width + x].text
        }
        return line
    }

    /// A golden-file form that shows text and styles.
    ///
    /// Each row is written between `|` bars, followed by a line with one style id per column
    /// (also for the continuation half of a wide character, so the two lines stay aligned).
    /// Ids are given in order of first appearance, reading rows top to bottom, except that the
    /// plain style is always `.`; a legend after the rows names each style in theme-file form.
    /// The output depends only on the buffer's content.
    ///
    /// ```
    /// |Hi you    |
    /// |aa.bbb....|
    /// --
    /// . default
    /// a red bold
    /// b default on blue
    /// ```
    public func styledText() -> String {
        var ids: [Style: Character] = [.plain: "."]
        var order: [Style] = [.plain]
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            + "!\"#$%&'()*+,-/:;<=>?@[\\]^_`{}~" + "αβγδεζηθικλμνξοπρστυφχψωАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЫЭЮЯ")
        var lines: [String] = []
        for y in 0..<height {
            var styleLine = ""
            for x in 0..<width {
                let style = cells[y * width + x].style
                if let id = ids[style] {
                    styleLine.append(id)
                } else {
                    let id: Character = order.count - 1 < alphabet.count ? alphabet[order.count - 1] : "?"
                    ids[style] = id
                    order.append(style)
                    styleLine.append(id)
                }
            }
            lines.append("|" + row(at: y) + "|")
            lines.append("|" + styleLine + "|")
        }
        lines.append("--")
        let used = Set(cells.map(\.style))
        for style in order where used.contains(style) {
            lines.append("\(ids[style] ?? "?") \(style)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Cells that are each one column wide, checked once when made, so that a ``ScreenBuffer``
/// can copy them again and again without measuring them (a rendered picture, drawn at every
/// frame).
public struct NarrowCells: Equatable, Sendable {
    public let cells: [Cell]

    /// Keeps the cells that are one column wide; any other (wide, zero-width, or a
    /// continuation) becomes a space in its style, so the run's length is its width.
    public init(_ cells: [Cell]) {
        self.cells = cells.map { TextWidth.of($0.text) == 1 ? $0 : Cell(text: " ", style: $0.style) }
    }
}
