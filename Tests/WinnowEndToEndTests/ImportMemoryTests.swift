import Foundation
import WinnowCore
import WinnowTestSupport
import XCTest

/// The streaming importer's memory does not grow with the file.
final class ImportMemoryTests: XCTestCase {
    /// Peak RSS allowed for importing a 200 MB file (the 1 GB benchmark stays under 300 MB).
    let boundKilobytes = 300 * 1024

    func testImportingA200MBFileStaysUnderAFixedMemoryBound() throws {
        guard FileManager.default.isExecutableFile(atPath: TestPaths.binary.path) else {
            throw XCTSkip("the winnow binary is not built at \(TestPaths.binary.path) (make test builds it)")
        }
        let scratch = Scratch()
        let file = scratch.path("mix.json")
        // About 1.5 KB a record: 135,000 records make a file of about 200 MB.
        let summary = try BenchDataGenerator(seed: 3).writeLLaVAMix(to: file, count: 135_000)
        XCTAssertGreaterThan(summary.bytes, 190_000_000)
        let result = try runProcess(TestPaths.binary, ["import", file, "--db", scratch.path("memory.sqlite")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("135,000 records: 135,000 added"), result.stdout)
        XCTAssertGreaterThan(result.maxRSSKilobytes, 0)
        XCTAssertLessThan(result.maxRSSKilobytes, boundKilobytes,
                          "importing \(summary.bytes / 1_000_000) MB peaked at \(result.maxRSSKilobytes / 1024) MB")
        print("import of \(summary.bytes / 1_000_000) MB: peak RSS \(result.maxRSSKilobytes / 1024) MB")
    }
}
