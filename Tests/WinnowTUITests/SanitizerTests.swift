import XCTest
@testable import WinnowTUI

final class SanitizerTests: XCTestCase {
    /// True when the text has nothing a terminal would interpret: no C0 but \n and \t, no DEL, no C1.
    private func isInert(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            let v = scalar.value
            if v < 0x20 { return v == 0x0A || v == 0x09 }
            return !(0x7F...0x9F).contains(v)
        }
    }

    func testTextWithoutControlsIsUnchanged() {
        for text in ["", "plain text", "漢字 😀 e\u{301} 🇯🇵", "tabs\tand\nnewlines", "العربية"] {
            XCTAssertEqual(Sanitizer.visible(text), text)
        }
    }

    func testOSCWithBELIsRemovedAndMarked() {
        let out = Sanitizer.visible("a\u{1B}]0;pwned\u{07}b")
        XCTAssertEqual(out, "a␛b")
        XCTAssertTrue(isInert(out))
        XCTAssertFalse(out.contains("pwned"))
    }

    func testOSCWithSTIsRemoved() {
        XCTAssertEqual(Sanitizer.visible("a\u{1B}]8;;http://x\u{1B}\\link\u{1B}]8;;\u{1B}\\b"), "a␛link␛b")
    }

    func testCSIIsRemovedAndMarked() {
        XCTAssertEqual(Sanitizer.visible("\u{1B}[2J"), "␛")
        XCTAssertEqual(Sanitizer.visible("\u{1B}[31mred\u{1B}[0m"), "␛red␛")
        XCTAssertEqual(Sanitizer.visible("x\u{1B}[?1049hy"), "x␛y")
        XCTAssertEqual(Sanitizer.visible("\u{1B}[38;2;255;0;0mX"), "␛X")
    }

    func testEightBitCSIAndOSCAreRemoved() {
        let csi = Sanitizer.visible("\u{9B}31m")
        XCTAssertEqual(csi, "␛")
        XCTAssertTrue(isInert(csi))
        let osc = Sanitizer.visible("a\u{9D}0;title\u{9C}b")
        XCTAssertEqual(osc, "a␛b")
        XCTAssertTrue(isInert(osc))
    }

    func testDCSAndOtherStringSequencesAreRemoved() {
        let dcs = Sanitizer.visible("a\u{1B}P1$r0m\u{1B}\\b")
        XCTAssertEqual(dcs, "a␛b")
        XCTAssertEqual(Sanitizer.visible("a\u{90}qdata\u{9C}b"), "a␛b")
        XCTAssertEqual(Sanitizer.visible("a\u{1B}_apc\u{1B}\\b"), "a␛b")
        XCTAssertEqual(Sanitizer.visible("a\u{1B}^pm\u{07}b"), "a␛b")
        XCTAssertEqual(Sanitizer.visible("a\u{1B}Xsos\u{1B}\\b"), "a␛b")
    }

    func testUnterminatedStringSequenceDoesNotHideText() {
        let out = Sanitizer.visible("a\u{1B}]0;title\nthe rest")
        XCTAssertEqual(out, "a␛0;title\nthe rest")
        XCTAssertTrue(isInert(out))
        XCTAssertEqual(Sanitizer.visible("\u{1B}]2;no end"), "␛2;no end")
    }

    func testShortEscapeSequences() {
        XCTAssertEqual(Sanitizer.visible("a\u{1B}7b\u{1B}8c"), "a␛b␛c", "save/restore cursor")
        XCTAssertEqual(Sanitizer.visible("\u{1B}(Bx"), "␛x", "charset with an intermediate")
        XCTAssertEqual(Sanitizer.visible("\u{1B}#8"), "␛", "screen alignment test")
        XCTAssertEqual(Sanitizer.visible("end\u{1B}"), "end␛", "a lone ESC")
        XCTAssertEqual(Sanitizer.visible("\u{1B}\u{1B}[1m"), "␛␛")
    }

    func testC0ControlsBecomeControlPictures() {
        XCTAssertEqual(Sanitizer.visible("a\u{0}b\u{7}c\u{8}d"), "a␀b␇c␈d")
        XCTAssertEqual(Sanitizer.visible("bell\u{07}"), "bell␇")
        XCTAssertEqual(Sanitizer.visible("x\u{7F}"), "x␡")
        XCTAssertEqual(Sanitizer.visible("over\rwrite"), "over␍write")
        XCTAssertEqual(Sanitizer.visible("dos\r\nline"), "dos\nline")
        XCTAssertEqual(Sanitizer.visible("keep\ttab\nand newline"), "keep\ttab\nand newline")
    }

    func testOtherC1ControlsAreMarked() {
        XCTAssertEqual(Sanitizer.visible("a\u{85}b\u{8D}c"), "a␛b␛c")
    }

    func testBidiControlsAreMarked() {
        XCTAssertEqual(Sanitizer.visible("abc\u{202E}def\u{202C}"), "abc⇄def⇄")
        XCTAssertEqual(Sanitizer.visible("\u{2066}x\u{2069}"), "⇄x⇄")
        XCTAssertEqual(Sanitizer.visible("a\u{2028}b"), "a\nb")
    }

    func testMarkersAreRecognised() {
        XCTAssertTrue(Sanitizer.isMarker("␛"))
        XCTAssertTrue(Sanitizer.isMarker("␀"))
        XCTAssertTrue(Sanitizer.isMarker("⇄"))
        XCTAssertFalse(Sanitizer.isMarker("a"))
    }

    func testRandomInputIsAlwaysInertAndSanitizingIsIdempotent() {
        var generator = TUITestRandom(seed: 42)
        let pieces: [String] = ["\u{1B}", "[", "]", "P", "\\", "\u{07}", "\u{9B}", "\u{9C}", "\u{9D}", "\u{90}", "\u{85}",
                                "\r", "\n", "\t", "\u{0}", "\u{7F}", "a", "1", ";", "m", "漢", "😀", "\u{301}", "\u{202E}", " "]
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...20, using: &generator) {
                text += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
            }
            let out = Sanitizer.visible(text)
            XCTAssertTrue(isInert(out), "not inert: \(Array(out.unicodeScalars))")
            XCTAssertFalse(out.unicodeScalars.contains { (0x202A...0x202E).contains($0.value) })
            XCTAssertEqual(Sanitizer.visible(out), out)
        }
    }
}

/// A small deterministic random generator (SplitMix64) for property-style tests.
struct TUITestRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
