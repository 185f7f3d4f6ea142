import CLibCrypto

/// SHA-256, fed incrementally, for import and export provenance: OpenSSL's libcrypto, which
/// uses the CPU's SHA instructions where there are some (about ten times the speed of a
/// portable implementation; a re-import of an unchanged 1 GB file is mostly this hash).
///
/// ```swift
/// let hash = try SHA256()
/// hash.update(bytes)
/// let hex = hash.finalize()   // 64 lowercase hex digits
/// ```
public final class SHA256 {
    private let context: OpaquePointer

    /// - Throws: ``SHA256Error`` when libcrypto cannot start a digest (out of memory, or a
    ///   libcrypto without SHA-256).
    public init() throws(SHA256Error) {
        guard let context = EVP_MD_CTX_new() else { throw SHA256Error() }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw SHA256Error()
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds bytes to the message.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        EVP_DigestUpdate(context, base, bytes.count)
    }

    /// Adds bytes to the message.
    public func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        Array(bytes).withUnsafeBytes { update($0) }
    }

    /// Finishes the hash and returns it as lowercase hex. Call once.
    public func finalize() -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &digest, &length)
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(Int(length) * 2)
        for byte in digest.prefix(Int(length)) {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// libcrypto could not start a SHA-256 digest.
public struct SHA256Error: Error, CustomStringConvertible {
    public var description: String {
        "OpenSSL's libcrypto could not start a SHA-256 digest (out of memory, or a libcrypto built without SHA-256). "
            + "Free some memory, or reinstall libssl3, and try again."
    }
}
