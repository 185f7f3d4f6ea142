import GRDB

/// How a report splits a model pair's outcomes.
public enum CompareGrouping: String, CaseIterable, Sendable {
    /// By category when the pair's questions have more than one, else by instruction.
    case auto
    case category
    /// By instruction text (MM-Instruct's evaluation set asks each instruction of several images).
    case instruction
    case none
}

/// Wins, ties and losses of one slice of outcomes, with bootstrap intervals of the shares.
public struct Tally: Equatable, Sendable {
    /// Outcomes counted: one per reviewer and question, after the protocol rule.
    public var judgments = 0
    public var winsA = 0
    public var winsB = 0
    public var ties = 0
    /// Distinct questions among them.
    public var questions = 0
    /// Outcomes that combine both orders.
    public var bothOrders = 0
    public var intervalA: ShareInterval?
    public var intervalB: ShareInterval?
    public var intervalTie: ShareInterval?

    public init() {}

    public var shareA: Double { judgments == 0 ? 0 : Double(winsA) / Double(judgments) }
    public var shareB: Double { judgments == 0 ? 0 : Double(winsB) / Double(judgments) }
    public var shareTie: Double { judgments == 0 ? 0 : Double(ties) / Double(judgments) }

    /// Counts the outcomes and bootstraps the intervals over their questions.
    public init(_ outcomes: [QuestionOutcome], bootstrap: Bootstrap) {
        var clusters: [QuestionKey: Bootstrap.Cluster] = [:]
        var order: [QuestionKey] = []
        for outcome in outcomes {
            judgments += 1
            if outcome.orders > 1 { bothOrders += 1 }
            if clusters[outcome.key] == nil { order.append(outcome.key) }
            var cluster = clusters[outcome.key] ?? Bootstrap.Cluster()
            switch outcome.outcome {
            case .a:
                winsA += 1
                cluster.a += 1
            case .b:
                winsB += 1
                cluster.b += 1
            case .tie:
                ties += 1
                cluster.tie += 1
            }
            clusters[outcome.key] = cluster
        }
        questions = order.count
        if let intervals = bootstrap.intervals(order.compactMap { clusters[$0] }) {
            intervalA = intervals.a
            intervalB = intervals.b
            intervalTie = intervals.tie
        }
    }
}

/// One group's tally (a category or an instruction).
public struct GroupTally: Equatable, Sendable {
    public var key: String
    public var tally: Tally
}

/// One reviewer's tally, overall and by group.
public struct ReviewerTally: Equatable, Sendable {
    public var reviewer: String
    public var tally: Tally
    public var groups: [GroupTally]
}

/// The report for one model pair.
public struct PairReport: Equatable, Sendable {
    public var modelA: String
    public var modelB: String
    /// The grouping used (never `.auto`).
    public var grouping: CompareGrouping
    /// Every reviewer's outcomes together.
    public var pooled: Tally
    public var groups: [GroupTally]
    public var reviewers: [ReviewerTally]
    /// Questions one of the models did not answer (left out of every comparison).
    public var missing: [MissingAnswer] = []

    /// Builds the report from outcomes (see ``ProtocolRule/outcomes(_:modelA:modelB:)``).
    public init(outcomes: [QuestionOutcome], modelA: String, modelB: String, grouping: CompareGrouping,
                bootstrap: Bootstrap) {
        self.modelA = modelA
        self.modelB = modelB
        var resolved = grouping
        if grouping == .auto {
            resolved = Set(outcomes.map { $0.category ?? "" }).count > 1 ? .category : .instruction
        }
        self.grouping = resolved
        pooled = Tally(outcomes, bootstrap: bootstrap)
        groups = Self.groups(outcomes, by: resolved, bootstrap: bootstrap)
        var reviewerOrder: [String] = []
        for outcome in outcomes where !reviewerOrder.contains(outcome.reviewer) { reviewerOrder.append(outcome.reviewer) }
        reviewers = reviewerOrder.sorted().map { name in
            let mine = outcomes.filter { $0.reviewer == name }
            return ReviewerTally(reviewer: name, tally: Tally(mine, bootstrap: bootstrap),
                                 groups: Self.groups(mine, by: resolved, bootstrap: bootstrap))
        }
    }

    /// The group an outcome belongs to.
    static func groupKey(_ outcome: QuestionOutcome, by grouping: CompareGrouping) -> String? {
        switch grouping {
        case .category: return outcome.category ?? "(no category)"
        case .instruction: return outcome.instruction ?? "(no instruction)"
        case .auto, .none: return nil
        }
    }

    static func groups(_ outcomes: [QuestionOutcome], by grouping: CompareGrouping, bootstrap: Bootstrap) -> [GroupTally] {
        var order: [String] = []
        var members: [String: [QuestionOutcome]] = [:]
        for outcome in outcomes {
            guard let key = groupKey(outcome, by: grouping) else { return [] }
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(outcome)
        }
        return order.map { GroupTally(key: $0, tally: Tally(members[$0] ?? [], bootstrap: bootstrap)) }
    }
}

/// `winnow compare --report`: every model pair people judged.
public struct CompareReport: Equatable, Sendable {
    public var pairs: [PairReport]
    public var bootstrap: Bootstrap

    /// Reads the store's active verdicts and reports each model pair (only `models` when given,
    /// oriented as given; otherwise as the pair's first comparison was started, `--a` first).
    public static func make(_ db: Database, models: (String, String)? = nil, grouping: CompareGrouping = .auto,
                            bootstrap: Bootstrap = Bootstrap()) throws -> CompareReport {
        let verdicts = try Judgments.scored(db, models: models)
        var pairs: [(String, String)] = []
        if let models {
            pairs = [models]
        } else {
            var seen = Set<String>()
            for verdict in verdicts where seen.insert(CompareSchema.pairKey(verdict.leftModel, verdict.rightModel)).inserted {
                let sorted = verdict.leftModel < verdict.rightModel ? (verdict.leftModel, verdict.rightModel)
                                                                    : (verdict.rightModel, verdict.leftModel)
                pairs.append(try ComparePlan.orientation(db, a: sorted.0, b: sorted.1) ?? sorted)
            }
        }
        var reports: [PairReport] = []
        for (a, b) in pairs {
            let outcomes = ProtocolRule.outcomes(verdicts, modelA: a, modelB: b)
            var report = PairReport(outcomes: outcomes, modelA: a, modelB: b, grouping: grouping, bootstrap: bootstrap)
            let available = try ComparePairs.models(db)
            if available.contains(a), available.contains(b), a != b {
                report.missing = try ComparePairs.build(db, a: a, b: b).missing
            }
            reports.append(report)
        }
        return CompareReport(pairs: reports, bootstrap: bootstrap)
    }
}
