import XCTest
@testable import WinnowTUI

final class ScreenBufferTests: XCTestCase {
    private let red = Style(fg: .ansi(1), bold: true)
    private let bar = Style(fg: .ansi(0), bg: .ansi(7))

    func testNewBufferIsBlank() {
        let screen = ScreenBuffer(width: 3, height: 2)
        XCTAssertEqual(screen.plainText(), "   \n   ")
        XCTAssertEqual(screen[0, 0], Cell.blank)
    }

    func testPutWritesAndReturnsColumns() {
        var screen = ScreenBuffer(width: 10, height: 2)
        XCTAssertEqual(screen.put("hello", x: 2, y: 1, style: red), 5)
        XCTAssertEqual(screen.plainText(), "          \n  hello   ")
        XCTAssertEqual(screen[2, 1], Cell(text: "h", style: red))
        XCTAssertEqual(screen[1, 1], Cell.blank)
    }

    func testPutClipsAtMaxWidthAndBufferEdge() {
        var screen = ScreenBuffer(width: 8, height: 1)
        XCTAssertEqual(screen.put("abcdef", x: 0, y: 0, maxWidth: 3, style: .plain), 3)
        XCTAssertEqual(screen.plainText(), "abc     ")
        XCTAssertEqual(screen.put("123456", x: 5, y: 0, style: .plain), 3)
        XCTAssertEqual(screen.plainText(), "abc  123")
        XCTAssertEqual(screen.put("zzz", x: 0, y: 5, style: .plain), 0, "a row outside the buffer")
        XCTAssertEqual(screen.put("zzz", x: 9, y: 0, style: .plain), 0, "a column outside the buffer")
        XCTAssertEqual(screen.put("zzz", x: 0, y: 0, maxWidth: 0, style: .plain), 0)
        XCTAssertEqual(screen.plainText(), "abc  123")
    }

    /// Narrow cells are measured once: wide, zero-width and continuation cells become spaces
    /// in their own style, so a run is exactly as wide as it is long.
    func testNarrowCellsKeepOnlyOneColumnCells() {
        let run = NarrowCells([Cell(text: "a", style: red), Cell(text: "漢", style: bar), Cell(text: "", style: bar),
                               Cell(text: "\u{301}", style: red), Cell(text: "▀", style: bar)])
        XCTAssertEqual(run.cells.map(\.text), ["a", " ", " ", " ", "▀"])
        XCTAssertEqual(run.cells.map(\.style), [red, bar, bar, red, bar])
    }

    /// A run copies into a row, clipped on both sides, from any offset; where it starts on the
    /// right half of a wide character or ends on its left half, the cut half becomes a space.
    func testNarrowRunsAreCopiedClippedAndKeepWideCharactersWhole() {
        let run = NarrowCells((0..<6).map { Cell(text: String(UnicodeScalar(UInt8(97 + $0))), style: red) })  // a…f
        var screen = ScreenBuffer(width: 8, height: 3)
        screen.put(run, from: 0, count: 6, x: 1, y: 0)
        XCTAssertEqual(screen.row(at: 0), " abcdef ")
        XCTAssertEqual(screen[1, 0], Cell(text: "a", style: red))
        screen.put(run, from: 2, count: 10, x: -1, y: 1)   // "cdef" from column -1: "def"
        XCTAssertEqual(screen.row(at: 1), "def     ")
        screen.put(run, from: 0, count: 6, x: 5, y: 1)     // clipped at the right edge
        XCTAssertEqual(screen.row(at: 1), "def  abc")
        screen.put(run, from: 0, count: 6, x: 0, y: 9)     // a row outside: nothing happens
        screen.put(run, from: 7, count: 2, x: 0, y: 2)     // past the run's end: nothing happens
        XCTAssertEqual(screen.row(at: 2), "        ")

        screen.put("漢字漢字", x: 0, y: 2, style: bar)      // wide characters at 0, 2, 4, 6
        screen.put(run, from: 0, count: 2, x: 3, y: 2)     // starts on 字's right half, ends on 漢's left
        XCTAssertEqual(screen.row(at: 2), "漢 ab 字")
        XCTAssertEqual(screen[2, 2], Cell(text: " ", style: bar), "the cut left half keeps its style")
        XCTAssertFalse(screen.cells.enumerated().contains { index, cell in
            cell.isContinuation && (index % 8 == 0 || TextWidth.of(screen.cells[index - 1].text) != 2)
        }, "every continuation cell follows a wide character")
    }

    func testWideCharacterAtTheLimitIsReplacedByASpace() {
        var screen = ScreenBuffer(width: 10, height: 1)
        screen.fill(x: 0, y: 0, width: 10, height: 1, style: .plain)
        XCTAssertEqual(screen.put("xxxxxxxxxx", x: 0, y: 0, style: .plain), 10)
        XCTAssertEqual(screen.put("漢字漢字", x: 0, y: 0, maxWidth: 5, style: red), 5)
        XCTAssertEqual(screen.plainText(), "漢字 xxxxx")
        XCTAssertEqual(screen[4, 0], Cell(text: " ", style: red), "the padding space has the text's style")
        XCTAssertEqual(screen[1, 0].text, "", "continuation cell")
        XCTAssertEqual(screen[3, 0].text, "")
    }

    func testWideCharacterAtTheBufferEdge() {
        var screen = ScreenBuffer(width: 5, height: 1)
        XCTAssertEqual(screen.put("ab漢字", x: 0, y: 0, style: .plain), 5)
        XCTAssertEqual(screen.plainText(), "ab漢 ")
        for x in 0..<5 where screen[x, 0].text.isEmpty {
            XCTAssertEqual(TextWidth.of(screen[x - 1, 0].text), 2, "a continuation always follows a wide character")
        }
    }

    func testOverwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var screen = ScreenBuffer(width: 6, height: 1)
        screen.put("漢字漢", x: 0, y: 0, style: .plain)
        screen.put("a", x: 1, y: 0, style: .plain)      // right half of 漢
        XCTAssertEqual(screen.plainText(), " a字漢")
        screen.put("b", x: 2, y: 0, style: .plain)      // left half of 字
        XCTAssertEqual(screen.plainText(), " ab 漢")
        screen.put("😀", x: 3, y: 0, style: .plain)     // straddles the end of 字's space and 漢
        XCTAssertEqual(screen.plainText(), " ab😀 ")
        XCTAssertEqual(TextWidth.of(screen.plainText()), 6)
    }

    func testSubscriptKeepsWideCharactersWhole() {
        var screen = ScreenBuffer(width: 4, height: 1)
        screen[0, 0] = Cell(text: "漢", style: red)
        XCTAssertEqual(screen[1, 0], Cell(text: "", style: red))
        screen[3, 0] = Cell(text: "字")
        XCTAssertEqual(screen[3, 0].text, " ", "no room for the right half")
        screen[2, 0] = Cell(text: "")
        XCTAssertEqual(screen[2, 0].text, " ", "a bare continuation is stored as a space")
        screen[1, 0] = Cell(text: "x")
        XCTAssertEqual(screen.plainText(), " x  ")
        XCTAssertEqual(screen[9, 9], Cell.blank, "outside reads blank")
        screen[9, 9] = Cell(text: "z")   // ignored
    }

    func testPutSanitizesAndFlattensNewlines() {
        var screen = ScreenBuffer(width: 12, height: 1)
        XCTAssertEqual(screen.put("a\u{1B}[2Jb\nc\td\u{7}", x: 0, y: 0, style: .plain), 8)
        XCTAssertEqual(screen.plainText(), "a␛b c d␇    ")
        XCTAssertFalse(screen.plainText().unicodeScalars.contains { $0.value == 0x1B })
    }

    func testCombiningMarksStayWithTheirBase() {
        var screen = ScreenBuffer(width: 4, height: 1)
        XCTAssertEqual(screen.put("e\u{301}\u{200B}x", x: 0, y: 0, style: .plain), 2)
        XCTAssertEqual(screen[0, 0].text, "e\u{301}")
        XCTAssertEqual(screen[1, 0].text, "x", "zero-width clusters are dropped")
    }

    func testNegativeXClipsOnTheLeft() {
        var screen = ScreenBuffer(width: 4, height: 1)
        XCTAssertEqual(screen.put("abcdef", x: -2, y: 0, style: .plain), 6)
        XCTAssertEqual(screen.plainText(), "cdef")
        screen.put("漢字", x: -1, y: 0, style: .plain)
        XCTAssertEqual(screen.plainText(), " 字f")
    }

    func testFillAndClear() {
        var screen = ScreenBuffer(width: 4, height: 3)
        screen.put("abcd", x: 0, y: 1, style: .plain)
        screen.fill(x: 1, y: 0, width: 10, height: 2, style: bar)
        XCTAssertEqual(screen.plainText(), "    \na   \n    ")
        XCTAssertEqual(screen[3, 1].style, bar)
        XCTAssertEqual(screen[0, 1].style, .plain)
        screen.clear(style: red)
        XCTAssertEqual(screen[0, 0], Cell(text: " ", style: red))
        XCTAssertEqual(screen.plainText(), "    \n    \n    ")
    }

    func testPlainTextGolden() {
        var screen = ScreenBuffer(width: 16, height: 3)
        screen.put("┌ Items ───────┐", x: 0, y: 0, style: .plain)
        screen.put("│ 漢字 😀 ok   │", x: 0, y: 1, style: .plain)
        screen.put("└──────────────┘", x: 0, y: 2, style: .plain)
        XCTAssertEqual(screen.plainText(), """
        ┌ Items ───────┐
        │ 漢字 😀 ok   │
        └──────────────┘
        """)
    }

    func testStyledTextGolden() {
        var screen = ScreenBuffer(width: 10, height: 2)
        screen.put("Hi", x: 0, y: 0, style: red)
        screen.put("漢!", x: 3, y: 0, style: bar)
        screen.fill(x: 0, y: 1, width: 10, height: 1, style: bar)
        screen.put("ok", x: 8, y: 1, style: Style(fg: .rgb(255, 135, 0), underline: true))
        let expected = """
        |Hi 漢!    |
        |aa.bbb....|
        |        ok|
        |bbbbbbbbcc|
        --
        . default
        a red bold
        b black on white
        c #ff8700 underline

        """
        XCTAssertEqual(screen.styledText(), expected)
        XCTAssertEqual(screen.styledText(), screen.styledText(), "stable")
        var copy = ScreenBuffer(width: 10, height: 2)
        copy.put("Hi", x: 0, y: 0, style: red)
        copy.put("漢!", x: 3, y: 0, style: bar)
        copy.fill(x: 0, y: 1, width: 10, height: 1, style: bar)
        copy.put("ok", x: 8, y: 1, style: Style(fg: .rgb(255, 135, 0), underline: true))
        XCTAssertEqual(copy, screen)
        XCTAssertEqual(copy.styledText(), expected, "depends only on content")
    }

    func testStyledTextLegendListsOnlyUsedStyles() {
        var screen = ScreenBuffer(width: 3, height: 1)
        screen.clear(style: bar)
        XCTAssertEqual(screen.styledText(), "|   |\n|aaa|\n--\na black on white\n")
    }
}
