import Foundation
import GRDB
import WinnowTestSupport
import XCTest
@testable import WinnowCore

final class FilterTests: XCTestCase {
    // MARK: Parsing

    private func canonical(_ text: String) throws -> String {
        try Filter(text).expression.canonical
    }

    private func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> FilterError? {
        do {
            _ = try Filter(text)
            XCTFail("'\(text)' parsed", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testPrecedenceIsNotThenAndThenOr() throws {
        XCTAssertEqual(try canonical("status:pending or source:a and model:m"),
                       "(status:pending or (source:a and model:m))")
        XCTAssertEqual(try canonical("source:a and model:m or status:pending"),
                       "((source:a and model:m) or status:pending)")
        XCTAssertEqual(try canonical("not status:accepted and source:a"),
                       "((not status:accepted) and source:a)")
        XCTAssertEqual(try canonical("not not status:accepted"), "(not (not status:accepted))")
        XCTAssertEqual(try canonical("not (status:accepted or source:a)"),
                       "(not (status:accepted or source:a))")
    }

    func testParenthesesGroupAndAdjacentTermsAreJoinedByAnd() throws {
        XCTAssertEqual(try canonical("(status:pending or status:skipped) source:a"),
                       "((status:pending or status:skipped) and source:a)")
        XCTAssertEqual(try canonical("status:pending source:a or model:m"),
                       "((status:pending and source:a) or model:m)")
        XCTAssertEqual(try canonical("status:pending not source:a"), "(status:pending and (not source:a))")
        XCTAssertEqual(try canonical("((status:pending))"), "status:pending")
        XCTAssertEqual(try canonical("source:a \"as described\""), "(source:a and text~\"as described\")")
    }

    func testKeywordsAndFieldNamesIgnoreCaseButValuesKeepIt() throws {
        XCTAssertEqual(try canonical("STATUS:Pending AND Source:GPT4v Or NOT model:M"),
                       "((status:pending and source:GPT4v) or (not model:M))")
    }

    func testEmptyFilterMatchesEverything() throws {
        XCTAssertTrue(try Filter("").isEmpty)
        XCTAssertTrue(try Filter("   \n ").isEmpty)
        XCTAssertEqual(try Filter("").sql().sql, "items.removed_at IS NULL")
    }

    func testEveryFieldKindParses() throws {
        let cases: [(String, String)] = [
            ("status:pending", "status:pending"),
            ("status = rejected", "status:rejected"),
            ("status != accepted", "(not status:accepted)"),
            ("source:gpt4v", "source:gpt4v"),
            ("model:gpt4v", "model:gpt4v"),
            ("category:conv", "category:conv"),
            ("id:000000033471", "id:000000033471"),
            ("id:\"a b\"", "id:a b"),
            ("item:42", "item=42"),
            ("item >= 7", "item>=7"),
            ("image:coco/*", "image:coco/*"),
            ("image:s3://bucket/a:b.jpg", "image:s3://bucket/a:b.jpg"),
            ("has:image", "has:image"), ("has:caption", "has:caption"), ("has:edit", "has:edit"), ("has:note", "has:note"),
            ("format:any", "format:any"), ("format:role_order", "format:role_order"), ("format:none", "format:none"),
            ("text~\"as described\"", "text~\"as described\""),
            ("text:described", "text~\"described\""),
            ("instruction~\"what\"", "instruction~\"what\""),
            ("answer~bus", "answer~\"bus\""),
            ("caption~\"a cat\"", "caption~\"a cat\""),
            ("words(answer) < 20", "words(answer)<20"),
            ("words(instruction)>=5", "words(instruction)>=5"),
            ("words( caption ) = 0", "words(caption)=0"),
            ("turns > 2", "turns>2"),
            ("score.caption_leak > 0", "score.caption_leak>0"),
            ("score.clip>=0.5", "score.clip>=0.5"),
            ("score.clip < -1.25", "score.clip<-1.25"),
            ("score.clip:.5", "score.clip=0.5"),
            ("bad:any", "bad:any"), ("bad:clip", "bad:clip"), ("warn:any", "warn:any"), ("warn:clip", "warn:clip"),
            ("reviewer:ana", "reviewer:ana"),
            ("disagree:any", "disagree:any"),
            ("removed:yes", "removed:yes"), ("removed:any", "removed:any"),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try canonical(text), expected, text)
        }
    }

    func testQuotedStringsUnescapeQuotesAndBackslashes() throws {
        XCTAssertEqual(try canonical(#"source:"say \"hi\" \\ now""#), #"source:say "hi" \ now"#)
        XCTAssertEqual(try canonical(#"source:"C:\data""#), #"source:C:\data"#)
    }

    // MARK: Errors

    func testMissingValueNamesTheColumnAndWhatWasExpected() throws {
        let error = try XCTUnwrap(parseError("source:a and status:"))
        XCTAssertEqual(error.offset, 20)
        XCTAssertEqual(error.token, "")
        XCTAssertEqual(error.expected, "a value after 'status:'")
        XCTAssertEqual(error.description, "at column 21: expected a value after 'status:', found end of input")
    }

    func testUnknownFieldSuggestsKnownOnes() throws {
        let error = try XCTUnwrap(parseError("status:pending staus:accepted"))
        XCTAssertEqual(error.offset, 15)
        XCTAssertEqual(error.token, "staus")
        XCTAssertTrue(error.message.hasPrefix("unknown field 'staus' (did you mean 'status'?); known fields are status, source,"),
                      error.message)
        let bare = try XCTUnwrap(parseError("cat"))
        XCTAssertTrue(bare.message.contains("To search the text, write \"cat\" or text~cat"), bare.message)
    }

    func testUnknownValuesListTheValidOnes() throws {
        let status = try XCTUnwrap(parseError("status:pendng"))
        XCTAssertEqual(status.offset, 7)
        XCTAssertEqual(status.token, "pendng")
        XCTAssertEqual(status.message,
                       "unknown status 'pendng' (did you mean 'pending'?); valid values are pending, accepted, rejected, skipped")
        let format = try XCTUnwrap(parseError("format:bogus"))
        XCTAssertTrue(format.message.contains("any, none, empty_turn, role_order, unknown_role"), format.message)
        let has = try XCTUnwrap(parseError("has:picture"))
        XCTAssertTrue(has.message.contains("image, caption, model, edit, note"), has.message)
    }

    func testStructuralErrors() throws {
        let cases: [(String, Int, String)] = [
            ("(status:pending", 15, "at column 16: expected ')' to close the '(' at column 1, found end of input"),
            ("status:pending)", 14, "at column 15: this ')' has no matching '('; remove it or add a '(' before"),
            ("and status:pending", 0, "at column 1: expected a condition (such as status:pending), found 'and'"),
            ("status:pending and", 18, "at column 19: expected a condition (such as status:pending), found end of input"),
            ("not", 3, "at column 4: expected a condition (such as status:pending), found end of input"),
            ("words(answer) < abc", 16, "at column 17: expected a number after 'words(answer) <', found 'abc'"),
            ("score.clip >", 12, "at column 13: expected a number after 'score.clip >', found end of input"),
            ("score.clip pending", 11, "at column 12: expected a comparison (< <= > >= = !=) after 'score.clip', found 'pending'"),
            ("words(image) > 1", 6, "at column 7: expected instruction, answer or caption inside words(...), found 'image'"),
            ("item:4.5", 5, "at column 6: expected a whole item number after 'item:', found '4.5'"),
            ("item < x", 7, "at column 8: expected a number after 'item <', found 'x'"),
            ("status pending", 7, "at column 8: expected ':' after 'status', as in status:pending, found 'pending'"),
            ("text~\"as described", 5, "at column 6: this quoted text has no closing '\"'; add one (write \\\" for a quote inside it)"),
            ("text~\"!!\"", 5, "at column 6: there is nothing to search for in '\"!!\"'; search text needs at least one letter or digit"),
            ("status:pending ! source:a", 15, "at column 16: unexpected '!'; write 'not' to negate a condition, or '!=' to compare"),
            ("status:pending :", 15, "at column 16: expected 'and', 'or' or the end of the filter, found ':'"),
        ]
        for (text, offset, description) in cases {
            let error = try XCTUnwrap(parseError(text))
            XCTAssertEqual(error.offset, offset, text)
            XCTAssertEqual(error.description, description, text)
        }
    }

    func testDeepNestingIsAnErrorNotACrash() throws {
        let text = String(repeating: "(", count: 500) + "status:pending" + String(repeating: ")", count: 500)
        let error = try XCTUnwrap(parseError(text))
        XCTAssertTrue(error.message.contains("nests deeper"), error.message)
        XCTAssertNotNil(parseError(String(repeating: "not ", count: 500) + "status:pending"))
    }

    func testSortKeysRoundTripAndReportErrors() throws {
        for text in ["original", "-original", "score.clip", "-score.caption_leak", "random:42", "status", "-status",
                     "source", "-model", "words(answer)", "-words(instruction)"] {
            XCTAssertEqual(try SortKey(parsing: text).description, text)
        }
        XCTAssertEqual(try SortKey(parsing: ""), .original)
        XCTAssertEqual(try SortKey(parsing: "Score.clip"), SortKey(.score("clip")))
        XCTAssertEqual(try SortKey(parsing: "-score.clip"), SortKey(.score("clip"), descending: true))
        XCTAssertEqual(try SortKey(parsing: "random:7").field, .random(seed: 7))
        for (text, message) in [
            ("random", "expected a seed after 'random:', a whole number such as random:42"),
            ("-random:3", "a random order has no direction; write random:SEED without '-'"),
            ("score.", "expected a score name after 'score.', e.g. -score.caption_leak"),
            ("-stauts", "unknown sort 'stauts' (did you mean 'status'?); sorts are original, score.NAME, status, source, model, words(answer), random:SEED, each reversed by a leading '-' (not random)"),
        ] {
            do {
                _ = try SortKey(parsing: text)
                XCTFail(text)
            } catch {
                XCTAssertEqual(error.message, message, text)
            }
        }
    }

    // MARK: Matching

    /// Items 1...8 with a bit of everything.
    private func makeStore(_ scratch: Scratch) throws -> Store {
        let store = try scratch.store()
        try store.write { db in
            let f = try QueryFixture(db)
            // 1: a string id with leading zeros, a COCO image, a caption that leaks
            try f.add(origId: #""000000033471""#, source: "gpt4v", model: "gpt4v", image: "coco/train2017/1.jpg",
                      caption: "A red bus.", turns: [("human", "<image>\nWhat is in the   picture?"),
                                                     ("gpt", "As described, a red bus\nparked by the curb.")])
            // 2: a number id, long answer, Visual Genome image
            try f.add(origId: "42", source: "gpt4v", model: "gemini", image: "vg/1.jpg",
                      turns: [("human", "<image>\nDescribe it."),
                              ("gpt", (1...30).map { "word\($0)" }.joined(separator: " "))])
            // 3: text only, four turns, a role-order problem
            try f.add(origId: #""text-1""#, source: "sharegpt", flags: .roleOrder,
                      turns: [("human", "Write a poem."), ("gpt", "Rain falls."), ("human", "Another?"), ("gpt", "Sun.")])
            // 4: a source with a quote in it, no id
            try f.add(source: "it's", image: "coco/val2017/4.jpg",
                      turns: [("human", "<image>\nCount the cats please now"), ("gpt", "Three.")])
            // 5: an empty turn
            try f.add(origId: "7", source: "gpt4v", model: "gpt4v", image: "coco/train2017/5.jpg", flags: [.emptyTurn, .roleOrder],
                      turns: [("human", "<image>\n"), ("gpt", "  ")])
            // 6..8: plain
            for n in 6...8 {
                try f.add(origId: "\(n * 100)", source: "llava", model: nil, image: "coco/train2017/\(n).jpg",
                          turns: [("human", "<image>\nQuestion \(n)?"), ("gpt", "Answer \(n).")])
            }
            try f.score(1, "caption_leak", 0.8)
            try f.score(2, "caption_leak", 0)
            try f.score(3, "caption_leak", 1.5)
            try f.score(1, "clip", 0.31)
            try f.score(2, "clip", 0.12)
            try f.score(6, "clip", 0.9)
            try Decisions.decide(db, items: [1, 2], verdict: .accepted, reviewer: "ana")
            try Decisions.decide(db, items: [2, 3], verdict: .rejected, reviewer: "bo")
            try Decisions.decide(db, items: [4], verdict: .skipped, reviewer: "bo")
            try Decisions.note(db, item: 6, reviewer: "ana", text: "check the image")
            _ = try Edits.save(db, item: 7, turns: [Turn(role: "human", text: "<image>\nEdited question with five words?"),
                                                   Turn(role: "gpt", text: "Edited answer.")],
                               baseVersion: 0, reviewer: "ana")
            try db.execute(sql: "UPDATE items SET removed_at = '2024-01-01T00:00:00.000Z' WHERE id = 8")
        }
        return store
    }

    private func ids(_ store: Store, _ filter: String, thresholds: [String: Threshold]? = nil,
                     file: StaticString = #filePath, line: UInt = #line) throws -> [Int64] {
        let condition = try Filter(filter).sql(thresholds: thresholds)
        let ids = try store.read { db in
            try ItemQuery.registerFunctions(db)
            return try Int64.fetchAll(db, sql: "SELECT id FROM items WHERE \(condition.sql) ORDER BY id",
                               arguments: condition.statementArguments)
        }
        let query = try ItemQuery(filter: filter, thresholds: thresholds)
        XCTAssertEqual(try store.read { db in try query.count(db) }, ids.count, "count of \(filter)", file: file, line: line)
        return ids
    }

    func testEachFieldMatchesTheRightItems() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        let cases: [(String, [Int64])] = [
            ("", [1, 2, 3, 4, 5, 6, 7]),
            ("status:pending", [5, 6, 7]),
            ("status:accepted", [1]),
            ("not status:accepted", [2, 3, 4, 5, 6, 7]),
            ("status != rejected", [1, 4, 5, 6, 7]),
            ("source:gpt4v", [1, 2, 5]),
            ("source:gpt*", [1, 2, 5]),
            ("source:\"it's\"", [4]),
            ("model:gpt4v", [1, 5]),
            ("not model:gpt4v", [2, 3, 4, 6, 7]),
            ("model:gem*", [2]),
            ("id:000000033471", [1]),
            ("id:\"000000033471\"", [1]),
            ("id:42", [2]),
            ("id:0042", [2]),
            ("id:text-1", [3]),
            ("id:33471", []),
            ("not id:42", [1, 3, 4, 5, 6, 7]),
            ("item:4", [4]),
            ("item > 5", [6, 7]),
            ("image:coco/*", [1, 4, 5, 6, 7]),
            ("image:coco/train2017/*", [1, 5, 6, 7]),
            ("image:vg/1.jpg", [2]),
            ("not image:coco/*", [2, 3]),
            ("has:image", [1, 2, 4, 5, 6, 7]),
            ("not has:image", [3]),
            ("has:caption", [1]),
            ("has:model", [1, 2, 5]),
            ("has:edit", [7]),
            ("has:note", [6]),
            ("format:any", [3, 5]),
            ("format:none", [1, 2, 4, 6, 7]),
            ("format:role_order", [3, 5]),
            ("format:empty_turn", [5]),
            ("text~\"as described\"", [1]),
            ("\"AS DESCRIBED\"", [1]),
            ("text~\"described as\"", []),
            ("text~red", [1]),
            ("instruction~red", []),
            ("answer~red", [1]),
            ("caption~red", [1]),
            ("caption~\"red bus\"", [1]),
            ("text~\"edited question\"", [7]),
            ("text~\"question 7\"", []),
            ("text~\"rai*\"", [3]),
            ("words(answer) < 3", [4, 5, 6, 7]),
            ("words(answer) = 30", [2]),
            ("words(answer) = 9", [1]),
            ("words(instruction) = 5", [1, 4, 7]),
            ("words(instruction) = 4", [3]),
            ("words(instruction) = 0", [5]),
            ("words(caption) = 3", [1]),
            ("turns > 2", [3]),
            ("turns = 2", [1, 2, 4, 5, 6, 7]),
            ("score.caption_leak > 0", [1, 3]),
            ("score.caption_leak >= 0", [1, 2, 3]),
            ("score.caption_leak != 0", [1, 3]),
            ("not score.caption_leak > 0", [2, 4, 5, 6, 7]),
            ("score.clip < 0.3", [2]),
            ("score.clip <= 0.31", [1, 2]),
            ("score.missing > -1", []),
            ("score.caption_leak > 0 or text~\"as described\"", [1, 3]),
            ("bad:any", [3]),
            ("bad:caption_leak", [3]),
            ("warn:any", [1, 2, 3, 6]),
            ("warn:clip", [1, 2, 6]),
            ("reviewer:ana", [1, 2]),
            ("reviewer:bo", [2, 3, 4]),
            ("reviewer:nobody", []),
            ("disagree:any", [2]),
            ("removed:yes", [8]),
            ("removed:any", [1, 2, 3, 4, 5, 6, 7, 8]),
            ("removed:no", [1, 2, 3, 4, 5, 6, 7]),
            ("not removed:yes", [1, 2, 3, 4, 5, 6, 7]),
            ("removed:any source:llava", [6, 7, 8]),
            ("status:pending and source:gpt4v and words(answer) < 20", [5]),
            ("(status:pending or status:skipped) not has:note", [4, 5, 7]),
        ]
        for (filter, expected) in cases {
            XCTAssertEqual(try ids(store, filter), expected, filter)
        }
    }

    func testThresholdsDecideBadAndWarn() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        let profile: [String: Threshold] = [
            "caption_leak": Threshold(warn: 0.5, bad: 1.0, higherIsWorse: true),
            "clip": Threshold(warn: 0.35, bad: 0.2, higherIsWorse: false),
        ]
        XCTAssertEqual(try ids(store, "bad:caption_leak", thresholds: profile), [3])
        XCTAssertEqual(try ids(store, "warn:caption_leak", thresholds: profile), [1, 3])
        XCTAssertEqual(try ids(store, "bad:clip", thresholds: profile), [2])
        XCTAssertEqual(try ids(store, "warn:clip", thresholds: profile), [1, 2])
        XCTAssertEqual(try ids(store, "bad:any", thresholds: profile), [2, 3])
        XCTAssertEqual(try ids(store, "warn:any", thresholds: profile), [1, 2, 3])
        XCTAssertEqual(try ids(store, "warn:any and not bad:any", thresholds: profile), [1])
        // A score without thresholds in the profile, or not in it at all, is never bad.
        let silent = ["clip": Threshold(warn: nil, bad: nil)]
        XCTAssertEqual(try ids(store, "bad:clip", thresholds: silent), [])
        XCTAssertEqual(try ids(store, "bad:caption_leak", thresholds: silent), [])
        XCTAssertEqual(try ids(store, "bad:any", thresholds: silent), [])
        XCTAssertEqual(try ids(store, "warn:any", thresholds: [:]), [])
        // Warn without a warn threshold falls back to the bad one.
        let badOnly = ["caption_leak": Threshold(warn: nil, bad: 0.8)]
        XCTAssertEqual(try ids(store, "warn:caption_leak", thresholds: badOnly), [1, 3])
        // The built-in profile works as is.
        XCTAssertEqual(try ids(store, "bad:caption_leak", thresholds: ScoreProfile.builtin.thresholds), [3])
    }

    func testDisagreementUsesEachReviewersNewestActiveVerdict() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        XCTAssertEqual(try ids(store, "disagree:any"), [2])
        try store.write { db in
            // bo undoes his rejection of 2 and 3: no more disagreement on 2
            _ = try Decisions.undo(db, reviewer: "bo")
            _ = try Decisions.undo(db, reviewer: "bo")
            try Decisions.decide(db, items: [1], verdict: .rejected, reviewer: "cy")
        }
        XCTAssertEqual(try ids(store, "disagree:any"), [1])
        _ = try store.write { db in
            // ana changes her mind on 1: she rejects it too, her earlier accept no longer counts
            try Decisions.decide(db, items: [1], verdict: .rejected, reviewer: "ana")
        }
        XCTAssertEqual(try ids(store, "disagree:any"), [])
    }

    func testValuesNeverBecomeSQL() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        let before = try store.dump()
        let attacks = [
            #"source:"x'; DROP TABLE items; --""#,
            #"source:"gpt4v' OR '1'='1""#,
            #"id:"1' OR 1=1 --""#,
            #"model:"') OR 1=1 --""#,
            #"reviewer:"ana' OR 'x'='x""#,
            #"image:"*' OR 1=1 --""#,
            #"text~"red\" OR \"poem""#,
            #"text~"x\" OR * NEAR(a b) ^c OR red""#,
            #"text~"'; DROP TABLE items; --""#,
            #"answer~"a\" : instruction""#,
            #"score.x';DROP_TABLE_items;-- > 0"#,
            #"bad:"x' OR 1=1 --""#,
            #"category:"\" OR 1=1""#,
        ]
        for attack in attacks {
            let filter = try Filter(attack)
            XCTAssertFalse(filter.sql().sql.contains("DROP"), attack)
            XCTAssertEqual(try ids(store, attack), [], attack)
        }
        XCTAssertEqual(try store.dump(), before)
        // Quotes in real data still match exactly
        XCTAssertEqual(try ids(store, #"source:"it's""#), [4])
        XCTAssertEqual(try ids(store, #"not source:"it's""#), [1, 2, 3, 5, 6, 7])
    }

    func testOriginalIdFormsCoverStringsAndNumbers() {
        XCTAssertEqual(FilterCompiler.originalIdForms("000000033471"), [#""000000033471""#, "000000033471", "33471"])
        XCTAssertEqual(FilterCompiler.originalIdForms("42"), [#""42""#, "42"])
        XCTAssertEqual(FilterCompiler.originalIdForms("a\"b"), [#""a\"b""#, "a\"b"])
        XCTAssertEqual(FilterCompiler.originalIdForms("-007"), [#""-007""#, "-007", "-7"])
    }

    func testFullTextQueriesAreQuotedPhrases() {
        XCTAssertEqual(FilterCompiler.ftsQuery(nil, "as described"), #""as described""#)
        XCTAssertEqual(FilterCompiler.ftsQuery(.answer, #"say "hi""#), #"answer : "say ""hi""""#)
        XCTAssertEqual(FilterCompiler.ftsQuery(nil, "descr*"), #""descr" *"#)
    }

    func testWordCountHandlesAnyWhiteSpace() throws {
        let scratch = Scratch()
        let store = try scratch.store()
        let texts = ["", " ", "one", "  one  ", "one two", "one   two\n\nthree\tfour\r\nfive", "\n\t \n",
                     "tab\tseparated\u{0B}vertical\u{0C}feed", "no\u{A0}break\u{3000}ideographic\u{2009}thin\u{85}next",
                     "día über 東京 😀 x", "\u{2028}\u{2029}", "a\u{202F}b\u{205F}c\u{1680}d"]
        for text in texts {
            let expected = text.unicodeScalars.split(whereSeparator: \.properties.isWhitespace).count
            XCTAssertEqual(ItemQuery.countWords(text), expected, text.debugDescription)
            let counted = try store.read { db in
                try ItemQuery.registerFunctions(db)
                return try Int.fetchOne(db, sql: "SELECT winnow_words(?)", arguments: [text])
            }
            XCTAssertEqual(counted, expected, text.debugDescription)
        }
        try store.read { db in
            try ItemQuery.registerFunctions(db)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT winnow_words(NULL)"), 0)
            XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT winnow_words(12.5)"), 1)
        }
    }

    func testQueriesRegisterTheWordFunctionThemselves() throws {
        let scratch = Scratch()
        let store = try makeStore(scratch)
        let query = try ItemQuery(filter: "words(answer) = 30", sort: SortKey(parsing: "-words(answer)"))
        XCTAssertEqual(try store.read { db in try query.page(db, after: nil, limit: 5).map(\.id) }, [2])
        XCTAssertEqual(try store.read { db in try query.count(db) }, 1)
        XCTAssertTrue(try Filter("words(answer) < 3").usesFunctions)
        XCTAssertFalse(try Filter("status:pending").usesFunctions)
    }

    // MARK: Documentation

    /// The code blocks of docs/filters.md: the first lists filters, the errors block pairs a
    /// filter with its message. Both must stay true.
    func testDocumentedExamplesAndErrorsAreTheRealOnes() throws {
        let url = TestPaths.repository.appendingPathComponent("docs/filters.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        let blocks = text.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        let examples = try XCTUnwrap(blocks.first).split(separator: "\n").map(String.init)
        XCTAssertGreaterThan(examples.count, 3)
        for example in examples {
            XCTAssertNoThrow(try Filter(example), example)
        }
        let errors = try XCTUnwrap(blocks.first { $0.contains("at column") })
        let entries = errors.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .newlines) }.filter { !$0.isEmpty }
        XCTAssertGreaterThan(entries.count, 3)
        for entry in entries {
            let lines = entry.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.count, 2, entry)
            guard lines.count == 2, let error = parseError(lines[0]) else { continue }
            var message = lines[1]
            if message.hasSuffix("...") {
                message.removeLast(3)
                XCTAssertTrue(error.description.hasPrefix(message), "\(error.description) vs \(lines[1])")
            } else {
                XCTAssertEqual(error.description, message)
            }
        }
        for sort in ["original", "-score.caption_leak", "status", "source", "model", "words(answer)", "-original"] {
            XCTAssertTrue(text.contains("`\(sort)`"), sort)
            XCTAssertNoThrow(try SortKey(parsing: sort), sort)
        }
        for (written, example) in [("score.NAME", "score.clip"), ("random:SEED", "random:42")] {
            XCTAssertTrue(text.contains("`\(written)`"), written)
            XCTAssertNoThrow(try SortKey(parsing: example), example)
        }
    }
}
