#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sort keys packed into one byte buffer, so that a sort compares them with one `memcmp` each, in place: no key
/// is copied (a key of Strings copied per comparison was a retain and a release per String) and no String
/// comparison runs.
///
/// Each key is a sequence of fields: Strings (their UTF-8 bytes and a 0 terminator) and small numbers (one byte,
/// 1...255). Byte order of the packed keys is the order of the tuples of fields, as `String.<` orders Strings,
/// as long as every String is ASCII without NUL: for ASCII, `String.<` is the byte order, and the terminator is
/// below any byte of a String, so a String that is a prefix of another sorts first, as `String.<` puts it.
/// When a String is not such ASCII, `isValid` is false and the caller sorts another way.
struct PackedSortKeys {
    private var bytes: [UInt8] = []
    /// Where each key starts in `bytes`; one more entry than keys (the end).
    private var starts: [Int] = [0]
    /// Whether every String appended so far is ASCII without NUL.
    private(set) var isValid = true

    init(count: Int, bytesPerKey: Int) {
        bytes.reserveCapacity(count * bytesPerKey)
        starts.reserveCapacity(count + 1)
    }

    /// Appends a String field.
    mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            // `byte - 1` wraps 0 to 255: the largest is 0x7F or more exactly when a byte is NUL or not ASCII.
            var largest: UInt8 = 0
            for byte in utf8 { largest = max(largest, byte &- 1) }
            if largest >= 0x7F { isValid = false }
            bytes.append(contentsOf: utf8)
        }
        bytes.append(0)
    }

    /// Appends a small-number field (1...255: 0 is the terminator).
    mutating func append(byte: UInt8) {
        precondition(byte != 0)
        bytes.append(byte)
    }

    /// Ends the current key.
    mutating func endKey() {
        starts.append(bytes.count)
    }

    /// The order of `count` items by keys that `pack` appends (the fields of item `index`; `endKey` is called
    /// after it): packed and compared with memcmp when every String is plain ASCII, else by `fallback`, which
    /// sorts the indexes `0..<count` on the same fields compared as Strings. Stable either way.
    static func order(count: Int, bytesPerKey: Int, pack: (inout PackedSortKeys, Int) -> Void, fallback: () -> [Int]) -> [Int] {
        var packed = PackedSortKeys(count: count, bytesPerKey: bytesPerKey)
        for index in 0..<count {
            pack(&packed, index)
            packed.endKey()
            if !packed.isValid { return fallback() }
        }
        return packed.sortedIndices()
    }

    /// The indexes of the keys in ascending order; a stable sort (equal keys keep their order).
    func sortedIndices() -> [Int] {
        precondition(isValid)
        let count = starts.count - 1
        return bytes.withUnsafeBufferPointer { bytes in
            starts.withUnsafeBufferPointer { starts in
                let base = bytes.baseAddress
                return (0..<count).sorted { lhs, rhs in
                    let lhsStart = starts[lhs], lhsCount = starts[lhs + 1] - lhsStart
                    let rhsStart = starts[rhs], rhsCount = starts[rhs + 1] - rhsStart
                    let common = min(lhsCount, rhsCount)
                    if common > 0, let base {
                        let order = memcmp(base + lhsStart, base + rhsStart, common)
                        if order != 0 { return order < 0 }
                    }
                    return lhsCount < rhsCount
                }
            }
        }
    }
}

extension Array {
    /// Reorders the array so that position `i` holds the element that was at `order[i]`, in place, cycle by
    /// cycle, by moving elements (no element is copied: `swapAt` and assignments copied, a retain per field).
    /// `order` must be a permutation of the indices; it is consumed.
    mutating func permute(by permutation: consuming [Int]) {
        var order = permutation
        precondition(order.count == count)
        var seen = [Bool](repeating: false, count: count)
        for index in order {
            precondition(index >= 0 && index < count && !seen[index], "not a permutation")
            seen[index] = true
        }
        withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for start in order.indices where order[start] != start {
                let first = (base + start).move()
                var current = start
                while order[current] != start {
                    let next = order[current]
                    (base + current).moveInitialize(from: base + next, count: 1)
                    order[current] = current
                    current = next
                }
                (base + current).initialize(to: first)
                order[current] = current
            }
        }
    }
}
