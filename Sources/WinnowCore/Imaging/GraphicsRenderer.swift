import CChafa
import Foundation

/// Terminal graphics protocols that draw real pixels instead of symbols.
public enum GraphicsProtocol: String, Sendable, CaseIterable {
    /// DEC sixel (xterm -ti vt340, mlterm, foot, WezTerm, contour...).
    case sixel
    /// kitty's graphics protocol (kitty, WezTerm, ghostty, Konsole).
    case kitty

    var pixelMode: ChafaPixelMode {
        switch self {
        case .sixel: return CHAFA_PIXEL_MODE_SIXELS
        case .kitty: return CHAFA_PIXEL_MODE_KITTY
        }
    }

    /// The protocol a terminal offers, judged from its environment: nil (draw symbols) inside
    /// tmux or screen, which do not pass graphics through reliably, and for terminals not known
    /// to support one.
    public static func detect(environment: [String: String]) -> GraphicsProtocol? {
        let term = environment["TERM"] ?? ""
        if environment["TMUX"] != nil || term.hasPrefix("screen") || term.hasPrefix("tmux") { return nil }
        let program = environment["TERM_PROGRAM"] ?? ""
        if term == "xterm-kitty" || environment["KITTY_WINDOW_ID"] != nil || term.contains("ghostty")
            || program == "ghostty" || program == "WezTerm" {
            return .kitty
        }
        if term.hasPrefix("foot") || term.hasPrefix("mlterm") || term.hasPrefix("contour") || program == "iTerm.app" {
            return .sixel
        }
        return nil
    }
}

/// A picture encoded for a graphics protocol: the escape sequence that draws it at the cursor,
/// covering `columns × rows` cells.
public struct GraphicsImage: Equatable, Sendable {
    public var columns: Int
    public var rows: Int
    public var protocolName: GraphicsProtocol
    public var escape: [UInt8]
    public var info: ImageInfo

    public init(columns: Int, rows: Int, protocolName: GraphicsProtocol, escape: [UInt8], info: ImageInfo) {
        self.columns = columns
        self.rows = rows
        self.protocolName = protocolName
        self.escape = escape
        self.info = info
    }

    /// The kitty sequence that removes every image kitty shows (sixel pictures are removed
    /// by drawing text over them).
    public static let kittyDeleteAll: [UInt8] = Array("\u{1B}_Ga=d,d=A\u{1B}\\".utf8)
}

/// Renders an image as sixel or kitty graphics with libchafa, through the same safe decoder as
/// the symbol previews.
public enum GraphicsRenderer {
    /// Decodes `path` and encodes it to fit `columns × rows` cells of `cellWidth × cellHeight`
    /// pixels, aspect ratio kept.
    ///
    /// - Throws: the ``ImageProblem`` of the probe or the decoder.
    public static func render(path: String, columns: Int, rows: Int, protocol kind: GraphicsProtocol,
                              cellWidth: Int = 10, cellHeight: Int = 20,
                              pixelLimit: Int = ImageFiles.defaultPixelLimit) throws(ImageProblem) -> GraphicsImage {
        let cellWidth = max(1, cellWidth), cellHeight = max(1, cellHeight)
        let aspect = Double(cellHeight) / Double(cellWidth)
        let size = { (info: ImageInfo) in
            PreviewRenderer.cellSize(imageWidth: info.width, imageHeight: info.height, columns: columns, rows: rows, cellAspect: aspect)
        }
        return try ImageDecoder.withPixels(path: path, pixelLimit: pixelLimit, fit: { info in
            let cells = size(info)
            return (cells.columns * cellWidth, cells.rows * cellHeight)
        }, { info, view in
            view.withAlignedRows { aligned in
                encode(aligned, info: info, cells: size(info), kind: kind, cellWidth: cellWidth, cellHeight: cellHeight)
            }
        })
    }

    static func encode(_ view: PixelView, info: ImageInfo, cells: (columns: Int, rows: Int), kind: GraphicsProtocol,
                       cellWidth: Int, cellHeight: Int) -> GraphicsImage {
        let empty = GraphicsImage(columns: 0, rows: 0, protocolName: kind, escape: [], info: info)
        guard cells.columns > 0, cells.rows > 0, let config = chafa_canvas_config_new() else { return empty }
        defer { chafa_canvas_config_unref(config) }
        chafa_canvas_config_set_geometry(config, Int32(cells.columns), Int32(cells.rows))
        chafa_canvas_config_set_cell_geometry(config, Int32(cellWidth), Int32(cellHeight))
        chafa_canvas_config_set_pixel_mode(config, kind.pixelMode)
        chafa_canvas_config_set_canvas_mode(config, CHAFA_CANVAS_MODE_TRUECOLOR)
        guard let canvas = chafa_canvas_new(config) else { return empty }
        defer { chafa_canvas_unref(canvas) }
        chafa_canvas_draw_all_pixels(canvas, view.hasAlpha ? CHAFA_PIXEL_RGBA8_UNASSOCIATED : CHAFA_PIXEL_RGB8,
                                     view.base, Int32(view.width), Int32(view.height), Int32(view.rowStride))
        // The fallback terminal description knows every protocol's sequences.
        guard let database = chafa_term_db_get_default(),
              let terminal = chafa_term_db_get_fallback_info(database) else { return empty }
        defer { chafa_term_info_unref(terminal) }
        guard let printed = chafa_canvas_print(canvas, terminal) else { return empty }
        let bytes = [UInt8](UnsafeRawBufferPointer(start: printed.pointee.str, count: Int(printed.pointee.len)))
        g_string_free(printed, 1)
        return GraphicsImage(columns: cells.columns, rows: cells.rows, protocolName: kind, escape: bytes, info: info)
    }
}
