/// The built-in scorers: names, versions, what their values mean and their default
/// thresholds. docs/scores.md documents each one in full.
///
/// A scorer's `version` changes whenever its definition changes, so scores written by an
/// older definition can be found (`scores.version`) and recomputed.
public enum BuiltinScorer: String, CaseIterable, Sendable {
    case captionLeak = "caption_leak"
    case refusal
    case wordsInstruction = "words_instruction"
    case wordsAnswer = "words_answer"
    case turns
    case tokensEst = "tokens_est"
    case repetition
    case truncated
    case ungrounded
    case offInstruction = "off_instruction"
    case language
    case format
    case image
    case dupInstruction = "dup_instruction"
    case dupAnswer = "dup_answer"
    case imageReuse = "image_reuse"

    /// How a scorer gets its input.
    public enum Kind: Sendable {
        /// A pure function of one item's conversation, caption and flags.
        case text
        /// Reads the item's image file headers.
        case image
        /// Needs every item of the store (duplicates, shared images).
        case corpus
    }

    /// The value of `scores.scorer` for built-in scores.
    public static let scorerName = "winnow"

    public var name: String { rawValue }

    public var kind: Kind {
        switch self {
        case .image: return .image
        case .dupInstruction, .dupAnswer, .imageReuse: return .corpus
        default: return .text
        }
    }

    public var version: String {
        switch self {
        default: return "1"
        }
    }

    /// One line for `winnow scores list` and the docs.
    public var summary: String {
        switch self {
        case .captionLeak: return "the answer talks about its source text (\"the description\", \"the caption\"); sum of phrase weights"
        case .refusal: return "apology, \"as an AI\", inability statement: 1 near the start of an answer, 0.5 later"
        case .wordsInstruction: return "words in the human turns"
        case .wordsAnswer: return "words in the gpt turns"
        case .turns: return "number of turns"
        case .tokensEst: return "estimated training tokens: 576 per image + per turn max(1.3 x words, chars / 4) + 4"
        case .repetition: return "max of word 3-gram and character 10-gram repetition ratios of the answer (0..1)"
        case .truncated: return "the answer stops mid-sentence, mid-list or with an open bracket: 1 sure, 0.5 likely"
        case .ungrounded: return "share of the answer's content words found neither in the caption nor the instruction"
        case .offInstruction: return "the answer ignores the requested form (haiku, list, concise, long form...): 1 sure, 0.5 likely"
        case .language: return "answer script/language differs from the instruction's (1, or 0.5 partly), else noise share x 5"
        case .format: return "number of LLaVA format problems (items.format_flags)"
        case .image: return "0 image ok, 0.5 suspicious (extension, tiny, extreme aspect), 1 unusable (missing, corrupt...)"
        case .dupInstruction: return "Jaccard estimate with the nearest other instruction (1 = exact duplicate)"
        case .dupAnswer: return "Jaccard estimate with the nearest other answer (1 = exact duplicate)"
        case .imageReuse: return "how many other items use the same image path"
        }
    }

    /// The default thresholds (those of `profiles/default.toml`).
    public var defaultThreshold: Threshold {
        switch self {
        case .captionLeak: return Threshold(warn: 0.5, bad: 1)
        case .refusal: return Threshold(warn: 0.5, bad: 1)
        case .wordsInstruction: return Threshold(warn: 1, bad: 0, higherIsWorse: false)
        case .wordsAnswer: return Threshold(warn: nil, bad: 0, higherIsWorse: false)
        case .turns: return Threshold(warn: nil, bad: nil)
        case .tokensEst: return Threshold(warn: 1536, bad: 2049)
        case .repetition: return Threshold(warn: 0.3, bad: 0.5)
        case .truncated: return Threshold(warn: 0.5, bad: 1)
        case .ungrounded: return Threshold(warn: 0.85, bad: 0.93)
        case .offInstruction: return Threshold(warn: 0.5, bad: 1)
        case .language: return Threshold(warn: 0.5, bad: 1)
        case .format: return Threshold(warn: nil, bad: 1)
        case .image: return Threshold(warn: 0.5, bad: 1)
        case .dupInstruction: return Threshold(warn: nil, bad: nil)
        case .dupAnswer: return Threshold(warn: 0.8, bad: 0.95)
        case .imageReuse: return Threshold(warn: nil, bad: nil)
        }
    }

    /// Parses a comma-separated list of scorer names (`--only`).
    ///
    /// - Throws: ``ScoringError/unknownScorer(_:known:)`` for a name that is not built in.
    public static func parseList(_ text: String) throws -> Set<BuiltinScorer> {
        var result = Set<BuiltinScorer>()
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { continue }
            guard let scorer = BuiltinScorer(rawValue: name) else {
                throw ScoringError.unknownScorer(name, known: allCases.map(\.rawValue))
            }
            result.insert(scorer)
        }
        return result
    }
}

/// One computed score.
public struct ScoreResult: Equatable, Sendable {
    public var scorer: BuiltinScorer
    public var value: Double
    /// JSON text with what the value is based on, or nil.
    public var detail: String?

    public init(scorer: BuiltinScorer, value: Double, detail: String? = nil) {
        self.scorer = scorer
        self.value = value
        self.detail = detail
    }

    public var name: String { scorer.rawValue }
}

/// What the text scorers read of one item: its current conversation (the newest edit, or
/// the turns as imported), caption, image path and format flags.
public struct ScoreInput: Equatable, Sendable {
    public var id: Int64
    public var turns: [Turn]
    public var caption: String?
    public var image: String?
    public var formatFlags: FormatFlags

    public init(id: Int64 = 0, turns: [Turn], caption: String? = nil, image: String? = nil, formatFlags: FormatFlags = []) {
        self.id = id
        self.turns = turns
        self.caption = caption
        self.image = image
        self.formatFlags = formatFlags
    }

    /// A one-question, one-answer item.
    public init(instruction: String, answer: String, caption: String? = nil, image: String? = nil) {
        self.init(turns: [Turn(role: "human", text: instruction), Turn(role: "gpt", text: answer)],
                  caption: caption, image: image)
    }
}

/// Errors of scoring, external score import and profiles.
public enum ScoringError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownScorer(String, known: [String])
    case profile(path: String, line: Int, message: String)
    case cannotRead(path: String, reason: String)
    case badScoreFile(path: String, line: Int, message: String)
    case badScoreName(String)
    case missingScoreName
    case reservedScoreName(String)
    case unresolvedIds(unknown: Int, ambiguous: Int, examples: [String])

    public var description: String {
        switch self {
        case let .unknownScorer(name, known):
            return "There is no scorer named '\(name)'. The scorers are: \(known.joined(separator: ", "))."
        case let .profile(path, line, message):
            return "\(path):\(line): \(message)"
        case let .cannotRead(path, reason):
            return "Cannot read \(path): \(reason)."
        case let .badScoreFile(path, line, message):
            return "\(path):\(line): \(message)"
        case let .badScoreName(name):
            return "'\(name)' cannot be a score name: use letters, digits, '_', '-' and '.' (e.g. clip_sim)."
        case .missingScoreName:
            return "Name the score with --name NAME (CSV and JSONL files carry values of one score)."
        case let .reservedScoreName(name):
            return "'\(name)' is a built-in score; choose another name for imported values (e.g. ext.\(name))."
        case let .unresolvedIds(unknown, ambiguous, examples):
            return "\(unknown) record(s) name no item and \(ambiguous) name several (e.g. \(examples.prefix(5).joined(separator: ", "))); nothing was imported. Drop --strict to import the others."
        }
    }
}

import Foundation
