import Foundation

/// The layouts `winnow export` writes.
public enum ExportFormat: String, CaseIterable, Sendable {
    /// One JSON array, one compact record per line (what LLaVA's loader `json.load`s).
    case json
    /// JSON Lines: one compact record per line.
    case jsonl

    /// `jsonl` for a `.jsonl` path, else `json`.
    public static func forPath(_ path: String) -> ExportFormat {
        path.lowercased().hasSuffix(".jsonl") ? .jsonl : .json
    }
}

/// One `--image-map OLD=NEW`: image paths starting with `old` get `new` instead.
public struct ImagePathMap: Equatable, Sendable {
    public var old: String
    public var new: String

    public init(old: String, new: String) {
        self.old = old
        self.new = new
    }

    /// Parses `OLD=NEW` (split at the first `=`; `OLD` must not be empty, `NEW` may be).
    public init(parsing text: String) throws(ExportError) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ExportError.badOption("--image-map '\(text)' is not of the form OLD=NEW (e.g. --image-map sa_=mmi/sa_)")
        }
        old = String(text[..<equals])
        new = String(text[text.index(after: equals)...])
    }
}

/// What to export and how. The defaults are `winnow export --out FILE`: accepted items, edits
/// applied, tokens normalised, invalid records left out and reported.
public struct ExportOptions: Sendable {
    /// The training file to write.
    public var outputPath: String
    public var format: ExportFormat
    /// The item filter (the query language of `winnow list`); empty means `status:accepted`.
    public var filter: String = ""
    /// Other LLaVA conversation files (JSON array or JSON Lines) to stream into the output
    /// after the store's items, in order.
    public var combine: [String] = []
    /// The training image folder: when set, every image must exist under it, have a readable
    /// header and a real format that matches its extension.
    public var imageRoot: String?
    /// Also decode every image fully (slow on hundreds of thousands of images).
    public var checkDecode = false
    /// Prepended to the image paths of store items that no ``imageMaps`` entry matched.
    public var imagePrefix: String?
    /// Prefix replacements for every record's image path; the first match applies.
    public var imageMaps: [ImagePathMap] = []
    /// Make original ids unique (the n-th use of id `x`, n ≥ 2, becomes `"x#n"`).
    public var uniqueIds = false
    /// Add `winnow_item`, `source` and `record_index` keys.
    public var provenance = false
    /// Any invalid record fails the export, and nothing is written.
    public var strict = false
    /// Keep records that duplicate a record of an earlier part (store or combined file).
    public var keepDuplicates = false
    /// Write the records in a seeded random order.
    public var shuffle = false
    /// The seed of the shuffle and of the benchmark draw.
    public var seed: UInt64 = 0
    /// Hold out this many accepted image items as evaluation questions.
    public var benchmarkCount = 0
    /// Where the held-out questions go (MM-Instruct question JSONL).
    public var benchmarkPath: String?
    /// Leave `<image>` tokens as they are: image records must then already hold exactly one
    /// token, in the first human turn, or they are invalid.
    public var fixImageTokens = true
    /// Warn about records whose estimated length passes this many tokens.
    public var warnTokens = 2048
    /// Records per batch (image checks of a batch run in parallel).
    public var batchSize = 512

    public init(outputPath: String, format: ExportFormat? = nil) {
        self.outputPath = outputPath
        self.format = format ?? ExportFormat.forPath(outputPath)
    }

    /// The filter actually applied.
    public var effectiveFilter: String {
        filter.trimmingCharacters(in: .whitespaces).isEmpty ? ExportOptions.defaultFilter : filter
    }

    public static let defaultFilter = "status:accepted"
}

/// Progress of a running export, for a terminal display.
public struct ExportProgress: Sendable {
    /// `store`, the name of the combined file being read, `benchmark` or `shuffle`.
    public var phase: String
    /// Records handled in this phase.
    public var records: Int
    /// Records in this phase when known (store items), else nil.
    public var totalRecords: Int?
    /// Bytes read of the combined file being read, and its size (0 for the store).
    public var bytesRead: Int
    public var totalBytes: Int
    public var elapsed: Double
}

/// Why an export failed. Every case says what to do; in every case nothing was written at
/// the output paths.
public enum ExportError: Error, CustomStringConvertible, Equatable {
    case badOption(String)
    case cannotWrite(path: String, reason: String)
    case cannotRead(path: String, reason: String)
    case syntax(JSONSyntaxError)
    case notConversations(path: String, keys: [String])
    case filter(String)
    case strict(invalid: Int, summary: String)
    case benchmarkTooSmall(requested: Int, available: Int)
    case interrupted

    public var description: String {
        switch self {
        case let .badOption(message):
            return message
        case let .cannotWrite(path, reason):
            return "Cannot write \(path): \(reason). Check that the folder exists, is writable and has free space."
        case let .cannotRead(path, reason):
            return "Cannot read \(path): \(reason)."
        case let .syntax(error):
            return "\(error). The combined file is not valid JSON there; fix it (nothing was written)."
        case let .notConversations(path, keys):
            return "\(path): the first record has no 'conversations' (keys: \(keys.joined(separator: ", "))). --combine takes LLaVA conversation files; import other layouts with `winnow import` and export them from the store."
        case let .filter(message):
            return "--filter: \(message)"
        case let .strict(invalid, summary):
            return "\(grouped(invalid)) invalid record\(invalid == 1 ? "" : "s") and --strict: nothing was written.\n\(summary)"
        case let .benchmarkTooSmall(requested, available):
            return "--benchmark \(requested): only \(available) accepted item\(available == 1 ? "" : "s") with an image can be held out. Ask for fewer."
        case .interrupted:
            return "The export was interrupted; nothing was written."
        }
    }
}
