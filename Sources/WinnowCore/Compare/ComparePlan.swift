import GRDB

/// A reviewer's comparison of two models: the recorded seed behind its blind order.
///
/// One plan per reviewer and unordered model pair: `--a X --b Y` and `--a Y --b X` reopen the
/// same plan, with the same screens.
public struct ComparePlan: Equatable, Sendable {
    public var id: Int64
    /// The models as given when the plan was made (the report's A and B by default).
    public var modelA: String
    public var modelB: String
    public var reviewer: String
    public var seed: UInt64
    public var createdAt: String

    /// The reviewer's plan for the two models, if any.
    public static func find(_ db: Database, a: String, b: String, reviewer: String) throws -> ComparePlan? {
        try Row.fetchOne(db, sql: """
            SELECT * FROM compare_plans WHERE pair_key = ? AND reviewer = ?
            """, arguments: [CompareSchema.pairKey(a, b), reviewer]).map(Self.init(row:))
    }

    /// The reviewer's plan for the two models, made now (with `seed`, or a random one) when
    /// there is none yet.
    ///
    /// - Throws: ``CompareError/seedMismatch(recorded:given:since:)`` when `seed` differs from
    ///   the recorded one.
    public static func open(_ db: Database, a: String, b: String, reviewer: String, seed: UInt64?) throws -> ComparePlan {
        if let plan = try find(db, a: a, b: b, reviewer: reviewer) {
            if let seed, seed != plan.seed {
                throw CompareError.seedMismatch(recorded: plan.seed, given: seed, since: plan.createdAt)
            }
            return plan
        }
        let chosen = seed ?? UInt64.random(in: 1...0xFFFF_FFFF)
        let now = Timestamp.now()
        try db.execute(sql: """
            INSERT INTO compare_plans(model_a, model_b, pair_key, reviewer, seed, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [a, b, CompareSchema.pairKey(a, b), reviewer, Int64(bitPattern: chosen), now])
        return ComparePlan(id: db.lastInsertedRowID, modelA: a, modelB: b, reviewer: reviewer, seed: chosen, createdAt: now)
    }

    /// The orientation of the oldest plan for the two models (any reviewer), or nil.
    static func orientation(_ db: Database, a: String, b: String) throws -> (String, String)? {
        try Row.fetchOne(db, sql: """
            SELECT model_a, model_b FROM compare_plans WHERE pair_key = ? ORDER BY id LIMIT 1
            """, arguments: [CompareSchema.pairKey(a, b)]).map { ($0["model_a"], $0["model_b"]) }
    }

    init(row: Row) {
        id = row["id"]
        modelA = row["model_a"]
        modelB = row["model_b"]
        reviewer = row["reviewer"]
        seed = UInt64(bitPattern: row["seed"] as Int64)
        createdAt = row["created_at"]
    }

    public init(id: Int64, modelA: String, modelB: String, reviewer: String, seed: UInt64, createdAt: String) {
        self.id = id
        self.modelA = modelA
        self.modelB = modelB
        self.reviewer = reviewer
        self.seed = seed
        self.createdAt = createdAt
    }
}
