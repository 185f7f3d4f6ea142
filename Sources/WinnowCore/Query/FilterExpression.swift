/// A parsed filter: conditions joined by `and`, `or` and `not`.
indirect enum FilterExpression: Equatable, Sendable {
    /// The empty filter: every item.
    case all
    case condition(FilterCondition)
    case not(FilterExpression)
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)

    /// True when a `removed:` condition appears anywhere (then removed items are not
    /// excluded by default).
    var mentionsRemoved: Bool {
        switch self {
        case .all: return false
        case let .condition(condition):
            if case .removed = condition { return true }
            return false
        case let .not(inner): return inner.mentionsRemoved
        case let .and(left, right), let .or(left, right): return left.mentionsRemoved || right.mentionsRemoved
        }
    }

    /// True when a `words(...)` condition appears (it needs the `winnow_words` function).
    var usesWords: Bool {
        switch self {
        case .all: return false
        case let .condition(condition):
            if case .words = condition { return true }
            return false
        case let .not(inner): return inner.usesWords
        case let .and(left, right), let .or(left, right): return left.usesWords || right.usesWords
        }
    }

    /// A fully parenthesised form, for tests and debugging: `(a and (not b))`.
    var canonical: String {
        switch self {
        case .all: return "all"
        case let .condition(condition): return condition.canonical
        case let .not(inner): return "(not \(inner.canonical))"
        case let .and(left, right): return "(\(left.canonical) and \(right.canonical))"
        case let .or(left, right): return "(\(left.canonical) or \(right.canonical))"
        }
    }
}
