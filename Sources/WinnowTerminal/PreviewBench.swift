import CNcurses
import Foundation
import WinnowCore
import WinnowTUI

/// The preview's cost from file to drawn pane, through the code the review UI runs: resolve,
/// decode, chafa, cells into the screen buffer, ncurses output (to /dev/null). For
/// `winnow bench preview`.
public enum PreviewBench {
    public struct Result {
        /// File to drawn pane, not cached.
        public var uncached: UIBench.Series
        /// A cached preview drawn into the pane.
        public var cached: UIBench.Series
        /// The part of that before ncurses: the cache lookup and the cells into the screen buffer.
        public var cachedToBuffer: UIBench.Series
        /// The same frame drawn again: the cells copied into ncurses, nothing to send.
        public var cachedUnchanged: UIBench.Series
        public var cells: (columns: Int, rows: Int)
    }

    public static func run(imagePath: String, columns: Int, rows: Int, iterations: Int,
                           colors: PreviewColors) throws -> Result {
        guard let output = fopen("/dev/null", "w"), let input = fopen("/dev/null", "r") else {
            throw TerminalError.cannotStart("cannot open /dev/null")
        }
        defer {
            fclose(output)
            fclose(input)
        }
        let depth: ColorDepth = colors == .trueColor ? .trueColor : colors == .indexed256 ? .indexed256 : colors == .ansi16 ? .ansi16 : .mono
        let terminal = try Terminal(input: input, output: output,
                                    termName: colors == .trueColor ? "xterm-direct" : "xterm-256color", forcedDepth: depth)
        defer { terminal.close() }
        let width = columns + 2, height = rows + 2
        resizeterm(Int32(height), Int32(width))
        let theme = Theme.builtin("dark") ?? Theme(name: "plain", styles: [:])
        let area = Rect(x: 1, y: 1, width: columns, height: rows)
        let url = URL(fileURLWithPath: imagePath)
        let request = PreviewRequest(item: 1, image: url.lastPathComponent, imageRoot: url.deletingLastPathComponent().path,
                                     columns: columns, rows: rows, colors: colors, cellAspect: 2)
        let blank = ScreenBuffer(width: width, height: height)

        func draw(_ preview: PreviewState) {
            var screen = ScreenBuffer(width: width, height: height)
            drawPreview(preview, theme: theme, area: area, captionY: height - 1, into: &screen)
            terminal.draw(screen)
        }

        // Warm-up (and the problem, if the file cannot be shown).
        let first = PreviewState.render(request)
        if let problem = first.problem { throw problem }
        var cache = PreviewCache(byteLimit: 24 << 20)
        cache.put(first)

        var uncached = UIBench.Series(name: "file to drawn pane")
        var cached = UIBench.Series(name: "cached preview drawn")
        var toBuffer = UIBench.Series(name: "  of which cache and cells")
        var unchanged = UIBench.Series(name: "  with cells into ncurses")
        for _ in 0..<max(1, iterations) {
            terminal.draw(blank)
            var started = DispatchTime.now().uptimeNanoseconds
            draw(PreviewState.render(request))
            uncached.times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)

            terminal.draw(blank)
            started = DispatchTime.now().uptimeNanoseconds
            if let hit = cache.get(request) { draw(hit) }
            cached.times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)

            started = DispatchTime.now().uptimeNanoseconds
            if let hit = cache.get(request) {
                var screen = ScreenBuffer(width: width, height: height)
                drawPreview(hit, theme: theme, area: area, captionY: height - 1, into: &screen)
                withExtendedLifetime(screen) {}
            }
            toBuffer.times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)

            started = DispatchTime.now().uptimeNanoseconds
            if let hit = cache.get(request) { draw(hit) }
            unchanged.times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
        }
        let size = first.image.map { ($0.width, $0.height) } ?? (0, 0)
        return Result(uncached: uncached, cached: cached, cachedToBuffer: toBuffer, cachedUnchanged: unchanged,
                      cells: size)
    }
}
