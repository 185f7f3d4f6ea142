import ArgumentParser
import Foundation
import WinnowCore
import WinnowTerminal
import WinnowTUI

struct ReviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Open the review workbench on the store (a full-screen terminal UI; ? lists the keys).")

    @OptionGroup var store: StoreOptions

    @Option(help: "Show only the items matching this filter (see docs/filters.md).")
    var filter: String = ""

    @Option(help: "The order: original, -original, status, source, model, random:SEED, score.NAME, -score.NAME.")
    var sort: String = "original"

    @Option(help: "Your name in the decision log (default: $WINNOW_REVIEWER, else the login name).")
    var reviewer: String?

    @Option(help: "A theme name (dark, light, high-contrast, mono) or a theme file.")
    var theme: String = "dark"

    @Option(help: ArgumentHelp("A keymap file applied over the default keys (see docs/keys.md).", valueName: "file"))
    var keymap: String?

    @Option(help: "Preview colours: truecolor, 256, 16 or none (default: the best the terminal shows).")
    var previewColors: PreviewColors?

    @Option(help: "A terminal cell's height divided by its width, for the preview's aspect ratio.")
    var cellAspect: Double = 2.0

    @Flag(help: "Do not render image previews (the pane shows the file facts only).")
    var noPreview = false

    @Option(help: "Preview drawing: auto (kitty or sixel where the terminal is known to show them, symbols inside tmux), symbols, sixel or kitty.")
    var graphics: GraphicsChoice = .auto

    @Flag(help: "Work-queue mode: review pending items leased to you, that nobody else holds (see docs/teams.md).")
    var queue = false

    @Option(help: "With --queue: the share of items (0 to 1) that a second reviewer also reviews, for agreement.")
    var overlap: Double?

    @Option(help: "With --queue: minutes a lease lasts without renewal.")
    var leaseMinutes: Double = WorkQueue.defaultLeaseDuration / 60

    func run() throws {
        // Everything that can fail is checked before the screen changes.
        let loadedTheme: Theme
        let loadedKeymap: Keymap
        do {
            loadedTheme = try Theme.load(theme, themesDirectory: Self.themesDirectory())
            if let keymap {
                let text = try String(contentsOfFile: keymap, encoding: .utf8)
                loadedKeymap = try Keymap.parse(text, file: keymap, base: .default)
            } else {
                loadedKeymap = .default
            }
            _ = try ItemQuery(filter: filter, sort: try SortKey(parsing: sort))
            if let overlap, !(0...1).contains(overlap) {
                throw ValidationError("--overlap is a share between 0 and 1 (0.1 sends 10% of the items to a second reviewer).")
            }
            if overlap != nil && !queue { throw ValidationError("--overlap works with --queue.") }
            guard leaseMinutes > 0, leaseMinutes.isFinite else { throw ValidationError("--lease-minutes must be more than 0.") }
            guard cellAspect.isFinite, cellAspect >= 0.5, cellAspect <= 4 else {
                throw ValidationError("--cell-aspect must be between 0.5 and 4 (a cell's height over its width; 2 suits most fonts).")
            }
        } catch {
            throw CleanExit.failure("\(error)")
        }
        // A small page cache per connection: the UI reads a page at a time (memory target 150 MB).
        // Writes wait 2 s for another process's lock, then retry in the background (the UI stays live).
        let opened = try userFacing { try store.open(cacheKilobytes: 8192, busySeconds: 2) }
        let terminal: Terminal
        do {
            terminal = try Terminal()
        } catch {
            throw CleanExit.failure("\(error)")
        }
        var options = ReviewApp.Options(reviewer: reviewer ?? Reviewer.defaultName(), filter: filter, sort: sort,
                                        theme: loadedTheme, keymap: loadedKeymap)
        options.pollInterval = 500
        options.previewColors = previewColors
        options.cellAspect = cellAspect
        options.previews = !noPreview
        switch graphics {
        case .auto: options.graphics = GraphicsProtocol.detect(environment: ProcessInfo.processInfo.environment)
        case .symbols: options.graphics = nil
        case .sixel: options.graphics = .sixel
        case .kitty: options.graphics = .kitty
        }
        options.queue = queue
        options.overlap = overlap
        options.leaseDuration = leaseMinutes * 60
        let app = ReviewApp(store: opened, options: options, terminal: terminal)
        app.run()
        terminal.close()
    }

    /// themes/ beside the binary's package, or $WINNOW_THEMES; built-in themes need neither.
    static func themesDirectory() -> String? {
        if let path = ProcessInfo.processInfo.environment["WINNOW_THEMES"], !path.isEmpty { return path }
        let candidates = ["themes", "/usr/local/share/winnow/themes"]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }
}

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Print the items the review UI shows for a filter and sort.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only items matching this filter (see docs/filters.md).")
    var filter: String = ""

    @Option(help: "The order (as in winnow review).")
    var sort: String = "original"

    @Option(help: "At most this many items (0: all).")
    var limit: Int = 50

    @Flag(help: "One JSON array of objects: item, id, source, model, image, status, scores.")
    var json = false

    func run() throws {
        let query: ItemQuery
        do {
            query = try ItemQuery(filter: filter, sort: try SortKey(parsing: sort), thresholds: ScoreProfile.builtin.thresholds)
        } catch {
            throw CleanExit.failure("\(error)")
        }
        let opened = try userFacing { try store.open() }
        try opened.read { db in
            let names = try ScoreQueries.names(db)
            var cursor: PageCursor?
            var printed = 0
            var out: [UInt8] = []
            if json { out.append(UInt8(ascii: "[")) }
            let pageSize = 500
            while limit == 0 || printed < limit {
                let rows = try query.page(db, after: cursor, limit: limit == 0 ? pageSize : min(pageSize, limit - printed), scoreNames: names)
                guard let last = rows.last else { break }
                for row in rows {
                    if json {
                        if printed > 0 { out.append(UInt8(ascii: ",")) }
                        out.append(UInt8(ascii: "\n"))
                        JSONWriter.append(row.jsonObject, to: &out)
                    } else {
                        out += Array(row.tableLine.utf8)
                        out.append(UInt8(ascii: "\n"))
                    }
                    printed += 1
                }
                FileHandle.standardOutput.write(Data(out))
                out.removeAll(keepingCapacity: true)
                cursor = last.cursor
            }
            if json { FileHandle.standardOutput.write(Data((printed > 0 ? "\n]\n" : "]\n").utf8)) }
        }
    }
}

struct DecideCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide",
        abstract: "Record decisions from scripts, by item id or by filter, as the review UI does.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "Winnow item ids (the `item` field of winnow list --json).")
    var items: [Int64] = []

    @Option(help: "Decide every item matching this filter instead.")
    var filter: String?

    @Flag(help: "The verdict.")
    var verdict: VerdictFlag

    @Option(help: "Your name in the decision log (default: $WINNOW_REVIEWER, else the login name).")
    var reviewer: String?

    @Option(help: "A note stored with each decision.")
    var note: String?

    @Flag(help: "Save each item's decision on its own, as the review UI saves a key press (one undo step each), printing `saved ITEM` as each is stored.")
    var each = false

    enum VerdictFlag: String, EnumerableFlag {
        case accept, reject, skip
        var status: ItemStatus {
            switch self {
            case .accept: return .accepted
            case .reject: return .rejected
            case .skip: return .skipped
            }
        }
    }

    func validate() throws {
        if items.isEmpty == (filter == nil) {
            throw ValidationError("Give item ids or --filter EXPR (one of the two).")
        }
    }

    func run() throws {
        let opened = try userFacing { try store.open() }
        var ids = items
        if let filter {
            let query: ItemQuery
            do {
                query = try ItemQuery(filter: filter, thresholds: ScoreProfile.builtin.thresholds)
            } catch {
                throw CleanExit.failure("\(error)")
            }
            ids = try opened.read { db in
                var all: [Int64] = []
                var cursor: PageCursor?
                while true {
                    let rows = try query.page(db, after: cursor, limit: 5000, scoreNames: [])
                    guard let last = rows.last else { break }
                    all += rows.map(\.id)
                    cursor = last.cursor
                }
                return all
            }
        }
        if each {
            let name = reviewer ?? Reviewer.defaultName()
            for id in ids {
                try userFacing {
                    _ = try opened.write { db in try Decisions.decide(db, items: [id], verdict: verdict.status, reviewer: name, note: note) }
                }
                FileHandle.standardOutput.write(Data("saved \(id)\n".utf8))
            }
            return
        }
        let outcome = try userFacing {
            try opened.write { db in
                try Decisions.decide(db, items: ids, verdict: verdict.status, reviewer: reviewer ?? Reviewer.defaultName(), note: note)
            }
        }
        print("\(grouped(outcome.items.count)) items \(verdict.status.rawValue) (batch \(outcome.batch); winnow review's u undoes it).")
    }
}

extension PreviewColors: ExpressibleByArgument {}

enum GraphicsChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, symbols, sixel, kitty
}
