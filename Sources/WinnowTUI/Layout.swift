/// A rectangle of cells.
public struct Rect: Equatable, Sendable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }
}

/// Where each pane goes for a terminal size.
///
/// Narrow terminals (under 120 columns) stack the list over the detail and preview panes;
/// wide ones put the list on the left and detail over preview on the right. The last two
/// lines are the status line and the message/prompt line.
public struct Layout: Equatable, Sendable {
    public static let minimumWidth = 60
    public static let minimumHeight = 16

    public var list: Rect
    public var detail: Rect
    public var preview: Rect
    public var status: Rect
    public var message: Rect
    public var tooSmall: Bool

    public init(width: Int, height: Int) {
        tooSmall = width < Self.minimumWidth || height < Self.minimumHeight
        let body = max(0, height - 2)
        status = Rect(x: 0, y: body, width: width, height: 1)
        message = Rect(x: 0, y: body + 1, width: width, height: 1)
        if width >= 120 {
            let listWidth = width * 45 / 100
            list = Rect(x: 0, y: 0, width: listWidth, height: body)
            let right = width - listWidth - 1
            let previewHeight = max(8, body * 2 / 5)
            detail = Rect(x: listWidth + 1, y: 0, width: right, height: body - previewHeight)
            preview = Rect(x: listWidth + 1, y: body - previewHeight, width: right, height: previewHeight)
        } else {
            let listHeight = max(5, body / 3)
            list = Rect(x: 0, y: 0, width: width, height: listHeight)
            let previewWidth = width * 2 / 5
            detail = Rect(x: 0, y: listHeight, width: width - previewWidth - 1, height: body - listHeight)
            preview = Rect(x: width - previewWidth, y: listHeight, width: previewWidth, height: body - listHeight)
        }
    }
}
