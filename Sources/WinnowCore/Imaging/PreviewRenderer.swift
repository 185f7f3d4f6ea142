import CChafa
import Foundation

/// How many colours a preview may use; the raw values are the `--preview-colors` option's.
public enum PreviewColors: String, Sendable, CaseIterable {
    /// 24-bit colour: cell colours are `0xRRGGBB`.
    case trueColor = "truecolor"
    /// xterm's 6×6×6 cube and grey ramp: cell colours are ncurses colour numbers 16–255
    /// (chafa's `INDEXED_240`, which leaves the user-themed colours 0–15 alone).
    case indexed256 = "256"
    /// The 16 ANSI colours: cell colours are ncurses colour numbers 0–15 (8–15 the bright ones).
    case ansi16 = "16"
    /// No colour: symbols only, in the terminal's default foreground and background.
    case mono = "none"

    var canvasMode: ChafaCanvasMode {
        switch self {
        case .trueColor: return CHAFA_CANVAS_MODE_TRUECOLOR
        case .indexed256: return CHAFA_CANVAS_MODE_INDEXED_240
        case .ansi16: return CHAFA_CANVAS_MODE_INDEXED_16
        case .mono: return CHAFA_CANVAS_MODE_FGBG
        }
    }
}

/// One terminal cell of a preview: a narrow symbol (block, half block, border or space) and its colours.
///
/// What `fg` and `bg` hold depends on the preview's ``PreviewColors``:
/// - `.trueColor`: `0xRRGGBB`. ncurses direct-colour terminals read values 0–7 as ANSI colours, so
///   the drawing code should raise such near-black values to 8.
/// - `.indexed256`: an ncurses colour number in 16...255.
/// - `.ansi16`: an ncurses colour number in 0...15.
/// - `.mono`: always 0, with `fgDefault` and `bgDefault` set.
///
/// `fgDefault`/`bgDefault` mean "use the terminal's default colour" (then `fg`/`bg` are 0): for
/// transparent pixels and always in `.mono`. The colour a symbol hides (the foreground of a space,
/// the background of a full block `█`) is set equal to the visible one.
public struct PreviewCell: Equatable, Sendable {
    public var character: Character
    public var fg: UInt32
    public var bg: UInt32
    public var fgDefault: Bool
    public var bgDefault: Bool

    public init(character: Character, fg: UInt32, bg: UInt32, fgDefault: Bool, bgDefault: Bool) {
        self.character = character
        self.fg = fg
        self.bg = bg
        self.fgDefault = fgDefault
        self.bgDefault = bgDefault
    }
}

/// A rendered preview: `width × height` cells, row-major, ready to be drawn cell by cell.
public struct PreviewImage: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var colors: PreviewColors
    public var cells: [PreviewCell]
    /// The header facts of the file (for the caption: name, pixel size, bytes, real format).
    public var info: ImageInfo

    public init(width: Int, height: Int, colors: PreviewColors, cells: [PreviewCell], info: ImageInfo) {
        self.width = width
        self.height = height
        self.colors = colors
        self.cells = cells
        self.info = info
    }

    /// Approximate memory held, for a byte-bounded cache.
    public var byteCost: Int {
        cells.count * MemoryLayout<PreviewCell>.stride + MemoryLayout<PreviewImage>.size + info.path.utf8.count
    }

    /// The cell at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> PreviewCell { cells[y * width + x] }
}

/// Renders images into terminal cells with libchafa. No terminal code: the caller draws the cells.
public enum PreviewRenderer {
    /// chafa's work factor (0...1): 0.2 keeps a 60×21 preview well under the speed target with
    /// little visible loss; chafa's own default is 0.5.
    public static let defaultWorkFactor = 0.2

    /// Sets how many threads libchafa uses for every canvas (process-wide; `nil` = one per core).
    public static func setThreadCount(_ count: Int?) {
        chafa_set_n_threads(Int32(count ?? -1))
    }

    /// The preview size in cells for an image fitted into `columns × rows` with its aspect ratio kept.
    ///
    /// `cellAspect` is a cell's height divided by its width (about 2 in most terminal fonts).
    /// A 2:1 image in 40×40 cells at aspect 2 is 40×10. Small images are scaled up to fit.
    public static func cellSize(imageWidth: Int, imageHeight: Int, columns: Int, rows: Int,
                                cellAspect: Double = 2.0) -> (columns: Int, rows: Int) {
        guard imageWidth > 0, imageHeight > 0, columns > 0, rows > 0 else { return (0, 0) }
        let aspect = cellAspect > 0 && cellAspect.isFinite ? cellAspect : 2.0
        let ratio = Double(imageWidth) / Double(imageHeight) * aspect  // width / height in cells
        var width = Double(columns)
        var height = width / ratio
        if height > Double(rows) {
            height = Double(rows)
            width = height * ratio
        }
        return (max(1, min(columns, Int(width.rounded()))), max(1, min(rows, Int(height.rounded()))))
    }

    /// Decodes a file and renders it into at most `columns × rows` cells.
    ///
    /// The size comes from the header, so a JPEG is decoded at a reduced DCT scale just large enough
    /// for chafa's 8×8 samples per cell (a 2250×1500 JPEG into 60×20 cells decodes at 1/4, 563×375);
    /// chafa does the final resize. Centring is the caller's job. Safe to call from background
    /// threads. Cost for that JPEG in a release build: about 24 ms of CPU (13.5 decode + 10.5 chafa
    /// on one thread); `ImageBench` measures it.
    ///
    /// ```swift
    /// let preview = try PreviewRenderer.render(path: path, columns: 60, rows: 21, colors: .indexed256)
    /// ```
    /// - Throws: the ``ImageProblem`` of the probe or the decoder (the caller shows it as a placeholder).
    public static func render(path: String, columns: Int, rows: Int, colors: PreviewColors, cellAspect: Double = 2.0,
                              pixelLimit: Int = ImageFiles.defaultPixelLimit,
                              workFactor: Double = defaultWorkFactor) throws(ImageProblem) -> PreviewImage {
        guard columns > 0, rows > 0 else {
            let info = try ImageFiles.probe(path: path)
            return PreviewImage(width: 0, height: 0, colors: colors, cells: [], info: info)
        }
        let size = { (info: ImageInfo) in
            cellSize(imageWidth: info.width, imageHeight: info.height, columns: columns, rows: rows, cellAspect: cellAspect)
        }
        return try ImageDecoder.withPixels(path: path, pixelLimit: pixelLimit, fit: { info in
            let cells = size(info)
            return (cells.columns * 8, cells.rows * 8)
        }, { info, view in
            draw(view, info: info, cells: size(info), colors: colors, workFactor: workFactor)
        })
    }

    /// Renders decoded pixels into at most `columns × rows` cells (the aspect ratio is taken from
    /// `info`'s header size when it has one, else from the pixels). A malformed pixel buffer or a
    /// zero-sized area gives an empty preview.
    public static func render(_ image: DecodedImage, info: ImageInfo, columns: Int, rows: Int, colors: PreviewColors,
                              cellAspect: Double = 2.0, workFactor: Double = defaultWorkFactor) -> PreviewImage {
        let empty = PreviewImage(width: 0, height: 0, colors: colors, cells: [], info: info)
        guard image.isWellFormed else { return empty }
        let (width, height) = info.width > 0 && info.height > 0 ? (info.width, info.height) : (image.width, image.height)
        let cells = cellSize(imageWidth: width, imageHeight: height, columns: columns, rows: rows, cellAspect: cellAspect)
        return image.pixels.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return empty }
            let view = PixelView(width: image.width, height: image.height, rowStride: image.rowStride,
                                 hasAlpha: image.hasAlpha, base: base)
            return draw(view, info: info, cells: cells, colors: colors, workFactor: workFactor)
        }
    }

    /// Symbol tags that read well in a terminal: blocks, borders, spaces and half blocks, all narrow.
    static let symbolTags = ChafaSymbolTags(rawValue: CHAFA_SYMBOL_TAG_BLOCK.rawValue | CHAFA_SYMBOL_TAG_BORDER.rawValue
        | CHAFA_SYMBOL_TAG_SPACE.rawValue | CHAFA_SYMBOL_TAG_HALF.rawValue)

    /// Draws pixels into a chafa canvas and reads back every cell. libchafa 1.12 needs a row stride
    /// that is a multiple of 4 (gdk-pixbuf's always is); anything else is copied first.
    static func draw(_ view: PixelView, info: ImageInfo, cells: (columns: Int, rows: Int), colors: PreviewColors,
                     workFactor: Double) -> PreviewImage {
        if view.rowStride % 4 != 0 {
            return view.withAlignedRows { draw($0, info: info, cells: cells, colors: colors, workFactor: workFactor) }
        }
        let (width, height) = cells
        guard width > 0, height > 0,
              let symbols = chafa_symbol_map_new() else {
            return PreviewImage(width: 0, height: 0, colors: colors, cells: [], info: info)
        }
        defer { chafa_symbol_map_unref(symbols) }
        chafa_symbol_map_add_by_tags(symbols, symbolTags)
        chafa_symbol_map_remove_by_tags(symbols, CHAFA_SYMBOL_TAG_WIDE)

        guard let config = chafa_canvas_config_new() else {
            return PreviewImage(width: 0, height: 0, colors: colors, cells: [], info: info)
        }
        defer { chafa_canvas_config_unref(config) }
        chafa_canvas_config_set_geometry(config, Int32(width), Int32(height))
        chafa_canvas_config_set_canvas_mode(config, colors.canvasMode)
        chafa_canvas_config_set_symbol_map(config, symbols)
        chafa_canvas_config_set_work_factor(config, Float(min(1, max(0, workFactor))))

        guard let canvas = chafa_canvas_new(config) else {
            return PreviewImage(width: 0, height: 0, colors: colors, cells: [], info: info)
        }
        defer { chafa_canvas_unref(canvas) }
        chafa_canvas_draw_all_pixels(canvas, view.hasAlpha ? CHAFA_PIXEL_RGBA8_UNASSOCIATED : CHAFA_PIXEL_RGB8,
                                     view.base, Int32(view.width), Int32(view.height), Int32(view.rowStride))

        let maxIndex: Int32 = colors == .trueColor ? 0xFF_FFFF : 255
        var result: [PreviewCell] = []
        result.reserveCapacity(width * height)
        var fg: Int32 = 0, bg: Int32 = 0
        for y in 0 ..< Int32(height) {
            for x in 0 ..< Int32(width) {
                let code = chafa_canvas_get_char_at(canvas, x, y)
                let character = Unicode.Scalar(code).map(Character.init) ?? " "
                if colors == .mono {
                    result.append(PreviewCell(character: character, fg: 0, bg: 0, fgDefault: true, bgDefault: true))
                    continue
                }
                chafa_canvas_get_raw_colors_at(canvas, x, y, &fg, &bg)
                // A space shows only its background and a full block only its foreground: chafa leaves
                // the hidden colour arbitrary, so copy the visible one (fewer distinct colour pairs).
                if code == 0x20 { fg = bg } else if code == 0x2588 { bg = fg }
                let fgDefault = fg < 0 || fg > maxIndex, bgDefault = bg < 0 || bg > maxIndex
                result.append(PreviewCell(character: character, fg: fgDefault ? 0 : UInt32(fg), bg: bgDefault ? 0 : UInt32(bg),
                                          fgDefault: fgDefault, bgDefault: bgDefault))
            }
        }
        return PreviewImage(width: width, height: height, colors: colors, cells: result, info: info)
    }
}
