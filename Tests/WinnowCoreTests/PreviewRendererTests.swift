import Foundation
import XCTest
@testable import WinnowCore

/// Rendering into cells with the real libchafa: colours per mode, aspect ratio, memory.
final class PreviewRendererTests: XCTestCase {
    static let allowedSymbols: Set<Character> = {
        // Blocks, borders, spaces and half blocks are all narrow: none may be wide.
        var set = Set<Character>()
        for scalar in (0x20 ... 0x7E).compactMap(Unicode.Scalar.init) + (0x2500 ... 0x259F).compactMap(Unicode.Scalar.init)
            + (0x1FB00 ... 0x1FBFF).compactMap(Unicode.Scalar.init) {
            set.insert(Character(scalar))
        }
        return set
    }()

    func writeSolidRed(_ folder: String) throws -> String {
        let path = folder + "/red.png"
        try ImageDecoder.write(ImagingFixtures.solid(width: 64, height: 64, rgb: (255, 0, 0)), format: .png, to: path)
        return path
    }

    func testSolidRedInTrueColor() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        let preview = try PreviewRenderer.render(path: try writeSolidRed(folder), columns: 20, rows: 10, colors: .trueColor)
        XCTAssertEqual([preview.width, preview.height], [20, 10])
        XCTAssertEqual(preview.cells.count, 200)
        XCTAssertEqual(preview.info.format, .png)
        func isRed(_ rgb: UInt32) -> Bool {
            Int(rgb >> 16) >= 245 && Int(rgb >> 8 & 0xFF) <= 10 && Int(rgb & 0xFF) <= 10
        }
        for cell in preview.cells {
            // Whatever symbol chafa picks, every colour it uses is red.
            XCTAssertTrue(!cell.bgDefault || !cell.fgDefault, "\(cell)")
            if !cell.bgDefault { XCTAssertTrue(isRed(cell.bg), String(cell.bg, radix: 16)) }
            if !cell.fgDefault { XCTAssertTrue(isRed(cell.fg), String(cell.fg, radix: 16)) }
        }
    }

    func testSolidRedInIndexedModes() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        let path = try writeSolidRed(folder)
        // xterm colour 196 is #ff0000; ncurses colour 9 is bright red.
        for (colors, red) in [(PreviewColors.indexed256, UInt32(196)), (.ansi16, UInt32(9))] {
            let preview = try PreviewRenderer.render(path: path, columns: 16, rows: 8, colors: colors)
            XCTAssertEqual(preview.colors, colors)
            for cell in preview.cells {
                if !cell.bgDefault { XCTAssertEqual(cell.bg, red, colors.rawValue) }
                if !cell.fgDefault { XCTAssertEqual(cell.fg, red, colors.rawValue) }
            }
        }
    }

    func testIndexed256UsesNcursesColours16To255() throws {
        let preview = try PreviewRenderer.render(path: try ImagingFixtures.shared("astronaut.png"), columns: 60, rows: 30,
                                                 colors: .indexed256)
        var used = Set<UInt32>()
        for cell in preview.cells {
            if !cell.fgDefault { used.insert(cell.fg) }
            if !cell.bgDefault { used.insert(cell.bg) }
        }
        XCTAssertGreaterThan(used.count, 20)
        XCTAssertTrue(used.allSatisfy { (16 ... 255).contains($0) }, "\(used.sorted())")
        let sixteen = try PreviewRenderer.render(path: try ImagingFixtures.shared("astronaut.png"), columns: 60, rows: 30,
                                                 colors: .ansi16)
        XCTAssertTrue(sixteen.cells.allSatisfy { ($0.fgDefault || $0.fg < 16) && ($0.bgDefault || $0.bg < 16) })
    }

    func testMonoUsesDefaultColoursOnly() throws {
        let preview = try PreviewRenderer.render(path: try ImagingFixtures.shared("camera.png"), columns: 40, rows: 20, colors: .mono)
        XCTAssertEqual(preview.cells.count, preview.width * preview.height)
        XCTAssertTrue(preview.cells.allSatisfy { $0.fgDefault && $0.bgDefault && $0.fg == 0 && $0.bg == 0 })
        XCTAssertGreaterThan(Set(preview.cells.map(\.character)).count, 2, "a photo needs more than one symbol")
    }

    func testAspectRatioForCellShape() throws {
        XCTAssertTrue(PreviewRenderer.cellSize(imageWidth: 200, imageHeight: 100, columns: 40, rows: 40) == (40, 10))
        XCTAssertTrue(PreviewRenderer.cellSize(imageWidth: 100, imageHeight: 100, columns: 60, rows: 21) == (42, 21))
        XCTAssertTrue(PreviewRenderer.cellSize(imageWidth: 2250, imageHeight: 1500, columns: 60, rows: 21) == (60, 20))
        XCTAssertTrue(PreviewRenderer.cellSize(imageWidth: 1500, imageHeight: 2250, columns: 60, rows: 21) == (28, 21))
        XCTAssertTrue(PreviewRenderer.cellSize(imageWidth: 100, imageHeight: 100, columns: 60, rows: 60, cellAspect: 1) == (60, 60))
        XCTAssertTrue(PreviewRenderer.cellSize(imageWidth: 10_000, imageHeight: 1, columns: 60, rows: 21) == (60, 1))
        XCTAssertTrue(PreviewRenderer.cellSize(imageWidth: 0, imageHeight: 1, columns: 60, rows: 21) == (0, 0))

        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        let wide = folder + "/wide.png"
        try ImageDecoder.write(ImagingFixtures.solid(width: 200, height: 100, rgb: (0, 90, 200)), format: .png, to: wide)
        let preview = try PreviewRenderer.render(path: wide, columns: 40, rows: 40, colors: .trueColor, cellAspect: 2)
        XCTAssertEqual([preview.width, preview.height], [40, 10])
    }

    func testSharedImagesInEveryMode() throws {
        let names = ["coffee.png", "camera.png", "astronaut.png", "horse.png", "rocket.jpg", "hubble_deep_field.jpg", "text.png"]
        for name in names {
            for colors in PreviewColors.allCases {
                let preview = try PreviewRenderer.render(path: try ImagingFixtures.shared(name), columns: 60, rows: 21, colors: colors)
                XCTAssertLessThanOrEqual(preview.width, 60)
                XCTAssertLessThanOrEqual(preview.height, 21)
                XCTAssertTrue(preview.width == 60 || preview.height == 21, "\(name) fills one dimension")
                XCTAssertEqual(preview.cells.count, preview.width * preview.height)
                for cell in preview.cells {
                    XCTAssertTrue(Self.allowedSymbols.contains(cell.character), "\(name) \(colors): \(cell.character.unicodeScalars.first?.value ?? 0)")
                }
                XCTAssertGreaterThan(preview.byteCost, preview.cells.count * 16)
            }
        }
    }

    func testTransparentPixelsUseDefaultBackground() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        var image = ImagingFixtures.solid(width: 64, height: 64, rgb: (0, 0, 0))
        var rgba: [UInt8] = []
        for y in 0 ..< 64 { for _ in 0 ..< 64 { rgba += y < 32 ? [0, 200, 0, 255] : [0, 0, 0, 0] } }
        image = DecodedImage(width: 64, height: 64, rowStride: 256, hasAlpha: true, pixels: rgba)
        let path = folder + "/half.png"
        try ImageDecoder.write(image, format: .png, to: path)
        let preview = try PreviewRenderer.render(path: path, columns: 16, rows: 8, colors: .trueColor)
        XCTAssertEqual([preview.width, preview.height], [16, 8])
        XCTAssertTrue((0 ..< 16).allSatisfy { preview[$0, 7].bgDefault }, "the transparent bottom row")
        XCTAssertTrue((0 ..< 16).allSatisfy { !preview[$0, 0].bgDefault || !preview[$0, 0].fgDefault }, "the opaque top row")
    }

    func testRenderingDecodedPixelsMatchesRenderingTheFile() throws {
        let path = try ImagingFixtures.shared("coffee.png")
        let fromFile = try PreviewRenderer.render(path: path, columns: 50, rows: 20, colors: .indexed256)
        let image = try ImageDecoder.decode(path: path)
        let fromPixels = PreviewRenderer.render(image, info: try ImageFiles.probe(path: path), columns: 50, rows: 20,
                                                colors: .indexed256)
        XCTAssertEqual(fromFile, fromPixels)
    }

    func testOddWidthsWithTightRowsAreNotSheared() throws {
        // libchafa 1.12 shears RGB rows whose stride is not a multiple of 4; the renderer realigns them.
        var pixels: [UInt8] = []
        for _ in 0 ..< 50 { for x in 0 ..< 101 { pixels += x < 50 ? [255, 0, 0] : [0, 0, 255] } }
        let image = DecodedImage(width: 101, height: 50, rowStride: 303, hasAlpha: false, pixels: pixels)
        let info = ImageInfo(path: "/split.png", format: .png, width: 101, height: 50, bytes: 0, extensionMatches: true)
        let preview = PreviewRenderer.render(image, info: info, columns: 40, rows: 40, colors: .trueColor)
        XCTAssertEqual([preview.width, preview.height], [40, 10])
        for y in 0 ..< preview.height {
            for x in [0, 1, 2, 15, 16] { XCTAssertEqual(preview[x, y].bg, 0xFF0000, "(\(x), \(y))") }
            for x in [23, 24, 37, 38, 39] { XCTAssertEqual(preview[x, y].bg, 0x0000FF, "(\(x), \(y))") }
        }
        // A real photo with an odd width (451 pixels): tight rows, padded rows and the file agree.
        let chelsea = try ImagingFixtures.shared("chelsea.png")
        let fromFile = try PreviewRenderer.render(path: chelsea, columns: 50, rows: 20, colors: .trueColor)
        let decoded = try ImageDecoder.decode(path: chelsea)
        var tight: [UInt8] = []
        for row in 0 ..< decoded.height {
            tight += decoded.pixels[row * decoded.rowStride ..< row * decoded.rowStride + decoded.width * 3]
        }
        let tightImage = DecodedImage(width: decoded.width, height: decoded.height, rowStride: decoded.width * 3,
                                      hasAlpha: false, pixels: tight)
        XCTAssertEqual(PreviewRenderer.render(tightImage, info: fromFile.info, columns: 50, rows: 20, colors: .trueColor), fromFile)
        XCTAssertEqual(PreviewRenderer.render(decoded, info: fromFile.info, columns: 50, rows: 20, colors: .trueColor), fromFile)
    }

    func testMalformedPixelsAndEmptyAreasGiveEmptyPreviews() throws {
        let info = ImageInfo(path: "/x.png", format: .png, width: 10, height: 10, bytes: 0, extensionMatches: true)
        let short = DecodedImage(width: 10, height: 10, rowStride: 30, hasAlpha: false, pixels: [1, 2, 3])
        XCTAssertEqual(PreviewRenderer.render(short, info: info, columns: 10, rows: 10, colors: .trueColor).cells, [])
        let good = ImagingFixtures.solid(width: 10, height: 10, rgb: (1, 2, 3))
        XCTAssertEqual(PreviewRenderer.render(good, info: info, columns: 0, rows: 10, colors: .trueColor).cells, [])
        let preview = try PreviewRenderer.render(path: try ImagingFixtures.shared("rocket.jpg"), columns: 0, rows: 0, colors: .mono)
        XCTAssertEqual([preview.width, preview.height, preview.info.width], [0, 0, 640])
    }

    func testProblemsPassThrough() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        XCTAssertThrowsError(try PreviewRenderer.render(path: folder + "/nope.jpg", columns: 10, rows: 10, colors: .trueColor)) {
            XCTAssertEqual($0 as? ImageProblem, .missing(folder + "/nope.jpg"))
        }
        let noise = ImagingFixtures.write([0x00] + [UInt8](repeating: 7, count: 100), to: folder + "/noise.png")
        XCTAssertThrowsError(try PreviewRenderer.render(path: noise, columns: 10, rows: 10, colors: .trueColor)) {
            XCTAssertEqual($0 as? ImageProblem, .unknownFormat(noise))
        }
    }

    func testLargeJPEGRendersQuickly() throws {
        let path = ImagingFixtures.largeJPEG
        let preview = try PreviewRenderer.render(path: path, columns: 60, rows: 21, colors: .trueColor)
        XCTAssertEqual([preview.width, preview.height], [60, 20])
        XCTAssertEqual(preview.info.width, 2250)
        // The C libraries do the work, so even a debug build is near release speed; the bound is loose.
        let timing = try ImageBench.run(imagePath: path, columns: 60, rows: 21, iterations: 5)
        XCTAssertLessThan(timing.p50, 200)
        XCTAssertLessThanOrEqual(timing.p50, timing.p99)
    }

    func testRepeatedRenderingDoesNotLeak() throws {
        let paths = [ImagingFixtures.largeJPEG, try ImagingFixtures.shared("horse.png")]
        func residentBytes() -> Int {
            guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
                  let pages = text.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return 0 }
            return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        }
        for index in 0 ..< 20 { _ = try PreviewRenderer.render(path: paths[index % 2], columns: 60, rows: 21, colors: .trueColor) }
        let before = residentBytes()
        for index in 0 ..< 200 {
            let colors = PreviewColors.allCases[index % PreviewColors.allCases.count]
            _ = try PreviewRenderer.render(path: paths[index % 2], columns: 60, rows: 21, colors: colors)
        }
        _ = try? PreviewRenderer.render(path: "/nonexistent/x.jpg", columns: 60, rows: 21, colors: .trueColor)
        let growth = residentBytes() - before
        XCTAssertLessThan(growth, 6 << 20, "RSS grew by \(growth >> 10) KB over 200 renders")
    }

    func testPercentile() {
        XCTAssertEqual(ImageBench.percentile([5, 1, 3, 2, 4], 0.5), 3)
        XCTAssertEqual(ImageBench.percentile(Array(1 ... 100).map(Double.init), 0.99), 99)
        XCTAssertEqual(ImageBench.percentile([], 0.5), 0)
    }
}
