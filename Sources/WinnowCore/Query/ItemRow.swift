import GRDB

/// One line of the item list: what the list shows, and where the row sits in its query's order.
public struct ItemRow: Sendable, Equatable {
    /// The Winnow item id.
    public var id: Int64
    /// The original id as JSON text (`"0001"` for a string, `42` for a number), or nil.
    public var origId: String?
    public var source: String
    public var model: String?
    public var image: String?
    /// The directory `image` resolves against (the import's image root), or nil.
    public var imageRoot: String?
    public var status: ItemStatus
    public var formatFlags: FormatFlags
    /// The conversation version (0: as imported).
    public var version: Int
    /// The first instruction turn of the current conversation, without `<image>` tokens,
    /// at most 200 characters ('' when there is none).
    public var instruction: String
    /// The scores asked for (those the item has).
    public var scores: [String: Double]
    /// The row's value for the sort (NULL when the sort is by id alone).
    public var sortValue: DatabaseValue
    /// The part of the sort the row is in.
    public var segment: Int

    public init(id: Int64, origId: String? = nil, source: String = "", model: String? = nil, image: String? = nil,
                imageRoot: String? = nil, status: ItemStatus = .pending, formatFlags: FormatFlags = [], version: Int = 0, instruction: String = "",
                scores: [String: Double] = [:], sortValue: DatabaseValue = .null, segment: Int = 0) {
        self.id = id
        self.origId = origId
        self.source = source
        self.model = model
        self.image = image
        self.imageRoot = imageRoot
        self.status = status
        self.formatFlags = formatFlags
        self.version = version
        self.instruction = instruction
        self.scores = scores
        self.sortValue = sortValue
        self.segment = segment
    }

    /// The position of this row, to page from.
    public var cursor: PageCursor { PageCursor(segment: segment, value: sortValue, id: id) }

    /// The original id as plain text (strings without quotes), or `#id` when there is none.
    public var displayId: String {
        guard let origId else { return "#\(id)" }
        return (try? parseJSON(origId).plainText) ?? origId
    }
}
