import GRDB

/// The tables of pairwise comparison (``Schema`` registers ``migrateV2(_:)`` as `v2-compare`).
///
/// - `compare_plans`: one row per reviewer and model pair: the seed that fixes which model is
///   on the left for each question and the order the pairs are shown in.
/// - `judgments`: the append-only log of a reviewer's verdicts and notes on pairs. A verdict
///   names the question (source, question id as JSON text, image), the two items, which model
///   was on the left and on the right, the showing (0 the first order, 1 the swapped one),
///   and `left`, `right`, `tie` or `skip`. Undo sets `undone_at` on the reviewer's newest
///   verdict that is still active; rows are never deleted.
public enum CompareSchema {
    public static func migrateV2(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE compare_plans (
                id INTEGER PRIMARY KEY,
                model_a TEXT NOT NULL,
                model_b TEXT NOT NULL,
                pair_key TEXT NOT NULL,
                reviewer TEXT NOT NULL,
                seed INTEGER NOT NULL,
                created_at TEXT NOT NULL,
                UNIQUE (pair_key, reviewer)
            );

            CREATE TABLE judgments (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('verdict', 'note')),
                source TEXT NOT NULL,
                question TEXT NOT NULL,
                image TEXT,
                left_item INTEGER REFERENCES items(id) ON DELETE SET NULL,
                right_item INTEGER REFERENCES items(id) ON DELETE SET NULL,
                left_model TEXT NOT NULL,
                right_model TEXT NOT NULL,
                showing INTEGER NOT NULL CHECK (showing IN (0, 1)),
                verdict TEXT CHECK (verdict IS NULL OR verdict IN ('left', 'right', 'tie', 'skip')),
                reviewer TEXT NOT NULL,
                note TEXT,
                plan INTEGER REFERENCES compare_plans(id),
                created_at TEXT NOT NULL,
                undone_at TEXT,
                uid TEXT NOT NULL UNIQUE,
                CHECK ((kind = 'verdict') = (verdict IS NOT NULL))
            );
            CREATE INDEX judgments_by_reviewer ON judgments(reviewer, id);
            CREATE INDEX judgments_by_models ON judgments(left_model, right_model, id);
            """)
    }

    /// The key of an unordered model pair: the two names sorted, joined by U+001F.
    static func pairKey(_ a: String, _ b: String) -> String {
        a < b ? a + "\u{1F}" + b : b + "\u{1F}" + a
    }
}
