/// A token of the filter and sort languages.
struct FilterToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// A bare word: a field name, keyword, value or number.
        case word(String)
        /// A double-quoted string, unescaped.
        case string(String)
        case colon
        case tilde
        case comparison(ComparisonOperator)
        case openParen
        case closeParen
        case end
    }

    var kind: Kind
    /// 0-based character offset of the token's first character.
    var offset: Int
    /// The token as written.
    var text: String

    /// How the token reads in an error message: `'text'`, or `end of input`.
    var quoted: String {
        if case .end = kind { return "end of input" }
        return "'\(text)'"
    }

    var word: String? {
        if case let .word(word) = kind { return word }
        return nil
    }

    /// True when the token is the bare word `keyword` (any case).
    func isKeyword(_ keyword: String) -> Bool {
        word?.lowercased() == keyword
    }
}

/// A comparison in a filter: `<`, `<=`, `>`, `>=`, `=` (also written `:` or `==`), `!=`.
enum ComparisonOperator: String, Equatable, Sendable, CaseIterable {
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case equal = "="
    case notEqual = "!="

    /// The operator in SQL (all six are the same as written).
    var sql: String { rawValue }

    /// `a OP b`, as SQL compares two numbers.
    func holds(_ a: Double, _ b: Double) -> Bool {
        switch self {
        case .less: return a < b
        case .lessOrEqual: return a <= b
        case .greater: return a > b
        case .greaterOrEqual: return a >= b
        case .equal: return a == b
        case .notEqual: return a != b
        }
    }
}
