/// Splits filter text into tokens on demand.
///
/// Bare words stop at white space, parentheses, quotes and operator characters
/// (`: ~ < > = !`). A value after `:` is read in *value mode*, where only white space,
/// parentheses and quotes end it, so `image:s3://bucket/a*.jpg` needs no quotes.
struct FilterLexer {
    let characters: [Character]

    init(_ text: String) {
        characters = Array(text)
    }

    private static let operatorCharacters: Set<Character> = [":", "~", "<", ">", "=", "!"]

    /// The token starting at or after `position` (white space skipped).
    ///
    /// - Returns: the token and the position just after it.
    func token(at position: Int, valueMode: Bool = false) throws(FilterError) -> (FilterToken, Int) {
        var index = position
        while index < characters.count, characters[index].isWhitespace { index += 1 }
        guard index < characters.count else {
            return (FilterToken(kind: .end, offset: characters.count, text: ""), characters.count)
        }
        let start = index
        let character = characters[index]
        func make(_ kind: FilterToken.Kind, length: Int) -> (FilterToken, Int) {
            (FilterToken(kind: kind, offset: start, text: String(characters[start..<start + length])), start + length)
        }
        switch character {
        case "(": return make(.openParen, length: 1)
        case ")": return make(.closeParen, length: 1)
        case "\"": return try quoted(from: start)
        default: break
        }
        if !valueMode, Self.operatorCharacters.contains(character) {
            let next: Character? = index + 1 < characters.count ? characters[index + 1] : nil
            switch (character, next) {
            case (":", _): return make(.colon, length: 1)
            case ("~", _): return make(.tilde, length: 1)
            case ("<", "="): return make(.comparison(.lessOrEqual), length: 2)
            case (">", "="): return make(.comparison(.greaterOrEqual), length: 2)
            case ("!", "="): return make(.comparison(.notEqual), length: 2)
            case ("=", "="): return make(.comparison(.equal), length: 2)
            case ("<", _): return make(.comparison(.less), length: 1)
            case (">", _): return make(.comparison(.greater), length: 1)
            case ("=", _): return make(.comparison(.equal), length: 1)
            default:
                throw FilterError(
                    offset: start, token: "!", expected: "'!=' or a condition",
                    message: "unexpected '!'; write 'not' to negate a condition, or '!=' to compare")
            }
        }
        while index < characters.count {
            let c = characters[index]
            if c.isWhitespace || c == "(" || c == ")" || c == "\"" { break }
            if !valueMode, Self.operatorCharacters.contains(c) { break }
            index += 1
        }
        let text = String(characters[start..<index])
        return (FilterToken(kind: .word(text), offset: start, text: text), index)
    }

    /// A `"..."` string; `\"` is a quote and `\\` a backslash, other backslashes stay as written.
    private func quoted(from start: Int) throws(FilterError) -> (FilterToken, Int) {
        var value = ""
        var index = start + 1
        while index < characters.count {
            let c = characters[index]
            if c == "\\", index + 1 < characters.count, characters[index + 1] == "\"" || characters[index + 1] == "\\" {
                value.append(characters[index + 1])
                index += 2
                continue
            }
            if c == "\"" {
                let text = String(characters[start...index])
                return (FilterToken(kind: .string(value), offset: start, text: text), index + 1)
            }
            value.append(c)
            index += 1
        }
        throw FilterError(
            offset: start, token: String(characters[start...]), expected: "a closing '\"'",
            message: "this quoted text has no closing '\"'; add one (write \\\" for a quote inside it)")
    }
}
