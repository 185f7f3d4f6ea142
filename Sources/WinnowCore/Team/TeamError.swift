import Foundation

/// Errors of the team features: work queue, decision transfer, event log, edit conflicts.
public enum TeamError: Error, CustomStringConvertible, Equatable {
    case invalidOverlap(Double)
    /// A line of a decisions file that cannot be read.
    case badTransferLine(file: String, line: Int, message: String)
    /// A decisions file names an item this store does not have.
    case unknownItem(file: String, line: Int, sourceFile: String, provKey: String)
    case badTime(String)
    case noSuchConflict(Int64)
    case conflictResolved(Int64)

    public var description: String {
        switch self {
        case let .invalidOverlap(value):
            return "The overlap share must be between 0 and 1 (0.1 sends 10% of items to a second reviewer), not \(value)."
        case let .badTransferLine(file, line, message):
            return "\(file):\(line): \(message). Nothing was imported; fix or remove the line and import again."
        case let .unknownItem(file, line, sourceFile, provKey):
            return "\(file):\(line): the item \(provKey) of \(sourceFile) is not in this store. Nothing was imported; "
                + "import that data file first (winnow import), or export from a copy of this store."
        case let .badTime(text):
            return "Cannot read the time '\(text)': give a date (2024-05-01), a UTC date and time (2024-05-01T14:30 or 2024-05-01T14:30:00Z) or an age (90s, 30m, 2h, 7d)."
        case let .noSuchConflict(id):
            return "There is no edit conflict \(id). `winnow edit --conflicts` lists the open ones."
        case let .conflictResolved(id):
            return "Edit conflict \(id) was already resolved."
        }
    }
}
