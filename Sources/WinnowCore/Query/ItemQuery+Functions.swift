import GRDB
import GRDBSQLite

extension ItemQuery {
    /// The SQL function that counts words: `winnow_words(text)`.
    static let wordsFunctionName = "winnow_words"
    /// The SQL function behind `random:SEED`: `winnow_random(id, seed)`.
    static let randomFunctionName = "winnow_random"

    /// Registers the SQL functions filters and sorts use on one connection:
    /// `winnow_words(text)`, the number of words in a text, and `winnow_random(id, seed)`,
    /// the shuffled position of an item.
    ///
    /// ``ItemQuery`` registers them itself on the connections it reads from; call this from
    /// `Configuration.prepareDatabase` so that every connection has them, including those
    /// that run a ``Filter/sql(thresholds:)`` condition on their own.
    ///
    /// - Throws: `DatabaseError` when SQLite refuses the function.
    public static func registerFunctions(_ db: Database) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(message: "the database connection is closed")
        }
        let flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS
        for (name, arity, function) in [(wordsFunctionName, Int32(1), wordsFunction), (randomFunctionName, 2, randomFunction)] {
            let code = sqlite3_create_function_v2(connection, name, arity, flags, nil, function, nil, nil, nil)
            guard code == SQLITE_OK else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)))
            }
        }
    }

    /// The shuffled position of item `id` under `random:seed`: a SplitMix64 hash of the two,
    /// kept to 62 bits so it stays a positive SQLite integer.
    static func randomKey(id: Int64, seed: Int64) -> Int64 {
        var z = UInt64(bitPattern: id) &+ UInt64(bitPattern: seed) &* 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2 {
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
        }
        return Int64(bitPattern: z >> 2)
    }

    /// Registers the functions unless the connection has them already. (Registering again
    /// would expire every prepared statement of the connection, so look first.)
    static func ensureFunctions(_ db: Database) throws {
        if (try? db.makeStatement(sql: "SELECT \(wordsFunctionName)(NULL), \(randomFunctionName)(0, 0)")) != nil { return }
        try registerFunctions(db)
    }

    /// The number of words in UTF-8 text: runs of characters between Unicode white space
    /// (spaces, tabs, line breaks, no-break and ideographic spaces...).
    static func countWords(_ bytes: UnsafePointer<UInt8>, count: Int) -> Int {
        var words = 0
        var inWord = false
        var index = 0
        while index < count {
            let byte = bytes[index]
            let space = whiteSpaceLength(bytes, at: index, count: count, first: byte)
            if space > 0 {
                inWord = false
                index += space
            } else {
                if !inWord {
                    words += 1
                    inWord = true
                }
                index += 1
            }
        }
        return words
    }

    /// The number of words in a string, as `winnow_words` counts them.
    static func countWords(_ text: String) -> Int {
        var copy = text
        return copy.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            return countWords(base, count: buffer.count)
        }
    }

    /// The byte length of the Unicode White_Space character at `index`, or 0.
    @inline(__always)
    private static func whiteSpaceLength(_ bytes: UnsafePointer<UInt8>, at index: Int, count: Int, first byte: UInt8) -> Int {
        if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) { return 1 }
        if byte < 0xC2 || byte > 0xE3 { return 0 }
        let b1: UInt8 = index + 1 < count ? bytes[index + 1] : 0
        if byte == 0xC2 { return b1 == 0x85 || b1 == 0xA0 ? 2 : 0 }          // U+0085, U+00A0
        let b2: UInt8 = index + 2 < count ? bytes[index + 2] : 0
        switch (byte, b1) {
        case (0xE1, 0x9A): return b2 == 0x80 ? 3 : 0                           // U+1680
        case (0xE2, 0x80):                                                      // U+2000-200A, 2028, 2029, 202F
            return (b2 >= 0x80 && b2 <= 0x8A) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF ? 3 : 0
        case (0xE2, 0x81): return b2 == 0x9F ? 3 : 0                           // U+205F
        case (0xE3, 0x80): return b2 == 0x80 ? 3 : 0                           // U+3000
        default: return 0
        }
    }
}

/// `winnow_words(text)`: the word count of a text; 0 for NULL. Numbers are counted as
/// their text.
private let wordsFunction: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = {
    context, argc, argv in
    guard argc == 1, let argv, let value = argv[0], sqlite3_value_type(value) != SQLITE_NULL,
          let text = sqlite3_value_text(value) else {
        sqlite3_result_int64(context, 0)
        return
    }
    let count = Int(sqlite3_value_bytes(value))
    sqlite3_result_int64(context, Int64(ItemQuery.countWords(text, count: count)))
}

/// `winnow_random(id, seed)`: see ``ItemQuery/randomKey(id:seed:)``.
private let randomFunction: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = {
    context, argc, argv in
    guard argc == 2, let argv else {
        sqlite3_result_null(context)
        return
    }
    let id = sqlite3_value_int64(argv[0])
    let seed = sqlite3_value_int64(argv[1])
    sqlite3_result_int64(context, ItemQuery.randomKey(id: id, seed: seed))
}
