/// Word wrapping by display width.
public enum Wrap {
    /// Word-wraps text to `width` columns.
    ///
    /// The text is sanitized (``Sanitizer/visible(_:)``) and tabs become four spaces. Each
    /// `"\n"` starts a new line (an empty paragraph is an empty line, and a trailing `"\n"`
    /// gives a trailing empty line). Lines break at spaces, and also between wide (CJK,
    /// emoji) characters, which need no space to break; the spaces at a break are dropped,
    /// other runs of spaces (including a paragraph's indentation) are kept. A word wider than
    /// the line is broken by grapheme cluster. No line is ever wider than `width`; a character
    /// wider than `width` itself (a wide character when `width` is 1) is dropped.
    ///
    /// - Returns: The lines, without `"\n"`; `[]` when `width` < 1.
    ///
    /// Example:
    /// ```swift
    /// Wrap.lines("the quick brown fox", width: 10)   // ["the quick", "brown fox"]
    /// ```
    public static func lines(_ text: String, width: Int) -> [String] {
        guard width >= 1 else { return [] }
        let clean = Sanitizer.visible(text).replacingTabs()
        var result: [String] = []
        for paragraph in clean.split(separator: "\n", omittingEmptySubsequences: false) {
            wrapParagraph(Substring(paragraph), width: width, into: &result)
        }
        return result
    }

    private enum Token {
        case spaces(Int)
        case word(String, width: Int)
    }

    /// Splits a paragraph into runs of spaces and words; each wide character is a word of its own.
    private static func tokens(_ paragraph: Substring) -> [Token] {
        var tokens: [Token] = []
        var word = ""
        var wordWidth = 0
        var spaces = 0
        func flushWord() {
            if !word.isEmpty { tokens.append(.word(word, width: wordWidth)) }
            word = ""
            wordWidth = 0
        }
        for character in paragraph {
            if character == " " {
                flushWord()
                spaces += 1
                continue
            }
            if spaces > 0 {
                tokens.append(.spaces(spaces))
                spaces = 0
            }
            let w = TextWidth.of(character)
            if w >= 2 {
                flushWord()
                tokens.append(.word(String(character), width: w))
            } else {
                word.append(character)
                wordWidth += w
            }
        }
        flushWord()
        if spaces > 0 { tokens.append(.spaces(spaces)) }
        return tokens
    }

    private static func wrapParagraph(_ paragraph: Substring, width: Int, into result: inout [String]) {
        var line = ""
        var lineWidth = 0
        var pendingSpaces = 0
        var atParagraphStart = true
        var emitted = false

        func emit() {
            result.append(line)
            line = ""
            lineWidth = 0
            pendingSpaces = 0
            atParagraphStart = false
            emitted = true
        }

        for token in tokens(paragraph) {
            switch token {
            case .spaces(let count):
                // Spaces at the start of a continuation line are dropped.
                if lineWidth > 0 || atParagraphStart { pendingSpaces += count }
            case .word(let word, let wordWidth):
                if lineWidth + pendingSpaces + wordWidth <= width {
                    line += String(repeating: " ", count: pendingSpaces) + word
                    lineWidth += pendingSpaces + wordWidth
                    pendingSpaces = 0
                    atParagraphStart = false
                    continue
                }
                if lineWidth > 0 { emit() }
                pendingSpaces = 0
                atParagraphStart = false
                var rest = Substring(word)
                var restWidth = wordWidth
                while restWidth > width {
                    let (head, headWidth) = TextWidth.prefix(String(rest), fitting: width)
                    if head.isEmpty {
                        // A character wider than the whole line: drop it.
                        let dropped = rest.removeFirst()
                        restWidth -= TextWidth.of(dropped)
                        continue
                    }
                    line = head
                    lineWidth = headWidth
                    emit()
                    rest = rest.dropFirst(head.count)
                    restWidth -= headWidth
                }
                line = String(rest)
                lineWidth = restWidth
            }
        }
        if lineWidth > 0 || !emitted { emit() }
    }
}

extension String {
    /// Tabs replaced by four spaces.
    fileprivate func replacingTabs() -> String {
        contains("\t") ? split(separator: "\t", omittingEmptySubsequences: false).joined(separator: "    ") : self
    }
}
