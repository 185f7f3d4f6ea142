import Foundation

/// The two results of the duplicate search, filled from two threads (each writes its own).
final class NearestPair: @unchecked Sendable {
    var instruction: [DuplicateFinder.Nearest] = []
    var answer: [DuplicateFinder.Nearest] = []
}

/// The corpus rows (`dup_instruction`, `dup_answer`, `image_reuse`) of a block of items, made
/// from the duplicate search's results in item order.
final class CorpusRows: @unchecked Sendable {
    struct Row {
        var item: Int64
        var scorer: UInt8
        /// False for an item this run does not score (its level is not counted).
        var counted: Bool
        var value: Double
        var detail: String?
    }

    /// A block being made on a global queue.
    final class Pending: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var made: [Row] = []

        func fill(_ made: [Row]) {
            self.made = made
            done.signal()
        }

        func wait() -> [Row] {
            done.wait()
            return made
        }
    }

    private let corpus: ScoringRun.Corpus
    private let instruction: [DuplicateFinder.Nearest]
    private let answer: [DuplicateFinder.Nearest]
    private let reuse: [UInt64: Int32]
    private let imageReuse: Bool
    private let dupInstruction = BuiltinScorer.dupInstruction.ordinal
    private let dupAnswer = BuiltinScorer.dupAnswer.ordinal
    private let imageReuseScorer = BuiltinScorer.imageReuse.ordinal

    init(corpus: ScoringRun.Corpus, instruction: [DuplicateFinder.Nearest], answer: [DuplicateFinder.Nearest],
         reuse: [UInt64: Int32], imageReuse: Bool) {
        self.corpus = corpus
        self.instruction = instruction
        self.answer = answer
        self.reuse = reuse
        self.imageReuse = imageReuse
    }

    func makeLater(_ range: Range<Int>) -> Pending {
        let pending = Pending()
        DispatchQueue.global().async { pending.fill(self.make(range)) }
        return pending
    }

    func make(_ range: Range<Int>) -> [Row] {
        var made: [Row] = []
        made.reserveCapacity(range.count * 3)
        for i in range {
            let id = corpus.ids[i]
            let counted = corpus.targets[i]
            if !instruction.isEmpty {
                let near = instruction[i]
                made.append(Row(item: id, scorer: dupInstruction, counted: counted,
                                value: near.other >= 0 ? Double(near.similarity) : 0, detail: detail(near)))
            }
            if !answer.isEmpty {
                let near = answer[i]
                made.append(Row(item: id, scorer: dupAnswer, counted: counted,
                                value: near.other >= 0 ? Double(near.similarity) : 0, detail: detail(near)))
            }
            if imageReuse, corpus.images[i] != 0 {
                made.append(Row(item: id, scorer: imageReuseScorer, counted: counted,
                                value: Double((reuse[corpus.images[i]] ?? 1) - 1), detail: nil))
            }
        }
        return made
    }

    private func detail(_ near: DuplicateFinder.Nearest) -> String? {
        guard near.other >= 0 else { return nil }
        let other = Int(near.other)
        return "{\"item\":\(corpus.ids[other]),\"orig_id\":\(corpus.origIds[other] ?? "null")}"
    }
}
