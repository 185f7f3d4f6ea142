/// The `image` score: reads the image file's header (never decodes it) through
/// ``ImageFiles/resolve(_:root:)`` and ``ImageFiles/probe(path:)``, then checks that the file
/// is complete as ``ImageFiles/verifyComplete(_:)`` does (a JPEG reaches its end-of-image
/// marker, a PNG its IEND chunk), reusing the open file and its first 64 KB.
///
/// - 1: unusable for training — missing, outside the image root, unreadable, unknown format,
///   truncated (the header, or the data before the end marker) or corrupt header.
/// - 0.5: suspicious — the real format differs from the extension (OCR-VQA's `.jpg` files that
///   are GIF or PNG), a side under 32 pixels, an aspect ratio over 5:1, or more pixels than
///   the decoder accepts (``ImageFiles/defaultPixelLimit``).
/// - 0: fine.
///
/// The detail is `{"kind", "format", "width", "height", "aspect", "bytes"}` (kind is `ok`, one
/// of ``ImageProblem/kind``, `extension_mismatch`, `tiny` or `extreme_aspect`).
enum ImageScoring {
    static let tinySide = 32
    static let extremeAspect = 5.0

    static func score(image: String, root: String?) -> ScoreResult {
        let info: ImageInfo
        do throws(ImageProblem) {
            let path = try ImageFiles.resolve(image, root: root)
            let file = try ImageFile(path: path)
            info = try ImageFiles.probe(file)
            // gdk-pixbuf decodes a file cut short without an error: training would see a grey half.
            if try !ImageHeader.isComplete(file, format: info.format) { throw ImageProblem.truncated(image) }
        } catch {
            if case let .tooLarge(_, width, height, _) = error {
                return ScoreResult(scorer: .image, value: 0.5,
                                   detail: detail(kind: error.kind, format: nil, width: width, height: height, bytes: nil))
            }
            return ScoreResult(scorer: .image, value: 1,
                               detail: "{\"kind\":\"\(error.kind)\",\"message\":\(JSONValue.string(error.description).jsonText)}")
        }
        var kind = "ok"
        var value = 0.0
        let aspect = info.width > 0 && info.height > 0
            ? Double(max(info.width, info.height)) / Double(min(info.width, info.height)) : 0
        if !info.extensionMatches {
            kind = "extension_mismatch"
            value = 0.5
        } else if min(info.width, info.height) < tinySide {
            kind = "tiny"
            value = 0.5
        } else if aspect > extremeAspect {
            kind = "extreme_aspect"
            value = 0.5
        }
        return ScoreResult(scorer: .image, value: value,
                           detail: detail(kind: kind, format: info.format.rawValue, width: info.width, height: info.height, bytes: info.bytes))
    }

    private static func detail(kind: String, format: String?, width: Int, height: Int, bytes: Int?) -> String {
        var out = "{\"kind\":\"\(kind)\""
        if let format { out += ",\"format\":\"\(format)\"" }
        out += ",\"width\":\(width),\"height\":\(height)"
        if width > 0, height > 0 { out += ",\"aspect\":\(rounded(Double(width) / Double(height)))" }
        if let bytes { out += ",\"bytes\":\(bytes)" }
        return out + "}"
    }
}
