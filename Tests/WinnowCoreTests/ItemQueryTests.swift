import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// Writes items straight into a store (one import row, the conversation, full-text entries,
/// scores). The conversation goes where the schema keeps it: `items.conversation` (JSON) or
/// the older `turns` table.
struct QueryFixture {
    let db: Database
    let conversationColumn: Bool

    init(_ db: Database) throws {
        self.db = db
        conversationColumn = try Self.hasConversationColumn(db)
        try db.execute(sql: """
            INSERT OR IGNORE INTO imports(id, file, size, mtime, sha256, format, source, started_at, finished_at)
            VALUES (1, 'fixture.json', 0, 0, '', 'llava', 'fixture', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z')
            """)
    }

    static func hasConversationColumn(_ db: Database) throws -> Bool {
        try Row.fetchAll(db, sql: "PRAGMA table_info(items)").contains { ($0["name"] as String?) == "conversation" }
    }

    @discardableResult
    func add(origId: String? = nil, source: String = "s", model: String? = nil, image: String? = nil,
             caption: String? = nil, category: String? = nil, flags: FormatFlags = [],
             turns: [(String, String)]) throws -> Int64 {
        let index = try Int.fetchOne(db, sql: "SELECT count(*) FROM items") ?? 0
        let list = turns.map { Turn(role: $0.0, text: $0.1) }
        var arguments: StatementArguments = [origId, source, index, "k\(index)", image, caption, model, category, flags.rawValue]
        if conversationColumn { _ = arguments.append(contentsOf: [Conversations.encode(list)]) }
        try db.execute(sql: """
            INSERT INTO items(orig_id, source, source_file, record_index, prov_key, import_id, image, image_root,
                              caption, model, category, format_flags, content_hash\(conversationColumn ? ", conversation" : ""))
            VALUES (?, ?, 'fixture.json', ?, ?, 1, ?, NULL, ?, ?, ?, ?, 0\(conversationColumn ? ", ?" : ""))
            """, arguments: arguments)
        let id = db.lastInsertedRowID
        if !conversationColumn {
            for (position, turn) in list.enumerated() {
                try db.execute(sql: "INSERT INTO turns(item_id, idx, role, text) VALUES (?, ?, ?, ?)",
                               arguments: [id, position, turn.role, turn.text])
            }
        }
        try FullText.insert(db, item: id, FullText.Document(turns: list, caption: caption))
        return id
    }

    func score(_ item: Int64, _ name: String, _ value: Double) throws {
        try db.execute(sql: "INSERT INTO scores(item_id, name, value, scorer, version) VALUES (?, ?, ?, 'test', '1')",
                       arguments: [item, name, value])
    }

    /// Scores an item as the scorers write a score with implicit zeros: its bit, and a row
    /// unless the value is 0 (`zeroRow` writes the 0 as a row too, as stores scored before did).
    func scoreImplicit(_ item: Int64, _ scorer: BuiltinScorer, _ value: Double, zeroRow: Bool = false) throws {
        try db.execute(sql: """
            INSERT INTO scored_items(item_id, scorers) VALUES (?, ?)
            ON CONFLICT(item_id) DO UPDATE SET scorers = scorers | excluded.scorers
            """, arguments: [item, scorer.implicitZeroBit])
        if value != 0 || zeroRow { try score(item, scorer.rawValue, value) }
    }
}

final class ItemQueryTests: XCTestCase {
    /// What the fixture wrote, to compute the expected orders independently of the SQL.
    struct Truth {
        var id: Int64
        var source: String
        var model: String?
        var status: ItemStatus
        var score: Double?
        /// `caption_leak`, a score with implicit zeros (nil: not scored).
        var leak: Double?
        var answerWords: Int
        var removed: Bool
    }

    /// A small deterministic generator (the tests must not depend on the platform's random).
    struct LCG {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// 200 items: three sources, models with gaps, every status, a score with many ties and
    /// gaps, answers of 1...12 words, a few removed.
    private func makeStore(_ scratch: Scratch, count: Int = 200) throws -> (Store, [Truth]) {
        let store = try scratch.store()
        var truth: [Truth] = []
        try store.write { db in
            let f = try QueryFixture(db)
            var random = LCG(state: 7)
            let statuses: [ItemStatus] = [.pending, .pending, .accepted, .rejected, .skipped]
            for n in 0..<count {
                let source = ["alpha", "beta", "gamma"][random.next(3)]
                let model: String? = random.next(4) == 0 ? nil : ["m1", "m2", "m3"][random.next(3)]
                let words = 1 + random.next(12)
                let answer = (0..<words).map { "w\($0)" }.joined(separator: random.next(2) == 0 ? " " : "  \n")
                let id = try f.add(origId: "\"\(n)\"", source: source, model: model, image: "img/\(n).jpg",
                                   turns: [("human", "<image>\nQuestion \(n)?"), ("gpt", answer)])
                let status = statuses[random.next(statuses.count)]
                if status != .pending {
                    try Decisions.decide(db, items: [id], verdict: status, reviewer: "ana")
                }
                var score: Double?
                if random.next(3) != 0 {
                    score = Double(random.next(5)) / 4
                    try f.score(id, "a", score ?? 0)
                }
                // Not scored, implicit 0, 0 as a row, below and above 0.
                var leak: Double?
                switch random.next(6) {
                case 0: leak = nil
                case 1, 2, 3: leak = 0
                case 4: leak = 0.5
                default: leak = random.next(2) == 0 ? -0.25 : 1
                }
                if let leak { try f.scoreImplicit(id, .captionLeak, leak, zeroRow: random.next(4) == 0) }
                let removed = n % 37 == 5
                if removed {
                    try db.execute(sql: "UPDATE items SET removed_at = '2024-01-01T00:00:00.000Z' WHERE id = ?", arguments: [id])
                }
                truth.append(Truth(id: id, source: source, model: model, status: status, score: score, leak: leak,
                                   answerWords: words, removed: removed))
            }
        }
        return (store, truth)
    }

    /// The expected order of `rows` under `sort`, written out plainly.
    private func expectedOrder(_ rows: [Truth], _ sort: SortKey) -> [Int64] {
        let desc = sort.descending
        func byKey<K: Comparable>(_ list: [Truth], _ key: (Truth) -> K) -> [Truth] {
            list.sorted { a, b in
                let ka = key(a), kb = key(b)
                if ka != kb { return desc ? ka > kb : ka < kb }
                return desc ? a.id > b.id : a.id < b.id
            }
        }
        let importOrder = { (list: [Truth]) in list.sorted { $0.id < $1.id } }
        switch sort.field {
        case .original:
            return byKey(rows) { $0.id }.map(\.id)
        case .status:
            let rank = Dictionary(uniqueKeysWithValues: ItemStatus.allCases.enumerated().map { ($1, $0) })
            return byKey(rows) { rank[$0.status] ?? 0 }.map(\.id)
        case .source:
            return byKey(rows) { $0.source }.map(\.id)
        case .model:
            return (byKey(rows.filter { $0.model != nil }) { $0.model ?? "" } + importOrder(rows.filter { $0.model == nil })).map(\.id)
        case let .score(name):
            let value: (Truth) -> Double? = name == "a" ? { $0.score } : { $0.leak }
            return (byKey(rows.filter { value($0) != nil }) { value($0) ?? 0 } + importOrder(rows.filter { value($0) == nil })).map(\.id)
        case .words:
            return byKey(rows) { $0.answerWords }.map(\.id)
        case let .random(seed):
            return rows.sorted { a, b in
                let ka = ItemQuery.randomKey(id: a.id, seed: seed), kb = ItemQuery.randomKey(id: b.id, seed: seed)
                return ka != kb ? ka < kb : a.id < b.id
            }.map(\.id)
        }
    }

    private let sorts = ["original", "-original", "status", "-status", "source", "-source", "model", "-model",
                         "score.a", "-score.a", "score.caption_leak", "-score.caption_leak", "random:1", "random:99", "words(answer)", "-words(answer)"]
    private let filters = ["", "status:pending", "source:beta or score.a >= 0.5", "not has:model", "removed:any"]

    private func matching(_ store: Store, _ truth: [Truth], _ filter: String) throws -> [Truth] {
        let condition = try Filter(filter).sql()
        let ids = Set(try store.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM items WHERE \(condition.sql)", arguments: condition.statementArguments)
        })
        return truth.filter { ids.contains($0.id) }
    }

    func testKeysetPagesMatchOneOrderedListForEverySortAndFilter() throws {
        let scratch = Scratch()
        let (store, truth) = try makeStore(scratch)
        for filter in filters {
            let rows = try matching(store, truth, filter)
            XCTAssertFalse(rows.isEmpty, filter)
            // words(...) sorts compute a value per row on every page: two filters are enough for them.
            for sortText in sorts where !sortText.contains("words") || filter.isEmpty || filter == "status:pending" {
                let sort = try SortKey(parsing: sortText)
                let label = "\(filter) / \(sortText)"
                let query = try ItemQuery(filter: filter, sort: sort)
                let expected = expectedOrder(rows, sort)
                try store.read { db in
                    XCTAssertEqual(try query.count(db), expected.count, label)

                    // Forward, 7 at a time
                    var forward: [ItemRow] = []
                    var cursor: PageCursor?
                    while true {
                        let page = try query.page(db, after: cursor, limit: 7)
                        XCTAssertLessThanOrEqual(page.count, 7)
                        guard let last = page.last else { break }
                        forward += page
                        cursor = last.cursor
                    }
                    XCTAssertEqual(forward.map(\.id), expected, "forward \(label)")

                    // Backward from the end
                    var backward = try query.last(db, limit: 7)
                    while let first = backward.first {
                        let page = try query.page(db, before: first.cursor, limit: 7)
                        if page.isEmpty { break }
                        backward = page + backward
                    }
                    XCTAssertEqual(backward.map(\.id), expected, "backward \(label)")
                    XCTAssertEqual(try query.last(db, limit: 7).map(\.id), Array(expected.suffix(7)), "last \(label)")

                    // Positions
                    for (index, row) in forward.enumerated() where index % 10 == 0 || index == forward.count - 1 {
                        XCTAssertEqual(try query.position(db, of: row), index, "position of \(row.id) in \(label)")
                    }
                }
            }
        }
    }

    /// A score whose zeros have no row: comparisons, levels and the list's columns read the
    /// missing rows of scored items as 0, and items the scorer did not score as no value.
    func testScoreFiltersReadImplicitZerosAsZero() throws {
        let scratch = Scratch()
        let (store, truth) = try makeStore(scratch)
        let live = truth.filter { !$0.removed }
        let ops: [(String, (Double, Double) -> Bool)] = [("<", (<)), ("<=", (<=)), (">", (>)), (">=", (>=)), ("=", (==)), ("!=", (!=))]
        try store.read { db in
            for (op, holds) in ops {
                for threshold in [-0.25, 0, 0.5] {
                    let filter = "score.caption_leak \(op) \(threshold)"
                    let expected = live.filter { $0.leak.map { holds($0, threshold) } ?? false }.map(\.id)
                    let query = try ItemQuery(filter: filter)
                    XCTAssertEqual(try query.count(db), expected.count, filter)
                    XCTAssertEqual(try query.page(db, after: nil, limit: 1000).map(\.id), expected, filter)
                }
            }
            // A profile where 0 is bad (lower is worse): the implicit zeros are bad.
            let zeroIsBad = ["caption_leak": Threshold(warn: nil, bad: 0, higherIsWorse: false)]
            let bad = live.filter { ($0.leak ?? 1) <= 0 }.map(\.id)
            XCTAssertTrue(bad.count > 10)
            for filter in ["bad:caption_leak", "bad:any", "warn:caption_leak"] {
                let query = try ItemQuery(filter: filter, thresholds: zeroIsBad)
                XCTAssertEqual(try query.count(db), bad.count, filter)
                XCTAssertEqual(try query.page(db, after: nil, limit: 1000).map(\.id), bad, filter)
            }
            let profile = ScoreProfile(columns: [], thresholds: zeroIsBad).condition(level: .bad, score: nil)
            XCTAssertEqual(try Int64.fetchAll(db, sql: "SELECT id FROM items WHERE removed_at IS NULL AND \(profile.sql) ORDER BY id",
                                              arguments: profile.arguments), bad)
            // The built-in thresholds never flag a 0.
            let flagged = live.filter { ($0.leak ?? 0) >= 0.5 }.map(\.id)
            XCTAssertEqual(try ItemQuery(filter: "warn:caption_leak", thresholds: ScoreProfile.builtin.thresholds)
                .page(db, after: nil, limit: 1000).map(\.id), flagged)
            // The list's score column.
            let rows = try ItemQuery().page(db, after: nil, limit: 1000, scoreNames: ["caption_leak", "a"])
            XCTAssertEqual(rows.map(\.id), live.map(\.id))
            for (row, item) in zip(rows, live) {
                XCTAssertEqual(row.scores["caption_leak"], item.leak, "item \(item.id)")
                XCTAssertEqual(row.scores["a"], item.score, "item \(item.id)")
            }
        }
    }

    func testOneBigPageEqualsThePagesAndLimitsHold() throws {
        let scratch = Scratch()
        let (store, _) = try makeStore(scratch)
        let query = try ItemQuery(filter: "not status:rejected", sort: SortKey(parsing: "-score.a"))
        try store.read { db in
            let all = try query.page(db, after: nil, limit: 10_000)
            XCTAssertEqual(all.count, try query.count(db))
            let firstTen = try query.page(db, after: nil, limit: 10)
            XCTAssertEqual(firstTen, Array(all.prefix(10)))
            let middle = try query.page(db, after: all[99].cursor, limit: 25)
            XCTAssertEqual(middle, Array(all[100..<125]))
            let before = try query.page(db, before: all[100].cursor, limit: 25)
            XCTAssertEqual(before, Array(all[75..<100]))
            XCTAssertEqual(try query.page(db, after: all.last?.cursor, limit: 10), [])
            XCTAssertEqual(try query.page(db, before: all[0].cursor, limit: 10), [])
            XCTAssertEqual(try query.page(db, after: nil, limit: 0), [])
        }
    }

    func testRandomOrderIsDeterministicAndDependsOnTheSeed() throws {
        let scratch = Scratch()
        let (store, _) = try makeStore(scratch)
        func order(_ seed: Int64) throws -> [Int64] {
            let query = try ItemQuery(sort: SortKey(.random(seed: seed)))
            return try store.read { db in try query.page(db, after: nil, limit: 1000).map(\.id) }
        }
        let first = try order(1)
        XCTAssertEqual(try order(1), first)
        XCTAssertEqual(Set(first).count, first.count)
        XCTAssertNotEqual(first, first.sorted(), "a shuffle, not import order")
        for seed: Int64 in [2, 3, 1_000_000, Int64.max] {
            let other = try order(seed)
            XCTAssertEqual(Set(other), Set(first))
            XCTAssertNotEqual(Array(other.prefix(20)), Array(first.prefix(20)), "seed \(seed)")
        }
        // Neighbours in import order end up far apart
        let positions = Dictionary(uniqueKeysWithValues: first.enumerated().map { ($1, $0) })
        let gaps = (1..<100).map { abs((positions[Int64($0)] ?? 0) - (positions[Int64($0 + 1)] ?? 0)) }
        XCTAssertGreaterThan(gaps.reduce(0, +) / gaps.count, 30)
    }

    func testRemovedItemsAreLeftOutUnlessAsked() throws {
        let scratch = Scratch()
        let (store, truth) = try makeStore(scratch)
        let removed = truth.filter(\.removed).map(\.id)
        XCTAssertFalse(removed.isEmpty)
        try store.read { db in
            let all = try ItemQuery().page(db, after: nil, limit: 1000).map(\.id)
            XCTAssertEqual(all.count, truth.count - removed.count)
            XCTAssertTrue(Set(all).isDisjoint(with: removed))
            XCTAssertEqual(try ItemQuery().count(db), truth.count - removed.count)
            XCTAssertEqual(try ItemQuery(filter: "removed:yes").page(db, after: nil, limit: 1000).map(\.id), removed)
            XCTAssertEqual(try ItemQuery(filter: "removed:yes").count(db), removed.count)
            XCTAssertEqual(try ItemQuery(filter: "removed:any").count(db), truth.count)
        }
    }

    func testNextPendingFollowsTheOrder() throws {
        let scratch = Scratch()
        let (store, truth) = try makeStore(scratch)
        let query = try ItemQuery(sort: SortKey(parsing: "-score.a"))
        try store.read { db in
            let all = try query.page(db, after: nil, limit: 1000)
            let status = Dictionary(uniqueKeysWithValues: truth.map { ($0.id, $0.status) })
            for index in [0, 10, 100, all.count - 3] {
                let expected = all[(index + 1)...].first { status[$0.id] == .pending }
                XCTAssertEqual(try query.nextPending(db, after: all[index].cursor)?.id, expected?.id)
            }
            XCTAssertEqual(try query.nextPending(db, after: nil)?.id, all.first { status[$0.id] == .pending }?.id)
            XCTAssertNil(try query.nextPending(db, after: all.last?.cursor))
            let nextRejected = all[1...].first { status[$0.id] == .rejected }
            XCTAssertEqual(try query.next(db, after: all[0].cursor, status: .rejected)?.id, nextRejected?.id)
        }
    }

    func testCursorsSurviveChangesToTheirRows() throws {
        let scratch = Scratch()
        let (store, _) = try makeStore(scratch)
        let query = try ItemQuery(filter: "status:pending", sort: .original)
        let first = try store.read { db in try query.page(db, after: nil, limit: 10) }
        // The reviewer accepts the whole page; the next page starts after the last row anyway.
        _ = try store.write { db in
            try Decisions.decide(db, items: first.map(\.id), verdict: .accepted, reviewer: "ana")
        }
        try store.read { db in
            let next = try query.page(db, after: first.last?.cursor, limit: 10)
            let fresh = try query.page(db, after: nil, limit: 10)
            XCTAssertEqual(next, fresh)
            XCTAssertTrue(next.allSatisfy { $0.id > (first.last?.id ?? 0) && $0.status == .pending })
        }
    }

    func testPositionOfACursorWhoseRowLeftTheResultCountsTheRowsBeforeIt() throws {
        let scratch = Scratch()
        let (store, _) = try makeStore(scratch)
        for sortText in ["-score.a", "score.a", "original", "status", "source"] {
            let query = try ItemQuery(filter: "status:pending or status:skipped", sort: SortKey(parsing: sortText))
            let before = try store.read { db in try query.page(db, after: nil, limit: 1000) }
            // Every fourth row is accepted: it leaves the result but its cursor stays usable.
            _ = try store.write { db in
                try Decisions.decide(db, items: before.enumerated().filter { $0.offset % 4 == 0 }.map(\.element.id),
                                     verdict: .accepted, reviewer: "bo")
            }
            try store.read { db in
                for (index, row) in before.enumerated() where index % 3 == 0 {
                    let earlier = try query.page(db, before: row.cursor, limit: 1000)
                    XCTAssertEqual(try query.position(db, of: row), earlier.count, "\(sortText) row \(index)")
                }
            }
        }
    }

    func testRowsCarryTheListColumns() throws {
        let scratch = Scratch()
        let store = try scratch.store()
        try store.write { db in
            let f = try QueryFixture(db)
            try f.add(origId: #""000000033471""#, source: "mix", model: "gpt4v", image: "coco/1.jpg",
                      turns: [("human", "<image>\n  What colour is the bus?  "), ("gpt", "Red.")])
            try f.add(origId: "42", source: "mix", turns: [("gpt", "An answer first."), ("human", "Then a question."),
                                                             ("human", "Another.")])
            try f.add(source: "mix", turns: [("human", String(repeating: "long ", count: 100))])
            try f.add(source: "mix", turns: [("gpt", "No question at all.")])
            try f.score(1, "clip", 0.25)
            try f.score(1, "leak", 1)
            try f.score(2, "leak", 0)
            try Decisions.decide(db, items: [2], verdict: .rejected, reviewer: "ana")
            try Edits.save(db, item: 4, turns: [Turn(role: "human", text: "<image>Edited question."), Turn(role: "gpt", text: "Yes.")],
                           baseVersion: 0, reviewer: "ana")
        }
        let rows = try store.read { db in
            try ItemQuery(sort: SortKey(parsing: "score.leak")).page(db, after: nil, limit: 10, scoreNames: ["clip", "leak", "none"])
        }
        XCTAssertEqual(rows.map(\.id), [2, 1, 3, 4])
        let first = try XCTUnwrap(rows.first { $0.id == 1 })
        XCTAssertEqual(first.origId, #""000000033471""#)
        XCTAssertEqual(first.displayId, "000000033471")
        XCTAssertEqual(first.source, "mix")
        XCTAssertEqual(first.model, "gpt4v")
        XCTAssertEqual(first.image, "coco/1.jpg")
        XCTAssertEqual(first.status, .pending)
        XCTAssertEqual(first.instruction, "What colour is the bus?")
        XCTAssertEqual(first.scores, ["clip": 0.25, "leak": 1])
        XCTAssertEqual(first.sortValue, 1.0.databaseValue)
        let second = try XCTUnwrap(rows.first { $0.id == 2 })
        XCTAssertEqual(second.status, .rejected)
        XCTAssertEqual(second.displayId, "42")
        XCTAssertEqual(second.instruction, "Then a question.")
        XCTAssertEqual(second.scores, ["leak": 0])
        let third = try XCTUnwrap(rows.first { $0.id == 3 })
        XCTAssertEqual(third.instruction.count, 200)
        XCTAssertEqual(third.displayId, "#3")
        XCTAssertEqual(third.scores, [:])
        let fourth = try XCTUnwrap(rows.first { $0.id == 4 })
        XCTAssertEqual(fourth.instruction, "Edited question.")
        XCTAssertEqual(fourth.version, 1)
    }

    func testSortsRunOnTheirIndexes() throws {
        let scratch = Scratch()
        let (store, _) = try makeStore(scratch, count: 50)
        func plans(_ sort: String, filter: String = "", body: (ItemQuery, Database) throws -> Void) throws -> String {
            let query = try ItemQuery(filter: filter, sort: SortKey(parsing: sort))
            return try store.read { db in
                nonisolated(unsafe) var statements: [String] = []
                db.trace(options: .statement) { event in
                    if case let .statement(statement) = event { statements.append(statement.expandedSQL) }
                }
                try body(query, db)
                db.trace(options: [], nil)
                var plan = ""
                // The statements that find rows (not the one that reads their columns)
                for sql in statements where (sql.hasPrefix("SELECT") || sql.hasPrefix("WITH")) && !sql.contains("json_each(") {
                    for row in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql) {
                        plan += (row["detail"] as String? ?? "") + "\n"
                    }
                }
                return plan
            }
        }
        let deep = PageCursor(segment: 0, value: 0.5.databaseValue, id: 20)
        let score = try plans("score.a") { query, db in _ = try query.page(db, after: deep, limit: 10) }
        XCTAssertTrue(score.contains("USING COVERING INDEX scores_by_value (name=? AND (value,item_id)>(?,?))"), score)
        XCTAssertFalse(score.contains("TEMP B-TREE FOR ORDER BY"), score)
        let scorePosition = try plans("score.a") { query, db in _ = try query.position(db, of: deep) }
        XCTAssertTrue(scorePosition.contains("scores_by_value (name=? AND (value,item_id)<(?,?))"), scorePosition)
        let status = try plans("status") { query, db in
            _ = try query.page(db, after: PageCursor(segment: 1, id: 10), limit: 10)
        }
        XCTAssertTrue(status.contains("items_by_status (status=? AND id>?)"), status)
        XCTAssertFalse(status.contains("TEMP B-TREE FOR ORDER BY"), status)
        let statusCount = try plans("status", filter: "status:pending") { query, db in
            _ = try query.count(db)
            _ = try query.position(db, of: PageCursor(segment: 1, id: 10))
        }
        XCTAssertTrue(statusCount.contains("COVERING INDEX items_by_status"), statusCount)
        let source = try plans("-source") { query, db in
            _ = try query.page(db, after: PageCursor(value: "beta".databaseValue, id: 10), limit: 10)
        }
        XCTAssertTrue(source.contains("items_by_source (source=? AND id<?)"), source)
        XCTAssertTrue(source.contains("items_by_source (source<?)"), source)
        XCTAssertFalse(source.contains("TEMP B-TREE FOR ORDER BY"), source)
        let original = try plans("original", filter: "status:pending") { query, db in
            _ = try query.page(db, after: PageCursor(id: 10), limit: 10)
        }
        XCTAssertTrue(original.contains("items_by_status (status=? AND id>?)"), original)
        let model = try plans("model") { query, db in
            _ = try query.position(db, of: PageCursor(value: "m2".databaseValue, id: 10))
        }
        XCTAssertTrue(model.contains("COVERING INDEX items_by_model (model=? AND id<?)"), model)
        XCTAssertTrue(model.contains("COVERING INDEX items_by_model (model>? AND model<?)"), model)
    }

    // MARK: Benchmark (by hand)

    /// `WINNOW_QUERY_BENCH=1 swift test --filter ItemQueryTests/testBenchmarkOnAMillionItems`
    /// builds a 1,000,000-item store and prints how long the list's queries take.
    func testBenchmarkOnAMillionItems() throws {
        let environment = ProcessInfo.processInfo.environment
        try XCTSkipUnless(environment["WINNOW_QUERY_BENCH"] == "1", "set WINNOW_QUERY_BENCH=1 to run the benchmark")
        let total = Int(environment["WINNOW_QUERY_BENCH_ITEMS"] ?? "") ?? 1_000_000
        let scratch = Scratch()
        let store = try scratch.store("bench.sqlite")
        let buildStart = Date()
        try store.write { db in
            _ = try QueryFixture(db)
            let human = "'<image>' || char(10) || 'What is shown in picture number ' || i || '?'"
            let answer = "'The picture shows ' || substr('a b c d e f g h i j k l m n o p q r s t', 1, (i % 20) * 2 + 1)"
            // The conversation: a JSON column (current schema) or rows of the older turns table.
            let inline = try QueryFixture.hasConversationColumn(db)
            let conversation = "json_array(json_object('from', 'human', 'value', \(human)), json_object('from', 'gpt', 'value', \(answer)))"
            try db.execute(sql: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
                INSERT INTO items(id, orig_id, source, source_file, record_index, prov_key, import_id, image, image_root,
                                  model, format_flags, content_hash, status\(inline ? ", conversation" : ""))
                SELECT i, '"' || printf('%012d', i * 7) || '"', 'llava_v1_5_mix665k',
                       '/data/llava/llava_v1_5_mix665k.json', i - 1, 'idx:' || i, 1,
                       'coco/train2017/' || printf('%012d', i * 7) || '.jpg', '/data/images',
                       CASE i % 3 WHEN 0 THEN NULL WHEN 1 THEN 'gpt4v' ELSE 'gemini-pro' END,
                       CASE WHEN i % 50 = 0 THEN 2 ELSE 0 END, (i * 2654435761) % 4294967296,
                       CASE WHEN i % 10 < 7 THEN 'pending' WHEN i % 10 < 9 THEN 'accepted' ELSE 'rejected' END
                       \(inline ? ", " + conversation : "")
                FROM n
                """, arguments: [total])
            if !inline {
                try db.execute(sql: "INSERT INTO turns(item_id, idx, role, text) SELECT id, 0, 'human', \(human) FROM (SELECT id AS i, id FROM items)")
                try db.execute(sql: "INSERT INTO turns(item_id, idx, role, text) SELECT id, 1, 'gpt', \(answer) FROM (SELECT id AS i, id FROM items)")
            }
            try db.execute(sql: """
                INSERT INTO scores(item_id, name, value, scorer, version)
                SELECT id, 'clip', ((id * 7919) % 1000) / 1000.0, 'clip', '1' FROM items
                """)
            try db.execute(sql: "UPDATE items SET removed_at = '2024-01-01T00:00:00.000Z' WHERE id % 5000 = 0")
        }
        try store.write { db in try db.execute(sql: "ANALYZE") }
        print("bench: built \(total) items in \(String(format: "%.1f", Date().timeIntervalSince(buildStart))) s")

        func time<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try body()
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
            print("bench: \(label.padding(toLength: 58, withPad: " ", startingAt: 0)) \(String(format: "%9.1f", ms)) ms")
            return result
        }
        let depth = total * 9 / 10

        func run(_ label: String) throws {
            print("bench: --- \(label)")
            for (filter, sortText) in [("", "original"), ("", "status"), ("", "-score.clip"), ("status:pending", "original"),
                                       ("status:pending", "-score.clip"), ("score.clip > 0.9", "original")] {
                let query = try ItemQuery(filter: filter, sort: SortKey(parsing: sortText))
                let name = "[\(filter.isEmpty ? "all" : filter) / \(sortText)]"
                try store.read { db in
                    let count = try time("\(name) count") { try query.count(db) }
                    let first = try time("\(name) first page (50)") { try query.page(db, after: nil, limit: 50, scoreNames: ["clip"]) }
                    XCTAssertEqual(first.count, 50)
                    // A cursor ~90% deep, found with OFFSET outside the timing
                    let target = min(depth, count - 60)
                    let deepRow = try deepCursor(db, query, at: target)
                    let page = try time("\(name) page after row \(target)") { try query.page(db, after: deepRow, limit: 50, scoreNames: ["clip"]) }
                    XCTAssertEqual(page.count, 50)
                    let back = try time("\(name) page before row \(target)") { try query.page(db, before: deepRow, limit: 50) }
                    XCTAssertEqual(back.count, 50)
                    let position = try time("\(name) position of row \(target + 1)") { try query.position(db, of: page[0]) }
                    XCTAssertEqual(position, target + 1)
                    _ = try time("\(name) last page (G)") { try query.last(db, limit: 50) }
                    _ = try time("\(name) next pending after row \(target)") { try query.nextPending(db, after: deepRow) }
                }
            }
            for sortText in ["random:7", "words(answer)"] {
                let query = try ItemQuery(sort: SortKey(parsing: sortText))
                try store.read { db in
                    let first = try time("[all / \(sortText)] first page (50)") { try query.page(db, after: nil, limit: 50) }
                    _ = try time("[all / \(sortText)] next page") { try query.page(db, after: first.last?.cursor, limit: 50) }
                }
            }
            for filter in ["words(answer) < 5", "model:gpt4v and turns = 2", "id:000000000700", "format:role_order"] {
                let query = try ItemQuery(filter: filter)
                try store.read { db in
                    _ = try time("[\(filter)] count") { try query.count(db) }
                    _ = try time("[\(filter)] first page (50)") { try query.page(db, after: nil, limit: 50) }
                }
            }
        }
        try run("schema indexes only")
        try store.write { db in
            try db.execute(sql: "CREATE INDEX items_removed ON items(removed_at) WHERE removed_at IS NOT NULL")
            try db.execute(sql: "CREATE INDEX items_by_orig_id ON items(orig_id)")
        }
        try run("with the suggested indexes on removed items and orig_id")
    }

    /// The cursor of the row at `index` of `query`, by a plain OFFSET over the same order.
    private func deepCursor(_ db: Database, _ query: ItemQuery, at index: Int) throws -> PageCursor {
        var remaining = index
        for (number, segment) in query.segments.enumerated() {
            let condition = SQLFragment.and([segment.condition, query.compiled.sql()])
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(segment.from.sql) WHERE \(condition.sql)",
                                         arguments: StatementArguments(segment.from.arguments + condition.arguments)) ?? 0
            if remaining < count {
                let direction = segment.descending ? "DESC" : "ASC"
                let order = [segment.key, segment.id].compactMap { $0 }.map { "\($0) \(direction)" }.joined(separator: ", ")
                let row = try XCTUnwrap(Row.fetchOne(db, sql: """
                    SELECT \(segment.id), \(segment.key ?? "NULL") FROM \(segment.from.sql) WHERE \(condition.sql)
                    ORDER BY \(order) LIMIT 1 OFFSET ?
                    """, arguments: StatementArguments(segment.from.arguments + condition.arguments + [remaining.databaseValue])))
                return PageCursor(segment: number, value: row[1], id: row[0])
            }
            remaining -= count
        }
        throw XCTSkip("index \(index) is past the end")
    }
}
