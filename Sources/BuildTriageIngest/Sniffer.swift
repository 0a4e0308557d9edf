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
        // UTF-16/32 byte-order marks: XML declares its own encoding and libxml2 reads it.
        if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) {
            return looksLikeUTF16XML(head) ? .xml : .binary(offset: 0)
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
        var index = data.startIndex
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { index += 3 }
        while index < data.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(data[index]) { index += 1 }
        return index < data.endIndex && data[index] == UInt8(ascii: "[")
    }

    private static func looksLikeUTF16XML(_ head: Data) -> Bool {
        let bytes = Array(head.prefix(8))
        guard bytes.count >= 4 else { return false }
        return (bytes[2] == UInt8(ascii: "<") && bytes[3] == 0) || (bytes[2] == 0 && bytes[3] == UInt8(ascii: "<"))
    }
}
