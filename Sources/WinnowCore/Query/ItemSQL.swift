/// SQL expressions over the `items` row in scope (the alias `items`), shared by filters,
/// sorts and pages. Each one reads the *current* conversation: the newest edit when the
/// item has edits, else the turns as imported (the `turns` table, or the view over
/// `items.conversation` that replaces it: the SQL reads either).
enum ItemSQL {
    /// Roles on the instruction side (see ``Turn/isHuman``).
    static let humanRoles = "('human', 'user')"

    /// True when the item has at least one edit.
    static let hasEdits = "EXISTS (SELECT 1 FROM edits he WHERE he.item_id = items.id)"

    /// The newest edit's row, for a `FROM edits e, json_each(e.conversation) j` join.
    static let newestEdit = "e.item_id = items.id AND e.version = (SELECT max(me.version) FROM edits me WHERE me.item_id = items.id)"

    /// The number of words in a text expression (0 for NULL), through the `winnow_words`
    /// function (see ``ItemQuery/registerFunctions(_:)``).
    static func wordCount(_ text: String) -> String {
        "\(ItemQuery.wordsFunctionName)(\(text))"
    }

    /// The word count of the instruction side, the answer side or the caption.
    static func words(_ part: FilterCondition.TextPart) -> String {
        switch part {
        case .caption:
            return wordCount("items.caption")
        case .instruction, .answer:
            let side = part == .instruction ? "IN" : "NOT IN"
            // `<image>` is a placeholder, not a word.
            func clean(_ text: String) -> String {
                part == .instruction ? "replace(\(text), '<image>', ' ')" : text
            }
            let editText = "json_extract(j.value, '$.value')"
            let edited = """
                (SELECT COALESCE(sum(\(wordCount(clean(editText)))), 0) FROM edits e, json_each(e.conversation) j \
                WHERE \(newestEdit) AND COALESCE(json_extract(j.value, '$.from'), '') \(side) \(humanRoles))
                """
            let original = """
                (SELECT COALESCE(sum(\(wordCount(clean("t.text")))), 0) FROM turns t \
                WHERE t.item_id = items.id AND t.role \(side) \(humanRoles))
                """
            return "(CASE WHEN \(hasEdits) THEN \(edited) ELSE \(original) END)"
        }
    }

    /// The number of turns (messages, both sides) in the current conversation.
    static let turnCount = """
        (CASE WHEN \(hasEdits) \
        THEN (SELECT json_array_length(e.conversation) FROM edits e WHERE e.item_id = items.id ORDER BY e.version DESC LIMIT 1) \
        ELSE (SELECT count(*) FROM turns t WHERE t.item_id = items.id) END)
        """

    /// How many characters of the instruction a row carries.
    static let snippetLength = 200

    /// The first instruction-side turn of the current conversation, without `<image>`
    /// tokens and surrounding white space, cut to ``snippetLength`` characters ('' when
    /// there is none).
    static let instructionSnippet: String = {
        let edited = """
            (SELECT json_extract(j.value, '$.value') FROM edits e, json_each(e.conversation) j \
            WHERE \(newestEdit) AND json_extract(j.value, '$.from') IN \(humanRoles) ORDER BY j.key LIMIT 1)
            """
        let original = """
            (SELECT t.text FROM turns t WHERE t.item_id = items.id AND t.role IN \(humanRoles) ORDER BY t.idx LIMIT 1)
            """
        let first = "COALESCE(CASE WHEN \(hasEdits) THEN \(edited) ELSE \(original) END, '')"
        // Cut before cleaning so a long turn is not copied whole; keep room for what cleaning removes.
        let whiteSpace = "' ' || char(9) || char(10) || char(13)"
        return "substr(trim(replace(substr(\(first), 1, \(snippetLength + 64)), '<image>', ''), \(whiteSpace)), 1, \(snippetLength))"
    }()

    /// Excludes removed items; cheap per row (pages read the row anyway).
    static let live = "items.removed_at IS NULL"

    /// Excludes removed items by id, without reading the item's row (for counts that an
    /// index answers). The subquery runs once per statement.
    static func notRemoved(_ id: String) -> String {
        "\(id) NOT IN (SELECT r.id FROM items r WHERE r.removed_at IS NOT NULL)"
    }
}
