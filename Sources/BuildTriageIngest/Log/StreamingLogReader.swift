import BuildTriageCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One pass over a log in blocks of whole lines: lines are split on `\\n` (a `\\r` before it is dropped, as
/// `LogText` does), agent lines become events, and each block goes to the scan. Memory: one block buffer, the
/// events, and the text only when asked to keep it.
struct StreamingLogReader {
    private var events = AgentEvents()
    private let scan: (any LogScan)?
    private let keepText: Bool
    private var kept: [UInt8] = []
    private var lineCount = 0
    private var totalBytes = 0
    /// U+FFFD in the lines that are not ASCII, and whether any of those lines was not valid UTF-8.
    private var replacements = 0
    private var invalid = false
    private var ranges: [Range<Int>] = []

    init(scan: (any LogScan)?, keepText: Bool) {
        self.scan = scan
        self.keepText = keepText
    }

    mutating func run(_ source: inout some LogByteSource) throws(IngestError) {
        let capacity = BuildLogReader.blockBytes
        let maxLine = BuildLogReader.maxLineBytes
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        let base = buffer.baseAddress!
        var filled = 0
        // Inside the rest of a line that was cut: bytes are skipped up to its newline.
        var skipping = false
        while true {
            let got = try source.read(into: UnsafeMutableRawBufferPointer(start: base + filled, count: capacity - filled))
            if got == 0 {
                if filled > 0 { process(UnsafeRawBufferPointer(start: base, count: filled), final: true) }
                break
            }
            totalBytes += got
            var start = 0
            if skipping {
                guard let newline = memchr(base + filled, 0x0A, got) else { continue }
                skipping = false
                start = base.distance(to: newline) + 1
            }
            filled += got
            if let last = lastNewline(base, from: start, end: filled) {
                let end = last + 1
                process(UnsafeRawBufferPointer(start: base + start, count: end - start), final: false)
                start = end
            }
            if start > 0 {
                if start < filled { memmove(base, base + start, filled - start) }
                filled -= start
            }
            if filled >= maxLine {
                // No newline in the longest line kept: that much of it is the line (cut at a character boundary),
                // and the rest is skipped.
                process(UnsafeRawBufferPointer(start: base, count: filled), final: true, cut: true)
                skipping = true
                filled = 0
            }
        }
    }

    /// A block of lines: each ends with `\\n`, except the last when `final` (the end of the log, or a cut line).
    private mutating func process(_ block: UnsafeRawBufferPointer, final: Bool, cut: Bool = false) {
        let start = block.baseAddress!
        let end = block.count
        ranges.removeAll(keepingCapacity: true)
        var texts: [Int: String] = [:]
        var cutLines: [Int] = []
        var position = 0
        let marker = containerMarkerBytes
        var nextMarker = findMarker(start, from: 0, end: end, marker)
        var nextWide = firstNonASCII(start, from: 0, end: end)
        let firstLine = lineCount + 1
        while position < end {
            let newline = memchr(start + position, 0x0A, end - position).map { start.distance(to: $0) }
            if newline == nil && !final { break }
            let next = newline.map { $0 + 1 } ?? end
            var contentEnd = newline ?? end
            if contentEnd > position, start.load(fromByteOffset: contentEnd - 1, as: UInt8.self) == 0x0D { contentEnd -= 1 }
            lineCount += 1
            let index = ranges.count
            if cut || contentEnd - position > BuildLogReader.maxLineBytes {
                // Longer than the longest line kept: cut there, at a character boundary.
                cutLines.append(index)
                if contentEnd - position > BuildLogReader.maxLineBytes {
                    contentEnd = position + BuildLogReader.maxLineBytes
                    while contentEnd > position, start.load(fromByteOffset: contentEnd, as: UInt8.self) & 0xC0 == 0x80 { contentEnd -= 1 }
                }
            }
            ranges.append(position..<contentEnd)
            var text: String?
            if nextWide < next {
                let bytes = UnsafeRawBufferPointer(start: start + position, count: contentEnd - position)
                let decoded: String
                if let valid = String(validating: bytes, as: UTF8.self) {
                    decoded = valid
                } else {
                    decoded = String(decoding: bytes, as: UTF8.self)
                    invalid = true
                }
                replacements += decoded.unicodeScalars.reduce(0) { $0 + ($1 == "\u{FFFD}" ? 1 : 0) }
                texts[index] = decoded
                text = decoded
                nextWide = firstNonASCII(start, from: next, end: end)
            }
            if nextMarker < next {
                if nextMarker + marker.count <= contentEnd {
                    let line = text ?? String(decoding: UnsafeRawBufferPointer(start: start + position, count: contentEnd - position), as: UTF8.self)
                    events.line(line[...], number: lineCount)
                }
                nextMarker = findMarker(start, from: next, end: end, marker)
            }
            position = next
        }
        guard !ranges.isEmpty else { return }
        if keepText {
            kept.append(contentsOf: UnsafeRawBufferPointer(start: start, count: position))
            // A line cut for want of a newline in the buffer ends here in the kept text too.
            if cut { kept.append(0x0A) }
        }
        scan?.scan(LogBlock(bytes: UnsafeRawBufferPointer(start: start, count: position), lines: ranges, firstLine: firstLine, texts: texts,
            cutLines: cutLines))
    }

    func finish() throws(IngestError) -> BuildLog {
        if invalid, replacements * 100 > max(totalBytes, 1) { throw IngestError("not valid UTF-8 text") }
        let text = keepText ? LogText(String(decoding: kept, as: UTF8.self)) : nil
        return BuildLog(
            lineCount: lineCount, phases: events.phases, contexts: events.contexts, commands: events.commands, text: text,
            matches: scan?.finish())
    }
}

private let containerMarkerBytes = Array("[Container] ".utf8)

/// The offset of the next `[Container] ` in `base[from..<end]`, or `end`: `memchr` for its `[`, then the rest
/// compared (glibc's `memmem` is a GNU extension Swift does not see).
private func findMarker(_ base: UnsafeRawPointer, from: Int, end: Int, _ marker: [UInt8]) -> Int {
    var position = from
    return marker.withUnsafeBytes { needle in
        while end - position >= needle.count {
            guard let found = memchr(base + position, 0x5B, end - position - needle.count + 1) else { return end }
            let offset = base.distance(to: UnsafeRawPointer(found))
            if memcmp(found + 1, needle.baseAddress! + 1, needle.count - 1) == 0 { return offset }
            position = offset + 1
        }
        return end
    }
}

/// The offset of the last `\n` in `base[from..<end]`, or nil.
private func lastNewline(_ base: UnsafeRawPointer, from: Int, end: Int) -> Int? {
    var index = end - 1
    while index >= from {
        if base.load(fromByteOffset: index, as: UInt8.self) == 0x0A { return index }
        index -= 1
    }
    return nil
}

