/// A percentile interval of a share (0…1).
public struct ShareInterval: Equatable, Sendable {
    public var lower: Double
    public var upper: Double

    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }
}

/// Bootstrap confidence intervals for the shares of A wins, ties and B wins.
///
/// Questions are the resampling unit: each resample draws as many questions as there are,
/// with replacement, and takes every outcome of each drawn question (all reviewers' ones), so
/// several reviewers judging one question are not counted as independent evidence. The
/// interval is the percentile interval of the resampled shares, with quantiles interpolated
/// linearly between order statistics (position p·(R−1) in the sorted R values, as numpy's and
/// R's default). Draws use ``Xoshiro256StarStar`` seeded with `seed`, so a report is
/// reproducible.
public struct Bootstrap: Equatable, Sendable {
    public var resamples: Int
    public var seed: UInt64
    /// The interval's coverage, e.g. 0.95.
    public var level: Double

    public init(resamples: Int = 1000, seed: UInt64 = 1, level: Double = 0.95) {
        self.resamples = resamples
        self.seed = seed
        self.level = level
    }

    /// Outcome counts of one question.
    public struct Cluster: Equatable, Sendable {
        public var a: Int
        public var b: Int
        public var tie: Int

        public init(a: Int = 0, b: Int = 0, tie: Int = 0) {
            self.a = a
            self.b = b
            self.tie = tie
        }

        var total: Int { a + b + tie }
    }

    /// Intervals for the shares of A wins, B wins and ties; nil without data or resamples.
    public func intervals(_ clusters: [Cluster]) -> (a: ShareInterval, b: ShareInterval, tie: ShareInterval)? {
        let clusters = clusters.filter { $0.total > 0 }
        guard !clusters.isEmpty, resamples > 0 else { return nil }
        var random = Xoshiro256StarStar(seed: seed)
        var sharesA: [Double] = [], sharesB: [Double] = [], sharesTie: [Double] = []
        sharesA.reserveCapacity(resamples)
        sharesB.reserveCapacity(resamples)
        sharesTie.reserveCapacity(resamples)
        let count = UInt64(clusters.count)
        for _ in 0..<resamples {
            var sum = Cluster()
            for _ in 0..<clusters.count {
                let drawn = clusters[Int(random.below(count))]
                sum.a += drawn.a
                sum.b += drawn.b
                sum.tie += drawn.tie
            }
            let total = Double(sum.total)
            sharesA.append(Double(sum.a) / total)
            sharesB.append(Double(sum.b) / total)
            sharesTie.append(Double(sum.tie) / total)
        }
        let low = (1 - level) / 2, high = 1 - low
        func interval(_ values: [Double]) -> ShareInterval {
            let sorted = values.sorted()
            return ShareInterval(lower: Self.quantile(sorted, low), upper: Self.quantile(sorted, high))
        }
        return (interval(sharesA), interval(sharesB), interval(sharesTie))
    }

    /// The `p` quantile of sorted values, interpolated linearly at position p·(n−1).
    public static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        guard let first = sorted.first else { return .nan }
        guard sorted.count > 1 else { return first }
        let position = min(1, max(0, p)) * Double(sorted.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(sorted.count - 1, below + 1)
        let fraction = position - Double(below)
        return sorted[below] + fraction * (sorted[above] - sorted[below])
    }
}
