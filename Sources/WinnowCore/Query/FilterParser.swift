/// Reads filter text into a ``FilterExpression``.
///
/// Grammar (keywords and field names in any case):
/// ```
/// filter    := or-expr?                       (empty: every item)
/// or-expr   := and-expr ("or" and-expr)*
/// and-expr  := unary ("and"? unary)*           (adjacent terms are joined by and)
/// unary     := "not" unary | "(" or-expr ")" | condition
/// condition := FIELD ":" value | FIELD ("=" | "!=") value
///            | NUMERIC op number | SEARCH ("~" | ":") text | "quoted text"
/// ```
/// so `not` binds tighter than `and`, and `and` tighter than `or`.
struct FilterParser {
    private let lexer: FilterLexer
    private var position = 0
    private var depth = 0

    /// Field names, for error messages and suggestions.
    static let fieldNames = [
        "status", "source", "model", "category", "id", "item", "image", "has", "format",
        "text", "instruction", "answer", "caption", "words", "turns", "score", "bad", "warn",
        "reviewer", "disagree", "removed", "lease",
    ]

    private static let maximumDepth = 64

    init(_ text: String) {
        lexer = FilterLexer(text)
    }

    /// Parses the whole text.
    static func parse(_ text: String) throws(FilterError) -> FilterExpression {
        var parser = FilterParser(text)
        return try parser.parseFilter()
    }

    mutating func parseFilter() throws(FilterError) -> FilterExpression {
        if try peek().kind == .end { return .all }
        let expression = try parseOr()
        let next = try peek()
        guard next.kind == .end else {
            if next.kind == .closeParen {
                throw error(at: next, expected: "a condition or the end of the filter",
                            message: "this ')' has no matching '('; remove it or add a '(' before")
            }
            throw error(at: next, expected: "'and', 'or' or the end of the filter",
                        message: "expected 'and', 'or' or the end of the filter, found \(next.quoted)")
        }
        return expression
    }

    // MARK: Tokens

    private func peek(valueMode: Bool = false) throws(FilterError) -> FilterToken {
        try lexer.token(at: position, valueMode: valueMode).0
    }

    @discardableResult
    private mutating func advance(valueMode: Bool = false) throws(FilterError) -> FilterToken {
        let (token, next) = try lexer.token(at: position, valueMode: valueMode)
        position = next
        return token
    }

    private func error(at token: FilterToken, expected: String, message: String) -> FilterError {
        FilterError(offset: token.offset, token: token.text, expected: expected, message: message)
    }

    // MARK: Expressions

    private mutating func parseOr() throws(FilterError) -> FilterExpression {
        var left = try parseAnd()
        while try peek().isKeyword("or") {
            try advance()
            left = .or(left, try parseAnd())
        }
        return left
    }

    private mutating func parseAnd() throws(FilterError) -> FilterExpression {
        var left = try parseUnary()
        while true {
            let next = try peek()
            switch next.kind {
            case .end, .closeParen:
                return left
            case .word where next.isKeyword("or"):
                return left
            case .word where next.isKeyword("and"):
                try advance()
                left = .and(left, try parseUnary())
            case .word, .string, .openParen:
                left = .and(left, try parseUnary())
            default:
                throw error(at: next, expected: "'and', 'or' or the end of the filter",
                            message: "expected 'and', 'or' or the end of the filter, found \(next.quoted)")
            }
        }
    }

    private mutating func parseUnary() throws(FilterError) -> FilterExpression {
        let token = try peek()
        if token.isKeyword("not") {
            try advance()
            return .not(try nested { parser throws(FilterError) in try parser.parseUnary() })
        }
        if token.kind == .openParen {
            try advance()
            let inner = try nested { parser throws(FilterError) in try parser.parseOr() }
            let close = try peek()
            guard close.kind == .closeParen else {
                throw error(at: close, expected: "')'",
                            message: "expected ')' to close the '(' at column \(token.offset + 1), found \(close.quoted)")
            }
            try advance()
            return inner
        }
        return try parseCondition()
    }

    private mutating func nested(_ body: (inout FilterParser) throws(FilterError) -> FilterExpression) throws(FilterError) -> FilterExpression {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth {
            let token = try peek()
            throw error(at: token, expected: "fewer nested parentheses",
                        message: "the filter nests deeper than \(Self.maximumDepth) levels; simplify it")
        }
        return try body(&self)
    }

    // MARK: Conditions

    private mutating func parseCondition() throws(FilterError) -> FilterExpression {
        let head = try advance()
        switch head.kind {
        case let .string(text):
            return .condition(.search(nil, phrase: try searchPhrase(text, token: head)))
        case let .word(word):
            return try parseField(word, head: head)
        default:
            throw error(at: head, expected: "a condition",
                        message: "expected a condition (such as status:pending), found \(head.quoted)")
        }
    }

    private mutating func parseField(_ word: String, head: FilterToken) throws(FilterError) -> FilterExpression {
        let name = word.lowercased()
        if name == "and" || name == "or" {
            throw error(at: head, expected: "a condition",
                        message: "expected a condition (such as status:pending), found '\(word)'")
        }
        if name.hasPrefix("score.") {
            let scoreName = String(word.dropFirst("score.".count))
            guard !scoreName.isEmpty else {
                throw error(at: head, expected: "a score name after 'score.'",
                            message: "expected a score name after 'score.', e.g. score.caption_leak > 0")
            }
            let (op, value, _, _) = try comparison(after: word)
            return .condition(.score(scoreName, op, value))
        }
        switch name {
        case "score":
            throw error(at: head, expected: "score.NAME",
                        message: "write a score as score.NAME followed by a comparison, e.g. score.caption_leak > 0")
        case "words":
            let open = try advance()
            guard open.kind == .openParen else {
                throw error(at: open, expected: "'(' after 'words'",
                            message: "expected '(' after 'words', as in words(answer) < 20, found \(open.quoted)")
            }
            let partToken = try advance()
            guard let partName = partToken.word?.lowercased(), let part = FilterCondition.TextPart(rawValue: partName) else {
                throw error(at: partToken, expected: "instruction, answer or caption",
                            message: "expected instruction, answer or caption inside words(...), found \(partToken.quoted)")
            }
            let close = try advance()
            guard close.kind == .closeParen else {
                throw error(at: close, expected: "')'",
                            message: "expected ')' after 'words(\(partName)', found \(close.quoted)")
            }
            let (op, value, _, _) = try comparison(after: "words(\(partName))")
            return .condition(.words(part, op, value))
        case "turns":
            let (op, value, _, _) = try comparison(after: word)
            return .condition(.turns(op, value))
        case "item":
            let (op, _, token, written) = try comparison(after: word)
            guard let id = Int64(token.text) else {
                throw error(at: token, expected: "an item number",
                            message: "expected a whole item number after '\(written)', found \(token.quoted)")
            }
            return .condition(.item(op, id))
        case "text", "instruction", "answer", "caption":
            return .condition(try parseSearch(name, head: head))
        default:
            break
        }
        guard Self.keyedFields.contains(name) else {
            throw unknownField(word, head: head)
        }
        let separator = try advance()
        let negated: Bool
        switch separator.kind {
        case .colon, .comparison(.equal): negated = false
        case .comparison(.notEqual): negated = true
        default:
            throw error(at: separator, expected: "':' after '\(word)'",
                        message: "expected ':' after '\(word)', as in \(Self.example(name)), found \(separator.quoted)")
        }
        let label = "\(word)\(separator.text)"
        let valueToken = try advance(valueMode: true)
        let value: String
        switch valueToken.kind {
        case let .word(text), let .string(text): value = text
        default:
            throw error(at: valueToken, expected: "a value after '\(label)'",
                        message: "expected a value after '\(label)', found \(valueToken.quoted)")
        }
        let condition = try keyed(name, value: value, token: valueToken, label: label)
        return negated ? .not(.condition(condition)) : .condition(condition)
    }

    private static let keyedFields: Set<String> = [
        "status", "source", "model", "category", "id", "image", "has", "format", "bad", "warn",
        "reviewer", "disagree", "removed", "lease",
    ]

    private static func example(_ field: String) -> String {
        switch field {
        case "status": return "status:pending"
        case "has": return "has:image"
        case "format": return "format:any"
        case "bad", "warn": return "\(field):any"
        case "removed": return "removed:yes"
        case "disagree": return "disagree:any"
        case "id": return "id:000000033471"
        case "image": return "image:coco/*"
        default: return "\(field):NAME"
        }
    }

    private func keyed(_ name: String, value: String, token: FilterToken, label: String) throws(FilterError) -> FilterCondition {
        let lower = value.lowercased()
        func choose<T>(_ options: [(String, T)], noun: String) throws(FilterError) -> T {
            if let match = options.first(where: { $0.0 == lower }) { return match.1 }
            let names = options.map(\.0)
            throw error(at: token, expected: "one of \(names.joined(separator: ", "))",
                        message: "unknown \(noun) '\(value)'\(Self.suggestion(for: lower, among: names)); valid values are \(names.joined(separator: ", "))")
        }
        switch name {
        case "status":
            return .status(try choose(ItemStatus.allCases.map { ($0.rawValue, $0) }, noun: "status"))
        case "source": return .attribute(.source, pattern: value)
        case "model": return .attribute(.model, pattern: value)
        case "category": return .attribute(.category, pattern: value)
        case "image": return .attribute(.image, pattern: value)
        case "id": return .originalId(value)
        case "has":
            return .has(try choose(FilterCondition.Presence.allCases.map { ($0.rawValue, $0) }, noun: "has: value"))
        case "format":
            let options: [(String, FilterCondition.Format)] = [("any", .any), ("none", .none)]
                + FormatFlags.names.map { ($0.1, .flag($0.0, $0.1)) }
            return .format(try choose(options, noun: "format problem"))
        case "bad", "warn":
            let scoreName: String? = lower == "any" ? nil : value
            return name == "bad" ? .bad(scoreName) : .warn(scoreName)
        case "reviewer": return .reviewer(value)
        case "lease": return .lease(value)
        case "disagree":
            return try choose([("any", FilterCondition.disagree), ("yes", .disagree)], noun: "disagree: value")
        case "removed":
            return .removed(try choose(FilterCondition.Removed.allCases.map { ($0.rawValue, $0) }, noun: "removed: value"))
        default:
            throw error(at: token, expected: "a field name", message: "unknown field '\(name)'")
        }
    }

    private mutating func parseSearch(_ name: String, head: FilterToken) throws(FilterError) -> FilterCondition {
        let separator = try advance()
        guard separator.kind == .tilde || separator.kind == .colon else {
            let hint = name == "caption" ? " (has:caption finds items with a caption)" : ""
            throw error(at: separator, expected: "'~' after '\(name)'",
                        message: "expected '~' and the text to find after '\(name)', as in \(name)~\"as described\"\(hint), found \(separator.quoted)")
        }
        let label = "\(head.text)\(separator.text)"
        let valueToken = try advance(valueMode: true)
        let text: String
        switch valueToken.kind {
        case let .word(word), let .string(word): text = word
        default:
            throw error(at: valueToken, expected: "the text to find after '\(label)'",
                        message: "expected the text to find after '\(label)', found \(valueToken.quoted)")
        }
        let part = name == "text" ? nil : FilterCondition.TextPart(rawValue: name)
        return .search(part, phrase: try searchPhrase(text, token: valueToken))
    }

    private func searchPhrase(_ text: String, token: FilterToken) throws(FilterError) -> String {
        guard text.contains(where: { $0.isLetter || $0.isNumber }) else {
            throw error(at: token, expected: "text with a letter or digit",
                        message: "there is nothing to search for in \(token.quoted); search text needs at least one letter or digit")
        }
        return text
    }

    /// Reads `op number` (`:` counts as `=`); also returns the number's token and how the
    /// comparison was written (`item:`, `score.clip >`), for messages.
    private mutating func comparison(after label: String) throws(FilterError) -> (ComparisonOperator, Double, FilterToken, String) {
        let opToken = try advance()
        let op: ComparisonOperator
        switch opToken.kind {
        case .colon: op = .equal
        case let .comparison(comparison): op = comparison
        default:
            throw error(at: opToken, expected: "a comparison after '\(label)'",
                        message: "expected a comparison (< <= > >= = !=) after '\(label)', found \(opToken.quoted)")
        }
        let written = opToken.kind == .colon ? "\(label):" : "\(label) \(opToken.text)"
        let valueToken = try advance(valueMode: true)
        guard let number = Self.number(valueToken.word) else {
            throw error(at: valueToken, expected: "a number after '\(written)'",
                        message: "expected a number after '\(written)', found \(valueToken.quoted)")
        }
        return (op, number, valueToken, written)
    }

    private func unknownField(_ word: String, head: FilterToken) -> FilterError {
        let names = Self.fieldNames
        var message = "unknown field '\(word)'\(Self.suggestion(for: word.lowercased(), among: names)); "
            + "known fields are \(names.joined(separator: ", "))"
        let next = try? peek()
        switch next?.kind {
        case .colon?, .tilde?, .comparison?: break
        default: message += ". To search the text, write \"\(word)\" or text~\(word)"
        }
        return FilterError(offset: head.offset, token: head.text, expected: "a field name", message: message)
    }

    /// ` (did you mean 'x'?)` for the closest name within two edits (or sharing a prefix), else "".
    static func suggestion(for word: String, among names: [String]) -> String {
        guard !word.isEmpty else { return "" }
        let scored = names.map { ($0, editDistance(word, $0)) }
        if let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= min(2, max(1, word.count / 3)) {
            return " (did you mean '\(best.0)'?)"
        }
        if word.count >= 2, let prefixed = names.first(where: { $0.hasPrefix(word) || word.hasPrefix($0) && $0.count >= 3 }) {
            return " (did you mean '\(prefixed)'?)"
        }
        return ""
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// A plain decimal number: `12`, `-3`, `0.5`, `.5`. No exponents, no inf/nan.
    static func number(_ text: String?) -> Double? {
        guard let text, !text.isEmpty else { return nil }
        var body = Substring(text)
        if body.hasPrefix("-") || body.hasPrefix("+") { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.contains(where: { !$0.isEmpty }),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        return Double(text)
    }
}
