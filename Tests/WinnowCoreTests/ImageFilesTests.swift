import Foundation
import XCTest
@testable import WinnowCore

/// Fixtures for the imaging tests: the shared sample images and files generated at test time.
enum ImagingFixtures {
    /// `../shared/images` beside the repository, or `nil` when `../shared` is absent.
    static var sharedImages: URL? {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let url = repository.deletingLastPathComponent().appendingPathComponent("shared/images")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    static func shared(_ name: String) throws -> String {
        guard let folder = sharedImages else { throw XCTSkip("../shared/images is not present") }
        return folder.appendingPathComponent(name).path
    }

    /// A fresh temporary folder; removed by `remove(_:)` (tests call it in a `defer`).
    static func folder() -> String {
        let path = NSTemporaryDirectory() + "winnow-imaging-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return (path as NSString).resolvingSymlinksInPath
    }

    static func remove(_ folder: String) { try? FileManager.default.removeItem(atPath: folder) }

    @discardableResult
    static func write(_ bytes: [UInt8], to path: String) -> String {
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A solid-colour RGB image.
    static func solid(width: Int, height: Int, rgb: (UInt8, UInt8, UInt8)) -> DecodedImage {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for _ in 0 ..< width * height { pixels += [rgb.0, rgb.1, rgb.2] }
        return DecodedImage(width: width, height: height, rowStride: width * 3, hasAlpha: false, pixels: pixels)
    }

    /// The 2250×1500 photo-like benchmark JPEG (deterministic), written once and kept in the
    /// temporary folder for later runs; written under a unique name and renamed into place.
    static let largeJPEG: String = {
        let path = NSTemporaryDirectory() + "winnow-imaging-sample-2250x1500-v1.jpg"
        if !FileManager.default.fileExists(atPath: path) {
            let partial = path + ".\(getpid()).\(UUID().uuidString)"
            try? ImageBench.writeSampleJPEG(path: partial)
            rename(partial, path)
        }
        return path
    }()

    /// A PNG whose IHDR claims `width × height` (valid signature and IHDR, no image data).
    static func pngHeader(width: UInt32, height: UInt32) -> [UInt8] {
        func be(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
        let ihdr = Array("IHDR".utf8) + be(width) + be(height) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + be(13) + ihdr + be(crc32(ihdr))
            + be(0) + Array("IEND".utf8) + be(crc32(Array("IEND".utf8)))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0 ..< 8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    /// A valid 1×1 red GIF.
    static let tinyGIF: [UInt8] = Array("GIF89a".utf8) + [
        0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ]
}

/// Path resolution inside the image root and header reading, on real and hand-made files.
final class ImageFilesTests: XCTestCase {
    // MARK: Formats and problems

    func testFormatFromExtension() {
        XCTAssertEqual(ImageFormat.fromExtension("a/b.jpg"), .jpeg)
        XCTAssertEqual(ImageFormat.fromExtension("B.JPEG"), .jpeg)
        XCTAssertEqual(ImageFormat.fromExtension("x.png"), .png)
        XCTAssertEqual(ImageFormat.fromExtension("x.gif"), .gif)
        XCTAssertEqual(ImageFormat.fromExtension("x.webp"), .webp)
        XCTAssertEqual(ImageFormat.fromExtension("x.bmp"), .bmp)
        XCTAssertEqual(ImageFormat.fromExtension("x.tif"), .tiff)
        XCTAssertEqual(ImageFormat.fromExtension("x.txt"), .unknown)
        XCTAssertEqual(ImageFormat.fromExtension("noextension"), .unknown)
    }

    func testProblemDescriptionsAndKinds() {
        XCTAssertEqual(ImageProblem.missing("coco/x.jpg").description, "missing: coco/x.jpg")
        XCTAssertEqual(ImageProblem.outsideRoot("../x.png").kind, "outside_root")
        XCTAssertEqual(ImageProblem.tooLarge("big.png", width: 30000, height: 30000, limit: 100_000_000).description,
                       "too large: big.png is 30000×30000, above the 100 MP limit")
        XCTAssertEqual(ImageProblem.corrupt("a.jpg", reason: "bad").description, "corrupt: a.jpg (bad)")
        let kinds = [ImageProblem.noImage, .outsideRoot(""), .missing(""), .unreadable("", reason: ""), .unknownFormat(""),
                     .truncated(""), .corrupt("", reason: ""), .tooLarge("", width: 0, height: 0, limit: 0)].map(\.kind)
        XCTAssertEqual(kinds, ["no_image", "outside_root", "missing", "unreadable", "unknown_format", "truncated",
                               "corrupt", "too_large"])
    }

    // MARK: Probe

    func testProbeReadsSharedImages() throws {
        let expected: [(String, ImageFormat, Int, Int)] = [
            ("coffee.png", .png, 600, 400), ("camera.png", .png, 512, 512), ("astronaut.png", .png, 512, 512),
            ("horse.png", .png, 400, 328), ("rocket.jpg", .jpeg, 640, 427), ("hubble_deep_field.jpg", .jpeg, 1000, 872),
            ("retina.jpg", .jpeg, 1411, 1411),
        ]
        for (name, format, width, height) in expected {
            let path = try ImagingFixtures.shared(name)
            let info = try ImageFiles.probe(path: path)
            XCTAssertEqual(info.format, format, name)
            XCTAssertEqual(info.width, width, name)
            XCTAssertEqual(info.height, height, name)
            XCTAssertTrue(info.extensionMatches, name)
            XCTAssertEqual(info.path, path)
            XCTAssertEqual(info.bytes, try ImagingFixtures.bytes(path).count)
        }
    }

    func testProbeWalksPastLargeJPEGSegments() throws {
        // Two 64 KB APP segments push the SOF beyond the first read.
        let rocket = try ImagingFixtures.bytes(try ImagingFixtures.shared("rocket.jpg"))
        let filler = [UInt8](repeating: 0x41, count: 0xFFFE - 2)
        let app = [0xFF, 0xE1, 0xFF, 0xFE] + filler
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        let path = ImagingFixtures.write(Array(rocket[0 ..< 2]) + app + app + Array(rocket[2...]), to: folder + "/big-exif.jpg")
        let info = try ImageFiles.probe(path: path)
        XCTAssertEqual([info.width, info.height], [640, 427])
        // Cut inside the second segment: the header is truncated.
        let cut = ImagingFixtures.write(Array(rocket[0 ..< 2]) + app + Array(app[0 ..< 1000]), to: folder + "/cut.jpg")
        XCTAssertThrowsError(try ImageFiles.probe(path: cut)) { XCTAssertEqual($0 as? ImageProblem, .truncated(cut)) }
    }

    func testPNGNamedJPGIsSniffedAsPNG() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        let path = folder + "/really-a-png.jpg"
        try FileManager.default.copyItem(atPath: try ImagingFixtures.shared("coffee.png"), toPath: path)
        let info = try ImageFiles.probe(path: path)
        XCTAssertEqual(info.format, .png)
        XCTAssertFalse(info.extensionMatches)
        XCTAssertEqual([info.width, info.height], [600, 400])
    }

    func testHandMadeHeaders() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        func probe(_ name: String, _ bytes: [UInt8]) throws -> ImageInfo {
            try ImageFiles.probe(path: ImagingFixtures.write(bytes, to: folder + "/" + name))
        }
        let gif = try probe("a.gif", ImagingFixtures.tinyGIF)
        XCTAssertEqual([gif.width, gif.height], [1, 1])
        XCTAssertEqual(gif.format, .gif)

        let huge = try probe("huge.png", ImagingFixtures.pngHeader(width: 30000, height: 30000))
        XCTAssertEqual([huge.width, huge.height], [30000, 30000])

        func riff(_ chunk: String, _ payload: [UInt8]) -> [UInt8] {
            Array("RIFF".utf8) + [0, 0, 0, 0] + Array("WEBP".utf8) + Array(chunk.utf8) + [0, 0, 0, 0] + payload
                + [UInt8](repeating: 0, count: 16)
        }
        // VP8X: canvas 800×600 stored minus one, 24-bit little-endian.
        let vp8x = try probe("x.webp", riff("VP8X", [0, 0, 0, 0, 0x1F, 0x03, 0x00, 0x57, 0x02, 0x00]))
        XCTAssertEqual([vp8x.width, vp8x.height, vp8x.format == .webp ? 1 : 0], [800, 600, 1])
        // VP8L: 0x2F then 14 bits width-1, 14 bits height-1: 100×50.
        let bits: UInt32 = 99 | (49 << 14)
        let vp8l = try probe("l.webp", riff("VP8L", [0x2F, UInt8(bits & 0xFF), UInt8(bits >> 8 & 0xFF), UInt8(bits >> 16 & 0xFF), UInt8(bits >> 24)]))
        XCTAssertEqual([vp8l.width, vp8l.height], [100, 50])
        // VP8 (lossy): frame tag, start code, 14-bit sizes: 320×240.
        let vp8 = try probe("v.webp", riff("VP8 ", [0, 0, 0, 0x9D, 0x01, 0x2A, 0x40, 0x01, 0xF0, 0x00]))
        XCTAssertEqual([vp8.width, vp8.height], [320, 240])

        // TIFF, big-endian, width as SHORT and height as LONG.
        let tiff: [UInt8] = [0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8, 0, 2,
                             0x01, 0x00, 0, 3, 0, 0, 0, 1, 0x01, 0x2C, 0, 0,
                             0x01, 0x01, 0, 4, 0, 0, 0, 1, 0, 0, 0x00, 0xC8]
        let tiffInfo = try probe("t.tif", tiff)
        XCTAssertEqual([tiffInfo.width, tiffInfo.height], [300, 200])
    }

    func testWrittenBMPAndTIFFProbe() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        let image = ImagingFixtures.solid(width: 37, height: 23, rgb: (10, 200, 30))
        for format in [ImageFormat.bmp, .tiff, .png, .jpeg] {
            let path = folder + "/x." + format.rawValue
            try ImageDecoder.write(image, format: format, to: path)
            let info = try ImageFiles.probe(path: path)
            XCTAssertEqual(info.format, format)
            XCTAssertEqual([info.width, info.height], [37, 23], format.rawValue)
            XCTAssertTrue(info.extensionMatches, format.rawValue)
        }
    }

    func testBadFilesGiveProblems() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        var generator = SystemRandomNumberGenerator()
        var random = (0 ..< 4096).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        random[0] = 0x00  // no magic starts with 0x00
        let noise = ImagingFixtures.write(random, to: folder + "/noise.jpg")
        XCTAssertThrowsError(try ImageFiles.probe(path: noise)) { XCTAssertEqual($0 as? ImageProblem, .unknownFormat(noise)) }

        let empty = ImagingFixtures.write([], to: folder + "/empty.png")
        XCTAssertThrowsError(try ImageFiles.probe(path: empty)) { XCTAssertEqual($0 as? ImageProblem, .truncated(empty)) }

        let png = try ImagingFixtures.bytes(try ImagingFixtures.shared("coffee.png"))
        let shortPNG = ImagingFixtures.write(Array(png[0 ..< 20]), to: folder + "/short.png")
        XCTAssertThrowsError(try ImageFiles.probe(path: shortPNG)) { XCTAssertEqual($0 as? ImageProblem, .truncated(shortPNG)) }

        let hubble = try ImagingFixtures.bytes(try ImagingFixtures.shared("hubble_deep_field.jpg"))
        let shortJPEG = ImagingFixtures.write(Array(hubble[0 ..< 100]), to: folder + "/short.jpg")
        XCTAssertThrowsError(try ImageFiles.probe(path: shortJPEG)) { XCTAssertEqual($0 as? ImageProblem, .truncated(shortJPEG)) }

        let zero = ImagingFixtures.write(ImagingFixtures.pngHeader(width: 0, height: 10), to: folder + "/zero.png")
        XCTAssertThrowsError(try ImageFiles.probe(path: zero)) { XCTAssertEqual(($0 as? ImageProblem)?.kind, "corrupt") }

        let missing = folder + "/nope.png"
        XCTAssertThrowsError(try ImageFiles.probe(path: missing)) { XCTAssertEqual($0 as? ImageProblem, .missing(missing)) }

        XCTAssertThrowsError(try ImageFiles.probe(path: folder)) {
            XCTAssertEqual($0 as? ImageProblem, .unreadable(folder, reason: "is a directory"))
        }
    }

    func testVerifyCompleteFindsCutFilesWithoutDecoding() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        for name in ["rocket.jpg", "hubble_deep_field.jpg", "coffee.png", "horse.png"] {
            let bytes = try ImagingFixtures.bytes(try ImagingFixtures.shared(name))
            XCTAssertNoThrow(try ImageFiles.verifyComplete(try ImageFiles.probe(path: try ImagingFixtures.shared(name))), name)
            // Trailing bytes after the end marker are fine (the PNG needs its chunk walk then).
            let padded = ImagingFixtures.write(bytes + [UInt8](repeating: 0, count: 70_000), to: folder + "/padded-" + name)
            XCTAssertNoThrow(try ImageFiles.verifyComplete(try ImageFiles.probe(path: padded)), name)
            for keep in [0.3, 0.9, 0.999] {
                let path = ImagingFixtures.write(Array(bytes.prefix(Int(Double(bytes.count) * keep))), to: folder + "/cut-\(keep)-" + name)
                let info = try ImageFiles.probe(path: path)
                XCTAssertThrowsError(try ImageFiles.verifyComplete(info), "\(name) \(keep)") {
                    XCTAssertEqual($0 as? ImageProblem, .truncated(info.path))
                }
            }
        }
        // An EXIF thumbnail's own end marker (before the first scan) does not count.
        let rocket = try ImagingFixtures.bytes(try ImagingFixtures.shared("rocket.jpg"))
        let thumbnail: [UInt8] = Array("Exif".utf8) + [0, 0, 0xFF, 0xD8, 0xFF, 0xDB, 1, 2, 3, 0xFF, 0xD9]
        let app1: [UInt8] = [0xFF, 0xE1, 0, UInt8(thumbnail.count + 2)] + thumbnail
        let withThumbnail = Array(rocket[0 ..< 2]) + app1 + Array(rocket[2...])
        let whole = ImagingFixtures.write(withThumbnail, to: folder + "/thumb.jpg")
        XCTAssertNoThrow(try ImageFiles.verifyComplete(try ImageFiles.probe(path: whole)))
        let cut = ImagingFixtures.write(Array(withThumbnail.prefix(withThumbnail.count / 2)), to: folder + "/thumb-cut.jpg")
        XCTAssertThrowsError(try ImageFiles.verifyComplete(try ImageFiles.probe(path: cut)))
        XCTAssertNoThrow(try ImageFiles.verifyComplete(try ImageFiles.probe(path: ImagingFixtures.write(ImagingFixtures.tinyGIF, to: folder + "/a.gif"))))
    }

    // MARK: Resolve

    func testResolveInsideRoot() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        let root = folder + "/images"
        try FileManager.default.createDirectory(atPath: root + "/coco", withIntermediateDirectories: true)
        let file = ImagingFixtures.write(ImagingFixtures.tinyGIF, to: root + "/coco/a.gif")
        XCTAssertEqual(try ImageFiles.resolve("coco/a.gif", root: root), file)
        XCTAssertEqual(try ImageFiles.resolve("./coco/../coco/a.gif", root: root), file)
        XCTAssertEqual(try ImageFiles.resolve(file, root: root), file, "an absolute path inside the root is fine")
        XCTAssertEqual(try ImageFiles.resolve("coco/a.gif", root: root + "/"), file)
        // A root given through a symlink.
        try FileManager.default.createSymbolicLink(atPath: folder + "/link-to-images", withDestinationPath: root)
        XCTAssertEqual(try ImageFiles.resolve("coco/a.gif", root: folder + "/link-to-images"), file)
        XCTAssertEqual(try ImageFiles.resolve(folder + "/link-to-images/coco/a.gif", root: folder + "/link-to-images"), file)
        // A symlink that stays inside the root.
        try FileManager.default.createSymbolicLink(atPath: root + "/alias.gif", withDestinationPath: "coco/a.gif")
        XCTAssertEqual(try ImageFiles.resolve("alias.gif", root: root), file)
    }

    func testResolveRefusesEscapes() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        let root = folder + "/images"
        try FileManager.default.createDirectory(atPath: root + "/sub", withIntermediateDirectories: true)
        ImagingFixtures.write(ImagingFixtures.tinyGIF, to: folder + "/escape.png")
        for path in ["../escape.png", "sub/../../escape.png", "../missing-outside.png", "..", "sub/../..", folder + "/escape.png", "/etc/passwd"] {
            XCTAssertThrowsError(try ImageFiles.resolve(path, root: root), path) {
                XCTAssertEqual($0 as? ImageProblem, .outsideRoot(path))
            }
        }
        try FileManager.default.createSymbolicLink(atPath: root + "/sneaky.png", withDestinationPath: folder + "/escape.png")
        XCTAssertThrowsError(try ImageFiles.resolve("sneaky.png", root: root)) {
            XCTAssertEqual($0 as? ImageProblem, .outsideRoot("sneaky.png"))
        }
        // A symlinked directory leading out.
        try FileManager.default.createSymbolicLink(atPath: root + "/out", withDestinationPath: folder)
        XCTAssertThrowsError(try ImageFiles.resolve("out/escape.png", root: root)) {
            XCTAssertEqual($0 as? ImageProblem, .outsideRoot("out/escape.png"))
        }
    }

    func testResolveMissingAndEmpty() throws {
        let folder = ImagingFixtures.folder()
        defer { ImagingFixtures.remove(folder) }
        XCTAssertThrowsError(try ImageFiles.resolve("nope.jpg", root: folder)) {
            XCTAssertEqual($0 as? ImageProblem, .missing("nope.jpg"))
        }
        XCTAssertThrowsError(try ImageFiles.resolve("a/b/nope.jpg", root: folder)) {
            XCTAssertEqual($0 as? ImageProblem, .missing("a/b/nope.jpg"))
        }
        XCTAssertThrowsError(try ImageFiles.resolve("x.jpg", root: folder + "/no-such-root")) {
            XCTAssertEqual($0 as? ImageProblem, .missing(folder + "/no-such-root"))
        }
        XCTAssertThrowsError(try ImageFiles.resolve("", root: folder)) { XCTAssertEqual($0 as? ImageProblem, .noImage) }
    }

    func testResolveWithoutRootUsesCurrentDirectory() throws {
        let path = try ImagingFixtures.shared("coffee.png")
        let real = (path as NSString).resolvingSymlinksInPath
        XCTAssertEqual(try ImageFiles.resolve(path, root: nil), real)
        let previous = FileManager.default.currentDirectoryPath
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        _ = FileManager.default.changeCurrentDirectoryPath((path as NSString).deletingLastPathComponent)
        XCTAssertEqual(try ImageFiles.resolve("coffee.png", root: nil), real)
        XCTAssertEqual(try ImageFiles.resolve("../images/coffee.png", root: nil), real, "no root, no boundary")
        XCTAssertThrowsError(try ImageFiles.resolve("nope.png", root: nil)) { XCTAssertEqual($0 as? ImageProblem, .missing("nope.png")) }
    }
}
