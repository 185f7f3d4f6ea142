import GRDB

/// A piece of SQL with `?` placeholders and the values bound to them, in order.
///
/// Every value that comes from the user travels in ``arguments``; ``sql`` holds only text
/// written in this module (column names from fixed lists, operators, placeholders).
public struct SQLFragment: Equatable, Sendable {
    public var sql: String
    public var arguments: [DatabaseValue]

    public init(_ sql: String, _ arguments: [DatabaseValue] = []) {
        self.sql = sql
        self.arguments = arguments
    }

    /// The arguments in GRDB's form.
    public var statementArguments: StatementArguments { StatementArguments(arguments) }

    /// Appends text and its arguments.
    mutating func append(_ other: SQLFragment) {
        sql += other.sql
        arguments += other.arguments
    }

    mutating func append(_ text: String, _ values: [DatabaseValue] = []) {
        sql += text
        arguments += values
    }

    static func + (left: SQLFragment, right: SQLFragment) -> SQLFragment {
        SQLFragment(left.sql + right.sql, left.arguments + right.arguments)
    }

    /// `a AND b AND ...` of the non-empty parts, each in parentheses.
    static func and(_ parts: [SQLFragment]) -> SQLFragment {
        let parts = parts.filter { !$0.sql.isEmpty }
        guard !parts.isEmpty else { return SQLFragment("1") }
        if parts.count == 1 { return parts[0] }
        return SQLFragment(parts.map { "(\($0.sql))" }.joined(separator: " AND "), parts.flatMap(\.arguments))
    }
}
