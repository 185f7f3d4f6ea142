import Foundation
import WinnowTestSupport
import XCTest
@testable import WinnowCore

final class SHA256Tests: XCTestCase {
    func testKnownDigestsFromFIPS180() throws {
        // Given the standard's test messages, fed whole
        XCTAssertEqual(try digest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(try digest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(try digest("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testPiecesGiveTheSameDigestAsTheWhole() throws {
        // Given a million 'a's fed in uneven pieces, as the import's reader does
        let hash = try SHA256()
        let piece = [UInt8](repeating: UInt8(ascii: "a"), count: 999)
        var left = 1_000_000
        while left > 0 {
            let count = min(left, piece.count - left % 7)
            piece.prefix(count).withUnsafeBytes { hash.update($0) }
            left -= count
        }
        XCTAssertEqual(hash.finalize(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testFileDigestMatchesTheSystemTool() throws {
        // Given a file of 3 MB (more than one read chunk)
        let scratch = Scratch()
        let path = scratch.write("blob.bin", bytes: (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) })
        // Then our digest is sha256sum's
        let tool = try runProcess(URL(fileURLWithPath: "/usr/bin/sha256sum"), [path])
        XCTAssertEqual(try sha256(of: path), String(tool.stdout.prefix(64)))
    }

    private func digest(_ text: String) throws -> String {
        let hash = try SHA256()
        hash.update(Array(text.utf8))
        return hash.finalize()
    }
}
