import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written under a temporary name in its final folder, then flushed, `fsync`ed and
/// renamed over the final path: the final path holds the complete old file or the complete
/// new one, never a part.
///
/// The temporary name is `.<name>.winnow-tmp-<pid>` beside the final file. While it exists,
/// SIGINT, SIGTERM and SIGHUP remove it before the process dies. SIGKILL (or a power cut)
/// cannot be caught: the temporary file stays, and the next export to the same path removes
/// leftovers whose process is gone.
final class AtomicOutputFile {
    let finalPath: String
    let tempPath: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let flushSize = 4 << 20
    private(set) var bytesWritten = 0
    private var finished = false

    init(path: String) throws(ExportError) {
        finalPath = path
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        guard !name.isEmpty else { throw ExportError.cannotWrite(path: path, reason: "it names no file") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ExportError.cannotWrite(path: path, reason: "it is a directory")
        }
        tempPath = (folder.isEmpty ? "" : folder + "/") + Self.tempPrefix(name) + String(getpid())
        Self.removeStaleTemps(finalPath: path)
        unlink(tempPath)
        // Registered before the file exists, so a signal between open and registration
        // cannot leave it behind.
        TempFileRegistry.register(tempPath)
        let descriptor = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            TempFileRegistry.unregister(tempPath)
            throw ExportError.cannotWrite(path: path, reason: reason)
        }
        fd = descriptor
        buffer.reserveCapacity(flushSize + (1 << 16))
    }

    deinit { discard() }

    static func tempPrefix(_ name: String) -> String { "." + name + ".winnow-tmp-" }

    /// Appends bytes (buffered).
    func write(_ bytes: UnsafeRawBufferPointer) throws(ExportError) {
        if buffer.count + bytes.count > flushSize {
            try flush()
            if bytes.count > flushSize {
                try writeAll(bytes)
                return
            }
        }
        buffer.append(contentsOf: bytes)
    }

    func write(_ bytes: [UInt8]) throws(ExportError) {
        var failure: ExportError?
        bytes.withUnsafeBytes { raw in
            do throws(ExportError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    func write(_ text: StaticString) throws(ExportError) {
        var failure: ExportError?
        text.withUTF8Buffer { raw in
            do throws(ExportError) { try write(UnsafeRawBufferPointer(raw)) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    func flush() throws(ExportError) {
        guard !buffer.isEmpty else { return }
        var failure: ExportError?
        buffer.withUnsafeBytes { raw in
            do throws(ExportError) { try writeAll(raw) } catch { failure = error }
        }
        if let failure { throw failure }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(ExportError) {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            let count = systemWrite(fd, base + done, bytes.count - done)
            if count < 0 {
                if errno == EINTR { continue }
                throw ExportError.cannotWrite(path: finalPath, reason: String(cString: strerror(errno)))
            }
            done += count
        }
        bytesWritten += bytes.count
    }

    /// Flushes, `fsync`s and renames the file into place (then `fsync`s the folder).
    func commit() throws(ExportError) {
        try flush()
        guard fsync(fd) == 0 else {
            throw ExportError.cannotWrite(path: finalPath, reason: String(cString: strerror(errno)))
        }
        close(fd)
        fd = -1
        guard rename(tempPath, finalPath) == 0 else {
            let reason = String(cString: strerror(errno))
            discard()
            throw ExportError.cannotWrite(path: finalPath, reason: reason)
        }
        finished = true
        TempFileRegistry.unregister(tempPath)
        let folder = (finalPath as NSString).deletingLastPathComponent
        let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            _ = fsync(directory)
            close(directory)
        }
    }

    /// Removes the temporary file (nothing appears at the final path).
    func discard() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        guard !finished else { return }
        finished = true
        unlink(tempPath)
        TempFileRegistry.unregister(tempPath)
    }

    /// Removes `.<name>.winnow-tmp-<pid>` files beside `finalPath` whose process is gone.
    static func removeStaleTemps(finalPath: String) {
        let folder = (finalPath as NSString).deletingLastPathComponent
        let prefix = tempPrefix((finalPath as NSString).lastPathComponent)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink((folder.isEmpty ? "" : folder + "/") + name)
            }
        }
    }
}

/// A scratch file for the shuffle: created in the output folder and unlinked at once, so
/// the system frees it when the process ends, however it ends.
final class SpoolFile {
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let flushSize = 4 << 20
    /// Bytes appended so far (the offset of the next record).
    private(set) var size = 0
    private var flushed = 0

    init(besides path: String) throws(ExportError) {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (folder.isEmpty ? "" : folder + "/") + "." + (path as NSString).lastPathComponent
            + ".winnow-spool-" + String(getpid())
        unlink(name)
        let descriptor = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ExportError.cannotWrite(path: name, reason: String(cString: strerror(errno)))
        }
        unlink(name)
        fd = descriptor
        buffer.reserveCapacity(flushSize + (1 << 16))
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    func append(_ bytes: [UInt8]) throws(ExportError) {
        buffer.append(contentsOf: bytes)
        size += bytes.count
        if buffer.count >= flushSize { try flush() }
    }

    func flush() throws(ExportError) {
        var failure: Int32 = 0
        buffer.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var done = 0
            while done < raw.count {
                let count = systemWrite(fd, base + done, raw.count - done)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                done += count
            }
        }
        if failure != 0 {
            throw ExportError.cannotWrite(path: "the shuffle spool file", reason: String(cString: strerror(failure)))
        }
        flushed += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    /// Reads `count` bytes at `offset` into `out` (replacing its contents).
    func read(offset: Int, count: Int, into out: inout [UInt8]) throws(ExportError) {
        out.removeAll(keepingCapacity: true)
        guard count > 0 else { return }
        var failure: Int32 = 0
        let descriptor = fd
        out = [UInt8](unsafeUninitializedCapacity: count) { target, initialized in
            var done = 0
            while done < count, let base = target.baseAddress {
                let got = pread(descriptor, base + done, count - done, off_t(offset + done))
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                if got == 0 { break }
                done += got
            }
            initialized = done
        }
        if failure != 0 || out.count != count {
            throw ExportError.cannotRead(path: "the shuffle spool file",
                                         reason: failure != 0 ? String(cString: strerror(failure)) : "it is shorter than written")
        }
    }
}

@inline(__always)
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, bytes, count)
    #else
    return Darwin.write(fd, bytes, count)
    #endif
}

/// The temporary files to remove when SIGINT, SIGTERM or SIGHUP arrives.
///
/// The handler only calls `unlink` on C strings allocated beforehand (async-signal-safe),
/// then restores the default action and raises the signal again, so the process still dies
/// of it with the usual exit status.
enum TempFileRegistry {
    static let capacity = 16
    nonisolated(unsafe) static var slots = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: capacity)
    nonisolated(unsafe) static var initialised = false
    nonisolated(unsafe) static var installed = false
    nonisolated(unsafe) static var previous: [Int32: sigaction] = [:]
    static let lock = NSLock()
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    static func register(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        if !initialised {
            slots.initialize(repeating: nil, count: capacity)
            initialised = true
        }
        for index in 0..<capacity where slots[index] == nil {
            slots[index] = strdup(path)
            break
        }
        if !installed { install() }
    }

    static func unregister(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        guard initialised else { return }
        var remaining = 0
        for index in 0..<capacity {
            guard let slot = slots[index] else { continue }
            if String(cString: slot) == path {
                slots[index] = nil
                free(slot)
            } else {
                remaining += 1
            }
        }
        if remaining == 0 && installed { restore() }
    }

    private static func install() {
        for signal in signals {
            var action = sigaction()
            #if canImport(Glibc)
            action.__sigaction_handler.sa_handler = { number in
                TempFileRegistry.removeAllFromHandler()
                Glibc.signal(number, SIG_DFL)
                raise(number)
            }
            #endif
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            var old = sigaction()
            sigaction(signal, &action, &old)
            previous[signal] = old
        }
        installed = true
    }

    private static func restore() {
        for signal in signals {
            if var old = previous[signal] { sigaction(signal, &old, nil) }
        }
        previous.removeAll()
        installed = false
    }

    /// Async-signal-safe: no locks, no allocation.
    static func removeAllFromHandler() {
        guard initialised else { return }
        for index in 0..<capacity {
            if let slot = slots[index] { unlink(slot) }
        }
    }
}
