import Foundation
import WinnowCore
import WinnowTUI

/// The pairwise view's run loop: keys → ``compareUpdate(_:_:keymap:)`` → effects →
/// ``CompareEngine`` → actions → ``compareRender(_:theme:keymap:into:)`` → ncurses. Everything,
/// previews included, runs on the calling thread.
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
        state.previewColors = options.previewColors ?? Self.previewColors(for: terminal.depth)
        self.state = state
    }

    /// The preview colours that look right on a terminal of `depth` (8 colours and fewer: symbols only).
    public static func previewColors(for depth: ColorDepth) -> PreviewColors {
        switch depth {
        case .trueColor: return .trueColor
        case .indexed256: return .indexed256
        case .ansi16: return .ansi16
        case .ansi8, .mono: return .mono
        }
    }

    /// Runs until the reviewer quits.
    public func run() {
        process(compareStartEffects(&state))
        while !state.quitting {
            draw()
            guard let key = terminal.readKey(timeout: 1000) else { continue }
            if key == .resize {
                let size = terminal.size
                terminal.invalidate()
                dispatch(.resized(width: size.width, height: size.height))
            } else {
                dispatch(.key(key))
            }
        }
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
            if case .quit = effect { continue }
            queue += engine.run(effect)
        }
    }
}
