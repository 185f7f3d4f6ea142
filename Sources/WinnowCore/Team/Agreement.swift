import Foundation

/// A confusion table of two raters' labels over the same items.
///
/// Row `i`, column `j` counts the items rater A labelled `labels[i]` and rater B labelled
/// `labels[j]`; the diagonal holds the agreements.
public struct ConfusionTable: Sendable, Equatable {
    /// The labels in table order (rows and columns alike).
    public let labels: [String]
    /// `counts[row][column]`: rows are rater A's label, columns rater B's.
    public let counts: [[Int]]

    public init(labels: [String], counts: [[Int]]) {
        self.labels = labels
        self.counts = counts
    }

    /// The number of paired items in the table.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// The count for a pair of labels, 0 when either is not in the table.
    public func count(_ a: String, _ b: String) -> Int {
        guard let row = labels.firstIndex(of: a), let column = labels.firstIndex(of: b) else { return 0 }
        return counts[row][column]
    }
}

/// Cohen's kappa for two raters, with the numbers it is computed from.
public struct KappaResult: Sendable, Equatable {
    /// κ = (pₒ − pₑ) / (1 − pₑ); nil when undefined (no items, or expected agreement 1).
    public let kappa: Double?
    /// pₒ: the share of items both raters labelled alike (0 with no items).
    public let observedAgreement: Double
    /// pₑ: the agreement expected by chance from each rater's label frequencies.
    public let expectedAgreement: Double
    /// The number of paired items.
    public let count: Int
    /// The confusion table the figures come from.
    public let table: ConfusionTable

    public init(kappa: Double?, observedAgreement: Double, expectedAgreement: Double, count: Int, table: ConfusionTable) {
        self.kappa = kappa
        self.observedAgreement = observedAgreement
        self.expectedAgreement = expectedAgreement
        self.count = count
        self.table = table
    }
}

/// Inter-rater agreement statistics over nominal labels (verdicts, preferred models).
///
/// Pure functions: callers collect the labels (``ReviewerAgreement`` does it for reviewers'
/// verdicts in a store) and get the statistics back.
public enum Agreement {
    /// Cohen's kappa over paired labels (one pair per item both raters labelled).
    ///
    /// pₒ is the diagonal share of the confusion table; pₑ = Σₖ (rowₖ / n)(columnₖ / n).
    ///
    /// ```swift
    /// let result = Agreement.cohenKappa([("accepted", "accepted"), ("accepted", "rejected")])
    /// ```
    ///
    /// - Parameters:
    ///   - pairs: (rater A's label, rater B's label), one per item.
    ///   - labels: fixes the table order; labels not in it are appended sorted.
    public static func cohenKappa(_ pairs: [(String, String)], labels: [String] = []) -> KappaResult {
        var order: [String] = []
        var seen = Set<String>()
        for label in labels where seen.insert(label).inserted { order.append(label) }
        let extra = Set(pairs.flatMap { [$0.0, $0.1] }).subtracting(seen).sorted()
        order += extra
        let index = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        var counts = Array(repeating: Array(repeating: 0, count: order.count), count: order.count)
        for (a, b) in pairs {
            if let row = index[a], let column = index[b] { counts[row][column] += 1 }
        }
        let table = ConfusionTable(labels: order, counts: counts)
        let n = pairs.count
        guard n > 0 else {
            return KappaResult(kappa: nil, observedAgreement: 0, expectedAgreement: 0, count: 0, table: table)
        }
        let total = Double(n)
        var agreed = 0
        var expected = 0.0
        for k in order.indices {
            agreed += counts[k][k]
            let row = Double(counts[k].reduce(0, +))
            let column = Double(counts.reduce(0) { $0 + $1[k] })
            expected += (row / total) * (column / total)
        }
        let observed = Double(agreed) / total
        let kappa: Double? = expected >= 1 - 1e-12 ? nil : (observed - expected) / (1 - expected)
        return KappaResult(kappa: kappa, observedAgreement: observed, expectedAgreement: expected, count: n, table: table)
    }

    /// Krippendorff's alpha, nominal metric, for units each labelled by any number of raters.
    ///
    /// Units with fewer than 2 labels are not pairable and are ignored. With the coincidence
    /// matrix o (each unit with m labels adds 1/(m−1) per ordered pair of its labels),
    /// nₖ = Σ꜀ o꜀ₖ and n = Σ nₖ:  α = 1 − (n − 1) · Σ_{c≠k} o꜀ₖ / Σ_{c≠k} n꜀ nₖ.
    ///
    /// - Returns: α, or nil when undefined (no pairable unit, or every label the same so
    ///   that no disagreement is expected).
    public static func krippendorffAlphaNominal(_ units: [[String]]) -> Double? {
        var valueTotals: [String: Double] = [:]
        var disagreement = 0.0  // Σ_{c≠k} o_ck
        for unit in units where unit.count >= 2 {
            let m = Double(unit.count)
            var counts: [String: Int] = [:]
            for label in unit { counts[label, default: 0] += 1 }
            for (label, count) in counts { valueTotals[label, default: 0] += Double(count) }
            // Ordered pairs of different labels: m² − Σ count², each weighted 1/(m−1).
            let same = counts.values.reduce(0) { $0 + $1 * $1 }
            disagreement += Double(unit.count * unit.count - same) / (m - 1)
        }
        let n = valueTotals.values.reduce(0, +)
        guard n > 1 else { return nil }
        let expectedPairs = n * n - valueTotals.values.reduce(0) { $0 + $1 * $1 }  // Σ_{c≠k} n_c n_k
        guard expectedPairs > 0 else { return nil }
        return 1 - (n - 1) * disagreement / expectedPairs
    }
}
