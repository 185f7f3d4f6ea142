import ArgumentParser
import Foundation
import WinnowCore

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: generate realistic data sets (scripts/bench.sh runs the measurements).",
        subcommands: [Generate.self, BenchUI.self, BenchPreview.self])

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
}
