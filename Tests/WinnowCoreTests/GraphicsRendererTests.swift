import Foundation
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// Sixel and kitty encodings of real images through the shared decoder.
final class GraphicsRendererTests: XCTestCase {
    func redPNG(_ scratch: Scratch) throws -> String {
        let path = scratch.path("red.png")
        try ImageDecoder.write(ImagingFixtures.solid(width: 120, height: 80, rgb: (255, 0, 0)), format: .png, to: path)
        return path
    }

    func testSixelIsADeviceControlStringWithTheCellSizeKept() throws {
        let scratch = try Scratch()
        let image = try GraphicsRenderer.render(path: try redPNG(scratch), columns: 30, rows: 10, protocol: .sixel)
        XCTAssertEqual(image.protocolName, .sixel)
        // 120×80 at 10×20-pixel cells: 30 columns would need 10 rows (30*10/1.5 = 200 px = 10 rows).
        XCTAssertEqual([image.columns, image.rows], [30, 10])
        let text = String(decoding: image.escape, as: UTF8.self)
        XCTAssertTrue(text.contains("\u{1B}P"), "a DCS introducer")
        XCTAssertTrue(text.contains("q"), "the sixel command")
        XCTAssertTrue(text.hasSuffix("\u{1B}\\"), "the string terminator")
        XCTAssertTrue(text.contains("#"), "a colour register")
    }

    func testKittyIsAnAPCSequenceWithPixels() throws {
        let scratch = try Scratch()
        let image = try GraphicsRenderer.render(path: try redPNG(scratch), columns: 20, rows: 8, protocol: .kitty)
        let text = String(decoding: image.escape, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("\u{1B}_G"), String(text.prefix(40)))
        XCTAssertGreaterThan(image.escape.count, 100)
    }

    func testProblemsAreTheSameAsForSymbols() throws {
        let scratch = try Scratch()
        let header = [UInt8]([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
                              0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30, 8, 2, 0, 0, 0, 0, 0, 0, 0])
        let huge = scratch.write("huge.png", bytes: header)
        XCTAssertThrowsError(try GraphicsRenderer.render(path: huge, columns: 20, rows: 8, protocol: .sixel)) { error in
            guard case .tooLarge(_, 30000, 30000, _)? = error as? ImageProblem else { return XCTFail("\(error)") }
        }
    }

    func testDetectionDrawsSymbolsInsideTmux() {
        XCTAssertNil(GraphicsProtocol.detect(environment: ["TERM": "xterm-kitty", "TMUX": "/tmp/x,1,0"]))
        XCTAssertNil(GraphicsProtocol.detect(environment: ["TERM": "tmux-256color"]))
        XCTAssertEqual(GraphicsProtocol.detect(environment: ["TERM": "xterm-kitty"]), .kitty)
        XCTAssertEqual(GraphicsProtocol.detect(environment: ["TERM": "foot"]), .sixel)
        XCTAssertNil(GraphicsProtocol.detect(environment: ["TERM": "xterm-256color"]))
    }
}
