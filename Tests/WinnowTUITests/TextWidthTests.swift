import XCTest
@testable import WinnowTUI

final class TextWidthTests: XCTestCase {
    func testASCIIIsOneColumnPerCharacter() {
        XCTAssertEqual(TextWidth.of("hello, world!"), 13)
        XCTAssertEqual(TextWidth.of(""), 0)
        XCTAssertEqual(TextWidth.of(Character("a")), 1)
    }

    func testCJKIsTwoColumns() {
        XCTAssertEqual(TextWidth.of("漢字"), 4)
        XCTAssertEqual(TextWidth.of("日本語 text"), 11)
        XCTAssertEqual(TextWidth.of("한국어"), 6)
        XCTAssertEqual(TextWidth.of("ｆｕｌｌ"), 8, "fullwidth forms")
        XCTAssertEqual(TextWidth.of("\u{3000}"), 2, "ideographic space")
        XCTAssertEqual(TextWidth.of("ｱ"), 1, "halfwidth katakana")
    }

    func testCombiningMarksAddNothing() {
        let decomposed = "e\u{301}"
        XCTAssertEqual(decomposed.count, 1)
        XCTAssertEqual(TextWidth.of(decomposed), 1)
        XCTAssertEqual(TextWidth.of("\u{301}" as Unicode.Scalar), 0)
        XCTAssertEqual(TextWidth.of("Zu\u{308}rich"), 6)
        XCTAssertEqual(TextWidth.of("\u{200D}" as Unicode.Scalar), 0, "ZWJ")
        XCTAssertEqual(TextWidth.of("\u{FE0F}" as Unicode.Scalar), 0, "VS16")
        XCTAssertEqual(TextWidth.of("\u{200B}" as Unicode.Scalar), 0, "zero-width space")
        XCTAssertEqual(TextWidth.of("\u{1B}" as Unicode.Scalar), 0, "controls are 0")
        XCTAssertEqual(TextWidth.of("\u{85}" as Unicode.Scalar), 0, "C1 controls are 0")
    }

    func testEmoji() {
        XCTAssertEqual(TextWidth.of("😀"), 2)
        XCTAssertEqual(TextWidth.of("👍🏽"), 2, "skin tone modifier")
        let family = "👨\u{200D}👩\u{200D}👧\u{200D}👦"
        XCTAssertEqual(family.count, 1)
        XCTAssertEqual(TextWidth.of(family), 2, "ZWJ sequence")
        XCTAssertEqual(TextWidth.of("🇯🇵"), 2, "flag")
        XCTAssertEqual(TextWidth.of("🇯🇵🇫🇷"), 4, "two flags")
        XCTAssertEqual(TextWidth.of("🏳️‍🌈"), 2, "text-default emoji with VS16 in a ZWJ sequence")
        XCTAssertEqual(TextWidth.of("1️⃣"), 2, "keycap")
    }

    func testVariationSelectorsChooseTextOrEmojiPresentation() {
        XCTAssertEqual(TextWidth.of("☺"), 1, "text presentation by default")
        XCTAssertEqual(TextWidth.of("☺\u{FE0E}"), 1, "VS15 keeps it text")
        XCTAssertEqual(TextWidth.of("☺\u{FE0F}"), 2, "VS16 makes it emoji")
        XCTAssertEqual(TextWidth.of("⌚"), 2, "emoji presentation by default")
    }

    func testNewerThanTheTablesFallsBackToProperties() {
        // U+1FAE8 SHAKING FACE is Unicode 15, after the glibc 2.36 tables.
        XCTAssertEqual(TextWidth.of("\u{1FAE8}" as Unicode.Scalar), 2)
        // An unassigned ideograph in the CJK Extension planes is wide by default.
        XCTAssertEqual(TextWidth.of("\u{2FFF0}" as Unicode.Scalar), 2)
        XCTAssertEqual(TextWidth.of("\u{0378}" as Unicode.Scalar), 1, "unassigned elsewhere")
    }

    func testMarkersAreOneColumn() {
        for marker in ["␛", "␀", "␡", "⇄", "␍"] {
            XCTAssertEqual(TextWidth.of(marker), 1, marker)
        }
    }

    func testPrefixFitsWholeClusters() {
        XCTAssertEqual(TextWidth.prefix("hello", fitting: 3).text, "hel")
        XCTAssertEqual(TextWidth.prefix("hello", fitting: 3).width, 3)
        XCTAssertEqual(TextWidth.prefix("hello", fitting: 10).text, "hello")
        XCTAssertEqual(TextWidth.prefix("漢字漢", fitting: 5).text, "漢字")
        XCTAssertEqual(TextWidth.prefix("漢字漢", fitting: 5).width, 4)
        XCTAssertEqual(TextWidth.prefix("漢", fitting: 1).text, "")
        XCTAssertEqual(TextWidth.prefix("e\u{301}x", fitting: 1).text, "e\u{301}")
        XCTAssertEqual(TextWidth.prefix("a😀b", fitting: 2).text, "a")
        XCTAssertEqual(TextWidth.prefix("abc", fitting: 0).text, "")
        XCTAssertEqual(TextWidth.prefix("abc", fitting: -3).width, 0)
    }

    func testStringWidthIsTheSumOfClusters() {
        let samples = ["a漢😀e\u{301}🇯🇵", "☺\u{FE0F}x", "mixed 日本 and 한국 😀!"]
        for sample in samples {
            XCTAssertEqual(TextWidth.of(sample), sample.reduce(0) { $0 + TextWidth.of($1) }, sample)
        }
    }

    func testPreviewSymbolsShortcutAgreesWithTheTables() {
        // Given every box-drawing, block and braille scalar (what previews are drawn with)
        for value in Array(0x2500...0x259F) + Array(0x2800...0x28FF) {
            let scalar = Unicode.Scalar(UInt32(value))!
            // Then the shortcut gives what the general path gives
            XCTAssertTrue(TextWidth.isPreviewSymbol(scalar))
            XCTAssertEqual(TextWidth.of(String(Character(scalar))), TextWidth.of(scalar), String(value, radix: 16))
            XCTAssertEqual(TextWidth.of(String(Character(scalar))), 1)
        }
        // And its neighbours still go through the tables
        XCTAssertFalse(TextWidth.isPreviewSymbol(Unicode.Scalar(0x25FD)!))
        XCTAssertEqual(TextWidth.of("\u{25FD}"), 2)
        XCTAssertEqual(TextWidth.of("\u{2580}\u{2580}"), 2)
    }
}
