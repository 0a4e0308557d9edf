import BuildTriageCore
import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The only file that touches libxml2 pointers. Everything it hands out is a Swift value: node kinds, depths,
// matched names, copied bytes and Strings.

/// What the reader is positioned on: the subset of libxml2's `xmlReaderTypes` that callers distinguish.
enum XMLNodeKind: Equatable, Sendable {
    case element, endElement, text, cdata, whitespace, comment, entityReference, documentType, other
}

/// A fixed set of names, matched against libxml2's interned UTF-8 names without creating Strings.
struct XMLNameTable<Name: Sendable>: Sendable {
    /// Every name's bytes followed by a NUL, one after another: compared as C strings, without copying an entry
    /// (an array of arrays) for each comparison.
    private let flat: [UInt8]
    private let starts: [Int]
    private let names: [Name]

    init(_ pairs: [(String, Name)]) {
        var flat: [UInt8] = []
        var starts: [Int] = []
        for (text, _) in pairs {
            starts.append(flat.count)
            flat += Array(text.utf8) + [0]
        }
        self.flat = flat
        self.starts = starts
        names = pairs.map(\.1)
    }

    /// The name whose bytes equal the NUL-terminated `pointer`, if any.
    fileprivate func match(_ pointer: UnsafePointer<UInt8>) -> Name? {
        let found: Int? = flat.withUnsafeBufferPointer { flat in
            let first = pointer[0]
            for (entry, start) in starts.enumerated() where flat[start] == first {
                var index = 1
                while true {
                    let byte = flat[start &+ index]
                    guard byte == pointer[index] else { break }
                    if byte == 0 { return entry }
                    index &+= 1
                }
            }
            return nil
        }
        return found.map { names[$0] }
    }
}

/// Attribute values copied out of the current element into one reusable byte buffer, a range per table name.
/// Reused from element to element so that reading plain passes allocates nothing.
struct XMLAttributeValues: Sendable {
    /// The present values' bytes, one after another in `storage[..<used]` (one buffer, only ever grown: no
    /// nested arrays to check, and copies are a `memcpy`).
    fileprivate var storage: [UInt8] = Array(repeating: 0, count: 256)
    fileprivate var used = 0
    fileprivate var ranges: [Range<Int>]
    fileprivate(set) var present: [Bool]

    init(slots: Int) {
        ranges = Array(repeating: 0..<0, count: slots)
        present = Array(repeating: false, count: slots)
    }

    mutating func removeAll() {
        used = 0
        for slot in present.indices where present[slot] {
            present[slot] = false
            ranges[slot] = 0..<0
        }
    }

    fileprivate mutating func append(_ source: UnsafeRawPointer, count: Int) {
        if used + count > storage.count {
            storage += repeatElement(0, count: max(storage.count, used + count - storage.count))
        }
        let offset = used
        storage.withUnsafeMutableBytes { $0.baseAddress!.advanced(by: offset).copyMemory(from: source, byteCount: count) }
        used += count
    }

    /// The bytes of the value in `slot` (empty when the attribute was absent).
    func bytes(_ slot: Int) -> ArraySlice<UInt8> {
        storage[ranges[slot]]
    }

    /// Calls `body` with the bytes of the value in `slot` (empty when the attribute was absent).
    func withBytes<Result>(_ slot: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let range = ranges[slot]
        return storage.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// The value in `slot` as a String, nil when the attribute was absent.
    func string(_ slot: Int) -> String? {
        present[slot] ? String(decoding: storage[ranges[slot]], as: UTF8.self) : nil
    }
}

/// A streaming pull reader over libxml2's `xmlTextReader`: one pass, one node at a time, never a DOM.
///
/// Security: the options are `XML_PARSE_NONET` (plus `COMPACT` and `BIG_LINES`, which only change storage) —
/// never `XML_PARSE_NOENT` (entity substitution), never `XML_PARSE_DTDLOAD`/`DTDATTR`/`DTDVALID` (libxml2 2.9 has
/// no `XML_PARSE_NO_XXE`). Without those, libxml2 loads neither the external subset nor external entities, and
/// reports entity references as nodes instead of expanding them. Files are read with plain POSIX reads through
/// `xmlReaderForIO`, so a path is never taken for a URL. Attribute values are read from the node's children (text kept, entity references kept as
/// `&name;`), because `xmlTextReaderGetAttribute`/`ConstValue` would expand references recursively.
/// `XML_PARSE_HUGE` is not set: libxml2's depth (256) and text-node (10 MB) limits and its entity-amplification
/// check stay on.
final class XMLPullReader {
    private let reader: OpaquePointer
    private let source: InputSource
    private let errors = ErrorCollector()
    private var skipChildrenOnAdvance = false
    /// Where the current and the previous node end (see `elementLine`), nil when unknown.
    private var currentEndLine: Int?
    private var previousEndLine: Int?
    /// Whether the root element was opened / closed: tells a truncated document from other errors.
    private var rootOpened = false
    private var rootClosed = false

    /// The current node's kind, valid after `advance()` returned true.
    private(set) var kind: XMLNodeKind = .other

    private static let parserInitialised: Bool = {
        xmlInitParser()
        return true
    }()

    private static let options = Int32(
        bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_BIG_LINES.rawValue
    )

    /// A reader that streams the file at `path` from disk (plain POSIX reads: no URI, network or gzip handling).
    convenience init(path: String) throws(IngestError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw IngestError("cannot open file: \(Self.errnoText(errno))") }
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw IngestError("is a directory")
        }
        try self.init(source: InputSource(descriptor: descriptor))
    }

    /// A reader over bytes in memory (copied to libxml2 in chunks as it asks for them).
    convenience init(bytes: [UInt8]) throws(IngestError) {
        try self.init(source: InputSource(bytes: bytes))
    }

    private init(source: InputSource) throws(IngestError) {
        _ = Self.parserInitialised
        self.source = source
        // Errors raised outside a parser context (an input that fails encoding conversion, say) go to the
        // thread's structured handler, else to its generic channel, which prints to stderr: silence the second
        // (before the reader exists: creating it already reads the input) and, once the reader exists, route
        // the first to its collector while it lives (a reader is used on one thread).
        buildtriage_silenceGenericErrors()
        let created = xmlReaderForIO(
            { context, buffer, length in
                guard let context, let buffer else { return -1 }
                return Unmanaged<InputSource>.fromOpaque(context).takeUnretainedValue()
                    .read(into: UnsafeMutableRawPointer(buffer), count: Int(length))
            },
            nil,
            Unmanaged.passUnretained(source).toOpaque(),
            nil,
            nil,
            Self.options
        )
        guard let created else { throw IngestError("cannot create an XML reader") }
        reader = created
        let collector = Unmanaged.passUnretained(errors).toOpaque()
        xmlTextReaderSetStructuredErrorHandler(reader, { context, error in ErrorCollector.relay(context, error?.pointee) }, collector)
        xmlSetStructuredErrorFunc(collector, { context, error in ErrorCollector.relay(context, error?.pointee) })
    }

    deinit {
        xmlFreeTextReader(reader)
        xmlSetStructuredErrorFunc(nil, nil)
    }

    // MARK: Moving

    /// Moves to the next node; false at the end of the document. Throws on malformed XML.
    func advance() throws(IngestError) -> Bool {
        let result: Int32
        if skipChildrenOnAdvance {
            skipChildrenOnAdvance = false
            currentEndLine = nil  // the skipped subtree's end is unknown
            result = xmlTextReaderNext(reader)
        } else {
            result = xmlTextReaderRead(reader)
        }
        // Only fatal errors (well-formedness) fail the document; namespace and validity errors do not.
        if result < 0 || errors.fatal != nil { throw failure() }
        if result == 0 {
            if !source.sawContent { throw IngestError("empty file") }
            return false
        }
        kind = Self.kind(of: xmlTextReaderNodeType(reader))
        previousEndLine = currentEndLine
        if kind == .element || kind == .endElement, depth == 0 {
            rootOpened = true
            rootClosed = kind == .endElement || isEmptyElement
        }
        switch kind {
        case .element, .text, .cdata, .whitespace, .comment: currentEndLine = currentNodeLine()
        default: currentEndLine = nil
        }
        return true
    }

    /// Makes the next `advance()` skip the current element's subtree.
    func skipChildren() {
        skipChildrenOnAdvance = true
    }

    private func failure() -> IngestError {
        if let error = source.readError { return IngestError("read error: \(Self.errnoText(error))") }
        if !source.sawContent { return IngestError(source.totalBytes == 0 ? "empty file" : "empty file (only white space or NUL bytes)") }
        if var fatal = errors.fatal {
            // libxml2 2.9's push parser says "Extra content at the end of the document" when the data ends
            // inside an element (or a CDATA section): say what happened.
            if errors.fatalCode == Int32(XML_ERR_DOCUMENT_END.rawValue), rootOpened, !rootClosed {
                fatal.message = "document ends before its root element is closed (truncated?)"
            } else if rootOpened, !rootClosed, source.endsMidMarkup(line: fatal.line, column: fatal.column) {
                // Cut inside a tag or an attribute: libxml2 says what it expected next ("AttValue: ' expected").
                fatal.message += " (the document ends here: truncated?)"
            }
            return fatal
        }
        if let first = errors.first { return first }
        let line = Int(xmlTextReaderGetParserLineNumber(reader))
        let column = Int(xmlTextReaderGetParserColumnNumber(reader))
        return IngestError("malformed XML", line: line > 0 ? line : nil, column: column > 0 ? column : nil)
    }

    private static func kind(of type: Int32) -> XMLNodeKind {
        switch UInt32(bitPattern: type) {
        case XML_READER_TYPE_ELEMENT.rawValue: .element
        case XML_READER_TYPE_END_ELEMENT.rawValue: .endElement
        case XML_READER_TYPE_TEXT.rawValue: .text
        case XML_READER_TYPE_CDATA.rawValue: .cdata
        case XML_READER_TYPE_WHITESPACE.rawValue, XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue: .whitespace
        case XML_READER_TYPE_COMMENT.rawValue, XML_READER_TYPE_PROCESSING_INSTRUCTION.rawValue: .comment
        case XML_READER_TYPE_ENTITY_REFERENCE.rawValue: .entityReference
        case XML_READER_TYPE_DOCUMENT_TYPE.rawValue: .documentType
        default: .other
        }
    }

    private static func errnoText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    // MARK: The current node

    /// Depth of the current node: 0 for the root element, 1 for its children, and so on.
    var depth: Int { Int(xmlTextReaderDepth(reader)) }

    /// Whether the current element is written `<name/>` (no end-element node follows).
    var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }

    /// The current node's local name matched against `table`.
    func name<Name>(in table: XMLNameTable<Name>) -> Name? {
        guard let pointer = xmlTextReaderConstLocalName(reader) else { return nil }
        return table.match(pointer)
    }

    /// The current node's local name as a String (for diagnostics).
    var localName: String {
        xmlTextReaderConstLocalName(reader).map { String(cString: $0) } ?? ""
    }

    /// The line where the current element's start tag begins, 1-based.
    ///
    /// libxml2 records a node's line when the parser has read all of it: for an element, the line of the `>`
    /// that closes its start tag; for text, the line of the `<` that follows it. So an element's first line is
    /// where the node just before it ended (the whitespace, text, comment or parent start tag that precedes
    /// it); after an end tag it falls back to the element's own line. `XML_PARSE_BIG_LINES` keeps text-node
    /// lines past 65,535 exact.
    var elementLine: Int {
        previousEndLine ?? currentEndLine ?? Int(xmlTextReaderGetParserLineNumber(reader))
    }

    private func currentNodeLine() -> Int? {
        guard let node = xmlTextReaderCurrentNode(reader) else { return nil }
        let line = Int(node.pointee.line)
        if line > 0, line < Int(UInt16.max) { return line }
        let big = Int(xmlGetLineNo(node))  // text nodes past 65,535 (XML_PARSE_BIG_LINES), or a neighbour's
        return big > Int(UInt16.max) ? big : nil
    }

    /// Copies the current element's unprefixed attributes named in `table` (the table's value is the slot) into
    /// `values`, which is cleared first. Entity references inside a value are kept as written (`&name;`).
    func readAttributes(_ table: XMLNameTable<Int>, into values: inout XMLAttributeValues) {
        values.removeAll()
        guard let node = xmlTextReaderCurrentNode(reader), node.pointee.type == XML_ELEMENT_NODE else { return }
        var attribute = node.pointee.properties
        while let current = attribute {
            attribute = current.pointee.next
            guard current.pointee.ns == nil, let name = current.pointee.name, let slot = table.match(name),
                !values.present[slot]
            else { continue }
            values.present[slot] = true
            let start = values.used
            var child = current.pointee.children
            while let piece = child {
                child = piece.pointee.next
                if piece.pointee.type == XML_TEXT_NODE, let content = piece.pointee.content {
                    values.append(content, count: cLength(content))
                } else if piece.pointee.type == XML_ENTITY_REF_NODE, let name = piece.pointee.name {
                    var ampersand = UInt8(ascii: "&")
                    var semicolon = UInt8(ascii: ";")
                    values.append(&ampersand, count: 1)
                    values.append(name, count: cLength(name))
                    values.append(&semicolon, count: 1)
                }
            }
            values.ranges[slot] = start..<values.used
        }
    }

    /// Appends the current text/CDATA/whitespace node's UTF-8 bytes to `bytes`, keeping at most `limit` bytes in
    /// total. Returns false when something was left out.
    @discardableResult
    func appendText(to bytes: inout [UInt8], limit: Int) -> Bool {
        guard let value = xmlTextReaderConstValue(reader) else { return true }
        let room = limit - bytes.count
        guard room > 0 else { return value[0] == 0 }
        let length = cLength(value, limit: room + 1)
        bytes.append(contentsOf: UnsafeBufferPointer(start: value, count: min(length, room)))
        return length <= room
    }
}

// MARK: - Helpers

/// Length of a NUL-terminated libxml2 string, or `limit` if it is longer.
private func cLength(_ pointer: UnsafePointer<UInt8>, limit: Int = .max) -> Int {
    UnsafeRawPointer(pointer).withMemoryRebound(to: CChar.self, capacity: 1) { strnlen($0, limit) }
}

/// POSIX `read(2)` (named apart from `InputSource.read`).
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

// MARK: - Callback contexts

/// The bytes libxml2 reads: a file descriptor or an array, handed out in the chunks libxml2 asks for.
private final class InputSource {
    private let descriptor: Int32
    private let bytes: [UInt8]
    private var offset = 0
    private(set) var totalBytes = 0
    private(set) var readError: Int32?
    /// Whether anything but white space (and a byte order mark) was read.
    private(set) var sawContent = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
        bytes = []
    }

    init(bytes: [UInt8]) {
        descriptor = -1
        self.bytes = bytes
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Newlines delivered so far, characters after the last one, and the last byte that is not white space:
    /// where the input ends, to tell a cut-off document from a malformed one (see `endsMidMarkup(line:column:)`).
    private(set) var newlines = 0
    private(set) var lastLineCharacters = 0
    private(set) var lastNonSpaceByte: UInt8 = 0
    /// Whether the source said end of input.
    private(set) var reachedEnd = false

    /// Whether a position is at the very end of the input and the input stops inside markup (its last byte that
    /// is not white space is not `>`): a document cut short, whatever libxml2 complains about. Meaningful for
    /// UTF-8 only (the column is in characters).
    func endsMidMarkup(line: Int?, column: Int?) -> Bool {
        guard reachedEnd, let line, let column, line == newlines + 1 else { return false }
        return column + 2 >= lastLineCharacters && lastNonSpaceByte != UInt8(ascii: ">")
    }

    private func delivered(_ buffer: UnsafeMutableRawPointer, _ length: Int) {
        totalBytes += length
        if length == 0 { reachedEnd = true }
        let bytes = UnsafeRawBufferPointer(start: buffer, count: length)
        let count = Self.newlineCount(bytes)
        newlines += count
        var lastLine = bytes[...]
        if count > 0, let newline = bytes.lastIndex(of: 0x0A) {
            lastLine = bytes[(newline + 1)...]
            lastLineCharacters = 0
        }
        for byte in lastLine where byte & 0xC0 != 0x80 { lastLineCharacters += 1 }  // a character's first byte
        if let last = bytes.last(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) { lastNonSpaceByte = last }
        guard !sawContent else { return }
        // White space in UTF-8/16/32 (so NUL bytes too) and byte order marks are not content.
        sawContent = UnsafeRawBufferPointer(start: buffer, count: length).contains {
            ![0x00, 0x09, 0x0A, 0x0D, 0x20, 0xEF, 0xBB, 0xBF, 0xFE, 0xFF].contains($0)
        }
    }

    /// `0x0A` bytes in `bytes`, eight at a time (SWAR: a zero byte of `word ^ 0x0A…` sets its high bit in
    /// `zeros`, without carries between bytes); a quarter of the byte-by-byte loop's instructions.
    static func newlineCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let pattern: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
        var count = 0
        var offset = 0
        let words = bytes.count / 8
        for _ in 0..<words {
            let word = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ pattern
            let zeros = ~(((word & low7) &+ low7) | word | low7)
            count &+= zeros.nonzeroBitCount
            offset &+= 8
        }
        while offset < bytes.count {
            count &+= bytes[offset] == 0x0A ? 1 : 0
            offset &+= 1
        }
        return count
    }

    func read(into buffer: UnsafeMutableRawPointer, count: Int) -> Int32 {
        guard count > 0 else { return 0 }
        if descriptor < 0 {
            let length = min(count, bytes.count - offset)
            guard length > 0 else {
                reachedEnd = true
                return 0
            }
            bytes.withUnsafeBytes { source in
                buffer.copyMemory(from: source.baseAddress! + offset, byteCount: length)
            }
            offset += length
            delivered(buffer, length)
            return Int32(length)
        }
        while true {
            let length = systemRead(descriptor, buffer, count)
            if length >= 0 {
                delivered(buffer, length)
                return Int32(length)
            }
            if errno == EINTR { continue }
            readError = errno
            return -1
        }
    }
}

/// Keeps the first error libxml2 reports (warnings are ignored) and the first fatal one.
private final class ErrorCollector {
    private(set) var first: IngestError?
    private(set) var fatal: IngestError?
    private(set) var fatalCode: Int32 = 0

    /// Records an error libxml2 reports through a structured handler whose context is a collector.
    static func relay(_ context: UnsafeMutableRawPointer?, _ error: xmlError?) {
        guard let context, let error else { return }
        let collector = Unmanaged<ErrorCollector>.fromOpaque(context).takeUnretainedValue()
        let level = error.level
        guard level == XML_ERR_ERROR || level == XML_ERR_FATAL, collector.wants(fatal: level == XML_ERR_FATAL) else { return }
        collector.record(
            code: error.code,
            message: error.message.map { String(cString: $0) },
            line: Int(error.line),
            column: Int(error.int2),
            fatal: level == XML_ERR_FATAL
        )
    }

    /// Whether an error of this level would be kept (a document with an error on every line costs nothing more).
    func wants(fatal isFatal: Bool) -> Bool {
        first == nil || (isFatal && fatal == nil)
    }

    func record(code: Int32, message: String?, line: Int, column: Int, fatal isFatal: Bool) {
        let text = message.flatMap { $0.split(whereSeparator: \.isNewline).first }.map { String($0.trimmedWhitespace) }
        let error = IngestError(
            (text?.isEmpty == false ? text : nil) ?? "malformed XML",
            line: line > 0 ? line : nil,
            column: column > 0 ? column : nil
        )
        if first == nil { first = error }
        if isFatal, fatal == nil {
            fatal = error
            fatalCode = code
        }
    }
}
