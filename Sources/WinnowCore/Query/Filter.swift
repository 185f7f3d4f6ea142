import GRDB

/// A parsed filter, ready to become an SQL condition on `items`.
///
/// The language is described in `docs/filters.md`. Examples:
/// ```swift
/// let filter = try Filter("status:pending and source:gpt4v and words(answer) < 20")
/// let condition = filter.sql()           // items.removed_at IS NULL AND (...)
/// try Int.fetchOne(db, sql: "SELECT count(*) FROM items WHERE \(condition.sql)",
///                  arguments: condition.statementArguments)
/// ```
///
/// - Throws: ``FilterError`` with the position and a sentence saying what was expected.
public struct Filter: Equatable, Sendable {
    /// The text as given.
    public let text: String
    let expression: FilterExpression

    public init(_ text: String) throws(FilterError) {
        self.text = text
        expression = try FilterParser.parse(text)
    }

    /// True for the empty filter (every item that is not removed).
    public var isEmpty: Bool { expression == .all }

    /// True when the filter says which removed items it wants (`removed:yes|no|any`);
    /// otherwise removed items are left out.
    public var mentionsRemoved: Bool { expression.mentionsRemoved }

    /// True when the SQL calls Winnow's SQL functions (see ``ItemQuery/registerFunctions(_:)``).
    public var usesFunctions: Bool { expression.usesWords }

    /// The SQL condition on the `items` table (alias `items`), removed items excluded
    /// unless the filter has a `removed:` condition.
    ///
    /// A `words(...)` condition calls the `winnow_words` SQL function: the connection that
    /// runs the condition needs ``ItemQuery/registerFunctions(_:)`` (``usesFunctions``).
    ///
    /// - Parameter thresholds: per score name, when `bad:` and `warn:` hold (a score profile's
    ///   thresholds; a name it does not list is never bad or a warning). Without a profile
    ///   (nil), bad means a value `>= 1` and warn a value `> 0`, for every score.
    public func sql(thresholds: [String: Threshold]? = nil) -> SQLFragment {
        sql(thresholds: thresholds, live: ItemSQL.live)
    }

    /// The condition with `live` (or nothing, when nil) as the test that leaves removed items
    /// out. The empty filter without a live test is the empty fragment.
    ///
    /// - Parameter counting: compile score comparisons as sets read from `scores_by_value`,
    ///   which is faster when every matching item is visited (counts) and slower when a
    ///   page stops after a few.
    func sql(thresholds: [String: Threshold]?, live: String?, counting: Bool = false) -> SQLFragment {
        let compiler = FilterCompiler(thresholds: thresholds, counting: counting)
        let body = expression == .all ? SQLFragment("") : compiler.compile(expression)
        guard let live, !mentionsRemoved else { return body }
        return SQLFragment.and([SQLFragment(live), body])
    }
}
