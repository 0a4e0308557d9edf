import BuildTriageCore
import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The only file that touches libxml2 pointers. Everything it hands out is a Swift value: depths, matched names,
// copied bytes and Strings.

/// A fixed set of names, matched against libxml2's UTF-8 names without creating Strings.
///
/// A class: the parser remembers, for the table it was last given, the table's names interned in the parser's
/// dictionary (see `XMLPushParser.interned(_:in:)`).
final class XMLNameTable<Name: Sendable>: Sendable {
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

    fileprivate var count: Int { names.count }

    /// Calls `body` with each name's NUL-terminated bytes, in table order.
    fileprivate func forEachName(_ body: (UnsafePointer<UInt8>) -> Void) {
        flat.withUnsafeBufferPointer { flat in
            for start in starts { body(flat.baseAddress! + start) }
        }
    }

    /// The name whose bytes equal the NUL-terminated `pointer`, if any. `interned` holds the table's names as
    /// the parser's dictionary interns them, in table order: libxml2's SAX2 parser hands every element and
    /// attribute name over interned in that dictionary, so a pointer comparison finds a name without reading it,
    /// and a pointer that is none of them is no name of the table. The bytes are compared only when a table name
    /// could not be interned.
    fileprivate func match(_ pointer: UnsafePointer<UInt8>, interned: UnsafeBufferPointer<UnsafePointer<UInt8>?>) -> Name? {
        var complete = true
        for index in interned.indices {
            guard let name = interned[index] else {
                complete = false
                continue
            }
            if name == pointer { return names[index] }
        }
        return complete ? nil : match(pointer)
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
    /// Where each slot's value starts and ends in `storage`, two entries a slot; a start of -1 for an absent
    /// attribute. One array, so that clearing and setting a value checks one buffer's uniqueness.
    private var bounds: [Int]

    init(slots: Int) {
        bounds = Array(repeating: -1, count: slots * 2)
    }

    mutating func removeAll() {
        used = 0
        bounds.withUnsafeMutableBufferPointer { $0.update(repeating: -1) }
    }

    /// Whether the attribute in `slot` was present.
    func isPresent(_ slot: Int) -> Bool {
        bounds[slot &* 2] >= 0
    }

    private func range(_ slot: Int) -> Range<Int> {
        let start = bounds[slot &* 2]
        return start < 0 ? 0..<0 : start..<bounds[slot &* 2 &+ 1]
    }

    /// Stores `count` bytes at `source` (as `write` copies them, returning how many it wrote, at most `count`)
    /// as the value in `slot`.
    fileprivate mutating func set(
        _ slot: Int, count: Int, _ write: (UnsafeMutablePointer<UInt8>) -> Int
    ) {
        if used + count > storage.count {
            storage += repeatElement(0, count: max(storage.count, used + count - storage.count))
        }
        let first = used
        let written = storage.withUnsafeMutableBufferPointer { write($0.baseAddress! + first) }
        used = first + written
        bounds.withUnsafeMutableBufferPointer { bounds in
            bounds[slot &* 2] = first
            bounds[slot &* 2 &+ 1] = first + written
        }
    }

    /// The bytes of the value in `slot` (empty when the attribute was absent).
    func bytes(_ slot: Int) -> ArraySlice<UInt8> {
        storage[range(slot)]
    }

    /// Calls `body` with the bytes of the value in `slot` (empty when the attribute was absent).
    func withBytes<Result>(_ slot: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let range = range(slot)
        return storage.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// The value in `slot` as a String, nil when the attribute was absent.
    func string(_ slot: Int) -> String? {
        isPresent(slot) ? String(decoding: storage[range(slot)], as: UTF8.self) : nil
    }
}

/// Receives a document's nodes in document order while `XMLPushParser.parse()` runs: the nodes libxml2's
/// tree builder would make (an element start, an element end, a piece of text), nothing else. What the parser
/// says about the current node (`name(in:)`, `readAttributes`, `appendText`, `elementLine`) is valid only during
/// the call that delivers it.
protocol XMLEventHandler: AnyObject {
    /// An element starts at `depth` (0 for the root). An empty element (`<x/>`) gets no `endElement`.
    func startElement(depth: Int, isEmpty: Bool, parser: XMLPushParser) throws(IngestError)
    /// A non-empty element ends; `depth` is its start's.
    func endElement(depth: Int)
    /// A piece of text, CDATA or white space whose parent element is at `depth - 1`. One text node may arrive in
    /// several pieces (libxml2 hands text over as it reads it).
    func text(depth: Int, parser: XMLPushParser)
}

/// A streaming parser over libxml2's SAX2 push parser (`xmlCreatePushParserCtxt` + `xmlParseChunk`): one pass,
/// chunks of `chunkSize` bytes read with plain POSIX reads (a path is never taken for a URL), events handed to an
/// `XMLEventHandler`, never a tree.
///
/// Security: the options are `XML_PARSE_NONET` (plus `COMPACT` and `BIG_LINES`, which change nothing here) —
/// never `XML_PARSE_NOENT` (entity substitution), never `XML_PARSE_DTDLOAD`/`DTDATTR`/`DTDVALID` (libxml2 2.9 has
/// no `XML_PARSE_NO_XXE`), never `XML_PARSE_HUGE` (its entity-amplification check stays on). Without them libxml2
/// loads neither the external subset nor external entities, and reports a reference to a declared entity with the
/// `reference` callback instead of expanding it.
///
/// The SAX handler is libxml2's default SAX2 one (`xmlSAXVersion(…, 2)`: the DTD callbacks record entity
/// declarations in a document that only holds the DTD, exactly as for the `xmlTextReader` this replaces) with the
/// content callbacks replaced. Its user data stays the parser context, and the Swift parser is the context's
/// `_private`: libxml2 parses an internal entity's replacement text through the same callbacks in a sub-context,
/// and those events go to libxml2's tree builder (the entity keeps them as its children, so that the text is
/// parsed once, not at every reference), never to the handler — a DTD cannot inject elements, attributes or
/// text. What the tree builder did
/// and the SAX callbacks must do themselves is done here: the 256-level depth limit (`nodePush`), the 10 MB
/// text-node limit (`xmlSAX2Characters`), dropping the attributes an `<!ATTLIST>` defaults (libxml2 passes them
/// on; the tree builder kept them only with `XML_PARSE_DTDATTR`), and decoding the `&#38;` that libxml2 writes
/// for `&` in attribute values that hold a reference (entity references themselves stay as written, `&name;`).
///
/// The nodes handed out are the ones the `xmlTextReader` reported (an empty element is one start event, the
/// contents of a skipped element are not reported), with the same depths and element lines — except that lines
/// past 65,535 are exact for elements and comments too (the tree kept 16 bits for those).
final class XMLPushParser {
    /// Bytes read and pushed to libxml2 at a time.
    static let chunkSize = 256 * 1024
    /// libxml2's `xmlParserMaxDepth` (without `XML_PARSE_HUGE`): deeper elements fail the document.
    private static let maxDepth = 256
    /// libxml2's `XML_MAX_TEXT_LENGTH` (without `XML_PARSE_HUGE`): the largest text node.
    private static let maxTextLength = 10_000_000

    private let source: InputSource
    private let errors = ErrorCollector()
    /// The document's parser context while `parse(into:)` runs.
    private var context: xmlParserCtxtPtr?
    /// A `let`, so that an event borrows it rather than retaining and releasing it.
    private let handler: any XMLEventHandler
    private var handlerError: IngestError?
    private var originalInternalSubset: internalSubsetSAXFunc?

    /// Open elements.
    private var openElements = 0
    /// Depth of the element whose contents are skipped (`skipChildren()`), `Int.max` when none is.
    private var skipDepth = Int.max
    /// The last start tag was `<x/>`: its end event is not a node.
    private var pendingEmpty = false
    /// The node the last event added to: a text node and a CDATA section grow over several events.
    private var lastNode = LastNode.other
    private var textNodeLength = 0
    /// Where the current and the previous node end (see `elementLine`), nil when unknown.
    private var currentEndLine: Int?
    private var previousEndLine: Int?
    /// Whether the root element was opened / closed: tells a truncated document from other errors.
    private var rootOpened = false
    private var rootClosed = false

    // The event being delivered.
    private var elementName: UnsafePointer<xmlChar>?
    private var elementPrefix: UnsafePointer<xmlChar>?
    private var elementPrefixUnbound = false
    private var attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    private var attributeCount = 0
    private var textBytes: UnsafePointer<xmlChar>?
    private var textLength = 0

    private enum LastNode { case other, text, cdata }

    /// The tables last given to `name(in:)` and `readAttributes`, with their names interned in this parse's
    /// dictionary (libxml2 hands over every element and attribute name interned there, so that a pointer
    /// comparison finds most names).
    /// Held through pointers: read on every element without the run-time exclusivity checks of a class's stored
    /// properties.
    private let elementNames = UnsafeMutablePointer<InternedNames>.allocate(capacity: 1)
    private let attributeNames = UnsafeMutablePointer<InternedNames>.allocate(capacity: 1)

    private static let parserInitialised: Bool = {
        xmlInitParser()
        return true
    }()

    private static let options = Int32(
        bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_BIG_LINES.rawValue
    )

    /// A parser that streams the file at `path` from disk (plain POSIX reads: no URI, network or gzip handling)
    /// to `handler`.
    convenience init(path: String, handler: any XMLEventHandler) throws(IngestError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw IngestError("cannot open file: \(Self.errnoText(errno))") }
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw IngestError("is a directory")
        }
        self.init(source: InputSource(descriptor: descriptor), handler: handler)
    }

    /// A parser over bytes in memory (copied to libxml2 a chunk at a time) to `handler`.
    convenience init(bytes: [UInt8], handler: any XMLEventHandler) {
        self.init(source: InputSource(bytes: bytes), handler: handler)
    }

    private init(source: InputSource, handler: any XMLEventHandler) {
        _ = Self.parserInitialised
        self.source = source
        self.handler = handler
        elementNames.initialize(to: InternedNames())
        attributeNames.initialize(to: InternedNames())
    }

    deinit {
        elementNames.pointee.removeAll()
        attributeNames.pointee.removeAll()
        elementNames.pointee.deallocate()
        attributeNames.pointee.deallocate()
        elementNames.deinitialize(count: 1)
        elementNames.deallocate()
        attributeNames.deinitialize(count: 1)
        attributeNames.deallocate()
    }

    // MARK: Parsing

    /// Parses the whole document, handing its nodes to the handler. Throws on malformed XML (with the line), on a
    /// read error, or what the handler throws (parsing stops there). Call once.
    func parse() throws(IngestError) {
        // Errors raised outside a parser context (an input that fails encoding conversion, say) go to the
        // thread's structured handler, else to its generic channel, which prints to stderr: silence the second
        // and route the first to the collector while parsing (a parser is used on one thread).
        buildtriage_silenceGenericErrors()
        let collector = Unmanaged.passUnretained(errors).toOpaque()
        xmlSetStructuredErrorFunc(collector, { context, error in ErrorCollector.relay(context, error?.pointee) })
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        guard let context = xmlCreatePushParserCtxt(nil, nil, nil, 0, nil) else {
            throw IngestError("cannot create an XML parser")
        }
        self.context = context
        defer {
            // The document holds only what the DTD callbacks made (the DTD node, entity declarations).
            if let document = context.pointee.myDoc { xmlFreeDoc(document) }
            context.pointee.myDoc = nil
            xmlFreeParserCtxt(context)
            self.context = nil
            // Interned names die with the dictionary.
            elementNames.pointee.removeAll()
            attributeNames.pointee.removeAll()
        }
        install(on: context)
        xmlCtxtUseOptions(context, Self.options)

        let buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let length = source.read(into: buffer, count: Self.chunkSize)
            if length < 0 { throw failure(context) }
            let terminate: Int32 = length == 0 ? 1 : 0
            xmlParseChunk(context, buffer.assumingMemoryBound(to: CChar.self), length, terminate)
            if let handlerError { throw handlerError }
            // Only fatal errors (well-formedness, limits) fail the document; namespace and validity errors do not.
            if errors.fatal != nil || context.pointee.wellFormed == 0 || context.pointee.instate == XML_PARSER_EOF && terminate == 0 {
                throw failure(context)
            }
            if terminate != 0 { break }
        }
        if !source.sawContent { throw IngestError("empty file") }
    }

    /// Makes the current element's contents invisible: no events until its end (which is not delivered either).
    func skipChildren() {
        skipDepth = openElements - 1
    }

    private func failure(_ context: xmlParserCtxtPtr) -> IngestError {
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
        let line = context.pointee.input.map { Int($0.pointee.line) } ?? 0
        let column = context.pointee.input.map { Int($0.pointee.col) } ?? 0
        return IngestError("malformed XML", line: line > 0 ? line : nil, column: column > 0 ? column : nil)
    }

    private static func errnoText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    // MARK: The current node

    /// Whether the current element is written `<name/>` (no end event follows).
    private(set) var isEmptyElement = false

    /// The current element's local name matched against `table` (a name with an undeclared prefix matches
    /// nothing: it is `prefix:name`).
    func name<Name>(in table: XMLNameTable<Name>) -> Name? {
        guard let elementName, !elementPrefixUnbound else { return nil }
        if elementNames.pointee.identity != ObjectIdentifier(table) {
            elementNames.pointee.set(table, dictionary: context?.pointee.dict)
        }
        return table.match(elementName, interned: elementNames.pointee.pointers)
    }

    /// The current element's local name as a String (for diagnostics).
    var localName: String {
        guard let elementName else { return "" }
        let local = String(cString: elementName)
        guard elementPrefixUnbound, let elementPrefix else { return local }
        return String(cString: elementPrefix) + ":" + local
    }

    /// The line where the current element's start tag begins, 1-based.
    ///
    /// libxml2's line when it reports a node is where it has read all of it: for an element, the line of the
    /// `>` that closes its start tag; for text, the line of the `<` that follows it. So an element's first line
    /// is where the node just before it ended (the white space, text, comment or parent start tag that precedes
    /// it); after an end tag it falls back to the element's own line.
    var elementLine: Int {
        previousEndLine ?? currentEndLine ?? 0
    }

    /// Copies the current element's unprefixed attributes named in `table` (the table's value is the slot) into
    /// `values`, which is cleared first. Entity references inside a value are kept as written (`&name;`).
    func readAttributes(_ table: XMLNameTable<Int>, into values: inout XMLAttributeValues) {
        values.removeAll()
        guard let attributes else { return }
        if attributeNames.pointee.identity != ObjectIdentifier(table) {
            attributeNames.pointee.set(table, dictionary: context?.pointee.dict)
        }
        let names = attributeNames.pointee.pointers
        let known = attributeNames.pointee.slotAtPosition
        // Five pointers an attribute: local name, prefix, namespace, value start, value end.
        for position in 0..<attributeCount {
            let index = position &* 5
            guard attributes[index + 1] == nil, let name = attributes[index] else { continue }
            // Elements of one kind write their attributes in one order: the name found at this position last time
            // is compared first (one pointer comparison instead of a search of the table). libxml2's SAX2 parser
            // hands every attribute name over interned in the parse's dictionary: one pointer, one name.
            let slot: Int
            if position < known.count, known[position].name == name {
                slot = known[position].slot
            } else {
                slot = table.match(name, interned: names) ?? -1
                if position < known.count { known[position] = (name, slot) }
            }
            guard slot >= 0, !values.isPresent(slot), let start = attributes[index + 3], let end = attributes[index + 4]
            else { continue }
            let count = end - start
            values.set(slot, count: count) { target in Self.copyAttributeValue(start, count: count, to: target) }
        }
    }

    /// Copies an attribute value as libxml2 hands it over to `target`, returning the bytes written: where the
    /// value held a reference, its `&` (from `&amp;`, `&#38;` or `&#x26;`) is written `&#38;` and becomes `&`
    /// again; an entity reference stays `&name;` (`xmlParseAttValueComplex` without entity substitution).
    private static func copyAttributeValue(_ start: UnsafePointer<xmlChar>, count: Int, to target: UnsafeMutablePointer<UInt8>) -> Int {
        guard count > 0 else { return 0 }
        // As libxml2's tree builder tells: a value read straight from the input ends at its closing quote, one
        // rewritten (references, normalised white space) is a copy that ends with a NUL.
        guard start[count] == 0, memchr(start, Int32(UInt8(ascii: "&")), count) != nil else {
            target.update(from: start, count: count)
            return count
        }
        var written = 0
        var index = 0
        while index < count {
            let byte = start[index]
            target[written] = byte
            written &+= 1
            if byte == UInt8(ascii: "&"), index + 4 < count, start[index + 1] == UInt8(ascii: "#"),
                start[index + 2] == UInt8(ascii: "3"), start[index + 3] == UInt8(ascii: "8"), start[index + 4] == UInt8(ascii: ";")
            {
                index &+= 5
            } else {
                index &+= 1
            }
        }
        return written
    }

    /// Appends the current piece of text's UTF-8 bytes to `bytes`, keeping at most `limit` bytes in total.
    /// Returns false when something was left out.
    @discardableResult
    func appendText(to bytes: inout [UInt8], limit: Int) -> Bool {
        guard let textBytes, textLength > 0 else { return true }
        let room = limit - bytes.count
        guard room > 0 else { return false }
        bytes.append(contentsOf: UnsafeBufferPointer(start: textBytes, count: min(textLength, room)))
        return textLength <= room
    }

    // MARK: Events

    /// Calls `body` with the parser whose document `context` is, and returns true, if it is one; returns false for
    /// the sub-contexts in which libxml2 parses an entity's replacement text, whose events go to libxml2's own tree
    /// builder instead. The parser is borrowed (no retain and release an event: it outlives the parse).
    @inline(__always)
    private static func with(_ context: UnsafeMutableRawPointer?, _ body: (XMLPushParser) -> Void) -> Bool {
        guard let context, let opaque = context.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return false }
        return Unmanaged<XMLPushParser>.fromOpaque(opaque)._withUnsafeGuaranteedRef { parser in
            guard UnsafeMutableRawPointer(parser.context) == context else { return false }
            body(parser)
            return true
        }
    }

    private func install(on context: xmlParserCtxtPtr) {
        context.pointee._private = Unmanaged.passUnretained(self).toOpaque()
        guard let sax = context.pointee.sax else { return }
        sax.pointee.startElement = nil
        sax.pointee.endElement = nil
        // An entity's replacement text is parsed in a sub-context with these same callbacks, once when the entity
        // is first referenced: its events go to libxml2's tree builder, which keeps them as the entity's children
        // (as for the xmlTextReader). Then each reference is one `reference` event: without the children, libxml2
        // would parse the text again at every reference (a 1 MB entity referenced 100,000 times: minutes).
        sax.pointee.startElementNs = { context, localName, prefix, namespace, namespaceCount, namespaces, count, defaulted, attributes in
            if !XMLPushParser.with(context, { $0.startElement(localName, prefix, namespace, Int(count - defaulted), attributes) }) {
                xmlSAX2StartElementNs(context, localName, prefix, namespace, namespaceCount, namespaces, count, defaulted, attributes)
            }
        }
        sax.pointee.endElementNs = { context, localName, prefix, namespace in
            if !XMLPushParser.with(context, { $0.endElement() }) {
                xmlSAX2EndElementNs(context, localName, prefix, namespace)
            }
        }
        sax.pointee.characters = { context, bytes, length in
            if !XMLPushParser.with(context, { $0.characters(bytes, Int(length)) }) {
                xmlSAX2Characters(context, bytes, length)
            }
        }
        sax.pointee.ignorableWhitespace = sax.pointee.characters
        sax.pointee.cdataBlock = { context, bytes, length in
            if !XMLPushParser.with(context, { $0.cdata(bytes, Int(length)) }) {
                xmlSAX2CDataBlock(context, bytes, length)
            }
        }
        sax.pointee.comment = { context, text in
            if !XMLPushParser.with(context, { $0.otherNode(hasLine: true) }) {
                xmlSAX2Comment(context, text)
            }
        }
        sax.pointee.processingInstruction = { context, target, data in
            if !XMLPushParser.with(context, { $0.otherNode(hasLine: true) }) {
                xmlSAX2ProcessingInstruction(context, target, data)
            }
        }
        sax.pointee.reference = { context, name in
            if !XMLPushParser.with(context, { $0.otherNode(hasLine: false) }) {
                xmlSAX2Reference(context, name)
            }
        }
        // An external entity declared in the DTD (`<!ENTITY x SYSTEM "…">`, an XXE probe) refuses the document:
        // libxml2 would not load it (no DTDLOAD, no NOENT), but no test report needs one, and reading such a file
        // as if nothing were there would hide the attempt. Internal entities are declared as libxml2 does.
        sax.pointee.entityDecl = { context, name, type, publicID, systemID, content in
            let external = [XML_EXTERNAL_GENERAL_PARSED_ENTITY, XML_EXTERNAL_GENERAL_UNPARSED_ENTITY, XML_EXTERNAL_PARAMETER_ENTITY]
                .contains { Int32($0.rawValue) == type }
            if external {
                let entity = name.map { String(cString: $0) } ?? "?"
                _ = XMLPushParser.with(context) { parser in
                    parser.fail(code: XML_ERR_EXT_ENTITY_STANDALONE, "the DTD declares an external entity '\(entity)': refused (no report needs one)")
                }
                return
            }
            xmlSAX2EntityDecl(context, name, type, publicID, systemID, content)
        }
        // The DTD node: recorded as a node, then built by libxml2's own callback (entity declarations need it).
        originalInternalSubset = sax.pointee.internalSubset
        sax.pointee.internalSubset = { context, name, publicID, systemID in
            _ = XMLPushParser.with(context) { parser in
                parser.otherNode(hasLine: false)
                parser.originalInternalSubset?(context, name, publicID, systemID)
            }
        }
        // The user data is a parser context (this one, or a sub-context parsing an entity): its `_private` is this
        // parser either way.
        sax.pointee.serror = { context, error in
            guard let context, let opaque = context.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return }
            let parser = Unmanaged<XMLPushParser>.fromOpaque(opaque).takeUnretainedValue()
            ErrorCollector.relay(Unmanaged.passUnretained(parser.errors).toOpaque(), error?.pointee)
        }
    }

    private var line: Int {
        guard let input = context?.pointee.input else { return 0 }
        return Int(input.pointee.line)
    }

    /// Records a fatal error the tree builder would have raised, and stops the parser.
    private func fail(code: xmlParserErrors, _ message: String) {
        let input = context?.pointee.input
        errors.record(
            code: Int32(code.rawValue), message: message,
            line: input.map { Int($0.pointee.line) } ?? 0, column: input.map { Int($0.pointee.col) } ?? 0, fatal: true
        )
        xmlStopParser(context)
    }

    private func startElement(
        _ name: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?, _ namespace: UnsafePointer<xmlChar>?,
        _ count: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        let depth = openElements
        openElements += 1
        pendingEmpty = false
        lastNode = .other
        guard depth <= Self.maxDepth else {
            fail(code: XML_ERR_INTERNAL_ERROR, "Excessive depth in document: \(Self.maxDepth) use XML_PARSE_HUGE option")
            return
        }
        if let attributes, declaresEntities { buildReferencedEntities(attributes, count: count) }
        guard depth <= skipDepth else { return }
        let empty: Bool = {
            guard let cursor = context?.pointee.input?.pointee.cur else { return false }
            return cursor[0] == UInt8(ascii: "/") && cursor[1] == UInt8(ascii: ">")
        }()
        pendingEmpty = empty
        previousEndLine = currentEndLine
        currentEndLine = line
        if depth == 0 {
            rootOpened = true
            rootClosed = empty
        }
        elementName = name
        elementPrefix = prefix
        elementPrefixUnbound = prefix != nil && namespace == nil
        self.attributes = attributes
        attributeCount = count
        isEmptyElement = empty
        do {
            try handler.startElement(depth: depth, isEmpty: empty, parser: self)
        } catch {
            handlerError = error
            xmlStopParser(context)
        }
        self.attributes = nil
        attributeCount = 0
    }

    /// Whether the document's DTD declared any entity: without one, no attribute value can reference one (an
    /// undeclared entity fails the document), and `buildReferencedEntities` has nothing to do.
    private var declaresEntities: Bool {
        context?.pointee.myDoc?.pointee.intSubset?.pointee.entities != nil
    }

    /// Gives the entities referenced in these attribute values their children, as the tree builder did when it
    /// turned an attribute value into nodes (`xmlStringLenGetNodeList`, whose nodes are then dropped). Without
    /// them libxml2 would parse an entity's text again at each reference in content once an attribute value has
    /// referenced it (a 1 MB entity, then 100,000 references: minutes). Only values libxml2 rewrote (they end with
    /// a NUL) can hold a reference.
    private func buildReferencedEntities(_ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>, count: Int) {
        for index in stride(from: 0, to: count * 5, by: 5) {
            guard let start = attributes[index + 3], let end = attributes[index + 4], end.pointee == 0, end > start
            else { continue }
            var cursor = start
            while cursor + 1 < end {
                if cursor.pointee == UInt8(ascii: "&"), cursor[1] != UInt8(ascii: "#") {
                    xmlFreeNodeList(xmlStringLenGetNodeList(context?.pointee.myDoc, start, Int32(end - start)))
                    break
                }
                cursor += 1
            }
        }
    }

    private func endElement() {
        openElements -= 1
        let depth = openElements
        lastNode = .other
        if pendingEmpty {
            // `<x/>`: one node, already delivered.
            pendingEmpty = false
            if depth == 0 { rootClosed = true }
            return
        }
        guard depth <= skipDepth else { return }
        previousEndLine = currentEndLine
        currentEndLine = nil
        if depth == 0 { rootClosed = true }
        if depth == skipDepth {
            skipDepth = .max
            return
        }
        handler.endElement(depth: depth)
    }

    private func characters(_ bytes: UnsafePointer<xmlChar>?, _ length: Int) {
        pendingEmpty = false
        let newNode = lastNode != .text
        if newNode {
            lastNode = .text
            textNodeLength = length
        } else {
            // The tree builder refuses to grow a text node past the limit.
            guard textNodeLength + length <= Self.maxTextLength else {
                fail(code: XML_ERR_NO_MEMORY, "xmlSAX2Characters: huge text node")
                return
            }
            textNodeLength += length
        }
        deliverText(bytes, length, newNode: newNode, line: line)
    }

    private func cdata(_ bytes: UnsafePointer<xmlChar>?, _ length: Int) {
        pendingEmpty = false
        let newNode = lastNode != .cdata
        lastNode = .cdata
        // A CDATA node has no line of its own.
        deliverText(bytes, length, newNode: newNode, line: nil)
    }

    /// Hands a text or CDATA chunk to the handler (unless inside a skipped element); a new node moves the end lines.
    private func deliverText(_ bytes: UnsafePointer<xmlChar>?, _ length: Int, newNode: Bool, line: @autoclosure () -> Int?) {
        guard openElements <= skipDepth else { return }
        if newNode {
            previousEndLine = currentEndLine
            currentEndLine = line()
        }
        textBytes = bytes
        textLength = length
        handler.text(depth: openElements, parser: self)
    }

    /// A comment or processing instruction (`hasLine`), an entity reference or the DTD: a node the handler does
    /// not see, which still ends where the next element's line is taken from.
    private func otherNode(hasLine: Bool) {
        pendingEmpty = false
        lastNode = .other
        guard openElements <= skipDepth else { return }
        previousEndLine = currentEndLine
        currentEndLine = hasLine ? line : nil
    }
}

// MARK: - Helpers

/// A name table's names interned in a parser's dictionary, in table order (nil where interning failed: that name
/// is then found by its bytes).
private struct InternedNames {
    /// The table's identity, compared on every lookup without retaining anything.
    private(set) var identity: ObjectIdentifier?
    /// The table itself, kept alive so that the identity stays its own.
    private var table: AnyObject?
    private(set) var pointers = UnsafeBufferPointer<UnsafePointer<UInt8>?>(start: nil, count: 0)
    /// For an attribute table: the name last seen at each of an element's first attribute positions, and its slot
    /// (-1 for a name not in the table). Valid with the dictionary's interned names: cleared with them.
    let slotAtPosition: UnsafeMutableBufferPointer<(name: UnsafePointer<UInt8>?, slot: Int)> = {
        let buffer = UnsafeMutableBufferPointer<(name: UnsafePointer<UInt8>?, slot: Int)>.allocate(capacity: 16)
        buffer.initialize(repeating: (nil, -1))
        return buffer
    }()

    mutating func set<Name>(_ table: XMLNameTable<Name>, dictionary: xmlDictPtr?) {
        removeAll()
        let buffer = UnsafeMutableBufferPointer<UnsafePointer<UInt8>?>.allocate(capacity: table.count)
        var index = 0
        table.forEachName { name in
            buffer.initializeElement(at: index, to: dictionary.flatMap { xmlDictLookup($0, name, -1) })
            index += 1
        }
        pointers = UnsafeBufferPointer(buffer)
        identity = ObjectIdentifier(table)
        self.table = table
    }

    mutating func removeAll() {
        pointers.deallocate()
        pointers = UnsafeBufferPointer(start: nil, count: 0)
        identity = nil
        table = nil
        slotAtPosition.update(repeating: (nil, -1))
    }

    /// Frees what `removeAll` keeps (once, when the parser goes).
    func deallocate() {
        slotAtPosition.deallocate()
    }
}

/// POSIX `read(2)` (named apart from `InputSource.read`).
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

// MARK: - Input and errors

/// The bytes the parser pushes to libxml2: a file descriptor or an array, read a chunk at a time, with what the
/// diagnostics need to know about them (empty, where the data ends).
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

    /// Takes note of `length` bytes read into `buffer` before they go to libxml2 (the document's first ones with
    /// any white space before its declaration moved after it).
    private func delivered(_ buffer: UnsafeMutableRawPointer, _ length: Int) {
        if totalBytes == 0 { Self.moveDeclarationFirst(UnsafeMutableRawBufferPointer(start: buffer, count: length)) }
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

    /// White space before the XML declaration, which XML allows only at the very start of a document (real files
    /// carry a line break there, from a template or a shell redirection), moved after it: the first character
    /// decides, after a byte order mark and white space (Docs/formats.md), and the lines after the declaration keep
    /// their numbers. `chunk` is the document's first chunk, in UTF-8 (with or without its mark) or UTF-16 with its
    /// mark; nothing changes unless it holds the whole declaration.
    static func moveDeclarationFirst(_ chunk: UnsafeMutableRawBufferPointer) {
        var start = 0
        var width = 1
        var bigEndian = false
        if chunk.starts(with: [0xEF, 0xBB, 0xBF]) {
            start = 3
        } else if let utf16BigEndian = Sniffer.utf16BigEndian(chunk) {
            start = 2
            width = 2
            bigEndian = utf16BigEndian
        }
        func unit(_ index: Int) -> UInt16? {
            guard index + width <= chunk.count else { return nil }
            if width == 1 { return UInt16(chunk[index]) }
            return bigEndian ? UInt16(chunk[index]) << 8 | UInt16(chunk[index + 1]) : UInt16(chunk[index + 1]) << 8 | UInt16(chunk[index])
        }
        func isSpace(_ unit: UInt16?) -> Bool { unit == 0x20 || unit == 0x0A || unit == 0x0D || unit == 0x09 }
        var declaration = start
        while isSpace(unit(declaration)) { declaration += width }
        guard declaration > start else { return }
        var index = declaration
        for byte in "<?xml".utf8 {
            guard unit(index) == UInt16(byte) else { return }
            index += width
        }
        guard isSpace(unit(index)) else { return }
        while let current = unit(index) {
            index += width
            guard current == UInt16(UInt8(ascii: "?")), unit(index) == UInt16(UInt8(ascii: ">")) else { continue }
            index += width
            // [start, declaration) is the white space, [declaration, index) the declaration: swapped.
            let space = Array(chunk[start..<declaration])
            let text = Array(chunk[declaration..<index])
            chunk[start..<(start + text.count)].copyBytes(from: text)
            chunk[(start + text.count)..<index].copyBytes(from: space)
            return
        }
    }

    /// `0x0A` bytes in `bytes`, sixteen at a time: a lane-wise compare adds 1 to each lane's byte counter (up to
    /// 255 blocks a batch, so that no counter overflows), and the counters are summed once a batch; about a
    /// fifth of the eight-at-a-time bit trick's instructions.
    static func newlineCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let newline = SIMD16<UInt8>(repeating: 0x0A)
        var count = 0
        var offset = 0
        let blocks = bytes.count / 16
        var block = 0
        while block < blocks {
            let batchEnd = min(blocks, block &+ 255)
            var lanes = SIMD16<UInt8>()
            while block < batchEnd {
                let vector = base.loadUnaligned(fromByteOffset: offset, as: SIMD16<UInt8>.self)
                // A true lane of the mask is all ones (255): subtracting it adds 1.
                lanes &-= unsafeBitCast(vector .== newline, to: SIMD16<UInt8>.self)
                offset &+= 16
                block &+= 1
            }
            count &+= Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
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
