import Foundation
import WinnowCore

/// Runs the pairwise view's effects: judgments in the store, previews through
/// ``PreviewRenderer``. Synchronous: a write takes milliseconds and a preview tens of them.
public final class CompareEngine {
    public let store: Store

    public init(store: Store) {
        self.store = store
    }

    /// Runs one effect; errors come back as `.failed` with a sentence for the status line.
    public func run(_ effect: CompareEffect) -> [CompareAction] {
        do {
            switch effect {
            case let .record(showing, verdict, reviewer):
                try store.write { db in _ = try Judgments.record(db, showing, verdict: verdict, reviewer: reviewer) }
                return [.judged(showing.showingKey, verdict)]
            case let .undo(reviewer, modelA, modelB):
                let undone = try store.write { db in try Judgments.undo(db, reviewer: reviewer, modelA: modelA, modelB: modelB) }
                return [.undone(undone)]
            case let .note(showing, text, reviewer):
                try store.write { db in try Judgments.note(db, showing, text: text, reviewer: reviewer) }
                return [.noted(showing.showingKey)]
            case let .loadPreview(request, _):
                return [.previewLoaded(Self.preview(request))]
            case .quit:
                return []
            }
        } catch let error as StoreError {
            return [.failed(error.description)]
        } catch {
            return [.failed("Could not save: \(error).")]
        }
    }

    /// Renders a preview, or says why there is none.
    public static func preview(_ request: ComparePreviewRequest) -> ComparePreview {
        guard let image = request.image else { return .noImage(request) }
        do {
            let path = try ImageFiles.resolve(image, root: request.imageRoot)
            let rendered = try PreviewRenderer.render(path: path, columns: request.columns, rows: request.rows,
                                                      colors: request.colors)
            return .shown(request, image: rendered, info: rendered.info)
        } catch {
            return .problem(request, error.description)
        }
    }
}
