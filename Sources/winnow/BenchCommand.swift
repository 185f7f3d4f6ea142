import ArgumentParser
import Foundation
import WinnowCore

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: generate realistic data sets, time scoring (scripts/bench.sh runs the measurements).",
        subcommands: [Generate.self, Score.self, BenchUI.self, BenchPreview.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write deterministic LLaVA-mix-like and MM-Instruct-like files.")

        @Option(help: ArgumentHelp("The folder to write into.", valueName: "dir"))
        var out: String = "bench-data"

        @Option(help: "Records in the LLaVA-mix-like file (llava_mix.json).")
        var llava: Int = BenchDataGenerator.llavaMixRecordCount

        @Option(help: "Records in the MM-Instruct-like file (mm_instruct.json).")
        var mmInstruct: Int = BenchDataGenerator.mmInstructRecordCount

        @Option(help: "The generator's seed.")
        var seed: UInt64 = 1

        func run() throws {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let generator = BenchDataGenerator(seed: seed)
            let started = Date()
            if llava > 0 {
                let path = (out as NSString).appendingPathComponent("llava_mix.json")
                let summary = try generator.writeLLaVAMix(to: path, count: llava)
                print("\(path): \(grouped(summary.records)) records (\(grouped(summary.textOnly)) text-only), \(grouped(summary.bytes)) bytes")
            }
            if mmInstruct > 0 {
                let path = (out as NSString).appendingPathComponent("mm_instruct.json")
                let summary = try generator.writeMMInstruct(to: path, count: mmInstruct)
                print("\(path): \(grouped(summary.records)) records, \(grouped(summary.bytes)) bytes")
            }
            print(String(format: "generated in %.1f s", Date().timeIntervalSince(started)))
        }
    }

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time a full scoring run (every text scorer, duplicates, image reuse) of generated data.",
            discussion: """
                Builds DIR/score-bench.sqlite from generated LLaVA-mix-like and MM-Instruct-like records \
                (once; it is reused while it holds that many items), then scores it and prints items per \
                second with the machine's load average. Image files are not read (measured apart, per image).
                """)

        @Option(help: ArgumentHelp("The folder of the benchmark store.", valueName: "dir"))
        var dir: String = "bench-data"

        @Option(help: "LLaVA-mix-like items.")
        var llava: Int = BenchDataGenerator.llavaMixRecordCount

        @Option(help: "MM-Instruct-like items.")
        var mmInstruct: Int = BenchDataGenerator.mmInstructRecordCount

        @Option(help: "Scoring threads (default: the number of cores).")
        var threads: Int?

        @Option(help: "Runs of each case; the fastest is reported.")
        var runs: Int = 1

        @Flag(name: .customLong("no-rescore"), help: "Time only the first scoring, not re-scoring the scored store.")
        var noRescore = false

        @Flag(name: .customLong("per-scorer"), help: "Instead, print the CPU time per item of reading items and of each text scorer (one thread, 50,000 items of the store).")
        var perScorer = false

        @Flag(help: "Print the result as JSON.")
        var json = false

        func run() throws {
            let threads = max(1, self.threads ?? ProcessInfo.processInfo.activeProcessorCount)
            let loadBefore = loadAverage()
            if perScorer {
                let store = try ScoringBench.prepare(directory: dir, llava: llava, mmInstruct: mmInstruct) { message in
                    FileHandle.standardError.write(Data("bench: \(message)\n".utf8))
                }
                print("store: \(store.path), load \(loadBefore); CPU time per item, one thread:")
                for (name, micros) in try ScoringBench.profile(store: store) {
                    print("  " + name.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%7.1f µs", micros))
                }
                return
            }
            let result = try ScoringBench.run(directory: dir, llava: llava, mmInstruct: mmInstruct, threads: threads,
                                              runs: max(1, runs), rescore: !noRescore) { message in
                FileHandle.standardError.write(Data("bench: \(message)\n".utf8))
            }
            if json {
                print(result.json.jsonText)
            } else {
                print("store: \((dir as NSString).appendingPathComponent("score-bench.sqlite")), "
                      + "machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load \(loadBefore) before, \(loadAverage()) after")
                print(result.summary)
            }
        }

        private func loadAverage() -> String {
            guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
            return text.split(separator: " ").prefix(3).joined(separator: " ")
        }
    }
}
