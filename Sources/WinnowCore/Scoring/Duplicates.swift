/// Exact and near duplicates: `dup_instruction` and `dup_answer`.
///
/// - Exact: the hash of the text's lowercased words (punctuation, case and spacing ignored).
///   Instructions of at least 3 words and answers of at least 8 words take part; shorter
///   texts ("Yes.", "What is the man doing?") repeat by nature and score 0.
/// - Near: one-permutation MinHash over word 3-gram shingles, 32 bins keeping 16 bits each,
///   for texts of at least 8 words. Locality-sensitive hashing with 8 bands of 4 rows makes
///   candidate pairs (a pair with Jaccard similarity 0.8 is found with probability 0.99,
///   0.5 with 0.4, 0.3 with 0.06); each candidate pair's similarity is estimated from the
///   signatures (the share of equal values).
///
/// The value is the similarity with the nearest other item (1 for an exact duplicate) and the
/// detail names that item (`{"item": 12, "orig_id": "x"}`).

/// A text's duplicate fingerprint; `exact == 0` means the text is too short to take part.
struct TextFingerprint {
    var exact: UInt64 = 0
    var signature: SIMD8<UInt64>? = nil
}

/// Both fingerprints of an item.
struct Fingerprint {
    var instruction = TextFingerprint()
    var answer = TextFingerprint()

    static let instructionExactMinimum = 3
    static let answerExactMinimum = 8
    static let nearMinimum = 8
}

enum MinHash {
    static let hashes = 32
    static let bands = 8

    /// One-permutation MinHash: each shingle's hash goes to one of 32 bins by its top 5 bits
    /// and each bin keeps its minimum; empty bins borrow from the next non-empty bin
    /// (rotation densification), mixed with the distance so borrowed values stay distinct.
    /// Each bin is kept as 16 bits, packed four to a lane (lane j is LSH band j).
    static func signature(_ words: [UInt64], mins: inout [UInt64]) -> SIMD8<UInt64> {
        for k in 0..<hashes { mins[k] = .max }
        if words.count >= 3 {
            words.withUnsafeBufferPointer { words in
                mins.withUnsafeMutableBufferPointer { mins in
                    var a = words[0]
                    var b = words[1]
                    for i in 2..<words.count {
                        let c = words[i]
                        let shingle = WordHash.combine(WordHash.combine(a, b), c)
                        let bin = Int(shingle >> 59)
                        let value = shingle & 0x07FF_FFFF_FFFF_FFFF
                        if value < mins[bin] { mins[bin] = value }
                        a = b
                        b = c
                    }
                }
            }
        }
        var lanes = SIMD8<UInt64>(repeating: 0)
        for j in 0..<hashes {
            var value = mins[j]
            if value == .max {
                var distance = 1
                while distance < hashes, mins[(j + distance) % hashes] == .max { distance += 1 }
                value = distance < hashes ? WordHash.finish(mins[(j + distance) % hashes] ^ (UInt64(distance) &* 0x9E37_79B9_7F4A_7C15)) : 0
            }
            let bits = (WordHash.finish(value) >> 48) & 0xFFFF
            lanes[j / 4] |= bits << UInt64(16 * (j % 4))
        }
        return lanes
    }

    /// The share of equal 16-bit values of two signatures: an estimate of the Jaccard
    /// similarity of their shingle sets.
    @inline(__always)
    static func similarity(_ a: SIMD8<UInt64>, _ b: SIMD8<UInt64>) -> Double {
        // A 16-bit field of a ^ b is 0 where the values are equal. Adding 0x7FFF to its low 15
        // bits carries into its top bit unless they are all 0 (and never past it); OR-ing the
        // field's own top bit in and inverting leaves the top bit set exactly for the 0 fields.
        let x = a ^ b
        let low15 = SIMD8<UInt64>(repeating: 0x7FFF_7FFF_7FFF_7FFF)
        let zero = ~(((x & low15) &+ low15) | x | low15)
        var equal = 0
        for j in 0..<8 { equal += zero[j].nonzeroBitCount }
        return Double(equal) / Double(hashes)
    }
}

/// Finds, for every item, its nearest duplicate among all items.
struct DuplicateFinder {
    /// Compared neighbours per LSH bucket member (bounds the work on huge buckets).
    static let window = 24

    struct Nearest {
        var other: Int32 = -1
        var similarity: Float = 0
    }

    /// `exact[i] == 0`: item i does not take part. `signatures[i] == nil`: exact only.
    static func nearest(exact: [UInt64], signatures: [SIMD8<UInt64>], hasSignature: [Bool]) -> [Nearest] {
        let count = exact.count
        var result = [Nearest](repeating: Nearest(), count: count)
        // Exact classes: sort indexes by hash.
        var exactKeyed = [(UInt64, Int32)]()
        exactKeyed.reserveCapacity(count)
        for i in 0..<count where exact[i] != 0 { exactKeyed.append((exact[i], Int32(i))) }
        RadixSort.sortByKey(&exactKeyed)
        let order = exactKeyed.map(\.1)
        exactKeyed = []
        var representative = [Bool](repeating: false, count: count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, exact[Int(order[end])] == exact[Int(order[start])] { end += 1 }
            let first = order[start]
            representative[Int(first)] = true
            if end - start > 1 {
                for k in start..<end {
                    let item = Int(order[k])
                    result[item] = Nearest(other: k == start ? order[start + 1] : first, similarity: 1)
                }
            }
            start = end
        }
        // Near duplicates among distinct texts.
        var best = [Nearest](repeating: Nearest(), count: count)
        let candidates = (0..<count).filter { representative[$0] && hasSignature[$0] }
        var keyed = [(UInt64, Int32)]()
        keyed.reserveCapacity(candidates.count)
        for band in 0..<MinHash.bands {
            keyed.removeAll(keepingCapacity: true)
            for i in candidates { keyed.append((signatures[i][band], Int32(i))) }
            RadixSort.sortByKey(&keyed)
            var s = 0
            while s < keyed.count {
                var e = s + 1
                while e < keyed.count, keyed[e].0 == keyed[s].0 { e += 1 }
                if e - s > 1 {
                    for a in s..<e {
                        let i = Int(keyed[a].1)
                        for b in (a + 1)..<min(e, a + 1 + window) {
                            let j = Int(keyed[b].1)
                            let sim = Float(MinHash.similarity(signatures[i], signatures[j]))
                            if sim > best[i].similarity { best[i] = Nearest(other: Int32(j), similarity: sim) }
                            if sim > best[j].similarity { best[j] = Nearest(other: Int32(i), similarity: sim) }
                        }
                    }
                }
                s = e
            }
        }
        // Items that are not representatives take their class's near neighbour when they have
        // no exact duplicate (they always have one: their representative).
        for i in 0..<count where representative[i] && result[i].similarity < 1 && best[i].other >= 0 {
            result[i] = best[i]
        }
        return result
    }
}

/// Sorts (key, index) pairs by key, keeping the order of equal keys: a least-significant-digit
/// radix sort, 16 bits per pass (a pass whose digit is the same for every pair is skipped).
/// Pairs made in index order come out ordered by (key, index), as a comparison sort on both
/// would order them, several times faster on a million pairs. Fewer pairs take that
/// comparison sort.
enum RadixSort {
    static func sortByKey(_ pairs: inout [(UInt64, Int32)]) {
        let n = pairs.count
        guard n > 1 else { return }
        // Each pass clears and sums 65,536 counts: below that many pairs a comparison sort wins.
        guard n >= 65536 else {
            pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            return
        }
        var other = [(UInt64, Int32)](repeating: (0, 0), count: n)
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: 65536)
        defer { starts.deallocate() }
        for pass in 0..<4 {
            let shift = UInt64(pass * 16)
            let sorted = pairs.withUnsafeBufferPointer { from -> Bool in
                starts.initialize(repeating: 0, count: 65536)
                for pair in from { starts[Int(truncatingIfNeeded: pair.0 >> shift) & 0xFFFF] += 1 }
                if starts[Int(truncatingIfNeeded: from[0].0 >> shift) & 0xFFFF] == n { return false }
                var sum = 0
                for digit in 0..<65536 {
                    let count = starts[digit]
                    starts[digit] = sum
                    sum += count
                }
                other.withUnsafeMutableBufferPointer { to in
                    for pair in from {
                        let digit = Int(truncatingIfNeeded: pair.0 >> shift) & 0xFFFF
                        to[starts[digit]] = pair
                        starts[digit] += 1
                    }
                }
                return true
            }
            if sorted { swap(&pairs, &other) }
        }
    }
}
