import Foundation
import GRDB
import WinnowCore

/// Runs the store effects of ``update(_:_:keymap:)`` and turns their results into actions.
///
/// Every call is synchronous and short (keyset pages, single-item reads), so the run loop
/// calls it directly; the terminal-only effects (`openEditor`, `quit`) and the previews
/// (``PreviewService``, off the loop thread) are not handled here.
public final class Engine {
    public let store: Store
    /// The thresholds behind `bad:` and `warn:` filters.
    public let profile: ScoreProfile
    private var lastDataVersion: Int?

    public init(store: Store, profile: ScoreProfile = .builtin) {
        self.store = store
        self.profile = profile
    }

    /// Runs one effect. Errors come back as `.failed` actions with a sentence for the status line.
    public func run(_ effect: Effect) -> [Action] {
        do {
            return try perform(effect)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return [.storeBusy]
        } catch let error as FilterError {
            return [.failed("\(error)")]
        } catch let error as StoreError {
            return [.failed(error.description)]
        } catch {
            return [.failed("\(error)")]
        }
    }

    /// True when another connection committed since the last call.
    public func storeChanged() -> Bool {
        guard let version = try? store.dataVersion() else { return false }
        defer { lastDataVersion = version }
        guard let last = lastDataVersion else { return false }
        return version != last
    }

    private func query(_ spec: QuerySpec) throws -> ItemQuery {
        try ItemQuery(filter: spec.filter, sort: try SortKey(parsing: spec.sort), thresholds: profile.thresholds)
    }

    private func perform(_ effect: Effect) throws -> [Action] {
        switch effect {
        case let .loadWindow(generation, spec, anchor, limit):
            let query = try query(spec)
            return [try store.read { db in try Self.window(db, query: query, spec: spec, anchor: anchor, limit: limit, generation: generation) }]

        case let .loadAfter(generation, spec, after, limit):
            let query = try query(spec)
            let rows = try store.read { db in try query.page(db, after: after.cursor, limit: limit, scoreNames: spec.columns) }
            return [.rowsAppended(generation: generation, rows: rows, atEnd: rows.count < limit)]

        case let .loadBefore(generation, spec, before, limit):
            let query = try query(spec)
            let rows = try store.read { db in try query.page(db, before: before.cursor, limit: limit, scoreNames: spec.columns) }
            return [.rowsPrepended(generation: generation, rows: rows)]

        case let .count(generation, spec):
            let query = try query(spec)
            return [try store.read { db in
                .countLoaded(generation: generation, total: try query.count(db), counts: try Self.statusCounts(db))
            }]

        case let .locate(generation, spec, item):
            let query = try query(spec)
            return try store.read { db in
                guard let row = try query.row(db, id: item) else { return [] }
                return [.located(generation: generation, item: item, position: try query.position(db, of: row))]
            }

        case let .loadDetail(item):
            let detail = try store.read { db in try ItemDetail.load(db, id: item) }
            return [.detailLoaded(detail)]

        case let .decide(items, verdict, reviewer):
            let (outcome, previous) = try store.write { db in
                let previous = try Self.statuses(db, items)
                return (try Decisions.decide(db, items: items, verdict: verdict, reviewer: reviewer), previous)
            }
            return [.decided(outcome, previous: previous, undo: false)]

        case let .advanceToPending(generation, spec, after):
            let query = try query(spec)
            return [try store.read { db in
                guard let next = try query.nextPending(db, after: after.cursor) else {
                    return .info("No pending item after this one.")
                }
                return try Self.window(db, query: query, spec: spec, anchor: .item(next.id), limit: 200, generation: generation)
            }]

        case let .undo(reviewer), let .redo(reviewer):
            let isUndo: Bool
            if case .undo = effect { isUndo = true } else { isUndo = false }
            let result = try store.write { db -> (Decisions.Outcome, [ItemStatus: Int])? in
                let outcome = isUndo ? try Decisions.undo(db, reviewer: reviewer) : try Decisions.redo(db, reviewer: reviewer)
                return try outcome.map { ($0, try Self.statusCounts(db)) }
            }
            guard let (outcome, counts) = result else {
                return [.info(isUndo ? "Nothing to undo." : "Nothing to redo.")]
            }
            // An undone batch may hold items outside the window: recount instead of adjusting.
            return [.decided(outcome, previous: [:], undo: true), .countsRefreshed(counts)]

        case let .note(item, text, reviewer):
            try store.write { db in try Decisions.note(db, item: item, reviewer: reviewer, text: text) }
            return [.info("Note saved.")]

        case let .saveEdit(item, turns, baseVersion, reviewer):
            let result = try store.write { db -> EditConflicts.SaveResult in
                let result = try EditConflicts.save(db, item: item, turns: turns, baseVersion: baseVersion, reviewer: reviewer)
                // The edited item's scores follow its new text (only this item is re-scored).
                if case .saved = result { try Scoring.score(db, items: [item]) }
                return result
            }
            switch result {
            case let .saved(version): return [.editSaved(item: item, version: version)]
            case let .conflict(conflict): return [.editConflict(conflict)]
            }

        case let .resolveConflict(id, keep, reviewer):
            let result = try store.write { db -> EditConflicts.ResolveResult in
                let result = try EditConflicts.resolve(db, id: id, keep: keep, reviewer: reviewer)
                if case .resolved = result, let item = try Int64.fetchOne(db, sql: "SELECT item_id FROM edit_conflicts WHERE id = ?", arguments: [id]) {
                    try Scoring.score(db, items: [item])
                }
                return result
            }
            switch result {
            case let .resolved(version):
                return [.info(keep == .mine ? "Your edit is now version \(version); theirs is kept in the history."
                                            : "Kept their version \(version); your edit stays on record (edit_conflicts).")]
            case let .movedOn(conflict):
                return [.editConflict(conflict), .info("The item changed again meanwhile: compare once more.")]
            }

        case let .search(generation, spec, text, from, backward):
            let searchQuery = try ItemQuery(filter: Self.combine(spec.filter, "text~\(Self.quoted(text))"),
                                            sort: try SortKey(parsing: spec.sort), thresholds: profile.thresholds)
            let query = try query(spec)
            return try store.read { db in
                var found: ItemRow?
                if let from {
                    found = backward
                        ? try searchQuery.page(db, before: from.cursor, limit: 1, scoreNames: []).last
                        : try searchQuery.page(db, after: from.cursor, limit: 1, scoreNames: []).first
                }
                var wrapped = false
                if found == nil {
                    found = backward ? try searchQuery.last(db, limit: 1, scoreNames: []).last
                                     : try searchQuery.page(db, after: nil, limit: 1, scoreNames: []).first
                    wrapped = from != nil
                }
                guard let found else { return [.failed("No match for \(Self.quoted(text)) in this filter.")] }
                let window = try Self.window(db, query: query, spec: spec, anchor: .item(found.id), limit: 200, generation: generation)
                return wrapped ? [window, .info("Search wrapped around.")] : [window]
            }

        case let .saveView(name, spec, reviewer):
            try store.write { db in
                try db.execute(sql: """
                    INSERT INTO views(name, filter, sort, created_by, created_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET filter = excluded.filter, sort = excluded.sort
                    """, arguments: [name, spec.filter, spec.sort, reviewer, Timestamp.now()])
            }
            return [.info("Saved the view '\(name)' (filter and sort); :load \(name) recalls it.")]

        case let .loadView(name):
            guard let row = try store.read({ db in
                try Row.fetchOne(db, sql: "SELECT filter, sort FROM views WHERE name = ?", arguments: [name])
            }) else {
                let names = try store.read { db in try String.fetchAll(db, sql: "SELECT name FROM views ORDER BY name") }
                return [.failed("No saved view '\(name)'. Saved views: \(names.isEmpty ? "none" : names.joined(separator: ", ")).")]
            }
            return [.viewLoaded(filter: row["filter"], sort: row["sort"])]

        case .loadScoreNames:
            let names = try store.read { db in try ScoreQueries.names(db) }
            return [.scoreNamesLoaded(names)]

        case let .loadHistogram(generation, spec, score, bins):
            let filter = try Filter(spec.filter)
            let condition = filter.sql(thresholds: profile.thresholds)
            let histogram = try store.read { db in
                try ScoreQueries.histogram(db, score: score, whereSQL: condition.sql, arguments: condition.statementArguments,
                                           bins: bins)
            }
            return [.histogramLoaded(generation: generation, histogram)]

        case let .bulkDecide(_, spec, verdict, reviewer, expected):
            let query = try query(spec)
            let (outcome, previous) = try store.write { db -> (Decisions.Outcome, [Int64: ItemStatus]) in
                var ids: [Int64] = []
                var cursor: PageCursor?
                while true {
                    let page = try query.page(db, after: cursor, limit: 5000)
                    ids += page.map(\.id)
                    guard page.count == 5000, let last = page.last else { break }
                    cursor = last.cursor
                }
                let previous = try Self.statuses(db, ids)
                return (try Decisions.decide(db, items: ids, verdict: verdict, reviewer: reviewer), previous)
            }
            var actions: [Action] = [.decided(outcome, previous: previous, undo: false)]
            if outcome.items.count != expected {
                actions.append(.info("\(grouped(outcome.items.count)) items \(verdict.rawValue) (the filter matched \(grouped(expected)) when you confirmed; others changed the store meanwhile). u undoes it."))
            }
            return actions

        case .openEditor, .preview, .quit:
            return []
        }
    }

    /// A window of rows around an anchor, with the anchor's row selected.
    static func window(_ db: Database, query: ItemQuery, spec: QuerySpec, anchor: WindowAnchor, limit: Int,
                       generation: Int) throws -> Action {
        let columns = spec.columns
        switch anchor {
        case .start:
            let rows = try query.page(db, after: nil, limit: limit, scoreNames: columns)
            return .windowLoaded(generation: generation, rows: rows, windowStart: 0, atEnd: rows.count < limit, selectedItem: rows.first?.id)
        case .end, .endOf:
            let rows = try query.last(db, limit: limit, scoreNames: columns)
            let total: Int
            if case let .endOf(known) = anchor { total = max(known, rows.count) } else { total = try query.count(db) }
            return .windowLoaded(generation: generation, rows: rows, windowStart: max(0, total - rows.count), atEnd: true, selectedItem: rows.last?.id)
        case let .position(position):
            // Walk from the start in pages: only used for small jumps (resize, refresh without a selection).
            var rows = try query.page(db, after: nil, limit: max(limit, position + limit / 2), scoreNames: columns)
            let start = max(0, position - limit / 2)
            rows = Array(rows.dropFirst(start))
            return .windowLoaded(generation: generation, rows: rows, windowStart: start, atEnd: rows.count < limit,
                                 selectedItem: rows.indices.contains(position - start) ? rows[position - start].id : rows.first?.id)
        case let .item(id), let .itemAt(id, _):
            guard let row = try query.row(db, id: id, scoreNames: columns) else {
                // Not in this filter (any more): start from the beginning.
                let rows = try query.page(db, after: nil, limit: limit, scoreNames: columns)
                return .windowLoaded(generation: generation, rows: rows, windowStart: 0, atEnd: rows.count < limit, selectedItem: rows.first?.id)
            }
            let before = try query.page(db, before: row.cursor, limit: limit / 3, scoreNames: columns)
            let after = try query.page(db, after: row.cursor, limit: limit - limit / 3, scoreNames: columns)
            let position: Int
            if case let .itemAt(_, known) = anchor { position = known } else { position = try query.position(db, of: row) }
            return .windowLoaded(generation: generation, rows: before + [row] + after, windowStart: max(0, position - before.count),
                                 atEnd: after.count < limit - limit / 3, selectedItem: id)
        }
    }

    static func statusCounts(_ db: Database) throws -> [ItemStatus: Int] {
        var counts: [ItemStatus: Int] = [:]
        // Without removed items the status index alone answers (no table rows are read).
        let anyRemoved = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM items WHERE removed_at IS NOT NULL)") ?? true
        let sql = anyRemoved ? "SELECT status, count(*) FROM items WHERE removed_at IS NULL GROUP BY status"
                             : "SELECT status, count(*) FROM items GROUP BY status"
        for row in try Row.fetchAll(db, sql: sql) {
            if let status = ItemStatus(rawValue: row[0]) { counts[status] = row[1] }
        }
        return counts
    }

    static func statuses(_ db: Database, _ items: [Int64]) throws -> [Int64: ItemStatus] {
        var result: [Int64: ItemStatus] = [:]
        for item in items {
            if let text = try String.fetchOne(db, sql: "SELECT status FROM items WHERE id = ?", arguments: [item]),
               let status = ItemStatus(rawValue: text) {
                result[item] = status
            }
        }
        return result
    }

    static func combine(_ filter: String, _ extra: String) -> String {
        filter.trimmingCharacters(in: .whitespaces).isEmpty ? extra : "(\(filter)) and \(extra)"
    }

    /// A string literal in the filter language.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
