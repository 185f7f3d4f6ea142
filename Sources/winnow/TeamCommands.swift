import ArgumentParser
import Foundation
import WinnowCore

// Commands for several reviewers on one store: agreement, log, decisions export/import, edit.
// See docs/teams.md.

/// Runs a body and turns the team errors (and the store's) into one clean line on stderr.
private func teamFacing<T>(_ body: () throws -> T) throws -> T {
    do {
        return try userFacing(body)
    } catch let error as TeamError {
        throw CleanExit.failure(error.description)
    } catch let error as ExportError {
        throw CleanExit.failure(error.description)
    } catch let error as FilterError {
        throw CleanExit.failure("--filter: \(error)")
    }
}

/// Writes text to stdout as is.
private func emit(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

private func jsonLine(_ value: JSONValue) -> String {
    var out: [UInt8] = []
    JSONWriter.append(value, to: &out)
    out.append(UInt8(ascii: "\n"))
    return String(decoding: out, as: UTF8.self)
}

/// A statistic as a JSON number with up to 6 decimals (null when undefined).
private func number(_ value: Double?) -> JSONValue {
    guard let value, value.isFinite else { return .null }
    var text = String(format: "%.6f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return .number(text == "-0" ? "0" : text)
}

private func fixed(_ value: Double?, _ digits: Int = 3) -> String {
    guard let value, value.isFinite else { return "n/a" }
    return String(format: "%.\(digits)f", value)
}

// MARK: agreement

struct AgreementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "Agreement between reviewers: Cohen's kappa per pair, Krippendorff's alpha, the disagreements.",
        discussion: """
            A reviewer's label for an item is their newest verdict on it that was not undone, when it \
            accepts or rejects (a skip is no opinion). Items labelled by two reviewers or more count. \
            `winnow review --filter disagree:any` opens the disagreements for adjudication.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "Only items matching this filter (see docs/filters.md).")
    var filter: String?

    @Option(help: ArgumentHelp("Leave out this reviewer's verdicts (an adjudicator); repeatable.", valueName: "name"))
    var ignore: [String] = []

    @Flag(help: "One JSON object: reviewers, shared_items, alpha, pairs (with tables), disagreements.")
    var json = false

    func run() throws {
        let report = try teamFacing {
            let parsed = try filter.map { try Filter($0) }
            return try store.open().read { db in try ReviewerAgreement.compute(db, filter: parsed, ignoring: Set(ignore)) }
        }
        emit(json ? jsonLine(Self.json(report)) : Self.text(report))
    }

    static func json(_ report: ReviewerAgreement) -> JSONValue {
        let reviewers = JSONValue.array(report.reviewers.map {
            .object(JSONObject(keys: ["name", "items"], values: [.string($0.name), .number(String($0.items))]))
        })
        let pairs = JSONValue.array(report.pairs.map { pair in
            let table = JSONValue.array(pair.result.table.counts.map { .array($0.map { .number(String($0)) }) })
            return .object(JSONObject(
                keys: ["a", "b", "items", "kappa", "observed_agreement", "expected_agreement", "labels", "table"],
                values: [.string(pair.a), .string(pair.b), .number(String(pair.result.count)), number(pair.result.kappa),
                         number(pair.result.observedAgreement), number(pair.result.expectedAgreement),
                         .array(pair.result.table.labels.map(JSONValue.string)), table]))
        })
        let disagreements = JSONValue.array(report.disagreements.map { item in
            .object(JSONObject(
                keys: ["item", "id", "verdicts"],
                values: [.number(String(item.item)), .string(item.displayId),
                         .object(JSONObject(keys: item.labels.map(\.reviewer), values: item.labels.map { .string($0.verdict) }))]))
        })
        return .object(JSONObject(
            keys: ["labels", "reviewers", "shared_items", "alpha", "pairs", "disagreements"],
            values: [.array(ReviewerAgreement.labels.map(JSONValue.string)), reviewers,
                     .number(String(report.sharedItems)), number(report.alpha), pairs, disagreements]))
    }

    static func text(_ report: ReviewerAgreement) -> String {
        var out = ""
        if report.reviewers.isEmpty {
            return "No reviewer has accepted or rejected anything yet.\n"
        }
        out += "Reviewers (items accepted or rejected): "
            + report.reviewers.map { "\($0.name) \(grouped($0.items))" }.joined(separator: ", ") + "\n"
        out += "Items with two reviewers or more: \(grouped(report.sharedItems))\n"
        if report.pairs.isEmpty {
            out += "No two reviewers decided the same item: nothing to compare (winnow review --queue --overlap 0.1 sends a share to a second reviewer).\n"
            return out
        }
        out += "Krippendorff's alpha (nominal, all reviewers): \(fixed(report.alpha))\n\n"
        let width = max(10, report.pairs.map { $0.a.count + $0.b.count + 3 }.max() ?? 0)
        out += "pair".padding(toLength: width, withPad: " ", startingAt: 0) + "   items   agree  expected   kappa\n"
        for pair in report.pairs {
            let name = "\(pair.a) – \(pair.b)"
            out += name.padding(toLength: width, withPad: " ", startingAt: 0)
                + grouped(pair.result.count).leftPadded(8)
                + (fixed(pair.result.observedAgreement * 100, 1) + "%").leftPadded(8)
                + (fixed(pair.result.expectedAgreement * 100, 1) + "%").leftPadded(10)
                + fixed(pair.result.kappa).leftPadded(8) + "\n"
        }
        for pair in report.pairs {
            out += "\n\(pair.a) (rows) against \(pair.b) (columns):\n"
            let labels = pair.result.table.labels
            let column = max(9, labels.map(\.count).max() ?? 0) + 1
            out += String(repeating: " ", count: column + 2) + labels.map { $0.leftPadded(column) }.joined() + "\n"
            for (row, label) in labels.enumerated() {
                out += "  " + label.padding(toLength: column, withPad: " ", startingAt: 0)
                    + pair.result.table.counts[row].map { grouped($0).leftPadded(column) }.joined() + "\n"
            }
        }
        out += "\nDisagreements: \(grouped(report.disagreements.count))"
        if report.disagreements.isEmpty {
            out += "\n"
            return out
        }
        out += " (winnow review --filter disagree:any)\n"
        for item in report.disagreements {
            out += "  item \(item.item)  \(item.displayId)  "
                + item.labels.map { "\($0.reviewer) \($0.verdict)" }.joined(separator: ", ") + "\n"
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

// MARK: log

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Print the decision log: who decided, undid, noted or edited what, and when.",
        discussion: """
            Times are UTC. --since and --until take a date (2024-05-01), a date and time \
            (2024-05-01T14:30, 2024-05-01T14:30:05Z) or an age (90s, 30m, 2h, 7d).
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "Only this reviewer's events.")
    var reviewer: String?

    @Option(help: "Only events on this Winnow item id.")
    var item: Int64?

    @Option(help: "Only events at or after this time.")
    var since: String?

    @Option(help: "Only events before this time.")
    var until: String?

    @Option(help: "Only the newest N events (printed oldest first).")
    var limit: Int?

    @Flag(help: "One JSON object per line: event, uid, time, reviewer, kind, verdict, item, id, ref, batch, note, active.")
    var json = false

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit takes a number of events, 0 or more.") }
    }

    func run() throws {
        try teamFacing {
            let query = EventLogQuery(reviewer: reviewer, item: item, since: try since.map { try EventLog.parseTime($0) },
                                      until: try until.map { try EventLog.parseTime($0) }, limit: limit)
            let opened = try store.open()
            var buffer = ""
            try opened.read { db in
                try EventLog.forEach(db, query) { event in
                    buffer += json ? jsonLine(event.jsonObject) : event.textLine + "\n"
                    if buffer.utf8.count > 1 << 16 {
                        emit(buffer)
                        buffer = ""
                    }
                }
            }
            emit(buffer)
        }
    }
}

// MARK: decisions export / import

struct DecisionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "Move decisions between copies of a store (a reviewer working offline merges back).",
        subcommands: [DecisionsExportCommand.self, DecisionsImportCommand.self])
}

struct DecisionsExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the decision log (verdicts, undo, redo, notes) to a JSON Lines file.")

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The file to write (replaced atomically).", valueName: "file"))
    var file: String

    @Option(help: "Only this reviewer's events.")
    var reviewer: String?

    @Option(help: "Only events at or after this time (as in winnow log).")
    var since: String?

    func run() throws {
        let report = try teamFacing {
            let options = DecisionTransfer.ExportOptions(reviewer: reviewer, since: try since.map { try EventLog.parseTime($0) })
            return try DecisionTransfer.export(try store.open(), to: file, options: options)
        }
        print("\(grouped(report.events)) events written to \(report.path).")
    }
}

struct DecisionsImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add the decisions of a file written by `winnow decisions export`, reporting conflicts instead of overwriting.",
        discussion: """
            All or nothing: a bad line names the file and line and nothing is imported. Events already \
            in the store are skipped, so importing twice changes nothing. A verdict is a conflict when \
            this store has a different verdict on the item made since the exported one's author last \
            saw it: it is reported and not imported. Exit status 3 when there were conflicts.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("A file written by `winnow decisions export`.", valueName: "file"))
    var file: String

    @Flag(help: "One JSON object: events, added, already_present, conflicts, skipped_with_conflicts, items_changed.")
    var json = false

    func run() throws {
        let report = try teamFacing { try DecisionTransfer.importFile(try store.open(), path: file) }
        emit(json ? jsonLine(Self.json(report)) : Self.text(report))
        if !report.conflicts.isEmpty { throw ExitCode(3) }
    }

    static func json(_ report: DecisionTransfer.ImportReport) -> JSONValue {
        func side(_ side: DecisionTransfer.ConflictSide) -> JSONValue {
            .object(JSONObject(keys: ["verdict", "reviewer", "time", "uid"],
                               values: [.string(side.verdict), .string(side.reviewer), .string(side.time), .string(side.uid)]))
        }
        let kinds = report.added.keys.sorted()
        return .object(JSONObject(
            keys: ["file", "events", "added", "already_present", "conflicts", "skipped_with_conflicts", "items_changed"],
            values: [.string(report.path), .number(String(report.events)),
                     .object(JSONObject(keys: kinds, values: kinds.map { .number(String(report.added[$0] ?? 0)) })),
                     .number(String(report.alreadyPresent)),
                     .array(report.conflicts.map { conflict in
                         .object(JSONObject(keys: ["line", "item", "id", "incoming", "local"],
                                            values: [.number(String(conflict.line)), .number(String(conflict.item)),
                                                     .string(conflict.displayId), side(conflict.incoming), side(conflict.local)]))
                     }),
                     .number(String(report.skippedWithConflicts)), .number(String(report.itemsChanged))]))
    }

    static func text(_ report: DecisionTransfer.ImportReport) -> String {
        let kinds = report.added.keys.sorted().map { "\(grouped(report.added[$0] ?? 0)) \($0)" }
        var out = "\(report.path): \(grouped(report.events)) events; \(grouped(report.addedTotal)) added"
            + (kinds.isEmpty ? "" : " (\(kinds.joined(separator: ", ")))")
            + ", \(grouped(report.alreadyPresent)) already here, \(grouped(report.conflicts.count)) conflict\(report.conflicts.count == 1 ? "" : "s"); "
            + "\(grouped(report.itemsChanged)) item\(report.itemsChanged == 1 ? "" : "s") changed status.\n"
        if !report.conflicts.isEmpty {
            out += "Conflicts (not imported; this store's verdict stays — decide again in winnow review if needed):\n"
            for conflict in report.conflicts {
                out += "  item \(conflict.item) (\(conflict.displayId)), line \(conflict.line): file says \(conflict.incoming.verdict) "
                    + "by \(conflict.incoming.reviewer) at \(conflict.incoming.time); here \(conflict.local.verdict) "
                    + "by \(conflict.local.reviewer) at \(conflict.local.time)\n"
            }
            if report.skippedWithConflicts > 0 {
                out += "  (\(grouped(report.skippedWithConflicts)) undo/redo events of those verdicts were not imported either)\n"
            }
        }
        return out
    }
}

// MARK: edit

struct EditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit an item's conversation from a script, and settle edit conflicts.",
        discussion: """
            winnow edit ITEM --print > f.txt    prints the item in the edit-file format (its header names the version)
            winnow edit ITEM --from f.txt       saves it as a new version, if nobody saved one since that version;
                                                otherwise both versions are kept as a conflict (exit status 3)
            winnow edit --conflicts             lists open conflicts
            winnow edit --resolve ID --keep mine|theirs
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The Winnow item id.")
    var item: Int64?

    @Flag(help: "Print the item's current conversation in the edit-file format.")
    var print = false

    @Option(help: ArgumentHelp("Save the conversation in this edit file as the item's next version.", valueName: "file"))
    var from: String?

    @Option(help: "The version the edit starts from (default: the one named in the file's header).")
    var base: Int?

    @Flag(help: "List the open edit conflicts.")
    var conflicts = false

    @Option(help: ArgumentHelp("Settle this edit conflict (with --keep).", valueName: "id"))
    var resolve: Int64?

    @Option(help: "Which version to keep: mine (the refused edit, saved on top) or theirs.")
    var keep: String?

    @Option(help: "Your name in the decision log (default: $WINNOW_REVIEWER, else the login name).")
    var reviewer: String?

    func validate() throws {
        let modes = [print, from != nil, conflicts, resolve != nil].filter { $0 }.count
        guard modes == 1 else {
            throw ValidationError("Give one of --print, --from FILE, --conflicts or --resolve ID.")
        }
        if (print || from != nil) && item == nil { throw ValidationError("Give the item id (winnow edit ITEM --print).") }
        if resolve != nil, keep.flatMap(EditConflict.Resolution.init(rawValue:)) == nil {
            throw ValidationError("--resolve needs --keep mine or --keep theirs.")
        }
    }

    func run() throws {
        let opened = try teamFacing { try store.open() }
        let name = reviewer ?? Reviewer.defaultName()
        if print, let item {
            let detail = try teamFacing {
                guard let detail = try opened.read({ db in try ItemDetail.load(db, id: item) }) else { throw StoreError.noSuchItem(item) }
                return detail
            }
            emit(EditFile.render(detail))
        } else if let from, let item {
            try save(opened, item: item, file: from, reviewer: name)
        } else if conflicts {
            let open = try teamFacing { try opened.read { db in try EditConflicts.open(db) } }
            if open.isEmpty { emit("No open edit conflicts.\n") }
            for conflict in open {
                emit("conflict \(conflict.id): item \(conflict.item), \(conflict.mine.reviewer ?? "?")'s edit of version \(conflict.baseVersion) "
                     + "against version \(conflict.theirs.version) by \(conflict.theirs.reviewer ?? "the import")\n")
            }
        } else if let resolve, let keep = keep.flatMap(EditConflict.Resolution.init(rawValue:)) {
            let result = try teamFacing { try opened.write { db in try EditConflicts.resolve(db, id: resolve, keep: keep, reviewer: name) } }
            switch result {
            case let .resolved(version):
                emit("Conflict \(resolve) settled: kept \(keep.rawValue); the item is at version \(version).\n")
            case let .movedOn(conflict):
                emit(Self.describe(conflict))
                throw CleanExit.failure("item \(conflict.item) changed again (version \(conflict.theirs.version)); look at it above and resolve again.")
            }
        }
    }

    private func save(_ opened: Store, item: Int64, file: String, reviewer: String) throws {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw CleanExit.failure("Cannot read \(file): \(error.localizedDescription).")
        }
        let turns: [Turn]
        do {
            turns = try EditFile.parse(text)
        } catch {
            throw CleanExit.failure("\(file):\(error.line): \(error.message). Nothing was saved.")
        }
        guard let baseVersion = base ?? Self.headerVersion(text) else {
            throw CleanExit.failure("\(file): no version in its header; give --base N (the version you edited; winnow edit \(item) --print shows it).")
        }
        let result = try teamFacing {
            try opened.write { db in try EditConflicts.save(db, item: item, turns: turns, baseVersion: baseVersion, reviewer: reviewer) }
        }
        switch result {
        case let .saved(version):
            emit("Item \(item) saved as version \(version).\n")
        case let .conflict(conflict):
            emit(Self.describe(conflict))
            FileHandle.standardError.write(Data(("winnow: item \(item) was changed by \(conflict.theirs.reviewer ?? "someone") since version \(baseVersion); "
                + "both versions are kept as conflict \(conflict.id). Choose: winnow edit --resolve \(conflict.id) --keep mine|theirs\n").utf8))
            throw ExitCode(3)
        }
    }

    /// "# Winnow item 12 (id x), version 3." → 3.
    static func headerVersion(_ text: String) -> Int? {
        guard let first = text.split(separator: "\n", maxSplits: 1).first, first.hasPrefix("# Winnow item "),
              let range = first.range(of: ", version ", options: .backwards) else { return nil }
        return Int(first[range.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: ". ")))
    }

    static func describe(_ conflict: EditConflict) -> String {
        func block(_ title: String, _ turns: [Turn]) -> String {
            "--- \(title)\n" + turns.map { "=== \($0.role) ===\n\($0.text)\n" }.joined()
        }
        return "Edit conflict \(conflict.id) on item \(conflict.item) (both versions are kept):\n"
            + block("theirs: version \(conflict.theirs.version) by \(conflict.theirs.reviewer ?? "the import")", conflict.theirs.turns)
            + block("mine: \(conflict.mine.reviewer ?? "?")'s edit of version \(conflict.baseVersion)", conflict.mine.turns)
    }
}
