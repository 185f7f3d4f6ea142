import Foundation
import WinnowTestSupport
import XCTest
@testable import WinnowCore

final class ScoringBenchTests: XCTestCase {
    func testSmallBenchScoresEveryGeneratedItem() throws {
        // Given a small generated store
        let scratch = Scratch()

        // When the benchmark runs
        let result = try ScoringBench.run(directory: scratch.url.path, llava: 300, mmInstruct: 200, threads: 2)

        // Then every item was scored with every text and corpus scorer
        XCTAssertEqual(result.items, 500)
        // (four scores are never 0: words of both sides, turns, tokens; most zeros are not rows)
        XCTAssertGreaterThan(result.rows, 500 * 4)
        XCTAssertGreaterThan(result.itemsPerSecond, 0)
    }

    /// The real measurement: `WINNOW_SCORE_BENCH_DIR=/tmp/x swift test -c release --filter ScoringBenchTests`.
    func testFullBenchWhenAsked() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let directory = environment["WINNOW_SCORE_BENCH_DIR"] else { throw XCTSkip("set WINNOW_SCORE_BENCH_DIR to run") }
        let llava = Int(environment["WINNOW_SCORE_BENCH_LLAVA"] ?? "") ?? 665_298
        let mm = Int(environment["WINNOW_SCORE_BENCH_MM"] ?? "") ?? 234_000
        let runs = Int(environment["WINNOW_SCORE_BENCH_RUNS"] ?? "") ?? 2
        let result = try ScoringBench.run(directory: directory, llava: llava, mmInstruct: mm, threads: 2, runs: runs) {
            print("bench: \($0)")
        }
        print(result.summary)
        print(result.json.jsonText)
    }
}
