import ArgumentParser
import Foundation
import WinnowCore
import WinnowTerminal

/// `winnow bench ui`: the review UI's key-to-frame latency on a store.
struct BenchUI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Time the review UI's keys through update, the store, render and ncurses (to /dev/null).",
        discussion: """
            Drives the real workbench with scripted keys: j/k near the top, 2,000 page-downs into the \
            list, j/k there, G and g, k at the end, filter changes on indexed fields, sort changes and \
            a full-text search. Prints p50/p99/max per kind of key, the time from process start to \
            the first frame, and the memory. Use a store of 1,000,000 items (see docs/benchmarks.md).
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "A word the full-text search should find.")
    var search: String = "wooden"

    @Option(parsing: .upToNextOption, help: "Filters to switch to (indexed fields).")
    var filters: [String] = ["status:pending", "source:llava_mix", "not status:accepted", "model:gpt-4v"]

    @Option(parsing: .upToNextOption, help: "Sorts to switch to.")
    var sorts: [String] = ["status", "-original", "source"]

    func run() throws {
        let opened = try userFacing { try store.open(cacheKilobytes: 8192) }
        let report = try UIBench.run(store: opened, search: search, filters: filters, sorts: sorts) { line in
            FileHandle.standardError.write(Data("… \(line)\n".utf8))
        }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        print("store: \(store.path) (\(grouped(report.items)) items), 120x40, machine load \(load)")
        print(String(format: "process start to first frame   %8.1f ms (counts shown at %.1f ms)", report.startToFirstFrame,
                     report.startToCounts))
        print("                                    p50       p99       max     keys")
        for series in report.series {
            print(row(series.name, String(format: "%7.2f ms %7.2f ms %7.2f ms %6d", series.p50, series.p99, series.max,
                         series.times.count)))
        }
        print(String(format: "memory: %.0f MB resident at the end, %.0f MB peak; last position %@",
                     report.residentMB, report.peakResidentMB, report.finalPosition))
    }
}

/// `winnow bench preview`: file to drawn pane, cached, and the chafa command line for comparison.
struct BenchPreview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Time an image preview from file to drawn pane, cached, and against the chafa command line.")

    @Option(help: ArgumentHelp("The image (default: a generated 2250×1500 photo-like JPEG).", valueName: "file"))
    var image: String?

    @Option(help: "Pane columns.")
    var columns: Int = 60

    @Option(help: "Pane rows.")
    var rows: Int = 21

    @Option(help: "Timed runs.")
    var iterations: Int = 50

    @Option(help: "Colours: truecolor, 256, 16 or none.")
    var colors: PreviewColors = .indexed256

    func run() throws {
        let path: String
        if let image {
            path = image
        } else {
            path = NSTemporaryDirectory() + "winnow-bench-2250x1500.jpg"
            if !FileManager.default.fileExists(atPath: path) { try ImageBench.writeSampleJPEG(path: path) }
        }
        let result = try PreviewBench.run(imagePath: path, columns: columns, rows: rows, iterations: iterations, colors: colors)
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?"
        print("image: \(path), pane \(columns)x\(rows) (picture \(result.cells.columns)x\(result.cells.rows)), colours \(colors.rawValue), load \(load)")
        print("                                    p50       p99       max   runs")
        for series in [result.uncached, result.cached, result.cachedToBuffer, result.cachedUnchanged] {
            print(row(series.name, String(format: "%7.2f ms %7.2f ms %7.2f ms %6d", series.p50, series.p99, series.max, series.times.count)))
        }
        if let chafa = Self.chafaTimes(path: path, columns: columns, rows: rows, runs: min(iterations, 30), colors: colors) {
            print(row("chafa command line", String(format: "%7.2f ms %7.2f ms %7.2f ms %6d", chafa.p50, chafa.p99, chafa.max, chafa.times.count)))
            print(String(format: "winnow is %.1fx faster than the chafa command line (p50)", chafa.p50 / max(0.001, result.uncached.p50)))
        } else {
            print("chafa command line: not installed (make bench installs it)")
        }
    }

    /// Runs `chafa` on the same file at the same size, output to /dev/null.
    static func chafaTimes(path: String, columns: Int, rows: Int, runs: Int, colors: PreviewColors) -> UIBench.Series? {
        let candidates = ["/usr/bin/chafa", "/usr/local/bin/chafa"]
        guard let chafa = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let mode = colors == .trueColor ? "full" : colors == .indexed256 ? "256" : colors == .ansi16 ? "16" : "none"
        var series = UIBench.Series(name: "chafa")
        for _ in 0..<max(1, runs) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: chafa)
            process.arguments = ["--format", "symbols", "--size", "\(columns)x\(rows)", "--colors", mode, path]
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            let started = DispatchTime.now().uptimeNanoseconds
            guard (try? process.run()) != nil else { return nil }
            process.waitUntilExit()
            series.times.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
        }
        return series
    }
}

/// A table row: the name padded to 32 columns, then the numbers.
func row(_ name: String, _ numbers: String) -> String {
    name + String(repeating: " ", count: max(1, 33 - name.count)) + numbers
}
