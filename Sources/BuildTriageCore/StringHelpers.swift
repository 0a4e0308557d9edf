extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, line breaks).
    public var trimmedWhitespace: SubSequence {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return self[endIndex...] }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return self[first...last]
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
