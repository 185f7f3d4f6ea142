import ArgumentParser
import Foundation
import WinnowCore

@main
struct Winnow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "winnow",
        abstract: "Curate generated visual instruction data: import, score, review, export.",
        version: WinnowVersion.string,
        subcommands: [ImportCommand.self, StatsCommand.self, ReviewCommand.self, ListCommand.self, DecideCommand.self, ScoreCommand.self, ScoresCommand.self, ExportCommand.self, BenchCommand.self, CompareCommand.self,
                      AgreementCommand.self, LogCommand.self, DecisionsCommand.self, EditCommand.self])
}

/// `--db`, shared by every command that opens a store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store file (default: $WINNOW_DB, else ./winnow.sqlite).", valueName: "file"))
    var db: String?

    var path: String { db ?? Store.defaultPath() }

    func open(readonly: Bool = false, cacheKilobytes: Int = 65536, busySeconds: Double = 600) throws -> Store {
        do {
            return try Store(path: path, readonly: readonly, cacheKilobytes: cacheKilobytes, busySeconds: busySeconds)
        } catch let error as StoreError {
            throw ValidationError(error.description)
        }
    }
}

/// Turns Winnow's errors into one clean line on stderr and exit code 1.
func userFacing<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ImportError {
        throw CleanExit.failure(error.description)
    } catch let error as StoreError {
        throw CleanExit.failure(error.description)
    }
}

enum CleanExit {
    static func failure(_ message: String) -> Error {
        FileHandle.standardError.write(Data("winnow: \(message)\n".utf8))
        return ExitCode.failure
    }
}

/// True when stderr is a terminal and we are not in CI: progress is shown only then.
var stderrIsInteractive: Bool {
    isatty(2) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
}
