import Foundation
import WinnowCore
import WinnowTUI

/// The pairwise view's run loop: keys → ``compareUpdate(_:_:keymap:)`` → effects →
/// ``CompareEngine`` → actions → ``compareRender(_:theme:keymap:into:)`` → ncurses, on the calling
/// thread; previews are rendered by a ``PreviewService`` on its own thread, as in the review UI.
public final class CompareApp {
    public struct Options {
        public var theme: Theme
        public var keymap: Keymap
        /// Preview colours; nil picks what the terminal shows.
        public var previewColors: PreviewColors?

        public init(theme: Theme, keymap: Keymap = .default, previewColors: PreviewColors? = nil) {
            self.theme = theme
            self.keymap = keymap
            self.previewColors = previewColors
        }
    }

    private let engine: CompareEngine
    private let options: Options
    private let terminal: Terminal
    private let theme: Theme
    public private(set) var state: CompareState
    private var previews: PreviewService!
    private let inbox = Inbox<PreviewState>()
    /// The preview service keys requests by an item id: one id per distinct request.
    private var requestIDs: [ComparePreviewRequest: Int64] = [:]
    private var requestsByID: [Int64: ComparePreviewRequest] = [:]

    /// - Parameter state: the comparison to show (its size is replaced by the terminal's).
    public init(store: Store, state: CompareState, options: Options, terminal: Terminal) {
        engine = CompareEngine(store: store)
        self.options = options
        self.terminal = terminal
        theme = options.theme.adapted(to: terminal.depth)
        var state = state
        let size = terminal.size
        state.width = size.width
        state.height = size.height
        state.previewColors = options.previewColors ?? PreviewSettings.colors(for: terminal.depth)
        self.state = state
        let inbox = self.inbox
        previews = PreviewService { inbox.post($0) }
    }

    deinit { previews.stop() }

    /// Runs until the reviewer quits.
    public func run() {
        process(compareStartEffects(&state))
        while !state.quitting {
            draw()
            _ = terminal.waitForInput(timeout: 1000, wakeFD: inbox.readFD)
            for preview in inbox.take() { deliver(preview) }
            var handled = 0
            while !state.quitting, handled < 256, let key = terminal.readKey(timeout: 0) {
                handled += 1
                if key == .resize {
                    let size = terminal.size
                    terminal.invalidate()
                    dispatch(.resized(width: size.width, height: size.height))
                } else {
                    dispatch(.key(key))
                }
            }
        }
    }

    /// A finished preview, back in the pairwise view's terms.
    private func deliver(_ preview: PreviewState) {
        guard let request = requestsByID[preview.item] else { return }
        dispatch(.previewLoaded(Self.comparePreview(preview, request: request)))
    }

    static func comparePreview(_ preview: PreviewState, request: ComparePreviewRequest) -> ComparePreview {
        if let image = preview.image, let info = preview.info {
            return .shown(request, image: image, info: info, screenCells: preview.screenCells)
        }
        if preview.problem == ImageProblem.noImage { return .noImage(request) }
        return .problem(request, preview.problem?.description ?? "not shown")
    }

    /// Hands a preview request, and those to render ahead, to the service; a cached one
    /// comes back at once.
    private func requestPreview(_ request: ComparePreviewRequest, prefetch: [ComparePreviewRequest]) -> CompareAction? {
        func serviceRequest(_ request: ComparePreviewRequest) -> PreviewRequest {
            let id: Int64
            if let known = requestIDs[request] {
                id = known
            } else {
                id = Int64(requestIDs.count + 1)
                requestIDs[request] = id
                requestsByID[id] = request
            }
            return PreviewRequest(item: id, image: request.image, imageRoot: request.imageRoot, columns: request.columns,
                                  rows: request.rows, colors: request.colors, cellAspect: 2)
        }
        let wanted = serviceRequest(request)
        return previews.request(wanted, prefetch: prefetch.map(serviceRequest))
            .map { .previewLoaded(Self.comparePreview($0, request: request)) }
    }

    /// Draws the current state.
    public func draw() {
        var buffer = ScreenBuffer(width: state.width, height: state.height)
        compareRender(state, theme: theme, keymap: options.keymap, into: &buffer)
        terminal.draw(buffer)
    }

    /// Feeds an action through update and runs the effects until nothing is left.
    public func dispatch(_ action: CompareAction) {
        var queue = [action]
        while !queue.isEmpty {
            let next = queue.removeFirst()
            process(compareUpdate(&state, next, keymap: options.keymap), into: &queue)
        }
    }

    private func process(_ effects: [CompareEffect]) {
        var queue: [CompareAction] = []
        process(effects, into: &queue)
        while !queue.isEmpty {
            let next = queue.removeFirst()
            process(compareUpdate(&state, next, keymap: options.keymap), into: &queue)
        }
    }

    private func process(_ effects: [CompareEffect], into queue: inout [CompareAction]) {
        for effect in effects {
            switch effect {
            case .quit: continue
            case let .loadPreview(request, prefetch):
                if let ready = requestPreview(request, prefetch: prefetch) { queue.append(ready) }
            default: queue += engine.run(effect)
            }
        }
    }
}
