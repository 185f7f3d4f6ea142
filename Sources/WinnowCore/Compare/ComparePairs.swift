import GRDB

/// Which question a pair is about: the question file's source, the question id as JSON text
/// (`items.orig_id`, so `17` and `"17"` stay apart) and the image.
public struct QuestionKey: Hashable, Sendable, Comparable {
    public var source: String
    public var question: String
    public var image: String?

    public init(source: String, question: String, image: String?) {
        self.source = source
        self.question = question
        self.image = image
    }

    /// The question id as the files write it: `17` for the number, `q-17` for the string `"q-17"`.
    public var label: String {
        if question.hasPrefix("\""), let value = try? parseJSON(question), let text = value.stringValue { return text }
        return question
    }

    /// One string for hashing the key into a seed; fields joined by U+001F.
    var text: String { source + "\u{1F}" + question + "\u{1F}" + (image ?? "") }

    public static func < (lhs: QuestionKey, rhs: QuestionKey) -> Bool {
        (lhs.source, lhs.question, lhs.image ?? "") < (rhs.source, rhs.question, rhs.image ?? "")
    }
}

/// One question both models answered: what a reviewer compares.
public struct ComparePair: Equatable, Sendable {
    public var key: QuestionKey
    /// The folder the image path resolves against (from the import).
    public var imageRoot: String?
    public var category: String?
    public var instruction: String
    public var caption: String?
    /// Model A's item and answer (as imported: reviewers' edits are not part of a benchmark).
    public var itemA: Int64
    public var answerA: String
    public var itemB: Int64
    public var answerB: String

    public init(key: QuestionKey, imageRoot: String?, category: String?, instruction: String, caption: String?,
                itemA: Int64, answerA: String, itemB: Int64, answerB: String) {
        self.key = key
        self.imageRoot = imageRoot
        self.category = category
        self.instruction = instruction
        self.caption = caption
        self.itemA = itemA
        self.answerA = answerA
        self.itemB = itemB
        self.answerB = answerB
    }
}

/// A question one model answered and the other did not.
public struct MissingAnswer: Equatable, Sendable {
    public var key: QuestionKey
    /// The model that has no answer to it.
    public var missingModel: String

    public init(key: QuestionKey, missingModel: String) {
        self.key = key
        self.missingModel = missingModel
    }
}

/// The pairs of two models' answers, joined by question (never by position in a file).
public struct PairSet: Equatable, Sendable {
    public var modelA: String
    public var modelB: String
    /// In question-file order (source, then the question's position in its file).
    public var pairs: [ComparePair]
    /// Questions only one of the two models answered.
    public var missing: [MissingAnswer]
    /// Questions a model answered more than once (its first answer is used).
    public var duplicates: [QuestionKey]

    public init(modelA: String, modelB: String, pairs: [ComparePair], missing: [MissingAnswer], duplicates: [QuestionKey]) {
        self.modelA = modelA
        self.modelB = modelB
        self.pairs = pairs
        self.missing = missing
        self.duplicates = duplicates
    }

    /// One sentence per model about the questions it lacks, for the CLI and the status line;
    /// empty when nothing is missing.
    public var missingSummary: [String] {
        var lines: [String] = []
        for model in [modelA, modelB] {
            let keys = missing.filter { $0.missingModel == model }.map(\.key)
            guard !keys.isEmpty else { continue }
            let shown = keys.prefix(8).map(\.label).joined(separator: ", ")
            let more = keys.count > 8 ? " and \(keys.count - 8) more" : ""
            lines.append("\(keys.count) question\(keys.count == 1 ? " has" : "s have") no answer from \(model) and \(keys.count == 1 ? "is" : "are") left out (question_id \(shown)\(more)).")
        }
        if !duplicates.isEmpty {
            lines.append("\(duplicates.count) question\(duplicates.count == 1 ? " is" : "s are") answered twice by one model; the first answer is used (question_id \(duplicates.prefix(8).map(\.label).joined(separator: ", "))).")
        }
        return lines
    }
}

/// Builds ``PairSet``s from the store.
public enum ComparePairs {
    /// The distinct model names of the store's items, sorted.
    public static func models(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT DISTINCT model FROM items WHERE model IS NOT NULL AND model <> '' AND removed_at IS NULL ORDER BY model
            """)
    }

    /// Joins model A's and model B's answers by question (source, question id, image).
    ///
    /// - Throws: ``CompareError/sameModel(_:)``, ``CompareError/unknownModel(_:available:)``.
    public static func build(_ db: Database, a: String, b: String) throws -> PairSet {
        guard a != b else { throw CompareError.sameModel(a) }
        let available = try models(db)
        for model in [a, b] where !available.contains(model) {
            throw CompareError.unknownModel(model, available: available)
        }
        struct Answer {
            var item: Int64
            var position: Int
            var imageRoot: String?
            var category: String?
            var caption: String?
            var instruction: String
            var text: String
        }
        var answers: [String: [QuestionKey: Answer]] = [a: [:], b: [:]]
        var order: [QuestionKey: Int] = [:]
        var duplicates: [QuestionKey] = []
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, source, orig_id, image, image_root, category, caption, model, record_index,
                   json_extract(conversation, '$[0].value') AS instruction,
                   json_extract(conversation, '$[#-1].value') AS answer
            FROM items
            WHERE model IN (?, ?) AND orig_id IS NOT NULL AND removed_at IS NULL
            ORDER BY source, record_index, id
            """, arguments: [a, b])
        var position = 0
        while let row = try rows.next() {
            let model: String = row["model"]
            let key = QuestionKey(source: row["source"], question: row["orig_id"], image: row["image"])
            if order[key] == nil {
                order[key] = position
                position += 1
            }
            if answers[model]?[key] != nil {
                if !duplicates.contains(key) { duplicates.append(key) }
                continue
            }
            answers[model]?[key] = Answer(item: row["id"], position: order[key] ?? 0, imageRoot: row["image_root"],
                                          category: row["category"], caption: row["caption"],
                                          instruction: row["instruction"] ?? "", text: row["answer"] ?? "")
        }
        var pairs: [ComparePair] = []
        var missing: [MissingAnswer] = []
        for key in order.keys.sorted(by: { order[$0] ?? 0 < order[$1] ?? 0 }) {
            let fromA = answers[a]?[key], fromB = answers[b]?[key]
            guard let first = fromA, let second = fromB else {
                missing.append(MissingAnswer(key: key, missingModel: fromA == nil ? a : b))
                continue
            }
            pairs.append(ComparePair(key: key, imageRoot: first.imageRoot, category: first.category,
                                     instruction: first.instruction, caption: first.caption ?? second.caption,
                                     itemA: first.item, answerA: first.text, itemB: second.item, answerB: second.text))
        }
        return PairSet(modelA: a, modelB: b, pairs: pairs, missing: missing, duplicates: duplicates)
    }
}
