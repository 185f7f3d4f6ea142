import Foundation
import GRDB

/// How far reviewers agree on the items they both decided, read from the decision log.
///
/// A reviewer's label for an item is their newest verdict on it that was not undone, when
/// that verdict is `accepted` or `rejected`; skipping (or resetting to pending) is not an
/// opinion, so a reviewer whose newest verdict is a skip has no label. This is the rule
/// `disagree:any` uses, so ``disagreements`` lists exactly the items that filter finds.
///
/// ```swift
/// let report = try store.read { db in try ReviewerAgreement.compute(db) }
/// for pair in report.pairs { print(pair.a, pair.b, pair.result.kappa ?? .nan) }
/// ```
public struct ReviewerAgreement: Equatable, Sendable {
    /// The labels counted, in table order.
    public static let labels = [ItemStatus.accepted.rawValue, ItemStatus.rejected.rawValue]

    /// Cohen's kappa for two reviewers over the items both labelled (`a` < `b`).
    public struct Pair: Equatable, Sendable {
        public var a: String
        public var b: String
        public var result: KappaResult
    }

    /// An item on which two reviewers' labels differ.
    public struct Disagreement: Equatable, Sendable {
        public var item: Int64
        /// The original id as plain text, or `#item`.
        public var displayId: String
        /// Each reviewer's label, by reviewer name.
        public var labels: [(reviewer: String, verdict: String)]

        public static func == (l: Disagreement, r: Disagreement) -> Bool {
            l.item == r.item && l.displayId == r.displayId
                && l.labels.map(\.reviewer) == r.labels.map(\.reviewer) && l.labels.map(\.verdict) == r.labels.map(\.verdict)
        }
    }

    /// Every reviewer with at least one label, with how many items they labelled.
    public var reviewers: [(name: String, items: Int)]
    /// Items labelled by two reviewers or more.
    public var sharedItems: Int
    /// One entry per pair of reviewers who share at least one item, by names.
    public var pairs: [Pair]
    /// Krippendorff's alpha (nominal) over every shared item and all its labels; nil when undefined.
    public var alpha: Double?
    /// Items where labels differ, by item id.
    public var disagreements: [Disagreement]

    public static func == (l: ReviewerAgreement, r: ReviewerAgreement) -> Bool {
        l.reviewers.map(\.name) == r.reviewers.map(\.name) && l.reviewers.map(\.items) == r.reviewers.map(\.items)
            && l.sharedItems == r.sharedItems && l.pairs == r.pairs && l.alpha == r.alpha && l.disagreements == r.disagreements
    }

    /// Each reviewer's label on each item, by item id then reviewer name.
    ///
    /// - Parameters:
    ///   - filter: only items matching it (removed items are left out unless it says).
    ///   - ignoring: reviewers whose labels do not count (an adjudicator).
    public static func labels(_ db: Database, filter: Filter? = nil, ignoring: Set<String> = []) throws -> [Int64: [String: String]] {
        let restriction = filter?.sql() ?? SQLFragment("items.removed_at IS NULL")
        let rows = try Row.fetchCursor(db, sql: """
            SELECT e.item_id, e.reviewer, e.verdict FROM events e
            WHERE e.kind = 'verdict' AND \(Decisions.activeCondition("e"))
              AND NOT EXISTS (SELECT 1 FROM events l WHERE l.item_id = e.item_id AND l.reviewer = e.reviewer
                              AND l.kind = 'verdict' AND l.id > e.id AND \(Decisions.activeCondition("l")))
              AND e.item_id IN (SELECT items.id FROM items WHERE \(restriction.sql))
            """, arguments: restriction.statementArguments)
        var labels: [Int64: [String: String]] = [:]
        while let row = try rows.next() {
            let verdict: String? = row[2]
            let reviewer: String = row[1]
            guard let verdict, Self.labels.contains(verdict), !ignoring.contains(reviewer) else { continue }
            labels[row[0], default: [:]][reviewer] = verdict
        }
        return labels
    }

    /// Reads the labels and computes the statistics.
    ///
    /// - Parameters:
    ///   - filter: only items matching it.
    ///   - ignoring: reviewers whose labels do not count (an adjudicator).
    public static func compute(_ db: Database, filter: Filter? = nil, ignoring: Set<String> = []) throws -> ReviewerAgreement {
        let labels = try self.labels(db, filter: filter, ignoring: ignoring)
        var perReviewer: [String: Int] = [:]
        for byReviewer in labels.values {
            for name in byReviewer.keys { perReviewer[name, default: 0] += 1 }
        }
        let shared = labels.filter { $0.value.count >= 2 }
        var pairLabels: [String: [(String, String)]] = [:]
        var units: [[String]] = []
        var disagreements: [Disagreement] = []
        for item in shared.keys.sorted() {
            let byReviewer = shared[item] ?? [:]
            let names = byReviewer.keys.sorted()
            units.append(names.compactMap { byReviewer[$0] })
            for (index, a) in names.enumerated() {
                for b in names[(index + 1)...] {
                    if let la = byReviewer[a], let lb = byReviewer[b] {
                        pairLabels["\(a)\u{0}\(b)", default: []].append((la, lb))
                    }
                }
            }
            if Set(byReviewer.values).count > 1 {
                disagreements.append(Disagreement(item: item, displayId: "", labels: names.map { ($0, byReviewer[$0] ?? "") }))
            }
        }
        if !disagreements.isEmpty {
            let ids = try Row.fetchAll(db, sql: """
                SELECT id, orig_id FROM items WHERE id IN (SELECT value FROM json_each(?))
                """, arguments: ["[" + disagreements.map { String($0.item) }.joined(separator: ",") + "]"])
            var display: [Int64: String] = [:]
            for row in ids { display[row[0]] = displayId(item: row[0], origId: row[1]) }
            for index in disagreements.indices {
                disagreements[index].displayId = display[disagreements[index].item] ?? "#\(disagreements[index].item)"
            }
        }
        let pairs = pairLabels.keys.sorted().map { key -> Pair in
            let names = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
            return Pair(a: names[0], b: names[1], result: Agreement.cohenKappa(pairLabels[key] ?? [], labels: Self.labels))
        }
        return ReviewerAgreement(
            reviewers: perReviewer.keys.sorted().map { ($0, perReviewer[$0] ?? 0) },
            sharedItems: shared.count, pairs: pairs,
            alpha: Agreement.krippendorffAlphaNominal(units), disagreements: disagreements)
    }

    /// The original id as plain text (strings without quotes), or `#item`.
    static func displayId(item: Int64, origId: String?) -> String {
        guard let origId else { return "#\(item)" }
        return (try? parseJSON(origId).plainText) ?? origId
    }
}
