import GRDB

/// The store's schema, as named migrations. A released migration is never edited:
/// schema changes are new migrations appended to ``Schema/migrator``.
///
/// The tables serve the whole product:
/// - `imports`: one row per import run (file, size, sha256, format, options, counts, times).
/// - `items`: one row per record (provenance, original id as JSON text, image, caption,
///   model, cached status, edit version).
/// - `items.conversation` (and the `turns` view over it): the conversation as imported,
///   never changed afterwards.
/// - `edits`: versions of an item's conversation written by reviewers; the newest is current.
/// - `events`: the append-only decision log (verdicts, undo, redo, notes, edits). An item's
///   `status` column is a cache of what this log says and can be rebuilt from it.
/// - `scores`: one value per item and score name, with the scorer and its version. Scores
///   whose 0 means "nothing found" keep no row for a 0 without detail; `scored_items` says
///   which of them scored each item (see ``ImplicitZeros``).
/// - `item_fts`: full-text index over instruction, answer and caption (contentless FTS5).
/// - `leases`, `views`, `meta`: work queue leases, saved filters and sorts, store facts.
public enum Schema {
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-store") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v1-indexes") { db in
            for index in secondaryIndexes {
                try db.execute(sql: index.sql)
            }
        }
        migrator.registerMigration("v2-compare") { db in try CompareSchema.migrateV2(db) }
        migrator.registerMigration("v2-team") { db in try TeamSchema.migrateV2(db) }
        migrator.registerMigration("v3-implicit-zeros") { db in
            // Stores scored before this keep their rows of 0: they stay valid. Each item that
            // has rows of these scores gets their bits. (One scan in key order, grouped as it
            // goes: a WHERE on the names would read the value index and sort 13 million rows.)
            try db.execute(sql: """
                CREATE TABLE scored_items (
                    item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
                    scorers INTEGER NOT NULL
                );
                INSERT INTO scored_items(item_id, scorers)
                SELECT item_id, sum(\(ImplicitZeros.bitOfName)) AS bits FROM scores GROUP BY item_id HAVING bits != 0;
                """)
        }
        return migrator
    }

    static let v1 = """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            file TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime REAL NOT NULL,
            sha256 TEXT NOT NULL,
            format TEXT NOT NULL,
            source TEXT NOT NULL,
            image_root TEXT,
            options TEXT NOT NULL DEFAULT '{}',
            records INTEGER NOT NULL DEFAULT 0,
            added INTEGER NOT NULL DEFAULT 0,
            changed INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0,
            skipped INTEGER NOT NULL DEFAULT 0,
            duplicate_ids INTEGER NOT NULL DEFAULT 0,
            reviewer TEXT NOT NULL DEFAULT '',
            started_at TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE INDEX imports_by_file ON imports(file, source);

        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            orig_id TEXT,
            source TEXT NOT NULL,
            source_file TEXT NOT NULL,
            record_index INTEGER NOT NULL,
            prov_key TEXT NOT NULL,
            import_id INTEGER NOT NULL REFERENCES imports(id),
            image TEXT,
            image_root TEXT,
            caption TEXT,
            model TEXT,
            category TEXT,
            extra TEXT,
            conversation TEXT NOT NULL,
            format_flags INTEGER NOT NULL DEFAULT 0,
            content_hash INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'accepted', 'rejected', 'skipped')),
            version INTEGER NOT NULL DEFAULT 0,
            removed_at TEXT
        );

        -- The conversation as imported is items.conversation, a JSON array in LLaVA's shape
        -- ([{"from": ROLE, "value": TEXT}, ...]), never changed by edits. One column instead of
        -- a row per turn makes a 665k-record import several times cheaper; this view gives
        -- the per-turn form to anyone who wants rows.
        CREATE VIEW turns(item_id, idx, role, text) AS
            SELECT i.id, CAST(j.key AS INTEGER), json_extract(j.value, '$.from'), json_extract(j.value, '$.value')
            FROM items i, json_each(i.conversation) j;

        CREATE TABLE edits (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            base_version INTEGER NOT NULL,
            conversation TEXT NOT NULL,
            reviewer TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (item_id, version)
        );

        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('verdict', 'undo', 'redo', 'note', 'edit')),
            verdict TEXT CHECK (verdict IS NULL OR verdict IN ('pending', 'accepted', 'rejected', 'skipped')),
            ref INTEGER REFERENCES events(id),
            batch INTEGER,
            reviewer TEXT NOT NULL,
            note TEXT,
            created_at TEXT NOT NULL,
            uid TEXT NOT NULL UNIQUE
        );
        CREATE INDEX events_by_item ON events(item_id, id);
        CREATE INDEX events_by_reviewer ON events(reviewer, id);
        CREATE INDEX events_by_ref ON events(ref) WHERE ref IS NOT NULL;

        CREATE TABLE scores (
            item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            value REAL NOT NULL,
            scorer TEXT NOT NULL,
            version TEXT NOT NULL,
            detail TEXT,
            PRIMARY KEY (item_id, name)
        ) WITHOUT ROWID;

        CREATE TABLE leases (
            item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
            reviewer TEXT NOT NULL,
            acquired_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );

        CREATE TABLE views (
            name TEXT PRIMARY KEY NOT NULL,
            filter TEXT NOT NULL DEFAULT '',
            sort TEXT NOT NULL DEFAULT '',
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE VIRTUAL TABLE item_fts USING fts5(
            instruction, answer, caption,
            content = '', columnsize = 0, tokenize = 'unicode61 remove_diacritics 2'
        );
        """

    /// Secondary indexes. Bulk imports into an empty store drop and rebuild them
    /// (building an index once over sorted data is far cheaper than maintaining it row by row).
    public static let secondaryIndexes: [(name: String, sql: String)] = [
        ("items_by_provenance", "CREATE UNIQUE INDEX items_by_provenance ON items(source_file, prov_key)"),
        ("items_by_status", "CREATE INDEX items_by_status ON items(status, id)"),
        ("items_by_source", "CREATE INDEX items_by_source ON items(source, id)"),
        ("items_by_model", "CREATE INDEX items_by_model ON items(model, id)"),
        ("items_by_image", "CREATE INDEX items_by_image ON items(image, id)"),
        ("items_by_orig_id", "CREATE INDEX items_by_orig_id ON items(orig_id)"),
        ("items_removed", "CREATE INDEX items_removed ON items(removed_at) WHERE removed_at IS NOT NULL"),
        ("scores_by_value", "CREATE INDEX scores_by_value ON scores(name, value, item_id)"),
    ]
}
