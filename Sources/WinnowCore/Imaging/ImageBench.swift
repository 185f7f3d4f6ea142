import Foundation

/// Timings of the preview pipeline (file → decoded pixels → chafa cells), for `winnow bench preview`.
public enum ImageBench {
    /// Renders `imagePath` `iterations` times (after one untimed warm-up) and returns the median and
    /// 99th percentile in milliseconds, from opening the file to the last cell read.
    ///
    /// ```swift
    /// let (p50, p99) = try ImageBench.run(imagePath: "big.jpg", columns: 60, rows: 21, iterations: 50)
    /// ```
    /// - Throws: the ``ImageProblem`` of the image, if it cannot be rendered.
    public static func run(imagePath: String, columns: Int, rows: Int, iterations: Int,
                           colors: PreviewColors = .trueColor) throws(ImageProblem) -> (p50: Double, p99: Double) {
        _ = try PreviewRenderer.render(path: imagePath, columns: columns, rows: rows, colors: colors)
        var times: [Double] = []
        times.reserveCapacity(max(1, iterations))
        for _ in 0 ..< max(1, iterations) {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try PreviewRenderer.render(path: imagePath, columns: columns, rows: rows, colors: colors)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return (percentile(times, 0.50), percentile(times, 0.99))
    }

    /// The nearest-rank percentile of `values` (`fraction` in 0...1).
    static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// Writes a photo-like JPEG (smooth gradients, shapes and sensor-like noise, so it compresses
    /// and decodes like a real photo: 2250×1500 at quality 90 is about 1 MB) for benchmarks and tests.
    ///
    /// - Throws: ``ImageWriteError`` when gdk-pixbuf cannot write the file.
    public static func writeSampleJPEG(path: String, width: Int = 2250, height: Int = 1500, quality: Int = 90) throws {
        try ImageDecoder.write(sampleImage(width: width, height: height), format: .jpeg, quality: quality, to: path)
    }

    /// The pixels of ``writeSampleJPEG(path:width:height:quality:)``: deterministic.
    static func sampleImage(width: Int, height: Int) -> DecodedImage {
        let w = max(1, width), h = max(1, height)
        let columnShade = (0 ..< w).map { x in 60.0 * sin(Double(x) / Double(w) * 7.0) }
        let rowShade = (0 ..< h).map { y in 50.0 * cos(Double(y) / Double(h) * 5.0) }
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        var state: UInt32 = 0x9E37_79B9
        let centre = (x: Double(w) * 0.6, y: Double(h) * 0.45), radius = Double(min(w, h)) * 0.3
        pixels.withUnsafeMutableBufferPointer { buffer in
            for y in 0 ..< h {
                let dy = Double(y) - centre.y
                for x in 0 ..< w {
                    state = state &* 1_664_525 &+ 1_013_904_223
                    let noise = Double(Int((state >> 24) & 15) - 8)
                    let dx = Double(x) - centre.x
                    let inDisc = dx * dx + dy * dy < radius * radius
                    let base = 128.0 + columnShade[x] + rowShade[y] + noise
                    let offset = (y * w + x) * 3
                    let r = inDisc ? 230.0 - rowShade[y] + noise : base
                    let g = inDisc ? 150.0 + noise : base * 0.8 + 30
                    let b = inDisc ? 40.0 + noise : 255.0 - base
                    buffer[offset] = UInt8(max(0, min(255, r)))
                    buffer[offset + 1] = UInt8(max(0, min(255, g)))
                    buffer[offset + 2] = UInt8(max(0, min(255, b)))
                }
            }
        }
        return DecodedImage(width: w, height: h, rowStride: w * 3, hasAlpha: false, pixels: pixels)
    }
}
