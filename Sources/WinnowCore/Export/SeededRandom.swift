/// SplitMix64 (Steele, Lea and Flood 2014): expands one 64-bit seed into well-mixed words.
/// Used to seed ``Xoshiro256StarStar``; also a fine generator on its own.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** (Blackman and Vigna 2018), seeded through SplitMix64.
///
/// Swift's `SystemRandomNumberGenerator` cannot be seeded, and the standard library's
/// `shuffled(using:)` / `Int.random(in:using:)` algorithms are not promised to stay the same
/// across Swift versions, so Winnow draws and shuffles with its own code: the same seed gives
/// the same order on every platform and toolchain.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform integer in `0 ..< bound` (Lemire's multiply-and-reject); 0 when `bound` is 0.
    public mutating func below(_ bound: UInt64) -> UInt64 {
        guard bound > 0 else { return 0 }
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return product.high
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// Seeded shuffling that does not depend on the standard library's algorithms.
public enum SeededShuffle {
    /// Fisher–Yates, from the back: the same seed and count always give the same permutation.
    public static func shuffle<T>(_ elements: inout [T], seed: UInt64) {
        var random = Xoshiro256StarStar(seed: seed)
        shuffle(&elements, using: &random)
    }

    static func shuffle<T>(_ elements: inout [T], using random: inout Xoshiro256StarStar) {
        guard elements.count > 1 else { return }
        elements.withUnsafeMutableBufferPointer { buffer in
            var index = buffer.count - 1
            while index > 0 {
                let other = Int(random.below(UInt64(index + 1)))
                if other != index { buffer.swapAt(index, other) }
                index -= 1
            }
        }
    }

    /// `count` distinct elements drawn from `elements` (a partial Fisher–Yates from the
    /// front), in draw order.
    public static func sample<T>(_ elements: [T], count: Int, seed: UInt64) -> [T] {
        var pool = elements
        var random = Xoshiro256StarStar(seed: seed)
        let take = min(max(0, count), pool.count)
        for index in 0..<take {
            let other = index + Int(random.below(UInt64(pool.count - index)))
            if other != index { pool.swapAt(index, other) }
        }
        return Array(pool.prefix(take))
    }
}

/// A fast 64-bit hash of byte strings (eight bytes per step, murmur3 finaliser), for the
/// export's duplicate and overlap sets. Not cryptographic; collisions among a few million
/// records are vanishingly unlikely.
struct FastHasher {
    private(set) var state: UInt64 = 0x243F_6A88_85A3_08D3

    mutating func combine(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        let count = bytes.count
        var h = state
        if let base = bytes.baseAddress {
            while index + 8 <= count {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                h = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
                h ^= h >> 29
                index += 8
            }
            if index < count {
                var tail: UInt64 = 0
                var shift: UInt64 = 0
                while index < count {
                    tail |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << shift
                    shift += 8
                    index += 1
                }
                h = (h ^ tail ^ (UInt64(count & 7) << 56)) &* 0x9E37_79B9_7F4A_7C15
                h ^= h >> 29
            }
        }
        // The length keeps "ab" + "c" apart from "a" + "bc".
        h = (h ^ UInt64(count)) &* 0xC2B2_AE3D_27D4_EB4F
        state = h ^ (h >> 31)
    }

    mutating func combine(_ text: String) {
        var copy = text
        copy.withUTF8 { combine(UnsafeRawBufferPointer($0)) }
    }

    mutating func combine(_ value: UInt64) {
        var word = value.littleEndian
        withUnsafeBytes(of: &word) { combine($0) }
    }

    var finalized: UInt64 {
        var h = state
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
