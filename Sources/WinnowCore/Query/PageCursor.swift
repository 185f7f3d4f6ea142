import GRDB

/// A position in a query's order, just after or before one row: the row's segment of the
/// sort, its sort value and its item id.
///
/// A cursor stays valid when items change: paging from it continues with whatever now
/// sorts after (or before) that position, even if its own row has left the result.
/// It belongs to the sort it came from.
public struct PageCursor: Sendable, Equatable {
    /// Which part of the sort the row is in (see ``SortKey``: e.g. scored, then unscored items).
    public var segment: Int
    /// The row's sort value (NULL when the part is ordered by id alone).
    public var value: DatabaseValue
    /// The row's item id.
    public var id: Int64

    public init(segment: Int = 0, value: DatabaseValue = .null, id: Int64) {
        self.segment = segment
        self.value = value
        self.id = id
    }
}
