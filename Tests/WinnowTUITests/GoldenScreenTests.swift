import Foundation
import WinnowCore
import XCTest
@testable import WinnowTUI

/// The rendered screen buffer, cell by cell with styles, against snapshot files in
/// Tests/WinnowTUITests/Snapshots. Re-record with `RECORD_SNAPSHOTS=1 swift test --filter GoldenScreenTests`.
final class GoldenScreenTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    let theme = Theme.builtin("dark") ?? Theme(name: "plain", styles: [:])

    func detail(id: Int64, turns: [Turn], caption: String? = "A cup of coffee on a wooden table.") -> ItemDetail {
        ItemDetail(id: id, origId: "\"demo-\(id)\"", source: "demo", sourceFile: "/data/demo.json", recordIndex: Int(id) - 1,
                   importId: 1, importedAt: "2026-11-27T08:00:00.000Z", image: "images/coffee.png", imageRoot: "/data",
                   caption: caption, model: "mixtral-8x7b", category: nil, status: .pending, formatFlags: [],
                   turns: turns, version: 0, editedBy: nil,
                   scores: [.init(name: "caption_leak", value: 2, scorer: "caption_leak", version: "1", detail: nil)],
                   history: [.init(time: "2026-11-27T08:01:00.000Z", reviewer: "ana", kind: "verdict", verdict: "rejected", note: nil, active: false)],
                   removed: false)
    }

    func state(width: Int, height: Int, answer: String = "An espresso with golden crema, as described in the caption.") -> AppState {
        var state = AppState(width: width, height: height, reviewer: "ana")
        let statuses: [ItemStatus] = [.pending, .accepted, .rejected, .skipped]
        var rows: [ItemRow] = []
        for index in 1...30 {
            let model = index % 3 == 0 ? "gpt-4v" : "mixtral-8x7b"
            let scores: [String: Double] = ["caption_leak": Double(index % 3), "refusal": index % 5 == 0 ? 1.0 : 0.0]
            rows.append(ItemRow(id: Int64(index), origId: "\"demo-\(index)\"", source: "demo", model: model,
                                image: "images/coffee.png", imageRoot: "/data", status: statuses[index % 4], instruction: "Describe image number \(index) in detail.",
                                scores: scores))
        }
        _ = update(&state, .scoreNamesLoaded(["caption_leak", "refusal"]))
        _ = update(&state, .windowLoaded(generation: 0, rows: rows, windowStart: 0, atEnd: true, selectedItem: 1))
        _ = update(&state, .countLoaded(generation: 0, total: 30, counts: [.pending: 8, .accepted: 8, .rejected: 7, .skipped: 7]))
        _ = update(&state, .detailLoaded(detail(id: 1, turns: [Turn(role: "human", text: "<image>\nDescribe this image."),
                                                               Turn(role: "gpt", text: answer)])))
        if let request = wantedPreview(state) {
            _ = update(&state, .previewLoaded(PreviewState(request: request, image: Self.gradient(request))))
        }
        return state
    }

    /// A 4:3 picture of 256-colour cells (a gradient), as chafa would give for a 640×480 PNG.
    static func gradient(_ request: PreviewRequest) -> PreviewImage {
        let size = PreviewRenderer.cellSize(imageWidth: 640, imageHeight: 480, columns: request.columns, rows: request.rows)
        var cells: [PreviewCell] = []
        for y in 0..<size.rows {
            for x in 0..<size.columns {
                cells.append(PreviewCell(character: "▀", fg: UInt32(16 + (x * 6 / max(1, size.columns)) * 36 + y % 6),
                                         bg: UInt32(232 + y % 24), fgDefault: false, bgDefault: false))
            }
        }
        let info = ImageInfo(path: "/data/images/coffee.png", format: .png, width: 640, height: 480, bytes: 320_512, extensionMatches: true)
        return PreviewImage(width: size.columns, height: size.rows, colors: .indexed256, cells: cells, info: info)
    }

    func assertSnapshot(_ state: AppState, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        var screen = ScreenBuffer(width: state.width, height: state.height)
        render(state, theme: theme, into: &screen)
        let text = screen.styledText()
        // Whatever the data held, no cell carries a control character.
        for y in 0..<screen.height {
            for x in 0..<screen.width {
                XCTAssertFalse(screen[x, y].text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                               "control character at \(x),\(y)", file: file, line: line)
            }
        }
        let url = Self.folder.appendingPathComponent("\(name).txt")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            return XCTFail("no snapshot \(url.path); record it with RECORD_SNAPSHOTS=1", file: file, line: line)
        }
        XCTAssertEqual(text, expected, "screen \(name) differs from its snapshot", file: file, line: line)
    }

    func testListAndDetailAt80x24() throws { try assertSnapshot(state(width: 80, height: 24), "list-80x24") }

    func testListAndDetailAt120x40() throws { try assertSnapshot(state(width: 120, height: 40), "list-120x40") }

    func testDetailFocusedAndScrolled() throws {
        var state = state(width: 120, height: 40)
        _ = update(&state, .key(.enter))
        _ = update(&state, .key(.char("j")))
        try assertSnapshot(state, "detail-focused-120x40")
    }

    func testHelpOverlay() throws {
        var state = state(width: 120, height: 40)
        _ = update(&state, .key(.char("?")))
        try assertSnapshot(state, "help-120x40")
    }

    func testFilterError() throws {
        var state = state(width: 80, height: 24)
        _ = update(&state, .key(.char("f")))
        for character in "status:maybe" { _ = update(&state, .key(.char(character))) }
        _ = update(&state, .key(.enter))
        try assertSnapshot(state, "filter-error-80x24")
    }

    func testTooSmall() throws { try assertSnapshot(state(width: 50, height: 12), "too-small-50x12") }

    func testWideCharactersTakeTheirCells() throws {
        try assertSnapshot(state(width: 80, height: 24, answer: "猫が窓辺で眠っています 😀👨‍👩‍👧 café e\u{301}"), "cjk-emoji-80x24")
    }

    func testEscapeSequencesAreNeutralised() throws {
        try assertSnapshot(state(width: 80, height: 24, answer: "ok\u{1B}]0;pwned\u{07} then \u{1B}[2J cleared \u{9B}31m red \u{7}bell"),
                           "escapes-80x24")
    }
}
