/// The word lists and phrase lists of the text scorers, compiled once into hash tables.
///
/// Phrases are matched on words, not characters: "I'm sorry, but" matches the words
/// `i'm sorry but`, whatever the punctuation and case. At each position the longest phrase
/// wins and matches never overlap.
final class Lexicon: @unchecked Sendable {
    static let shared = Lexicon()

    enum Category: UInt8, Sendable {
        case leak, refusal, trigger
    }

    /// Requests found in instructions, for `off_instruction`.
    enum Trigger: String, Sendable, CaseIterable {
        case haiku, limerick
        case concise, oneSentence, oneWord
        case shortUnit  // caption, slogan, headline, title, tagline
        case list, steps
        case longForm, longFormWeak
        case dialogue
    }

    struct Phrase: Sendable {
        var words: [UInt64]
        var category: Category
        var weight: Double
        var label: String
        /// For leak phrases: the phrase names "description" or "caption", which an
        /// instruction may legitimately ask for.
        var namesSourceWord: Bool
        var trigger: Trigger?
    }

    struct Match {
        var phrase: Int
        var start: Int
    }

    // Flags of ``table``.
    static let stopWord: UInt32 = 1
    static let english: UInt32 = 2
    static let german: UInt32 = 4
    static let spanish: UInt32 = 8
    static let french: UInt32 = 16
    static let dangling: UInt32 = 64
    static let interrogative: UInt32 = 128
    /// Per phrase category, bit `rawValue` above these: a phrase of that category of two or
    /// more words starts with this word, or a one-word phrase of it is this word. A scan for
    /// some categories looks phrases up only at the words that can start one of them.
    static let categoryStartShift: UInt32 = 9
    static let categoryWordShift: UInt32 = 12
    static let languages: [(UInt32, String)] = [(english, "en"), (german, "de"), (spanish, "es"), (french, "fr")]

    /// Flags per word.
    let table: WordTable
    let phrases: [Phrase]
    /// Candidate phrase lists, by first two words (``pairs``) or by the word (``singles``):
    /// value `(start + 1) << 8 | count` into ``lists``, longest phrases first.
    private let pairs: WordTable
    private let singles: WordTable
    private let lists: UnsafeMutablePointer<Int32>
    /// Per phrase: offset of its words in ``flatWords``, word count, category bit.
    private let offsets: UnsafeMutablePointer<Int32>
    private let counts: UnsafeMutablePointer<Int32>
    private let categories: UnsafeMutablePointer<UInt8>
    private let flatWords: UnsafeMutablePointer<UInt64>
    let descriptionWord: UInt64
    let captionWord: UInt64

    init() {
        var phrases: [Phrase] = []
        func add(_ category: Category, _ weight: Double, _ texts: [String], trigger: Trigger? = nil) {
            for text in texts {
                let words = WordHash.words(text)
                guard !words.isEmpty else { continue }
                let names = text.contains("description") || text.contains("caption") || text.contains("described")
                phrases.append(Phrase(words: words, category: category, weight: weight, label: text,
                                      namesSourceWord: names, trigger: trigger))
            }
        }
        add(.leak, 1.0, Self.leakStrong)
        add(.leak, 0.5, Self.leakWeak)
        add(.refusal, 1.0, Self.refusals)
        for (trigger, texts) in Self.triggers {
            add(.trigger, trigger == .longFormWeak ? 0.5 : 1.0, texts, trigger: trigger)
        }

        let table = WordTable(capacity: 2048)
        for word in Self.englishStopWords { for h in WordHash.words(word) { table.set(h, Self.stopWord, merge: true) } }
        for (flag, list) in [(Self.english, Self.englishMarkers), (Self.german, Self.germanMarkers),
                             (Self.spanish, Self.spanishMarkers), (Self.french, Self.frenchMarkers)] {
            for word in list { for h in WordHash.words(word) { table.set(h, flag, merge: true) } }
        }
        for word in Self.danglingWords { for h in WordHash.words(word) { table.set(h, Self.dangling, merge: true) } }
        for word in Self.interrogatives { for h in WordHash.words(word) { table.set(h, Self.interrogative, merge: true) } }

        var byPair: [UInt64: [Int]] = [:]
        var bySingle: [UInt64: [Int]] = [:]
        for (index, phrase) in phrases.enumerated() {
            if phrase.words.count == 1 {
                bySingle[phrase.words[0], default: []].append(index)
                table.set(phrase.words[0], 1 << (Self.categoryWordShift + UInt32(phrase.category.rawValue)), merge: true)
            } else {
                byPair[WordHash.combine(phrase.words[0], phrase.words[1]), default: []].append(index)
                table.set(phrase.words[0], 1 << (Self.categoryStartShift + UInt32(phrase.category.rawValue)), merge: true)
            }
        }
        let total = phrases.count
        let lists = UnsafeMutablePointer<Int32>.allocate(capacity: total)
        let offsets = UnsafeMutablePointer<Int32>.allocate(capacity: total)
        let counts = UnsafeMutablePointer<Int32>.allocate(capacity: total)
        let categories = UnsafeMutablePointer<UInt8>.allocate(capacity: total)
        let wordCount = phrases.reduce(0) { $0 + $1.words.count }
        let flatWords = UnsafeMutablePointer<UInt64>.allocate(capacity: wordCount)
        var cursor = 0
        for (index, phrase) in phrases.enumerated() {
            offsets[index] = Int32(cursor)
            counts[index] = Int32(phrase.words.count)
            categories[index] = 1 << phrase.category.rawValue
            for w in phrase.words {
                flatWords[cursor] = w
                cursor += 1
            }
        }
        var listCursor = 0
        func store(_ groups: [UInt64: [Int]], into target: WordTable) {
            for (key, members) in groups {
                let sorted = members.sorted { phrases[$0].words.count != phrases[$1].words.count
                    ? phrases[$0].words.count > phrases[$1].words.count : $0 < $1 }
                target.set(key, UInt32((listCursor + 1) << 8 | min(sorted.count, 255)))
                for member in sorted {
                    lists[listCursor] = Int32(member)
                    listCursor += 1
                }
            }
        }
        let pairs = WordTable(capacity: byPair.count + 16)
        let singles = WordTable(capacity: bySingle.count + 16)
        store(byPair, into: pairs)
        store(bySingle, into: singles)
        self.pairs = pairs
        self.singles = singles
        self.lists = lists
        self.offsets = offsets
        self.counts = counts
        self.categories = categories
        self.flatWords = flatWords
        self.table = table
        self.phrases = phrases
        descriptionWord = WordHash.words("description")[0]
        captionWord = WordHash.words("caption")[0]
    }

    deinit {
        lists.deallocate()
        offsets.deallocate()
        counts.deallocate()
        categories.deallocate()
        flatWords.deallocate()
    }

    /// Phrase matches of `category` in `words[range]`, longest first, not overlapping.
    /// `flags[i]` is `table.get(words[i])` (see ``flags(of:into:)``).
    func matches(_ words: [UInt64], flags: [UInt32], _ range: Range<Int>, _ category: Category, into out: inout [Match]) {
        matches(words, flags: flags, range, mask: 1 << category.rawValue, into: &out)
    }

    /// Phrase matches of the categories in `mask` (bit `1 << rawValue`).
    func matches(_ words: [UInt64], flags: [UInt32], _ range: Range<Int>, mask: UInt8, into out: inout [Match]) {
        let end = range.upperBound
        let starts = UInt32(mask) << Self.categoryStartShift
        let single = UInt32(mask) << Self.categoryWordShift
        words.withUnsafeBufferPointer { w in
            flags.withUnsafeBufferPointer { flags in
                var i = range.lowerBound
                while i < end {
                    let flags = flags[i]
                    if flags & (starts | single) != 0 {
                        var length = 0
                        if flags & starts != 0, i + 1 < end {
                            let list = pairs.get(WordHash.combine(w[i], w[i + 1]))
                            if list != 0 { length = firstMatch(list, w, i, end, mask, &out) }
                        }
                        if length == 0, flags & single != 0 {
                            let list = singles.get(w[i])
                            if list != 0 { length = firstMatch(list, w, i, end, mask, &out) }
                        }
                        if length > 0 {
                            i += length
                            continue
                        }
                    }
                    i += 1
                }
            }
        }
    }

    /// The flags of every word (``table``'s values), looked up once for all the scorers that
    /// read them; `flags` is emptied first and keeps its capacity.
    func flags(of words: [UInt64], into flags: inout [UInt32]) {
        flags.removeAll(keepingCapacity: true)
        flags.reserveCapacity(words.count)
        let table = self.table
        for word in words { flags.append(table.get(word)) }
    }

    @inline(__always)
    private func firstMatch(_ list: UInt32, _ w: UnsafeBufferPointer<UInt64>, _ i: Int, _ end: Int, _ mask: UInt8,
                            _ out: inout [Match]) -> Int {
        let start = Int(list >> 8) - 1
        let count = Int(list & 0xFF)
        for k in start..<(start + count) {
            let phrase = Int(lists[k])
            guard categories[phrase] & mask != 0 else { continue }
            let length = Int(counts[phrase])
            guard i + length <= end else { continue }
            let offset = Int(offsets[phrase])
            var same = true
            for j in 0..<length where w[i + j] != flatWords[offset + j] {
                same = false
                break
            }
            if same {
                out.append(Match(phrase: phrase, start: i))
                return length
            }
        }
        return 0
    }

    // MARK: - Lists

    /// The answer talks about its source text. Weight 1.
    static let leakStrong = [
        "the description", "the descriptions", "this description", "the caption", "the captions", "this caption",
        "the provided description", "the given description", "the image description", "the text description",
        "the description provided", "the caption provided", "description provided",
        "as described", "as mentioned in the description", "as mentioned in the caption", "as stated in the description",
        "based on the description", "according to the description", "based on the caption", "according to the caption",
        "from the description", "in the description", "in the caption", "described in the text",
        "the provided text", "the given text", "the text you provided", "the text provided", "the provided information",
        "the information provided", "the information given", "the given information", "based on the provided",
        "based on the given", "based on the information", "based on the text", "according to the text",
        "the image you described", "you described", "you have described", "you've described", "the scene you described",
        "the provided passage", "the given passage", "described above", "the above description",
        "there is no mention", "there's no mention", "is not mentioned", "are not mentioned", "not mentioned in",
        "does not mention", "doesn't mention", "do not mention", "don't mention", "no mention of",
        "does not specify", "doesn't specify", "is not specified", "are not specified", "not specified in",
        "the description mentions", "the caption mentions", "the caption suggests", "the description suggests",
    ]

    /// Weaker signs of the same (weight 0.5): common in ordinary text too.
    static let leakWeak = [
        "is described as", "are described as", "was described as", "is mentioned", "are mentioned",
        "mentioned above", "not provided", "is not provided", "no information about", "no information on",
        "no details about", "no details on", "not clear from", "it is unclear", "it's unclear",
    ]

    /// Refusals, apologies and inability statements.
    static let refusals = [
        "as an ai", "as an ai language model", "as a language model", "as an artificial intelligence",
        "as a text based", "as a text-based ai", "i'm an ai", "i am an ai",
        "i'm sorry but", "i am sorry but", "sorry but i", "i apologize", "i'm sorry i", "i am sorry i",
        "i cannot see", "i can't see", "i can not see", "i cannot view", "i can't view", "i cannot access",
        "i can't access", "i'm unable to", "i am unable to", "i'm not able to", "i am not able to",
        "i don't have the ability", "i do not have the ability", "i don't have the capability",
        "i do not have the capability", "i don't have access", "i do not have access",
        "i don't have the capacity", "i do not have the capacity",
        "i cannot provide", "i can't provide", "i cannot assist", "i can't assist", "i cannot help", "i can't help with",
        "i cannot create", "i can't create", "i cannot generate", "i can't generate", "i cannot determine",
        "i can't determine", "i cannot complete", "i can't complete", "i cannot answer", "i can't answer",
        "i cannot write", "i can't write", "i cannot fulfill", "i can't fulfill", "i cannot comply", "i can't comply",
        "i cannot describe", "i can't describe", "i cannot identify", "i can't identify",
        "unable to view", "unable to see the image", "not able to see the image", "not able to view",
        "there is no image", "there's no image", "no image provided", "no image was provided", "no image is provided",
        "no image attached", "attach the image", "upload the image", "provide the image", "share the image",
        "not possible for me", "it is not possible for me", "i'm not sure what you",
    ]

    /// Requests recognised in instructions.
    static let triggers: [(Trigger, [String])] = [
        (.haiku, ["haiku", "haiku poem"]),
        (.limerick, ["limerick"]),
        (.concise, ["concise", "concisely", "brief", "briefly", "succinct", "succinctly", "short", "shortly",
                    "in a few words", "few words", "keep it short", "brief summary"]),
        (.oneSentence, ["one sentence", "a single sentence", "single sentence", "in a sentence", "one-sentence"]),
        (.oneWord, ["one word", "single word", "a single word or phrase", "single word or phrase", "one word or phrase",
                    "a word or phrase", "one or two words"]),
        (.shortUnit, ["caption", "slogan", "headline", "tagline", "title", "motto", "one-liner", "hashtag", "hashtags"]),
        (.list, ["list", "lists", "bullet", "bullets", "bulleted", "bullet points", "bullet point", "enumerate",
                 "checklist", "top 5", "top five", "top 10", "top ten"]),
        (.steps, ["step by step", "steps", "step-by-step", "tips", "instructions for", "how to", "how-to"]),
        (.longForm, ["describe in detail", "in detail", "in great detail", "great detail", "detailed", "detailed description", "story", "stories",
                     "narrative", "essay", "article", "blog post", "blog", "tutorial", "guide", "recipe", "overview",
                     "historical overview", "analyze", "analyse", "analysis", "letter", "speech", "report",
                     "promotional content", "marketing campaign", "campaign", "paragraph", "poem", "dialogue", "dialog",
                     "script", "travel guide", "lesson plan", "itinerary", "biography", "press release", "care guide"]),
        (.longFormWeak, ["explain", "explanation", "review", "summarize", "summarise", "summary", "compare",
                         "comparison", "tasting note", "product description", "social media post", "advertisement"]),
        (.dialogue, ["dialogue", "dialog", "conversation between", "script", "interview"]),
    ]

    /// Words a finished English sentence does not end with.
    static let danglingWords = [
        "the", "a", "an", "and", "or", "but", "nor", "of", "to", "with", "in", "on", "at", "for", "from", "by", "into",
        "onto", "that", "which", "who", "whose", "is", "are", "was", "were", "be", "been", "being", "has", "have", "had",
        "will", "would", "can", "could", "should", "shall", "may", "might", "must", "his", "her", "their", "its", "my",
        "your", "our", "this", "these", "those", "as", "than", "very", "such", "some", "also", "there", "when", "where",
        "while", "if", "because", "so", "although", "though", "whether", "i", "we", "they", "he", "she", "it's",
        "the", "including", "like", "between", "about", "through", "during", "both", "each", "every", "not",
    ]

    /// First words of questions: long-form and list rules do not apply to them.
    static let interrogatives = ["is", "are", "was", "were", "does", "do", "did", "what", "who", "which", "where",
                                 "when", "why", "whose", "how", "whom", "has", "have", "will"]

    /// English function words, left out of `ungrounded`'s content words.
    static let englishStopWords = """
        a about above across after again against all almost along also although always am among an and another any \
        anyone anything are around as at away be became because become becomes been before being below beside besides \
        between beyond both but by can cannot could did do does doing done down during each either else enough even \
        ever every everything few for from further had has have having he her here hers herself him himself his how \
        however i if in into is it its itself just least less like made make makes many may me might more most much \
        must my myself near neither never no nor not nothing now of off often on once one only onto or other others \
        our ours ourselves out over own per perhaps quite rather really same several shall she should since so some \
        something such than that the their theirs them themselves then there therefore these they this those though \
        through throughout thus to together too toward towards under until up upon us very via was we well were what \
        whatever when where whether which while who whom whose why will with within without would yet you your yours \
        yourself yourselves it's i'm you're we're they're that's there's here's let's don't doesn't didn't isn't \
        aren't wasn't weren't won't can't couldn't shouldn't wouldn't i've you've we've they've i'll you'll we'll \
        image images picture pictures photo photos scene shown shows show depicted depicts depict displayed visible \
        appears appear seems seem overall also additionally furthermore moreover including include includes various \
        two three four five first second third \
        make makes making made use uses using used help helps create creates created provide provides offer offers \
        feature features featuring design designs style styles great perfect beautiful unique enjoy enjoying \
        experience add adds adding keep keeps look looks looking feel feels way ways time times people new good best \
        better well perfectly simply truly really just even still while always never every each many much lot lots \
        thing things something anyone everyone someone whether also like love loved lovely amazing wonderful stunning \
        vibrant elegant rich deep sense moment moments life world day together own ensure sure need needs want wants \
        get gets give gives take takes find finds bring brings set sets allow allows perfect ideal essential whole \
        truly special important different various variety overall small large big little high low long short
        """.split(separator: " ").map(String.init).filter { !$0.isEmpty }

    static let englishMarkers = ["the", "and", "is", "are", "of", "to", "with", "this", "that", "it", "for", "was",
                                 "you", "be", "have", "on", "as", "by", "at", "from", "or", "which", "their", "its",
                                 "an", "were", "has", "they", "will", "can", "your", "these", "there"]
    static let germanMarkers = ["der", "die", "das", "und", "ist", "nicht", "ein", "eine", "einen", "mit", "auf",
                                "für", "von", "den", "dem", "zu", "sich", "auch", "im", "dass", "wir", "sie", "ich",
                                "sind", "wird", "werden", "oder", "aber", "wie", "bei", "nach", "des", "einer", "vom"]
    static let spanishMarkers = ["el", "los", "las", "y", "es", "una", "un", "del", "que", "con", "por", "para", "en",
                                 "se", "su", "al", "como", "más", "pero", "este", "esta", "sus", "muy", "también",
                                 "son", "está", "hay", "la", "de", "lo"]
    static let frenchMarkers = ["le", "les", "des", "et", "est", "une", "un", "du", "que", "avec", "pour", "dans",
                                "sur", "pas", "ce", "qui", "au", "il", "elle", "sont", "la", "de", "cette", "aux",
                                "ou", "mais", "très", "nous", "vous", "leur", "à", "c'est", "l'image"]
}
