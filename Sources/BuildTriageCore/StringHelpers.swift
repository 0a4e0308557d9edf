extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, line breaks).
    public var trimmedWhitespace: SubSequence {
        if let range = asciiTrimmedRange() { return self[range] }
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return self[endIndex...] }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return self[first...last]
    }

    /// The same bounds as `trimmedWhitespace`'s, found on the UTF-8 bytes when the white space cut off is ASCII
    /// and the text kept starts and ends with an ASCII character that is not white space: those are character
    /// boundaries (no grapheme cluster joins them to the white space next to them). nil otherwise (the
    /// Character-by-Character path decides).
    private func asciiTrimmedRange() -> Range<Index>? {
        let offsets: Range<Int>?? = utf8.withContiguousStorageIfAvailable { bytes in
            let end = bytes.count
            var start = 0
            while start < end, Self.isASCIISpace(bytes[start]) { start += 1 }
            guard start < end, bytes[start] < 0x80 else { return nil }
            var last = end - 1
            while Self.isASCIISpace(bytes[last]) { last -= 1 }
            guard bytes[last] < 0x80 else { return nil }
            return start..<(last + 1)
        }
        guard let found = offsets, let range = found else { return nil }
        let base = utf8.startIndex
        return utf8.index(base, offsetBy: range.lowerBound)..<utf8.index(base, offsetBy: range.upperBound)
    }

    @inline(__always)
    private static func isASCIISpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }
}

extension StringProtocol {
    /// The first `limit` lines (as `split(whereSeparator: \.isNewline)` cuts them: empty lines left out) for which
    /// `keep` holds, found without splitting the rest of the text.
    package func firstLines(_ limit: Int, where keep: (SubSequence) -> Bool) -> [SubSequence] {
        // Newline characters (`\n`, `\r`, `\r\n`, VT, FF, NEL, U+2028, U+2029) are always grapheme boundaries,
        // so the UTF-8 bytes can be scanned directly: the same cuts, without walking Characters.
        let base = utf8.startIndex
        let found: [SubSequence]? = utf8.withContiguousStorageIfAvailable { bytes in
            var found: [SubSequence] = []
            func cut(_ from: Int, _ to: Int) {
                guard from < to else { return }
                let line = self[utf8.index(base, offsetBy: from)..<utf8.index(base, offsetBy: to)]
                if keep(line) { found.append(line) }
            }
            var start = 0
            var index = 0
            let count = bytes.count
            while index < count, found.count < limit {
                let byte = bytes[index]
                var length = 0
                if byte >= 0x0A, byte <= 0x0D {
                    length = byte == 0x0D && index + 1 < count && bytes[index + 1] == 0x0A ? 2 : 1
                } else if byte == 0xC2, index + 1 < count, bytes[index + 1] == 0x85 {
                    length = 2
                } else if byte == 0xE2, index + 2 < count, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 {
                    length = 3
                }
                if length > 0 {
                    cut(start, index)
                    index += length
                    start = index
                } else {
                    index += 1
                }
            }
            if found.count < limit { cut(start, count) }
            return found
        }
        return found ?? firstLinesByCharacter(limit, where: keep)
    }

    private func firstLinesByCharacter(_ limit: Int, where keep: (SubSequence) -> Bool) -> [SubSequence] {
        var found: [SubSequence] = []
        var start = startIndex
        while found.count < limit, start < endIndex {
            let end = self[start...].firstIndex(where: \.isNewline) ?? endIndex
            if start < end, keep(self[start..<end]) { found.append(self[start..<end]) }
            start = end < endIndex ? index(after: end) : endIndex
        }
        return found
    }
}

extension String {
    /// At most `maxBytes` of UTF-8, cut at a character boundary, with `…` when something was cut.
    public func capped(bytes maxBytes: Int) -> String {
        guard utf8.count > maxBytes else { return self }
        var end = utf8.index(utf8.startIndex, offsetBy: maxBytes)
        while end > startIndex, !isCharacterBoundary(end) { end = utf8.index(before: end) }
        // Built at its exact size: `String(self[..<end]) + "…"` doubled the capacity to append three bytes, and
        // every capped stack trace of a large report stayed in memory that way.
        let kept = utf8[..<end]
        return String(unsafeUninitializedCapacity: kept.count + 3) { buffer in
            var count = buffer.initialize(fromContentsOf: kept)
            for byte: UInt8 in [0xE2, 0x80, 0xA6] {  // U+2026 HORIZONTAL ELLIPSIS
                buffer[count] = byte
                count += 1
            }
            return count
        }
    }

    private func isCharacterBoundary(_ index: String.Index) -> Bool {
        index.samePosition(in: unicodeScalars) != nil && (index == endIndex || self[index...].first != nil)
    }
}

/// The offset of the first byte of `bytes[from..<end]` at or above 0x80 (not ASCII), or `end`: eight bytes at a
/// time. The log reader and the knowledge base find the few lines that are not ASCII with it.
public func firstNonASCII(_ bytes: UnsafeRawPointer, from: Int, end: Int) -> Int {
    var index = from
    while index + 8 <= end {
        if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
        index += 8
    }
    while index < end {
        if bytes.load(fromByteOffset: index, as: UInt8.self) >= 0x80 { return index }
        index += 1
    }
    return end
}
