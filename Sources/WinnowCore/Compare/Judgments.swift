import Foundation
import GRDB

/// A reviewer's verdict on one showing of a pair.
public enum PairVerdict: String, Sendable, CaseIterable {
    /// The left answer is better.
    case left
    /// The right answer is better.
    case right
    /// Neither is significantly better.
    case tie
    /// Passed over for now; never counted.
    case skip
}

/// A judged orientation of a question: the question and the model that was on the left.
/// A reviewer has at most one active verdict per key (the newest).
public struct ShowingKey: Hashable, Sendable {
    public var question: QuestionKey
    public var leftModel: String

    public init(question: QuestionKey, leftModel: String) {
        self.question = question
        self.leftModel = leftModel
    }
}

/// Everything a judgment row records about what was on screen.
public struct JudgedShowing: Equatable, Sendable {
    public var key: QuestionKey
    public var leftItem: Int64?
    public var rightItem: Int64?
    public var leftModel: String
    public var rightModel: String
    /// 0 for the first order, 1 for the swapped one.
    public var order: Int
    public var plan: Int64?

    public init(key: QuestionKey, leftItem: Int64?, rightItem: Int64?, leftModel: String, rightModel: String,
                order: Int, plan: Int64?) {
        self.key = key
        self.leftItem = leftItem
        self.rightItem = rightItem
        self.leftModel = leftModel
        self.rightModel = rightModel
        self.order = order
        self.plan = plan
    }

    /// A showing of a pair of a ``PairSet``.
    public init(_ showing: Showing, in set: PairSet, plan: Int64?) {
        let pair = set.pairs[showing.pair]
        self.init(key: pair.key, leftItem: showing.leftIsA ? pair.itemA : pair.itemB,
                  rightItem: showing.leftIsA ? pair.itemB : pair.itemA,
                  leftModel: showing.leftIsA ? set.modelA : set.modelB,
                  rightModel: showing.leftIsA ? set.modelB : set.modelA, order: showing.order, plan: plan)
    }

    public var showingKey: ShowingKey { ShowingKey(question: key, leftModel: leftModel) }
}

/// A verdict undone, and what the showing's verdict is now.
public struct UndoneVerdict: Equatable, Sendable {
    public var key: ShowingKey
    public var undone: PairVerdict
    /// The reviewer's earlier verdict on the same showing that is active again, if any.
    public var restored: PairVerdict?

    public init(key: ShowingKey, undone: PairVerdict, restored: PairVerdict?) {
        self.key = key
        self.undone = undone
        self.restored = restored
    }
}

/// One active, counted verdict (not a skip), for reports.
public struct ScoredVerdict: Equatable, Sendable {
    public var reviewer: String
    public var key: QuestionKey
    public var leftModel: String
    public var rightModel: String
    public var verdict: PairVerdict
    public var category: String?
    public var instruction: String?

    public init(reviewer: String, key: QuestionKey, leftModel: String, rightModel: String, verdict: PairVerdict,
                category: String? = nil, instruction: String? = nil) {
        self.reviewer = reviewer
        self.key = key
        self.leftModel = leftModel
        self.rightModel = rightModel
        self.verdict = verdict
        self.category = category
        self.instruction = instruction
    }

    /// The model preferred, or a tie.
    public var preferred: Preference {
        switch verdict {
        case .left: return .model(leftModel)
        case .right: return .model(rightModel)
        case .tie, .skip: return .tie
        }
    }
}

/// The judgment log (`judgments`): verdicts and notes on pairs, per reviewer.
///
/// A verdict is active until undone; a reviewer's newest active verdict on a showing (question
/// and left model) is the one that counts. Undo is per reviewer and model pair, unlimited, and
/// survives a restart: it marks the reviewer's newest active verdict `undone_at`.
public enum Judgments {
    /// Records a verdict.
    ///
    /// - Returns: the new row's id.
    @discardableResult
    public static func record(_ db: Database, _ showing: JudgedShowing, verdict: PairVerdict, reviewer: String) throws -> Int64 {
        try insert(db, showing, kind: "verdict", verdict: verdict, note: nil, reviewer: reviewer)
    }

    /// Attaches a note to a showing.
    public static func note(_ db: Database, _ showing: JudgedShowing, text: String, reviewer: String) throws {
        try insert(db, showing, kind: "note", verdict: nil, note: text, reviewer: reviewer)
    }

    /// Undoes the reviewer's newest active verdict between the two models.
    ///
    /// - Returns: what was undone, or nil when nothing is left to undo.
    public static func undo(_ db: Database, reviewer: String, modelA: String, modelB: String) throws -> UndoneVerdict? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT id, source, question, image, left_model, right_model, verdict FROM judgments
            WHERE reviewer = ? AND kind = 'verdict' AND undone_at IS NULL
              AND ((left_model = ? AND right_model = ?) OR (left_model = ? AND right_model = ?))
            ORDER BY id DESC LIMIT 1
            """, arguments: [reviewer, modelA, modelB, modelB, modelA]) else { return nil }
        let id: Int64 = row["id"]
        try db.execute(sql: "UPDATE judgments SET undone_at = ? WHERE id = ?", arguments: [Timestamp.now(), id])
        let key = ShowingKey(question: QuestionKey(source: row["source"], question: row["question"], image: row["image"]),
                             leftModel: row["left_model"])
        let restored = try String.fetchOne(db, sql: """
            SELECT verdict FROM judgments
            WHERE reviewer = ? AND kind = 'verdict' AND undone_at IS NULL AND source = ? AND question = ? AND image IS ?
              AND left_model = ? AND right_model = ?
            ORDER BY id DESC LIMIT 1
            """, arguments: [reviewer, key.question.source, key.question.question, key.question.image,
                             key.leftModel, row["right_model"] as String])
        return UndoneVerdict(key: key, undone: PairVerdict(rawValue: row["verdict"]) ?? .skip,
                             restored: restored.flatMap(PairVerdict.init(rawValue:)))
    }

    /// The reviewer's active verdict on each showing between the two models (skips included).
    public static func active(_ db: Database, reviewer: String, modelA: String, modelB: String) throws -> [ShowingKey: PairVerdict] {
        var result: [ShowingKey: PairVerdict] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT source, question, image, left_model, verdict FROM judgments
            WHERE id IN (
                SELECT max(id) FROM judgments
                WHERE reviewer = ? AND kind = 'verdict' AND undone_at IS NULL
                  AND ((left_model = ? AND right_model = ?) OR (left_model = ? AND right_model = ?))
                GROUP BY source, question, image, left_model)
            """, arguments: [reviewer, modelA, modelB, modelB, modelA])
        while let row = try rows.next() {
            let key = ShowingKey(question: QuestionKey(source: row["source"], question: row["question"], image: row["image"]),
                                 leftModel: row["left_model"])
            if let verdict = PairVerdict(rawValue: row["verdict"]) { result[key] = verdict }
        }
        return result
    }

    /// How many notes the reviewer wrote on each showing between the two models.
    public static func noteCounts(_ db: Database, reviewer: String, modelA: String, modelB: String) throws -> [ShowingKey: Int] {
        var result: [ShowingKey: Int] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT source, question, image, left_model, count(*) AS n FROM judgments
            WHERE reviewer = ? AND kind = 'note'
              AND ((left_model = ? AND right_model = ?) OR (left_model = ? AND right_model = ?))
            GROUP BY source, question, image, left_model
            """, arguments: [reviewer, modelA, modelB, modelB, modelA])
        while let row = try rows.next() {
            let key = ShowingKey(question: QuestionKey(source: row["source"], question: row["question"], image: row["image"]),
                                 leftModel: row["left_model"])
            result[key] = row["n"]
        }
        return result
    }

    /// Every reviewer's active verdicts that count (left, right, tie), with each question's
    /// category and instruction; only between `models` when given (either orientation).
    public static func scored(_ db: Database, models: (String, String)? = nil) throws -> [ScoredVerdict] {
        var filter = ""
        var arguments: StatementArguments = []
        if let models {
            filter = "AND ((left_model = ? AND right_model = ?) OR (left_model = ? AND right_model = ?))"
            arguments = [models.0, models.1, models.1, models.0]
        }
        var result: [ScoredVerdict] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT j.reviewer, j.source, j.question, j.image, j.left_model, j.right_model, j.verdict,
                   i.category, json_extract(i.conversation, '$[0].value') AS instruction
            FROM judgments j LEFT JOIN items i ON i.id = COALESCE(j.left_item, j.right_item)
            WHERE j.id IN (
                SELECT max(id) FROM judgments
                WHERE kind = 'verdict' AND undone_at IS NULL \(filter)
                GROUP BY reviewer, source, question, image, left_model, right_model)
              AND j.verdict <> 'skip'
            ORDER BY j.id
            """, arguments: arguments)
        while let row = try rows.next() {
            guard let verdict = PairVerdict(rawValue: row["verdict"]) else { continue }
            result.append(ScoredVerdict(
                reviewer: row["reviewer"], key: QuestionKey(source: row["source"], question: row["question"], image: row["image"]),
                leftModel: row["left_model"], rightModel: row["right_model"], verdict: verdict,
                category: row["category"], instruction: row["instruction"]))
        }
        return result
    }

    private static func insert(_ db: Database, _ showing: JudgedShowing, kind: String, verdict: PairVerdict?, note: String?,
                               reviewer: String) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO judgments(kind, source, question, image, left_item, right_item, left_model, right_model, showing,
                                  verdict, reviewer, note, plan, created_at, uid)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [kind, showing.key.source, showing.key.question, showing.key.image, showing.leftItem,
                             showing.rightItem, showing.leftModel, showing.rightModel, showing.order, verdict?.rawValue,
                             reviewer, note, showing.plan, Timestamp.now(), UUID().uuidString.lowercased()])
        return db.lastInsertedRowID
    }
}
