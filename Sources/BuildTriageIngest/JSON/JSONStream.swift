import BuildTriageCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A strict pull reader over JSON bytes read a chunk at a time from a file descriptor or from memory: values are
/// walked in document order and never built into a tree, so memory stays flat however large the document.
///
/// Every error is an `IngestError` with the line and column: bad syntax, a document cut short, nesting deeper
/// than `maxDepth`. Only what the caller asks for is decoded (a string is copied up to a limit; the rest of it is
/// checked and skipped).
struct JSONStream {
    /// Deeper nesting fails the document (a Cucumber report needs about ten levels).
    static let maxDepth = 128
    static let chunkSize = 256 * 1024

    private let descriptor: Int32
    private var buffer: [UInt8]
    private var count: Int
    private var position = 0
    /// Bytes dropped from the front of `buffer` so far (for columns).
    private var consumed = 0
    private var reachedEnd: Bool
    private var depth = 0
    private(set) var line = 1
    private var lineStart = 0
    private var keyScratch: [UInt8] = []
    /// Set for a UTF-16 document (a UTF-16 byte order mark first): its bytes are transcoded to UTF-8 into `buffer`
    /// a chunk at a time as they are read, so that the rest of the reader sees UTF-8 only.
    private var utf16: UTF16ToUTF8?
    /// The UTF-16 bytes of the chunk being read (allocated for a UTF-16 document only).
    private var utf16Chunk: [UInt8] = []

    /// Streams the file open at `descriptor` (not closed here).
    init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        count = 0
        reachedEnd = false
    }

    /// Reads bytes in memory.
    init(bytes: [UInt8]) {
        descriptor = -1
        buffer = bytes
        count = bytes.count
        reachedEnd = true
    }

    // MARK: Bytes

    /// Skips a UTF-8 byte order mark at the start of the document; after a UTF-16 one, the document is read as
    /// UTF-16 (transcoded to UTF-8 as it is read).
    mutating func skipByteOrderMark() throws(IngestError) {
        guard consumed == 0, position == 0, try available(), count >= 2 else { return }
        if let bigEndian = Sniffer.utf16BigEndian(buffer[0..<2]) {
            var transcoder = UTF16ToUTF8(bigEndian: bigEndian)
            let raw = Array(buffer[2..<count])
            buffer.removeAll(keepingCapacity: true)
            try transcoder.transcode(raw[...], final: reachedEnd, into: &buffer)
            utf16 = transcoder
            count = buffer.count
            return
        }
        if count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { position = 3 }
    }

    /// Makes at least one byte available at `position`; false at the end of the input.
    private mutating func fill() throws(IngestError) -> Bool {
        if position < count { return true }
        guard !reachedEnd else { return false }
        consumed += count
        position = 0
        count = 0
        if utf16 != nil { return try fillUTF16() }
        while true {
            let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw IngestError("read error: \(String(cString: strerror(errno)))")
            }
            if got == 0 {
                reachedEnd = true
                return false
            }
            count = got
            return true
        }
    }

    /// `fill()` for a UTF-16 document: the next chunk read and transcoded (a chunk may end inside a character: its
    /// first bytes wait for the next one).
    private mutating func fillUTF16() throws(IngestError) -> Bool {
        if utf16Chunk.isEmpty { utf16Chunk = [UInt8](repeating: 0, count: Self.chunkSize) }
        while true {
            let got = utf16Chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw IngestError("read error: \(String(cString: strerror(errno)))")
            }
            if got == 0 { reachedEnd = true }
            buffer.removeAll(keepingCapacity: true)
            do {
                try utf16!.transcode(utf16Chunk[0..<got], final: got == 0, into: &buffer)
            } catch {
                throw self.error(error.message)
            }
            count = buffer.count
            if count > 0 { return true }
            if got == 0 { return false }
        }
    }

    /// Whether a byte is available at `position` (reading the next chunk if needed).
    @inline(__always)
    private mutating func available() throws(IngestError) -> Bool {
        position < count ? true : try fill()
    }

    /// An error at the current position.
    func error(_ message: String) -> IngestError {
        IngestError(message, line: line, column: consumed + position - lineStart + 1)
    }

    private func endError() -> IngestError {
        error("invalid JSON: the document ends early (truncated?)")
    }

    @inline(__always)
    private mutating func nextByte() throws(IngestError) -> UInt8 {
        guard try available() else { throw endError() }
        let byte = buffer[position]
        position += 1
        return byte
    }

    /// The next byte that is not white space, not consumed; nil at the end of the input.
    @inline(__always)
    mutating func peekByte() throws(IngestError) -> UInt8? {
        // Compact JSON: the next byte is the one; pretty-printed JSON: often the one after a single space.
        if position &+ 1 < count {
            let byte = buffer[position]
            if byte > 0x20 { return byte }
            let next = buffer[position &+ 1]
            if byte == 0x20, next > 0x20 {
                position &+= 1
                return next
            }
        }
        return try peekByteAfterSpace()
    }

    /// White space skipped eight bytes at a time (a pretty-printed report is half indentation), the lines counted as
    /// it goes: each word's white-space and newline bytes are found exactly (`JSONScan.zeroBytes`), so that a
    /// line's break and indentation cost a word or two instead of a branch a byte.
    private mutating func peekByteAfterSpace() throws(IngestError) -> UInt8? {
        while true {
            guard try available() else { return nil }
            let start = position
            let end = count
            var newlines = 0
            var afterLastNewline = 0
            let stop = buffer.withUnsafeBytes { bytes in
                var index = start
                while index &+ 8 <= end {
                    let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self).littleEndian
                    let newline = JSONScan.zeroBytes(word ^ 0x0A0A_0A0A_0A0A_0A0A)
                    let space = JSONScan.zeroBytes(word ^ 0x2020_2020_2020_2020) | newline
                        | JSONScan.zeroBytes(word ^ 0x0909_0909_0909_0909) | JSONScan.zeroBytes(word ^ 0x0D0D_0D0D_0D0D_0D0D)
                    let other = ~space & 0x8080_8080_8080_8080
                    // The newlines before the first byte that is not white space (all of them in a word of white space).
                    let skipped = other == 0 ? 8 : other.trailingZeroBitCount &>> 3
                    let counted = skipped == 8 ? newline : newline & ((1 &<< UInt64(skipped &* 8)) &- 1)
                    if counted != 0 {
                        // One flag a byte, at its top bit: moved to the bottom and summed into the top byte.
                        newlines &+= Int(truncatingIfNeeded: ((counted &>> 7) &* 0x0101_0101_0101_0101) &>> 56)
                        afterLastNewline = index &+ ((63 &- counted.leadingZeroBitCount) &>> 3) &+ 1
                    }
                    index &+= skipped
                    if skipped < 8 { return index }
                }
                while index < end {
                    switch bytes[index] {
                    case 0x20, 0x09, 0x0D:
                        index &+= 1
                    case 0x0A:
                        index &+= 1
                        newlines &+= 1
                        afterLastNewline = index
                    default:
                        return index
                    }
                }
                return index
            }
            position = stop
            if newlines > 0 {
                line += newlines
                lineStart = consumed + afterLastNewline
            }
            if stop < end { return buffer[stop] }
        }
    }

    @inline(__always)
    mutating func peek() throws(IngestError) -> UInt8 {
        guard let byte = try peekByte() else { throw endError() }
        return byte
    }

    @inline(__always)
    private mutating func expect(_ expected: UInt8) throws(IngestError) {
        guard try peek() == expected else { throw unexpected(expectingByte: expected) }
        position += 1
    }

    private func unexpected(expectingByte expected: UInt8) -> IngestError {
        unexpected(expecting: "'\(Character(Unicode.Scalar(expected)))'")
    }

    private func unexpected(expecting: String) -> IngestError {
        guard position < count else { return endError() }
        let byte = buffer[position]
        let shown = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        return error("invalid JSON: unexpected \(shown), expected \(expecting)")
    }

    /// Only white space is left.
    mutating func expectEnd() throws(IngestError) {
        if try peekByte() != nil { throw unexpected(expecting: "the end of the document") }
    }

    // MARK: Containers

    private mutating func open() throws(IngestError) {
        position += 1
        depth += 1
        guard depth <= Self.maxDepth else { throw error("JSON nested deeper than \(Self.maxDepth) levels") }
    }

    /// Walks the object at the cursor (`{` next), calling `body` with the index in `keys` of each member's name (nil
    /// for a name not in it); `body` must consume the value.
    mutating func object(_ keys: JSONKeys, _ body: (inout JSONStream, Int?) throws(IngestError) -> Void) throws(IngestError) {
        guard try peek() == UInt8(ascii: "{") else { throw unexpected(expecting: "an object") }
        try open()
        if try peek() == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return
        }
        while true {
            guard try peek() == UInt8(ascii: "\"") else { throw unexpected(expecting: "a member name") }
            let index = try key(in: keys)
            try expect(UInt8(ascii: ":"))
            try body(&self, index)
            let next = try peek()
            position += 1
            if next == UInt8(ascii: ",") { continue }
            guard next == UInt8(ascii: "}") else {
                position -= 1
                throw unexpected(expecting: "',' or '}'")
            }
            depth -= 1
            return
        }
    }

    /// The string at the cursor (`"` next), consumed, when it holds no escape and ends in the buffer (the common
    /// case): where its bytes lie in the buffer. nil (nothing consumed) otherwise.
    @inline(__always)
    private mutating func plainStringInBuffer() -> Range<Int>? {
        let start = position + 1
        let end = buffer.withUnsafeBufferPointer { JSONScan.plainStringEnd($0.baseAddress!, from: start, to: count, asciiOnly: false) }
        guard end < count, buffer[end] == UInt8(ascii: "\"") else { return nil }
        position = end + 1
        return start..<end
    }

    /// The member name at the cursor (`"` next), consumed: its index in `keys`, nil for another name.
    private mutating func key(in keys: JSONKeys) throws(IngestError) -> Int? {
        // Matched where it lies when it can be.
        if let range = plainStringInBuffer() {
            return buffer.withUnsafeBufferPointer { bytes in
                keys.index(of: UnsafeBufferPointer(rebasing: bytes[range]), readable: bytes.count - range.lowerBound)
            }
        }
        // One buffer for every other member name (only its index is handed on).
        var key = keyScratch
        keyScratch = []
        key.removeAll(keepingCapacity: true)
        try string(into: &key, limit: keys.longest + 1)
        defer { keyScratch = key }
        return key.withUnsafeBufferPointer { keys.index(of: $0, readable: $0.count) }
    }

    /// Walks the array at the cursor (`[` next), calling `body` at each element; `body` must consume it.
    mutating func array(_ body: (inout JSONStream) throws(IngestError) -> Void) throws(IngestError) {
        guard try peek() == UInt8(ascii: "[") else { throw unexpected(expecting: "an array") }
        try open()
        if try peek() == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return
        }
        while true {
            try body(&self)
            let next = try peek()
            position += 1
            if next == UInt8(ascii: ",") { continue }
            guard next == UInt8(ascii: "]") else {
                position -= 1
                throw unexpected(expecting: "',' or ']'")
            }
            depth -= 1
            return
        }
    }

    // MARK: Values

    /// Consumes one value of any kind.
    mutating func skipValue() throws(IngestError) {
        switch try peek() {
        case UInt8(ascii: "{"): try object(JSONKeys.none) { stream, _ throws(IngestError) in try stream.skipValue() }
        case UInt8(ascii: "["): try array { stream throws(IngestError) in try stream.skipValue() }
        case UInt8(ascii: "\""):
            guard plainStringInBuffer() == nil else { return }
            var none: [UInt8] = []
            try string(into: &none, limit: 0)
        default: _ = try scalar()
        }
    }

    /// The string at the cursor, decoded, up to `limit` bytes (the rest is checked and skipped); nil (and the value
    /// skipped) when the value is not a string.
    mutating func stringValue(limit: Int) throws(IngestError) -> [UInt8]? {
        guard try peek() == UInt8(ascii: "\"") else {
            try skipValue()
            return nil
        }
        var bytes: [UInt8] = []
        try string(into: &bytes, limit: limit)
        return bytes
    }

    /// `body` called with the string at the cursor, decoded, up to `limit` bytes (read where it lies in the buffer
    /// when it can be, else copied); nil (and the value skipped) when the value is not a string.
    mutating func withStringValue<Result>(limit: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) throws(IngestError) -> Result? {
        guard try peek() == UInt8(ascii: "\"") else {
            try skipValue()
            return nil
        }
        if let range = plainStringInBuffer() {
            let kept = range.lowerBound..<min(range.upperBound, range.lowerBound + limit)
            return buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[kept])) }
        }
        var bytes: [UInt8] = []
        try string(into: &bytes, limit: limit)
        return bytes.withUnsafeBufferPointer(body)
    }

    /// A number at the cursor as a Double; nil (and the value skipped) for any other value.
    mutating func numberValue() throws(IngestError) -> Double? {
        switch try peek() {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try scalar()
        default:
            try skipValue()
            return nil
        }
    }

    /// Appends the decoded string at the cursor (`"` next) to `bytes`, keeping at most `limit` bytes.
    private mutating func string(into bytes: inout [UInt8], limit: Int) throws(IngestError) {
        position += 1
        while true {
            // Plain bytes in the buffer, scanned a word at a time.
            let start = position
            position = buffer.withUnsafeBufferPointer { bytes in
                JSONScan.plainStringEnd(bytes.baseAddress!, from: start, to: count, asciiOnly: false)
            }
            if position > start, bytes.count < limit {
                bytes.append(contentsOf: buffer[start..<min(position, start + limit - bytes.count)])
            }
            // The chunk ended inside the string: read on.
            if position == count {
                guard try fill() else { throw endError() }
                continue
            }
            let byte = try nextByte()
            switch byte {
            case UInt8(ascii: "\""):
                return
            case UInt8(ascii: "\\"):
                let escape = try nextByte()
                var decoded: [UInt8]
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded = [escape]
                case UInt8(ascii: "b"): decoded = [0x08]
                case UInt8(ascii: "f"): decoded = [0x0C]
                case UInt8(ascii: "n"): decoded = [0x0A]
                case UInt8(ascii: "r"): decoded = [0x0D]
                case UInt8(ascii: "t"): decoded = [0x09]
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if scalar >= 0xD800, scalar < 0xDC00 {
                        // A high surrogate: a low one must follow to make one character.
                        guard try nextByte() == UInt8(ascii: "\\"), try nextByte() == UInt8(ascii: "u") else {
                            throw error("invalid JSON: a lone UTF-16 surrogate in a string")
                        }
                        let low = try hex4()
                        guard low >= 0xDC00, low < 0xE000 else { throw error("invalid JSON: a lone UTF-16 surrogate in a string") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    decoded = Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
                default:
                    position -= 1
                    throw error("invalid JSON: invalid escape in a string")
                }
                if bytes.count + decoded.count <= limit { bytes += decoded }
            default:
                position -= 1
                throw error("invalid JSON: unescaped control character in a string")
            }
        }
    }

    private mutating func hex4() throws(IngestError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = try nextByte()
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                position -= 1
                throw error("invalid JSON: \\u needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// A number or a literal (`true`, `false`, `null`): the number's value, nil for a literal.
    private mutating func scalar() throws(IngestError) -> Double? {
        let first = try peek()
        if first == UInt8(ascii: "t") || first == UInt8(ascii: "f") || first == UInt8(ascii: "n") {
            let word = first == UInt8(ascii: "t") ? "true" : first == UInt8(ascii: "f") ? "false" : "null"
            for expected in word.utf8 {
                guard try available(), buffer[position] == expected else {
                    throw unexpected(expecting: "'\(word)'")
                }
                position += 1
            }
            try delimiter()
            return nil
        }
        if let value = plainIntegerInBuffer() { return value }
        // JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. The bytes are kept as they are read
        // (a number may straddle two chunks) and parsed at the end.
        var text: [UInt8] = []
        func peekRaw(_ stream: inout JSONStream) throws(IngestError) -> UInt8? {
            guard try stream.available() else { return nil }
            return stream.buffer[stream.position]
        }
        func take(_ stream: inout JSONStream) {
            text.append(stream.buffer[stream.position])
            stream.position += 1
        }
        func digits(_ stream: inout JSONStream) throws(IngestError) -> Int {
            var found = 0
            while let byte = try peekRaw(&stream), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                take(&stream)
                found += 1
            }
            return found
        }
        if try peekRaw(&self) == UInt8(ascii: "-") { take(&self) }
        guard let lead = try peekRaw(&self), lead >= UInt8(ascii: "0"), lead <= UInt8(ascii: "9") else {
            throw unexpected(expecting: "a value")
        }
        if lead == UInt8(ascii: "0") {
            take(&self)
        } else {
            _ = try digits(&self)
        }
        if try peekRaw(&self) == UInt8(ascii: ".") {
            take(&self)
            guard try digits(&self) > 0 else { throw unexpected(expecting: "a digit") }
        }
        if let byte = try peekRaw(&self), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            take(&self)
            if let sign = try peekRaw(&self), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { take(&self) }
            guard try digits(&self) > 0 else { throw unexpected(expecting: "a digit") }
        }
        try delimiter()
        return Double(String(decoding: text, as: UTF8.self))
    }

    /// The number at the cursor, consumed, when it is a plain integer of at most 18 digits followed by a delimiter,
    /// all in the buffer (the lines and durations of a report); nil (nothing consumed) for anything else, which
    /// `scalar()` reads the long way.
    @inline(__always)
    private mutating func plainIntegerInBuffer() -> Double? {
        let start = position
        let found: (value: Double, end: Int)? = buffer.withUnsafeBufferPointer { bytes in
            var index = start
            let negative = bytes[index] == UInt8(ascii: "-")
            if negative { index &+= 1 }
            let first = index
            var magnitude: UInt64 = 0
            while index < count, index &- first < 19 {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                magnitude = magnitude &* 10 &+ UInt64(digit)
                index &+= 1
            }
            let digits = index &- first
            // No digit, a leading zero, 19 digits or more, or the end of the buffer: the long way decides.
            guard digits > 0, digits < 19, index < count, digits == 1 || bytes[first] != UInt8(ascii: "0") else { return nil }
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"):
                return (negative ? -Double(magnitude) : Double(magnitude), index)
            default:
                return nil
            }
        }
        guard let found else { return nil }
        position = found.end
        return found.value
    }

    /// A value ends at white space, `,`, `}`, `]` or the end of the input.
    private mutating func delimiter() throws(IngestError) {
        guard try available() else { return }
        switch buffer[position] {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"): return
        default: throw unexpected(expecting: "',' or the end of the value")
        }
    }
}

/// The member names a reader looks for, matched on decoded bytes.
struct JSONKeys: Sendable {
    private let names: [[UInt8]]
    /// Each name's first eight bytes (zero after its end) and length, compared before the rest.
    private let heads: [UInt64]
    private let lengths: [Int]
    /// An open-addressed table of the names by their head and length: a name's index + 1 (0: empty).
    private let slots: [Int8]
    let longest: Int

    static let none = JSONKeys([])

    init(_ names: [String]) {
        precondition(names.count < 64, "a key table holds fewer than 64 names")
        self.names = names.map { Array($0.utf8) }
        heads = self.names.map { $0.withUnsafeBufferPointer(Self.head) }
        lengths = self.names.map(\.count)
        longest = self.names.map(\.count).max() ?? 0
        var slots = [Int8](repeating: 0, count: 64)
        for (index, name) in self.names.enumerated() {
            var slot = Self.slot(head: heads[index], count: name.count)
            while slots[slot] != 0 { slot = (slot &+ 1) & 63 }
            slots[slot] = Int8(index + 1)
        }
        self.slots = slots
    }

    @inline(__always)
    private static func slot(head: UInt64, count: Int) -> Int {
        Int(truncatingIfNeeded: ((head ^ UInt64(truncatingIfNeeded: count)) &* 0x9E37_79B9_7F4A_7C15) >> 58)
    }

    @inline(__always)
    private static func head(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var head: UInt64 = 0
        for index in 0..<min(8, bytes.count) { head |= UInt64(bytes[index]) << UInt64(index &* 8) }
        return head
    }

    /// The index of the name `key` holds; `readable` bytes from its start may be read (at least its count): with
    /// eight, its head is one load.
    func index(of key: UnsafeBufferPointer<UInt8>, readable: Int) -> Int? {
        guard key.count <= longest else { return nil }
        var head: UInt64
        if readable >= 8, let base = key.baseAddress {
            head = UnsafeRawPointer(base).loadUnaligned(as: UInt64.self).littleEndian
            if key.count < 8 { head &= (1 &<< UInt64(key.count &* 8)) &- 1 }
        } else {
            head = Self.head(key)
        }
        var slot = Self.slot(head: head, count: key.count)
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            let index = entry - 1
            if heads[index] == head, lengths[index] == key.count {
                if key.count <= 8 { return index }
                let rest = names[index].withUnsafeBufferPointer { memcmp($0.baseAddress! + 8, key.baseAddress! + 8, key.count - 8) }
                if rest == 0 { return index }
            }
            slot = (slot &+ 1) & 63
        }
    }
}

/// The string scanning the two JSON readers share (`JSONStream`, `FastJSONCursor`).
enum JSONScan {
    /// The top bit of each byte of `word` that is zero, and no other bit. Exact for every byte (the sum cannot carry
    /// from one byte into the next), unlike the borrow test, which can flag a byte above a true one.
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((word & low) &+ low) | word | low)
    }

    /// Where the bytes that can be taken as they are inside a string end, from `start` (before `end`): the index of
    /// the first `"`, `\\` or control character — or, with `asciiOnly`, byte of 0x80 or more — else `end`. Eight
    /// bytes at a time: a word's special bytes are found with the zero-byte and less-than tests, whose lowest flagged
    /// byte is exact (a borrow can only flag bytes above a true one).
    @inline(__always)
    static func plainStringEnd(_ bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, asciiOnly: Bool) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        var index = start
        while index &+ 8 <= end {
            let word = UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self).littleEndian
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            var special = ((word &- ones &* 0x20) | (quote &- ones) | (backslash &- ones)) & ~word
            if asciiOnly { special |= word }
            special &= high
            if special != 0 { return index &+ (special.trailingZeroBitCount &>> 3) }
            index &+= 8
        }
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 || (asciiOnly && byte >= 0x80) { return index }
            index &+= 1
        }
        return end
    }
}

/// UTF-16 (of either byte order) to UTF-8, a chunk at a time: a code unit or a surrogate pair cut by the end of a
/// chunk is finished with the next one. An unpaired surrogate becomes U+FFFD; an odd byte at the end of the
/// document is an error.
struct UTF16ToUTF8 {
    let bigEndian: Bool
    /// The bytes of the last chunk that did not make a whole character yet (at most three).
    private var carry: [UInt8] = []

    init(bigEndian: Bool) {
        self.bigEndian = bigEndian
    }

    mutating func transcode(_ input: ArraySlice<UInt8>, final: Bool, into output: inout [UInt8]) throws(IngestError) {
        output.reserveCapacity(output.count + input.count + input.count / 2 + 4)
        var bytes = input
        if !carry.isEmpty {
            bytes = ArraySlice(carry + input)
            carry.removeAll()
        }
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let unit = self.unit(bytes, at: index)
            if unit < 0x80 {
                output.append(UInt8(unit))
                index += 2
            } else if unit < 0x800 {
                output.append(0xC0 | UInt8(unit >> 6))
                output.append(0x80 | UInt8(unit & 0x3F))
                index += 2
            } else if unit & 0xFC00 == 0xD800 {
                // A high surrogate: its pair follows (in this chunk, or the next).
                guard index + 3 < bytes.endIndex else { break }
                let next = self.unit(bytes, at: index + 2)
                guard next & 0xFC00 == 0xDC00 else {
                    Self.appendReplacement(to: &output)
                    index += 2
                    continue
                }
                let scalar = 0x10000 + ((UInt32(unit) & 0x3FF) << 10) + (UInt32(next) & 0x3FF)
                output.append(0xF0 | UInt8(scalar >> 18))
                output.append(0x80 | UInt8((scalar >> 12) & 0x3F))
                output.append(0x80 | UInt8((scalar >> 6) & 0x3F))
                output.append(0x80 | UInt8(scalar & 0x3F))
                index += 4
            } else if unit & 0xFC00 == 0xDC00 {
                Self.appendReplacement(to: &output)
                index += 2
            } else {
                output.append(0xE0 | UInt8(unit >> 12))
                output.append(0x80 | UInt8((unit >> 6) & 0x3F))
                output.append(0x80 | UInt8(unit & 0x3F))
                index += 2
            }
        }
        guard index < bytes.endIndex else { return }
        if !final {
            carry = Array(bytes[index...])
            return
        }
        // The end of the document: a lone high surrogate is replaced; half a code unit cannot be read.
        guard (bytes.endIndex - index) % 2 == 0 else { throw IngestError("invalid UTF-16: the document ends inside a character") }
        Self.appendReplacement(to: &output)
    }

    @inline(__always)
    private func unit(_ bytes: ArraySlice<UInt8>, at index: Int) -> UInt16 {
        bigEndian ? UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]) : UInt16(bytes[index + 1]) << 8 | UInt16(bytes[index])
    }

    private static func appendReplacement(to output: inout [UInt8]) {
        output += [0xEF, 0xBF, 0xBD]
    }
}
