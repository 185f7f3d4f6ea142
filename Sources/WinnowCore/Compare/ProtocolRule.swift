/// Which of two models a question's outcome favours.
public enum PairOutcome: String, Sendable, CaseIterable {
    /// Model A's answer is better.
    case a
    /// Model B's answer is better.
    case b
    /// Neither is significantly better (or the two orders disagreed).
    case tie
}

/// What one verdict says: which model's answer is better, or neither.
public enum Preference: Hashable, Sendable {
    case model(String)
    case tie
}

/// One reviewer's (or a judge's) outcome for one question after the protocol rule.
public struct QuestionOutcome: Equatable, Sendable {
    public var reviewer: String
    public var key: QuestionKey
    public var outcome: PairOutcome
    /// How many orders the outcome combines (1 or 2).
    public var orders: Int
    public var category: String?
    public var instruction: String?

    public init(reviewer: String, key: QuestionKey, outcome: PairOutcome, orders: Int,
                category: String? = nil, instruction: String? = nil) {
        self.reviewer = reviewer
        self.key = key
        self.outcome = outcome
        self.orders = orders
        self.category = category
        self.instruction = instruction
    }
}

/// MM-Instruct's scoring rule for pairwise verdicts.
///
/// A judge (a person here) sees answer A and answer B and says A is better, B is better, or
/// neither is significantly better. Each pair may be judged in both orders. The rule, per
/// judge and question:
/// - judged in one order only: that verdict counts as it is;
/// - judged in both orders: when the two verdicts agree — the same model preferred both
///   times, or a tie both times — that is the outcome; when they disagree (each order prefers
///   a different model, or one prefers a model and the other is a tie) the outcome is a tie.
public enum ProtocolRule {
    /// Combines a question's verdicts, one per order.
    ///
    /// - Returns: the outcome, or nil when there is no verdict.
    public static func combine(_ preferences: [Preference]) -> Preference? {
        guard let first = preferences.first else { return nil }
        return preferences.allSatisfy { $0 == first } ? first : .tie
    }

    /// One outcome per reviewer and question from the verdicts between `modelA` and `modelB`
    /// (verdicts on other pairs are ignored), in order of each question's first verdict.
    public static func outcomes(_ verdicts: [ScoredVerdict], modelA: String, modelB: String) -> [QuestionOutcome] {
        struct Group {
            var first: ScoredVerdict
            var preferences: [Preference] = []
        }
        var groups: [String: Group] = [:]
        var order: [String] = []
        for verdict in verdicts {
            guard Set([verdict.leftModel, verdict.rightModel]) == Set([modelA, modelB]) else { continue }
            let id = verdict.reviewer + "\u{1E}" + verdict.key.text
            if groups[id] == nil {
                groups[id] = Group(first: verdict)
                order.append(id)
            }
            groups[id]?.preferences.append(verdict.preferred)
        }
        return order.compactMap { id in
            guard let group = groups[id], let combined = combine(group.preferences) else { return nil }
            let outcome: PairOutcome = combined == .model(modelA) ? .a : combined == .model(modelB) ? .b : .tie
            return QuestionOutcome(reviewer: group.first.reviewer, key: group.first.key, outcome: outcome,
                                   orders: group.preferences.count, category: group.first.category,
                                   instruction: group.first.instruction)
        }
    }
}
