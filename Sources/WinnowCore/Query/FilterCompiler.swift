import GRDB

/// Turns a ``FilterExpression`` into SQL. Every value from the filter is a bound argument.
struct FilterCompiler {
    /// Score thresholds by name; nil when there is no profile (then bad is `>= 1` and warn `> 0`).
    var thresholds: [String: Threshold]?
    /// Score conditions as `items.id IN (...)` sets rather than a lookup per item.
    var counting = false

    func compile(_ expression: FilterExpression) -> SQLFragment {
        switch expression {
        case .all: return SQLFragment("1")
        case let .condition(condition): return compile(condition)
        case let .not(inner):
            let body = compile(inner)
            return SQLFragment("NOT (\(body.sql))", body.arguments)
        case let .and(left, right):
            let l = compile(left), r = compile(right)
            return SQLFragment("(\(l.sql)) AND (\(r.sql))", l.arguments + r.arguments)
        case let .or(left, right):
            let l = compile(left), r = compile(right)
            return SQLFragment("(\(l.sql)) OR (\(r.sql))", l.arguments + r.arguments)
        }
    }

    /// Every condition is 0 or 1, never NULL, so `not` is plain negation.
    func compile(_ condition: FilterCondition) -> SQLFragment {
        switch condition {
        case let .status(status):
            return SQLFragment("items.status = ?", [status.rawValue.databaseValue])
        case let .attribute(attribute, pattern):
            let column = "items.\(attribute.rawValue)"
            let isGlob = pattern.contains { $0 == "*" || $0 == "?" || $0 == "[" }
            if attribute == .source {
                return SQLFragment("\(column) \(isGlob ? "GLOB" : "=") ?", [pattern.databaseValue])
            }
            if isGlob {
                return SQLFragment("\(column) IS NOT NULL AND \(column) GLOB ?", [pattern.databaseValue])
            }
            // `IS` is `=` that is false rather than NULL for a NULL column, and uses the index.
            return SQLFragment("\(column) IS ?", [pattern.databaseValue])
        case let .originalId(text):
            let candidates = Self.originalIdForms(text)
            let marks = Array(repeating: "?", count: candidates.count).joined(separator: ", ")
            return SQLFragment("items.orig_id IS NOT NULL AND items.orig_id IN (\(marks))",
                               candidates.map(\.databaseValue))
        case let .item(op, id):
            return SQLFragment("items.id \(op.sql) ?", [id.databaseValue])
        case let .has(presence):
            switch presence {
            case .image: return SQLFragment("items.image IS NOT NULL")
            case .caption: return SQLFragment("items.caption IS NOT NULL AND items.caption != ''")
            case .model: return SQLFragment("items.model IS NOT NULL")
            case .edit: return SQLFragment(ItemSQL.hasEdits)
            case .note:
                return SQLFragment("EXISTS (SELECT 1 FROM events ne WHERE ne.item_id = items.id AND ne.kind = 'note')")
            }
        case let .format(format):
            switch format {
            case .any: return SQLFragment("items.format_flags != 0")
            case .none: return SQLFragment("items.format_flags = 0")
            case let .flag(flag, _): return SQLFragment("(items.format_flags & ?) != 0", [flag.rawValue.databaseValue])
            }
        case let .search(part, phrase):
            return SQLFragment("items.id IN (SELECT rowid FROM item_fts WHERE item_fts MATCH ?)",
                               [Self.ftsQuery(part, phrase).databaseValue])
        case let .words(part, op, value):
            return SQLFragment("\(ItemSQL.words(part)) \(op.sql) ?", [value.databaseValue])
        case let .turns(op, value):
            return SQLFragment("\(ItemSQL.turnCount) \(op.sql) ?", [value.databaseValue])
        case let .score(name, op, value):
            if let scorer = ImplicitZeros.scorer(name), op.holds(0, value) {
                // True at 0: the items scored 0, which have no row, match too. Counts take
                // both as sets (most items match: testing each item would read every item).
                if counting {
                    return SQLFragment("""
                        (items.id IN (SELECT sc.item_id FROM scores sc WHERE sc.name = ? AND sc.value \(op.sql) ?) \
                        OR items.id IN (\(ImplicitZeros.zeroItems(scorer))))
                        """, [name.databaseValue, value.databaseValue])
                }
                return SQLFragment("""
                    (EXISTS (SELECT 1 FROM scores sc WHERE sc.item_id = items.id AND sc.name = ? AND sc.value \(op.sql) ?) \
                    OR \(ImplicitZeros.zero(scorer, item: "items.id")))
                    """, [name.databaseValue, value.databaseValue])
            }
            if counting {
                return SQLFragment("""
                    items.id IN (SELECT sc.item_id FROM scores sc WHERE sc.name = ? AND sc.value \(op.sql) ?)
                    """, [name.databaseValue, value.databaseValue])
            }
            return SQLFragment("""
                EXISTS (SELECT 1 FROM scores sc WHERE sc.item_id = items.id AND sc.name = ? AND sc.value \(op.sql) ?)
                """, [name.databaseValue, value.databaseValue])
        case let .bad(name):
            return level(name, bad: true)
        case let .warn(name):
            return level(name, bad: false)
        case let .reviewer(name):
            return SQLFragment("""
                EXISTS (SELECT 1 FROM events re WHERE re.item_id = items.id AND re.kind = 'verdict' AND re.reviewer = ?)
                """, [name.databaseValue])
        case .disagree:
            // Each reviewer's newest active verdict; items where two of those differ
            // (accepted against rejected: skipping or resetting is not an opinion).
            return SQLFragment("""
                items.id IN (SELECT d.item_id FROM events d \
                WHERE d.kind = 'verdict' AND d.verdict IN ('accepted', 'rejected') AND \(Decisions.activeCondition("d")) \
                AND NOT EXISTS (SELECT 1 FROM events l WHERE l.item_id = d.item_id AND l.reviewer = d.reviewer \
                AND l.kind = 'verdict' AND l.id > d.id AND \(Decisions.activeCondition("l"))) \
                GROUP BY d.item_id HAVING count(DISTINCT d.verdict) > 1)
                """)
        case let .lease(name):
            // A set (a reviewer holds a few leases), so a page looks up those items instead of
            // testing every item. Timestamps are ISO 8601 UTC text with milliseconds, as strftime writes them.
            return SQLFragment("""
                items.id IN (SELECT ls.item_id FROM leases ls WHERE ls.reviewer = ? \
                AND ls.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
                """, [name.databaseValue])
        case let .removed(mode):
            switch mode {
            case .yes: return SQLFragment("items.removed_at IS NOT NULL")
            case .no: return SQLFragment("items.removed_at IS NULL")
            case .any: return SQLFragment("1")
            }
        }
    }

    /// `bad:`/`warn:` for one score name, or for any score (nil).
    private func level(_ name: String?, bad: Bool) -> SQLFragment {
        let level: ScoreLevel = bad ? .bad : .warn
        let test: SQLFragment
        // Scores whose 0 is at this level (a profile may say so) also match their implicit zeros.
        var zeros: [String] = []
        if let thresholds {
            zeros = (name.map { [$0] } ?? thresholds.keys.sorted()).compactMap { score in
                guard let scorer = ImplicitZeros.scorer(score), thresholds[score]?.includesZero(level) == true else { return nil }
                return counting ? "items.id IN (\(ImplicitZeros.zeroItems(scorer)))" : ImplicitZeros.zero(scorer, item: "items.id")
            }
        }
        func orZeros(_ fragment: SQLFragment) -> SQLFragment {
            guard !zeros.isEmpty else { return fragment }
            return SQLFragment("(\(fragment.sql) OR \(zeros.joined(separator: " OR ")))", fragment.arguments)
        }
        if let thresholds {
            if let name {
                let branch = levelTest(thresholds[name], level)
                test = SQLFragment("sc.name = ? AND (\(branch.sql))", [name.databaseValue] + branch.arguments)
            } else {
                let branches = thresholds.keys.sorted().compactMap { name -> SQLFragment? in
                    let branch = levelTest(thresholds[name], level)
                    guard branch.sql != "0" else { return nil }
                    return SQLFragment("(sc.name = ? AND \(branch.sql))", [name.databaseValue] + branch.arguments)
                }
                guard !branches.isEmpty else { return SQLFragment("0") }
                test = SQLFragment(branches.map(\.sql).joined(separator: " OR "), branches.flatMap(\.arguments))
            }
        } else {
            // No profile: bad at 1 and above, a warning above 0.
            let value = bad ? "sc.value >= 1" : "sc.value > 0"
            test = name.map { SQLFragment("sc.name = ? AND \(value)", [$0.databaseValue]) } ?? SQLFragment(value)
        }
        if counting, name != nil {
            return orZeros(SQLFragment("items.id IN (SELECT sc.item_id FROM scores sc WHERE \(test.sql))", test.arguments))
        }
        return orZeros(SQLFragment("EXISTS (SELECT 1 FROM scores sc WHERE sc.item_id = items.id AND (\(test.sql)))", test.arguments))
    }

    /// The test on `sc.value` for a level, or `0` when the score has no such threshold
    /// (a warning is the warn threshold, or the bad one when there is no warn: see ``Threshold``).
    private func levelTest(_ threshold: Threshold?, _ level: ScoreLevel) -> SQLFragment {
        guard let condition = threshold?.condition(level, column: "sc.value") else { return SQLFragment("0") }
        return SQLFragment(condition.sql, condition.value.map { [$0.databaseValue] } ?? [])
    }

    /// The `orig_id` texts that `id:TEXT` matches: the JSON string, the text as written
    /// (a number id is stored as its lexeme) and, for a whole number, its plain form
    /// (`000042` finds the number id `42`).
    static func originalIdForms(_ text: String) -> [String] {
        var forms = [JSONValue.string(text).jsonText, text]
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            var trimmed = String(digits.drop(while: { $0 == "0" }))
            if trimmed.isEmpty { trimmed = "0" }
            if text.hasPrefix("-") && trimmed != "0" { trimmed = "-" + trimmed }
            forms.append(trimmed)
        }
        var seen = Set<String>()
        return forms.filter { seen.insert($0).inserted }
    }

    /// The FTS5 query for a phrase: the text in double quotes (quotes doubled), so no
    /// character of it is FTS syntax. A trailing `*` asks for a prefix match. A part
    /// restricts the match to one column (the names come from a fixed list).
    static func ftsQuery(_ part: FilterCondition.TextPart?, _ phrase: String) -> String {
        var text = phrase
        var prefix = false
        if text.hasSuffix("*"), text.dropLast().contains(where: { $0.isLetter || $0.isNumber }) {
            text.removeLast()
            prefix = true
        }
        let quoted = "\"" + text.replacingAll("\"", with: "\"\"") + "\"" + (prefix ? " *" : "")
        guard let part else { return quoted }
        return "\(part.rawValue) : \(quoted)"
    }
}
