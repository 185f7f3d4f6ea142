import Foundation
import WinnowCore

/// The panes of the pairwise view, in focus order.
public enum ComparePane: Int, CaseIterable, Sendable {
    /// The instruction and (on demand) the caption.
    case question
    /// The left (first) answer.
    case left
    /// The right (second) answer.
    case right
}

/// One preview to render: a question's image fitted into the image pane.
public struct ComparePreviewRequest: Hashable, Sendable {
    public var question: QuestionKey
    public var image: String?
    public var imageRoot: String?
    public var columns: Int
    public var rows: Int
    public var colors: PreviewColors

    public init(question: QuestionKey, image: String?, imageRoot: String?, columns: Int, rows: Int, colors: PreviewColors) {
        self.question = question
        self.image = image
        self.imageRoot = imageRoot
        self.columns = columns
        self.rows = rows
        self.colors = colors
    }
}

/// A rendered preview, or why there is none, for the request it answers.
public struct ComparePreview: Equatable, Sendable {
    public var request: ComparePreviewRequest
    public let image: PreviewImage?
    /// `image`'s cells as the screen draws them, made once rather than at every frame.
    public let screenCells: NarrowCells
    /// A line under the picture: the file's name, size and format, or the problem.
    public var caption: String
    public var problem: Bool

    /// - Parameter screenCells: `image`'s screen cells when they are at hand already (a
    ///   ``PreviewState``'s); made from `image` otherwise.
    public init(request: ComparePreviewRequest, image: PreviewImage?, caption: String, problem: Bool,
                screenCells: NarrowCells? = nil) {
        self.request = request
        self.image = image
        self.caption = caption
        self.problem = problem
        self.screenCells = screenCells ?? image?.screenCells ?? NarrowCells([])
    }

    /// A picture, captioned with its file's name, size and format.
    public static func shown(_ request: ComparePreviewRequest, image: PreviewImage, info: ImageInfo,
                             screenCells: NarrowCells? = nil) -> ComparePreview {
        let name = request.image.map { ($0 as NSString).lastPathComponent } ?? ""
        return ComparePreview(request: request, image: image, caption: "\(name) · \(info.width)×\(info.height) \(info.format.rawValue)",
                              problem: false, screenCells: screenCells)
    }

    /// The question has no image.
    public static func noImage(_ request: ComparePreviewRequest) -> ComparePreview {
        ComparePreview(request: request, image: nil, caption: "This question has no image.", problem: true)
    }

    /// The image could not be shown, and why.
    public static func problem(_ request: ComparePreviewRequest, _ description: String) -> ComparePreview {
        ComparePreview(request: request, image: nil, caption: "Image \(description)", problem: true)
    }
}

/// Everything the pairwise view shows, and nothing else. Changed only by ``compareUpdate(_:_:keymap:)``.
public struct CompareState: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var reviewer: String
    /// The two models' answers, joined by question.
    public var pairs: PairSet
    /// The plan (seed) behind the blind order.
    public var plan: ComparePlan
    public var bothOrders: Bool
    /// What the reviewer sees, in order.
    public var showings: [Showing]
    /// Index into `showings`.
    public var position = 0
    /// The reviewer's active verdict on each judged showing.
    public var verdicts: [ShowingKey: PairVerdict] = [:]
    /// How many notes the reviewer wrote on each showing.
    public var notes: [ShowingKey: Int] = [:]
    /// Questions whose model names the reviewer has asked to see.
    public var revealed: Set<QuestionKey> = []
    public var focus: ComparePane = .left
    /// Scroll offsets of the panes (lines), reset when the pair changes.
    public var scroll: [Int] = [0, 0, 0]
    public var showCaption = false
    public var previewColors: PreviewColors
    public var preview: ComparePreview?
    public var prompt: Prompt?
    /// The help overlay's scroll offset, when it is open.
    public var help: Int?
    public var message: StatusMessage?
    public var quitting = false

    public init(width: Int, height: Int, reviewer: String, pairs: PairSet, plan: ComparePlan, bothOrders: Bool,
                verdicts: [ShowingKey: PairVerdict] = [:], notes: [ShowingKey: Int] = [:],
                previewColors: PreviewColors = .indexed256) {
        self.width = width
        self.height = height
        self.reviewer = reviewer
        self.pairs = pairs
        self.plan = plan
        self.bothOrders = bothOrders
        self.showings = BlindOrder.showings(pairs, seed: plan.seed, bothOrders: bothOrders)
        self.verdicts = verdicts
        self.notes = notes
        self.previewColors = previewColors
        position = nextOpen(after: -1) ?? 0
        let missing = pairs.missingSummary
        if !missing.isEmpty { message = StatusMessage(missing.joined(separator: " ")) }
    }

    /// The showing on screen.
    public var current: Showing? { showings.indices.contains(position) ? showings[position] : nil }

    /// The pair on screen.
    public var currentPair: ComparePair? { current.map { pairs.pairs[$0.pair] } }

    /// What a verdict on the current showing records.
    public var currentJudged: JudgedShowing? { current.map { JudgedShowing($0, in: pairs, plan: plan.id) } }

    /// The key of a showing's verdict.
    public func key(_ showing: Showing) -> ShowingKey {
        ShowingKey(question: pairs.pairs[showing.pair].key, leftModel: showing.leftIsA ? pairs.modelA : pairs.modelB)
    }

    /// The reviewer's verdict on a showing.
    public func verdict(_ showing: Showing) -> PairVerdict? { verdicts[key(showing)] }

    /// Showings with a verdict that counts (not skipped).
    public var judgedCount: Int { showings.filter { verdict($0).map { $0 != .skip } ?? false }.count }

    /// Showings skipped and not judged since.
    public var skippedCount: Int { showings.filter { verdict($0) == .skip }.count }

    /// The next showing to judge after `index`: one never judged (after it, then from the start),
    /// else one skipped (likewise); nil when every showing is judged.
    public func nextOpen(after index: Int) -> Int? {
        let order = Array(showings.indices.filter { $0 > index }) + Array(showings.indices.filter { $0 <= index })
        if let open = order.first(where: { $0 != index && verdict(showings[$0]) == nil }) { return open }
        return order.first { $0 != index && verdict(showings[$0]) == .skip }
    }

    /// True when the reviewer may see the model names of the current question: every showing of
    /// it in this comparison has a verdict (so a second order cannot be judged knowing them).
    public var canReveal: Bool {
        guard let current else { return false }
        return showings.filter { $0.pair == current.pair }.allSatisfy { verdict($0).map { $0 != .skip } ?? false }
    }

    /// True when the current question's model names are shown.
    public var namesShown: Bool {
        guard let pair = currentPair else { return false }
        return revealed.contains(pair.key)
    }
}
