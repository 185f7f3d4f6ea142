import GRDB

/// The tables that several reviewers on one store need, added by the `v2-team` migration.
///
/// - `edit_conflicts`: an edit refused because someone else saved a version after the one
///   the reviewer opened. The reviewer's proposal is kept here until they choose (see
///   ``EditConflicts``), so it is never lost even if the process dies before the choice.
/// - `overlap_items`: the items the work queue gives to a second reviewer (see
///   ``WorkQueue``); recomputed when the overlap share changes.
/// - indexes for "my leases" and for a reviewer's verdicts on an item.
public enum TeamSchema {
    /// Applies the `v2-team` migration.
    public static func migrateV2(_ db: Database) throws {
        try db.execute(sql: v2)
    }

    static let v2 = """
        CREATE TABLE edit_conflicts (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            base_version INTEGER NOT NULL,
            their_version INTEGER NOT NULL,
            conversation TEXT NOT NULL,
            reviewer TEXT NOT NULL,
            created_at TEXT NOT NULL,
            resolution TEXT CHECK (resolution IS NULL OR resolution IN ('mine', 'theirs')),
            resolved_version INTEGER,
            resolved_by TEXT,
            resolved_at TEXT
        );
        CREATE INDEX edit_conflicts_open ON edit_conflicts(item_id) WHERE resolution IS NULL;

        CREATE TABLE overlap_items (
            item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE
        );

        CREATE INDEX leases_by_reviewer ON leases(reviewer, item_id);
        CREATE INDEX events_by_item_reviewer ON events(item_id, reviewer, id);
        """
}
