/// Why a comparison could not be set up, stored, reported or imported. Every case says what
/// to do instead.
public enum CompareError: Error, CustomStringConvertible, Equatable {
    /// A model named by `--a`/`--b` has no items in the store.
    case unknownModel(String, available: [String])
    /// `--a` and `--b` name the same model.
    case sameModel(String)
    /// No question has an answer from both models.
    case noPairs(a: String, b: String)
    /// The comparison was started with another seed.
    case seedMismatch(recorded: UInt64, given: UInt64, since: String)
    /// A line of a judge's verdict file is wrong.
    case badVerdict(path: String, line: Int, reason: String)
    /// A verdict file could not be read.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unknownModel(name, available):
            let list = available.isEmpty ? "the store has no model answers; import them with `winnow import QUESTIONS --answers FILE`"
                : "the models in the store are \(available.joined(separator: ", "))"
            return "No item has the model “\(name)”: \(list)."
        case let .sameModel(name):
            return "--a and --b both name “\(name)”; compare two different models."
        case let .noPairs(a, b):
            return "No question has an answer from both \(a) and \(b). Import both answer files against the same question file (`winnow import QUESTIONS --answers A --answers B`)."
        case let .seedMismatch(recorded, given, since):
            return "This comparison has shown pairs in the order of seed \(recorded) since \(since); drop --seed, or pass --seed \(recorded) (given: \(given))."
        case let .badVerdict(path, line, reason):
            return "\(path):\(line): \(reason). Nothing was imported; fix the line."
        case let .unreadable(path, reason):
            return "\(path): cannot be read: \(reason)."
        }
    }
}
