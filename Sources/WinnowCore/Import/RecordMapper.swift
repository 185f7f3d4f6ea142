/// One record, mapped from its source layout to what the store holds.
struct ParsedItem: Sendable {
    var origId: JSONValue?
    var provKey: String
    var recordIndex: Int
    var image: String?
    var caption: String?
    var model: String?
    var category: String?
    var extra: JSONObject?
    var turns: [Turn]
    var formatFlags: FormatFlags
    var contentHash: UInt64
}

/// A record that cannot be imported, and why (a sentence fragment naming the key).
struct RecordProblem: Error {
    var reason: String
}

/// Maps records of each layout to ``ParsedItem``s. Pure: no I/O, no store.
enum RecordMapper {
    /// Keys of a LLaVA record that have columns of their own; everything else goes to `extra`.
    static let llavaKeys: Set<String> = ["id", "image", "conversations", "model", "caption", "category"]

    /// A LLaVA conversation record.
    static func llava(_ value: JSONValue, index: Int, hash: UInt64) throws(RecordProblem) -> ParsedItem {
        guard case let .object(object) = value else {
            throw RecordProblem(reason: "the record is \(value.kindName), not a JSON object")
        }
        let id = try identifier(object["id"], key: "id")
        let image = try optionalString(object["image"], key: "image")
        guard let conversations = object["conversations"] else {
            throw RecordProblem(reason: "'conversations' is missing")
        }
        guard case let .array(list) = conversations else {
            throw RecordProblem(reason: "'conversations' must be an array of {\"from\", \"value\"} objects, found \(conversations.kindName)")
        }
        guard !list.isEmpty else { throw RecordProblem(reason: "'conversations' is empty") }
        var turns: [Turn] = []
        turns.reserveCapacity(list.count)
        for (position, entry) in list.enumerated() {
            guard case let .object(turn) = entry else {
                throw RecordProblem(reason: "turn \(position + 1) is \(entry.kindName), not a {\"from\", \"value\"} object")
            }
            guard case let .string(role)? = turn["from"] else {
                throw RecordProblem(reason: "turn \(position + 1) has no 'from' string")
            }
            guard case let .string(text)? = turn["value"] else {
                throw RecordProblem(reason: "turn \(position + 1) has no 'value' string")
            }
            turns.append(Turn(role: role, text: text))
        }
        var extra = JSONObject()
        for (key, value) in zip(object.keys, object.values) where !llavaKeys.contains(key) {
            extra.set(key, value)
        }
        let hasImage = image != nil
        return ParsedItem(
            origId: id, provKey: "", recordIndex: index, image: image,
            caption: try optionalString(object["caption"], key: "caption"),
            model: try optionalString(object["model"], key: "model"),
            category: try optionalString(object["category"], key: "category"),
            extra: extra.count > 0 ? extra : nil, turns: turns,
            formatFlags: FormatFlags.check(turns, hasImage: hasImage, expectsToken: true),
            contentHash: hash)
    }

    /// An instruction/answer record whose keys a ``FieldMap`` names.
    static func mapped(_ value: JSONValue, map: FieldMap, index: Int, hash: UInt64) throws(RecordProblem) -> ParsedItem {
        guard case let .object(object) = value else {
            throw RecordProblem(reason: "the record is \(value.kindName), not a JSON object")
        }
        guard let instruction = lookup(object, map.instruction) else {
            throw RecordProblem(reason: "'\(map.instruction)' (the instruction) is missing")
        }
        guard case var .string(prompt) = instruction else {
            throw RecordProblem(reason: "'\(map.instruction)' (the instruction) must be a string, found \(instruction.kindName)")
        }
        guard let answerValue = lookup(object, map.answer) else {
            throw RecordProblem(reason: "'\(map.answer)' (the answer) is missing")
        }
        guard case let .string(answer) = answerValue else {
            throw RecordProblem(reason: "'\(map.answer)' (the answer) must be a string, found \(answerValue.kindName)")
        }
        if let inputKey = map.input, case let .string(input)? = lookup(object, inputKey), !input.isEmpty {
            prompt += "\n\n" + input
        }
        let used = Set([map.id, map.image, map.instruction, map.input, map.answer, map.caption, map.model, map.category]
            .compactMap { $0?.split(separator: ".").first.map(String.init) })
        var extra = JSONObject()
        for (key, value) in zip(object.keys, object.values) where !used.contains(key) {
            extra.set(key, value)
        }
        let image = try map.image.flatMap { key throws(RecordProblem) in try optionalString(lookup(object, key), key: key) }
        let turns = [Turn(role: "human", text: prompt), Turn(role: "gpt", text: answer)]
        return ParsedItem(
            origId: try map.id.flatMap { key throws(RecordProblem) in try identifier(lookup(object, key), key: key) },
            provKey: "", recordIndex: index, image: image,
            caption: try map.caption.flatMap { key throws(RecordProblem) in try optionalString(lookup(object, key), key: key) },
            model: try map.model.flatMap { key throws(RecordProblem) in try optionalString(lookup(object, key), key: key) },
            category: try map.category.flatMap { key throws(RecordProblem) in try optionalString(lookup(object, key), key: key) },
            extra: extra.count > 0 ? extra : nil, turns: turns,
            formatFlags: FormatFlags.check(turns, hasImage: image != nil, expectsToken: false),
            contentHash: hash)
    }

    /// An MM-Instruct question: `question_id`, `image`, `text`, `caption`, `category`.
    static func question(_ value: JSONValue) throws(RecordProblem) -> (id: JSONValue, object: JSONObject) {
        guard case let .object(object) = value else {
            throw RecordProblem(reason: "the question is \(value.kindName), not a JSON object")
        }
        guard let id = try identifier(object["question_id"], key: "question_id") else {
            throw RecordProblem(reason: "'question_id' is missing")
        }
        guard case .string? = object["text"] else {
            throw RecordProblem(reason: "'text' (the instruction) is missing or not a string")
        }
        _ = try optionalString(object["image"], key: "image")
        _ = try optionalString(object["caption"], key: "caption")
        return (id, object)
    }

    /// Joins a question with one model's answer.
    static func questionAnswer(question: JSONObject, questionId: JSONValue, answer: String, model: String,
                               index: Int, hash: UInt64) throws(RecordProblem) -> ParsedItem {
        let instruction = question["text"]?.stringValue ?? ""
        let image = try optionalString(question["image"], key: "image")
        let turns = [Turn(role: "human", text: instruction), Turn(role: "gpt", text: answer)]
        return ParsedItem(
            origId: questionId, provKey: "", recordIndex: index, image: image,
            caption: try optionalString(question["caption"], key: "caption"), model: model,
            category: try optionalString(question["category"], key: "category"), extra: nil, turns: turns,
            formatFlags: FormatFlags.check(turns, hasImage: image != nil, expectsToken: false),
            contentHash: hash)
    }

    /// `a.b.c` looked up through nested objects.
    static func lookup(_ object: JSONObject, _ path: String) -> JSONValue? {
        var current: JSONValue = .object(object)
        for part in path.split(separator: ".") {
            guard case let .object(inner) = current, let next = inner[String(part)] else { return nil }
            current = next
        }
        return current
    }

    /// A string field that may be absent; `null` and `""` count as absent.
    static func optionalString(_ value: JSONValue?, key: String) throws(RecordProblem) -> String? {
        switch value {
        case nil, .null?: return nil
        case let .string(text)?: return text.isEmpty ? nil : text
        case let other?: throw RecordProblem(reason: "'\(key)' must be a string, found \(other.kindName)")
        }
    }

    /// An identifier: a string or a number, kept as the JSON value it was.
    static func identifier(_ value: JSONValue?, key: String) throws(RecordProblem) -> JSONValue? {
        switch value {
        case nil, .null?: return nil
        case let id? where id.isScalarId: return id
        case let other?: throw RecordProblem(reason: "'\(key)' must be a string or a number, found \(other.kindName)")
        }
    }
}

extension JSONValue {
    /// "a string", "an object"...: for error messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The value as plain text: strings without quotes, numbers as written.
    public var plainText: String {
        switch self {
        case let .string(text): return text
        case let .number(lexeme): return lexeme
        default: return jsonText
        }
    }
}
