@testable import WinnowCore
import XCTest
@testable import WinnowTUI

/// `docs/keys.md` lists the keys inside overlays from ``OverlayKeys``; this holds that list to
/// what the overlays do.
final class OverlayKeysTests: XCTestCase {
    func loaded() -> AppState {
        var state = AppState(width: 120, height: 40, reviewer: "ana", filter: "status:pending")
        _ = update(&state, .scoreNamesLoaded(["caption_leak", "clip_similarity", "refusal"]))
        let rows = (1...10).map { ItemRow(id: Int64($0)) }
        _ = update(&state, .windowLoaded(generation: state.generation, rows: rows, windowStart: 0, atEnd: true, selectedItem: 1))
        _ = update(&state, .countLoaded(generation: state.generation, total: 10, counts: [.pending: 10]))
        return state
    }

    /// The overlay a section describes, opened somewhere in the middle so that every key has
    /// room to move.
    func overlay(for section: OverlayKeys.Section) throws -> Overlay {
        let histogram = Histogram(score: "clip_similarity", bins: [
            .init(lower: 0, upper: 10, count: 4), .init(lower: 10, upper: 20, count: 3),
            .init(lower: 20, upper: 30, count: 2), .init(lower: 30, upper: 40, count: 1),
        ], total: 10, min: 0, max: 40, mean: 14)
        let turns = [Turn(role: "human", text: "Q?"), Turn(role: "gpt", text: "An answer.")]
        switch section.title {
        case let title where title.hasPrefix("Key help"): return .help(scroll: 1)
        case let title where title.hasPrefix("Score menu"): return .scoreMenu(options: ["a", "b", "c"], selected: 1)
        case "Histogram":
            var view = HistogramView(score: "clip_similarity", histogram: histogram)
            view.marker = 1
            return .histogram(view)
        case let title where title.hasPrefix("Bulk"): return .bulk(BulkConfirmation(verdict: .rejected, count: 10, sample: []))
        case let title where title.hasPrefix("Score columns"):
            return .columns(ColumnChooser(names: ["caption_leak", "clip_similarity", "refusal"], chosen: ["refusal"]))
        case let title where title.hasPrefix("Sort menu"): return .sortMenu(options: ["original", "id", "status"], selected: 1)
        case let title where title.hasPrefix("Edit conflict"):
            return .conflict(EditConflict(id: 4, item: 1, baseVersion: 0,
                                          theirs: .init(version: 1, turns: turns, reviewer: "bo", time: "2026-11-27T10:00:00.000Z"),
                                          mine: .init(version: 1, turns: turns, reviewer: "ana", time: "2026-11-27T10:00:01.000Z"),
                                          resolution: nil, resolvedBy: nil, resolvedVersion: nil), scroll: 1)
        case let title where title.hasPrefix("Full-screen preview"): return .previewFullscreen
        default:
            throw XCTSkip("no sample overlay for \(section.title): add one here")
        }
    }

    func testEveryListedKeyDoesWhatAnUnlistedKeyDoesNot() throws {
        for section in OverlayKeys.sections {
            var base = loaded()
            base.overlay = try overlay(for: section)

            // An unlisted key closes the overlay or does nothing, as the list says
            var other = base
            let otherEffects = update(&other, .key(.char("~")))
            if section.otherKeys == nil {
                XCTAssertEqual(other.overlay, base.overlay, section.title)
            } else {
                XCTAssertNil(other.overlay, section.title)
            }

            // Every listed key does something else
            for entry in section.entries {
                for key in entry.keys {
                    var pressed = base
                    let effects = update(&pressed, .key(key))
                    let differs = pressed.overlay != other.overlay || effects != otherEffects
                        || pressed.message?.text != other.message?.text || (pressed.prompt == nil) != (other.prompt == nil)
                    XCTAssertTrue(differs, "\(section.title): \(key) (\(entry.action)) does what any other key does")
                }
            }
        }
    }

    func testTheKeysReferenceListsThem() {
        let reference = Keymap.markdownReference()
        XCTAssertTrue(reference.contains("## Inside overlays"))
        for section in OverlayKeys.sections {
            XCTAssertTrue(reference.contains("### \(section.title)"), section.title)
            for entry in section.entries { XCTAssertTrue(reference.contains(entry.action), entry.action) }
        }
    }
}
