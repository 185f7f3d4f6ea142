import Foundation

/// One self-overwriting progress line on stderr, shown only when stderr is a terminal
/// (import, scoring and export each format theirs and write it here).
enum ProgressLine {
    /// Replaces the line with `text`.
    static func write(_ text: String) {
        FileHandle.standardError.write(Data("\r\(text)\u{1B}[K".utf8))
    }

    static func clear() { write("") }
}
