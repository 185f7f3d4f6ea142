import GRDB

/// Scores whose 0 means "nothing found" keep no row for it.
///
/// Ten built-in scores are 0 for most items (`format`, `language`, `truncated`,
/// `caption_leak` and `refusal` for more than 98 % of them). Their zeros without a detail are
/// not written to `scores`; instead `scored_items.scorers` holds, per item, a bit for each of
/// these scorers that gave the item a value. A reader takes an item whose bit is set and that
/// has no row as a 0 from that scorer at its current version; an item without the bit has not
/// been scored by it (imported with `--no-score`, or a run stopped before that phase).
///
/// Rows of these scores exist only for items whose bit is set: every writer sets the bit
/// with the row, external scores cannot use built-in names, and the migration that made the
/// table set the bits of every item that had rows.
public enum ImplicitZeros {
    /// The scorers whose zeros are implicit.
    public static let scorers = BuiltinScorer.allCases.filter { $0.implicitZeroBit != 0 }

    /// The scorer of a score name, when its zeros are implicit.
    public static func scorer(_ name: String) -> BuiltinScorer? {
        guard let scorer = BuiltinScorer(rawValue: name), scorer.implicitZeroBit != 0 else { return nil }
        return scorer
    }

    /// SQL true when the `scored_items` row aliased `si` has the bit of `scorer`.
    static func bitSet(_ scorer: BuiltinScorer) -> String {
        "si.scorers & \(scorer.implicitZeroBit) != 0"
    }

    /// SQL true when the item whose id is `item` (a column) has no row of `scorer`, or none
    /// that passes `value` (a test on `zs.value`). The name is a built-in identifier, so it
    /// is written into the SQL as it is.
    static func noRow(_ scorer: BuiltinScorer, item: String, value: String? = nil) -> String {
        "NOT EXISTS (SELECT 1 FROM scores zs WHERE zs.item_id = \(item) AND zs.name = '\(scorer.rawValue)'\(value.map { " AND \($0)" } ?? ""))"
    }

    /// SQL true when the item whose id is `item` (a column) was scored by `scorer`.
    static func scored(_ scorer: BuiltinScorer, item: String) -> String {
        "EXISTS (SELECT 1 FROM scored_items si WHERE si.item_id = \(item) AND \(bitSet(scorer)))"
    }

    /// SQL true when the item's value of `scorer` is an implicit 0: scored, and no row.
    static func zero(_ scorer: BuiltinScorer, item: String) -> String {
        "(\(scored(scorer, item: item)) AND \(noRow(scorer, item: item)))"
    }

    /// A query of the ids of the items whose value of `scorer` is an implicit 0.
    static func zeroItems(_ scorer: BuiltinScorer) -> String {
        "SELECT si.item_id FROM scored_items si WHERE \(bitSet(scorer)) AND \(noRow(scorer, item: "si.item_id"))"
    }

    /// The scorers whose bits are set in `bits` (an item's `scored_items.scorers`).
    static func scorers(in bits: Int64) -> [BuiltinScorer] {
        scorers.filter { bits & $0.implicitZeroBit != 0 }
    }

    /// The scorers that gave some item a value (implicit zeros included).
    static func present(_ db: Database) throws -> [BuiltinScorer] {
        try scorers.filter { scorer in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM scored_items WHERE scorers & ? != 0)",
                              arguments: [scorer.implicitZeroBit]) ?? false
        }
    }

    /// The bits of `scorers` (those with implicit zeros; the others add nothing).
    static func mask(_ scorers: some Sequence<BuiltinScorer>) -> Int64 {
        scorers.reduce(0) { $0 | $1.implicitZeroBit }
    }

    /// The bits of every item's scores as SQL over a `scores` row's `name` (for the migration).
    static var bitOfName: String {
        "CASE name " + scorers.map { "WHEN '\($0.rawValue)' THEN \($0.implicitZeroBit)" }.joined(separator: " ") + " ELSE 0 END"
    }
}

extension BuiltinScorer {
    /// This scorer's bit in `scored_items.scorers`, or 0 when all its values are rows. The
    /// bits are part of the store format: never renumber them.
    public var implicitZeroBit: Int64 {
        switch self {
        case .captionLeak: return 1 << 0
        case .refusal: return 1 << 1
        case .repetition: return 1 << 2
        case .truncated: return 1 << 3
        case .offInstruction: return 1 << 4
        case .language: return 1 << 5
        case .format: return 1 << 6
        case .dupInstruction: return 1 << 7
        case .dupAnswer: return 1 << 8
        case .imageReuse: return 1 << 9
        case .wordsInstruction, .wordsAnswer, .turns, .tokensEst, .ungrounded, .image: return 0
        }
    }
}

extension Threshold {
    /// True when a value of 0 is at `level` or worse.
    func includesZero(_ level: ScoreLevel) -> Bool {
        level == .good || self.level(0) >= level
    }
}
