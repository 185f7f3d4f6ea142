/// The keys inside overlays (menus, the histogram, confirmations, the conflict view). They
/// are fixed, not commands of the keymap; this list is what `docs/keys.md` shows, and a test
/// presses every key in it to hold it to what the overlays do.
public enum OverlayKeys {
    public struct Entry: Sendable {
        public var keys: [KeyPress]
        public var action: String

        init(_ keys: [KeyPress], _ action: String) {
            self.keys = keys
            self.action = action
        }
    }

    public struct Section: Sendable {
        /// The overlay and the command that opens it.
        public var title: String
        public var entries: [Entry]
        /// What every other key does ("closes it"), or nil when other keys do nothing.
        public var otherKeys: String?
    }

    /// The scrolling keys of a text overlay (key help, the conflict view).
    static let scrolling = [
        Entry([.char("j"), .down], "scroll down"),
        Entry([.char("k"), .up], "scroll up"),
        Entry([.pageDown, .char(" ")], "scroll a page down"),
        Entry([.pageUp], "scroll a page up"),
    ]

    /// The keys that move a menu's selection among its `things`.
    static func stepping(_ thing: String) -> [Entry] {
        [Entry([.char("j"), .down], "next \(thing)"), Entry([.char("k"), .up], "previous \(thing)")]
    }

    public static let sections: [Section] = [
        Section(title: "Key help (`help`)", entries: scrolling, otherKeys: "closes it"),
        Section(title: "Score menu (`histogram`)", entries: stepping("score") + [
            Entry([.enter], "show the histogram of the score"),
        ], otherKeys: "closes it"),
        Section(title: "Histogram", entries: [
            Entry([.left, .char("h")], "move the threshold one bin down"),
            Entry([.right, .char("l")], "move the threshold one bin up"),
            Entry([.home], "threshold at the first bin"),
            Entry([.end], "threshold at the last bin"),
            Entry([.tab, .char("<"), .char(">")], "keep the items below instead of above the threshold, or back"),
            Entry([.enter], "apply the threshold as a filter (added to the current one)"),
            Entry([.escape, .char("q")], "close without filtering"),
        ], otherKeys: nil),
        Section(title: "Bulk decision (`bulk-decide`)", entries: [
            Entry([.char("a"), .char("r"), .char("s")], "choose accept, reject or skip"),
            Entry([.char("y"), .char("Y")], "record the decision for every matching item (one undo reverts it)"),
        ], otherKeys: "cancels: nothing is recorded"),
        Section(title: "Score columns (`choose-columns`)", entries: stepping("score") + [
            Entry([.char(" "), .char("x")], "show or hide the score as a column"),
            Entry([.enter], "apply"),
        ], otherKeys: "closes it unchanged"),
        Section(title: "Sort menu (`sort`)", entries: stepping("sort") + [
            Entry([.enter], "sort by it"),
            Entry([.char("/"), .char(":")], "type a sort instead"),
        ], otherKeys: "closes it"),
        Section(title: "Edit conflict (after saving an edit someone else changed)", entries: [
            Entry([.char("m"), .char("M")], "keep mine (saved on top of theirs)"),
            Entry([.char("t"), .char("T")], "keep theirs"),
        ] + scrolling + [
            Entry([.escape], "decide later (the conflict stays open in the store)"),
        ], otherKeys: nil),
        Section(title: "Full-screen preview (`preview-fullscreen`)", entries: [], otherKeys: "any key returns"),
    ]
}
