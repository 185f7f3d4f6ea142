import Foundation

/// An error in a theme file, or a theme that cannot be found.
public enum ThemeError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A line of a theme file is wrong; `message` is a whole sentence saying what to write instead.
    case invalidLine(file: String, line: Int, message: String)
    /// No theme by that name or path; `message` says where Winnow looked and what exists.
    case notFound(String)

    public var description: String {
        switch self {
        case .invalidLine(let file, let line, let message):
            return "\(file):\(line): \(message)"
        case .notFound(let message):
            return message
        }
    }

    public var errorDescription: String? { description }
}

/// The styles of the semantic roles of the screen.
///
/// Themes are data: a text file per theme (format in `docs/themes.md`), parsed by
/// ``parse(_:name:file:)``. The four shipped themes (`themes/*.theme`) are also compiled in,
/// so ``load(_:themesDirectory:)`` finds them without the repository.
///
/// Example:
/// ```swift
/// let theme = try Theme.load("dark", themesDirectory: nil).adapted(to: .ansi8)
/// screen.put("Accepted", x: 0, y: 0, style: theme.style(.verdictAccepted))
/// ```
public struct Theme: Sendable, Equatable {
    public var name: String
    /// The styles the theme sets; other roles fall back (see ``style(_:)``).
    public var styles: [Role: Style]

    public init(name: String, styles: [Role: Style] = [:]) {
        self.name = name
        self.styles = styles
    }

    /// The style of a role: the theme's own, else its parent role's (``Role/parent``), else
    /// `normal`'s, else ``Style/plain``.
    public func style(_ role: Role) -> Style {
        var current: Role? = role
        while let r = current {
            if let style = styles[r] { return style }
            current = r.parent
        }
        return .plain
    }

    /// The names of the themes compiled into the binary.
    public static let builtinNames = ["dark", "light", "high-contrast", "mono"]

    /// A built-in theme by name, or `nil`.
    public static func builtin(_ name: String) -> Theme? {
        guard let text = builtinTexts[name] else { return nil }
        return try? parse(text, name: name, file: "\(name).theme (built in)")
    }

    // MARK: Parsing

    /// Parses a theme file.
    ///
    /// Lines are `ROLE = [FG] [on BG] [bold] [dim] [italic] [underline] [reverse]` (at least
    /// one part), `inherit = THEME` (at most once; the theme's own lines win over it wherever
    /// they are), blank, or comments: `#` at the start of a line, or `#` followed by a space
    /// after a value. Later lines for the same role win. `inherit` here resolves built-in
    /// themes only; ``load(_:themesDirectory:)`` also finds theme files.
    ///
    /// - Throws: ``ThemeError/invalidLine(file:line:message:)``.
    public static func parse(_ text: String, name: String, file: String) throws -> Theme {
        try parse(text, name: name, file: file) { parent, line in
            guard let theme = builtin(parent) else {
                throw ThemeError.invalidLine(file: file, line: line, message:
                    "There is no built-in theme “\(parent)” to inherit from; built-in themes are \(builtinNames.joined(separator: ", ")).")
            }
            return theme
        }
    }

    /// Parses with a resolver for `inherit = NAME` (given the name and the line number).
    static func parse(_ text: String, name: String, file: String,
                      resolve: (String, Int) throws -> Theme) throws -> Theme {
        var own: [Role: Style] = [:]
        var inherited: Theme?
        var inheritLine: Int?
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = offset + 1
            let line = stripComment(rawLine).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            func fail(_ message: String) -> ThemeError {
                .invalidLine(file: file, line: lineNumber, message: message)
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw fail("Expected `ROLE = STYLE` or `inherit = THEME`, found “\(line)”.")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if key == "inherit" {
                if let previous = inheritLine {
                    throw fail("A theme inherits from one theme only; line \(previous) already says `inherit`.")
                }
                guard !value.isEmpty, !value.contains(where: \.isWhitespace) else {
                    throw fail("Write `inherit = THEME` with one theme name, e.g. `inherit = dark`.")
                }
                inheritLine = lineNumber
                inherited = try resolve(value, lineNumber)
                continue
            }
            guard let role = Role(rawValue: key) else {
                let suggestion = closeMatches(key, in: Role.allCases.map(\.rawValue)).first.map { " Did you mean “\($0)”?" } ?? ""
                throw fail("Unknown role “\(key)”.\(suggestion) Valid roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            own[role] = try parseStyle(value, role: role, fail: fail)
        }
        var styles = inherited?.styles ?? [:]
        styles.merge(own) { _, new in new }
        return Theme(name: name, styles: styles)
    }

    /// The line up to a comment: `#` at the line's start or followed by whitespace.
    private static func stripComment(_ line: Substring) -> Substring {
        var index = line.startIndex
        while index < line.endIndex {
            if line[index] == "#" {
                let next = line.index(after: index)
                let atStart = line[..<index].allSatisfy(\.isWhitespace)
                if atStart || next == line.endIndex || line[next].isWhitespace { return line[..<index] }
            }
            index = line.index(after: index)
        }
        return line
    }

    private static func parseStyle(_ value: String, role: Role, fail: (String) -> ThemeError) throws -> Style {
        let words = value.split(whereSeparator: \.isWhitespace).map(String.init)
        guard !words.isEmpty else {
            throw fail("Role “\(role.rawValue)” has no style: write a colour, `on COLOR`, attributes, or `default`.")
        }
        var style = Style()
        var sawForeground = false
        var index = 0
        while index < words.count {
            let word = words[index]
            if word.lowercased() == "on" {
                guard index + 1 < words.count else {
                    throw fail("`on` must be followed by a background colour: \(Color.acceptedForms).")
                }
                guard let colour = Color(parsing: words[index + 1]) else {
                    throw fail("“\(words[index + 1])” is not a colour. Use \(Color.acceptedForms).")
                }
                style.bg = colour
                index += 2
                continue
            }
            if style.setAttribute(named: word) {
                index += 1
                continue
            }
            if let colour = Color(parsing: word) {
                if sawForeground {
                    throw fail("A style has one foreground colour: write `on \(word)` to make “\(word)” the background.")
                }
                if index > 0 {
                    throw fail("Put the foreground colour “\(word)” first, before the attributes.")
                }
                style.fg = colour
                sawForeground = true
                index += 1
                continue
            }
            throw fail("“\(word)” is neither a colour nor an attribute. Colours: \(Color.acceptedForms). Attributes: \(Style.attributeNames.joined(separator: ", ")).")
        }
        return style
    }

    // MARK: Loading

    /// Loads a theme by name or by path.
    ///
    /// A value containing `/` or ending in `.theme` is a path. A name is looked up as
    /// `themesDirectory/NAME.theme` first, then among the built-in themes.
    ///
    /// `inherit = NAME` in a file looks for `NAME.theme` beside that file, then in
    /// `themesDirectory`, then among the built-in themes, skipping the file itself — so a
    /// `dark.theme` of your own can start with `inherit = dark` and change a few roles.
    ///
    /// - Throws: ``ThemeError``: not found, unreadable, invalid, or inheriting in a cycle.
    public static func load(_ nameOrPath: String, themesDirectory: String?) throws -> Theme {
        let isPath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme")
        if isPath {
            guard FileManager.default.fileExists(atPath: nameOrPath) else {
                throw ThemeError.notFound("There is no theme file at \(nameOrPath). Give a theme name (\(availableNames(themesDirectory).joined(separator: ", "))) or the path of a .theme file.")
            }
            return try loadFile(nameOrPath, themesDirectory: themesDirectory, chain: [])
        }
        if let directory = themesDirectory {
            let path = (directory as NSString).appendingPathComponent(nameOrPath + ".theme")
            if FileManager.default.fileExists(atPath: path) {
                return try loadFile(path, themesDirectory: themesDirectory, chain: [])
            }
        }
        if let text = builtinTexts[nameOrPath] {
            return try parse(text, name: nameOrPath, file: "\(nameOrPath).theme (built in)")
        }
        throw ThemeError.notFound("There is no theme named “\(nameOrPath)”. Available themes: \(availableNames(themesDirectory).joined(separator: ", ")); or give the path of a .theme file.")
    }

    /// Loads a theme file; `chain` holds the standardized paths of the files inheriting from it.
    private static func loadFile(_ path: String, themesDirectory: String?, chain: [String]) throws -> Theme {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ThemeError.notFound("Cannot read the theme file \(path): check that it exists, is readable and is UTF-8 text.")
        }
        let me = (path as NSString).standardizingPath
        let chain = chain + [me]
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let fileDirectory = (path as NSString).deletingLastPathComponent
        return try parse(text, name: name, file: path) { parent, line in
            func fail(_ message: String) -> ThemeError { .invalidLine(file: path, line: line, message: message) }
            var candidates: [String] = []
            if parent.contains("/") || parent.hasSuffix(".theme") {
                candidates.append(parent.hasPrefix("/") ? parent : (fileDirectory as NSString).appendingPathComponent(parent))
            } else {
                candidates.append((fileDirectory as NSString).appendingPathComponent(parent + ".theme"))
                if let directory = themesDirectory {
                    candidates.append((directory as NSString).appendingPathComponent(parent + ".theme"))
                }
            }
            for candidate in candidates where FileManager.default.fileExists(atPath: candidate) {
                let standardized = (candidate as NSString).standardizingPath
                if standardized == me { continue }
                if chain.contains(standardized) {
                    throw fail("`inherit = \(parent)` makes themes inherit from each other in a cycle; inherit from a theme that does not inherit from this one.")
                }
                do {
                    return try loadFile(candidate, themesDirectory: themesDirectory, chain: chain)
                } catch ThemeError.notFound(let message) {
                    throw fail(message)
                }
            }
            if !parent.contains("/"), let text = builtinTexts[parent] {
                return try parse(text, name: parent, file: "\(parent).theme (built in)")
            }
            throw fail("There is no theme “\(parent)” to inherit from. Available themes: \(availableNames(themesDirectory).joined(separator: ", ")).")
        }
    }

    /// Built-in theme names plus the `.theme` files in `directory`, sorted, without duplicates.
    private static func availableNames(_ directory: String?) -> [String] {
        var names = builtinNames
        if let directory, let files = try? FileManager.default.contentsOfDirectory(atPath: directory) {
            for file in files.sorted() where file.hasSuffix(".theme") {
                let name = String(file.dropLast(6))
                if !names.contains(name) { names.append(name) }
            }
        }
        return names
    }

    // MARK: Terminal capabilities

    /// The theme as it must look on a terminal of this colour depth.
    ///
    /// Colours are mapped down with ``Color/mapped(to:)``. For `.mono` (no colours, or
    /// `NO_COLOR`) every role keeps its own attributes and gains the attributes the built-in
    /// `mono` theme gives it, so selection, status bars and verdicts stay distinguishable
    /// whatever the theme relied on colour for.
    public func adapted(to depth: ColorDepth) -> Theme {
        if depth == .trueColor { return self }
        if depth == .mono {
            let mono = Theme.builtin("mono") ?? Theme(name: "mono")
            var styles: [Role: Style] = [:]
            for role in Role.allCases {
                let own = style(role)
                let base = mono.style(role)
                styles[role] = Style(bold: own.bold || base.bold, dim: own.dim || base.dim,
                                     italic: own.italic || base.italic, underline: own.underline || base.underline,
                                     reverse: own.reverse || base.reverse)
            }
            return Theme(name: name, styles: styles)
        }
        return Theme(name: name, styles: styles.mapValues { $0.mapped(to: depth) })
    }
}

// MARK: - Compiled-in copies (generated from the files; a test checks they are identical)

extension Theme {
    /// The shipped theme files, by name: identical to `themes/NAME.theme`.
    static let builtinTexts: [String: String] = [
        "dark": #"""
        # Winnow theme "dark": for terminals with a dark background.
        # It uses only the 16 palette colours, so it follows your terminal's colour scheme.
        # Format: docs/themes.md. Copy this file to make your own, or start one with `inherit = dark`.

        normal                  = default
        dim                     = bright-black
        pane.border             = bright-black
        pane.title              = white bold
        pane.title.focused      = bright-white on blue bold
        list.row                = default
        list.selected           = bright-white on blue bold
        list.selected.unfocused = black on white
        status.bar              = black on white
        status.error            = bright-white on red bold
        status.message          = bright-cyan
        verdict.pending         = yellow
        verdict.accepted        = bright-green bold
        verdict.rejected        = bright-red bold
        verdict.skipped         = cyan
        role.human              = bright-cyan bold
        role.gpt                = bright-magenta bold
        caption                 = yellow
        meta                    = bright-black
        score.good              = green
        score.warn              = yellow
        score.bad               = bright-red bold
        search.match            = black on yellow
        prompt                  = bright-white bold
        help.key                = bright-yellow bold
        help.text               = default
        histogram.bar           = cyan
        histogram.marker        = bright-yellow bold
        control.picture         = bright-white on magenta
        warning                 = bright-yellow bold

        """#,
        "light": #"""
        # Winnow theme "light": for terminals with a light background.
        # It uses only the 16 palette colours, so it follows your terminal's colour scheme.
        # Format: docs/themes.md. Copy this file to make your own, or start one with `inherit = light`.

        normal                  = default
        dim                     = bright-black
        pane.border             = bright-black
        pane.title              = default bold
        pane.title.focused      = bright-white on blue bold
        list.row                = default
        list.selected           = bright-white on blue bold
        list.selected.unfocused = black on white
        status.bar              = bright-white on black
        status.error            = bright-white on red bold
        status.message          = blue
        verdict.pending         = magenta
        verdict.accepted        = green bold
        verdict.rejected        = red bold
        verdict.skipped         = blue
        role.human              = blue bold
        role.gpt                = magenta bold
        caption                 = blue
        meta                    = bright-black
        score.good              = green
        score.warn              = magenta
        score.bad               = red bold
        search.match            = black on bright-yellow
        prompt                  = default bold
        help.key                = blue bold
        help.text               = default
        histogram.bar           = blue
        histogram.marker        = red bold
        control.picture         = bright-white on magenta
        warning                 = red bold

        """#,
        "high-contrast": #"""
        # Winnow theme "high-contrast": bright text on black, bold accents, underlined problems.
        # Format: docs/themes.md.

        normal                  = bright-white on black
        dim                     = white on black
        pane.border             = bright-white on black
        pane.title              = bright-white on black bold
        pane.title.focused      = black on bright-yellow bold
        list.row                = bright-white on black
        list.selected           = black on bright-yellow bold
        list.selected.unfocused = black on white bold
        status.bar              = black on bright-white bold
        status.error            = bright-white on red bold
        status.message          = bright-yellow on black bold
        verdict.pending         = bright-yellow on black bold
        verdict.accepted        = bright-green on black bold
        verdict.rejected        = bright-red on black bold underline
        verdict.skipped         = bright-cyan on black bold
        role.human              = bright-cyan on black bold
        role.gpt                = bright-green on black bold
        caption                 = bright-yellow on black
        meta                    = white on black
        score.good              = bright-green on black bold
        score.warn              = bright-yellow on black bold
        score.bad               = bright-red on black bold underline
        search.match            = black on bright-cyan bold
        prompt                  = bright-white on black bold
        help.key                = bright-yellow on black bold
        help.text               = bright-white on black
        histogram.bar           = bright-cyan on black
        histogram.marker        = bright-yellow on black bold
        control.picture         = black on bright-magenta bold
        warning                 = bright-yellow on black bold underline

        """#,
        "mono": #"""
        # Winnow theme "mono": attributes only, no colours. For monochrome terminals and NO_COLOR;
        # every other theme falls back to these attributes there (see docs/themes.md).
        # Selection and status bars are reversed; verdicts differ by glyph and attribute.

        normal                  = default
        dim                     = dim
        pane.border             = default
        pane.title              = bold
        pane.title.focused      = bold reverse
        list.row                = default
        list.selected           = bold reverse
        list.selected.unfocused = reverse
        status.bar              = reverse
        status.error            = bold reverse
        status.message          = bold
        verdict.pending         = default
        verdict.accepted        = bold
        verdict.rejected        = bold underline
        verdict.skipped         = dim
        role.human              = bold
        role.gpt                = underline
        caption                 = dim
        meta                    = dim
        score.good              = default
        score.warn              = underline
        score.bad               = bold underline
        search.match            = underline reverse
        prompt                  = bold
        help.key                = bold
        help.text               = default
        histogram.bar           = reverse
        histogram.marker        = bold
        control.picture         = bold underline
        warning                 = bold underline

        """#,
    ]
}
