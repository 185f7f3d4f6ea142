import Foundation
import WinnowCore

/// How image previews are drawn: the options of `winnow review` that shape them.
public struct PreviewSettings: Equatable, Sendable {
    /// The colours preview cells use (chosen from the terminal's depth unless `--preview-colors`).
    public var colors: PreviewColors
    /// A cell's height divided by its width (`--cell-aspect`; about 2 in most fonts).
    public var cellAspect: Double
    /// False turns previews off (`--no-preview`): the pane shows the caption line only.
    public var enabled: Bool
    /// Sixel or kitty graphics instead of symbols (`--graphics`), and the cell size in pixels
    /// they are encoded for.
    public var graphics: GraphicsProtocol?
    public var cellPixels: CellPixels

    public init(colors: PreviewColors = .indexed256, cellAspect: Double = 2.0, enabled: Bool = true,
                graphics: GraphicsProtocol? = nil, cellPixels: CellPixels = CellPixels()) {
        self.colors = colors
        self.cellAspect = cellAspect
        self.enabled = enabled
        self.graphics = graphics
        self.cellPixels = cellPixels
    }

    /// The preview colours that look right on a terminal of `depth`. Eight-colour terminals
    /// get monochrome symbols: their 64 colour pairs cannot hold a 16-colour picture.
    public static func colors(for depth: ColorDepth) -> PreviewColors {
        switch depth {
        case .trueColor: return .trueColor
        case .indexed256: return .indexed256
        case .ansi16: return .ansi16
        case .ansi8, .mono: return .mono
        }
    }
}

/// A terminal cell's size in pixels (from the terminal when it says, else 10×20).
public struct CellPixels: Hashable, Sendable {
    public var width: Int
    public var height: Int

    public init(width: Int = 10, height: Int = 20) {
        self.width = max(1, width)
        self.height = max(1, height)
    }
}

/// One preview to render: an item's image fitted into `columns × rows` cells.
public struct PreviewRequest: Hashable, Sendable {
    public var item: Int64
    /// The image path as the item stores it, and the root it resolves against.
    public var image: String?
    public var imageRoot: String?
    public var columns: Int
    public var rows: Int
    public var colors: PreviewColors
    public var cellAspect: Double
    /// Encode for this graphics protocol (with cells of `cellPixels`) instead of symbols.
    public var graphics: GraphicsProtocol?
    public var cellPixels: CellPixels

    public init(item: Int64, image: String?, imageRoot: String?, columns: Int, rows: Int,
                colors: PreviewColors, cellAspect: Double, graphics: GraphicsProtocol? = nil,
                cellPixels: CellPixels = CellPixels()) {
        self.item = item
        self.image = image
        self.imageRoot = imageRoot
        self.columns = columns
        self.rows = rows
        self.colors = colors
        self.cellAspect = cellAspect
        self.graphics = graphics
        self.cellPixels = cellPixels
    }
}

/// A finished preview: the picture, or why there is none. Tagged with its request, so a
/// result that arrives after the reviewer moved on (or the pane changed size) is dropped.
public struct PreviewState: Equatable, Sendable {
    public var request: PreviewRequest
    /// The cells, when the image could be rendered as symbols.
    public let image: PreviewImage?
    /// `image`'s cells as the screen draws them (symbol and style), made once off the UI
    /// thread so that drawing a cached preview only copies them.
    public let screenCells: NarrowCells
    /// The escape sequence, when it was encoded for a graphics protocol.
    public var graphics: GraphicsImage?
    /// Why there is no picture (missing, outside the image root, too large, truncated...).
    public var problem: ImageProblem?

    public init(request: PreviewRequest, image: PreviewImage? = nil, graphics: GraphicsImage? = nil,
                problem: ImageProblem? = nil) {
        self.request = request
        self.image = image
        self.graphics = graphics
        self.problem = problem
        screenCells = image?.screenCells ?? NarrowCells([])
    }

    /// The header facts of the picture shown.
    public var info: ImageInfo? { image?.info ?? graphics?.info }

    public var item: Int64 { request.item }

    /// The caption under the picture: file name, pixel size, bytes and the real format, with a
    /// warning when the extension lies about the format. Nil when there is no picture.
    public var caption: String? {
        guard let info else { return nil }
        let name = (request.image as NSString?)?.lastPathComponent ?? (info.path as NSString).lastPathComponent
        var text = "\(name)  \(info.width)×\(info.height)  \(byteText(info.bytes))  \(info.format.rawValue.uppercased())"
        if !info.extensionMatches {
            text += "  (really \(info.format.rawValue.uppercased()), not what .\((name as NSString).pathExtension) says)"
        }
        return text
    }

    /// Renders a request now, on the calling thread: decoding and chafa, a few tens of ms.
    public static func render(_ request: PreviewRequest, pixelLimit: Int = ImageFiles.defaultPixelLimit) -> PreviewState {
        guard let image = request.image, !image.isEmpty else {
            return PreviewState(request: request, problem: .noImage)
        }
        do {
            let path = try ImageFiles.resolve(image, root: request.imageRoot)
            if let kind = request.graphics, request.columns > 0, request.rows > 0 {
                let encoded = try GraphicsRenderer.render(path: path, columns: request.columns, rows: request.rows, protocol: kind,
                                                          cellWidth: request.cellPixels.width, cellHeight: request.cellPixels.height,
                                                          pixelLimit: pixelLimit)
                return PreviewState(request: request, graphics: encoded)
            }
            let rendered = try PreviewRenderer.render(path: path, columns: request.columns, rows: request.rows,
                                                      colors: request.colors, cellAspect: request.cellAspect,
                                                      pixelLimit: pixelLimit)
            return PreviewState(request: request, image: rendered)
        } catch {
            return PreviewState(request: request, problem: error)
        }
    }

    /// Memory held, for the cache's byte bound.
    var byteCost: Int { (image?.byteCost ?? 0) + screenCells.cells.count * MemoryLayout<Cell>.stride + (graphics?.escape.count ?? 0) + MemoryLayout<PreviewState>.size + 64 }
}

func byteText(_ bytes: Int) -> String {
    if bytes < 1024 { return "\(bytes) B" }
    if bytes < 1024 * 1024 { return String(format: "%.0f KB", Double(bytes) / 1024) }
    return String(format: "%.1f MB", Double(bytes) / 1024 / 1024)
}

/// Rendered previews, least recently used first out, bounded in bytes.
public struct PreviewCache: Sendable {
    public let byteLimit: Int
    public private(set) var bytes = 0
    private var entries: [PreviewRequest: (state: PreviewState, used: UInt64)] = [:]
    private var clock: UInt64 = 0

    public init(byteLimit: Int) {
        self.byteLimit = byteLimit
    }

    public var count: Int { entries.count }

    /// The cached preview for a request, marking it as recently used.
    public mutating func get(_ request: PreviewRequest) -> PreviewState? {
        guard let entry = entries[request] else { return nil }
        clock += 1
        entries[request] = (entry.state, clock)
        return entry.state
    }

    public func contains(_ request: PreviewRequest) -> Bool { entries[request] != nil }

    /// Adds a preview, evicting the least recently used ones until the bytes fit.
    public mutating func put(_ state: PreviewState) {
        let cost = state.byteCost
        guard cost <= byteLimit else { return }
        if let old = entries[state.request] { bytes -= old.state.byteCost }
        clock += 1
        entries[state.request] = (state, clock)
        bytes += cost
        while bytes > byteLimit, let oldest = entries.min(by: { $0.value.used < $1.value.used }) {
            bytes -= oldest.value.state.byteCost
            entries[oldest.key] = nil
        }
    }
}

/// Renders previews on a background thread so that no key press waits for an image.
///
/// ``request(_:prefetch:)`` is called from the run loop with the preview the screen wants now and
/// the ones it will probably want next. A cached preview comes back at once; anything else is
/// queued, and the queue is replaced by every call: holding `j` through a hundred items renders
/// at most the one in progress and then wherever the reviewer stopped. Finished previews go into
/// the cache, and the wanted one is also handed to `deliver` (on the worker thread: the run loop
/// must hand it over to its own thread).
public final class PreviewService: @unchecked Sendable {
    private let lock = NSCondition()
    private var cache: PreviewCache
    private var wanted: PreviewRequest?
    private var queue: [PreviewRequest] = []
    private var stopped = false
    private var thread: Thread?
    private let deliver: @Sendable (PreviewState) -> Void
    private let renderer: @Sendable (PreviewRequest) -> PreviewState

    /// - Parameters:
    ///   - cacheBytes: the cache's bound (24 MB holds about 300 previews of 60×21 cells: each keeps chafa's cells and the screen cells made from them).
    ///   - renderer: how a request becomes a preview (tests pass a fake; the default decodes and runs chafa).
    ///   - deliver: receives each wanted preview when it is ready, on the worker thread.
    public init(cacheBytes: Int = 24 << 20,
                renderer: @escaping @Sendable (PreviewRequest) -> PreviewState = { PreviewState.render($0) },
                deliver: @escaping @Sendable (PreviewState) -> Void) {
        cache = PreviewCache(byteLimit: cacheBytes)
        self.renderer = renderer
        self.deliver = deliver
        let thread = Thread { [weak self] in self?.work() }
        thread.name = "winnow-preview"
        thread.stackSize = 4 << 20
        self.thread = thread
        thread.start()
    }

    deinit { stop() }

    /// Stops the worker after the preview in progress.
    public func stop() {
        lock.lock()
        stopped = true
        lock.broadcast()
        lock.unlock()
    }

    /// Asks for a preview now, and for others to render ahead when the worker is idle.
    ///
    /// - Returns: the preview when it is cached (then nothing is delivered for it later).
    public func request(_ wanted: PreviewRequest?, prefetch: [PreviewRequest] = []) -> PreviewState? {
        lock.lock()
        defer { lock.unlock() }
        var hit: PreviewState?
        if let wanted, let cached = cache.get(wanted) {
            hit = cached
            self.wanted = nil
        } else {
            self.wanted = wanted
        }
        queue = ([hit == nil ? wanted : nil] + prefetch.map(Optional.some)).compactMap { $0 }.filter { !cache.contains($0) }
        lock.broadcast()
        return hit
    }

    /// Cache statistics, for the benchmark and tests.
    public var cached: (count: Int, bytes: Int) {
        lock.lock()
        defer { lock.unlock() }
        return (cache.count, cache.bytes)
    }

    private func work() {
        while true {
            lock.lock()
            while queue.isEmpty && !stopped { lock.wait() }
            if stopped {
                lock.unlock()
                return
            }
            let next = queue.removeFirst()
            lock.unlock()

            let state = renderer(next)

            lock.lock()
            cache.put(state)
            let isWanted = wanted == next
            if isWanted { wanted = nil }
            lock.unlock()
            if isWanted { deliver(state) }
        }
    }
}
