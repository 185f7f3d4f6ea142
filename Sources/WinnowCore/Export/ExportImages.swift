import Foundation

/// Checks the image files of output records under the training image folder, in parallel,
/// remembering every path's verdict (records often share images).
///
/// The default check is the header probe of ``ImageFiles/probe(path:)`` plus "the real
/// format matches the extension"; `decode` also decodes every image with ``ImageDecoder``.
final class ExportImageChecker {
    let root: String
    let decode: Bool

    /// Verdicts by path hash: 0 is fine, n > 0 is `kinds[n - 1]`.
    private var verdicts: [UInt64: UInt8] = [:]
    /// Problem kinds in the order first seen (`image_missing`, `image_extension_mismatch`...).
    private var kinds: [String] = []
    /// The first detail seen per kind, for examples that need more than the path.
    private var reasons: [UInt64: String] = [:]

    /// Files checked at the same time.
    static let lanes = 8

    init(root: String, decode: Bool) {
        self.root = root
        self.decode = decode
    }

    /// Checks the paths not seen before, several at a time.
    func prepare(_ paths: [String]) {
        var pending: [String] = []
        var pendingKeys: [UInt64] = []
        var batchKeys = Set<UInt64>()
        for path in paths {
            let key = Self.key(path)
            if verdicts[key] != nil || !batchKeys.insert(key).inserted { continue }
            pending.append(path)
            pendingKeys.append(key)
        }
        guard !pending.isEmpty else { return }
        let results = UnsafeMutableBufferPointer<ImageCheckResult?>.allocate(capacity: pending.count)
        results.initialize(repeating: nil)
        defer {
            results.deinitialize()
            results.deallocate()
        }
        let root = self.root
        let decode = self.decode
        let work = pending
        let shared = SharedResults(buffer: results)
        if work.count < 16 {
            for index in work.indices { shared.buffer[index] = Self.check(work[index], root: root, decode: decode) }
        } else {
            // File checks wait on the disk (or the network) far more than on the CPU: run
            // more of them than there are cores, on threads of their own.
            let lanes = min(work.count / 8, Self.lanes)
            let group = DispatchGroup()
            for lane in 0..<lanes {
                group.enter()
                let thread = Thread {
                    var index = lane
                    while index < work.count {
                        // Each lane writes its own slots only.
                        shared.buffer[index] = Self.check(work[index], root: root, decode: decode)
                        index += lanes
                    }
                    group.leave()
                }
                thread.start()
            }
            group.wait()
        }
        for (offset, key) in pendingKeys.enumerated() {
            guard let result = results[offset] else {
                verdicts[key] = 0
                continue
            }
            var code = kinds.firstIndex(of: result.kind).map { $0 + 1 } ?? 0
            if code == 0 {
                kinds.append(result.kind)
                code = kinds.count
            }
            verdicts[key] = UInt8(truncatingIfNeeded: min(code, 255))
            if let reason = result.reason { reasons[key] = reason }
        }
    }

    /// The problem with an image path (checked by ``prepare(_:)`` first, else now).
    func problem(_ path: String) -> ExportIssue? {
        let key = Self.key(path)
        if verdicts[key] == nil { prepare([path]) }
        guard let code = verdicts[key], code > 0, Int(code) <= kinds.count else { return nil }
        let detail = reasons[key].map { "\(path): \($0)" } ?? path
        return ExportIssue(kind: kinds[Int(code) - 1], detail: detail)
    }

    /// The result slots, shared by the lanes of `concurrentPerform`, each writing only its own.
    private struct SharedResults: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<ImageCheckResult?>
    }

    struct ImageCheckResult: Sendable {
        var kind: String
        var reason: String?
    }

    /// One file: resolved under the root, header probed, extension compared, maybe decoded.
    static func check(_ relative: String, root: String, decode: Bool) -> ImageCheckResult? {
        do throws(ImageProblem) {
            let path = try ImageFiles.resolve(relative, root: root)
            let info = try ImageFiles.probe(path: path)
            if !info.extensionMatches {
                let promised = ImageFormat.fromExtension(relative)
                let says = promised == .unknown ? "an unknown extension" : "a .\((relative as NSString).pathExtension) name"
                return ImageCheckResult(kind: ExportProblemKind.imagePrefix + "extension_mismatch",
                                        reason: "a \(info.format.rawValue.uppercased()) file with \(says)")
            }
            if decode {
                _ = try ImageDecoder.decode(path: path, fit: (width: 64, height: 64))
            }
            return nil
        } catch {
            var reason: String?
            switch error {
            case let .corrupt(_, why), let .unreadable(_, why): reason = why
            case let .tooLarge(_, width, height, _): reason = "\(width)×\(height)"
            default: reason = nil
            }
            return ImageCheckResult(kind: ExportProblemKind.imagePrefix + error.kind, reason: reason)
        }
    }

    static func key(_ path: String) -> UInt64 {
        var hasher = FastHasher()
        hasher.combine(path)
        return hasher.finalized
    }
}
