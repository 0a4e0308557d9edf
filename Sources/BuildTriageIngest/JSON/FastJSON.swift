import BuildTriageCore

// A byte-level JSON reader for AWS CLI responses: reads the file's bytes in place and builds the typed model
// directly, walking each shape's member table (`AWSShape.members`, the same table the models' Codable conformance
// walks; see `AWSResponseFastReader`), with the semantics of that conformance under Foundation's JSONDecoder. It reads only the plain JSON that real responses are made of; anything unusual (a syntax error, an
// escaped key, a number in an odd form, a lone surrogate, nesting past 512 levels...) throws `FastJSONFallback`, and
// the caller then lets JSONDecoder decide, so that both paths always give the same document or the same error.

/// The input needs JSONDecoder's judgement: the fast reader stops without a result.
package struct FastJSONFallback: Error, Sendable {
    @inline(__always) init() {}
}

/// A position in a JSON document's bytes. The bytes must outlive the cursor (`withUnsafeBytes`).
package struct FastJSONCursor {
    typealias Fallback = FastJSONFallback

    private let bytes: UnsafePointer<UInt8>
    private let count: Int
    private(set) var position = 0
    /// Containers open at `position` (the top-level object counts 1).
    private var depth = 0
    /// JSONDecoder refuses a document nested deeper than this; deeper input is left to it.
    static let maxDepth = 512

    init(_ buffer: UnsafeRawBufferPointer) {
        // A non-empty dummy base for an empty buffer: `count` 0 keeps every read out of it.
        bytes = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        count = buffer.count
    }

    /// Goes back to a position seen before (at depth 0, i.e. the top-level value).
    mutating func rewind(to position: Int) {
        self.position = position
        depth = 0
    }

    // MARK: Structure

    @inline(__always) private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    @inline(__always) mutating func skipWhitespace() {
        // Pretty-printed responses indent with runs of spaces after a newline: eight at a time.
        while position < count, Self.isWhitespace(bytes[position]) {
            position += 1
            while position + 8 <= count, load8(position) == 0x2020_2020_2020_2020 { position += 8 }
        }
    }

    @inline(__always) private func load8(_ offset: Int) -> UInt64 {
        UnsafeRawPointer(bytes + offset).loadUnaligned(as: UInt64.self).littleEndian
    }

    /// Advances `position` over the bytes of a string that are printable ASCII other than `"` and `\`.
    @inline(__always) private mutating func skipPlainStringWords() {
        position = JSONScan.plainStringEnd(bytes, from: position, to: count, asciiOnly: true)
    }

    /// The next byte that is not whitespace (not consumed).
    @inline(__always) mutating func peek() throws(Fallback) -> UInt8 {
        skipWhitespace()
        guard position < count else { throw Fallback() }
        return bytes[position]
    }

    /// Only whitespace is left.
    func atEnd() -> Bool {
        var index = position
        while index < count, Self.isWhitespace(bytes[index]) { index += 1 }
        return index == count
    }

    @inline(__always) private mutating func open() throws(Fallback) {
        position += 1
        depth += 1
        guard depth <= Self.maxDepth else { throw Fallback() }
    }

    /// Reads the object at the cursor (which must be at `{`), calling `body` with the index in `names` of each
    /// member's key, first occurrence only (JSONDecoder keeps the first of duplicate keys); `body` must consume the
    /// value. Other members are skipped. Returns the set of `names` indices seen.
    @discardableResult
    mutating func fields(_ names: UTF8Names, _ body: (inout FastJSONCursor, Int) throws(Fallback) -> Void) throws(Fallback) -> UInt64 {
        var seen: UInt64 = 0
        try members { cursor, key, length throws(Fallback) in
            if let index = names.index(of: key, length), seen & (1 << UInt64(index)) == 0 {
                seen |= 1 << UInt64(index)
                try body(&cursor, index)
            } else {
                try cursor.skipValue()
            }
        }
        return seen
    }

    /// Walks the object at the cursor (which must be at `{`), calling `body` with each member's key bytes, the
    /// cursor at its value; `body` must consume the value.
    @inline(__always)
    private mutating func members(_ body: (inout FastJSONCursor, UnsafePointer<UInt8>, Int) throws(Fallback) -> Void) throws(Fallback) {
        try container(closedBy: UInt8(ascii: "}")) { cursor throws(Fallback) in
            guard cursor.position < cursor.count, cursor.bytes[cursor.position] == UInt8(ascii: "\"") else { throw Fallback() }
            let (start, length) = try cursor.key()
            guard try cursor.peek() == UInt8(ascii: ":") else { throw Fallback() }
            cursor.position += 1
            try body(&cursor, cursor.bytes + start, length)
        }
    }

    /// Reads the array at the cursor (which must be at `[`), calling `body` at each element; `body` must consume it.
    mutating func elements(_ body: (inout FastJSONCursor) throws(Fallback) -> Void) throws(Fallback) {
        try container(closedBy: UInt8(ascii: "]"), body)
    }

    /// The object or array at the cursor (at its opening bracket), `body` called at each entry, which it must consume.
    /// A trailing comma (which JSONDecoder accepts) is left to it.
    @inline(__always)
    private mutating func container(closedBy close: UInt8, _ body: (inout FastJSONCursor) throws(Fallback) -> Void) throws(Fallback) {
        try open()
        skipWhitespace()
        if position < count, bytes[position] == close {
            position += 1
            depth -= 1
            return
        }
        while true {
            try body(&self)
            let next = try peek()
            position += 1
            if next == UInt8(ascii: ",") {
                guard try peek() != close else { throw Fallback() }
                continue
            }
            guard next == close else { throw Fallback() }
            depth -= 1
            return
        }
    }

    /// A member name as raw bytes (the cursor at its opening quote). Names with escapes, control characters or
    /// bytes that are not UTF-8 are left to JSONDecoder: a model key is plain ASCII, and no other string is
    /// canonically equivalent to one (none holds `K`, `;` or `` ` ``, the only ASCII targets of singleton
    /// decompositions), so a plain byte comparison finds exactly the members JSONDecoder finds.
    @inline(__always) private mutating func key() throws(Fallback) -> (Int, Int) {
        let run = try plainRun()
        guard !run.escaped, run.ascii || String(validating: run.bytes, as: UTF8.self) != nil else { throw Fallback() }
        return (run.start, run.bytes.count)
    }

    /// Scans the string at the cursor (at its opening quote) to its closing quote, consumed, or to its first
    /// backslash (`escaped`, the cursor left there). A raw control character is left to JSONDecoder (which gives nil
    /// for a string holding one).
    @inline(__always) private mutating func plainRun() throws(Fallback) -> (start: Int, bytes: UnsafeBufferPointer<UInt8>, ascii: Bool, escaped: Bool) {
        position += 1
        let start = position
        var ascii = true
        while position < count {
            skipPlainStringWords()
            guard position < count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                let run = UnsafeBufferPointer(start: bytes + start, count: position - start)
                guard byte == UInt8(ascii: "\"") else { return (start, run, ascii, true) }
                position += 1
                return (start, run, ascii, false)
            }
            if byte < 0x20 { throw Fallback() }
            if byte >= 0x80 { ascii = false }
            position += 1
        }
        throw Fallback()
    }

    /// Consumes one value of any kind without building it.
    mutating func skipValue() throws(Fallback) {
        switch try peek() {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "{"): try fields(UTF8Names.none) { _, _ throws(Fallback) in }
        case UInt8(ascii: "["): try elements { cursor throws(Fallback) in try cursor.skipValue() }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try number()
        default: throw Fallback()
        }
    }

    private mutating func literal(_ word: StaticString) throws(Fallback) {
        let length = word.utf8CodeUnitCount
        guard position + length <= count else { throw Fallback() }
        for offset in 0..<length where bytes[position + offset] != word.utf8Start[offset] { throw Fallback() }
        position += length
        try expectDelimiter()
    }

    /// A value ends at whitespace, `,`, `}`, `]` or the end of the input; anything else glued to it is left to
    /// JSONDecoder (which reads `1-2` or `truex` in its own ways).
    @inline(__always) private func expectDelimiter() throws(Fallback) {
        guard position < count else { return }
        let byte = bytes[position]
        guard Self.isWhitespace(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") else {
            throw Fallback()
        }
    }

    /// `null` (consumed) or not (nothing consumed).
    mutating func null() throws(Fallback) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    // MARK: Strings

    /// Skips a string JSONDecoder does not decode. Its content is mostly not checked (JSONDecoder does not check it
    /// either: bad escapes and bytes that are not UTF-8 pass), but JSONDecoder's scanner refuses the whole document
    /// for a `\u` without four hex digits, and raw control characters are left to it too.
    private mutating func skipString() throws(Fallback) {
        position += 1
        while position < count {
            skipPlainStringWords()
            guard position < count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return
            }
            if byte == UInt8(ascii: "\\") {
                if position + 1 < count, bytes[position + 1] == UInt8(ascii: "u") {
                    position += 2
                    _ = try hex4()
                } else {
                    position += 2
                }
                continue
            }
            if byte < 0x20 { throw Fallback() }
            position += 1
        }
        throw Fallback()
    }

    /// The string at the cursor, or nil (and the value skipped) when the value is not a string.
    mutating func string() throws(Fallback) -> String? {
        guard try peek() == UInt8(ascii: "\"") else {
            try skipValue()
            return nil
        }
        return try stringToken()
    }

    /// Decodes the string at the cursor (at its opening quote).
    private mutating func stringToken() throws(Fallback) -> String {
        let run = try plainRun()
        if run.escaped { return try escapedString(from: run.start) }
        if run.ascii { return String(decoding: run.bytes, as: UTF8.self) }
        guard let text = String(validating: run.bytes, as: UTF8.self) else { throw Fallback() }
        return text
    }

    /// The slow path of `stringToken` for a string with escapes: `position` at its first backslash.
    private mutating func escapedString(from start: Int) throws(Fallback) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(position - start + 16)
        decoded.append(contentsOf: UnsafeBufferPointer(start: bytes + start, count: position - start))
        while position < count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                guard let text = String(validating: decoded, as: UTF8.self) else { throw Fallback() }
                return text
            }
            if byte < 0x20 { throw Fallback() }
            guard byte == UInt8(ascii: "\\") else {
                decoded.append(byte)
                position += 1
                continue
            }
            guard position + 1 < count else { throw Fallback() }
            let escape = bytes[position + 1]
            position += 2
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by an escaped low one; JSONDecoder gives nil otherwise.
                    guard position + 1 < count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                        throw Fallback()
                    }
                    position += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw Fallback() }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw Fallback()
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw Fallback() }
                decoded.append(contentsOf: UTF8.encode(unicode)!)
            default:
                throw Fallback()
            }
        }
        throw Fallback()
    }

    private mutating func hex4() throws(Fallback) -> UInt32 {
        guard position + 4 <= count else { throw Fallback() }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = bytes[position + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Fallback()
            }
            value = value << 4 | UInt32(digit)
        }
        position += 4
        return value
    }

    // MARK: Numbers

    /// A number token in JSON's strict grammar: its integer digits (as a magnitude, if they fit 64 bits), how many
    /// digits it has, and whether it has a fraction or an exponent.
    struct Number {
        var negative = false
        var mantissa: UInt64 = 0
        /// Digits before and after the point.
        var integerDigits = 0
        var fractionDigits = 0
        var hasExponent = false
        /// The digits did not fit `mantissa`.
        var overflow = false
    }

    /// Scans a number (the cursor at `-` or a digit). Leading zeros, a bare `-`, `1.`, `1e` and the like are
    /// left to JSONDecoder.
    private mutating func number() throws(Fallback) -> Number {
        var number = Number()
        if bytes[position] == UInt8(ascii: "-") {
            number.negative = true
            position += 1
        }
        func digit(_ index: Int) -> UInt8? {
            guard index < count else { return nil }
            let value = bytes[index] &- UInt8(ascii: "0")
            return value < 10 ? value : nil
        }
        func accumulate(_ value: UInt8) {
            let (times10, overflow1) = number.mantissa.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(value))
            if overflow1 || overflow2 { number.overflow = true } else { number.mantissa = sum }
        }
        guard let first = digit(position) else { throw Fallback() }
        position += 1
        number.integerDigits = 1
        number.mantissa = UInt64(first)
        if first == 0 {
            guard digit(position) == nil else { throw Fallback() }
        } else {
            while let value = digit(position) {
                accumulate(value)
                number.integerDigits += 1
                position += 1
            }
        }
        if position < count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            while let value = digit(position) {
                accumulate(value)
                number.fractionDigits += 1
                position += 1
            }
            guard number.fractionDigits > 0 else { throw Fallback() }
        }
        if position < count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digit(position) != nil else { throw Fallback() }
            while digit(position) != nil { position += 1 }
            number.hasExponent = true
        }
        try expectDelimiter()
        return number
    }

    /// An integer field (`Int` or `Int64`): a plain integer in range. A number with a fraction or an exponent
    /// (which JSONDecoder reads as an integer when it is one: `1.0`, `1e2`, even `1e-400` as 0) or out of range is
    /// left to JSONDecoder; any other value is nil.
    mutating func int64() throws(Fallback) -> Int64? {
        let first = try peek()
        guard first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            try skipValue()
            return nil
        }
        let number = try number()
        guard number.fractionDigits == 0, !number.hasExponent, !number.overflow else { throw Fallback() }
        if number.negative {
            guard number.mantissa <= UInt64(Int64.max) + 1 else { throw Fallback() }
            return number.mantissa == UInt64(Int64.max) + 1 ? Int64.min : -Int64(number.mantissa)
        }
        guard number.mantissa <= UInt64(Int64.max) else { throw Fallback() }
        return Int64(number.mantissa)
    }

    mutating func int() throws(Fallback) -> Int? {
        try int64().map { Int($0) }
    }

    private static let powersOf10: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// A number as a Double, when it can be computed exactly as JSONDecoder's correctly rounded parse gives it: at
    /// most 15 digits and no exponent (an exact integer divided by an exact power of ten rounds correctly).
    private func double(_ number: Number) throws(Fallback) -> Double {
        let digits = number.integerDigits + number.fractionDigits
        guard !number.hasExponent, !number.overflow, digits <= 15 else { throw Fallback() }
        let magnitude = Double(number.mantissa) / Self.powersOf10[number.fractionDigits]
        return number.negative ? -magnitude : magnitude
    }

    /// A `Timestamp` field: epoch seconds within `Timestamp.validSeconds`, or an ISO-8601 string; otherwise nil.
    mutating func timestamp() throws(Fallback) -> Timestamp? {
        let first = try peek()
        if first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) {
            let seconds = try double(try number())
            return Timestamp.validSeconds.contains(seconds) ? Timestamp(secondsSince1970: seconds) : nil
        }
        if let (start, length) = try plainString() {
            return Timestamp(iso8601UTF8: UnsafeBufferPointer(start: bytes + start, count: length))
        }
        guard let text = try string() else { return nil }
        return Timestamp(iso8601: text)
    }

    // MARK: Other values

    mutating func bool() throws(Fallback) -> Bool? {
        switch try peek() {
        case UInt8(ascii: "t"):
            try literal("true")
            return true
        case UInt8(ascii: "f"):
            try literal("false")
            return false
        default:
            try skipValue()
            return nil
        }
    }

    /// The text of an `OpenEnum` field (nil, and the value skipped, when not a string), made without decoding escapes
    /// when it has none.
    mutating func openEnumText() throws(Fallback) -> String? {
        if let (start, length) = try plainString() {
            return String(decoding: UnsafeBufferPointer(start: bytes + start, count: length), as: UTF8.self)
        }
        return try string()
    }

    /// The bytes of the string at the cursor, consumed, when it is ASCII without escapes or control characters;
    /// otherwise nil and nothing consumed.
    @inline(__always) private mutating func plainString() throws(Fallback) -> (Int, Int)? {
        guard try peek() == UInt8(ascii: "\"") else { return nil }
        var end = position + 1
        while end < count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") {
                let start = position + 1
                position = end + 1
                return (start, end - start)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return nil }
            end += 1
        }
        return nil
    }

    /// A top-level shape member: the object read as `Shape`, or nil (and the value skipped) when it is not an object.
    mutating func object<Shape: AWSShape>(_: Shape.Type) throws(Fallback) -> Shape? {
        var value: Shape?
        try withUnsafeMutableBytes(of: &value) { (field: UnsafeMutableRawBufferPointer) throws(Fallback) in
            try read(.object(Shape.self), into: field.baseAddress!)
        }
        return value
    }

    /// A top-level list of shapes: the objects of the array read as `Shape`, other elements skipped; nil when not an
    /// array.
    mutating func list<Shape: AWSShape>(_: Shape.Type) throws(Fallback) -> [Shape]? {
        var value: [Shape]?
        try withUnsafeMutableBytes(of: &value) { (field: UnsafeMutableRawBufferPointer) throws(Fallback) in
            try read(.list(Shape.self), into: field.baseAddress!)
        }
        return value
    }

    /// The list in a buffer of its size, as JSONDecoder's `LenientList` makes it (it reserves the element count):
    /// the slack left by appending (9 build groups in room for 16) would stay for the whole run.
    @inline(__always) private static func trimmed<T>(_ list: [T]) -> [T] {
        list.capacity > list.count ? list.withUnsafeBufferPointer { Array($0) } : list
    }

    /// A `[String]` field: nil unless an array of strings only.
    mutating func stringList() throws(Fallback) -> [String]? {
        guard try peek() == UInt8(ascii: "[") else {
            try skipValue()
            return nil
        }
        var list: [String]? = []
        try elements { cursor throws(Fallback) in
            if let text = try cursor.string() { list?.append(text) } else { list = nil }
        }
        return list.map(Self.trimmed)
    }

    /// A `[String: Value]` field: nil when not an object. An object with a value of another type (then
    /// nil, unless a duplicate key hides it) or duplicate keys is left to JSONDecoder.
    private mutating func dictionary<Value>(_ read: (inout FastJSONCursor) throws(Fallback) -> Value?) throws(Fallback) -> [String: Value]? {
        guard try peek() == UInt8(ascii: "{") else {
            try skipValue()
            return nil
        }
        var dictionary: [String: Value] = [:]
        try members { cursor, key, length throws(Fallback) in
            // Non-ASCII keys: canonical equivalence may merge two of them.
            for offset in 0..<length where key[offset] >= 0x80 { throw Fallback() }
            guard let value = try read(&cursor) else { throw Fallback() }
            let name = String(decoding: UnsafeBufferPointer(start: key, count: length), as: UTF8.self)
            guard dictionary.updateValue(value, forKey: name) == nil else { throw Fallback() }
        }
        return dictionary
    }

    mutating func stringDictionary() throws(Fallback) -> [String: String]? {
        try dictionary { cursor throws(Fallback) in try cursor.string() }
    }

    mutating func intDictionary() throws(Fallback) -> [String: Int]? {
        try dictionary { cursor throws(Fallback) in try cursor.int() }
    }
}

// MARK: Shapes

extension FastJSONCursor {
    /// Reads the object at the cursor (at `{`) as `Shape`, member by member as its table says.
    mutating func shape<Shape: AWSShape>(_: Shape.Type) throws(Fallback) -> Shape {
        var value = Shape()
        try withUnsafeMutableBytes(of: &value) { (shape: UnsafeMutableRawBufferPointer) throws(Fallback) in
            try fill(Shape.table, shape.baseAddress!)
        }
        return value
    }

    /// Reads the object at the cursor (at `{`) into the shape at `shape`, whose member table is `table`: the one loop
    /// every shape is read by. Unknown members are skipped; of duplicate keys, the first is read.
    private mutating func fill(_ table: ShapeTable, _ shape: UnsafeMutableRawPointer) throws(Fallback) {
        try fields(table.names) { cursor, index throws(Fallback) in
            try cursor.read(table.values[index], into: shape + table.offsets[index])
        }
    }

    /// One member's value, stored typed as `ShapeMember` made it.
    private mutating func read(_ value: ShapeValue, into field: UnsafeMutableRawPointer) throws(Fallback) {
        func store<Value>(_ read: (inout FastJSONCursor) throws(Fallback) -> Value?) throws(Fallback) {
            field.assumingMemoryBound(to: Value?.self).pointee = try read(&self)
        }
        switch value {
        case .string: try store { c throws(Fallback) in try c.string() }
        case .int: try store { c throws(Fallback) in try c.int() }
        case .int64: try store { c throws(Fallback) in try c.int64() }
        case .bool: try store { c throws(Fallback) in try c.bool() }
        case .timestamp: try store { c throws(Fallback) in try c.timestamp() }
        case .strings: try store { c throws(Fallback) in try c.stringList() }
        case .stringMap: try store { c throws(Fallback) in try c.stringDictionary() }
        case .intMap: try store { c throws(Fallback) in try c.intDictionary() }
        case .openEnum(let known):
            if let text = try openEnumText() { known.storeOpenEnum(text, at: field) }
        case .object(let shape):
            guard try peek() == UInt8(ascii: "{") else { return try skipValue() }
            let table = shape.table
            try shape.readObject(into: field) { (object: UnsafeMutableRawPointer) throws(Fallback) in try fill(table, object) }
        case .list(let shape):
            guard try peek() == UInt8(ascii: "[") else { return try skipValue() }
            let table = shape.table
            try shape.readList(into: field) { (add: ((UnsafeMutableRawPointer) throws(Fallback) -> Void) throws(Fallback) -> Void) throws(Fallback) in
                try elements { cursor throws(Fallback) in
                    guard try cursor.peek() == UInt8(ascii: "{") else { return try cursor.skipValue() }
                    try add { (element: UnsafeMutableRawPointer) throws(Fallback) in try cursor.fill(table, element) }
                }
            }
        }
    }
}
