import Foundation

/// Decides what kind of content a file holds from its first bytes.
enum Sniffer {
    enum Content: Equatable {
        case empty
        case binary(offset: Int)
        case json
        case xml
        /// Text that looks like a CodeBuild log.
        case text
        case unknownText
    }

    static func sniff(_ data: Data) -> Content {
        let head = data.prefix(Ingestor.sniffBytes)
        guard !head.isEmpty else { return .empty }
        // A UTF-16 byte order mark: the first character after white space decides, as in UTF-8 (libxml2 reads
        // UTF-16 XML by its mark; JSON is transcoded as it is read).
        if let first = firstUTF16Character(head) {
            switch first {
            case UInt8(ascii: "<"): return .xml
            case UInt8(ascii: "["), UInt8(ascii: "{"): return .json
            default: return .binary(offset: 0)
            }
        }
        var start = head.startIndex
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
        while start < head.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(head[start]) { start += 1 }
        guard start < head.endIndex else { return .empty }
        switch head[start] {
        case UInt8(ascii: "{"): return .json
        case UInt8(ascii: "["):
            // `[Container] …` opens a CodeBuild log; a JSON array opens with a value.
            var next = start + 1
            while next < head.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(head[next]) { next += 1 }
            if next == head.endIndex || Array("{[\"]-0123456789tfn".utf8).contains(head[next]) { return .json }
        case UInt8(ascii: "<"): return .xml
        default: break
        }
        if let nul = head.firstIndex(of: 0) { return .binary(offset: nul - head.startIndex) }
        let text = String(decoding: head, as: UTF8.self)
        return BuildLogReader.looksLikeBuildLog(text[...]) ? .text : .unknownText
    }

    /// Whether JSON content opens with `[` (after a byte order mark and white space): a Cucumber report, never an
    /// AWS CLI response (always an object).
    static func startsWithArray(_ data: Data) -> Bool {
        if let first = firstUTF16Character(data) { return first == UInt8(ascii: "[") }
        var index = data.startIndex
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { index += 3 }
        while index < data.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(data[index]) { index += 1 }
        return index < data.endIndex && data[index] == UInt8(ascii: "[")
    }

    /// For content that opens with a UTF-16 byte order mark, whether it is big-endian (`FE FF`) rather than
    /// little-endian (`FF FE`); nil for any other content.
    static func utf16BigEndian(_ data: some Collection<UInt8>) -> Bool? {
        var bytes = data.makeIterator()
        switch (bytes.next(), bytes.next()) {
        case (0xFF?, 0xFE?): return false
        case (0xFE?, 0xFF?): return true
        default: return nil
        }
    }

    /// For UTF-16 content (a byte order mark first), the first character that is not white space when it is ASCII
    /// (0 when it is not, or when there is none in `head`); nil for content that is not UTF-16.
    private static func firstUTF16Character(_ head: Data) -> UInt8? {
        guard let bigEndian = utf16BigEndian(head) else { return nil }
        var index = head.startIndex + 2
        while index + 1 < head.endIndex {
            let (high, low) = bigEndian ? (head[index], head[index + 1]) : (head[index + 1], head[index])
            index += 2
            guard high == 0, low < 0x80 else { return 0 }
            if [0x20, 0x09, 0x0A, 0x0D].contains(low) { continue }
            return low
        }
        return 0
    }
}
