import Foundation
@testable import WinnowCore
import WinnowTestSupport
import XCTest
@testable import WinnowTUI

/// Previews in the review UI: which requests update() makes, that stale results are dropped,
/// what the pane draws, the cache and the background service.
final class PreviewTests: XCTestCase {
    let theme = Theme.builtin("dark") ?? Theme(name: "plain", styles: [:])

    func rows(_ count: Int, image: (Int) -> String? = { "img/\($0).png" }, root: String? = "/data") -> [ItemRow] {
        (1...count).map { ItemRow(id: Int64($0), source: "demo", image: image($0), imageRoot: root, instruction: "Describe \($0).") }
    }

    func loaded(width: Int = 120, height: Int = 40, rows: [ItemRow]) -> (AppState, [Effect]) {
        var state = AppState(width: width, height: height, reviewer: "ana")
        let effects = update(&state, .windowLoaded(generation: 0, rows: rows, windowStart: 0, atEnd: true, selectedItem: rows.first?.id))
        return (state, effects)
    }

    func previewEffect(_ effects: [Effect]) -> (wanted: PreviewRequest?, prefetch: [PreviewRequest])? {
        for effect in effects {
            if case let .preview(wanted, prefetch) = effect { return (wanted, prefetch) }
        }
        return nil
    }

    func testSelectingAnItemRequestsItsPreviewAtThePaneSizeAndPrefetchesTheNextOnes() throws {
        let (state, effects) = loaded(rows: rows(10))
        let request = try XCTUnwrap(previewEffect(effects))
        let pane = Layout(width: 120, height: 40).preview
        XCTAssertEqual(request.wanted, PreviewRequest(item: 1, image: "img/1.png", imageRoot: "/data", columns: pane.width - 2,
                                                      rows: pane.height - 2, colors: .indexed256, cellAspect: 2))
        XCTAssertEqual(request.prefetch.map(\.item), [2, 3, 4])
        XCTAssertEqual(state.preview, nil)
    }

    func testStaleResultsAreDropped() throws {
        var (state, first) = loaded(rows: rows(10))
        let forOne = try XCTUnwrap(previewEffect(first)?.wanted)
        let moved = update(&state, .command(.moveDown))
        let forTwo = try XCTUnwrap(previewEffect(moved)?.wanted)
        XCTAssertEqual(forTwo.item, 2)
        XCTAssertEqual(previewEffect(moved)?.prefetch.map(\.item), [3, 4, 5, 1])

        // Item 1's preview arrives after the reviewer moved on: dropped.
        _ = update(&state, .previewLoaded(PreviewState(request: forOne, problem: .missing("img/1.png"))))
        XCTAssertNil(state.preview)
        // Item 2's, rendered for another pane size (before a resize): dropped too.
        var resizedRequest = forTwo
        resizedRequest.columns += 7
        _ = update(&state, .previewLoaded(PreviewState(request: resizedRequest, problem: .missing("img/2.png"))))
        XCTAssertNil(state.preview)
        // The one that matches is shown.
        _ = update(&state, .previewLoaded(PreviewState(request: forTwo, problem: .missing("img/2.png"))))
        XCTAssertEqual(state.preview?.request, forTwo)
        first = update(&state, .command(.moveDown))
        XCTAssertEqual(previewEffect(first)?.wanted?.item, 3)
    }

    func testResizeAsksForThePreviewAtTheNewSize() throws {
        var (state, effects) = loaded(rows: rows(3))
        let before = try XCTUnwrap(previewEffect(effects)?.wanted)
        _ = update(&state, .previewLoaded(PreviewState(request: before, problem: .missing("img/1.png"))))
        XCTAssertTrue(previewEffect(update(&state, .resized(width: 120, height: 40))) == nil, "same size: nothing to do")
        let after = try XCTUnwrap(previewEffect(update(&state, .resized(width: 80, height: 24)))?.wanted)
        let pane = Layout(width: 80, height: 24).preview
        XCTAssertEqual([after.columns, after.rows], [pane.width - 2, pane.height - 2])
    }

    func testFullScreenPreviewOpensWithZAndAnyKeyReturns() throws {
        var (state, effects) = loaded(rows: rows(3))
        let pane = try XCTUnwrap(previewEffect(effects)?.wanted)
        _ = update(&state, .previewLoaded(PreviewState(request: pane, problem: .missing("img/1.png"))))
        let full = try XCTUnwrap(previewEffect(update(&state, .key(.char("z"))))?.wanted)
        XCTAssertEqual(state.overlay, .previewFullscreen)
        XCTAssertEqual([full.columns, full.rows], [120, 39])
        _ = update(&state, .previewLoaded(PreviewState(request: full, problem: .missing("img/1.png"))))
        XCTAssertEqual(state.preview?.request, full)
        let back = try XCTUnwrap(previewEffect(update(&state, .key(.char("x"))))?.wanted)
        XCTAssertNil(state.overlay)
        XCTAssertEqual(back, pane)
    }

    func testTextOnlyItemsAreNotPrefetchedButStillShowTheirState() throws {
        let (_, effects) = loaded(rows: rows(5, image: { $0 % 2 == 0 ? nil : "img/\($0).png" }))
        let request = try XCTUnwrap(previewEffect(effects))
        XCTAssertEqual(request.prefetch.map(\.item), [3])
        XCTAssertEqual(PreviewState.render(PreviewRequest(item: 2, image: nil, imageRoot: nil, columns: 10, rows: 5,
                                                          colors: .mono, cellAspect: 2)).problem, .noImage)
    }

    /// A solid red PNG, decoded and rendered for real, appears in the pane as red cells.
    func testSolidColourImageIsDrawnAsCellsOfThatColour() throws {
        let scratch = try Scratch()
        let path = scratch.path("red.png")
        var pixels: [UInt8] = []
        for _ in 0..<(64 * 48) { pixels += [255, 0, 0] }
        try ImageDecoder.write(DecodedImage(width: 64, height: 48, rowStride: 64 * 3, hasAlpha: false, pixels: pixels),
                               format: .png, to: path)
        var (state, effects) = loaded(rows: [ItemRow(id: 1, image: "red.png", imageRoot: scratch.url.path)])
        var wanted = try XCTUnwrap(previewEffect(effects)?.wanted)
        XCTAssertEqual(wanted.colors, .indexed256)
        state.previewSettings.colors = .trueColor
        wanted.colors = .trueColor
        let preview = PreviewState.render(wanted)
        let image = try XCTUnwrap(preview.image, "\(String(describing: preview.problem))")
        _ = update(&state, .previewLoaded(preview))
        XCTAssertEqual(state.preview, preview)

        var screen = ScreenBuffer(width: 120, height: 40)
        render(state, theme: theme, into: &screen)
        let pane = Layout(width: 120, height: 40).preview
        var red = 0
        for y in (pane.y + 1)..<(pane.y + pane.height - 1) {
            for x in (pane.x + 1)..<(pane.x + pane.width - 1) {
                let style = screen[x, y].style
                let shows = screen[x, y].text == " " ? style.bg : style.fg
                if shows == .rgb(255, 0, 0) { red += 1 }
            }
        }
        XCTAssertEqual(red, image.width * image.height, "every cell of the picture is red")
        // The caption: name, pixel size, real format.
        let caption = (0..<screen.width).map { screen[$0, pane.y + pane.height - 1].text }.joined()
        XCTAssertTrue(caption.contains("red.png  64×48"), caption)
        XCTAssertTrue(caption.contains("PNG"), caption)
    }

    /// A space shows only its background, so in the screen cells it takes the foreground of
    /// its left neighbour: same-coloured spaces then share one colour pair and the terminal is
    /// sent fewer colour changes. Symbols and the first column keep their own colours.
    func testSpacesTakeTheForegroundOfTheirLeftNeighbour() {
        func cell(_ character: Character, _ fg: UInt32, _ bg: UInt32) -> PreviewCell {
            PreviewCell(character: character, fg: fg, bg: bg, fgDefault: false, bgDefault: false)
        }
        let info = ImageInfo(path: "/x/a.png", format: .png, width: 3, height: 2, bytes: 1, extensionMatches: true)
        let image = PreviewImage(width: 3, height: 2, colors: .indexed256,
                                 cells: [cell(" ", 40, 40), cell("▀", 100, 40), cell(" ", 40, 40),
                                         cell(" ", 50, 50), cell(" ", 60, 50), cell("▄", 70, 80)], info: info)
        let cells = image.screenCells.cells
        XCTAssertEqual(cells.map(\.text), [" ", "▀", " ", " ", " ", "▄"])
        XCTAssertEqual(cells.map(\.style.bg), [40, 40, 40, 50, 50, 80].map { Color.indexed($0) })
        XCTAssertEqual(cells.map(\.style.fg), [40, 100, 100, 50, 50, 70].map { Color.indexed($0) })
        XCTAssertEqual(cells[1].style, cells[2].style, "the space after the symbol needs no colour change")
        XCTAssertEqual(cells[3].style, cells[4].style, "same-coloured spaces share their colours")
    }

    func testWrongExtensionIsFlaggedInTheCaption() throws {
        let scratch = try Scratch()
        try ImageDecoder.write(DecodedImage(width: 8, height: 8, rowStride: 24, hasAlpha: false, pixels: [UInt8](repeating: 90, count: 192)),
                               format: .png, to: scratch.path("photo.jpg"))
        let preview = PreviewState.render(PreviewRequest(item: 1, image: "photo.jpg", imageRoot: scratch.url.path, columns: 20,
                                                         rows: 10, colors: .ansi16, cellAspect: 2))
        XCTAssertEqual(preview.caption?.contains("really PNG"), true, preview.caption ?? "no caption")
    }

    func testAnEscapingPathShowsWhyInsteadOfAPicture() throws {
        let scratch = try Scratch()
        var (state, effects) = loaded(rows: [ItemRow(id: 1, image: "../../etc/passwd", imageRoot: scratch.url.path)])
        let preview = PreviewState.render(try XCTUnwrap(previewEffect(effects)?.wanted))
        XCTAssertEqual(preview.problem, .outsideRoot("../../etc/passwd"))
        _ = update(&state, .previewLoaded(preview))
        var screen = ScreenBuffer(width: 120, height: 40)
        render(state, theme: theme, into: &screen)
        XCTAssertTrue(screen.plainText().contains("outside the image root"), screen.plainText())
    }

    // MARK: - Cache and service

    static func fakePreview(_ request: PreviewRequest) -> PreviewState {
        let cells = Array(repeating: PreviewCell(character: "█", fg: 9, bg: 9, fgDefault: false, bgDefault: false),
                          count: request.columns * request.rows)
        let info = ImageInfo(path: "/x/\(request.item).png", format: .png, width: 10, height: 10, bytes: 100, extensionMatches: true)
        return PreviewState(request: request, image: PreviewImage(width: request.columns, height: request.rows, colors: .ansi16,
                                                                  cells: cells, info: info))
    }

    func request(_ item: Int64, columns: Int = 40, rows: Int = 20) -> PreviewRequest {
        PreviewRequest(item: item, image: "\(item).png", imageRoot: "/x", columns: columns, rows: rows, colors: .ansi16, cellAspect: 2)
    }

    func testCacheIsBoundedInBytesAndEvictsTheLeastRecentlyUsed() {
        let one = Self.fakePreview(request(1))
        var cache = PreviewCache(byteLimit: one.byteCost * 3)
        for item in 1...3 { cache.put(Self.fakePreview(request(Int64(item)))) }
        XCTAssertEqual(cache.count, 3)
        XCTAssertNotNil(cache.get(request(1)))       // 1 is now the most recently used
        cache.put(Self.fakePreview(request(4)))
        XCTAssertNil(cache.get(request(2)), "the least recently used went")
        XCTAssertNotNil(cache.get(request(1)))
        XCTAssertNotNil(cache.get(request(4)))
        XCTAssertLessThanOrEqual(cache.bytes, cache.byteLimit)
        XCTAssertNil(cache.get(request(1, columns: 41)), "another size is another preview")
    }

    /// Holding j: a hundred requests while a slow render is in progress end with the last one
    /// delivered, and the ones passed over are never rendered.
    func testServiceRendersWhereTheReviewerStopsAndDropsWhatWasPassedOver() throws {
        let rendered = Locked<[Int64]>([])
        let delivered = Locked<[Int64]>([])
        let done = expectation(description: "last delivered")
        let service = PreviewService(renderer: { request in
            usleep(20_000)
            rendered.mutate { $0.append(request.item) }
            return Self.fakePreview(request)
        }, deliver: { state in
            delivered.mutate { $0.append(state.item) }
            if state.item == 100 { done.fulfill() }
        })
        defer { service.stop() }
        for item in 1...100 {
            XCTAssertNil(service.request(request(Int64(item))))
            usleep(300)
        }
        wait(for: [done], timeout: 10)
        usleep(50_000)
        XCTAssertEqual(delivered.value.last, 100)
        XCTAssertLessThan(rendered.value.count, 10, "passed-over items are not rendered: \(rendered.value)")
        // Now cached: the same request is answered at once.
        let started = Date()
        XCTAssertEqual(service.request(request(100))?.item, 100)
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.01)
    }

    func testPrefetchedPreviewsAreReadyWhenTheReviewerStepsForward() throws {
        let delivered = expectation(description: "first delivered")
        let service = PreviewService(renderer: { Self.fakePreview($0) }, deliver: { _ in delivered.fulfill() })
        defer { service.stop() }
        XCTAssertNil(service.request(request(1), prefetch: [request(2), request(3)]))
        wait(for: [delivered], timeout: 5)
        let deadline = Date().addingTimeInterval(5)
        while service.cached.count < 3, Date() < deadline { usleep(1000) }
        XCTAssertEqual(service.request(request(2), prefetch: [request(3), request(4)])?.item, 2)
        XCTAssertEqual(service.request(request(3))?.item, 3)
    }
}

final class GraphicsPlacementTests: XCTestCase {
    /// Sixel or kitty previews: the pane's cells stay blank for the picture, which goes
    /// centred over them, and nowhere while an overlay covers the pane or another item is shown.
    func testGraphicsGoOverThePaneOnlyWhenNothingCoversIt() throws {
        var state = AppState(width: 120, height: 40, reviewer: "ana")
        state.previewSettings.graphics = .sixel
        let rows = [ItemRow(id: 1, image: "a.png", imageRoot: "/x"), ItemRow(id: 2, image: "b.png", imageRoot: "/x")]
        let effects = update(&state, .windowLoaded(generation: 0, rows: rows, windowStart: 0, atEnd: true, selectedItem: 1))
        guard case let .preview(wanted?, _)? = effects.last else { return XCTFail("\(effects)") }
        XCTAssertEqual(wanted.graphics, .sixel)
        let info = ImageInfo(path: "/x/a.png", format: .png, width: 400, height: 300, bytes: 1000, extensionMatches: true)
        let graphics = GraphicsImage(columns: 20, rows: 7, protocolName: .sixel, escape: Array("\u{1B}Pq#0\u{1B}\\".utf8), info: info)
        _ = update(&state, .previewLoaded(PreviewState(request: wanted, graphics: graphics)))

        let pane = Layout(width: 120, height: 40).preview
        let placed = try XCTUnwrap(graphicsPlacement(state))
        XCTAssertEqual(placed.x, pane.x + 1 + (pane.width - 2 - 20) / 2)
        XCTAssertEqual(placed.y, pane.y + 1 + (pane.height - 2 - 7) / 2)
        var screen = ScreenBuffer(width: 120, height: 40)
        render(state, theme: Theme.builtin("dark")!, into: &screen)
        XCTAssertEqual(screen[placed.x + 3, placed.y + 2].text, " ", "the cells under the picture are blank")
        XCTAssertTrue(screen.plainText().contains("a.png  400×300"), "the caption is text as usual")

        _ = update(&state, .key(.char("?")))
        XCTAssertNil(graphicsPlacement(state), "the help covers the pane")
        _ = update(&state, .key(.escape))
        XCTAssertNotNil(graphicsPlacement(state))
        _ = update(&state, .key(.char("j")))
        XCTAssertNil(graphicsPlacement(state), "item 2 has no picture yet")
    }
}
