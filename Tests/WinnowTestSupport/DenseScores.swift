import WinnowCore

/// Every value of every score with the implicit zeros written out as rows: the reference that
/// tests check the store's score queries against (a plain `UNION ALL`, not the readers' code).
public enum DenseScores {
    /// A query of `(item_id, name, value, detail)`; use it as `FROM (\(DenseScores.sql)) s`.
    public static var sql: String {
        let zeros = ImplicitZeros.scorers.map { scorer in
            """
            SELECT si.item_id, '\(scorer.rawValue)', 0.0, NULL FROM scored_items si WHERE si.scorers & \(scorer.implicitZeroBit) != 0 \
            AND NOT EXISTS (SELECT 1 FROM scores z WHERE z.item_id = si.item_id AND z.name = '\(scorer.rawValue)')
            """
        }
        return (["SELECT item_id, name, value, detail FROM scores"] + zeros).joined(separator: " UNION ALL ")
    }
}
