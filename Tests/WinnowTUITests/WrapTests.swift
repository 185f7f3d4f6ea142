import XCTest
@testable import WinnowTUI

final class WrapTests: XCTestCase {
    func testBreaksAtWordBoundaries() {
        XCTAssertEqual(Wrap.lines("the quick brown fox jumps", width: 10), ["the quick", "brown fox", "jumps"])
        XCTAssertEqual(Wrap.lines("exactly ten", width: 11), ["exactly ten"])
        XCTAssertEqual(Wrap.lines("a b c", width: 1), ["a", "b", "c"])
    }

    func testKeepsParagraphBreaksAndEmptyLines() {
        XCTAssertEqual(Wrap.lines("one\n\ntwo three", width: 5), ["one", "", "two", "three"])
        XCTAssertEqual(Wrap.lines("", width: 5), [""])
        XCTAssertEqual(Wrap.lines("end\n", width: 5), ["end", ""])
        XCTAssertEqual(Wrap.lines("dos\r\nline", width: 10), ["dos", "line"])
    }

    func testBreaksWordsLongerThanTheWidth() {
        XCTAssertEqual(Wrap.lines("abcdefghij", width: 4), ["abcd", "efgh", "ij"])
        XCTAssertEqual(Wrap.lines("go https://example.com/x", width: 8), ["go", "https://", "example.", "com/x"])
    }

    func testKeepsIndentationAndInnerSpacesButDropsSpacesAtBreaks() {
        XCTAssertEqual(Wrap.lines("    indented code", width: 20), ["    indented code"])
        XCTAssertEqual(Wrap.lines("a  b", width: 10), ["a  b"])
        XCTAssertEqual(Wrap.lines("aaaa     bbbb", width: 6), ["aaaa", "bbbb"])
        XCTAssertEqual(Wrap.lines("trailing   ", width: 20), ["trailing"])
    }

    func testTabsBecomeFourSpaces() {
        XCTAssertEqual(Wrap.lines("\tx", width: 10), ["    x"])
    }

    func testWrapsCJKWithoutSpaces() {
        XCTAssertEqual(Wrap.lines("漢字漢字漢字", width: 5), ["漢字", "漢字", "漢字"])
        XCTAssertEqual(Wrap.lines("hello 漢字漢字漢字", width: 10), ["hello 漢字", "漢字漢字"])
        XCTAssertEqual(Wrap.lines("漢字", width: 1), [""], "a character wider than the line is dropped")
    }

    func testSanitizes() {
        XCTAssertEqual(Wrap.lines("a\u{1B}[31mb", width: 10), ["a␛b"])
    }

    func testNonPositiveWidthGivesNoLines() {
        XCTAssertEqual(Wrap.lines("text", width: 0), [])
        XCTAssertEqual(Wrap.lines("text", width: -1), [])
    }

    func testNoLineIsEverWiderThanTheWidth() {
        var generator = TUITestRandom(seed: 7)
        let pieces = ["a", "bc", "word", "longerword", " ", "  ", "\n", "\t", "漢", "字", "😀", "👨\u{200D}👩\u{200D}👧",
                      "🇯🇵", "e\u{301}", "☺\u{FE0F}", "\u{200B}", "\u{1B}[1m", "ｱ", "-", "\r\n"]
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                text += pieces[Int.random(in: 0..<pieces.count, using: &generator)]
            }
            let width = Int.random(in: 1...12, using: &generator)
            let lines = Wrap.lines(text, width: width)
            XCTAssertFalse(lines.isEmpty)
            for line in lines {
                XCTAssertLessThanOrEqual(TextWidth.of(line), width, "\(text.debugDescription) at \(width): \(lines)")
                XCTAssertFalse(line.contains("\n"))
            }
            // No visible character is lost when every character fits on a line.
            if width >= 2 {
                let kept = lines.joined().filter { $0 != " " && TextWidth.of($0) > 0 }
                let expected = Sanitizer.visible(text).filter { !$0.isWhitespace && TextWidth.of($0) > 0 }
                XCTAssertEqual(kept, expected, "\(text.debugDescription) at \(width)")
            }
        }
    }
}
