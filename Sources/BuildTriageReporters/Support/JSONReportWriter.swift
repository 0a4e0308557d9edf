import BuildTriageCore
import Dispatch
import Foundation

/// Writes a `TriageReport` byte for byte as `JSONEncoder` with `[.sortedKeys, .prettyPrinted,
/// .withoutEscapingSlashes]` does on Linux (keys in UTF-8 byte order, two-space indent, `"key" : value`, empty
/// containers as `[\n\n<indent>]`, nil members omitted), but straight into a byte buffer: no intermediate tree, and
/// the bytes can be handed out in chunks as they are written. `JSONReporterTests` compares the two on a report with
/// every member set.
struct JSONReportWriter {
    /// The bytes written and not yet handed to the sink.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: buffer.base, count: buffer.count)) }
    private let buffer: ByteBuffer
    /// How many containers are open.
    private var depth = 0
    /// Bit `n`: whether the container open at depth `n + 1` has no member yet (a report nests a few levels).
    private var emptyBits: UInt64 = 0
    private let sink: ((UnsafeRawBufferPointer) -> Void)?
    private let chunkBytes: Int

    /// Without a sink the whole report stays in `bytes`; with one, `bytes` is handed to it every `chunkBytes`.
    init(chunkBytes: Int = 1 << 20, sink: ((UnsafeRawBufferPointer) -> Void)? = nil) {
        self.sink = sink
        self.chunkBytes = chunkBytes
        buffer = ByteBuffer(capacity: sink == nil ? 1 << 16 : chunkBytes + 4096)
    }

    mutating func finish() {
        buffer.append(0x0A)
        flush(force: true)
    }

    private mutating func flush(force: Bool = false) {
        guard let sink, force || buffer.count >= chunkBytes else { return }
        sink(UnsafeRawBufferPointer(start: buffer.base, count: buffer.count))
        buffer.count = 0
    }

    // MARK: Structure

    private mutating func indent() {
        buffer.appendSpaces(2 * depth)
    }

    private mutating func open(_ bracket: UInt8) {
        buffer.append(bracket)
        precondition(depth < 64, "a report nests a few levels")
        emptyBits |= 1 << UInt64(depth)
        depth += 1
    }

    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        let wasEmpty = emptyBits & (1 << UInt64(depth)) != 0
        emptyBits &= ~(1 << UInt64(depth))
        let spaces = 2 * depth
        buffer.reserve(spaces + 3)
        var out = buffer.base + buffer.count
        out[0] = 0x0A
        out += 1
        if wasEmpty {
            out[0] = 0x0A
            out += 1
        }
        for index in 0..<spaces { out[index] = 0x20 }
        out += spaces
        out[0] = bracket
        out += 1
        buffer.count = out - buffer.base
        if sink != nil, buffer.count >= chunkBytes { flush() }
    }

    /// Starts the next member or element of the open container.
    private mutating func next() {
        let bit: UInt64 = 1 << UInt64(depth - 1)
        if emptyBits & bit != 0 {
            emptyBits &= ~bit
        } else {
            buffer.append(0x2C)
        }
        buffer.append(0x0A)
        indent()
    }

    /// `next()` then `"name" : `, with one reservation.
    private mutating func key(_ name: StaticString) {
        let bit: UInt64 = 1 << UInt64(depth - 1)
        let comma = emptyBits & bit == 0
        emptyBits &= ~bit
        let length = name.utf8CodeUnitCount
        let spaces = 2 * depth
        buffer.reserve(spaces + length + 7)
        var out = buffer.base + buffer.count
        if comma {
            out[0] = 0x2C
            out += 1
        }
        out[0] = 0x0A
        out += 1
        for index in 0..<spaces { out[index] = 0x20 }
        out += spaces
        out[0] = 0x22
        out += 1
        let source = name.utf8Start
        for index in 0..<length { out[index] = source[index] }
        out += length
        out[0] = 0x22
        out[1] = 0x20
        out[2] = 0x3A
        out[3] = 0x20
        out += 4
        buffer.count = out - buffer.base
    }

    private mutating func object(_ body: (inout JSONReportWriter) -> Void) {
        open(0x7B)
        body(&self)
        close(0x7D)
    }

    private mutating func array<C: Collection>(_ elements: C, _ element: (inout JSONReportWriter, C.Element) -> Void) {
        open(0x5B)
        for value in elements {
            next()
            element(&self, value)
        }
        close(0x5D)
    }

    /// `array`, for the report's long arrays: past a few thousand elements, runs of elements are written
    /// concurrently, each into a writer of its own set at this nesting depth, and their bytes appended in order.
    /// An element's bytes depend only on the depth and on whether it is the container's first, so the result is
    /// byte for byte what `array` writes. Rounds are bounded (and flushed to the sink between rounds), so that a
    /// large report is still never held whole.
    ///
    /// A round holds `piecesPerRound` pieces of `piece` elements in memory: one piece a core, up to 8, and pieces
    /// small enough that a round of findings with long stack traces (≈ 3 KB of JSON each) stays at a few MB (16
    /// pieces of 1,024 held 48 MB at once on a 100 MB JUnit report).
    private mutating func largeArray<Element: Sendable>(_ elements: [Element], _ element: @escaping @Sendable (inout JSONReportWriter, Element) -> Void) {
        let piece = 256
        let piecesPerRound = Self.piecesPerRound
        guard elements.count >= 16 * piece, piecesPerRound > 1 else { return array(elements, element) }
        open(0x5B)
        let depth = self.depth
        var start = 0
        while start < elements.count {
            let end = min(elements.count, start + piece * piecesPerRound)
            let pieces = (end - start + piece - 1) / piece
            let firstIsFirst = start == 0
            let outputs = Slots<ByteBuffer>(count: pieces)
            let roundStart = start
            DispatchQueue.concurrentPerform(iterations: pieces) { index in
                var writer = JSONReportWriter(chunkBytes: Int.max)
                writer.depth = depth
                // Only the very first element of the container goes without a separator.
                if firstIsFirst, index == 0 { writer.emptyBits = 1 << UInt64(depth - 1) }
                for position in (roundStart + index * piece)..<min(end, roundStart + (index + 1) * piece) {
                    writer.next()
                    element(&writer, elements[position])
                }
                outputs[index] = writer.buffer
            }
            for index in 0..<pieces {
                let written = outputs.take(index)
                buffer.append(UnsafeBufferPointer(start: written.base, count: written.count))
            }
            emptyBits &= ~(1 << UInt64(depth - 1))
            flush()
            start = end
        }
        close(0x5D)
    }

    /// Pieces written at once by `largeArray`: one per core, at most 8.
    private static let piecesPerRound = min(ProcessInfo.processInfo.activeProcessorCount, 8)

    // MARK: Scalars

    private mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { buffer.appendJSONString($0) }
    }

    /// A timestamp as `iso8601` writes it, digit by digit.
    private mutating func member(_ name: StaticString, _ value: Timestamp?) {
        guard let value else { return }
        key(name)
        if let fields = value.iso8601Fields {
            buffer.appendISO8601(fields)
        } else {
            string(value.iso8601)
        }
    }

    private mutating func int(_ value: Int) {
        buffer.appendDecimal(value)
    }

    private mutating func bool(_ value: Bool) {
        if value {
            buffer.append(0x74, 0x72, 0x75, 0x65)
        } else {
            buffer.append(0x66)
            buffer.append(0x61, 0x6C, 0x73, 0x65)
        }
    }

    private mutating func member(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    private mutating func member(_ name: StaticString, _ value: Int?) {
        guard let value else { return }
        key(name)
        int(value)
    }

    private mutating func member(_ name: StaticString, _ value: Bool?) {
        guard let value else { return }
        key(name)
        bool(value)
    }

    private mutating func member(_ name: StaticString, _ values: [String]?) {
        guard let values else { return }
        key(name)
        array(values) { $0.string($1) }
    }

    // MARK: The report's types (members in UTF-8 key order)

    mutating func write(_ report: TriageReport) {
        object { w in
            w.member("diagnostics", report.diagnostics)
            w.key("findings")
            w.largeArray(report.findings) { $0.write($1) }
            w.key("inputs")
            w.largeArray(report.inputs) { $0.write($1) }
            w.key("recommendations")
            w.largeArray(report.recommendations) { $0.write($1) }
            w.member("schemaVersion", report.schemaVersion)
            w.key("tests")
            w.write(report.tests)
            w.key("timeline")
            w.largeArray(report.timeline) { $0.write($1) }
            w.member("verdict", report.verdict.rawValue)
        }
    }

    private mutating func write(_ input: InputRecord) {
        object { w in
            w.member("column", input.column)
            w.member("diagnostic", input.diagnostic)
            w.member("kind", input.kind.rawValue)
            w.member("line", input.line)
            w.member("path", input.path)
            w.member("status", input.status.rawValue)
        }
    }

    private mutating func write(_ counts: TestCounts) {
        object { w in
            w.member("errored", counts.errored)
            w.member("failed", counts.failed)
            w.member("flaky", counts.flaky)
            w.member("passed", counts.passed)
            w.member("skipped", counts.skipped)
            w.member("total", counts.total)
        }
    }

    private mutating func write(_ finding: Finding) {
        object { w in
            w.member("analyzer", finding.analyzer)
            w.member("category", finding.category.rawValue)
            w.key("evidence")
            w.array(finding.evidence) { $0.write($1) }
            w.member("id", finding.id)
            w.member("message", finding.message)
            w.member("repeated", finding.repeated)
            w.member("resolved", finding.resolved)
            w.member("quarantined", finding.quarantined)
            w.member("rootCause", finding.rootCause)
            if let root = finding.rootSubject {
                w.key("rootSubject")
                w.write(root)
            }
            if let scope = finding.scope {
                w.key("scope")
                w.write(scope)
            }
            w.key("subject")
            w.write(finding.subject)
            if let target = finding.target {
                w.key("target")
                w.write(target)
            }
        }
    }

    private mutating func write(_ line: EvidenceLine) {
        object { w in
            w.member("line", line.line)
            w.member("path", line.path)
            w.member("text", line.text)
        }
    }

    private mutating func write(_ subject: Subject) {
        object { w in
            w.member("id", subject.id)
            w.member("kind", subject.kind.rawValue)
        }
    }

    private mutating func write(_ target: Target) {
        object { w in
            w.member("id", target.id)
            w.member("kind", target.kind.rawValue)
            w.member("pipelineExecutionId", target.pipelineExecutionId)
            w.member("pipelineName", target.pipelineName)
            w.member("stageName", target.stageName)
        }
    }

    private mutating func write(_ recommendation: Recommendation) {
        object { w in
            w.member("action", recommendation.action.rawValue)
            w.member("attempts", recommendation.attempts)
            w.member("blockedBy", recommendation.blockedBy)
            if let request = recommendation.cliInputJson {
                w.key("cliInputJson")
                w.object { w in
                    for name in request.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                        w.next()
                        w.string(name)
                        w.buffer.append(0x20)
                        w.buffer.append(0x3A)
                        w.buffer.append(0x20)
                        w.string(request[name]!)
                    }
                }
            }
            w.member("command", recommendation.command)
            w.member("findings", recommendation.findings)
            w.member("reason", recommendation.reason)
            w.member("shell", recommendation.shell)
            w.key("target")
            w.write(recommendation.target)
        }
    }

    private mutating func write(_ entry: TimelineEntry) {
        object { w in
            w.member("dependsOn", entry.dependsOn)
            w.member("end", entry.end)
            w.member("lane", entry.lane.rawValue)
            w.member("name", entry.name)
            w.member("owner", entry.owner)
            w.member("start", entry.start)
            w.member("status", entry.status)
        }
    }
}

/// The writer's bytes: a growable buffer written through a pointer (appending to an `[UInt8]` checked its
/// uniqueness and capacity for every byte, and `append(contentsOf: [...])` allocated an array for every key).
private final class ByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always) func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    @inline(never) private func grow(to minimum: Int) {
        let newCapacity = max(minimum, capacity * 2)
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always) func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always) func append(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        reserve(4)
        base[count] = a
        base[count + 1] = b
        base[count + 2] = c
        base[count + 3] = d
        count += 4
    }

    @inline(__always) func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    @inline(__always) func appendSpaces(_ n: Int) {
        reserve(n)
        for index in 0..<n { base[count + index] = 0x20 }
        count += n
    }

    /// `"yyyy-MM-ddTHH:mm:ss.SSSZ"`, quoted.
    func appendISO8601(_ fields: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millis: Int)) {
        reserve(26)
        let out = base + count
        @inline(__always) func two(_ value: Int, at offset: Int) {
            out[offset] = 0x30 + UInt8(truncatingIfNeeded: value / 10 % 10)
            out[offset + 1] = 0x30 + UInt8(truncatingIfNeeded: value % 10)
        }
        out[0] = 0x22
        two(fields.year / 100, at: 1)
        two(fields.year % 100, at: 3)
        out[5] = 0x2D
        two(fields.month, at: 6)
        out[8] = 0x2D
        two(fields.day, at: 9)
        out[11] = 0x54
        two(fields.hour, at: 12)
        out[14] = 0x3A
        two(fields.minute, at: 15)
        out[17] = 0x3A
        two(fields.second, at: 18)
        out[20] = 0x2E
        out[21] = 0x30 + UInt8(truncatingIfNeeded: fields.millis / 100 % 10)
        two(fields.millis % 100, at: 22)
        out[24] = 0x5A
        out[25] = 0x22
        count += 26
    }

    /// A non-negative or negative integer in decimal, as `String(value)` writes it.
    func appendDecimal(_ value: Int) {
        reserve(21)
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
            UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var length = 0
        withUnsafeMutableBytes(of: &digits) { scratch in
            repeat {
                scratch[19 - length] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
                length += 1
            } while magnitude > 0
            if value < 0 {
                base[count] = 0x2D
                count += 1
            }
            for index in (20 - length)..<20 {
                base[count] = scratch[index]
                count += 1
            }
        }
    }

    /// A JSON string: quoted, with `"`, `\\` and control characters escaped as `JSONEncoder` escapes them
    /// (everything else, `/` included, as it is).
    func appendJSONString(_ utf8: UnsafeBufferPointer<UInt8>) {
        append(0x22)
        guard let source = utf8.baseAddress else {
            append(0x22)
            return
        }
        let total = utf8.count
        var runStart = 0
        var index = 0
        while index < total {
            // Eight bytes at a time while none needs escaping (most strings need none).
            if index + 8 <= total, !Self.mayNeedEscape(UnsafeRawPointer(source + index).loadUnaligned(as: UInt64.self)) {
                index += 8
                continue
            }
            let byte = source[index]
            index += 1
            guard byte < 0x20 || byte == 0x22 || byte == 0x5C else { continue }
            if runStart < index - 1 { append(UnsafeBufferPointer(rebasing: utf8[runStart..<(index - 1)])) }
            runStart = index
            switch byte {
            case 0x22: append(0x5C); append(0x22)
            case 0x5C: append(0x5C); append(0x5C)
            case 0x08: append(0x5C); append(UInt8(ascii: "b"))
            case 0x0C: append(0x5C); append(UInt8(ascii: "f"))
            case 0x0A: append(0x5C); append(UInt8(ascii: "n"))
            case 0x0D: append(0x5C); append(UInt8(ascii: "r"))
            case 0x09: append(0x5C); append(UInt8(ascii: "t"))
            default:
                let hex: StaticString = "0123456789abcdef"
                hex.withUTF8Buffer { hex in
                    append(0x5C)
                    append(UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)])
                    append(hex[Int(byte & 0x0F)])
                }
            }
        }
        if runStart < total { append(UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        append(0x22)
    }

    /// Whether any of eight bytes is below 0x20, `"` or `\\` (exact: no false negative, no false positive).
    @inline(__always) private static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let below20 = (word &- ones &* 0x20) & ~word & high
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let hasQuote = (quote &- ones) & ~quote & high
        let hasBackslash = (backslash &- ones) & ~backslash & high
        return (below20 | hasQuote | hasBackslash) != 0
    }
}
