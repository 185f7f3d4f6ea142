import Foundation
import XCTest
@testable import WinnowCore

final class JSONRecordReaderTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("winnow-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    // MARK: Helpers

    private func write(_ bytes: [UInt8], name: String = "data.json") throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    private func write(_ text: String, name: String = "data.json") throws -> String {
        try write(Array(text.utf8), name: name)
    }

    private func readAll(_ path: String, layout: JSONLayout? = nil, chunkSize: Int = 4 << 20) throws -> [JSONRecord] {
        let reader = try JSONRecordReader(path: path, layout: layout, chunkSize: chunkSize)
        var records: [JSONRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    /// The syntax error thrown by `body`, failing the test if there is none.
    private func syntaxError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> JSONSyntaxError? {
        do {
            try body()
            XCTFail("expected a JSONSyntaxError", file: file, line: line)
        } catch let error as JSONSyntaxError {
            return error
        } catch {
            XCTFail("expected a JSONSyntaxError, got \(error)", file: file, line: line)
        }
        return nil
    }

    private func assertSyntaxError(_ text: String, line: Int, column: Int, contains fragment: String,
                                   file: StaticString = #filePath, sourceLine: UInt = #line) {
        guard let error = syntaxError({ _ = try parseJSON(text) }, file: file, line: sourceLine) else { return }
        XCTAssertEqual(error.line, line, "line of \(error)", file: file, line: sourceLine)
        XCTAssertEqual(error.column, column, "column of \(error)", file: file, line: sourceLine)
        XCTAssertTrue(error.message.contains(fragment), "\(error.message) should contain \(fragment)", file: file, line: sourceLine)
    }

    private func assertSyntaxError(bytes: [UInt8], byteOffset: Int, contains fragment: String,
                                   file: StaticString = #filePath, line: UInt = #line) {
        guard let error = syntaxError({ _ = try parseJSON(bytes) }, file: file, line: line) else { return }
        XCTAssertEqual(error.byteOffset, byteOffset, "offset of \(error)", file: file, line: line)
        XCTAssertEqual(error.column, byteOffset + 1, "column of \(error)", file: file, line: line)
        XCTAssertTrue(error.message.contains(fragment), "\(error.message) should contain \(fragment)", file: file, line: line)
        // The streaming reader decodes strings in place: it must report the same error.
        guard bytes.first == UInt8(ascii: "[") else { return }
        for chunkSize in [3, 4 << 20] {
            let fileError = syntaxError({ _ = try readAll(try write(bytes, name: "bytes.json"), chunkSize: chunkSize) }, file: file, line: line)
            XCTAssertEqual(fileError?.byteOffset, error.byteOffset, "reader offset", file: file, line: line)
            XCTAssertEqual(fileError?.message, error.message, "reader message", file: file, line: line)
        }
    }

    private func fnv(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    // MARK: Values

    func testCompactTextRoundTripsByteForByte() throws {
        let text = #"{"id":"000000033471","image":"coco/train2017/000000033471.jpg","conversations":[{"from":"human","value":"<image>\nWhat are the colors of the bus?"},{"from":"gpt","value":"The bus is \"white\" and red. \\o/ 日本語 😀"}],"score":-1.50e+3,"ok":true,"no":false,"nothing":null,"empty":{},"list":[]}"#
        let value = try parseJSON(text)
        XCTAssertEqual(value.jsonText, text)
        XCTAssertEqual(try parseJSON(value.jsonText), value)
        let pretty = { () -> String in
            var out: [UInt8] = []
            JSONWriter.append(value, to: &out, indent: 4)
            return String(decoding: out, as: UTF8.self)
        }()
        XCTAssertEqual(try parseJSON(pretty), value)
    }

    func testEveryEscapeKindIsDecoded() throws {
        let value = try parseJSON(#""q\" b\\ s\/ b\b f\f n\n r\r t\t u\u0041\u00e9\u4E2D\u0000""#)
        XCTAssertEqual(value, .string("q\" b\\ s/ b\u{8} f\u{C} n\n r\r t\t uAé中\u{0}"))
        // Escapes mixed with raw non-ASCII text, with and without an escaped NUL.
        XCTAssertEqual(try parseJSON(#""é\n日\u00e9""#), .string("é\n日é"))
        XCTAssertEqual(try parseJSON(#""é\u0000日""#), .string("é\u{0}日"))
        XCTAssertEqual(try parseJSON(#""\u0000""#), .string("\u{0}"))
    }

    func testSurrogatePairEscapesCombineAndLoneSurrogatesBecomeReplacementCharacters() throws {
        XCTAssertEqual(try parseJSON(#""\ud83d\ude00 \uD834\uDD1E""#), .string("😀 𝄞"))
        XCTAssertEqual(try parseJSON(#""a\ud800b""#), .string("a\u{FFFD}b"))
        XCTAssertEqual(try parseJSON(#""\udc00""#), .string("\u{FFFD}"))
        XCTAssertEqual(try parseJSON(#""\ud800\u0041""#), .string("\u{FFFD}A"))
        XCTAssertEqual(try parseJSON(#""\ud800\ud800\udc00""#), .string("\u{FFFD}𐀀"))
        XCTAssertEqual(try parseJSON(#""\ud800""#), .string("\u{FFFD}"))
    }

    func testEmojiAndCJKStayUTF8() throws {
        let text = "[\"日本語のテキスト\",\"😀👍🏽 family: 👨‍👩‍👧\",\"é ß ∑\"]"
        let value = try parseJSON(text)
        XCTAssertEqual(value, .array([.string("日本語のテキスト"), .string("😀👍🏽 family: 👨‍👩‍👧"), .string("é ß ∑")]))
        XCTAssertEqual(value.jsonText, text)
    }

    func testNumbersKeepTheirLexeme() throws {
        let lexemes = ["42", "1.50", "-0", "0", "-1.5e3", "1E+2", "2e-7", "0.0", "123456789012345678901234567890", "-0.000"]
        for lexeme in lexemes {
            XCTAssertEqual(try parseJSON(lexeme), .number(lexeme))
            XCTAssertEqual(try parseJSON("[\(lexeme)]"), .array([.number(lexeme)]))
            XCTAssertEqual(JSONValue.number(lexeme).jsonText, lexeme)
        }
    }

    func testStringIdsAndNumberIdsStayDistinct() throws {
        let records = try readAll(try write(#"[{"id":"1"},{"id":1},{"id":null},{"id":[1]}]"#))
        let ids = records.compactMap { $0.value.objectValue?["id"] }
        XCTAssertEqual(ids, [.string("1"), .number("1"), .null, .array([.number("1")])])
        XCTAssertEqual(ids.map(\.isScalarId), [true, true, false, false])
        XCTAssertEqual(ids.map(\.stringValue), ["1", nil, nil, nil])
        XCTAssertEqual(ids.map(\.jsonText), [#""1""#, "1", "null", "[1]"])
    }

    func testObjectsKeepKeyOrderAndDuplicateKeys() throws {
        let value = try parseJSON(#"{"b": 1, "a": 2, "b": 3}"#)
        guard var object = value.objectValue else { return XCTFail("not an object") }
        XCTAssertEqual(object.keys, ["b", "a", "b"])
        XCTAssertEqual(object.values, [.number("1"), .number("2"), .number("3")])
        XCTAssertEqual(object.count, 3)
        XCTAssertEqual(object["b"], .number("1"))
        XCTAssertNil(object["c"])
        XCTAssertEqual(value.jsonText, #"{"b":1,"a":2,"b":3}"#)
        object.set("b", .string("x"))
        object.set("c", .bool(true))
        XCTAssertEqual(JSONValue.object(object).jsonText, #"{"b":"x","a":2,"b":3,"c":true}"#)
    }

    func testAccessorsReturnNilForOtherKinds() throws {
        let value = try parseJSON(#"[{"a":"x"}, "s", 1]"#)
        XCTAssertEqual(value.arrayValue?.count, 3)
        XCTAssertNil(value.objectValue)
        XCTAssertNil(value.stringValue)
        XCTAssertEqual(value.arrayValue?[0].objectValue?["a"]?.stringValue, "x")
        XCTAssertNil(value.arrayValue?[1].arrayValue)
        XCTAssertFalse(JSONValue.bool(true).isScalarId)
    }

    // MARK: Writer

    func testWriterEscapesPerRFC8259() {
        var out: [UInt8] = []
        JSONWriter.appendString("a\"b\\c/d\n\t\r\u{8}\u{C}\u{1}\u{1F}\u{7F} é 😀", to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), #""a\"b\\c/d\n\t\r\b\f\u0001\u001f"# + "\u{7F} é 😀\"")
        out.removeAll()
        JSONWriter.appendString("", to: &out)
        XCTAssertEqual(out, Array("\"\"".utf8))
    }

    func testWriterIndentMatchesPythonJSONDump() throws {
        let value = try parseJSON(#"[{"id":"1","list":[1,2],"empty":[],"obj":{}}]"#)
        var out: [UInt8] = []
        JSONWriter.append(value, to: &out, indent: 4)
        let expected = """
        [
            {
                "id": "1",
                "list": [
                    1,
                    2
                ],
                "empty": [],
                "obj": {}
            }
        ]
        """
        XCTAssertEqual(String(decoding: out, as: UTF8.self), expected)
    }

    // MARK: Syntax errors

    func testSyntaxErrorOnLine3Column7OfAMultiLineArray() throws {
        let text = "[\n  {\"id\": 1},\n  {\"id\" 2}\n]\n"
        guard let error = syntaxError({ _ = try readAll(try write(text)) }) else { return }
        XCTAssertEqual(error.line, 3)
        XCTAssertEqual(error.column, 9)
        XCTAssertEqual(error.byteOffset, 23)
        XCTAssertEqual(error.message, #"expected ':' after the object key "id", found '2'"#)
        XCTAssertTrue(error.description.hasSuffix(":3:9: expected ':' after the object key \"id\", found '2'"))
        XCTAssertTrue(error.description.hasPrefix(directory.path))

        let second = "[\n  1,\n  2,  x\n]"
        guard let other = syntaxError({ _ = try readAll(try write(second, name: "b.json")) }) else { return }
        XCTAssertEqual(other.line, 3)
        XCTAssertEqual(other.column, 7)
        XCTAssertEqual(other.message, "expected a JSON value (an object, array, string, number, true, false or null), found 'x'")
    }

    func testErrorKindsHaveExactPositionsAndActionableMessages() {
        assertSyntaxError("[1 2]", line: 1, column: 4, contains: "expected ',' or ']' after an array element, found '2'")
        assertSyntaxError("[1,]", line: 1, column: 4, contains: "found ']' after ','; JSON does not allow a comma")
        assertSyntaxError("{\"a\":1,}", line: 1, column: 8, contains: "found '}' after ','")
        assertSyntaxError("{\"a\":1 \"b\":2}", line: 1, column: 8, contains: #"expected ',' or '}' after the value of "a", found '"'"#)
        assertSyntaxError("{a:1}", line: 1, column: 2, contains: "expected an object key (a string in double quotes), found 'a'")
        assertSyntaxError("{'a':1}", line: 1, column: 2, contains: "single quote")
        assertSyntaxError("[NaN]", line: 1, column: 2, contains: "found 'NaN'")
        assertSyntaxError("[-Infinity]", line: 1, column: 3, contains: "expected a digit after '-' in a number, found 'Infinity'")
        assertSyntaxError("[tru]", line: 1, column: 2, contains: "found 'tru'")
        assertSyntaxError("[nul", line: 1, column: 2, contains: "found 'nul'")
        assertSyntaxError("[01]", line: 1, column: 2, contains: "numbers must not have leading zeros")
        assertSyntaxError("[-01]", line: 1, column: 3, contains: "leading zeros")
        assertSyntaxError("[1.]", line: 1, column: 4, contains: "expected a digit after the decimal point in a number, found ']'")
        assertSyntaxError("[1e+]", line: 1, column: 5, contains: "expected a digit in the exponent of a number, found ']'")
        assertSyntaxError("[.5]", line: 1, column: 2, contains: "found '.'")
        assertSyntaxError("[+1]", line: 1, column: 2, contains: "found '+'")
        assertSyntaxError("[1", line: 1, column: 3, contains: "found the end of the file")
        assertSyntaxError("\n  \"abc", line: 2, column: 3, contains: "unterminated string")
        assertSyntaxError("[\"a\nb\"]", line: 1, column: 4, contains: "unterminated string: found a line break")
        assertSyntaxError("[\"a\tb\"]", line: 1, column: 4, contains: "raw control character 0x09")
        assertSyntaxError("[\"a\\x\"]", line: 1, column: 4, contains: #"invalid escape '\x'"#)
        assertSyntaxError("[\"\\u12G4\"]", line: 1, column: 7, contains: "expected 4 hexadecimal digits after '\\u', found 'G4'")
        assertSyntaxError("[\"\\u12\"]", line: 1, column: 7, contains: "expected 4 hexadecimal digits")
        assertSyntaxError("1 2", line: 1, column: 3, contains: "after the end of the JSON value")
        assertSyntaxError("", line: 1, column: 1, contains: "empty")
        assertSyntaxError("  \n ", line: 2, column: 2, contains: "only whitespace")
        assertSyntaxError("[\u{A0}1]", line: 1, column: 2, contains: "found the character '\u{A0}' (U+00A0)")
    }

    func testNestingDepthIsLimitedTo512() throws {
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        XCTAssertNoThrow(try parseJSON(deepest))
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        guard let error = syntaxError({ _ = try parseJSON(tooDeep) }) else { return }
        XCTAssertEqual(error.column, 513)
        XCTAssertTrue(error.message.contains("nested more than 512 levels"), error.message)
        // In a file, the top-level array is the first level.
        let file = try write("[" + String(repeating: "{\"a\":", count: 511) + "1" + String(repeating: "}", count: 511) + "]")
        XCTAssertEqual(try readAll(file).count, 1)
        let deeperFile = try write("[" + String(repeating: "{\"a\":", count: 512) + "1" + String(repeating: "}", count: 512) + "]", name: "deep.json")
        XCTAssertNotNil(syntaxError({ _ = try readAll(deeperFile) }))
    }

    func testInvalidUTF8IsRejectedAtTheOffendingByte() {
        let prefix: [UInt8] = Array("[\"ab".utf8)
        let suffix: [UInt8] = Array("\"]".utf8)
        let cases: [([UInt8], String)] = [
            ([0xC3, 0x28], "invalid UTF-8 byte 0xC3: a 2-byte sequence is cut short"),
            ([0xC3], "invalid UTF-8 byte 0xC3: a 2-byte sequence is cut short"),
            ([0xC0, 0xAF], "invalid UTF-8 byte 0xC0: an overlong encoding"),
            ([0xE0, 0x80, 0xAF], "invalid UTF-8 byte 0xE0: an overlong encoding"),
            ([0xF0, 0x82, 0x82, 0xAC], "invalid UTF-8 byte 0xF0: an overlong encoding"),
            ([0xED, 0xA0, 0x80], "invalid UTF-8 byte 0xED: it encodes a UTF-16 surrogate"),
            ([0xF4, 0x90, 0x80, 0x80], "invalid UTF-8 byte 0xF4: it encodes a code point above U+10FFFF"),
            ([0x80], "invalid UTF-8 byte 0x80: a continuation byte without a leading byte"),
            ([0xF5, 0x80], "invalid UTF-8 byte 0xF5: this byte never occurs in UTF-8"),
            ([0xE4, 0xB8], "invalid UTF-8 byte 0xE4: a 3-byte sequence is cut short"),
        ]
        for (bad, message) in cases {
            assertSyntaxError(bytes: prefix + bad + suffix, byteOffset: prefix.count, contains: message)
            // The same bytes in a string that also has escapes.
            assertSyntaxError(bytes: prefix + Array("\\n".utf8) + bad + suffix, byteOffset: prefix.count + 2, contains: message)
        }
        // With an escaped NUL in the same string.
        assertSyntaxError(bytes: prefix + Array("\\u0000".utf8) + [0xC3] + suffix, byteOffset: prefix.count + 6, contains: "0xC3")
        // Invalid UTF-8 before a later error is reported first.
        assertSyntaxError(bytes: prefix + [0xFF] + Array("\\q\"]".utf8), byteOffset: prefix.count, contains: "0xFF")
        // Outside strings.
        assertSyntaxError(bytes: [0x5B, 0xC3, 0x5D], byteOffset: 1, contains: "found the byte 0xC3, which is not valid UTF-8")
        // Valid multi-byte text right before the bad byte keeps the offset exact.
        assertSyntaxError(bytes: Array("[\"é中😀".utf8) + [0xC3] + suffix, byteOffset: 2 + 2 + 3 + 4, contains: "0xC3")
    }

    func testTrailingGarbageAfterTheArrayIsAnError() throws {
        let path = try write("[{\"a\":1}]\n  x")
        let reader = try JSONRecordReader(path: path)
        XCTAssertNotNil(try reader.next())
        guard let error = syntaxError({ _ = try reader.next() }) else { return }
        XCTAssertEqual(error.line, 2)
        XCTAssertEqual(error.column, 3)
        XCTAssertEqual(error.message, "found 'x' after the closing ']' of the top-level array; nothing but whitespace may follow it")
        // The error is final.
        XCTAssertEqual(syntaxError({ _ = try reader.next() }), error)

        XCTAssertEqual(try readAll(try write("[]  \n\n", name: "empty.json")).count, 0)
        XCTAssertNotNil(syntaxError({ _ = try readAll(try write("[] []", name: "two.json")) }))
        XCTAssertNotNil(syntaxError({ _ = try readAll(try write("[1,2", name: "open.json")) }))
    }

    func testRecordsBeforeAnErrorAreReturnedFirst() throws {
        let path = try write("[1, {\"a\": [true]}, \"x\", nul]")
        for chunkSize in [2, 4 << 20] {
            let reader = try JSONRecordReader(path: path, chunkSize: chunkSize)
            XCTAssertEqual(try reader.next()?.value, .number("1"))
            XCTAssertEqual(try reader.next()?.value, .object(JSONObject(keys: ["a"], values: [.array([.bool(true)])])))
            XCTAssertEqual(try reader.next()?.value, .string("x"))
            guard let error = syntaxError({ _ = try reader.next() }) else { return }
            XCTAssertEqual(error.column, 25)
            XCTAssertEqual(error.message, "expected a JSON value (an object, array, string, number, true, false or null), found 'nul'")
            XCTAssertEqual(syntaxError({ _ = try reader.next() }), error)
        }
    }

    func testObjectsWithTheSameKeyCountKeepTheirOwnKeys() throws {
        let records = try readAll(try write(#"[{"a":1,"b":2},{"c":3,"d":4},{"a":5,"b":6},{"a":7,"c":8}]"#))
        XCTAssertEqual(records.compactMap { $0.value.objectValue?.keys }, [["a", "b"], ["c", "d"], ["a", "b"], ["a", "c"]])
        XCTAssertEqual(records.map(\.value.jsonText), [#"{"a":1,"b":2}"#, #"{"c":3,"d":4}"#, #"{"a":5,"b":6}"#, #"{"a":7,"c":8}"#])
    }

    func testOpeningReportsEmptyFilesAndUnknownLayouts() throws {
        guard let empty = syntaxError({ _ = try JSONRecordReader(path: try write("", name: "e.json")) }) else { return }
        XCTAssertTrue(empty.message.contains("the file is empty"), empty.message)
        guard let blank = syntaxError({ _ = try JSONRecordReader(path: try write("\n\n  ", name: "w.json")) }) else { return }
        XCTAssertEqual(blank.line, 3)
        XCTAssertEqual(blank.column, 3)
        XCTAssertTrue(blank.message.contains("only whitespace"), blank.message)
        guard let other = syntaxError({ _ = try JSONRecordReader(path: try write("  \"x\"", name: "s.json")) }) else { return }
        XCTAssertEqual(other.column, 3)
        XCTAssertEqual(other.message, "expected '[' (a JSON array of records) or '{' (JSON Lines, one object per line) at the start of the file, found '\"'")
        guard let notArray = syntaxError({ _ = try JSONRecordReader(path: try write("{}", name: "o.json"), layout: .array) }) else { return }
        XCTAssertTrue(notArray.message.hasPrefix("expected '[' to open the top-level array"), notArray.message)
        // An empty file is a valid JSON Lines file when the layout is given.
        XCTAssertEqual(try readAll(try write("", name: "e.jsonl"), layout: .lines).count, 0)
    }

    func testMissingFilesAndDirectoriesThrowFileErrors() throws {
        let missing = directory.appendingPathComponent("missing.json").path
        XCTAssertThrowsError(try JSONRecordReader(path: missing)) { error in
            guard let error = error as? JSONFileError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.code, ENOENT)
            XCTAssertEqual(error.path, missing)
            XCTAssertTrue(error.message.contains(missing), error.message)
        }
        XCTAssertThrowsError(try JSONRecordReader(path: directory.path)) { error in
            XCTAssertEqual((error as? JSONFileError)?.code, EISDIR)
        }
    }

    // MARK: Records and streaming

    func testRecordPositionsInAPrettyPrintedArray() throws {
        let text = "[\n    {\n        \"id\": 1\n    },\n    \"two\",  3\n]\n"
        let path = try write(text)
        let records = try readAll(path)
        let bytes = Array(text.utf8)
        XCTAssertEqual(records.map(\.index), [0, 1, 2])
        XCTAssertEqual(records.map(\.line), [2, 5, 5])
        XCTAssertEqual(records.map(\.column), [5, 5, 13])
        XCTAssertEqual(records.map(\.byteOffset), [6, 35, 43])
        XCTAssertEqual(records.map { String(decoding: bytes[$0.byteOffset..<$0.byteOffset + $0.byteLength], as: UTF8.self) },
                       ["{\n        \"id\": 1\n    }", "\"two\"", "3"])
        XCTAssertEqual(records.map(\.value), [.object(JSONObject(keys: ["id"], values: [.number("1")])), .string("two"), .number("3")])
    }

    func testContentHashIsFNV1aOfTheExactRawSlice() throws {
        let text = "[ {\"a\" : \"é\\n\"} ,\n\t[1, 2.50] ]"
        let path = try write(text)
        let bytes = Array(text.utf8)
        let records = try readAll(path)
        XCTAssertEqual(records.count, 2)
        for record in records {
            let slice = bytes[record.byteOffset..<record.byteOffset + record.byteLength]
            XCTAssertEqual(record.contentHash, fnv(slice))
        }
        XCTAssertEqual(records[1].contentHash, fnv(ArraySlice(Array("[1, 2.50]".utf8))))
        // The reference value of FNV-1a 64 for "a".
        XCTAssertEqual(fnv(ArraySlice(Array("a".utf8))), 0xAF63_DC4C_8601_EC8C)
    }

    func testRecordsSpanningChunkBoundariesParseIdentically() throws {
        let (text, _) = Self.randomDocument(records: 300, seed: 7)
        let path = try write(text)
        let reference = try readAll(path)
        XCTAssertEqual(reference.count, 300)
        let bytes = Array(text.utf8)
        for record in reference {
            XCTAssertEqual(record.contentHash, fnv(bytes[record.byteOffset..<record.byteOffset + record.byteLength]))
            XCTAssertEqual(try parseJSON(Array(bytes[record.byteOffset..<record.byteOffset + record.byteLength])), record.value)
        }
        for chunkSize in [1, 2, 3, 7, 64, 1000] {
            let records = try readAll(path, chunkSize: chunkSize)
            XCTAssertEqual(records.count, reference.count, "chunk size \(chunkSize)")
            for (record, expected) in zip(records, reference) {
                XCTAssertEqual(record.value, expected.value, "chunk \(chunkSize) record \(record.index)")
                XCTAssertEqual(record.index, expected.index)
                XCTAssertEqual(record.line, expected.line)
                XCTAssertEqual(record.column, expected.column)
                XCTAssertEqual(record.byteOffset, expected.byteOffset)
                XCTAssertEqual(record.byteLength, expected.byteLength)
                XCTAssertEqual(record.contentHash, expected.contentHash)
            }
        }
    }

    func testErrorPositionsDoNotDependOnTheChunkSize() throws {
        let text = "[\n" + String(repeating: "  {\"a\": \"\\u00e9 text\", \"b\": [1, 2]},\n", count: 40) + "  {\"a\": tru}\n]"
        let path = try write(text)
        let reference = syntaxError({ _ = try readAll(path) })
        XCTAssertEqual(reference?.line, 42)
        XCTAssertEqual(reference?.column, 9)
        for chunkSize in [1, 5, 7, 100] {
            XCTAssertEqual(syntaxError({ _ = try readAll(path, chunkSize: chunkSize) }), reference, "chunk size \(chunkSize)")
        }
    }

    func testOnChunkSeesEveryByteOnceInOrder() throws {
        let (text, _) = Self.randomDocument(records: 200, seed: 3)
        let path = try write(text)
        let expected = Array(text.utf8)
        for chunkSize in [7, 4096, 4 << 20] {
            let reader = try JSONRecordReader(path: path, chunkSize: chunkSize)
            var seen: [UInt8] = []
            reader.onChunk = { seen.append(contentsOf: $0) }
            var count = 0
            while try reader.next() != nil { count += 1 }
            XCTAssertEqual(count, 200)
            XCTAssertEqual(seen.count, reader.fileSize)
            XCTAssertEqual(seen, expected, "chunk size \(chunkSize)")
            XCTAssertEqual(reader.bytesConsumed, reader.fileSize)
        }
    }

    func testByteOrderMarkIsSkipped() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let arrayPath = try write(bom + Array("[{\"a\":1}, 2]".utf8))
        let records = try readAll(arrayPath)
        XCTAssertEqual(records.map(\.value), [.object(JSONObject(keys: ["a"], values: [.number("1")])), .number("2")])
        XCTAssertEqual(records[0].byteOffset, 4)
        XCTAssertEqual(records[0].column, 2)
        let linesPath = try write(bom + Array("{\"a\":1}\n{\"a\":2}\n".utf8), name: "bom.jsonl")
        let reader = try JSONRecordReader(path: linesPath)
        XCTAssertEqual(reader.layout, .lines)
        var count = 0
        while try reader.next() != nil { count += 1 }
        XCTAssertEqual(count, 2)
        XCTAssertEqual(try parseJSON(bom + Array("[1]".utf8)), .array([.number("1")]))
    }

    func testJSONLinesSkipBlankLinesAndRecoverFromBadLines() throws {
        let text = "{\"id\":1}\r\n\n   \n{\"id\":2}  \n{\"id\": 3, \"x\": [1, }\n{\"id\":4}{\"id\":5}\n{\"id\": \"é\n{\"id\":6}"
        let path = try write(text, name: "data.jsonl")
        for chunkSize in [3, 4 << 20] {
            let reader = try JSONRecordReader(path: path, chunkSize: chunkSize)
            XCTAssertEqual(reader.layout, .lines)
            var ids: [JSONValue] = []
            var indexes: [Int] = []
            var errors: [JSONSyntaxError] = []
            var badLines: [String] = []
            while true {
                do {
                    guard let record = try reader.next() else { break }
                    ids.append(record.value.objectValue?["id"] ?? .null)
                    indexes.append(record.index)
                } catch let error as JSONSyntaxError {
                    errors.append(error)
                    badLines.append(reader.skipBadLine())
                }
            }
            XCTAssertEqual(ids, [.number("1"), .number("2"), .number("6")], "chunk size \(chunkSize)")
            XCTAssertEqual(indexes, [0, 1, 5])
            XCTAssertEqual(errors.map(\.line), [5, 6, 7])
            XCTAssertEqual(errors.map(\.column), [20, 9, 11])
            XCTAssertEqual(errors[0].message, "expected a JSON value (an object, array, string, number, true, false or null), found '}'")
            XCTAssertEqual(errors[1].message, "found '{' after the end of the record; a JSON Lines file holds exactly one value per line")
            XCTAssertTrue(errors[2].message.contains("unterminated string: found the end of the line"), errors[2].message)
            XCTAssertEqual(badLines, ["{\"id\": 3, \"x\": [1, }", "{\"id\":4}{\"id\":5}", "{\"id\": \"é"])
            XCTAssertEqual(reader.bytesConsumed, reader.fileSize)
        }
    }

    func testJSONLinesRecordsMustFitOnOneLine() throws {
        let path = try write("{\"a\":\n1}\n{\"a\":2}\n", name: "split.jsonl")
        let reader = try JSONRecordReader(path: path)
        guard let error = syntaxError({ _ = try reader.next() }) else { return }
        XCTAssertEqual(error.line, 1)
        XCTAssertEqual(error.column, 6)
        XCTAssertTrue(error.message.contains("found the end of the line (a JSON Lines record must be complete on one line)"), error.message)
        XCTAssertEqual(reader.skipBadLine(), "{\"a\":")
        // The rest of the broken record is a bad line of its own.
        XCTAssertNotNil(syntaxError({ _ = try reader.next() }))
        XCTAssertEqual(reader.skipBadLine(), "1}")
        XCTAssertEqual(try reader.next()?.value, .object(JSONObject(keys: ["a"], values: [.number("2")])))
        XCTAssertNil(try reader.next())
        XCTAssertEqual(reader.skipBadLine(), "")
    }

    func testJSONLinesRecordPositionsAndScalars() throws {
        let text = "  {\"a\":1}\n\n42\n\"s\"\n[true]"
        let records = try readAll(try write(text, name: "pos.jsonl"), layout: .lines)
        XCTAssertEqual(records.map(\.value), [.object(JSONObject(keys: ["a"], values: [.number("1")])), .number("42"), .string("s"), .array([.bool(true)])])
        XCTAssertEqual(records.map(\.line), [1, 3, 4, 5])
        XCTAssertEqual(records.map(\.column), [3, 1, 1, 1])
        XCTAssertEqual(records.map(\.byteOffset), [2, 11, 14, 18])
        XCTAssertEqual(records.map(\.byteLength), [7, 2, 3, 6])
    }

    // MARK: Against Foundation

    func testEveryRecordMatchesJSONSerialization() throws {
        let (text, count) = Self.randomDocument(records: 3000, seed: 2024)
        let path = try write(text)
        let foundation = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        guard let expected = foundation as? [Any] else { return XCTFail("JSONSerialization did not return an array") }
        let records = try readAll(path, chunkSize: 1 << 14)
        XCTAssertEqual(records.count, count)
        XCTAssertEqual(expected.count, count)
        for (record, other) in zip(records, expected) {
            XCTAssertTrue(Self.matches(record.value, other), "record \(record.index) differs: \(record.value.jsonText)")
        }
        // And the parsed values survive a write/parse round trip.
        for record in records.prefix(500) {
            XCTAssertEqual(try parseJSON(record.value.jsonText), record.value)
        }
    }

    /// The real MM-Instruct evaluation files in ../shared (JSON Lines), when present.
    func testRealMMInstructFilesMatchJSONSerialization() throws {
        let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../shared/data/mm-instruct-eval").standardized
        let answers = shared.appendingPathComponent("baseline_answers")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: answers.path) else {
            throw XCTSkip("no MM-Instruct data at \(shared.path)")
        }
        let paths = [shared.appendingPathComponent("MM-Instruct-Eval-question.json").path]
            + names.sorted().map { answers.appendingPathComponent($0).path }
        for path in paths {
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.isEmpty }
            let reader = try JSONRecordReader(path: path)
            XCTAssertEqual(reader.layout, .lines)
            var count = 0
            while let record = try reader.next() {
                guard count < lines.count else { return XCTFail("more records than lines in \(path)") }
                let other = try JSONSerialization.jsonObject(with: Data(lines[count].utf8))
                XCTAssertTrue(Self.matches(record.value, other), "\(path) line \(record.line)")
                XCTAssertEqual(record.line, count + 1)
                count += 1
            }
            XCTAssertEqual(count, 99, path)
        }
    }

    static func matches(_ value: JSONValue, _ other: Any) -> Bool {
        switch value {
        case .null:
            return other is NSNull
        case let .bool(flag):
            return (other as? NSNumber)?.boolValue == flag
        case let .number(lexeme):
            guard let number = other as? NSNumber else { return false }
            if let integer = Int64(lexeme) { return number.int64Value == integer }
            guard let double = Double(lexeme) else { return false }
            return abs(number.doubleValue - double) <= abs(double) * 1e-12
        case let .string(text):
            return (other as? String) == text
        case let .array(elements):
            guard let others = other as? [Any], others.count == elements.count else { return false }
            return zip(elements, others).allSatisfy { matches($0, $1) }
        case let .object(object):
            guard let others = other as? [String: Any], others.count == object.count else { return false }
            return zip(object.keys, object.values).allSatisfy { key, element in
                others[key].map { matches(element, $0) } ?? false
            }
        }
    }

    // MARK: Random documents

    static func padded(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 12 - digits.count)) + digits
    }

    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    /// A JSON array of random LLaVA-like records with random whitespace, escapes and numbers.
    static func randomDocument(records: Int, seed: UInt64) -> (String, Int) {
        var random = SplitMix(state: seed)
        var out = "[\n"
        for index in 0..<records {
            if index > 0 { out += random.below(3) == 0 ? " ,\n\t" : ",\n" }
            out += randomRecord(&random, depth: 0)
        }
        out += "\n]\n"
        return (out, records)
    }

    private static let characters: [Character] = [
        "a", "b", "Z", " ", "0", "\"", "\\", "/", "\n", "\t", "\r", "\u{1}", "\u{1F}", "\u{8}", "\u{C}",
        "é", "中", "😀", "𝄞", "\u{2028}", "\u{7F}", "<", ">", "?", "日", "ß",
    ]

    private static func randomString(_ random: inout SplitMix) -> String {
        var out = "\""
        for _ in 0..<random.below(40) {
            let character = characters[random.below(characters.count)]
            let escapeAll = random.below(4) == 0
            for scalar in character.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                case "\u{8}": out += "\\b"
                case "\u{C}": out += "\\f"
                case "/" where escapeAll: out += "\\/"
                default:
                    if scalar.value < 0x20 || escapeAll {
                        for unit in String(scalar).utf16 {
                            let hex = String(unit, radix: 16, uppercase: random.below(2) == 0)
                            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                        }
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        return out + "\""
    }

    private static func randomNumber(_ random: inout SplitMix) -> String {
        switch random.below(5) {
        case 0: return String(random.below(1_000_000))
        case 1: return "-" + String(random.below(1000))
        case 2: return String(random.below(1000)) + "." + String(random.below(1000))
        case 3: return "-" + String(random.below(10)) + "." + String(random.below(100)) + (random.below(2) == 0 ? "e" : "E") + ["+", "-", ""][random.below(3)] + String(random.below(30))
        default: return "0"
        }
    }

    private static func space(_ random: inout SplitMix) -> String {
        ["", "", "", " ", "\n  ", "\t", "\r\n"][random.below(7)]
    }

    private static func randomValue(_ random: inout SplitMix, depth: Int) -> String {
        switch random.below(depth > 3 ? 6 : 8) {
        case 0: return "null"
        case 1: return random.below(2) == 0 ? "true" : "false"
        case 2, 3: return randomNumber(&random)
        case 4, 5: return randomString(&random)
        case 6:
            let count = random.below(4)
            let elements = (0..<count).map { _ in space(&random) + randomValue(&random, depth: depth + 1) + space(&random) }
            return "[" + (elements.isEmpty ? space(&random) : elements.joined(separator: ",")) + "]"
        default:
            return randomRecord(&random, depth: depth + 1)
        }
    }

    private static func randomRecord(_ random: inout SplitMix, depth: Int) -> String {
        var members: [String] = []
        if depth == 0 {
            members.append("\"id\":" + (random.below(3) == 0 ? String(random.below(100_000)) : "\"\(padded(random.below(1_000_000)))\""))
            members.append("\"image\": \"coco/train2017/\(random.below(1_000_000)).jpg\"")
            let turns = (0..<random.below(4)).map { turn in
                "{\"from\": \"\(turn % 2 == 0 ? "human" : "gpt")\", \"value\": \(randomString(&random))}"
            }
            members.append("\"conversations\": [" + turns.joined(separator: ", ") + "]")
        }
        var keys = Set(["id", "image", "conversations"])
        for _ in 0..<random.below(4) {
            let key = "k\(random.below(50))" + (random.below(5) == 0 ? "é\\n" : "")
            guard keys.insert(key).inserted else { continue }
            members.append(space(&random) + "\"\(key)\"" + space(&random) + ":" + space(&random) + randomValue(&random, depth: depth + 1))
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    // MARK: Throughput (by hand)

    /// Generates ~200 MB of LLaVA-like records and prints the reader's throughput.
    /// Run with `WINNOW_JSON_BENCH=1 swift test -c release --filter testThroughput`.
    func testThroughputOnLLaVALikeData() throws {
        guard ProcessInfo.processInfo.environment["WINNOW_JSON_BENCH"] == "1" else {
            throw XCTSkip("set WINNOW_JSON_BENCH=1 to run the throughput check")
        }
        let megabytes = Int(ProcessInfo.processInfo.environment["WINNOW_JSON_BENCH_MB"] ?? "") ?? 200
        let indent = ProcessInfo.processInfo.environment["WINNOW_JSON_BENCH_INDENT"].flatMap { Int($0) }
        // WINNOW_JSON_BENCH_FILE keeps the generated file there (and reuses it) between runs.
        let kept = ProcessInfo.processInfo.environment["WINNOW_JSON_BENCH_FILE"]
        let url = kept.map { URL(fileURLWithPath: $0) } ?? directory.appendingPathComponent("bench.json")
        if !FileManager.default.fileExists(atPath: url.path) {
            try generateBenchFile(at: url, megabytes: megabytes, indent: indent)
        }

        func cpuSeconds(_ usage: rusage) -> Double {
            Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let rssBefore = usage.ru_maxrss
        let cpuBefore = cpuSeconds(usage)
        let start = Date()
        let reader = try JSONRecordReader(path: url.path)
        var count = 0
        var checksum: UInt64 = 0
        while let record = try reader.next() {
            count += 1
            checksum ^= record.contentHash
        }
        let seconds = Date().timeIntervalSince(start)
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let size = Double(reader.fileSize) / 1_000_000
        let cpu = cpuSeconds(usage) - cpuBefore
        print(String(format: "JSONRecordReader: %ld records, %.1f MB in %.2f s = %.1f MB/s (%.2f s CPU = %.1f MB per CPU second); max RSS %ld KiB before reading, %ld KiB after (checksum %llx)",
                     count, size, seconds, size / seconds, cpu, size / cpu, rssBefore, usage.ru_maxrss, checksum))
        XCTAssertGreaterThan(count, 0)
    }

    /// Writes a JSON array shaped like LLaVA-1.5's mix665k: conversation records with long
    /// answers, VQA/OCR records with many one-word answers, and text-only records (no image,
    /// `"model": ""`) with long multi-paragraph turns; about 1.5 KB per record on average.
    /// WINNOW_JSON_BENCH_SHAPE=short writes only short conversation records (~530 B each).
    private func generateBenchFile(at url: URL, megabytes: Int, indent: Int?) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        let shortOnly = ProcessInfo.processInfo.environment["WINNOW_JSON_BENCH_SHAPE"] == "short"
        var random = SplitMix(state: 42)
        let words = ["the", "a", "bus", "is", "white", "and", "red", "parked", "next", "to", "building", "with", "large",
                     "windows", "several", "people", "are", "waiting", "at", "stop", "one", "of", "them", "holds",
                     "umbrella", "image", "shows", "man", "riding", "horse", "on", "beach", "sunset", "two", "dogs",
                     "playing", "in", "park", "kitchen", "table", "plates", "food", "street", "sign", "traffic",
                     "light", "café", "naïve", "日本語", "mountains", "background", "\"quoted\"", "snow", "sky"]
        func sentence(_ count: Int) -> String {
            var out = ""
            for index in 0..<count {
                if index > 0 { out += " " }
                out += words[random.below(words.count)]
            }
            return out.prefix(1).uppercased() + out.dropFirst() + "."
        }
        func text(sentences: Int) -> String {
            (0..<sentences).map { _ in sentence(5 + random.below(20)) }.joined(separator: random.below(4) == 0 ? "\n\n" : " ")
        }
        func turn(_ from: String, _ value: String) -> JSONValue {
            .object(JSONObject(keys: ["from", "value"], values: [.string(from), .string(value)]))
        }
        let questions = ["What are the colors of the bus in the image?", "What is the man doing?",
                         "Describe the image in detail.", "Where is the cat sitting? Answer briefly, please.",
                         "How many people are there — and what are they wearing?"]
        let answer = "The bus is white and red. It is parked next to a building with large windows, and several people are waiting at the stop; one of them holds an umbrella. «Ünïcödé» 日本語 text appears too."
        var written = 0
        var pending: [UInt8] = Array("[\n".utf8)
        var index = 0
        while written + pending.count < megabytes << 20 {
            let id = Self.padded(random.below(1_000_000_000))
            var keys = ["id", "image", "conversations"]
            var values: [JSONValue] = [.string(id), .string("coco/train2017/\(id).jpg")]
            var turns: [JSONValue] = []
            let kind = shortOnly ? -1 : random.below(20)
            switch kind {
            case -1:
                for position in 0..<(2 + 2 * random.below(3)) {
                    let human = position % 2 == 0
                    var value = human ? questions[random.below(questions.count)] : String(answer.prefix(60 + random.below(answer.count - 60)))
                    if position == 0 { value = "<image>\n" + value }
                    turns.append(turn(human ? "human" : "gpt", value))
                }
            case 0..<11:
                // Conversation / detailed description records.
                for position in 0..<(2 * (1 + random.below(3))) {
                    if position % 2 == 0 {
                        turns.append(turn("human", (position == 0 ? "<image>\n" : "") + sentence(6 + random.below(10)).dropLast() + "?"))
                    } else {
                        turns.append(turn("gpt", text(sentences: 2 + random.below(8))))
                    }
                }
            case 11..<18:
                // VQA / OCR records: many short questions with one-word answers.
                values[1] = .string(random.below(2) == 0 ? "gqa/images/n\(random.below(999_999)).jpg" : "ocr_vqa/images/\(random.below(99_999_999)).jpg")
                for position in 0..<(2 * (3 + random.below(8))) {
                    if position % 2 == 0 {
                        turns.append(turn("human", (position == 0 ? "<image>\n" : "") + sentence(4 + random.below(6)).dropLast() + "?\nAnswer the question using a single word or phrase."))
                    } else {
                        turns.append(turn("gpt", ["Yes", "No", "Red", "2", "Left", "Table", "Man"][random.below(7)]))
                    }
                }
            default:
                // Text-only ShareGPT records.
                keys = ["id", "model", "conversations"]
                values = [.string("sharegpt_\(random.below(99_999))_\(random.below(9))"), .string("")]
                for position in 0..<(2 * (1 + random.below(3))) {
                    turns.append(turn(position % 2 == 0 ? "human" : "gpt", text(sentences: position % 2 == 0 ? 1 + random.below(4) : 5 + random.below(25))))
                }
            }
            values.append(.array(turns))
            let record = JSONValue.object(JSONObject(keys: keys, values: values))
            if index > 0 { pending.append(contentsOf: Array(",\n".utf8)) }
            JSONWriter.append(record, to: &pending, indent: indent)
            index += 1
            if pending.count > 1 << 20 {
                handle.write(Data(pending))
                written += pending.count
                pending.removeAll(keepingCapacity: true)
            }
        }
        pending.append(contentsOf: Array("\n]\n".utf8))
        handle.write(Data(pending))
        try handle.close()
    }
}
