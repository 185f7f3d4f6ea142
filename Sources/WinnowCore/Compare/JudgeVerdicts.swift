import Foundation
import GRDB

/// One line of an automatic judge's verdict file.
public struct JudgeVerdict: Equatable, Sendable {
    public var line: Int
    /// The question id as JSON text (matches `items.orig_id`).
    public var question: String
    /// The question file's source, when the line names one.
    public var source: String?
    /// The model whose answer the judge saw as answer A, and as answer B.
    public var shownA: String
    public var shownB: String
    /// What the judge said about the order it saw: the first answer better, the second, or neither.
    public var verdict: Preference

    public init(line: Int, question: String, source: String?, shownA: String, shownB: String, verdict: Preference) {
        self.line = line
        self.question = question
        self.source = source
        self.shownA = shownA
        self.shownB = shownB
        self.verdict = verdict
    }
}

/// An automatic judge's verdicts (e.g. GPT-4V's) and how they agree with people's.
///
/// The file is JSON Lines or a JSON array of objects:
/// ```
/// {"question_id": 0, "model_a": "gpt4v", "model_b": "gemini-pro", "verdict": "A"}
/// {"question_id": 0, "order": "BA", "verdict": "C"}
/// ```
/// - `question_id` (string or number, required), and `source` when several question files
///   share ids;
/// - `verdict` (or `judgment`): `A` (the first answer is better), `B` (the second), `C` (neither
///   significantly better; `tie` is accepted too), case-insensitive;
/// - the order: `model_a` and `model_b` name the models shown as answer A and answer B, or
///   `order` is `AB` (the comparison's A first) or `BA` (swapped).
///
/// The protocol rule (``ProtocolRule``) turns the judge's one or two verdicts per question into
/// an outcome, as it does each reviewer's; agreement is Cohen's kappa over the questions both
/// the judge and a reviewer have an outcome for.
public enum JudgeVerdicts {
    /// The model names a verdict file's `model_a`/`model_b` fields use (for a file read without
    /// `--a`/`--b`). Lines that fail to parse are left to ``read(path:modelA:modelB:)`` to report.
    public static func modelNames(path: String) throws -> Set<String> {
        let reader: JSONRecordReader
        do {
            reader = try JSONRecordReader(path: path)
        } catch {
            throw CompareError.unreadable(path: path, reason: "\(error)")
        }
        var names = Set<String>()
        while let record = try? reader.next() {
            guard case let .object(object) = record.value else { continue }
            for key in ["model_a", "model_b"] {
                if let name = object[key]?.stringValue { names.insert(name) }
            }
        }
        return names
    }

    /// Reads a verdict file for the comparison of `modelA` and `modelB`.
    ///
    /// - Throws: ``CompareError/badVerdict(path:line:reason:)`` for the first bad line,
    ///   ``CompareError/unreadable(path:reason:)``.
    public static func read(path: String, modelA: String, modelB: String) throws -> [JudgeVerdict] {
        let reader: JSONRecordReader
        do {
            reader = try JSONRecordReader(path: path)
        } catch {
            throw CompareError.unreadable(path: path, reason: "\(error)")
        }
        var verdicts: [JudgeVerdict] = []
        var seen: [String: Int] = [:]
        while true {
            let record: JSONRecord
            do {
                guard let next = try reader.next() else { break }
                record = next
            } catch let error as JSONSyntaxError {
                throw CompareError.badVerdict(path: path, line: error.line, reason: "not valid JSON (\(error.message))")
            }
            func fail(_ reason: String) -> CompareError { .badVerdict(path: path, line: record.line, reason: reason) }
            guard case let .object(object) = record.value else { throw fail("a verdict must be a JSON object") }
            guard let id = object["question_id"], id.isScalarId else {
                throw fail("'question_id' is missing or not a string or number")
            }
            let source = object["source"]?.stringValue
            guard let said = (object["verdict"] ?? object["judgment"])?.stringValue else {
                throw fail("'verdict' is missing or not a string (A, B or C)")
            }
            let shown: (String, String)
            if let first = object["model_a"]?.stringValue, let second = object["model_b"]?.stringValue {
                guard Set([first, second]) == Set([modelA, modelB]) else {
                    throw fail("model_a and model_b are \(first) and \(second), but this comparison is \(modelA) vs \(modelB)")
                }
                shown = (first, second)
            } else if let order = object["order"]?.stringValue {
                switch order.uppercased() {
                case "AB": shown = (modelA, modelB)
                case "BA": shown = (modelB, modelA)
                default: throw fail("'order' must be AB or BA, found \"\(order)\"")
                }
            } else {
                throw fail("say which answer came first: 'model_a' and 'model_b', or 'order' (AB or BA)")
            }
            let preference: Preference
            switch said.trimmingCharacters(in: .whitespaces).uppercased() {
            case "A": preference = .model(shown.0)
            case "B": preference = .model(shown.1)
            case "C", "TIE": preference = .tie
            default: throw fail("'verdict' must be A, B or C, found \"\(said)\"")
            }
            let dedupe = (source ?? "") + "\u{1F}" + id.jsonText + "\u{1F}" + shown.0
            if let first = seen[dedupe] {
                throw fail("question_id \(id.plainText) was already judged with \(shown.0) first (line \(first))")
            }
            seen[dedupe] = record.line
            verdicts.append(JudgeVerdict(line: record.line, question: id.jsonText, source: source, shownA: shown.0,
                                         shownB: shown.1, verdict: preference))
        }
        return verdicts
    }
}

/// How an automatic judge agrees with the reviewers on one model pair.
public struct VerdictAgreement: Equatable, Sendable {
    public struct Rater: Equatable, Sendable {
        /// A reviewer's name, or `pooled`.
        public var name: String
        public var result: KappaResult
    }

    public var path: String
    public var modelA: String
    public var modelB: String
    /// Lines read, and questions they cover.
    public var verdicts: Int
    public var questions: Int
    /// Questions the judge saw in both orders.
    public var bothOrders: Int
    /// The judge's own outcomes.
    public var judge: Tally
    /// Per reviewer, then `pooled` (every reviewer's outcomes against the judge's).
    public var raters: [Rater]
    /// Judge questions no reviewer has an outcome for.
    public var unmatched: Int

    /// The labels of the confusion tables: A better, B better, tie.
    public static let labels = ["A", "B", "tie"]

    /// Compares a judge's verdicts with the store's (both oriented `modelA` vs `modelB`).
    ///
    /// - Throws: ``CompareError/badVerdict(path:line:reason:)`` when a line's question id is in
    ///   several sources the line does not choose between.
    public static func make(_ db: Database, path: String, verdicts: [JudgeVerdict], modelA: String, modelB: String,
                            bootstrap: Bootstrap = Bootstrap()) throws -> VerdictAgreement {
        let people = ProtocolRule.outcomes(try Judgments.scored(db, models: (modelA, modelB)), modelA: modelA, modelB: modelB)
        var keysById: [String: Set<QuestionKey>] = [:]
        for outcome in people { keysById[outcome.key.question, default: []].insert(outcome.key) }
        // The judge's verdicts, keyed like people's outcomes when a reviewer judged the question.
        var judgeGroups: [String: (key: QuestionKey?, line: Int, preferences: [Preference])] = [:]
        var order: [String] = []
        for verdict in verdicts {
            var candidates = keysById[verdict.question] ?? []
            if let source = verdict.source { candidates = candidates.filter { $0.source == source } }
            let key: QuestionKey?
            if candidates.count > 1 {
                let sources = Set(candidates.map(\.source)).sorted()
                if sources.count > 1 {
                    throw CompareError.badVerdict(path: path, line: verdict.line, reason: "question_id \(QuestionKey(source: "", question: verdict.question, image: nil).label) is in several question files (\(sources.joined(separator: ", "))); add \"source\" to the line")
                }
                key = candidates.min()
            } else {
                key = candidates.first
            }
            let id = key?.text ?? ((verdict.source ?? "") + "\u{1F}" + verdict.question)
            if judgeGroups[id] == nil {
                judgeGroups[id] = (key, verdict.line, [])
                order.append(id)
            }
            judgeGroups[id]?.preferences.append(verdict.verdict)
        }
        var judgeOutcomes: [QuestionKey: PairOutcome] = [:]
        var judgeList: [QuestionOutcome] = []
        var unmatched = 0
        var both = 0
        for id in order {
            guard let group = judgeGroups[id], let combined = ProtocolRule.combine(group.preferences) else { continue }
            let outcome: PairOutcome = combined == .model(modelA) ? .a : combined == .model(modelB) ? .b : .tie
            if group.preferences.count > 1 { both += 1 }
            let key = group.key ?? QuestionKey(source: "", question: id, image: nil)
            judgeList.append(QuestionOutcome(reviewer: "judge", key: key, outcome: outcome, orders: group.preferences.count))
            if let matched = group.key { judgeOutcomes[matched] = outcome } else { unmatched += 1 }
        }
        func label(_ outcome: PairOutcome) -> String {
            switch outcome {
            case .a: return "A"
            case .b: return "B"
            case .tie: return "tie"
            }
        }
        var raters: [Rater] = []
        var pooled: [(String, String)] = []
        for reviewer in Set(people.map(\.reviewer)).sorted() {
            var pairs: [(String, String)] = []
            for outcome in people where outcome.reviewer == reviewer {
                if let judged = judgeOutcomes[outcome.key] { pairs.append((label(outcome.outcome), label(judged))) }
            }
            pooled += pairs
            raters.append(Rater(name: reviewer, result: Agreement.cohenKappa(pairs, labels: labels)))
        }
        raters.append(Rater(name: "pooled", result: Agreement.cohenKappa(pooled, labels: labels)))
        return VerdictAgreement(path: path, modelA: modelA, modelB: modelB, verdicts: verdicts.count, questions: order.count,
                                bothOrders: both, judge: Tally(judgeList, bootstrap: bootstrap), raters: raters,
                                unmatched: unmatched)
    }
}
