import CGdkPixbuf
import Foundation

/// Decoded 8-bit pixels. ``ImageDecoder`` pads rows to a multiple of 4 bytes, as gdk-pixbuf does
/// (`rowStride` is `width * 3` rounded up for RGB, `width * 4` for RGBA); padding bytes are zero.
public struct DecodedImage: Sendable {
    public var width: Int
    public var height: Int
    public var rowStride: Int
    /// RGBA (unassociated alpha) when `true`, RGB otherwise.
    public var hasAlpha: Bool
    public var pixels: [UInt8]

    public init(width: Int, height: Int, rowStride: Int, hasAlpha: Bool, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.rowStride = rowStride
        self.hasAlpha = hasAlpha
        self.pixels = pixels
    }

    var channels: Int { hasAlpha ? 4 : 3 }

    static func alignedStride(_ rowBytes: Int) -> Int { (rowBytes + 3) & ~3 }

    /// Whether `pixels` holds every row `rowStride` promises (the renderer refuses anything else).
    var isWellFormed: Bool {
        guard width > 0, height > 0, rowStride >= width * channels else { return false }
        return pixels.count >= (height - 1) * rowStride + width * channels
    }
}

/// Pixels owned by a live GdkPixbuf, valid only inside ``ImageDecoder/withPixels(path:pixelLimit:fit:_:)``.
struct PixelView {
    var width: Int
    var height: Int
    /// Bytes between rows; the last row may be shorter (`width * channels`), as in GdkPixbuf.
    var rowStride: Int
    var hasAlpha: Bool
    var base: UnsafePointer<UInt8>

    /// An owned copy with rows padded to 4 bytes (libchafa 1.12 misreads RGB rows whose stride is
    /// not a multiple of 4: the picture comes out sheared).
    func copy() -> DecodedImage {
        let rowBytes = width * (hasAlpha ? 4 : 3)
        let stride = DecodedImage.alignedStride(rowBytes)
        var pixels = [UInt8](repeating: 0, count: stride * height)
        pixels.withUnsafeMutableBufferPointer { buffer in
            guard let target = buffer.baseAddress else { return }
            for row in 0 ..< height {
                (target + row * stride).update(from: base + row * rowStride, count: rowBytes)
            }
        }
        return DecodedImage(width: width, height: height, rowStride: stride, hasAlpha: hasAlpha, pixels: pixels)
    }

    /// Calls `body` with rows whose stride is a multiple of 4, as libchafa 1.12 needs: this view,
    /// or a padded copy (see ``copy()``).
    func withAlignedRows<T>(_ body: (PixelView) -> T) -> T {
        guard rowStride % 4 != 0 else { return body(self) }
        let copy = self.copy()
        return copy.pixels.withUnsafeBufferPointer { buffer in
            body(PixelView(width: copy.width, height: copy.height, rowStride: copy.rowStride, hasAlpha: copy.hasAlpha,
                           base: buffer.baseAddress ?? base))
        }
    }
}

/// Decodes image files with gdk-pixbuf, by their real format, after the header checks of ``ImageFiles``.
public enum ImageDecoder {
    /// Decodes an image file into RGB or RGBA pixels.
    ///
    /// The header is read first (``ImageFiles/probe(path:)``): an image above `pixelLimit` pixels is
    /// refused without reading the rest of the file, and a JPEG without its end marker or a PNG
    /// without IEND is refused as truncated (gdk-pixbuf would silently return a partly grey image).
    /// The decoder is chosen by the sniffed format, so a PNG named `.jpg` decodes.
    ///
    /// With `fit`, a JPEG is decoded at the smallest DCT scale (1/2, 1/4 or 1/8, exact libjpeg output
    /// size, no resampling pass) that is still at least `fit` in both dimensions; the caller does the
    /// final resize. Other formats have no cheap reduced decode and come back at full size. EXIF
    /// orientation is not applied: pixels are as stored, as most training pipelines read them.
    ///
    /// Thread-safe: call it from any thread, concurrently.
    ///
    /// ```swift
    /// let image = try ImageDecoder.decode(path: path, fit: (width: 480, height: 168))
    /// ```
    /// - Throws: the probe's problems, `.tooLarge`, `.truncated`, `.corrupt` with gdk-pixbuf's
    ///   message, `.unreadable` when no gdk-pixbuf loader exists for the format (WebP without
    ///   webp-pixbuf-loader).
    public static func decode(path: String, fit: (width: Int, height: Int)? = nil,
                              pixelLimit: Int = ImageFiles.defaultPixelLimit) throws(ImageProblem) -> DecodedImage {
        try withPixels(path: path, pixelLimit: pixelLimit, fit: { _ in fit }) { _, view in view.copy() }
    }

    /// Decodes and lends the pixbuf's pixels to `body` without copying them.
    ///
    /// - Parameter fit: given the header, the size the caller needs (see ``decode(path:fit:pixelLimit:)``).
    static func withPixels<T>(path: String, pixelLimit: Int,
                              fit: (ImageInfo) -> (width: Int, height: Int)?,
                              _ body: (ImageInfo, PixelView) -> T) throws(ImageProblem) -> T {
        _ = formatsLoaded
        let file = try ImageFile(path: path)
        let info = try ImageFiles.probe(file)
        guard info.pixelCount <= pixelLimit else {
            throw .tooLarge(path, width: info.width, height: info.height, limit: pixelLimit)
        }
        guard let type = info.format.pixbufType else { throw .unknownFormat(path) }
        guard try ImageHeader.isComplete(file, format: info.format) else { throw .truncated(path) }
        let data = try file.contents()

        var error: UnsafeMutablePointer<GError>?
        guard let loader = gdk_pixbuf_loader_new_with_type(type, &error) else {
            let message = takeMessage(&error) ?? "unknown type"
            throw .unreadable(path, reason: "gdk-pixbuf cannot decode \(info.format.rawValue) here: \(message)")
        }
        defer { winnow_loader_unref(loader) }
        if info.format == .jpeg, let size = jpegScaledSize(width: info.width, height: info.height, fit: fit(info)) {
            gdk_pixbuf_loader_set_size(loader, Int32(size.width), Int32(size.height))
        }
        let written = data.withUnsafeBufferPointer { buffer in
            gdk_pixbuf_loader_write(loader, buffer.baseAddress, gsize(buffer.count), &error)
        } != 0
        if !written {
            let message = takeMessage(&error) ?? "gdk-pixbuf refused the data"
            _ = gdk_pixbuf_loader_close(loader, nil)
            throw .corrupt(path, reason: message)
        }
        guard gdk_pixbuf_loader_close(loader, &error) != 0 else {
            throw .corrupt(path, reason: takeMessage(&error) ?? "gdk-pixbuf could not finish the image")
        }
        guard let pixbuf = gdk_pixbuf_loader_get_pixbuf(loader) else {
            throw .corrupt(path, reason: "gdk-pixbuf produced no image")
        }
        let channels = Int(gdk_pixbuf_get_n_channels(pixbuf))
        let hasAlpha = gdk_pixbuf_get_has_alpha(pixbuf) != 0
        guard gdk_pixbuf_get_bits_per_sample(pixbuf) == 8, channels == (hasAlpha ? 4 : 3),
              let pixels = gdk_pixbuf_read_pixels(pixbuf) else {
            throw .corrupt(path, reason: "gdk-pixbuf produced an unexpected pixel layout")
        }
        let view = PixelView(width: Int(gdk_pixbuf_get_width(pixbuf)), height: Int(gdk_pixbuf_get_height(pixbuf)),
                             rowStride: Int(gdk_pixbuf_get_rowstride(pixbuf)), hasAlpha: hasAlpha, base: pixels)
        guard view.width > 0, view.height > 0 else { throw .corrupt(path, reason: "gdk-pixbuf produced an empty image") }
        return body(info, view)
    }

    /// The smallest libjpeg DCT-scaled size (`ceil(size / 2ⁿ)`, n ≤ 3) that still covers `fit`;
    /// `nil` when full size is needed (or no fit was asked for).
    static func jpegScaledSize(width: Int, height: Int, fit: (width: Int, height: Int)?) -> (width: Int, height: Int)? {
        guard let fit, fit.width > 0, fit.height > 0 else { return nil }
        var best: (width: Int, height: Int)?
        for denominator in [2, 4, 8] {
            let scaled = (width: (width + denominator - 1) / denominator, height: (height + denominator - 1) / denominator)
            guard scaled.width >= fit.width, scaled.height >= fit.height else { break }
            best = scaled
        }
        return best
    }

    /// gdk-pixbuf's loader table, filled once before any concurrent use.
    private static let formatsLoaded: Bool = {
        winnow_pixbuf_init_formats()
        return true
    }()

    /// The message of a GError, which is freed and cleared.
    static func takeMessage(_ error: inout UnsafeMutablePointer<GError>?) -> String? {
        guard let pointer = error else { return nil }
        defer {
            winnow_error_free(pointer)
            error = nil
        }
        guard let message = pointer.pointee.message else { return nil }
        return String(cString: message)
    }

    // MARK: Writing (test fixtures and benchmark images)

    /// Writes pixels as a JPEG, PNG, BMP or TIFF file with gdk-pixbuf (`quality` is JPEG's).
    ///
    /// - Throws: ``ImageWriteError`` with gdk-pixbuf's message.
    static func write(_ image: DecodedImage, format: ImageFormat, quality: Int = 90, to path: String) throws {
        guard image.isWellFormed else { throw ImageWriteError(message: "malformed pixel buffer") }
        guard [.jpeg, .png, .bmp, .tiff].contains(format), let type = format.pixbufType else {
            throw ImageWriteError(message: "gdk-pixbuf cannot write \(format.rawValue)")
        }
        var error: UnsafeMutablePointer<GError>?
        let saved = image.pixels.withUnsafeBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress,
                  let pixbuf = gdk_pixbuf_new_from_data(base, GDK_COLORSPACE_RGB, image.hasAlpha ? 1 : 0, 8,
                                                        Int32(image.width), Int32(image.height),
                                                        Int32(image.rowStride), nil, nil) else { return false }
            defer { winnow_pixbuf_unref(pixbuf) }
            return (format == .jpeg ? winnow_pixbuf_save_jpeg(pixbuf, path, Int32(quality), &error)
                                    : winnow_pixbuf_save_plain(pixbuf, path, type, &error)) != 0
        }
        let message = takeMessage(&error)
        if !saved { throw ImageWriteError(message: message ?? "gdk-pixbuf could not save \(path)") }
    }
}

/// Writing an image file failed.
public struct ImageWriteError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { "Could not write the image: \(message)." }
}
