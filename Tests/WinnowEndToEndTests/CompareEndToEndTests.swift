import Foundation
import GRDB
import WinnowCore
import WinnowTestSupport
import XCTest

/// `winnow compare` in tmux on the real MM-Instruct evaluation files: pairs judged with keys,
/// then the stored verdicts, the report and a judge's agreement checked.
final class CompareEndToEndTests: ScratchTestCase {
    var db: String!
    var folder: URL!

    override func setUpWithError() throws {
        guard TmuxSession.isAvailable else { throw XCTSkip("tmux is not installed (make test installs it)") }
        guard FileManager.default.isExecutableFile(atPath: TestPaths.binary.path) else {
            throw XCTSkip("the winnow binary is not built at \(TestPaths.binary.path) (make test builds it)")
        }
        guard let shared = TestPaths.shared else { throw XCTSkip("../shared is absent: the real evaluation files are not here") }
        folder = shared.appendingPathComponent("data/mm-instruct-eval")
        scratch = Scratch()
        db = scratch.path("eval.sqlite")
    }

    func winnow(_ arguments: [String]) throws -> ProcessResult {
        try runProcess(TestPaths.binary, arguments + ["--db", db])
    }

    func importAnswers(_ answerFiles: [String]) throws {
        var arguments = ["import", folder.appendingPathComponent("MM-Instruct-Eval-question.json").path]
        for file in answerFiles { arguments += ["--answers", file] }
        let result = try winnow(arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func answers(_ model: String) -> String { folder.appendingPathComponent("baseline_answers/\(model).json").path }

    func waitForExit(_ session: TmuxSession) throws {
        try session.waitFor("the program to exit") { _ in (try? session.paneDead()) ?? false }
    }

    func testJudgingRealPairsInBothOrdersStoresVerdictsAndReportsThem() throws {
        try importAnswers([answers("gpt4v"), answers("gemini-pro")])
        let command = "\(TestPaths.binary.path) compare --a gpt4v --b gemini-pro --both-orders --seed 5 --reviewer e2e --db \(db!)"
        let session = try TmuxSession(command: command, width: 120, height: 40)
        let first = try session.waitFor(text: "pair 1/198")
        XCTAssertTrue(first.contains("order 1/2"))
        XCTAssertTrue(first.contains("blind"))
        XCTAssertFalse(first.contains("gpt4v") || first.contains("gemini-pro"), "model names are hidden:\n\(first)")
        XCTAssertTrue(first.contains("Left answer (1)") && first.contains("Right answer (2)"))

        try session.send("1")
        try session.waitFor(text: "judged 1 ")
        try session.waitFor(text: "pair 2/198")
        try session.send("2")
        try session.waitFor(text: "judged 2 ")
        try session.send("3")
        try session.waitFor(text: "judged 3 ")
        try session.send("u")
        try session.waitFor(text: "Undone: your tie on question")
        try session.waitFor(text: "judged 2 ")
        try session.waitFor(text: "pair 3/198")
        try session.send("3")
        try session.waitFor(text: "judged 3 ")
        // The names of a pair judged in one order only stay hidden.
        try session.send("[")
        try session.waitFor(text: "pair 3/198")
        try session.send("m")
        try session.waitFor(text: "Judge both orders of this pair first")
        try session.send("n")
        try session.send("both answers ignore the haiku form", literal: true)
        try session.send("Enter")
        try session.waitFor(text: "Note saved.")
        try session.send("q")
        try waitForExit(session)

        // The store holds what was on screen, in the seed's blind order.
        let store = try Store(path: db)
        let set = try store.read { db in try ComparePairs.build(db, a: "gpt4v", b: "gemini-pro") }
        XCTAssertEqual(set.pairs.count, 99)
        XCTAssertEqual(set.missing, [])
        let showings = BlindOrder.showings(set, seed: 5, bothOrders: true)
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: """
                SELECT question, left_model, right_model, showing, verdict, undone_at IS NOT NULL AS undone, plan
                FROM judgments WHERE kind = 'verdict' AND reviewer = 'e2e' ORDER BY id
                """)
        }
        XCTAssertEqual(rows.count, 4)
        let expectedVerdicts = ["left", "right", "tie", "tie"]
        let expectedShowings = [0, 1, 2, 2]
        for (index, row) in rows.enumerated() {
            let showing = showings[expectedShowings[index]]
            XCTAssertEqual(row["question"] as String, set.pairs[showing.pair].key.question)
            XCTAssertEqual(row["left_model"] as String, showing.leftIsA ? "gpt4v" : "gemini-pro")
            XCTAssertEqual(row["right_model"] as String, showing.leftIsA ? "gemini-pro" : "gpt4v")
            XCTAssertEqual(row["showing"] as Int, 0)
            XCTAssertEqual(row["verdict"] as String, expectedVerdicts[index])
            XCTAssertEqual(row["undone"] as Bool, index == 2, "the third verdict was undone")
        }
        XCTAssertEqual(try store.count("SELECT seed FROM compare_plans WHERE reviewer = 'e2e'"), 5)
        XCTAssertEqual(try store.count("SELECT count(*) FROM judgments WHERE kind = 'note' AND note = 'both answers ignore the haiku form'"), 1)

        // The report counts the three active verdicts as they read by hand: showing 0's left model
        // won, showing 1's right model won, showing 2 is a tie.
        let winners = [showings[0].leftIsA ? "gpt4v" : "gemini-pro", showings[1].leftIsA ? "gemini-pro" : "gpt4v"]
        let report = try winnow(["compare", "--report", "--json", "--a", "gpt4v", "--b", "gemini-pro"])
        XCTAssertEqual(report.status, 0, report.stderr)
        guard case let .object(root) = try parseJSON(report.stdout), case let .array(pairs)? = root["pairs"],
              case let .object(pair)? = pairs.first else { return XCTFail(report.stdout) }
        XCTAssertEqual(pair["judgments"], .number("3"))
        XCTAssertEqual(pair["wins_a"], .number(String(winners.filter { $0 == "gpt4v" }.count)))
        XCTAssertEqual(pair["wins_b"], .number(String(winners.filter { $0 == "gemini-pro" }.count)))
        XCTAssertEqual(pair["ties"], .number("1"))
        XCTAssertEqual(pair["grouping"], .string("instruction"))
        let text = try winnow(["compare", "--report"])
        XCTAssertTrue(text.stdout.contains("gpt4v (A) vs gemini-pro (B): 3 questions, 3 judgments by 1 reviewer"), text.stdout)
        XCTAssertTrue(text.stdout.contains("reviewer e2e"), text.stdout)

        // A judge that agrees on the first two questions and calls the third for gpt4v.
        let questionIds = [0, 1, 2].map { set.pairs[showings[$0].pair].key.question }
        let judgeLines = [
            #"{"question_id": \#(questionIds[0]), "model_a": "\#(winners[0])", "model_b": "\#(winners[0] == "gpt4v" ? "gemini-pro" : "gpt4v")", "verdict": "A"}"#,
            #"{"question_id": \#(questionIds[1]), "model_a": "\#(winners[1])", "model_b": "\#(winners[1] == "gpt4v" ? "gemini-pro" : "gpt4v")", "verdict": "A"}"#,
            #"{"question_id": \#(questionIds[2]), "order": "AB", "verdict": "A"}"#,
            #"{"question_id": \#(questionIds[2]), "order": "BA", "verdict": "B"}"#,
        ]
        let judgeFile = scratch.write("gpt4v-judge.jsonl", judgeLines.joined(separator: "\n") + "\n")
        let imported = try winnow(["compare", "--import-verdicts", judgeFile, "--a", "gpt4v", "--b", "gemini-pro", "--json"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        guard case let .object(agreement) = try parseJSON(imported.stdout), case let .array(raters)? = agreement["agreement"],
              case let .object(e2e)? = raters.first else { return XCTFail(imported.stdout) }
        XCTAssertEqual(agreement["verdicts"], .number("4"))
        XCTAssertEqual(agreement["both_orders"], .number("1"))
        XCTAssertEqual(e2e["reviewer"], .string("e2e"))
        XCTAssertEqual(e2e["questions"], .number("3"))
        XCTAssertEqual(e2e["observed"], .number("0.6667"))
        let human = try winnow(["compare", "--import-verdicts", judgeFile, "--a", "gpt4v", "--b", "gemini-pro"])
        XCTAssertTrue(human.stdout.contains("Confusion, pooled (rows: reviewers, columns: judge"), human.stdout)

        let bad = scratch.write("bad.jsonl", #"{"question_id": 1, "order": "AB", "verdict": "maybe"}"# + "\n")
        let refused = try winnow(["compare", "--import-verdicts", bad, "--a", "gpt4v", "--b", "gemini-pro"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(refused.stderr, "winnow: \(bad):1: 'verdict' must be A, B or C, found \"maybe\". Nothing was imported; fix the line.\n")
    }

    func testANarrowTerminalStacksTheAnswersAndMissingQuestionsAreReported() throws {
        // gemini-pro's file without its answers to question_id 3 and 40, read from the real file at test time.
        let lines = try String(contentsOfFile: answers("gemini-pro"), encoding: .utf8).split(separator: "\n")
        let kept = lines.filter { line in
            guard case let .object(object)? = try? parseJSON(String(line)) else { return true }
            return object["question_id"] != .number("3") && object["question_id"] != .number("40")
        }
        XCTAssertEqual(kept.count, 97)
        let partial = scratch.write("gemini-pro.jsonl", kept.joined(separator: "\n") + "\n")
        try importAnswers([answers("llava-v1.5-13b"), partial])
        let command = "\(TestPaths.binary.path) compare --a llava-v1.5-13b --b gemini-pro --reviewer e2e --db \(db!)"
        let session = try TmuxSession(command: command, width: 80, height: 24)
        let screen = try session.waitFor(text: "pair 1/97")
        XCTAssertTrue(screen.contains("2 questions have no answer from gemini-pro"), screen)
        let rows = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let first = try XCTUnwrap(rows.firstIndex { $0.hasPrefix(" First answer (1)") }, screen)
        let second = try XCTUnwrap(rows.firstIndex { $0.hasPrefix(" Second answer (2)") }, screen)
        XCTAssertLessThan(first, second, "stacked, first over second")
        XCTAssertTrue(rows.allSatisfy { $0.count <= 80 })
        XCTAssertFalse(screen.contains("llava") || screen.contains("gemini-pro ·"), screen)

        try session.send("2")
        try session.waitFor(text: "judged 1 ")
        try session.send("[")
        try session.waitFor(text: "pair 1/97")
        try session.send("m")
        let revealed = try session.waitFor(text: "names shown")
        XCTAssertTrue(revealed.contains("First answer (1) · ") && revealed.contains("llava-v1.5-13b"), revealed)
        try session.send("q")
        try waitForExit(session)
        let report = try winnow(["compare", "--report"])
        XCTAssertTrue(report.stdout.contains("2 questions have no answer from gemini-pro and are left out (question_id 3, 40)."), report.stdout)
    }
}
