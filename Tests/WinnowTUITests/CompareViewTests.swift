import Foundation
import WinnowCore
import XCTest
@testable import WinnowTUI

/// The pairwise view's update and render, without a terminal.
final class CompareViewTests: XCTestCase {
    let theme = Theme.builtin("dark") ?? Theme(name: "plain", styles: [:])

    func pairs(_ count: Int = 4, answerA: (Int) -> String = { "The first model answers question \($0)." },
               answerB: (Int) -> String = { "Another answer to question \($0)." }) -> PairSet {
        let list = (0..<count).map { (k: Int) -> ComparePair in
            let item = Int64(2 * k + 1)
            return ComparePair(key: QuestionKey(source: "eval", question: String(k), image: "img-\(k).jpg"), imageRoot: "/nowhere",
                               category: "c", instruction: "Describe picture \(k).", caption: "A caption for picture \(k).",
                               itemA: item, answerA: answerA(k), itemB: item + 1, answerB: answerB(k))
        }
        return PairSet(modelA: "zephyr-7b", modelB: "orca-13b", pairs: list, missing: [], duplicates: [])
    }

    func state(_ set: PairSet? = nil, bothOrders: Bool = false, width: Int = 120, height: Int = 40) -> CompareState {
        let plan = ComparePlan(id: 1, modelA: "zephyr-7b", modelB: "orca-13b", reviewer: "ana", seed: 11, createdAt: "2026-11-27T08:00:00.000Z")
        return CompareState(width: width, height: height, reviewer: "ana", pairs: set ?? pairs(), plan: plan, bothOrders: bothOrders)
    }

    func screen(_ state: CompareState) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: state.width, height: state.height)
        compareRender(state, theme: theme, into: &buffer)
        return buffer
    }

    /// Presses a key and, like the engine, answers a verdict effect with `.judged`.
    @discardableResult
    func press(_ state: inout CompareState, _ key: KeyPress) -> [CompareEffect] {
        let effects = compareUpdate(&state, .key(key))
        for effect in effects {
            if case let .record(showing, verdict, _) = effect {
                _ = compareUpdate(&state, .judged(showing.showingKey, verdict))
            }
        }
        return effects
    }

    func testJudgingRecordsWhatIsOnScreenAndMovesOn() throws {
        var state = state()
        let first = try XCTUnwrap(state.current)
        XCTAssertEqual(state.showings, BlindOrder.showings(state.pairs, seed: 11, bothOrders: false))
        let effects = compareUpdate(&state, .key(.char("2")))
        let judged = JudgedShowing(first, in: state.pairs, plan: 1)
        XCTAssertEqual(effects, [.record(judged, .right, reviewer: "ana")])
        XCTAssertEqual(judged.leftModel, first.leftIsA ? "zephyr-7b" : "orca-13b")
        XCTAssertEqual(state.position, 0, "nothing moves before the verdict is stored")
        let moved = compareUpdate(&state, .judged(judged.showingKey, .right))
        XCTAssertEqual(state.position, 1)
        XCTAssertEqual(state.verdicts, [judged.showingKey: .right])
        XCTAssertEqual(state.message?.text, "Saved: right answer better on question \(state.pairs.pairs[first.pair].key.label).")
        XCTAssertEqual(moved.count, 1, "the next pair's preview is requested")
        guard case let .loadPreview(request, _)? = moved.first else { return XCTFail("\(moved)") }
        XCTAssertEqual(request.question, state.currentPair?.key)
        XCTAssertEqual(state.judgedCount, 1)
    }

    func testKeysOneTwoThreeAreLeftRightAndTie() {
        for (key, verdict) in [("1", PairVerdict.left), ("2", .right), ("3", .tie)] {
            var state = state()
            guard case let .record(_, said, _)? = compareUpdate(&state, .key(.char(Character(key)))).first else {
                return XCTFail("key \(key) recorded nothing")
            }
            XCTAssertEqual(said, verdict, key)
        }
    }

    func testSkippedPairsComeBackAfterTheUnjudgedOnes() {
        var state = state()
        press(&state, .char("s"))
        XCTAssertEqual(state.position, 1)
        XCTAssertEqual(state.skippedCount, 1)
        press(&state, .char("1"))
        press(&state, .char("1"))
        XCTAssertEqual(state.position, 3)
        press(&state, .char("3"))
        XCTAssertEqual(state.position, 0, "only the skipped pair is left")
        XCTAssertEqual(state.message?.text.hasPrefix("Saved: tie"), true)
        XCTAssertEqual(compareUpdate(&state, .key(.char("1"))).count, 1)
        _ = compareUpdate(&state, .judged(state.key(state.showings[0]), .left))
        XCTAssertEqual(state.position, 0)
        XCTAssertTrue(state.message?.text.contains("Every pair is judged") == true)
        XCTAssertEqual(state.judgedCount, 4)
        // s on a judged pair moves on without recording a skip over the verdict.
        XCTAssertEqual(press(&state, .char("s")), [])
    }

    func testUndoGoesBackToTheUndoneShowing() {
        var state = state()
        let firstKey = state.key(state.showings[0])
        press(&state, .char("1"))
        press(&state, .char("2"))
        XCTAssertEqual(state.position, 2)
        XCTAssertEqual(compareUpdate(&state, .key(.char("u"))), [.undo(reviewer: "ana", modelA: "zephyr-7b", modelB: "orca-13b")])
        _ = compareUpdate(&state, .undone(UndoneVerdict(key: firstKey, undone: .left, restored: nil)))
        XCTAssertEqual(state.position, 0)
        XCTAssertNil(state.verdicts[firstKey])
        XCTAssertEqual(state.message?.text, "Undone: your left answer better on question \(firstKey.question.label).")
        _ = compareUpdate(&state, .undone(nil))
        XCTAssertEqual(state.message?.text, "Nothing to undo in this comparison.")
    }

    func testModelNamesStayHiddenUntilThePairIsJudged() {
        var state = state()
        let before = screen(state).plainText()
        XCTAssertFalse(before.contains("zephyr") || before.contains("orca"), before)
        XCTAssertTrue(before.contains("blind"))
        _ = compareUpdate(&state, .key(.char("m")))
        XCTAssertEqual(state.message?.isError, true)
        XCTAssertTrue(state.revealed.isEmpty)
        press(&state, .char("1"))
        let afterJudging = screen(state).plainText()
        XCTAssertFalse(afterJudging.contains("zephyr") || afterJudging.contains("orca"), "the next pair is still blind")
        _ = compareUpdate(&state, .key(.char("[")))
        _ = compareUpdate(&state, .key(.char("m")))
        let models = state.showings[0].leftIsA ? ("zephyr-7b", "orca-13b") : ("orca-13b", "zephyr-7b")
        XCTAssertEqual(state.message?.text, "Answer 1: \(models.0) · answer 2: \(models.1).")
        let revealed = screen(state).plainText()
        XCTAssertTrue(revealed.contains("Left answer (1) · \(models.0)"), revealed)
        XCTAssertTrue(revealed.contains("Right answer (2) · \(models.1)"), revealed)
        XCTAssertTrue(revealed.contains("names shown"))
        _ = compareUpdate(&state, .key(.char("m")))
        XCTAssertFalse(screen(state).plainText().contains("zephyr"), "m hides them again")
    }

    func testWithBothOrdersNamesWaitForTheSecondOrder() throws {
        var state = state(pairs(3), bothOrders: true)
        XCTAssertEqual(state.showings.count, 6)
        press(&state, .char("1"))
        _ = compareUpdate(&state, .key(.char("[")))
        _ = compareUpdate(&state, .key(.char("m")))
        XCTAssertTrue(state.message?.text.hasPrefix("Judge both orders of this pair first") == true)
        let pair = state.showings[0].pair
        let second = try XCTUnwrap(state.showings.indices.first { $0 > 0 && state.showings[$0].pair == pair })
        XCTAssertTrue(screen(state).plainText().contains("order 1/2"))
        _ = compareUpdate(&state, .judged(state.key(state.showings[second]), .right))
        _ = compareUpdate(&state, .key(.char("m")))
        XCTAssertTrue(state.namesShown)
    }

    func testPanesScrollIndependently() {
        let long = (1...60).map { "Line \($0) of a long answer." }.joined(separator: "\n")
        var state = state(pairs(2, answerA: { _ in long }, answerB: { _ in long }))
        XCTAssertEqual(state.focus, .left)
        _ = compareUpdate(&state, .key(.char("j")))
        _ = compareUpdate(&state, .key(.char("j")))
        XCTAssertEqual(state.scroll, [0, 2, 0])
        _ = compareUpdate(&state, .key(.tab))
        XCTAssertEqual(state.focus, .right)
        _ = compareUpdate(&state, .key(.pageDown))
        let page = CompareLayout(width: 120, height: 40).right.height - 2
        XCTAssertEqual(state.scroll, [0, 2, page])
        for _ in 0..<200 { _ = compareUpdate(&state, .key(.char("j"))) }
        XCTAssertEqual(state.scroll[2], 60 - (CompareLayout(width: 120, height: 40).right.height - 1), "stops at the end")
        let text = screen(state).plainText()
        XCTAssertTrue(text.contains("Line 3 of a long answer."), "the left pane shows its own scroll")
        XCTAssertTrue(text.contains("Line 60 of a long answer."))
        _ = compareUpdate(&state, .key(.char("]")))
        XCTAssertEqual(state.scroll, [0, 0, 0], "a new pair starts at the top")
        _ = compareUpdate(&state, .key(.backTab))
        _ = compareUpdate(&state, .key(.backTab))
        XCTAssertEqual(state.focus, .question)
    }

    func testAnswersAreSideBySideOnWideTerminalsAndStackedOnNarrowOnes() {
        let wide = screen(state(width: 120, height: 40))
        let wideRows = (0..<40).map { wide.row(at: $0) }
        let row = wideRows.firstIndex { $0.contains("Left answer (1)") }
        XCTAssertNotNil(row)
        XCTAssertTrue(row.map { wideRows[$0].contains("Right answer (2)") } ?? false, "same row")

        let narrow = screen(state(width: 80, height: 24))
        let rows = (0..<24).map { narrow.row(at: $0) }
        let first = rows.firstIndex { $0.hasPrefix(" First answer (1)") }
        let second = rows.firstIndex { $0.hasPrefix(" Second answer (2)") }
        XCTAssertNotNil(first)
        XCTAssertNotNil(second)
        XCTAssertLessThan(first ?? 99, second ?? 0, rows.joined(separator: "\n"))
        XCTAssertTrue(rows.contains { $0.contains("The first model answers question") || $0.contains("Another answer to question") })
        XCTAssertTrue(rows[23].hasPrefix("1 first better  2 second better  3 tie"), rows[23])
        XCTAssertTrue(wideRows[39].hasPrefix("1 left better  2 right better  3 tie"), wideRows[39])
        XCTAssertTrue(screen(state(width: 50, height: 12)).plainText().contains("Terminal too small: 50x12."))
    }

    func testTheCaptionShowsOnDemand() {
        var state = state()
        XCTAssertFalse(screen(state).plainText().contains("A caption for picture"))
        XCTAssertTrue(screen(state).plainText().contains("c shows the caption"))
        _ = compareUpdate(&state, .key(.char("c")))
        let text = screen(state).plainText()
        XCTAssertTrue(text.contains("CAPTION"))
        XCTAssertTrue(text.contains("A caption for picture \(state.currentPair?.key.question ?? "")."), text)
    }

    func testUntrustedTextCannotReachTheTerminal() {
        let nasty = "Fine.\u{1B}]0;pwned\u{07} \u{1B}[2J\u{1B}[31mred\u{9B}1m\r\nbell\u{07}"
        let state = state(pairs(1, answerA: { _ in nasty }, answerB: { _ in nasty }))
        let buffer = screen(state)
        let text = buffer.plainText()
        XCTAssertFalse(text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B })
        XCTAssertTrue(text.contains("Fine.␛ ␛␛red␛"), text)
        XCTAssertTrue(text.contains("bell␇"), text)
    }

    func testANoteIsTypedAndSaved() {
        var state = state()
        let judged = state.currentJudged
        _ = compareUpdate(&state, .key(.char("n")))
        XCTAssertEqual(state.prompt?.label, "note: ")
        for character in "left is vague" { _ = compareUpdate(&state, .key(.char(character))) }
        _ = compareUpdate(&state, .key(.backspace))
        XCTAssertTrue(screen(state).plainText().contains("note: left is vagu"))
        let effects = compareUpdate(&state, .key(.enter))
        XCTAssertEqual(effects, [.note(judged!, text: "left is vagu", reviewer: "ana")])
        XCTAssertNil(state.prompt)
        _ = compareUpdate(&state, .noted(judged!.showingKey))
        XCTAssertEqual(state.message?.text, "Note saved.")
        XCTAssertTrue(screen(state).plainText().contains("1 note of yours on this pair"))
    }

    func testThePreviewRequestAlsoAsksForTheNextPairsImages() throws {
        // Given the first showing of four pairs, each with its own image
        var state = state()
        let effects = compareStartEffects(&state)
        guard case let .loadPreview(request, prefetch)? = effects.first else { return XCTFail("\(effects)") }

        // Then the next open pair's image (where a verdict moves) is rendered ahead, at the same size
        let next = try XCTUnwrap(state.nextOpen(after: state.position))
        let nextImage = state.pairs.pairs[state.showings[next].pair].key.image
        XCTAssertEqual(prefetch.first?.image, nextImage)
        XCTAssertFalse(prefetch.contains(request), "never the image on screen")
        XCTAssertTrue(prefetch.allSatisfy { $0.columns == request.columns && $0.rows == request.rows })

        // And after a verdict the new request's prefetch moves on with it
        let judged = try XCTUnwrap(state.currentJudged)
        _ = compareUpdate(&state, .key(.char("1")))
        let moved = compareUpdate(&state, .judged(judged.showingKey, .left))
        guard case let .loadPreview(now, ahead)? = moved.first else { return XCTFail("\(moved)") }
        XCTAssertEqual(now.image, nextImage)
        XCTAssertFalse(ahead.isEmpty)
        XCTAssertFalse(ahead.contains(now))
    }

    func testPreviewsForAnotherPairOrSizeAreDropped() throws {
        var state = state()
        let effects = compareStartEffects(&state)
        guard case let .loadPreview(request, _)? = effects.first else { return XCTFail("\(effects)") }
        XCTAssertEqual(request.question, state.currentPair?.key)
        XCTAssertEqual(request.imageRoot, "/nowhere")
        XCTAssertEqual([request.columns, request.rows], [46, 13])
        var stale = request
        stale.columns = 10
        _ = compareUpdate(&state, .previewLoaded(ComparePreview(request: stale, image: nil, caption: "old", problem: false)))
        XCTAssertNil(state.preview)
        let cells = (0..<(4 * 2)).map { _ in PreviewCell(character: "▀", fg: 196, bg: 21, fgDefault: false, bgDefault: false) }
        let info = ImageInfo(path: "/nowhere/img.jpg", format: .jpeg, width: 40, height: 10, bytes: 1000, extensionMatches: true)
        let image = PreviewImage(width: 4, height: 2, colors: .indexed256, cells: cells, info: info)
        _ = compareUpdate(&state, .previewLoaded(ComparePreview(request: request, image: image, caption: "img-0.jpg · 40×10", problem: false)))
        XCTAssertNotNil(state.preview)
        let buffer = screen(state)
        let layout = CompareLayout(width: 120, height: 40)
        let left = layout.image.x + 1 + (layout.image.width - 2 - 4) / 2
        XCTAssertEqual(buffer[left, 1], Cell(text: "▀", style: Style(fg: .indexed(196), bg: .indexed(21))))
        XCTAssertTrue(buffer.row(at: 3).contains("img-0.jpg · 40×10"))
        // A missing image says so.
        let missing = CompareEngine.preview(request)
        XCTAssertTrue(missing.problem)
        XCTAssertTrue(missing.caption.contains("missing"), missing.caption)
    }

    func testHelpListsThePairwiseKeys() {
        var state = state()
        _ = compareUpdate(&state, .key(.char("?")))
        let text = screen(state).plainText()
        XCTAssertTrue(text.contains("Keys of the pairwise view"))
        XCTAssertTrue(text.contains("The left (first) answer is better"))
        _ = compareUpdate(&state, .key(.char("x")))
        XCTAssertNil(state.help)
        _ = compareUpdate(&state, .key(.char("x")))
        XCTAssertEqual(state.message?.text, "x does nothing here; ? shows the keys.")
        XCTAssertEqual(compareUpdate(&state, .key(.char("q"))), [.quit])
        XCTAssertTrue(state.quitting)
    }
}
