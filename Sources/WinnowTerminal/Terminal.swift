import CNcurses
import Foundation
import WinnowTUI

/// The ncurses screen: draws ``ScreenBuffer``s and reads keys. The only type that calls
/// ncurses; one instance per process, used from the run loop's thread only.
public final class Terminal {
    public private(set) var depth: ColorDepth = .mono
    /// Pairs that use a true colour (palette pairs are in `palettePairs`).
    private var pairs: [PairKey: Int32] = [:]
    /// The next pair number to hand out: pairs 1 up to it are in use.
    private var nextPair: Int32 = 1
    private let screen: OpaquePointer?
    private var open = true
    /// The file descriptor keys come from (standard input, or the `input` file of a `newterm`).
    private let inputFD: Int32
    /// Where the screen goes (standard output, or the `output` file of a `newterm`).
    private var outputFD: Int32 = 1

    private struct PairKey: Hashable {
        var fg: Int32
        var bg: Int32
    }

    /// Starts ncurses on the controlling terminal (or on `input`/`output` files, for benchmarks
    /// that draw to /dev/null).
    ///
    /// - Parameter forcedDepth: a colour depth to use instead of the one detected.
    public init(input: UnsafeMutablePointer<FILE>? = nil, output: UnsafeMutablePointer<FILE>? = nil,
                termName: String? = nil, forcedDepth: ColorDepth? = nil) throws {
        setlocale(LC_ALL, "")
        if let input, let output {
            guard let created = newterm(termName ?? ProcessInfo.processInfo.environment["TERM"] ?? "xterm-256color", output, input) else {
                throw TerminalError.cannotStart("newterm failed for TERM=\(termName ?? "?")")
            }
            screen = created
            inputFD = fileno(input)
            outputFD = fileno(output)
            set_term(created)
        } else {
            guard isatty(0) == 1 else {
                throw TerminalError.cannotStart("standard input is not a terminal; run winnow review in a terminal (or use winnow list)")
            }
            if let direct = Self.directColorTerm(environment: ProcessInfo.processInfo.environment),
               let output = fdopen(1, "w"), let input = fdopen(0, "r"),
               let created = newterm(direct, output, input) {
                // COLORTERM promises 24-bit colour that TERM's entry does not describe.
                screen = created
                set_term(created)
            } else {
                guard initscr() != nil else { throw TerminalError.cannotStart("ncurses could not start (check TERM)") }
                screen = nil
            }
            inputFD = 0
        }
        raw()
        noecho()
        nonl()
        keypad(winnow_stdscr(), true)
        set_escdelay(25)
        curs_set(0)
        if has_colors() {
            start_color()
            use_default_colors()
        }
        depth = forcedDepth ?? Self.detectDepth()
    }

    deinit { close() }

    /// Ends ncurses and restores the terminal. Safe to call twice.
    public func close() {
        guard open else { return }
        open = false
        endwin()
        if let screen { delscreen(screen) }
    }

    public var size: (width: Int, height: Int) {
        (Int(getmaxx(winnow_stdscr())), Int(getmaxy(winnow_stdscr())))
    }

    /// The direct-colour terminfo entry to use instead of `TERM`'s when `COLORTERM` says the
    /// terminal shows 24-bit colour (`truecolor` or `24bit`) but `TERM` names a palette entry:
    /// `xterm-direct` for xterm-likes, `tmux-direct` inside tmux. Nil when there is no such
    /// entry installed, `TERM` is already direct, or `NO_COLOR` is set.
    static func directColorTerm(environment: [String: String]) -> String? {
        guard let colorterm = environment["COLORTERM"]?.lowercased(), colorterm == "truecolor" || colorterm == "24bit",
              environment["NO_COLOR"].map({ $0.isEmpty }) ?? true,
              let term = environment["TERM"], !term.contains("direct") else { return nil }
        let candidate: String
        if term.hasPrefix("tmux") {
            candidate = "tmux-direct"
        } else if term.hasPrefix("xterm") || (term.contains("256color") && !term.hasPrefix("screen")) {
            candidate = "xterm-direct"
        } else {
            return nil
        }
        let first = String(candidate.prefix(1))
        let folders = [environment["TERMINFO"], "/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo"].compactMap { $0 }
        return folders.contains { FileManager.default.fileExists(atPath: "\($0)/\(first)/\(candidate)") } ? candidate : nil
    }

    /// The colour depth from the environment and terminfo: NO_COLOR → mono; direct colour
    /// (COLORS ≥ 2^24) → true colour; then 256, 16, 8.
    static func detectDepth() -> ColorDepth {
        guard has_colors() else { return .mono }
        return ColorDepth.detect(colorCount: Int(winnow_colors()), environment: ProcessInfo.processInfo.environment)
    }

    /// Draws a whole buffer; ncurses sends only the cells that changed.
    public func draw(_ buffer: ScreenBuffer) {
        pairsWereReset = false
        put(buffer)
        // Cells written before a reset of the colour pairs may name pairs that now mean other
        // colours: write the frame again with the fresh numbering.
        if pairsWereReset { put(buffer) }
        wnoutrefresh(winnow_stdscr())
        doupdate()
    }

    private var pairsWereReset = false

    /// One row of prepared cells for `winnow_put_row`, reused between frames.
    private var row: [cchar_t] = []

    /// Copies the buffer into ncurses row by row: runs of cells go in with one call each, which
    /// costs a fraction of a call per cell. A character whose width the C library sees
    /// differently from ``TextWidth`` (or not at all) is placed by itself at its own column, so
    /// a disagreement can never shift the rest of the row.
    private func put(_ buffer: ScreenBuffer) {
        let window = winnow_stdscr()
        var text = [wchar_t](repeating: 0, count: Int(winnow_ccharw_max()) + 1)
        if row.count < buffer.width { row = Array(repeating: cchar_t(), count: buffer.width) }
        // Neighbouring cells mostly share a style: look its pair and attributes up once per run.
        var lastStyle: Style?
        var pair: Int32 = 0
        var attrs = winnow_a_normal()
        buffer.cells.withUnsafeBufferPointer { cells in
            row.withUnsafeMutableBufferPointer { prepared in
                for y in 0..<buffer.height {
                    let first = y * buffer.width
                    var runStart = 0, runCount = 0
                    func flush() {
                        if runCount > 0 {
                            _ = winnow_put_row(window, Int32(y), Int32(runStart), prepared.baseAddress, Int32(runCount))
                        }
                        runCount = 0
                    }
                    for x in 0..<buffer.width {
                        // Fields are read in place: copying whole cells costs more than the rest.
                        if cells[first + x].text.isEmpty { continue }   // right half of a wide character
                        var count = 0
                        for scalar in cells[first + x].text.unicodeScalars where count < text.count - 1 {
                            text[count] = wchar_t(bitPattern: scalar.value)
                            count += 1
                        }
                        text[count] = 0
                        let style = cells[first + x].style
                        if style != lastStyle {
                            lastStyle = style
                            pair = pairNumber(style)
                            attrs = attributes(style)
                        }
                        let columns = x + 1 < buffer.width && cells[first + x + 1].text.isEmpty ? 2 : 1
                        let base = text[0]
                        if (base >= 0x20 && base < 0x7F && columns == 1) || wcwidth(base) == Int32(columns) {
                            if runCount == 0 { runStart = x }
                            _ = winnow_set_cell(&prepared[runCount], text, attrs, pair)
                            runCount += 1
                        } else {
                            flush()
                            _ = winnow_put_cell(window, Int32(y), Int32(x), text, attrs, pair)
                        }
                    }
                    flush()
                }
            }
        }
    }

    private func attributes(_ style: Style) -> attr_t {
        var attrs = winnow_a_normal()
        if style.bold { attrs |= winnow_a_bold() }
        if style.dim { attrs |= winnow_a_dim() }
        if style.italic { attrs |= winnow_a_italic() }
        if style.underline { attrs |= winnow_a_underline() }
        if style.reverse { attrs |= winnow_a_reverse() }
        return attrs
    }

    /// ncurses colour number of a theme colour on this terminal.
    func colorNumber(_ color: Color) -> Int32 {
        if depth == .trueColor { return color.directColorNumber ?? -1 }
        switch color {
        case .default: return -1
        case let .ansi(index): return Int32(index)
        case let .indexed(index): return Int32(index)
        case .rgb:
            if case let .indexed(index) = color.mapped(to: .indexed256) { return Int32(index) }
            return -1
        }
    }

    /// A colour pair for a style's colours, reusing pairs; when ncurses runs out of pairs,
    /// all are released and numbering starts again (the next frame redraws with new ones).
    ///
    /// Palette colours (-1…255) are looked up in a flat table, because a picture changes
    /// colours at nearly every cell; true colours go through a dictionary.
    func pairNumber(_ style: Style) -> Int32 {
        guard depth != .mono else { return 0 }
        let key = PairKey(fg: colorNumber(style.fg), bg: colorNumber(style.bg))
        if key.fg == -1 && key.bg == -1 { return 0 }
        let slot = Self.paletteSlot(key)
        if let slot, slot < palettePairs.count, palettePairs[slot] != 0 { return palettePairs[slot] }
        if slot == nil, let pair = pairs[key] { return pair }
        if nextPair >= min(winnow_color_pairs(), 65_535) {
            pairs.removeAll(keepingCapacity: true)
            palettePairs.removeAll(keepingCapacity: true)
            nextPair = 1
            pairsWereReset = true
        }
        let pair = nextPair
        nextPair += 1
        init_extended_pair(pair, key.fg, key.bg)
        if let slot {
            if palettePairs.isEmpty { palettePairs = Array(repeating: 0, count: 257 * 257) }
            palettePairs[slot] = pair
        } else {
            pairs[key] = pair
        }
        return pair
    }

    /// The flat-table index of a pair of palette colours (-1 is the default colour).
    private static func paletteSlot(_ key: PairKey) -> Int? {
        guard (-1...255).contains(key.fg), (-1...255).contains(key.bg) else { return nil }
        return Int(key.fg + 1) * 257 + Int(key.bg + 1)
    }

    /// Pairs of palette colours, by ``paletteSlot(_:)``; 0 = not made yet. Empty until needed.
    private var palettePairs: [Int32] = []

    /// What ncurses holds at a screen position after ``draw(_:)``: the text and colour pair
    /// (for tests).
    func cell(x: Int, y: Int) -> (text: String, pair: Int32)? {
        var text = [wchar_t](repeating: 0, count: Int(winnow_ccharw_max()) + 1)
        var pair: Int32 = 0
        guard winnow_get_cell(winnow_stdscr(), Int32(y), Int32(x), &text, &pair) == OK else { return nil }
        let scalars = text.prefix { $0 != 0 }.compactMap { Unicode.Scalar(UInt32(bitPattern: $0)) }
        return (String(String.UnicodeScalarView(scalars)), pair)
    }

    /// Number of colour pairs in use (for tests and the benchmark).
    public var pairsInUse: Int { Int(nextPair) - 1 }

    /// Waits up to `timeout` milliseconds (-1: forever) until a key may be ready or `wakeFD`
    /// becomes readable. True when the input has bytes. Keys ncurses has already buffered are
    /// not seen here: drain them with `readKey(timeout: 0)` before waiting.
    public func waitForInput(timeout: Int32, wakeFD: Int32) -> Bool {
        var fds = [pollfd(fd: inputFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        let count = poll(&fds, nfds_t(wakeFD >= 0 ? 2 : 1), timeout)
        return count > 0 && fds[0].revents != 0
    }

    /// Waits up to `timeout` milliseconds for a key; nil on timeout.
    public func readKey(timeout: Int32) -> KeyPress? {
        let window = winnow_stdscr()
        wtimeout(window, timeout)
        var value: wint_t = 0
        let result = wget_wch(window, &value)
        if result == ERR { return nil }
        if result == KEY_CODE_YES { return Self.functionKey(Int32(value)) }
        guard let scalar = Unicode.Scalar(UInt32(value)) else { return nil }
        switch scalar.value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26: return .ctrl(Character(Unicode.Scalar(scalar.value + 96) ?? "?"))
        default: return .char(Character(scalar))
        }
    }

    static func functionKey(_ code: Int32) -> KeyPress? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_NPAGE: return .pageDown
        case KEY_PPAGE: return .pageUp
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_BTAB: return .backTab
        case winnow_key_resize(): return .resize
        case KEY_F0 + 1...KEY_F0 + 12: return .function(Int(code - KEY_F0))
        default: return nil
        }
    }

    /// Leaves curses mode (for the editor); ``resume()`` comes back.
    public func suspend() {
        def_prog_mode()
        endwin()
    }

    public func resume() {
        reset_prog_mode()
        clearok(winnow_stdscr(), true)
        wrefresh(winnow_stdscr())
    }

    /// Writes a graphics escape sequence (sixel, kitty) with its top-left corner at cell `x`, `y`,
    /// after ncurses has drawn; the cursor is saved and restored around it.
    public func writeGraphics(_ escape: [UInt8], x: Int, y: Int) {
        fflush(nil)
        var bytes = Array("\u{1B}7\u{1B}[\(y + 1);\(x + 1)H".utf8)
        bytes += escape
        bytes += Array("\u{1B}8".utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(outputFD, $0.baseAddress, $0.count) }
            if written <= 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            offset += written
        }
    }

    /// A cell's size in pixels, when the terminal reports its pixel size (TIOCGWINSZ).
    public var cellPixels: (width: Int, height: Int)? {
        var size = winsize()
        guard ioctl(outputFD, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0,
              size.ws_xpixel > 0, size.ws_ypixel > 0 else { return nil }
        return (Int(size.ws_xpixel) / Int(size.ws_col), Int(size.ws_ypixel) / Int(size.ws_row))
    }

    /// Forgets what is on screen so the next draw repaints everything.
    public func invalidate() {
        clearok(winnow_stdscr(), true)
    }
}

public enum TerminalError: Error, CustomStringConvertible {
    case cannotStart(String)

    public var description: String {
        switch self {
        case let .cannotStart(reason): return "Cannot start the terminal UI: \(reason)."
        }
    }
}
