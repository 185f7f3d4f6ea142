/// Where the pairwise view's panes go for a terminal size.
///
/// The top band holds the question (instruction, caption) on the left and the image preview
/// on the right; below it the two answers side by side, or stacked (first over second) under
/// ``sideBySideWidth`` columns. The last two lines are the status line and the message/prompt line.
public struct CompareLayout: Equatable, Sendable {
    public static let minimumWidth = 60
    public static let minimumHeight = 16
    /// Narrower terminals stack the answers.
    public static let sideBySideWidth = 100

    public var question: Rect
    public var image: Rect
    public var left: Rect
    public var right: Rect
    public var status: Rect
    public var message: Rect
    public var sideBySide: Bool
    public var tooSmall: Bool

    public init(width: Int, height: Int) {
        tooSmall = width < Self.minimumWidth || height < Self.minimumHeight
        sideBySide = width >= Self.sideBySideWidth
        let body = max(0, height - 2)
        status = Rect(x: 0, y: body, width: width, height: 1)
        message = Rect(x: 0, y: body + 1, width: width, height: 1)
        let top = sideBySide ? max(8, body * 2 / 5) : max(6, body / 3)
        let imageWidth = max(20, width * 2 / 5)
        question = Rect(x: 0, y: 0, width: width - imageWidth - 1, height: top)
        image = Rect(x: width - imageWidth, y: 0, width: imageWidth, height: top)
        let answers = body - top
        if sideBySide {
            let half = (width - 1) / 2
            left = Rect(x: 0, y: top, width: half, height: answers)
            right = Rect(x: half + 1, y: top, width: width - half - 1, height: answers)
        } else {
            let upper = answers / 2
            left = Rect(x: 0, y: top, width: width, height: upper)
            right = Rect(x: 0, y: top + upper, width: width, height: answers - upper)
        }
    }

    /// The rectangle of a pane.
    public func rect(_ pane: ComparePane) -> Rect {
        switch pane {
        case .question: return question
        case .left: return left
        case .right: return right
        }
    }

    /// The cells a preview may fill: the image pane below its title, less a caption line.
    public var previewArea: (columns: Int, rows: Int) {
        (max(0, image.width - 2), max(0, image.height - 2))
    }
}
