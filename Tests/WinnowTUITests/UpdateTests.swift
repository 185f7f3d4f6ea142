import WinnowCore
import XCTest
@testable import WinnowTUI

/// update(): an action in, the exact state and effects out. No store, no terminal.
final class UpdateTests: XCTestCase {
    func rows(_ count: Int, status: ItemStatus = .pending) -> [ItemRow] {
        (1...count).map { ItemRow(id: Int64($0), origId: "\"r\($0)\"", source: "demo", status: status, instruction: "Question \($0)?") }
    }

    /// A state with a loaded window of `count` rows, row 1 selected.
    func loaded(_ count: Int = 10) -> AppState {
        var state = AppState(width: 120, height: 40, reviewer: "ana")
        _ = update(&state, .windowLoaded(generation: 0, rows: rows(count), windowStart: 0, atEnd: true, selectedItem: 1))
        _ = update(&state, .countLoaded(generation: 0, total: count, counts: [.pending: count]))
        return state
    }

    func testMovingDownSelectsTheNextRowAndLoadsItsDetail() {
        var state = loaded()
        let effects = update(&state, .key(.char("j")))
        XCTAssertEqual(state.selected, 1)
        XCTAssertEqual(state.position, 2)
        XCTAssertEqual(effects, [.loadDetail(item: 2), .preview(wanted: preview(state, 2), prefetch: [])])
    }

    /// The preview request for a row of ``rows(_:status:)`` (text-only: nothing is prefetched).
    func preview(_ state: AppState, _ item: Int64) -> PreviewRequest {
        let pane = Layout(width: state.width, height: state.height).preview
        return PreviewRequest(item: item, image: nil, imageRoot: nil, columns: pane.width - 2, rows: pane.height - 2,
                              colors: .indexed256, cellAspect: 2)
    }

    func testAcceptRecordsAVerdictAndAdvancesToTheNextPendingRow() {
        var state = loaded()
        state.rows[1].status = .accepted
        let effects = update(&state, .key(.char("a")))
        XCTAssertEqual(effects, [.decide(items: [1], verdict: .accepted, reviewer: "ana")])
        let outcome = Decisions.Outcome(batch: 7, items: [1], statuses: [1: .accepted])
        let next = update(&state, .decided(outcome, previous: [1: .pending], undo: false))
        XCTAssertEqual(state.rows[0].status, .accepted)
        XCTAssertEqual(state.selected, 2, "row 2 was accepted already: the next pending one is row 3")
        XCTAssertEqual(state.counts[.accepted], 1)
        XCTAssertEqual(state.counts[.pending], 9)
        XCTAssertEqual(next, [.loadDetail(item: 3), .preview(wanted: preview(state, 3), prefetch: [])])
    }

    func testUndoGoesBackToTheUndoneItem() {
        var state = loaded()
        state.selected = 5
        XCTAssertEqual(update(&state, .key(.char("u"))), [.undo(reviewer: "ana")])
        let outcome = Decisions.Outcome(batch: 9, items: [2], statuses: [2: .pending])
        _ = update(&state, .decided(outcome, previous: [:], undo: true))
        XCTAssertEqual(state.selected, 1)
        XCTAssertEqual(state.message, StatusMessage("Undone: item 2 is pending again."))
    }

    func testAFilterWithASyntaxErrorKeepsTheOldFilterAndShowsWhere() {
        var state = loaded()
        state.filterText = "status:pending"
        _ = update(&state, .key(.char("f")))
        XCTAssertEqual(state.prompt?.text, "status:pending")
        _ = update(&state, .key(.char(" ")))
        for character in "and (" { _ = update(&state, .key(.char(character))) }
        let effects = update(&state, .key(.enter))
        XCTAssertEqual(effects, [])
        XCTAssertEqual(state.filterText, "status:pending", "the old filter stays")
        XCTAssertEqual(state.generation, 0)
        XCTAssertEqual(state.prompt?.text, "status:pending and (")
        XCTAssertTrue(state.prompt?.error?.hasPrefix("at column") == true, state.prompt?.error ?? "no error")
    }

    func testAValidFilterStartsANewGenerationAndDropsStaleResults() {
        var state = loaded()
        _ = update(&state, .key(.char("f")))
        _ = update(&state, .key(.ctrl("u")))
        for character in "source:demo" { _ = update(&state, .key(.char(character))) }
        let effects = update(&state, .key(.enter))
        XCTAssertEqual(state.generation, 1)
        XCTAssertEqual(state.filterText, "source:demo")
        let spec = QuerySpec(filter: "source:demo", sort: "original")
        XCTAssertEqual(effects, [.loadWindow(generation: 1, query: spec, anchor: .start, limit: windowLimit(state)),
                                 .count(generation: 1, query: spec)])
        // A result of the old query arrives late: dropped.
        _ = update(&state, .windowLoaded(generation: 0, rows: rows(3), windowStart: 0, atEnd: true, selectedItem: nil))
        XCTAssertEqual(state.rows, [])
        _ = update(&state, .windowLoaded(generation: 1, rows: rows(4), windowStart: 0, atEnd: true, selectedItem: nil))
        XCTAssertEqual(state.rows.count, 4)
    }

    func testSearchNextOnlyWhileASearchIsLiveAndNOtherwiseAddsANote() {
        var state = loaded()
        _ = update(&state, .key(.char("n")))
        XCTAssertEqual(state.prompt?.purpose, .note)
        _ = update(&state, .key(.escape))
        _ = update(&state, .key(.char("/")))
        for character in "cat" { _ = update(&state, .key(.char(character))) }
        let spec = QuerySpec(filter: "", sort: "original")
        XCTAssertEqual(update(&state, .key(.enter)),
                       [.search(generation: 0, query: spec, text: "cat", from: state.rows[0], backward: false)])
        XCTAssertEqual(update(&state, .key(.char("N"))),
                       [.search(generation: 0, query: spec, text: "cat", from: state.rows[0], backward: true)])
        _ = update(&state, .key(.escape))
        XCTAssertNil(state.searchText)
    }

    func testEditOpensTheEditorOnTheAnswerOfTheShownItem() {
        var state = loaded()
        let detail = ItemDetail(id: 1, origId: "\"r1\"", source: "demo", sourceFile: "/d.json", recordIndex: 0, importId: 1,
                                importedAt: nil, image: nil, imageRoot: nil, caption: nil, model: nil, category: nil,
                                status: .pending, formatFlags: [], turns: [Turn(role: "human", text: "Q"), Turn(role: "gpt", text: "A")],
                                version: 0, editedBy: nil, scores: [], history: [], removed: false)
        _ = update(&state, .detailLoaded(detail))
        XCTAssertEqual(update(&state, .key(.char("e"))), [.openEditor(item: detail, turn: 1)])
        XCTAssertEqual(update(&state, .editFinished(item: 1, turns: [Turn(role: "human", text: "Q"), Turn(role: "gpt", text: "B")], baseVersion: 0)),
                       [.saveEdit(item: 1, turns: [Turn(role: "human", text: "Q"), Turn(role: "gpt", text: "B")], baseVersion: 0, reviewer: "ana")])
        XCTAssertEqual(update(&state, .editFinished(item: 1, turns: nil, baseVersion: 0)), [])
        XCTAssertEqual(state.message?.text, "Edit cancelled: the text was not changed.")
    }

    func testHelpOpensAndAnyOtherKeyClosesIt() {
        var state = loaded()
        _ = update(&state, .key(.char("?")))
        XCTAssertEqual(state.overlay, .help(scroll: 0))
        _ = update(&state, .key(.char("j")))
        XCTAssertEqual(state.overlay, .help(scroll: 1))
        _ = update(&state, .key(.char("x")))
        XCTAssertNil(state.overlay)
    }

    func testQuitAndResize() {
        var state = loaded()
        _ = update(&state, .resized(width: 80, height: 24))
        XCTAssertEqual(state.width, 80)
        XCTAssertEqual(update(&state, .key(.char("q"))), [.quit])
        XCTAssertTrue(state.quitting)
    }
}

/// Every command, from the same loaded state: the state and effects it gives. The switch is
/// exhaustive, so a new command cannot be added without saying here what it does.
final class EveryCommandTests: XCTestCase {
    func loaded() -> AppState {
        var state = AppState(width: 120, height: 40, reviewer: "ana")
        let rows = (1...100).map { ItemRow(id: Int64($0), source: "demo", instruction: "Question \($0)?") }
        _ = update(&state, .scoreNamesLoaded(["caption_leak"]))
        _ = update(&state, .windowLoaded(generation: 0, rows: rows, windowStart: 0, atEnd: true, selectedItem: 5))
        _ = update(&state, .countLoaded(generation: 0, total: 100, counts: [.pending: 100]))
        let detail = ItemDetail(id: 5, origId: nil, source: "demo", sourceFile: "/d.json", recordIndex: 4, importId: 1,
                                importedAt: nil, image: nil, imageRoot: nil, caption: nil, model: nil, category: nil,
                                status: .pending, formatFlags: [], turns: [Turn(role: "human", text: "Q"), Turn(role: "gpt", text: "A")],
                                version: 0, editedBy: nil, scores: [], history: [], removed: false)
        _ = update(&state, .detailLoaded(detail))
        return state
    }

    func testEveryCommand() {
        let page = loaded().listHeight - 1
        for command in Command.allCases {
            var state = loaded()
            let before = state
            let effects = update(&state, .command(command))
            let name = command.rawValue
            func detailOf(_ item: Int64) -> [Effect] {
                [.loadDetail(item: item), .preview(wanted: wantedPreview(state), prefetch: [])]
            }
            switch command {
            case .moveDown:
                XCTAssertEqual(state.selected, 5, name)
                XCTAssertEqual(effects, detailOf(6), name)
            case .moveUp:
                XCTAssertEqual(state.selected, 3, name)
                XCTAssertEqual(effects, detailOf(4), name)
            case .pageDown:
                XCTAssertEqual(state.selected, 4 + page, name)
                XCTAssertEqual(effects, detailOf(Int64(5 + page)), name)
            case .pageUp:
                XCTAssertEqual(state.selected, 0, name)
                XCTAssertEqual(effects, detailOf(1), name)
            case .first:
                XCTAssertEqual(state.selected, 0, name)
                XCTAssertEqual(effects, detailOf(1), name)
            case .last:
                XCTAssertEqual(state.selected, 99, name)
                XCTAssertEqual(effects, detailOf(100), name)
            case .focusDetail, .switchPane:
                XCTAssertEqual(state.focus, .detail, name)
                XCTAssertEqual(effects, [], name)
            case .scrollDetailDown:
                XCTAssertEqual(state.detailScroll, 1, name)
                XCTAssertEqual(effects, [], name)
            case .scrollDetailUp:
                XCTAssertEqual(state.detailScroll, 0, name)
                XCTAssertEqual(effects, [], name)
            case .accept, .reject, .skip:
                let verdict: ItemStatus = command == .accept ? .accepted : command == .reject ? .rejected : .skipped
                XCTAssertEqual(effects, [.decide(items: [5], verdict: verdict, reviewer: "ana")], name)
                XCTAssertEqual(state.rows, before.rows, "\(name): the row changes when the store says so")
            case .undo:
                XCTAssertEqual(effects, [.undo(reviewer: "ana")], name)
            case .redo:
                XCTAssertEqual(effects, [.redo(reviewer: "ana")], name)
            case .edit:
                XCTAssertEqual(effects, [.openEditor(item: before.detail!, turn: 1)], name)
            case .editItem:
                XCTAssertEqual(effects, [.openEditor(item: before.detail!, turn: nil)], name)
            case .note:
                XCTAssertEqual(state.prompt?.purpose, .note, name)
                XCTAssertEqual(effects, [], name)
            case .search:
                XCTAssertEqual(state.prompt?.purpose, .search, name)
                XCTAssertEqual(effects, [], name)
            case .searchNext, .searchPrevious:
                XCTAssertEqual(effects, [], "\(name): nothing without a search")
                var searching = loaded()
                searching.searchText = "cat"
                XCTAssertEqual(update(&searching, .command(command)),
                               [.search(generation: 0, query: searching.querySpec, text: "cat", from: searching.current,
                                        backward: command == .searchPrevious)], name)
            case .endSearch:
                XCTAssertNil(state.searchText, name)
                XCTAssertEqual(state.message?.text, "Search ended.", name)
            case .filter:
                XCTAssertEqual(state.prompt?.purpose, .filter, name)
                XCTAssertEqual(effects, [], name)
            case .sort:
                guard case .sortMenu(let options, 0)? = state.overlay else { return XCTFail(name) }
                XCTAssertTrue(options.contains("-score.caption_leak"), name)
            case .toggleCaption:
                XCTAssertEqual(state.showCaption, !before.showCaption, name)
            case .help:
                XCTAssertEqual(state.overlay, .help(scroll: 0), name)
            case .commandLine:
                XCTAssertEqual(state.prompt?.purpose, .command, name)
            case .histogram:
                XCTAssertEqual(state.overlay, .scoreMenu(options: ["caption_leak"], selected: 0), name)
                XCTAssertEqual(effects, [], name)
            case .bulkDecide:
                guard case .bulk(let confirmation)? = state.overlay else { return XCTFail(name) }
                XCTAssertEqual(confirmation.count, 100, name)
                XCTAssertEqual(effects, [], "\(name): nothing is decided before the confirmation")
            case .chooseColumns:
                XCTAssertEqual(state.overlay, .columns(ColumnChooser(names: ["caption_leak"], chosen: ["caption_leak"])), name)
            case .previewFullscreen:
                XCTAssertEqual(state.overlay, .previewFullscreen, name)
                XCTAssertEqual(effects, [.preview(wanted: wantedPreview(state), prefetch: [])], name)
            case .refresh:
                XCTAssertEqual(effects, [
                    .loadWindow(generation: 0, query: state.querySpec, anchor: .itemAt(5, position: 4), limit: windowLimit(state)),
                    .count(generation: 0, query: state.querySpec), .locate(generation: 0, query: state.querySpec, item: 5),
                    .loadDetail(item: 5),
                ], name)
                // The position found in the background corrects the window's start.
                _ = update(&state, .windowLoaded(generation: 0, rows: Array(before.rows[2...]), windowStart: 2, atEnd: true, selectedItem: 5))
                _ = update(&state, .located(generation: 0, item: 5, position: 9))
                XCTAssertEqual(state.windowStart, 7, name)
                XCTAssertEqual(state.position, 10, name)
            case .quit:
                XCTAssertTrue(state.quitting, name)
                XCTAssertEqual(effects, [.quit], name)
            }
        }
    }
}

final class BackgroundCountTests: XCTestCase {
    /// A new filter shows its rows at once; its total reads `…` until the count arrives.
    func testTheTotalShowsAsCountingUntilItArrives() {
        var state = AppState(width: 120, height: 40, reviewer: "ana")
        _ = update(&state, .command(.filter))
        _ = update(&state, .key(.char("x")))
        _ = update(&state, .key(.backspace))
        for character in "status:pending" { _ = update(&state, .key(.char(character))) }
        let effects = update(&state, .key(.enter))
        XCTAssertTrue(state.counting)
        XCTAssertEqual(effects.count, 2)
        let rows = (1...5).map { ItemRow(id: Int64($0)) }
        _ = update(&state, .windowLoaded(generation: state.generation, rows: rows, windowStart: 0, atEnd: false, selectedItem: 1))
        var screen = ScreenBuffer(width: 120, height: 40)
        render(state, theme: Theme.builtin("dark")!, into: &screen)
        XCTAssertTrue(screen.plainText().contains("Items  1 / …"), screen.plainText())
        _ = update(&state, .countLoaded(generation: state.generation - 1, total: 7, counts: [:]))
        XCTAssertTrue(state.counting, "a count for the old filter is dropped")
        _ = update(&state, .countLoaded(generation: state.generation, total: 912_000, counts: [.pending: 912_000]))
        XCTAssertFalse(state.counting)
        render(state, theme: Theme.builtin("dark")!, into: &screen)
        XCTAssertTrue(screen.plainText().contains("Items  1 / 912,000"), screen.plainText())
    }
}

final class LastItemTests: XCTestCase {
    /// G beyond the loaded window uses the known total (no count on the loop thread), unless a
    /// count is still running.
    func testLastUsesTheKnownTotal() {
        var state = AppState(width: 120, height: 40, reviewer: "ana")
        let rows = (1...50).map { ItemRow(id: Int64($0)) }
        _ = update(&state, .windowLoaded(generation: 0, rows: rows, windowStart: 0, atEnd: false, selectedItem: 1))
        _ = update(&state, .countLoaded(generation: 0, total: 1_000_000, counts: [:]))
        XCTAssertEqual(update(&state, .command(.last)),
                       [.loadWindow(generation: 0, query: state.querySpec, anchor: .endOf(total: 1_000_000), limit: windowLimit(state))])
        state.counting = true
        XCTAssertEqual(update(&state, .command(.last)),
                       [.loadWindow(generation: 0, query: state.querySpec, anchor: .end, limit: windowLimit(state))])
    }
}

final class SavingTests: XCTestCase {
    /// A change in flight holds back the next change (it would apply to the same row), not
    /// navigation; a busy store is said, and the end of the write releases the keys.
    func testOneChangeAtATime() {
        var state = AppState(width: 120, height: 40, reviewer: "ana")
        let rows = (1...10).map { ItemRow(id: Int64($0)) }
        _ = update(&state, .windowLoaded(generation: 0, rows: rows, windowStart: 0, atEnd: true, selectedItem: 1))
        XCTAssertEqual(update(&state, .key(.char("a"))), [.decide(items: [1], verdict: .accepted, reviewer: "ana")])
        XCTAssertTrue(state.saving)
        XCTAssertEqual(update(&state, .key(.char("r"))), [], "held back")
        XCTAssertEqual(state.message?.text, "Saving the last change…")
        _ = update(&state, .key(.char("j")))
        XCTAssertEqual(state.selected, 1, "navigation goes on")
        _ = update(&state, .storeBusy)
        XCTAssertTrue(state.message?.text.contains("The store is busy") == true)
        _ = update(&state, .writeFinished)
        XCTAssertFalse(state.saving)
        XCTAssertEqual(update(&state, .key(.char("r"))), [.decide(items: [2], verdict: .rejected, reviewer: "ana")])
    }
}
