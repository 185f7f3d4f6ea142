import Foundation
import WinnowTestSupport
import XCTest
@testable import WinnowCore

/// Each text scorer on hand-made positive and negative cases.
final class ScorerTests: XCTestCase {
    let scorer = TextScorer()

    func value(_ name: BuiltinScorer, _ input: ScoreInput) -> Double? {
        scorer.score(input).first { $0.scorer == name }?.value
    }

    func value(_ name: BuiltinScorer, _ instruction: String, _ answer: String, caption: String? = nil) -> Double? {
        value(name, ScoreInput(instruction: instruction, answer: answer, caption: caption))
    }

    func detail(_ name: BuiltinScorer, _ instruction: String, _ answer: String) -> String? {
        scorer.score(ScoreInput(instruction: instruction, answer: answer)).first { $0.scorer == name }?.detail
    }

    // MARK: caption_leak

    func testCaptionLeakFlagsAnswersThatTalkAboutTheirSourceText() {
        let ask = "Describe the scene in the image."
        XCTAssertGreaterThanOrEqual(value(.captionLeak, ask, "Based on the description, the car appears to be red.") ?? 0, 1)
        XCTAssertGreaterThanOrEqual(value(.captionLeak, ask, "The caption suggests that the weather is sunny.") ?? 0, 1)
        XCTAssertGreaterThanOrEqual(value(.captionLeak, ask, "As mentioned in the caption, a man is walking.") ?? 0, 1)
        XCTAssertGreaterThanOrEqual(value(.captionLeak, ask, "The description does not mention the dog, but it is likely nearby.") ?? 0, 1)
        XCTAssertGreaterThanOrEqual(value(.captionLeak, ask, "Here is a postcard inspired by the image you described.") ?? 0, 1)
        XCTAssertEqual(detail(.captionLeak, ask, "According to the description provided, it rains."), "[\"according to the description\"]")
    }

    func testCaptionLeakLeavesOrdinaryAnswersAlone() {
        let ask = "Describe the scene in the image."
        XCTAssertEqual(value(.captionLeak, ask, "A red car is parked by the curb while people walk past."), 0)
        XCTAssertEqual(value(.captionLeak, ask, "The passage leads to a wooden door at the end of the courtyard."), 0)
        XCTAssertEqual(value(.captionLeak, ask, "The bird could be described in many ways, but it is small."), 0)
    }

    func testCaptionLeakIsHalvedWhenTheInstructionAsksForACaption() {
        let leak = value(.captionLeak, "Write a caption for this photo.", "Here is the caption: Sunset over the bay.") ?? 0
        XCTAssertEqual(leak, 0.5)
        XCTAssertEqual(ScoreProfile.builtin.level(name: "caption_leak", value: leak), .warn)
    }

    // MARK: refusal

    func testRefusalAtTheStartIsBadAndLaterIsWarn() {
        let ask = "Write a review of the product in the image."
        XCTAssertEqual(value(.refusal, ask, "I'm sorry, but I cannot see the image you are referring to."), 1)
        XCTAssertEqual(value(.refusal, ask, "As an AI language model, I don't have the ability to view images."), 1)
        XCTAssertEqual(value(.refusal, ask, "I apologize, but I am unable to describe details that are not provided."), 1)
        let late = String(repeating: "The shoes are comfortable and the design is modern. ", count: 10)
            + "Tom said: I'm sorry, but I can't stay."
        XCTAssertEqual(value(.refusal, ask, late), 0.5)
    }

    func testRefusalIgnoresOrdinaryUsesOfCannot() {
        let ask = "Write a dialogue."
        XCTAssertEqual(value(.refusal, ask, "Jerry: I can't believe they're tied.\nBen: Me neither."), 0)
        XCTAssertEqual(value(.refusal, ask, "The sky is blue and you cannot miss the bright sun."), 0)
    }

    // MARK: words, turns, tokens

    func testWordCountsTurnsAndTokens() {
        let input = ScoreInput(turns: [
            Turn(role: "human", text: "<image>\nWhat are the colors of the bus?"),
            Turn(role: "gpt", text: "The bus is white and red."),
            Turn(role: "human", text: "Where is it parked?"),
            Turn(role: "gpt", text: "By the curb."),
        ], image: "coco/1.jpg")
        XCTAssertEqual(value(.wordsInstruction, input), 11)
        XCTAssertEqual(value(.wordsAnswer, input), 9)
        XCTAssertEqual(value(.turns, input), 4)
        // 576 for the image + per turn max(ceil(1.3 words), ceil(chars / 4)) + 4.
        // Turn 1: 7 words -> 10 (chars 38/4 -> 10); turn 2: 6 -> 8; turn 3: 4 -> 6 (19 chars -> 5); turn 4: 3 -> 4.
        XCTAssertEqual(value(.tokensEst, input), 576 + (10 + 4) + (8 + 4) + (6 + 4) + (4 + 4))
        let chinese = ScoreInput(instruction: "描述这张图片", answer: "一只猫坐在窗台上")
        XCTAssertEqual(value(.wordsAnswer, chinese), 8, "each Han character counts as a word")
    }

    func testTokensEstimateFlagsLongConversations() {
        let long = String(repeating: "word ", count: 1700)
        let tokens = value(.tokensEst, ScoreInput(instruction: "Describe.", answer: long, image: "a.jpg")) ?? 0
        XCTAssertGreaterThan(tokens, 2048)
        XCTAssertEqual(ScoreProfile.builtin.level(name: "tokens_est", value: tokens), .bad)
        XCTAssertEqual(ScoreProfile.builtin.level(name: "tokens_est", value: 2048), .warn)
    }

    // MARK: repetition

    func testRepetitionFlagsRepeatedSentences() {
        let ask = "Write a guide."
        let repeated = "Start by folding your clothes. " + String(repeating: "Use packing cubes or bags to keep your clothes organized and easy to find. ", count: 6)
        XCTAssertGreaterThanOrEqual(value(.repetition, ask, repeated) ?? 0, 0.5)
        let normal = """
            The old lighthouse stands on a rocky cliff above the harbour. Fishing boats return in the evening, \
            their nets heavy with the day's catch. Children run along the pier while gulls circle overhead, \
            and an old man repairs a sail in the fading light. Later the town square fills with music.
            """
        XCTAssertLessThan(value(.repetition, ask, normal) ?? 1, 0.3)
        XCTAssertGreaterThanOrEqual(value(.repetition, ask, String(repeating: "ha", count: 200)) ?? 0, 0.5)
    }

    /// The n-gram counter's share of the ⌊√distinct⌋ most frequent repeated n-grams equals
    /// the same share counted with a dictionary: in texts with few repeated n-grams (the sum
    /// kept while counting), with many (read from the repeated slots), with counts past its
    /// histogram, and after reuse on a smaller text.
    func testGramCounterTopShareMatchesADictionaryCount() {
        func reference(_ hashes: [UInt64]) -> Double {
            var counts: [UInt64: Int] = [:]
            for hash in hashes { counts[hash, default: 0] += 1 }
            let repeated = counts.values.filter { $0 > 1 }.sorted(by: >)
            let take = Int(Double(counts.count).squareRoot())
            return Double(repeated.prefix(take).reduce(0, +)) / Double(hashes.count)
        }
        var generator = SplitMix64(seed: 7)
        let counter = GramCounter()
        var slowPathCases = 0
        for round in 0..<300 {
            let count = 50 + Int(generator.next() % 3000)
            // A vocabulary of `kinds` n-grams, some of them frequent: from all distinct to
            // one n-gram repeated 3,000 times.
            let kinds = 1 + Int(generator.next() % UInt64(round % 3 == 0 ? 20 : count))
            // Distinct in the 31 bits the counter keeps as its key.
            var keys = Set<UInt64>()
            var vocabulary: [UInt64] = []
            while vocabulary.count < kinds {
                let hash = generator.next()
                if keys.insert(hash >> 33).inserted { vocabulary.append(hash) }
            }
            let hashes = (0..<count).map { _ in
                vocabulary[Int(min(generator.next() % UInt64(kinds), generator.next() % UInt64(kinds)))]
            }
            counter.reset(expected: count)
            for hash in hashes { counter.add(hash) }
            let distinct = Set(hashes).count
            let repeatedKinds = Dictionary(grouping: hashes, by: { $0 }).values.filter { $0.count > 1 }.count
            if repeatedKinds > Int(Double(distinct).squareRoot()) { slowPathCases += 1 }
            XCTAssertEqual(counter.distinct, distinct, "round \(round)")
            XCTAssertEqual(counter.topRepeatedShare(total: count), reference(hashes), accuracy: 1e-12, "round \(round)")
        }
        XCTAssertGreaterThan(slowPathCases, 50, "the cases must reach the path that reads the repeated slots")
    }

    /// The counter's n-grams of a text are its 10-byte substrings: distinct and repeated
    /// counts equal a dictionary of the substrings themselves, on texts from a small alphabet
    /// (many repeats) to a large one, including UTF-8 and lengths around 10.
    func testGramCounterCountsTheTenByteSubstringsOfAText() {
        var generator = SplitMix64(seed: 11)
        let counter = GramCounter()
        let alphabets: [[String]] = [["a", "b"], ["ab", "c", " "], Array("abcdefghij klmnop".map(String.init)),
                                     ["é", "ü", "日", "a", " "], Array("abcdefghijklmnopqrstuvwxyz ,.".map(String.init))]
        for round in 0..<200 {
            let alphabet = alphabets[round % alphabets.count]
            let length = round < 20 ? round : 5 + Int(generator.next() % 1500)
            var text = ""
            for _ in 0..<length { text += alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let bytes = Array(text.utf8)
            var counts: [ArraySlice<UInt8>: Int] = [:]
            if bytes.count >= 10 {
                for i in 0...(bytes.count - 10) { counts[bytes[i..<(i + 10)], default: 0] += 1 }
            }
            let total = max(0, bytes.count - 9)
            counter.reset(expected: bytes.count)
            let counted = bytes.withUnsafeBufferPointer { counter.addGrams(of: $0) }
            XCTAssertEqual(counted, total, "round \(round)")
            XCTAssertEqual(counter.distinct, counts.count, "round \(round)")
            guard total > 0 else { continue }
            let repeated = counts.values.filter { $0 > 1 }.sorted(by: >)
            let take = Int(Double(counts.count).squareRoot())
            let expected = Double(repeated.prefix(take).reduce(0, +)) / Double(total)
            XCTAssertEqual(counter.topRepeatedShare(total: total), expected, accuracy: 1e-12, "round \(round)")
        }
    }

    /// The duplicate search's radix sort orders (key, index) pairs as a comparison sort on
    /// both would: keys from a few values (long runs of equal keys, whose index order must
    /// survive), keys that differ only in their top or bottom 16 bits (skipped passes), and
    /// full 64-bit keys; below and above the size where the radix passes take over.
    func testRadixSortOrdersPairsByKeyThenIndex() {
        var generator = SplitMix64(seed: 5)
        let shapes: [(UInt64) -> UInt64] = [{ $0 % 7 }, { ($0 % 300) << 48 }, { $0 & 0xFFFF }, { $0 }, { _ in 42 }]
        for (shapeIndex, shape) in shapes.enumerated() {
            for count in [0, 1, 2, 17, 5000, 70_000] {
                var pairs = (0..<count).map { (shape(generator.next()), Int32($0)) }
                let expected = pairs.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
                RadixSort.sortByKey(&pairs)
                XCTAssertTrue(pairs.elementsEqual(expected, by: { $0.0 == $1.0 && $0.1 == $1.1 }),
                              "shape \(shapeIndex), \(count) pairs")
            }
        }
    }

    /// The share of equal 16-bit MinHash values of two signatures, counted without a branch
    /// per value, equals a count value by value: signatures that share from none to all 32
    /// values, with values that are 0, 0x8000 or 0xFFFF (the edges of the carry trick).
    func testMinHashSimilarityCountsEqualSixteenBitValues() {
        var generator = SplitMix64(seed: 3)
        let edges: [UInt64] = [0, 0x8000, 0xFFFF, 0x7FFF, 1]
        for round in 0..<2000 {
            var a = SIMD8<UInt64>(), b = SIMD8<UInt64>()
            var equal = 0
            for field in 0..<32 {
                let lane = field / 4, shift = UInt64(16 * (field % 4))
                let mine = round % 3 == 0 ? edges[Int(generator.next() % 5)] : generator.next() & 0xFFFF
                var theirs = round % 3 == 0 ? edges[Int(generator.next() % 5)] : generator.next() & 0xFFFF
                if generator.next() % 32 < UInt64(round % 33) { theirs = mine }
                if mine == theirs { equal += 1 }
                a[lane] |= mine << shift
                b[lane] |= theirs << shift
            }
            XCTAssertEqual(MinHash.similarity(a, b), Double(equal) / 32, "round \(round)")
        }
    }

    // MARK: truncated

    func testTruncatedFindsAnswersThatStopMidSentence() {
        let ask = "Describe the image."
        XCTAssertEqual(value(.truncated, ask, "The cat sits on the"), 1)
        XCTAssertEqual(value(.truncated, ask, "Here are the steps:"), 1)
        XCTAssertEqual(value(.truncated, ask, "The recipe (serves four is easy."), 1)
        XCTAssertEqual(value(.truncated, ask, "Steps:\n1. Mix the flour.\n2. Add water.\n3."), 1)
        XCTAssertEqual(value(.truncated, ask, "A refreshing drink that combines sweet and tangy flavors,"), 1)
        XCTAssertEqual(value(.truncated, ask, "```python\nprint(1)\n"), 1)
    }

    func testTruncatedLeavesFinishedAnswersAlone() {
        let ask = "Describe the image."
        XCTAssertEqual(value(.truncated, ask, "The cat sits on the mat."), 0)
        XCTAssertEqual(value(.truncated, ask, "Yes"), 0)
        XCTAssertEqual(value(.truncated, ask, "Two"), 0)
        XCTAssertEqual(value(.truncated, ask, "Golden Peep-toe Pumps: A Chic Accessory on the Purple Carpet"), 0)
        XCTAssertEqual(value(.truncated, ask, "Enjoy the sunshine! #summer #beach"), 0)
        XCTAssertEqual(value(.truncated, ask, "Snowflakes dance in air,\nCultural symbols emerge,\nNature's art on display"), 0)
        XCTAssertEqual(value(.truncated, ask, "Smile (it helps)."), 0)
    }

    /// A long answer whose last line of eight words or more stops without punctuation is
    /// half truncated; a short last line, a list item or a heading is not.
    func testTruncatedWeighsALongLastLineWithoutFinalPunctuation() {
        let ask = "Describe the image."
        let opening = "The picture shows a quiet street in the early morning light, with shops still closed.\n"
        XCTAssertEqual(value(.truncated, ask, opening + "A baker carries fresh loaves of bread into the corner house"), 0.5)
        XCTAssertEqual(value(.truncated, ask, opening + "Bread for sale"), 0)
        XCTAssertEqual(value(.truncated, ask, opening + "- a baker carries fresh loaves of bread into the corner house"), 0)
        XCTAssertEqual(value(.truncated, ask, opening + "# A baker carries fresh loaves of bread into the corner house"), 0)
    }

    // MARK: ungrounded

    func testUngroundedMeasuresAnswerWordsMissingFromTheCaption() {
        let caption = "A red car is parked on a quiet street next to a tall oak tree."
        let grounded = value(.ungrounded, "Describe the image.", "The red car is parked under a tall oak tree on a quiet street.", caption: caption) ?? 1
        let invented = value(.ungrounded, "Describe the image.",
                             "A purple dragon breathes fire over the castle while knights gallop across the meadow.",
                             caption: caption) ?? 0
        XCTAssertLessThan(grounded, 0.2)
        XCTAssertGreaterThan(invented, 0.6)
        // Words of the instruction count as grounded; plurals and verb forms meet their stems.
        let stems = value(.ungrounded, "Write about the castle.", "Cars parked near castles.", caption: "A car parks by a castle.") ?? 1
        XCTAssertEqual(stems, 0)
    }

    func testUngroundedNeedsACaption() {
        XCTAssertNil(value(.ungrounded, "Describe the image.", "A cat.", caption: nil))
        XCTAssertNil(value(.ungrounded, "Describe the image.", "A cat.", caption: "   "))
    }

    // MARK: off_instruction

    func testOffInstructionHaikuMustHaveThreeLines() {
        let ask = "Craft a short haiku inspired by the provided image."
        XCTAssertEqual(value(.offInstruction, ask, "Waterfall's roar,\nNature's symphony,\nFalls into the river,\nCulture's reflection,\nSymbol of life's flow."), 1)
        XCTAssertEqual(value(.offInstruction, ask, "Whispers of ivory,\nWoven tales of time stand still,\nSilence holds secrets."), 0)
        XCTAssertEqual(value(.offInstruction, ask, "Here is a haiku:\n\nTiny, shiny beads\nReflect the sun's bright rays\nNature's beauty shown"), 0)
        XCTAssertEqual(value(.offInstruction, ask, "Snow on the pine / silence in the valley / a crow calls"), 0)
    }

    func testOffInstructionConciseButLong() {
        let long = String(repeating: "The model walks the runway in a sharp white suit with confidence. ", count: 12)
        XCTAssertEqual(value(.offInstruction, "Craft a concise caption capturing the fashion in the image.", long), 1)
        XCTAssertEqual(value(.offInstruction, "Craft a concise caption capturing the fashion in the image.",
                             "A model walks the runway in a white suit, exuding elegance."), 0)
        XCTAssertEqual(value(.offInstruction, "Describe the bus in one sentence.", "The bus is red. It is parked. It is old."), 1)
        XCTAssertEqual(value(.offInstruction, "What color is the bus? Answer the question using a single word or phrase.",
                             "The bus in the picture is painted a bright shade of red and white."), 1)
        XCTAssertEqual(value(.offInstruction, "What color is the bus? Answer the question using a single word or phrase.", "Red"), 0)
    }

    func testOffInstructionListAskedButProseGiven() {
        let prose = "The lighthouse was built long ago. It guided ships for a century and is now a museum that many people visit every summer."
        XCTAssertEqual(value(.offInstruction, "List five interesting facts about the lighthouse in the image.", prose), 1)
        XCTAssertEqual(value(.offInstruction, "List five interesting facts about the lighthouse in the image.",
                             "1. It is old.\n2. It is tall.\n3. It is white.\n4. It guided ships.\n5. It is a museum."), 0)
        XCTAssertEqual(value(.offInstruction, "Create a concise care guide for the plants, including watering and sunlight tips.",
                             "Water: Allow the top inch of soil to dry between waterings.\nSunlight: Bright, indirect light works best for both plants.\nMaintenance: Wipe the leaves."), 0)
    }

    func testOffInstructionLongFormAnsweredWithOneShortLine() {
        XCTAssertEqual(value(.offInstruction, "Create promotional content for music albums shown in the image.", "Promote the new album by Maroon 5!"), 1)
        XCTAssertEqual(value(.offInstruction, "Write a short story set in the place shown in the image.", "A cat lived there."), 1)
        let story = String(repeating: "Once upon a time a fisherman lived by the sea and mended his nets every morning. ", count: 8)
        XCTAssertEqual(value(.offInstruction, "Write a short story set in the place shown in the image.", story), 0)
        // Questions are not long-form requests.
        XCTAssertEqual(value(.offInstruction, "Is this a travel guide?", "Yes"), 0)
        XCTAssertEqual(value(.offInstruction, "What is the title of this book?", "The Lord of the Rings"), 0)
    }

    func testOffInstructionAnswerThatRepeatsTheInstruction() {
        let ask = "Create a patriotic-themed digital postcard inspired by the given image."
        XCTAssertEqual(value(.offInstruction, ask, ask), 1)
    }

    // MARK: language

    func testLanguageScriptAndStopWordMismatch() {
        let ask = "Generate a historical overview of the product shown in the image."
        XCTAssertEqual(value(.language, ask, "这是一台高速蒸发装置，广泛用于制药和生物技术领域的研究与开发。"), 1)
        XCTAssertEqual(value(.language, ask, "Это устройство широко используется в фармацевтике и биотехнологии для исследований."), 1)
        XCTAssertEqual(value(.language, ask, "Das Gerät ist ein schneller Verdampfer, der in der Forschung und in der Industrie für die Entwicklung von Medikamenten eingesetzt wird."), 1)
        XCTAssertEqual(value(.language, ask, "The device is a fast evaporator that is used in research and in the development of new drugs."), 0)
        XCTAssertEqual(value(.language, ask, "A lone runner finds solace in the 曠野, pushing their body and mind to the limit."), 0)
    }

    func testLanguageNoise() {
        let noisy = "The product \u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD} is \u{1}\u{2}\u{3} great Ã© Ã© Ã©"
        XCTAssertGreaterThanOrEqual(value(.language, "Describe it.", noisy) ?? 0, 0.5)
    }

    // MARK: format

    func testFormatCountsFlags() {
        var input = ScoreInput(instruction: "Hi", answer: "")
        input.formatFlags = [.emptyTurn, .imageTokenMissing]
        let result = scorer.score(input).first { $0.scorer == .format }
        XCTAssertEqual(result?.value, 2)
        XCTAssertEqual(result?.detail, "[\"empty_turn\",\"image_token_missing\"]")
        XCTAssertEqual(value(.format, ScoreInput(instruction: "Hi", answer: "Hello")), 0)
    }

    // MARK: Reading stored conversations

    func testStoredConversationsReadAsTheFullParserReadsThem() throws {
        let written = Conversations.encode([
            Turn(role: "human", text: "<image>\nWhat is \"this\"?\tA back\\slash, a bell \u{7}, é 中 😀"),
            Turn(role: "gpt", text: ""),
        ])
        let samples = [
            "[]",
            written,
            #"[{"from":"human","value":"\u00e9\u4e2d\n\/"}]"#,
            #"[{"from":"human","value":"\ud83d\ude00 a surrogate pair"}]"#,
            #"[{"value":"x","from":"gpt"}]"#,
            #"[ {"from":"human","value":"spaced"} ]"#,
            #"[{"from":"human","value":"a","extra":1},{"from":"gpt"}]"#,
        ]
        // Long texts (read eight bytes at a time) with a quote, a backslash, an escape or a
        // non-ASCII character at every position of a word, and runs of several.
        let specials = ["\"", "\\", "\n", "\t", "é", "\u{1}", "\"\\", "\n\n"]
        var long: [String] = []
        for special in specials {
            for offset in 0..<18 {
                let text = String(repeating: "abcdefgh", count: 3).prefix(offset) + special + String(repeating: "xyz ", count: 7) + special
                long.append(Conversations.encode([Turn(role: "human", text: String(text)), Turn(role: "gpt", text: special + String(text))]))
            }
        }
        for sample in samples + long {
            var copy = sample
            let read = try copy.withUTF8 { try ConversationReader.turns($0) }
            XCTAssertEqual(read, try Conversations.decode(sample), sample)
        }
        for sample in long {
            var copy = sample
            XCTAssertNotNil(copy.withUTF8 { ConversationReader.fastTurns($0) }, sample)
        }
        // A raw control character is invalid JSON: the fast path leaves it to the full parser.
        var raw = #"[{"from":"human","value":"0123456789abcdef\#u{1}"}]"#
        XCTAssertNil(raw.withUTF8 { ConversationReader.fastTurns($0) })
        var rawAfterEscape = #"[{"from":"human","value":"0123\n456789abcdef0123\#u{1f}"}]"#
        XCTAssertNil(rawAfterEscape.withUTF8 { ConversationReader.fastTurns($0) })
        // What Winnow writes takes the fast path, not the full parser.
        var copy = written
        XCTAssertNotNil(copy.withUTF8 { ConversationReader.fastTurns($0) })
    }

    func testOrdinalIsThePositionInAllCases() {
        for (index, scorer) in BuiltinScorer.allCases.enumerated() {
            XCTAssertEqual(Int(scorer.ordinal), index, scorer.rawValue)
        }
    }

    // MARK: Every scorer

    func testEveryTextScorerIsDocumentedAndDeterministic() throws {
        let input = ScoreInput(instruction: "Write a haiku.", answer: "A\nB\nC", caption: "letters")
        XCTAssertEqual(scorer.score(input), TextScorer().score(input))
        let names = Set(scorer.score(input).map(\.name))
        XCTAssertEqual(names, Set(BuiltinScorer.allCases.filter { $0.kind == .text }.map(\.rawValue)))
        let docs = try String(contentsOfFile: TestPaths.repository.appendingPathComponent("docs/scores.md").path, encoding: .utf8)
        let headings = docs.split(separator: "\n").filter { $0.hasPrefix("### ") }
        for scorer in BuiltinScorer.allCases {
            XCTAssertTrue(headings.contains { $0.contains("`\(scorer.rawValue)`") }, "docs/scores.md documents \(scorer.rawValue)")
        }
    }
}
