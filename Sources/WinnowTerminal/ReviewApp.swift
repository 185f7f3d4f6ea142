import Foundation
import WinnowCore
import WinnowTUI

/// The review workbench's run loop: keys → ``update(_:_:keymap:)`` → effects → ``Engine`` →
/// actions → render → ncurses. Everything happens on the calling thread except previews,
/// which a ``PreviewService`` renders on its own thread; finished ones come back through an
/// inbox and a pipe that wakes the loop.
public final class ReviewApp {
    public struct Options {
        public var reviewer: String
        public var filter: String
        public var sort: String
        public var theme: Theme
        public var keymap: Keymap
        /// How often to look for other processes' changes, in milliseconds.
        public var pollInterval: Int32 = 500
        /// Preview colours (nil: the best the terminal shows), cell shape, on or off.
        public var previewColors: PreviewColors?
        public var cellAspect: Double = 2.0
        public var previews = true
        /// Sixel or kitty graphics instead of symbols (nil: symbols).
        public var graphics: GraphicsProtocol?
        /// Work-queue mode (`--queue`): review only items leased to this reviewer.
        public var queue = false
        /// The share of items sent to a second reviewer (`--overlap`), stored for every queue.
        public var overlap: Double?
        public var leaseDuration: TimeInterval = WorkQueue.defaultLeaseDuration

        public init(reviewer: String, filter: String = "", sort: String = "original", theme: Theme, keymap: Keymap = .default) {
            self.reviewer = reviewer
            self.filter = filter
            self.sort = sort
            self.theme = theme
            self.keymap = keymap
        }
    }

    private let engine: Engine
    private let options: Options
    private let terminal: Terminal
    private let theme: Theme
    public private(set) var state: AppState
    private var previews: PreviewService!
    private let inbox = Inbox<Action>()
    /// Counts run here, off the loop thread: on a million items a count takes longer than a
    /// frame, and the rows of a new filter should not wait for it.
    private let counter = DispatchQueue(label: "winnow-count")
    private let countEngine: Engine
    private let tickets = Tickets()
    /// Writes run here, one at a time: one blocked by another process's lock (an import)
    /// waits and retries without freezing the screen.
    private let writer = DispatchQueue(label: "winnow-write")
    private let writeEngine: Engine
    private let writes = DispatchGroup()
    private let quitting = Flag()
    /// The work queue in `--queue` mode, and when it last claimed and renewed.
    private let workQueue: WorkQueue?
    private var lastClaim = Date.distantPast
    private var lastRenew = Date.distantPast
    private var renewedItem: Int64?
    /// How many leased items to hold at once.
    static let queueBatch = 20
    static let queueEmpty = "The queue is empty: every pending item is decided or held by someone else."
    /// True while a claim waits or runs on the writer queue.
    private let claiming = Flag()

    public init(store: Store, options: Options, terminal: Terminal) {
        engine = Engine(store: store)
        countEngine = Engine(store: store)
        writeEngine = Engine(store: store)
        self.options = options
        self.terminal = terminal
        theme = options.theme.adapted(to: terminal.depth)
        let size = terminal.size
        state = AppState(width: size.width, height: size.height, reviewer: options.reviewer,
                         filter: options.filter, sort: options.sort)
        let pixels = terminal.cellPixels.map { CellPixels(width: $0.width, height: $0.height) } ?? CellPixels()
        state.previewSettings = PreviewSettings(colors: options.previewColors ?? PreviewSettings.colors(for: terminal.depth),
                                                cellAspect: options.cellAspect, enabled: options.previews,
                                                graphics: options.graphics, cellPixels: pixels)
        let inbox = self.inbox
        previews = PreviewService { inbox.post(.previewLoaded($0)) }
        if options.queue {
            workQueue = WorkQueue(store: store, leaseDuration: options.leaseDuration,
                                  filter: options.filter.isEmpty ? nil : try? Filter(options.filter))
            state.filterText = WorkQueue.filterText(reviewer: options.reviewer)
        } else {
            workQueue = nil
        }
    }

    deinit { previews.stop() }

    /// Loads the first window and the counts (what ``run()`` does before its first frame).
    public func start() {
        if let workQueue, let overlap = options.overlap {
            do {
                try workQueue.setOverlap(overlap)
            } catch {
                state.message = StatusMessage("\(error)", isError: true)
            }
        }
        claimIfNeeded(force: true)
        _ = engine.storeChanged()
        process(startEffects(state).flatMap(engine.run))
    }

    /// In queue mode: claims more items when few pending ones are left (at most every two
    /// seconds), and renews the lease of the item on screen every third of the lease time.
    /// True when the queue changed, so the list should be loaded again.
    @discardableResult
    func claimIfNeeded(force: Bool = false) -> Bool {
        guard let workQueue else { return false }
        var changed = false
        let now = Date()
        let pending = state.rows.filter { $0.status == .pending }.count
        if force {
            // The first claim, before the first list: worth waiting for.
            lastClaim = now
            do {
                let leases = try workQueue.claim(reviewer: options.reviewer, count: Self.queueBatch)
                changed = !leases.isEmpty
                if leases.isEmpty {
                    state.message = StatusMessage(Self.queueEmpty)
                } else {
                    let second = leases.filter(\.secondReview).count
                    state.message = StatusMessage("Queue: \(leases.count) items leased to you for \(Int(workQueue.leaseDuration / 60)) minutes"
                                                  + (second > 0 ? ", \(second) of them second reviews." : "."))
                }
            } catch {
                state.message = StatusMessage("Could not claim items: \(error)", isError: true)
            }
        } else if pending < 5 && now.timeIntervalSince(lastClaim) > 2 && !claiming.isSet {
            // Later claims run on the writer queue, so a store another process is writing to
            // (an import) never holds the screen; one at a time.
            lastClaim = now
            claiming.set()
            let before = Set(state.rows.map(\.id)), reviewer = options.reviewer, inbox = self.inbox
            let claiming = self.claiming
            writer.async {
                defer { claiming.clear() }
                do {
                    let leases = try workQueue.claim(reviewer: reviewer, count: Self.queueBatch)
                    if Set(leases.map(\.item)) != before { inbox.post(.storeChanged) }
                    if leases.isEmpty { inbox.post(.info(Self.queueEmpty)) }
                } catch {
                    inbox.post(.failed("Could not claim items: \(error)"))
                }
            }
        }
        if let current = state.current?.id,
           current != renewedItem || now.timeIntervalSince(lastRenew) > workQueue.leaseDuration / 3 {
            lastRenew = now
            renewedItem = current
            // On the writer queue: a renewal must not hold the screen while another process writes.
            let reviewer = options.reviewer, inbox = self.inbox
            writer.async {
                if let renewal = try? workQueue.renew(items: [current], reviewer: reviewer), let lost = renewal.lost.first {
                    inbox.post(.failed("Item \(lost.item) is no longer yours: \(lost.holder.map { "\($0) holds it now" } ?? "its lease ended and someone decided it")."))
                }
            }
        }
        return changed
    }

    /// Runs until the reviewer quits.
    public func run() {
        start()
        while !state.quitting {
            draw()
            _ = terminal.waitForInput(timeout: options.pollInterval, wakeFD: inbox.readFD)
            let handled = handlePending()
            let queueChanged = claimIfNeeded()
            if queueChanged || (handled == 0 && engine.storeChanged()) { dispatch(.storeChanged) }
        }
        // A change still waiting for the store was never shown as made: wait a little for it.
        if writes.wait(timeout: .now() + 5) == .timedOut { quitting.set() }
        if let workQueue { try? workQueue.releaseAll(reviewer: options.reviewer) }
    }

    /// Runs a write on the writer queue, retrying while another process holds the lock; its
    /// actions, then `.writeFinished`, come back through the inbox.
    private func write(_ effect: Effect) {
        let engine = UncheckedBox(writeEngine), inbox = self.inbox, quitting = self.quitting
        writes.enter()
        writer.async { [writes] in
            defer { writes.leave() }
            var announced = false
            while !quitting.isSet {
                let actions = engine.value.run(effect)
                if actions == [.storeBusy] {
                    if !announced { inbox.post(.storeBusy) }
                    announced = true
                    usleep(200_000)
                    continue
                }
                for action in actions { inbox.post(action) }
                if announced { inbox.post(.info("Saved.")) }
                inbox.post(.writeFinished)
                return
            }
        }
    }

    /// Handles the finished previews and every key that is waiting (a held key is many), then
    /// returns how many there were, so that the screen is drawn once for all of them.
    @discardableResult
    public func handlePending() -> Int {
        var handled = 0
        for action in inbox.take() {
            dispatch(action)
            handled += 1
        }
        while !state.quitting, handled < 256, let key = terminal.readKey(timeout: 0) {
            handled += 1
            if key == .resize {
                let size = terminal.size
                terminal.invalidate()
                shownGraphics = nil
                dispatch(.resized(width: size.width, height: size.height))
            } else {
                dispatch(.key(key))
            }
        }
        return handled
    }

    /// Waits until the counts being made have arrived (for benchmarks and tests).
    public func waitForCounts(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            for action in inbox.take() { dispatch(action) }
            if !state.counting { return true }
            usleep(500)
        }
        return false
    }

    /// Waits until the preview being rendered has arrived and is shown (for benchmarks and tests).
    public func waitForPreview(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            for action in inbox.take() { dispatch(action) }
            if state.current == nil || state.preview?.item == state.current?.id { return true }
            usleep(1000)
        }
        return false
    }

    /// Draws the current state.
    public func draw() {
        var buffer = ScreenBuffer(width: state.width, height: state.height)
        render(state, theme: theme, keymap: options.keymap, into: &buffer)
        terminal.draw(buffer)
        drawGraphics(buffer)
    }

    /// The graphics on screen now: which preview, where.
    private var shownGraphics: (request: PreviewRequest, x: Int, y: Int, kind: GraphicsProtocol)?

    /// Puts sixel or kitty graphics over the preview pane after ncurses drew the text, and takes
    /// them away when the item, the layout or an overlay changes: kitty images are deleted,
    /// sixel pixels are painted over by redrawing every cell.
    private func drawGraphics(_ buffer: ScreenBuffer) {
        let wanted = graphicsPlacement(state)
        if let shown = shownGraphics,
           wanted == nil || wanted?.graphics != state.preview?.graphics || shown.request != state.preview?.request
            || shown.x != wanted?.x || shown.y != wanted?.y {
            switch shown.kind {
            case .kitty: terminal.writeGraphics(GraphicsImage.kittyDeleteAll, x: 0, y: 0)
            case .sixel:
                terminal.invalidate()
                terminal.draw(buffer)
            }
            shownGraphics = nil
        }
        if shownGraphics == nil, let wanted, let request = state.preview?.request {
            terminal.writeGraphics(wanted.graphics.escape, x: wanted.x, y: wanted.y)
            shownGraphics = (request, wanted.x, wanted.y, wanted.graphics.protocolName)
        }
    }

    /// Feeds an action through update and runs the effects until nothing is left.
    public func dispatch(_ action: Action) {
        process([action])
    }

    private func process(_ actions: [Action]) {
        var queue = actions
        while !queue.isEmpty {
            let next = queue.removeFirst()
            for effect in update(&state, next, keymap: options.keymap) {
                switch effect {
                case let .openEditor(item, turn):
                    queue.append(edit(item, turn: turn))
                case let .preview(wanted, prefetch):
                    if let ready = previews.request(wanted, prefetch: prefetch) { queue.append(.previewLoaded(ready)) }
                case .count, .locate:
                    // Only the newest count (and the newest locate) is worth making: refreshes
                    // while others decide would otherwise queue up work nobody will see.
                    let kind = { if case .count = effect { return 0 } else { return 1 } }()
                    let ticket = tickets.next(kind)
                    let engine = UncheckedBox(countEngine), inbox = self.inbox, tickets = self.tickets
                    counter.async {
                        guard tickets.isLatest(ticket, kind) else { return }
                        for action in engine.value.run(effect) { inbox.post(action) }
                    }
                case .quit:
                    break
                case let effect where effect.isWrite:
                    write(effect)
                default:
                    queue += engine.run(effect)
                }
            }
        }
    }

    /// Suspends the screen, runs the editor on the turn (or the whole item), and reads the result.
    func edit(_ detail: ItemDetail, turn: Int?) -> Action {
        let original: String
        if let turn, detail.turns.indices.contains(turn) {
            original = detail.turns[turn].text + "\n"
        } else {
            original = EditFile.render(detail)
        }
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("winnow-item-\(detail.id)-\(UUID().uuidString.prefix(8)).txt").path
        guard FileManager.default.createFile(atPath: path, contents: Data(original.utf8)) else {
            return .failed("Cannot write the edit file \(path).")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        terminal.suspend()
        let status = Self.runEditor(path: path)
        terminal.resume()
        guard status == 0 else { return .failed("The editor exited with status \(status); nothing was saved.") }
        guard let edited = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .failed("The edited file is not valid UTF-8; nothing was saved.")
        }
        if edited == original { return .editFinished(item: detail.id, turns: nil, baseVersion: detail.version) }
        var turns = detail.turns
        if let turn, turns.indices.contains(turn) {
            var text = edited
            if text.hasSuffix("\n") { text.removeLast() }
            turns[turn].text = text
        } else {
            do {
                turns = try EditFile.parse(edited)
            } catch {
                return .failed("\(error); nothing was saved.")
            }
        }
        return .editFinished(item: detail.id, turns: turns, baseVersion: detail.version)
    }

    /// `$VISUAL`, else `$EDITOR`, else `vi`, run through the shell so editor arguments work.
    static func runEditor(path: String) -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(editor) \"$1\"", "winnow-editor", path]
        process.standardInput = FileHandle.standardInput
        process.standardOutput = FileHandle.standardOutput
        process.standardError = FileHandle.standardError
        do {
            try process.run()
        } catch {
            return 127
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// Messages from other threads, handed to the run loop; posting one also writes a byte to a
/// pipe so a loop waiting in `poll` wakes up.
final class Inbox<Message>: @unchecked Sendable {
    private let lock = NSLock()
    private var actions: [Message] = []
    let readFD: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    func post(_ action: Message) {
        lock.lock()
        actions.append(action)
        lock.unlock()
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Everything posted so far, oldest first; empties the pipe.
    func take() -> [Message] {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buffer, buffer.count) > 0 {}
        lock.lock()
        defer { lock.unlock() }
        let taken = actions
        actions = []
        return taken
    }
}

/// A value handed to one other thread that alone uses it from then on.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Numbers handed out per kind of background job, so a job can tell whether a newer one of
/// its kind was asked for since (then it is skipped).
final class Tickets: @unchecked Sendable {
    private let lock = NSLock()
    private var latest: [Int: Int] = [:]

    func next(_ kind: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        latest[kind, default: 0] += 1
        return latest[kind] ?? 0
    }

    func isLatest(_ ticket: Int, _ kind: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return latest[kind] == ticket
    }
}

/// A flag set once, read from any thread.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }

    func clear() {
        lock.lock()
        value = false
        lock.unlock()
    }
}
