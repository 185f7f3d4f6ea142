/// How a cell is drawn: colours and attributes.
public struct Style: Hashable, Sendable {
    public var fg: Color
    public var bg: Color
    public var bold: Bool
    public var dim: Bool
    public var italic: Bool
    public var underline: Bool
    public var reverse: Bool

    public init(fg: Color = .default, bg: Color = .default, bold: Bool = false, dim: Bool = false,
                italic: Bool = false, underline: Bool = false, reverse: Bool = false) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.dim = dim
        self.italic = italic
        self.underline = underline
        self.reverse = reverse
    }

    /// Default colours, no attributes.
    public static let plain = Style()

    /// True when any attribute (bold, dim, italic, underline, reverse) is set.
    public var hasAttributes: Bool { bold || dim || italic || underline || reverse }

    /// The attribute names theme files accept, in the order ``description`` writes them.
    static let attributeNames = ["bold", "dim", "italic", "underline", "reverse"]

    /// Sets an attribute by its theme-file name; false when the name is not an attribute.
    mutating func setAttribute(named name: String) -> Bool {
        switch name.lowercased() {
        case "bold": bold = true
        case "dim": dim = true
        case "italic": italic = true
        case "underline": underline = true
        case "reverse": reverse = true
        default: return false
        }
        return true
    }

    /// The same style with colours mapped to what a terminal of `depth` can show.
    public func mapped(to depth: ColorDepth) -> Style {
        var style = self
        style.fg = fg.mapped(to: depth)
        style.bg = bg.mapped(to: depth)
        return style
    }
}

extension Style: CustomStringConvertible {
    /// The theme-file form, e.g. `default`, `bright-white on blue bold`, `#ff8700 underline`.
    public var description: String {
        var words = [fg.description]
        if bg != .default { words += ["on", bg.description] }
        let flags = [bold, dim, italic, underline, reverse]
        for (name, isSet) in zip(Self.attributeNames, flags) where isSet { words.append(name) }
        return words.joined(separator: " ")
    }
}
