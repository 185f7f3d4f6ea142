import ArgumentParser
import Foundation
import WinnowCore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Counts by source, status and model, duplicate ids and format problems.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "One JSON object (items, by_status, by_source, duplicate_ids, ...).")
    var json = false

    func run() throws {
        let stats = try userFacing {
            try store.open().read { db in try StoreStats.read(db) }
        }
        if json {
            print(stats.json.jsonText)
            return
        }
        print(stats.text(path: store.path))
    }
}
