import Foundation

/// An image file format, as sniffed from a file's first bytes or guessed from its name.
public enum ImageFormat: String, Sendable, CaseIterable {
    case jpeg, png, gif, webp, bmp, tiff, unknown

    /// The format a file name's extension promises (`.jpg`, `.jpeg`, `.jpe`, `.jfif` → `jpeg`;
    /// `.tif`/`.tiff` → `tiff`; `.dib` → `bmp`); `unknown` for anything else, case-insensitive.
    public static func fromExtension(_ path: String) -> ImageFormat {
        switch (path as NSString).pathExtension.lowercased() {
        case "jpg", "jpeg", "jpe", "jfif": return .jpeg
        case "png": return .png
        case "gif": return .gif
        case "webp": return .webp
        case "bmp", "dib": return .bmp
        case "tif", "tiff": return .tiff
        default: return .unknown
        }
    }

    /// The gdk-pixbuf loader name for this format (`gdk_pixbuf_loader_new_with_type`).
    var pixbufType: String? {
        switch self {
        case .jpeg: return "jpeg"
        case .png: return "png"
        case .gif: return "gif"
        case .webp: return "webp"
        case .bmp: return "bmp"
        case .tiff: return "tiff"
        case .unknown: return nil
        }
    }
}

/// What a file's header says about an image, read without decoding it.
public struct ImageInfo: Equatable, Sendable {
    /// The path probed, made absolute (lexically: symlinks are resolved only if the caller passed
    /// a path from ``ImageFiles/resolve(_:root:)``, which returns a real path).
    public var path: String
    /// The real format, sniffed from the magic bytes (never from the name).
    public var format: ImageFormat
    /// Pixel size from the header (JPEG SOF, PNG IHDR, GIF logical screen, WebP, BMP, TIFF IFD 0).
    public var width: Int
    public var height: Int
    /// File size in bytes.
    public var bytes: Int
    /// `false` when the name's extension promises another format (a PNG named `.jpg`) or no known one.
    public var extensionMatches: Bool

    public init(path: String, format: ImageFormat, width: Int, height: Int, bytes: Int, extensionMatches: Bool) {
        self.path = path
        self.format = format
        self.width = width
        self.height = height
        self.bytes = bytes
        self.extensionMatches = extensionMatches
    }

    /// Pixel count, saturating instead of overflowing (a TIFF header can claim 2³²×2³²).
    public var pixelCount: Int {
        let (product, overflow) = width.multipliedReportingOverflow(by: height)
        return overflow ? Int.max : product
    }
}

/// Why an image cannot be shown. Every case carries the path as the caller gave it.
public enum ImageProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// The item has no image (a text-only record).
    case noImage
    /// A `../` path or a symlink that leads outside the image root.
    case outsideRoot(String)
    case missing(String)
    /// The file exists but cannot be read (permissions, a directory, no decoder for its format...).
    case unreadable(String, reason: String)
    /// The first bytes match no image format Winnow knows.
    case unknownFormat(String)
    /// The file ends before its header, or before its end marker (JPEG EOI, PNG IEND).
    case truncated(String)
    /// The header or the data is malformed; `reason` is the header reader's or gdk-pixbuf's message.
    case corrupt(String, reason: String)
    /// The header claims more pixels than `limit`; the image was not decoded.
    case tooLarge(String, width: Int, height: Int, limit: Int)

    /// Short and user-facing, for a placeholder or a report line, e.g. `missing: coco/x.jpg`.
    public var description: String {
        switch self {
        case .noImage: return "no image"
        case let .outsideRoot(path): return "outside the image root: \(path)"
        case let .missing(path): return "missing: \(path)"
        case let .unreadable(path, reason): return "unreadable: \(path) (\(reason))"
        case let .unknownFormat(path): return "unknown format: \(path)"
        case let .truncated(path): return "truncated: \(path)"
        case let .corrupt(path, reason): return "corrupt: \(path) (\(reason))"
        case let .tooLarge(path, width, height, limit):
            return "too large: \(path) is \(width)×\(height), above the \(Self.megapixels(limit)) limit"
        }
    }

    /// A stable short name for filters, scores and exports: `no_image`, `outside_root`, `missing`,
    /// `unreadable`, `unknown_format`, `truncated`, `corrupt`, `too_large`.
    public var kind: String {
        switch self {
        case .noImage: return "no_image"
        case .outsideRoot: return "outside_root"
        case .missing: return "missing"
        case .unreadable: return "unreadable"
        case .unknownFormat: return "unknown_format"
        case .truncated: return "truncated"
        case .corrupt: return "corrupt"
        case .tooLarge: return "too_large"
        }
    }

    /// The path the problem is about (`nil` for `noImage`).
    public var path: String? {
        switch self {
        case .noImage: return nil
        case let .outsideRoot(path), let .missing(path), let .unreadable(path, _), let .unknownFormat(path),
             let .truncated(path), let .corrupt(path, _), let .tooLarge(path, _, _, _):
            return path
        }
    }

    static func megapixels(_ pixels: Int) -> String {
        pixels % 1_000_000 == 0 ? "\(pixels / 1_000_000) MP" : String(format: "%.1f MP", Double(pixels) / 1e6)
    }
}

/// Safe path resolution and header reading: the one place that decides whether an image file may
/// be opened and what it claims to be. The decoder, the previews, the image scores and export
/// validation all go through here.
public enum ImageFiles {
    /// Images with more pixels than this are not decoded (100 megapixels).
    public static let defaultPixelLimit = 100_000_000

    /// Resolves an image path from a record to a real absolute path inside the image root.
    ///
    /// With a root, `relative` is taken relative to it (an absolute `relative` is accepted only when
    /// it lies inside the root). A path whose `..` components climb out of the root is refused
    /// before touching the file system; then `realpath(3)` resolves the root and the file, so a
    /// symlink inside the root that points outside it is refused too.
    ///
    /// Without a root (`nil` or empty) there is no boundary to enforce: the path is resolved against
    /// the current directory and nothing is refused except missing or unreadable files. This is for
    /// commands given a file by the user; imports always pass their image root.
    ///
    /// ```swift
    /// let path = try ImageFiles.resolve("coco/train2017/000000033471.jpg", root: "/data/images")
    /// ```
    /// - Throws: `.noImage` for an empty path, `.outsideRoot(relative)`, `.missing(relative)`
    ///   (`.missing(root)` when the root itself is missing), `.unreadable(relative, reason:)`.
    public static func resolve(_ relative: String, root: String?) throws(ImageProblem) -> String {
        if relative.isEmpty { throw .noImage }
        if relative.utf8.contains(0) { throw .unreadable(relative, reason: "the path contains a NUL byte") }
        guard let root, !root.isEmpty else {
            return try realPath(absolute(relative), reportedAs: relative)
        }
        let realRoot = try realPath(absolute(root), reportedAs: root)
        let givenRoot = normalized(absolute(root))
        let candidate: String
        if relative.hasPrefix("/") {
            candidate = normalized(relative)
            guard isInside(candidate, givenRoot) || isInside(candidate, realRoot) else { throw .outsideRoot(relative) }
        } else {
            candidate = normalized(realRoot + "/" + relative)
            guard isInside(candidate, realRoot) else { throw .outsideRoot(relative) }
        }
        let real = try realPath(candidate, reportedAs: relative)
        guard isInside(real, realRoot) else { throw .outsideRoot(relative) }
        return real
    }

    /// Reads an image's header (never the whole file) and returns its real format and pixel size.
    ///
    /// JPEG: the markers are walked to the first SOF (EXIF blocks are skipped with seeks); PNG: IHDR;
    /// GIF: the logical screen; WebP: the VP8, VP8L or VP8X chunk; BMP: the DIB header; TIFF: the
    /// first IFD. Costs one `open` and usually one 64 KB read.
    ///
    /// - Throws: `.missing`, `.unreadable` (permissions, a directory, a FIFO), `.truncated` when the
    ///   file (even an empty one) ends inside the header, `.unknownFormat` for unknown magic bytes,
    ///   `.corrupt` for a malformed header or a zero size.
    public static func probe(path: String) throws(ImageProblem) -> ImageInfo {
        let file = try ImageFile(path: path)
        return try probe(file)
    }

    /// Checks that an image file is complete: a JPEG reaches its end-of-image marker, a PNG its
    /// IEND chunk (other formats pass). Usually one 64 KB read from the end of the file; a
    /// truncated JPEG is read back to its first scan. ``ImageDecoder`` runs this before decoding.
    ///
    /// - Throws: `.truncated(info.path)`, or the problems of opening the file.
    public static func verifyComplete(_ info: ImageInfo) throws(ImageProblem) {
        let file = try ImageFile(path: info.path)
        if try !ImageHeader.isComplete(file, format: info.format) { throw .truncated(info.path) }
    }

    static func probe(_ file: ImageFile) throws(ImageProblem) -> ImageInfo {
        let header = try ImageHeader.read(file)
        return ImageInfo(path: normalized(absolute(file.path)), format: header.format, width: header.width,
                         height: header.height, bytes: file.size,
                         extensionMatches: header.format != .unknown && ImageFormat.fromExtension(file.path) == header.format)
    }

    // MARK: Paths

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Removes `.`, `..` and empty components lexically (`..` at `/` stays at `/`).
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    static func isInside(_ path: String, _ root: String) -> Bool {
        if root == "/" { return path.hasPrefix("/") && path != "/" }
        return path.hasPrefix(root + "/") && path.count > root.count + 1
    }

    static func realPath(_ path: String, reportedAs name: String) throws(ImageProblem) -> String {
        guard let resolved = realpath(path, nil) else {
            throw problem(errno: errno, path: name)
        }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func problem(errno code: Int32, path: String) -> ImageProblem {
        switch code {
        case ENOENT, ENOTDIR: return .missing(path)
        case EACCES, EPERM: return .unreadable(path, reason: "permission denied")
        case ELOOP: return .unreadable(path, reason: "too many levels of symbolic links")
        case EISDIR: return .unreadable(path, reason: "is a directory")
        default: return .unreadable(path, reason: String(cString: strerror(code)))
        }
    }
}

/// An open, regular image file, read with `pread` (safe to share between readers). Closed on release.
final class ImageFile {
    let path: String
    let size: Int
    private let descriptor: Int32
    /// The first bytes, read once: enough for every header except JPEGs with big EXIF blocks and
    /// TIFFs whose IFD is at the end.
    private(set) var prefix: [UInt8] = []

    static let prefixSize = 65_536

    init(path: String) throws(ImageProblem) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw ImageFiles.problem(errno: errno, path: path) }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let code = errno
            close(fd)
            throw ImageFiles.problem(errno: code, path: path)
        }
        let type = status.st_mode & S_IFMT
        guard type == S_IFREG else {
            close(fd)
            throw .unreadable(path, reason: type == S_IFDIR ? "is a directory" : "not a regular file")
        }
        descriptor = fd
        size = Int(status.st_size)
        prefix = try read(at: 0, count: min(size, Self.prefixSize))
    }

    deinit { close(descriptor) }

    /// Up to `count` bytes at `offset` (fewer at the end of the file).
    func bytes(at offset: Int, count: Int) throws(ImageProblem) -> [UInt8] {
        guard offset >= 0, count > 0, offset < size else { return [] }
        if offset + count <= prefix.count { return Array(prefix[offset ..< offset + count]) }
        return try read(at: offset, count: min(count, size - offset))
    }

    /// The whole file.
    func contents() throws(ImageProblem) -> [UInt8] {
        if prefix.count == size { return prefix }
        return try read(at: 0, count: size)
    }

    private func read(at offset: Int, count: Int) throws(ImageProblem) -> [UInt8] {
        if count <= 0 { return [] }
        var failure: Int32 = 0
        let buffer = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count, let base = buffer.baseAddress {
                let got = pread(descriptor, base + done, count - done, off_t(offset + done))
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if got == 0 { break }
                done += got
            }
            initialized = done
        }
        if failure != 0 { throw .unreadable(path, reason: String(cString: strerror(failure))) }
        return buffer
    }
}

/// Header parsing for every supported format, over an ``ImageFile``.
struct ImageHeader {
    var format: ImageFormat
    var width: Int
    var height: Int

    static func read(_ file: ImageFile) throws(ImageProblem) -> ImageHeader {
        let path = file.path
        let head = file.prefix
        let format = try sniff(head, path: path)
        let header: ImageHeader
        switch format {
        case .jpeg: header = try jpeg(file)
        case .png: header = try png(head, path: path)
        case .gif:
            try need(10, head, path)
            header = ImageHeader(format: .gif, width: le16(head, 6), height: le16(head, 8))
        case .webp: header = try webp(head, path: path)
        case .bmp: header = try bmp(head, path: path)
        case .tiff: header = try tiff(file)
        case .unknown: throw .unknownFormat(path)
        }
        guard header.width > 0, header.height > 0 else {
            throw .corrupt(path, reason: "the header gives a size of \(header.width)×\(header.height)")
        }
        return header
    }

    static let magic: [(ImageFormat, [UInt8])] = [
        (.jpeg, [0xFF, 0xD8, 0xFF]),
        (.png, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        (.gif, Array("GIF87a".utf8)), (.gif, Array("GIF89a".utf8)),
        (.tiff, [0x49, 0x49, 0x2A, 0x00]), (.tiff, [0x4D, 0x4D, 0x00, 0x2A]),
        (.bmp, Array("BM".utf8)),
    ]

    /// The format from the magic bytes; `.truncated` when the file is shorter than a magic it starts like.
    static func sniff(_ head: [UInt8], path: String) throws(ImageProblem) -> ImageFormat {
        if head.isEmpty { throw .truncated(path) }
        for (format, bytes) in magic {
            if head.count >= bytes.count {
                if head.starts(with: bytes) { return format }
            } else if bytes.starts(with: head) {
                throw .truncated(path)
            }
        }
        let riff = Array("RIFF".utf8), webp = Array("WEBP".utf8)
        if head.count >= 12 {
            if head.starts(with: riff), Array(head[8 ..< 12]) == webp { return .webp }
        } else if head.count >= 4 ? head.starts(with: riff) : riff.starts(with: head) {
            throw .truncated(path)
        }
        throw .unknownFormat(path)
    }

    // MARK: Formats

    static func isStartOfFrame(_ marker: UInt8) -> Bool {
        marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
    }

    /// Walks the JPEG markers from SOI to the first start-of-frame.
    static func jpeg(_ file: ImageFile) throws(ImageProblem) -> ImageHeader {
        let path = file.path
        var offset = 2
        while true {
            var marker = try byte(file, at: offset)
            guard marker == 0xFF else {
                throw .corrupt(path, reason: "JPEG marker expected at byte \(offset)")
            }
            while marker == 0xFF {  // fill bytes
                offset += 1
                marker = try byte(file, at: offset)
            }
            offset += 1
            switch marker {
            case 0x01, 0xD0 ... 0xD7: continue
            case 0xD8, 0xD9, 0xDA:
                throw .corrupt(path, reason: "no JPEG frame header before marker 0x\(String(marker, radix: 16, uppercase: true))")
            default: break
            }
            let segment = try file.bytes(at: offset, count: isStartOfFrame(marker) ? 7 : 2)
            guard segment.count == (isStartOfFrame(marker) ? 7 : 2) else { throw .truncated(path) }
            let length = be16(segment, 0)
            guard length >= 2 else { throw .corrupt(path, reason: "JPEG segment length \(length) at byte \(offset)") }
            if isStartOfFrame(marker) {
                return ImageHeader(format: .jpeg, width: be16(segment, 5), height: be16(segment, 3))
            }
            offset += length
        }
    }

    static func png(_ head: [UInt8], path: String) throws(ImageProblem) -> ImageHeader {
        try need(24, head, path)
        guard Array(head[12 ..< 16]) == Array("IHDR".utf8) else {
            throw .corrupt(path, reason: "the first PNG chunk is not IHDR")
        }
        return ImageHeader(format: .png, width: be32(head, 16), height: be32(head, 20))
    }

    static func webp(_ head: [UInt8], path: String) throws(ImageProblem) -> ImageHeader {
        try need(30, head, path)
        switch String(decoding: head[12 ..< 16], as: UTF8.self) {
        case "VP8 ":
            guard head[23] == 0x9D, head[24] == 0x01, head[25] == 0x2A else {
                throw .corrupt(path, reason: "bad VP8 start code")
            }
            return ImageHeader(format: .webp, width: le16(head, 26) & 0x3FFF, height: le16(head, 28) & 0x3FFF)
        case "VP8L":
            guard head[20] == 0x2F else { throw .corrupt(path, reason: "bad VP8L signature") }
            let bits = le32(head, 21)
            return ImageHeader(format: .webp, width: (bits & 0x3FFF) + 1, height: ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            return ImageHeader(format: .webp, width: le24(head, 24) + 1, height: le24(head, 27) + 1)
        default:
            throw .corrupt(path, reason: "unknown WebP chunk")
        }
    }

    static func bmp(_ head: [UInt8], path: String) throws(ImageProblem) -> ImageHeader {
        try need(18, head, path)
        if le32(head, 14) == 12 {  // OS/2 BITMAPCOREHEADER
            try need(22, head, path)
            return ImageHeader(format: .bmp, width: le16(head, 18), height: le16(head, 20))
        }
        try need(26, head, path)
        let width = Int(Int32(bitPattern: UInt32(le32(head, 18))))
        let height = Int(Int32(bitPattern: UInt32(le32(head, 22))))
        return ImageHeader(format: .bmp, width: width, height: abs(height))  // negative height: top-down rows
    }

    /// Width and height tags (256, 257) of the first IFD.
    static func tiff(_ file: ImageFile) throws(ImageProblem) -> ImageHeader {
        let path = file.path
        let head = file.prefix
        try need(8, head, path)
        let little = head[0] == 0x49
        func u16(_ bytes: [UInt8], _ at: Int) -> Int { little ? le16(bytes, at) : be16(bytes, at) }
        func u32(_ bytes: [UInt8], _ at: Int) -> Int { little ? le32(bytes, at) : be32(bytes, at) }
        let ifd = u32(head, 4)
        let countBytes = try file.bytes(at: ifd, count: 2)
        guard countBytes.count == 2 else { throw .truncated(path) }
        let count = u16(countBytes, 0)
        let entries = try file.bytes(at: ifd + 2, count: count * 12)
        guard entries.count == count * 12 else { throw .truncated(path) }
        var width = 0, height = 0
        for index in 0 ..< count {
            let at = index * 12
            let tag = u16(entries, at)
            guard tag == 256 || tag == 257 else { continue }
            let value: Int
            switch u16(entries, at + 2) {
            case 3: value = u16(entries, at + 8)
            case 4: value = u32(entries, at + 8)
            default: throw .corrupt(path, reason: "TIFF size tag of unexpected type")
            }
            if tag == 256 { width = value } else { height = value }
        }
        return ImageHeader(format: .tiff, width: width, height: height)
    }

    // MARK: Completeness

    /// Whether the whole file is there: a JPEG has an EOI marker after its first scan, a PNG's
    /// chunks run to IEND. gdk-pixbuf returns a partial image without an error for files cut short,
    /// so this check is what tells a truncated file from a complete one. Other formats are left to
    /// the decoder, and so are malformed segments: only running out of bytes means truncated.
    static func isComplete(_ file: ImageFile, format: ImageFormat) throws(ImageProblem) -> Bool {
        switch format {
        case .jpeg: return try jpegHasEnd(file)
        case .png: return try pngHasEnd(file)
        default: return true
        }
    }

    /// Walks the segments to the first SOS, then looks for FFD9 backwards from the end of the file.
    /// Entropy-coded data never holds FFD9 (0xFF is stuffed as FF00), so an FFD9 after the first
    /// scan is the EOI (trailing bytes after it are fine). A complete file costs one block read.
    static func jpegHasEnd(_ file: ImageFile) throws(ImageProblem) -> Bool {
        var offset = 2
        var scanStart: Int?
        while scanStart == nil {
            let head = try file.bytes(at: offset, count: 4)
            guard head.count == 4 else { return false }
            guard head[0] == 0xFF else { return true }
            if head[1] == 0xFF {  // fill byte
                offset += 1
                continue
            }
            let marker = head[1]
            offset += 2
            if marker == 0x01 || (0xD0 ... 0xD7).contains(marker) { continue }
            if marker == 0xD8 || marker == 0xD9 { return true }
            let length = be16(head, 2)
            if length < 2 { return true }
            if marker == 0xDA { scanStart = offset + length }
            offset += length
        }
        guard let start = scanStart, start < file.size else { return false }
        let block = 65_536
        var end = file.size
        while end > start {
            let from = max(start, end - block)
            let bytes = try file.bytes(at: from, count: min(end + 1, file.size) - from)  // one byte of overlap
            if bytes.count >= 2 {
                for index in stride(from: bytes.count - 2, through: 0, by: -1) where bytes[index] == 0xFF && bytes[index + 1] == 0xD9 {
                    return true
                }
            }
            end = from
        }
        return false
    }

    /// A PNG ends with its IEND chunk; when it does not (trailing bytes), the chunks are walked.
    static func pngHasEnd(_ file: ImageFile) throws(ImageProblem) -> Bool {
        let iend = Array("IEND".utf8)
        if file.size >= 20, Array(try file.bytes(at: file.size - 8, count: 4)) == iend { return true }
        var offset = 8
        while true {
            let header = try file.bytes(at: offset, count: 8)
            guard header.count == 8 else { return false }
            let type = Array(header[4 ..< 8])
            if type == iend { return true }
            // A damaged chunk (its type is not four letters) is the decoder's to report.
            guard type.allSatisfy({ (0x41 ... 0x5A).contains($0) || (0x61 ... 0x7A).contains($0) }) else { return true }
            offset += 12 + be32(header, 0)
        }
    }

    // MARK: Bytes

    static func need(_ count: Int, _ head: [UInt8], _ path: String) throws(ImageProblem) {
        if head.count < count { throw .truncated(path) }
    }

    static func byte(_ file: ImageFile, at offset: Int) throws(ImageProblem) -> UInt8 {
        guard let value = try file.bytes(at: offset, count: 1).first else { throw .truncated(file.path) }
        return value
    }

    static func be16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }
    static func le16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 }
    static func le24(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16 }
    static func be32(_ b: [UInt8], _ i: Int) -> Int { be16(b, i) << 16 | be16(b, i + 2) }
    static func le32(_ b: [UInt8], _ i: Int) -> Int { le16(b, i) | le16(b, i + 2) << 16 }
}
