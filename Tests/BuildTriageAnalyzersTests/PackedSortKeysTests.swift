import Testing

@testable import BuildTriageAnalyzers

/// Findings and recommendations are ordered by keys packed into bytes and compared with memcmp; the order must be
/// the one the tuples of Strings give under `String.<`, stable, and plain ASCII must be the only input packed.
@Suite("Packed sort keys")
struct PackedSortKeysTests {
    /// Deterministic pseudo-random numbers (SplitMix64).
    private struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    private static func order(_ keys: [(Int, String, String)], fallbackCalled: inout Bool) -> [Int] {
        var called = false
        let order = PackedSortKeys.order(count: keys.count, bytesPerKey: 16) { packed, index in
            packed.append(byte: UInt8(keys[index].0))
            packed.append(keys[index].1)
            packed.append(keys[index].2)
        } fallback: {
            called = true
            return keys.indices.sorted { (keys[$0].0, keys[$0].1, keys[$0].2) < (keys[$1].0, keys[$1].1, keys[$1].2) }
        }
        fallbackCalled = called
        return order
    }

    @Test("ASCII keys sort as tuples of Strings do, equal keys in their original order")
    func asciiMatchesStringOrder() {
        var random = Random(state: 42)
        // Short strings from a small alphabet: many prefixes of one another, many equal keys.
        let alphabet = Array("aAb-_.:/0~ z")
        for _ in 0..<200 {
            let keys: [(Int, String, String)] = (0..<random.next(60)).map { _ in
                let first = String((0..<random.next(4)).map { _ in alphabet[random.next(alphabet.count)] })
                let second = String((0..<random.next(3)).map { _ in alphabet[random.next(alphabet.count)] })
                return (1 + random.next(3), first, second)
            }
            var fallbackCalled = false
            let order = Self.order(keys, fallbackCalled: &fallbackCalled)
            // The reference: a stable sort on the tuples (Swift's sort is stable).
            let expected = keys.indices.sorted { (keys[$0].0, keys[$0].1, keys[$0].2) < (keys[$1].0, keys[$1].1, keys[$1].2) }
            #expect(!fallbackCalled)
            #expect(order == expected)
        }
    }

    @Test("a key with a non-ASCII or NUL character is sorted by the fallback", arguments: ["é", "\u{0}", "a\u{301}", "🙂"])
    func nonASCIIFallsBack(text: String) {
        var fallbackCalled = false
        let keys = [(1, "b", ""), (1, "a" + text, ""), (1, "a", "")]
        let order = Self.order(keys, fallbackCalled: &fallbackCalled)
        #expect(fallbackCalled)
        #expect(order == keys.indices.sorted { (keys[$0].0, keys[$0].1) < (keys[$1].0, keys[$1].1) })
    }
}
