import GRDB
import GRDBSQLite

/// The share of the score index built, estimated from the SQLite instructions run: building
/// an index of n entries runs about 11 n of them (SQLite 3.40: the table scan feeding the
/// sorter, then the sorted entries written; measured from 50,000 to 3 million scores), and
/// the time follows them to within about 20 points. The estimate stops at 99 % until the
/// build ends.
final class IndexBuildProgress {
    static let phase = "building the score index"
    static let instructionsPerScore = 11

    private let connection: OpaquePointer
    private let report: (ScoringProgress) -> Void
    private let expected: Int
    private let step: Int
    private var run = 0
    private var shown = 0

    /// Watches the connection's statements until ``finish()``.
    init(_ db: Database, scores: Int, report: @escaping (ScoringProgress) -> Void) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(message: "the database connection is closed")
        }
        self.connection = connection
        self.report = report
        expected = max(1, scores * Self.instructionsPerScore)
        // About 200 calls over the build, however big.
        step = max(1000, expected / 200)
        sqlite3_progress_handler(connection, Int32(clamping: step), { context in
            guard let context else { return 0 }
            Unmanaged<IndexBuildProgress>.fromOpaque(context).takeUnretainedValue().advance()
            return 0
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    private func advance() {
        run += step
        let percent = min(99, run * 100 / expected)
        guard percent > shown else { return }
        shown = percent
        report(ScoringProgress(phase: Self.phase, done: 0, total: 0, percent: percent))
    }

    func finish() {
        sqlite3_progress_handler(connection, 0, nil, nil)
    }
}
