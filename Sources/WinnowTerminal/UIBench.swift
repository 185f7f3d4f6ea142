import CNcurses
import Foundation
import WinnowCore
import WinnowTUI

/// The review UI's latency, measured through the real path: scripted keys → update → store
/// effects → render → ncurses, drawing to a `newterm` on /dev/null. For `winnow bench ui`.
public enum UIBench {
    /// The timings of one kind of step, in milliseconds.
    public struct Series {
        public var name: String
        public var times: [Double] = []

        public init(name: String, times: [Double] = []) {
            self.name = name
            self.times = times
        }

        public var p50: Double { percentile(0.50) }
        public var p99: Double { percentile(0.99) }
        public var max: Double { times.max() ?? 0 }

        func percentile(_ fraction: Double) -> Double {
            let sorted = times.sorted()
            guard !sorted.isEmpty else { return 0 }
            let rank = Int((fraction * Double(sorted.count)).rounded(.up))
            return sorted[Swift.min(sorted.count - 1, Swift.max(0, rank - 1))]
        }
    }

    public struct Report {
        public var items = 0
        /// From the process's start (the kernel's record) to the first frame with rows, and
        /// to the counts (made in the background) on screen.
        public var startToFirstFrame: Double = 0
        public var startToCounts: Double = 0
        public var series: [Series] = []
        public var residentMB: Double = 0
        public var peakResidentMB: Double = 0
        public var finalPosition = ""
    }

    /// Runs the script on `store`. `search` is a word the full-text search should find;
    /// `filters` are filter changes on indexed fields, `sorts` sort changes.
    /// `scale` multiplies how many times each key is pressed (tests use a small one).
    public static func run(store: Store, search: String, filters: [String], sorts: [String], scale: Double = 1,
                           progress: (String) -> Void = { _ in }) throws -> Report {
        var report = Report()
        guard let output = fopen("/dev/null", "w"), let input = fopen("/dev/null", "r") else {
            throw TerminalError.cannotStart("cannot open /dev/null")
        }
        defer {
            fclose(output)
            fclose(input)
        }
        let terminal = try Terminal(input: input, output: output, termName: "xterm-256color", forcedDepth: .indexed256)
        defer { terminal.close() }
        resizeterm(40, 120)
        var options = ReviewApp.Options(reviewer: "bench", theme: Theme.builtin("dark") ?? Theme(name: "plain", styles: [:]))
        options.previews = true
        let app = ReviewApp(store: store, options: options, terminal: terminal)
        app.start()
        app.draw()
        report.startToFirstFrame = millisecondsSinceProcessStart()
        _ = app.waitForCounts(timeout: 60)
        report.startToCounts = millisecondsSinceProcessStart()
        report.items = app.state.total

        var counted = Series(name: "count of a new filter shown")
        func measure(_ name: String, _ actions: [Action], repeat count: Int = 1) -> Series {
            var series = Series(name: name)
            for _ in 0..<(count == 1 ? 1 : max(1, Int(Double(count) * scale))) {
                for action in actions.dropLast() { app.dispatch(action) }
                let started = DispatchTime.now().uptimeNanoseconds
                if let last = actions.last { app.dispatch(last) }
                app.draw()
                series.times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
                if app.state.counting {
                    _ = app.waitForCounts(timeout: 60)
                    app.draw()
                    counted.times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
                }
            }
            return series
        }
        func typed(_ prefix: Character, _ text: String) -> [Action] {
            [.key(.char(prefix)), .key(.ctrl("u"))] + text.map { .key(.char($0)) } + [.key(.enter)]
        }

        progress("navigation near the top")
        var navigation = measure("j/k near the top", [.key(.char("j"))], repeat: 300)
        navigation.times += measure("", [.key(.char("k"))], repeat: 100).times
        var paging = measure("page down (deep into the list)", [.key(.pageDown)], repeat: 2000)
        progress("deep: \(app.state.position) / \(app.state.total)")
        navigation.times += measure("", [.key(.char("j"))], repeat: 200).times
        navigation.times += measure("", [.key(.char("k"))], repeat: 200).times
        paging.times += measure("", [.key(.pageUp)], repeat: 200).times
        let ends = measure("G / g (last, first)", [.key(.char("G"))], repeat: 1).times
            + measure("", [.key(.char("g"))], repeat: 1).times + measure("", [.key(.char("G"))], repeat: 1).times
        progress("at the end: \(app.state.position) / \(app.state.total)")
        navigation.times += measure("", [.key(.char("k"))], repeat: 200).times
        navigation.name = "j/k (top, deep, at the end)"
        // Another process wrote: the window and counts are read again where the reviewer is.
        report.series.append(measure("refresh after another's write", [.storeChanged], repeat: 10))
        report.series.append(navigation)
        report.series.append(paging)
        report.series.append(Series(name: "G / g (last, first)", times: ends))
        report.finalPosition = "\(app.state.position) / \(app.state.total)"

        progress("filters")
        var filterSeries = Series(name: "filter change (indexed field)")
        for filter in filters {
            filterSeries.times += measure("", typed("f", filter)).times
            progress(String(format: "filter %@: rows in %.1f ms, %@ items counted in %.1f ms", filter, filterSeries.times.last ?? 0,
                            grouped(app.state.total), counted.times.last ?? 0))
            if app.state.message?.isError == true { progress("filter \(filter): \(app.state.message?.text ?? "")") }
            navigation.times += measure("", [.key(.pageDown)], repeat: 20).times
        }
        filterSeries.times += measure("", typed("f", "")).times
        report.series.append(filterSeries)

        progress("sorts")
        var sortSeries = Series(name: "sort change")
        for sort in sorts {
            sortSeries.times += measure("", [.command(.commandLine)] + "sort \(sort)".map { .key(.char($0)) } + [.key(.enter)]).times
            if app.state.message?.isError == true { progress("sort \(sort): \(app.state.message?.text ?? "")") }
        }
        sortSeries.times += measure("", [.command(.commandLine)] + "sort original".map { .key(.char($0)) } + [.key(.enter)]).times
        report.series.append(sortSeries)

        progress("search")
        var searchSeries = Series(name: "full-text search, first match")
        searchSeries.times += measure("", typed("/", search)).times
        for _ in 0..<5 { searchSeries.times += measure("", [.key(.char("n"))]).times }
        report.series.append(searchSeries)
        report.series.append(counted)

        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        report.peakResidentMB = Double(usage.ru_maxrss) / 1024
        report.residentMB = currentResidentMB()
        return report
    }

    /// Milliseconds since the kernel started this process (`/proc/self/stat`, field 22).
    static func millisecondsSinceProcessStart() -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let uptime = try? String(contentsOfFile: "/proc/uptime", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Fields after the command name start at field 3 (state): starttime (22) is index 19.
        guard fields.count > 19, let ticks = Double(fields[19]),
              let now = Double(uptime.split(separator: " ").first ?? "") else { return 0 }
        let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (now - ticks / hertz) * 1000
    }

    static func currentResidentMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes / 1024
    }
}
