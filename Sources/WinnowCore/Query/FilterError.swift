/// A filter or sort that cannot be read, with where and why.
///
/// ```swift
/// do { _ = try Filter("status:") }
/// catch let error as FilterError {
///     error.offset       // 7
///     error.description  // at column 8: expected a value after 'status:', found end of input. …
/// }
/// ```
public struct FilterError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Where the problem is: a 0-based character offset into the text.
    public var offset: Int
    /// The offending token as written ("" at the end of the input).
    public var token: String
    /// What would have been valid there, e.g. `a value after 'status:'`.
    public var expected: String
    /// The sentence that explains the problem (without the column).
    public var message: String

    public init(offset: Int, token: String, expected: String, message: String) {
        self.offset = offset
        self.token = token
        self.expected = expected
        self.message = message
    }

    /// The 1-based column, as editors count.
    public var column: Int { offset + 1 }

    /// `at column N: <message>`.
    public var description: String { "at column \(column): \(message)" }
}
