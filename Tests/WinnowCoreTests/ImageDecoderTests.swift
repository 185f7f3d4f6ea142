import Foundation
import XCTest
@testable import WinnowCore

/// Decoding with the real gdk-pixbuf: shared images, generated large JPEGs, disguised, truncated,
/// corrupt and oversized files.
final class ImageDecoderTests: XCTestCase {
    func testDecodesSharedImagesAtFullSize() throws {
        for name in ["coffee.png", "camera.png", "astronaut.png", "horse.png", "rocket.jpg", "hubble_deep_field.jpg", "text.png"] {
            let path = try ImagingFixtures.shared(name)
            let info = try ImageFiles.probe(path: path)
            let image = try ImageDecoder.decode(path: path)
            XCTAssertEqual([image.width, image.height], [info.width, info.height], name)
            let rowBytes = image.width * (image.hasAlpha ? 4 : 3)
            XCTAssertEqual(image.rowStride, (rowBytes + 3) / 4 * 4, "\(name): rows padded to 4 bytes")
            XCTAssertEqual(image.pixels.count, image.rowStride * image.height, name)
        }
        XCTAssertTrue(try ImageDecoder.decode(path: try ImagingFixtures.shared("horse.png")).hasAlpha)
        XCTAssertFalse(try ImageDecoder.decode(path: try ImagingFixtures.shared("rocket.jpg")).hasAlpha)
    }

    func testGreyscaleDecodesToEqualChannels() throws {
        let camera = try ImageDecoder.decode(path: try ImagingFixtures.shared("camera.png"))
        XCTAssertFalse(camera.hasAlpha)
        var distinct = Set<UInt8>()
        for pixel in stride(from: 0, to: camera.pixels.count, by: 3 * 97) {
            XCTAssertEqual(camera.pixels[pixel], camera.pixels[pixel + 1])
            XCTAssertEqual(camera.pixels[pixel + 1], camera.pixels[pixel + 2])
            distinct.insert(camera.pixels[pixel])
        }
        XCTAssertGreaterThan(distinct.count, 50, "a real photo, not a flat image")
    }

    func testLargeJPEGDecodesAtDCTAlignedScale() throws {
        let path = ImagingFixtures.largeJPEG
        let info = try ImageFiles.probe(path: path)
        XCTAssertEqual([info.width, info.height], [2250, 1500])
        let full = try ImageDecoder.decode(path: path)
        XCTAssertEqual([full.width, full.height], [2250, 1500])
        // 60×20 cells × 8 pixels: 480×160 → 1/4 scale (563×375), since 1/8 (282×188) is too narrow.
        let quarter = try ImageDecoder.decode(path: path, fit: (width: 480, height: 160))
        XCTAssertEqual([quarter.width, quarter.height], [563, 375])
        let eighth = try ImageDecoder.decode(path: path, fit: (width: 100, height: 100))
        XCTAssertEqual([eighth.width, eighth.height], [282, 188])
        let unscaled = try ImageDecoder.decode(path: path, fit: (width: 2000, height: 100))
        XCTAssertEqual([unscaled.width, unscaled.height], [2250, 1500])
        // The colours survive the reduced decode: the average matches the full decode's.
        func mean(_ image: DecodedImage) -> Double {
            Double(image.pixels.reduce(0) { $0 + Int($1) }) / Double(image.pixels.count)
        }
        XCTAssertEqual(mean(quarter), mean(full), accuracy: 2)
    }

    func testJPEGScaledSize() {
        XCTAssertNil(ImageDecoder.jpegScaledSize(width: 2250, height: 1500, fit: nil))
        XCTAssertNil(ImageDecoder.jpegScaledSize(width: 640, height: 427, fit: (width: 480, height: 168)))
        XCTAssertEqual(ImageDecoder.jpegScaledSize(width: 1000, height: 700, fit: (width: 480, height: 168)).map { [$0.width, $0.height] }, [500, 350])
        XCTAssertEqual(ImageDecoder.jpegScaledSize(width: 1500, height: 2250, fit: (width: 112, height: 168)).map { [$0.width, $0.height] }, [188, 282])
    }

    func testFitDoesNotShrinkOtherFormats() throws {
        let image = try ImageDecoder.decode(path: try ImagingFixtures.shared("coffee.png"), fit: (width: 60, height: 40))
        XCTAssertEqual([image.width, image.height], [600, 400])
    }

    func testDisguisedFilesDecodeByRealFormat() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        let png = folder + "/png.jpg"
        try FileManager.default.copyItem(atPath: try ImagingFixtures.shared("coffee.png"), toPath: png)
        let decoded = try ImageDecoder.decode(path: png)
        XCTAssertEqual([decoded.width, decoded.height], [600, 400])

        let gif = ImagingFixtures.write(ImagingFixtures.tinyGIF, to: folder + "/gif.jpg")
        let info = try ImageFiles.probe(path: gif)
        XCTAssertEqual(info.format, .gif)
        XCTAssertFalse(info.extensionMatches)
        let pixel = try ImageDecoder.decode(path: gif)
        XCTAssertEqual([pixel.width, pixel.height], [1, 1])
        XCTAssertEqual(Array(pixel.pixels.prefix(3)), [255, 0, 0])
    }

    func testBMPAndTIFFRoundTrip() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        let image = ImagingFixtures.solid(width: 33, height: 17, rgb: (12, 200, 99))
        for format in [ImageFormat.bmp, .tiff, .png] {
            let path = folder + "/solid." + format.rawValue
            try ImageDecoder.write(image, format: format, to: path)
            let decoded = try ImageDecoder.decode(path: path)
            XCTAssertEqual([decoded.width, decoded.height], [33, 17], format.rawValue)
            XCTAssertEqual(Array(decoded.pixels.prefix(3)), [12, 200, 99], format.rawValue)
        }
    }

    func testTruncatedFilesAreReportedNotDecoded() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        for name in ["rocket.jpg", "hubble_deep_field.jpg", "coffee.png"] {
            let bytes = try ImagingFixtures.bytes(try ImagingFixtures.shared(name))
            for fraction in [0.4, 0.95] {
                let path = ImagingFixtures.write(Array(bytes.prefix(Int(Double(bytes.count) * fraction))), to: folder + "/cut-\(fraction)-" + name)
                XCTAssertThrowsError(try ImageDecoder.decode(path: path), path) {
                    XCTAssertEqual($0 as? ImageProblem, .truncated(path))
                }
            }
        }
        // The large JPEG cut at 40%, and a JPEG with bytes appended after its end marker (still fine).
        let large = try ImagingFixtures.bytes(ImagingFixtures.largeJPEG)
        let cut = ImagingFixtures.write(Array(large.prefix(large.count * 4 / 10)), to: folder + "/large-cut.jpg")
        XCTAssertThrowsError(try ImageDecoder.decode(path: cut, fit: (width: 480, height: 160))) {
            XCTAssertEqual($0 as? ImageProblem, .truncated(cut))
        }
        let rocket = try ImagingFixtures.bytes(try ImagingFixtures.shared("rocket.jpg"))
        let trailing = ImagingFixtures.write(rocket + [UInt8](repeating: 0, count: 500), to: folder + "/trailing.jpg")
        XCTAssertEqual(try ImageDecoder.decode(path: trailing).width, 640)
    }

    func testCorruptFilesGiveProblemsNotCrashes() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        // A PNG with damaged image data: libpng's CRC check fails.
        var png = try ImagingFixtures.bytes(try ImagingFixtures.shared("coffee.png"))
        for index in stride(from: 200, to: png.count - 100, by: 50) { png[index] ^= 0x5A }
        let badPNG = ImagingFixtures.write(png, to: folder + "/bad.png")
        XCTAssertThrowsError(try ImageDecoder.decode(path: badPNG)) { error in
            guard case let .corrupt(path, reason)? = error as? ImageProblem else { return XCTFail("\(error)") }
            XCTAssertEqual(path, badPNG)
            XCTAssertFalse(reason.isEmpty)
        }
        // A JPEG header followed by noise and an end marker: libjpeg may refuse it or show noise; never a crash.
        let rocket = try ImagingFixtures.bytes(try ImagingFixtures.shared("rocket.jpg"))
        var noisy = rocket
        var generator = SystemRandomNumberGenerator()
        for index in 700 ..< noisy.count - 2 { noisy[index] = UInt8.random(in: 0 ... 255, using: &generator) }
        let badJPEG = ImagingFixtures.write(noisy, to: folder + "/noisy.jpg")
        do throws(ImageProblem) {
            let image = try ImageDecoder.decode(path: badJPEG)
            XCTAssertEqual(image.width, 640)
        } catch {
            XCTAssertTrue(["corrupt", "truncated"].contains(error.kind), "\(error)")
        }
        // A header without any frame data.
        let headerOnly = ImagingFixtures.write(ImagingFixtures.pngHeader(width: 10, height: 10), to: folder + "/header.png")
        XCTAssertThrowsError(try ImageDecoder.decode(path: headerOnly)) { XCTAssertEqual(($0 as? ImageProblem)?.kind, "corrupt") }
        // WebP: no loader is installed on this machine; whatever happens, it is a problem with a reason.
        let webp = Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBPVP8X".utf8) + [UInt8](repeating: 0, count: 30)
        let webpPath = ImagingFixtures.write(webp, to: folder + "/x.webp")
        XCTAssertThrowsError(try ImageDecoder.decode(path: webpPath)) { error in
            XCTAssertTrue(["unreadable", "corrupt"].contains((error as? ImageProblem)?.kind ?? ""), "\(error)")
        }
    }

    func testOversizedHeaderIsRefusedWithoutDecoding() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        let path = ImagingFixtures.write(ImagingFixtures.pngHeader(width: 30000, height: 30000), to: folder + "/bomb.png")
        let start = Date()
        XCTAssertThrowsError(try ImageDecoder.decode(path: path)) {
            XCTAssertEqual($0 as? ImageProblem, .tooLarge(path, width: 30000, height: 30000, limit: ImageFiles.defaultPixelLimit))
        }
        XCTAssertThrowsError(try PreviewRenderer.render(path: path, columns: 60, rows: 21, colors: .trueColor)) {
            XCTAssertEqual(($0 as? ImageProblem)?.kind, "too_large")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.05)
        // The limit is the caller's.
        let coffee = try ImagingFixtures.shared("coffee.png")
        XCTAssertThrowsError(try ImageDecoder.decode(path: coffee, pixelLimit: 1000)) {
            XCTAssertEqual($0 as? ImageProblem, .tooLarge(coffee, width: 600, height: 400, limit: 1000))
        }
    }

    func testMissingAndUnreadable() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        XCTAssertThrowsError(try ImageDecoder.decode(path: folder + "/nope.jpg")) {
            XCTAssertEqual($0 as? ImageProblem, .missing(folder + "/nope.jpg"))
        }
        if getuid() != 0 {
            let path = folder + "/locked.png"
            try FileManager.default.copyItem(atPath: try ImagingFixtures.shared("coffee.png"), toPath: path)
            chmod(path, 0)
            XCTAssertThrowsError(try ImageDecoder.decode(path: path)) {
                XCTAssertEqual($0 as? ImageProblem, .unreadable(path, reason: "permission denied"))
            }
        }
    }

    func testConcurrentDecodes() throws {
        let names = ["coffee.png", "camera.png", "rocket.jpg", "hubble_deep_field.jpg", "horse.png", "astronaut.png"]
        let paths = try names.map { try ImagingFixtures.shared($0) } + [ImagingFixtures.largeJPEG]
        let expected = try paths.map { try ImageFiles.probe(path: $0).width }
        let results = ImagingLock(Array(repeating: 0, count: paths.count * 4))
        DispatchQueue.concurrentPerform(iterations: paths.count * 4) { index in
            let width = (try? ImageDecoder.decode(path: paths[index % paths.count]).width) ?? -1
            results.withLock { $0[index] = width }
        }
        results.withLock { widths in
            for (index, width) in widths.enumerated() { XCTAssertEqual(width, expected[index % paths.count]) }
        }
    }
}

/// A value behind a lock, for collecting results from concurrent work.
final class ImagingLock<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
