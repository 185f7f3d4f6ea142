/// One condition of a filter.
enum FilterCondition: Equatable, Sendable {
    /// `source:`, `model:`, `category:`, `image:` — exact, or a glob when the pattern has `* ? [`.
    enum Attribute: String, Equatable, Sendable, CaseIterable {
        case source, model, category, image
    }

    /// `has:` values.
    enum Presence: String, Equatable, Sendable, CaseIterable {
        case image, caption, model, edit, note
    }

    /// `format:` values.
    enum Format: Equatable, Sendable {
        case any, none
        case flag(FormatFlags, String)
    }

    /// The text a `~` search or `words(...)` looks at.
    enum TextPart: String, Equatable, Sendable, CaseIterable {
        case instruction, answer, caption
    }

    /// `removed:` values.
    enum Removed: String, Equatable, Sendable, CaseIterable {
        case yes, no, any
    }

    case status(ItemStatus)
    case attribute(Attribute, pattern: String)
    /// `id:` — the original id as text.
    case originalId(String)
    /// `item:` — the Winnow item id.
    case item(ComparisonOperator, Int64)
    case has(Presence)
    case format(Format)
    /// `text~` (nil part: all three) or `instruction~`, `answer~`, `caption~`.
    case search(TextPart?, phrase: String)
    case words(TextPart, ComparisonOperator, Double)
    case turns(ComparisonOperator, Double)
    case score(String, ComparisonOperator, Double)
    /// `bad:NAME` (nil: `bad:any`).
    case bad(String?)
    /// `warn:NAME` (nil: `warn:any`).
    case warn(String?)
    case reviewer(String)
    case disagree
    /// `lease:NAME` — items NAME holds an unexpired work-queue lease on.
    case lease(String)
    case removed(Removed)

    var canonical: String {
        func number(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }
        switch self {
        case let .status(status): return "status:\(status.rawValue)"
        case let .attribute(attribute, pattern): return "\(attribute.rawValue):\(pattern)"
        case let .originalId(id): return "id:\(id)"
        case let .item(op, id): return "item\(op.rawValue)\(id)"
        case let .has(presence): return "has:\(presence.rawValue)"
        case .format(.any): return "format:any"
        case .format(.none): return "format:none"
        case let .format(.flag(_, name)): return "format:\(name)"
        case let .search(part, phrase): return "\(part?.rawValue ?? "text")~\"\(phrase)\""
        case let .words(part, op, value): return "words(\(part.rawValue))\(op.rawValue)\(number(value))"
        case let .turns(op, value): return "turns\(op.rawValue)\(number(value))"
        case let .score(name, op, value): return "score.\(name)\(op.rawValue)\(number(value))"
        case let .bad(name): return "bad:\(name ?? "any")"
        case let .warn(name): return "warn:\(name ?? "any")"
        case let .reviewer(name): return "reviewer:\(name)"
        case .disagree: return "disagree:any"
        case let .lease(name): return "lease:\(name)"
        case let .removed(mode): return "removed:\(mode.rawValue)"
        }
    }
}
