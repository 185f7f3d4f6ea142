import Foundation
import GRDB
@testable import WinnowCore
import WinnowTestSupport
import XCTest
@testable import WinnowTUI

/// The histogram view, bulk decisions and the column chooser: update() on its own, then the
/// engine on a real store of the sample data with real scores.
final class OverlayTests: XCTestCase {
    func rows(_ count: Int) -> [ItemRow] {
        (1...count).map { ItemRow(id: Int64($0), source: "demo", instruction: "Question \($0)?", scores: ["refusal": 0]) }
    }

    func loaded(filter: String = "status:pending") -> AppState {
        var state = AppState(width: 120, height: 40, reviewer: "ana", filter: filter)
        _ = update(&state, .scoreNamesLoaded(["caption_leak", "clip_similarity", "refusal"]))
        _ = update(&state, .windowLoaded(generation: state.generation, rows: rows(10), windowStart: 0, atEnd: true, selectedItem: 1))
        _ = update(&state, .countLoaded(generation: state.generation, total: 10, counts: [.pending: 10]))
        return state
    }

    static let sample = Histogram(score: "clip_similarity", bins: [
        .init(lower: 0, upper: 10, count: 4), .init(lower: 10, upper: 20, count: 3), .init(lower: 20, upper: 30, count: 2),
        .init(lower: 30, upper: 40, count: 1),
    ], total: 10, min: 0, max: 40, mean: 14)

    func testHistogramOpensFromTheScoreMenuAndEnterAppliesTheThresholdAsAFilter() throws {
        var state = loaded()
        XCTAssertEqual(update(&state, .key(.char("h"))), [])
        guard case .scoreMenu(let options, _)? = state.overlay else { return XCTFail("\(String(describing: state.overlay))") }
        XCTAssertEqual(options, ["caption_leak", "clip_similarity", "refusal"])
        _ = update(&state, .key(.char("j")))
        let effects = update(&state, .key(.enter))
        XCTAssertEqual(effects, [.loadHistogram(generation: state.generation, query: state.querySpec, score: "clip_similarity", bins: 40)])

        // A result for an older generation is dropped; the current one fills the view.
        _ = update(&state, .histogramLoaded(generation: state.generation - 1, Self.sample))
        guard case .histogram(let empty)? = state.overlay else { return XCTFail() }
        XCTAssertNil(empty.histogram)
        _ = update(&state, .histogramLoaded(generation: state.generation, Self.sample))
        guard case .histogram(var view)? = state.overlay else { return XCTFail() }
        XCTAssertEqual(view.marker, 2, "no threshold in the profile for clip_similarity: the middle")
        XCTAssertEqual(view.counts.below, 7)
        XCTAssertEqual(view.counts.above, 3)

        _ = update(&state, .key(.left))
        guard case .histogram(let moved)? = state.overlay else { return XCTFail() }
        view = moved
        XCTAssertEqual(view.threshold, 10)
        XCTAssertEqual([view.counts.below, view.counts.above], [4, 6])
        _ = update(&state, .key(.tab))
        let applied = update(&state, .key(.enter))
        XCTAssertNil(state.overlay)
        XCTAssertEqual(state.filterText, "(status:pending) and score.clip_similarity < 10")
        XCTAssertEqual(applied.count, 2, "a new window and count for the new filter")
    }

    func testTheMarkerStartsAtTheProfilesBadThreshold() {
        var state = loaded()
        _ = update(&state, .key(.char("h")))
        _ = update(&state, .key(.enter))   // caption_leak, the first score
        let leak = Histogram(score: "caption_leak", bins: (0..<4).map { .init(lower: Double($0), upper: Double($0 + 1), count: 5) },
                             total: 20, min: 0, max: 4, mean: 1)
        _ = update(&state, .histogramLoaded(generation: state.generation, leak))
        guard case .histogram(let view)? = state.overlay else { return XCTFail() }
        let bad = try? XCTUnwrap(state.profile.thresholds["caption_leak"]?.bad)
        XCTAssertEqual(view.threshold, bad.map { floor($0) })
    }

    func testBulkDecisionNeedsAConfirmationThatShowsTheCountAndASample() {
        var state = loaded()
        XCTAssertEqual(update(&state, .key(.char("B"))), [])
        guard case .bulk(let confirmation)? = state.overlay else { return XCTFail() }
        XCTAssertEqual(confirmation.count, 10)
        XCTAssertEqual(confirmation.sample.map(\.id), [1, 2, 3, 4, 5])
        XCTAssertEqual(confirmation.verdict, .rejected)
        var screen = ScreenBuffer(width: 120, height: 40)
        render(state, theme: Theme.builtin("dark")!, into: &screen)
        XCTAssertTrue(screen.plainText().contains("Reject all 10 items matching"), screen.plainText())

        _ = update(&state, .key(.char("a")))
        let effects = update(&state, .key(.char("y")))
        XCTAssertEqual(effects, [.bulkDecide(generation: state.generation, query: state.querySpec, verdict: .accepted,
                                             reviewer: "ana", expected: 10)])
        // Any other key cancels without a decision.
        _ = update(&state, .key(.char("B")))
        XCTAssertEqual(update(&state, .key(.escape)), [])
        XCTAssertNil(state.overlay)
    }

    func testColumnChooserTicksScoresAndReloadsTheWindow() {
        var state = loaded()
        let before = state.columns
        XCTAssertFalse(before.isEmpty)
        _ = update(&state, .key(.char("C")))
        guard case .columns(var chooser)? = state.overlay else { return XCTFail() }
        XCTAssertEqual(chooser.chosen, before)
        // Untick everything, then tick words_answer and refusal, in that order.
        for name in before {
            chooser.selected = chooser.names.firstIndex(of: name)!
            state.overlay = .columns(chooser)
            _ = update(&state, .key(.char(" ")))
            guard case .columns(let next)? = state.overlay else { return XCTFail() }
            chooser = next
        }
        XCTAssertEqual(chooser.chosen, [])
        _ = update(&state, .key(.char("G")))   // not a chooser key: closes it unchanged
        XCTAssertEqual(state.columns, before)
        _ = update(&state, .key(.char("C")))
        _ = update(&state, .key(.char("j")))
        _ = update(&state, .key(.char(" ")))   // clip_similarity toggled
        let effects = update(&state, .key(.enter))
        XCTAssertEqual(state.columns, before.contains("clip_similarity") ? before.filter { $0 != "clip_similarity" } : before + ["clip_similarity"])
        XCTAssertEqual(effects, [.loadWindow(generation: state.generation, query: state.querySpec, anchor: .item(1),
                                             limit: windowLimit(state))])
    }

    // MARK: - On a real store

    func sampleStore(_ scratch: Scratch) throws -> Store {
        let store = try scratch.store()
        var options = ImportOptions(path: TestPaths.sampleData.appendingPathComponent("demo.json").path)
        options.imageRoot = TestPaths.sampleData.path
        _ = try Importer(store: store).run(options)
        _ = try Scoring(options: ScoringOptions(only: ScorerSelection.textAndCorpus)).scoreAll(store: store)
        return store
    }

    /// At every marker position, the counts on both sides equal SQL counts of the same filter.
    func testHistogramCountsEqualTheSQLCounts() throws {
        let scratch = try Scratch()
        let store = try sampleStore(scratch)
        let engine = Engine(store: store)
        for (score, filter) in [("words_answer", ""), ("tokens_est", "status:pending"), ("repetition", "source:demo")] {
            let actions = engine.run(.loadHistogram(generation: 0, query: QuerySpec(filter: filter, sort: "original"),
                                                    score: score, bins: 40))
            guard case let .histogramLoaded(_, histogram)? = actions.first else { return XCTFail("\(actions)") }
            XCTAssertGreaterThan(histogram.total, 0, score)
            var view = HistogramView(score: score, histogram: histogram)
            let condition = try Filter(filter).sql()
            for marker in histogram.bins.indices {
                view.marker = marker
                let threshold = try XCTUnwrap(view.threshold)
                let above = try store.read { db in
                    try Int.fetchOne(db, sql: """
                        SELECT count(*) FROM items JOIN (\(DenseScores.sql)) s ON s.item_id = items.id AND s.name = ?
                        WHERE s.value >= ? \(condition.sql.isEmpty ? "" : "AND \(condition.sql)")
                        """, arguments: StatementArguments([score, threshold] as [DatabaseValueConvertible]) + condition.statementArguments)
                } ?? -1
                XCTAssertEqual(view.counts.above, above, "\(score) >= \(threshold)")
                XCTAssertEqual(view.counts.below, histogram.total - above)
                // The filter Enter applies selects exactly the counted items.
                let text = filter.isEmpty ? view.condition! : "(\(filter)) and \(view.condition!)"
                let applied = try ItemQuery(filter: text)
                XCTAssertEqual(try store.read { db in try applied.count(db) }, above, view.condition!)
            }
        }
    }

    /// A bulk decision is one batch; a single undo reverts every item of it.
    func testBulkDecisionIsOneBatchThatOneUndoReverts() throws {
        let scratch = try Scratch()
        let store = try sampleStore(scratch)
        let engine = Engine(store: store)
        let spec = QuerySpec(filter: "score.caption_leak > 0", sort: "original")
        let expected = try store.read { db in try ItemQuery(filter: spec.filter).count(db) }
        XCTAssertGreaterThan(expected, 1)
        _ = try store.write { db in try Decisions.decide(db, items: [1], verdict: .accepted, reviewer: "ana") }

        let actions = engine.run(.bulkDecide(generation: 0, query: spec, verdict: .rejected, reviewer: "ana", expected: expected))
        guard case let .decided(outcome, _, undo)? = actions.first else { return XCTFail("\(actions)") }
        XCTAssertFalse(undo)
        XCTAssertEqual(outcome.items.count, expected)
        XCTAssertEqual(try store.count("SELECT count(*) FROM items WHERE status = 'rejected'"), expected)
        XCTAssertEqual(try store.count("SELECT count(DISTINCT batch) FROM events WHERE kind = 'verdict' AND verdict = 'rejected'"), 1)

        let undone = engine.run(.undo(reviewer: "ana"))
        guard case let .decided(reverted, _, true)? = undone.first else { return XCTFail("\(undone)") }
        XCTAssertEqual(reverted.items.count, expected)
        XCTAssertEqual(try store.count("SELECT count(*) FROM items WHERE status = 'rejected'"), 0)
        XCTAssertEqual(try store.count("SELECT count(*) FROM items WHERE status = 'accepted'"), 1, "the earlier decision stays")
    }
}

final class ConflictViewTests: XCTestCase {
    func conflict() -> EditConflict {
        EditConflict(id: 4, item: 1, baseVersion: 0,
                     theirs: .init(version: 1, turns: [Turn(role: "human", text: "Q?"), Turn(role: "gpt", text: "Their answer.")],
                                   reviewer: "bo", time: "2026-11-27T10:00:00.000Z"),
                     mine: .init(version: 1, turns: [Turn(role: "human", text: "Q?"), Turn(role: "gpt", text: "My answer.")],
                                 reviewer: "ana", time: "2026-11-27T10:00:01.000Z"),
                     resolution: nil, resolvedBy: nil, resolvedVersion: nil)
    }

    func testAConflictShowsBothVersionsAndTheReviewerChooses() {
        var state = AppState(width: 120, height: 40, reviewer: "ana")
        _ = update(&state, .windowLoaded(generation: 0, rows: [ItemRow(id: 1)], windowStart: 0, atEnd: true, selectedItem: 1))
        XCTAssertEqual(update(&state, .editConflict(conflict())), [])
        XCTAssertEqual(state.overlay, .conflict(conflict(), scroll: 0))
        var screen = ScreenBuffer(width: 120, height: 40)
        render(state, theme: Theme.builtin("dark")!, into: &screen)
        let text = screen.plainText()
        XCTAssertTrue(text.contains("Their answer.") && text.contains("My answer."), text)
        XCTAssertTrue(text.contains("THEIRS: version 1 by bo"), text)

        XCTAssertEqual(update(&state, .key(.char("m"))), [.resolveConflict(id: 4, keep: .mine, reviewer: "ana")])
        XCTAssertNil(state.overlay)
        _ = update(&state, .editConflict(conflict()))
        XCTAssertEqual(update(&state, .key(.char("t"))), [.resolveConflict(id: 4, keep: .theirs, reviewer: "ana")])
        _ = update(&state, .editConflict(conflict()))
        XCTAssertEqual(update(&state, .key(.escape)), [], "decide later: nothing is written, the conflict stays open")
        XCTAssertTrue(state.message?.text.contains("left open") == true)
    }
}
