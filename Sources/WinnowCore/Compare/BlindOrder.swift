/// One time a pair is put in front of a reviewer, with one model's answer on the left.
public struct Showing: Equatable, Sendable {
    /// Index into ``PairSet/pairs``.
    public var pair: Int
    /// True when model A's answer is on the left.
    public var leftIsA: Bool
    /// 0 for the first order, 1 for the swapped one (`--both-orders`).
    public var order: Int

    public init(pair: Int, leftIsA: Bool, order: Int) {
        self.pair = pair
        self.leftIsA = leftIsA
        self.order = order
    }
}

/// Blind presentation from a seed: which model is on the left for each question, and the order
/// the pairs come in. The same seed always gives the same screens, whichever model is `--a`.
///
/// - Left side: a question's first showing puts the model whose name sorts first on the left
///   when bit 63 of `SplitMix64(seed ^ FNV-1a(key)).next()` is 0, else the other one. The bit
///   depends only on the seed and the question, so adding questions changes no other question's side.
/// - Sequence: the pairs (in question-file order) shuffled by ``SeededShuffle`` with the seed.
///   With both orders, a second pass follows with every pair swapped, in the first pass's order
///   rotated by ⌊N/2⌋: each pair's two showings are at least ⌈N/2⌉ positions apart.
public enum BlindOrder {
    /// The model on the left in a question's first showing.
    public static func firstLeftModel(_ key: QuestionKey, modelA: String, modelB: String, seed: UInt64) -> String {
        let (first, second) = modelA < modelB ? (modelA, modelB) : (modelB, modelA)
        var mixer = SplitMix64(seed: seed ^ fnv1a(key.text))
        return mixer.next() >> 63 == 0 ? first : second
    }

    /// The showings of a comparison, in the order the reviewer sees them.
    public static func showings(_ set: PairSet, seed: UInt64, bothOrders: Bool) -> [Showing] {
        var indices = Array(set.pairs.indices)
        SeededShuffle.shuffle(&indices, seed: seed)
        let first = indices.map { index in
            Showing(pair: index, leftIsA: firstLeftModel(set.pairs[index].key, modelA: set.modelA, modelB: set.modelB,
                                                         seed: seed) == set.modelA, order: 0)
        }
        guard bothOrders, !first.isEmpty else { return first }
        let shift = first.count / 2
        let second = (0..<first.count).map { offset in
            let showing = first[(offset + shift) % first.count]
            return Showing(pair: showing.pair, leftIsA: !showing.leftIsA, order: 1)
        }
        return first + second
    }
}
