import Foundation
import GRDB

/// Re-scoring a few items inside an open transaction (after an edit).
///
/// Per-item scores are recomputed exactly as a full run would. `image_reuse` is counted with
/// the `items(image)` index. Duplicates cannot use the whole-store pass, so candidates come
/// from the full-text index (items whose instruction or answer holds the text's longest
/// words) and the nearest is chosen by the same fingerprints; other items keep the
/// duplicate scores of the last full run.
struct SingleItemScoring {
    let db: Database
    let options: ScoringOptions
    static let candidateLimit = 200

    func run(_ items: [Int64]) throws {
        let scorer = TextScorer()
        let textScorers = Set(options.selected.filter { $0.kind == .text })
        let wantsDuplicates = options.wants(.dupInstruction) || options.wants(.dupAnswer)
        // The full run's writer: rows, the bits of implicit zeros, no rows for those zeros.
        let insert = try ScoreWriter(db)
        for id in items {
            guard let row = try Row.fetchOne(db, sql: """
                SELECT image, image_root, caption, format_flags FROM items WHERE id = ?
                """, arguments: [id]) else {
                throw StoreError.noSuchItem(id)
            }
            let turns = try Conversations.current(db, item: id).turns
            let input = ScoreInput(id: id, turns: turns, caption: row["caption"], image: row["image"],
                                   formatFlags: FormatFlags(rawValue: row["format_flags"]))
            var results: [ScoreResult] = []
            var fingerprint = Fingerprint()
            withUnsafeMutablePointer(to: &fingerprint) { pointer in
                scorer.score(input, only: textScorers, fingerprint: wantsDuplicates ? pointer : nil) { results.append($0) }
            }
            if options.wants(.image), let image = input.image,
               let root = (row["image_root"] as String?) ?? options.imageRoot {
                results.append(ImageScoring.score(image: image, root: root))
            }
            if options.wants(.imageReuse), let image = input.image {
                let others = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM items WHERE image = ? AND removed_at IS NULL AND id != ?
                    """, arguments: [image, id]) ?? 0
                results.append(ScoreResult(scorer: .imageReuse, value: Double(others)))
            }
            if wantsDuplicates {
                let document = FullText.Document(turns: turns, caption: nil)
                if options.wants(.dupInstruction) {
                    results.append(try nearest(.dupInstruction, column: "instruction", text: document.instruction,
                                               own: fingerprint.instruction, item: id, scorer: scorer))
                }
                if options.wants(.dupAnswer) {
                    results.append(try nearest(.dupAnswer, column: "answer", text: document.answer,
                                               own: fingerprint.answer, item: id, scorer: scorer))
                }
            }
            let replaced = options.selected.filter { $0 != .image }
            if !replaced.isEmpty {
                let names = replaced.map(\.rawValue)
                try db.execute(sql: "DELETE FROM scores WHERE item_id = ? AND name IN (\(names.map { _ in "?" }.joined(separator: ",")))",
                               arguments: StatementArguments([id] + names))
                try db.execute(sql: "UPDATE scored_items SET scorers = scorers & ~? WHERE item_id = ?",
                               arguments: [ImplicitZeros.mask(replaced), id])
            }
            for result in results {
                try insert.add(item: id, builtin: Int(result.scorer.ordinal), value: result.value, detail: result.detail)
            }
            try insert.flush()
        }
    }

    private func nearest(_ kind: BuiltinScorer, column: String, text: String, own: TextFingerprint, item: Int64,
                         scorer: TextScorer) throws -> ScoreResult {
        guard own.exact != 0, let query = Self.ftsQuery(column: column, text: text) else {
            return ScoreResult(scorer: kind, value: 0)
        }
        let candidates = try Int64.fetchAll(db, sql: """
            SELECT f.rowid FROM item_fts f JOIN items i ON i.id = f.rowid
            WHERE item_fts MATCH ? AND i.removed_at IS NULL AND i.id != ? LIMIT \(Self.candidateLimit)
            """, arguments: [query, item])
        var best: (Int64, Double)?
        for candidate in candidates {
            guard let document = try FullText.current(db, item: candidate) else { continue }
            let other = scorer.fingerprint(kind == .dupInstruction ? document.instruction : document.answer,
                                           instruction: kind == .dupInstruction)
            var similarity = 0.0
            if other.exact != 0, other.exact == own.exact {
                similarity = 1
            } else if let a = own.signature, let b = other.signature {
                similarity = MinHash.similarity(a, b)
            }
            if similarity > (best?.1 ?? 0) { best = (candidate, similarity) }
            if similarity == 1 { break }
        }
        guard let best else { return ScoreResult(scorer: kind, value: 0) }
        let orig = try String.fetchOne(db, sql: "SELECT orig_id FROM items WHERE id = ?", arguments: [best.0]) ?? "null"
        return ScoreResult(scorer: kind, value: best.1, detail: "{\"item\":\(best.0),\"orig_id\":\(orig)}")
    }

    /// `column : (("a" AND "b" AND "c") OR ("d" AND "e" AND "f"))` over the text's six longest
    /// distinct words (letters and digits only), or nil when it has none.
    static func ftsQuery(column: String, text: String) -> String? {
        var words: [String] = []
        var seen = Set<String>()
        var current = ""
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic || (scalar.value >= 0x30 && scalar.value <= 0x39) {
                current.unicodeScalars.append(scalar)
            } else {
                if current.unicodeScalars.count >= 3, seen.insert(current.lowercased()).inserted { words.append(current.lowercased()) }
                current = ""
            }
        }
        if current.unicodeScalars.count >= 3, seen.insert(current.lowercased()).inserted { words.append(current.lowercased()) }
        guard !words.isEmpty else { return nil }
        let longest = words.enumerated().sorted { $0.element.count != $1.element.count ? $0.element.count > $1.element.count : $0.offset < $1.offset }
            .prefix(6).map { "\"\($0.element)\"" }
        let halves = longest.count >= 4 ? [Array(longest.prefix(3)), Array(longest.dropFirst(3))] : [longest]
        return "\(column) : (" + halves.map { "(" + $0.joined(separator: " AND ") + ")" }.joined(separator: " OR ") + ")"
    }
}

extension TextScorer {
    /// The duplicate fingerprint of one instruction or answer text.
    func fingerprint(_ text: String, instruction: Bool) -> TextFingerprint {
        let turn = Turn(role: instruction ? "human" : "gpt", text: text)
        var fingerprint = Fingerprint()
        withUnsafeMutablePointer(to: &fingerprint) { pointer in
            score(ScoreInput(turns: [turn]), only: [], fingerprint: pointer) { _ in }
        }
        return instruction ? fingerprint.instruction : fingerprint.answer
    }
}
