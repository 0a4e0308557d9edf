extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, line breaks).
    public var trimmedWhitespace: SubSequence {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return self[endIndex...] }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return self[first...last]
    }
}

extension StringProtocol {
    /// The first `limit` lines (as `split(whereSeparator: \.isNewline)` cuts them: empty lines left out) for which
    /// `keep` holds, found without splitting the rest of the text.
    package func firstLines(_ limit: Int, where keep: (SubSequence) -> Bool) -> [SubSequence] {
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
        return String(self[..<end]) + "…"
    }

    private func isCharacterBoundary(_ index: String.Index) -> Bool {
        index.samePosition(in: unicodeScalars) != nil && (index == endIndex || self[index...].first != nil)
    }
}
