public import BuildTriageCore

/// The state of one XML test-report reader: events in, a report out.
protocol XMLReportState {
    init()
    /// The kind of report once its root element was seen (nil before: an error then is not this format's).
    var recognisedKind: InputKind? { get }
    mutating func startElement(depth: Int, isEmpty: Bool, parser: XMLPushParser) throws(IngestError)
    mutating func endElement(depth: Int)
    mutating func text(depth: Int, parser: XMLPushParser)
    mutating func finish() throws(IngestError) -> JUnitReport
}

/// Hands the parser's events to a reader's state (one instance a document; the parser holds it).
final class XMLReportEvents<State: XMLReportState>: XMLEventHandler {
    /// The state, held through a pointer: each event mutates it in place, without the run-time exclusivity
    /// checks every access to a class's stored property gets (a third of the JUnit builder's cost on plain
    /// passes). Events come one at a time, never re-entrantly.
    private let state: UnsafeMutablePointer<State>

    init() {
        state = .allocate(capacity: 1)
        state.initialize(to: State())
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    func run(_ parser: XMLPushParser) throws(IngestError) -> JUnitReport {
        do {
            try parser.parse()
        } catch {
            var error = error
            if error.wrongRoot == nil, let kind = state.pointee.recognisedKind { error.kind = kind }
            throw error
        }
        return try state.pointee.finish()
    }

    func startElement(depth: Int, isEmpty: Bool, parser: XMLPushParser) throws(IngestError) {
        try state.pointee.startElement(depth: depth, isEmpty: isEmpty, parser: parser)
    }

    func endElement(depth: Int) {
        state.pointee.endElement(depth: depth)
    }

    func text(depth: Int, parser: XMLPushParser) {
        state.pointee.text(depth: depth, parser: parser)
    }
}

/// Reads an XML test report of any known format, chosen by its root element's local name (namespaces ignored):
/// JUnit, NUnit 2/3, Visual Studio TRX, xUnit.net, TestNG. The root is first guessed from the file's first bytes;
/// when the reader finds another root (a long prolog, an unusual encoding), the right reader reads the file again.
public enum XMLReportReader {
    enum Format: CaseIterable {
        case junit, nunit, trx, xunit, testng
    }

    static func format(ofRoot root: String) -> Format? {
        switch root {
        case "testsuites", "testsuite": .junit
        case "test-results", "test-run", "test-suite": .nunit
        case "TestRun": .trx
        case "assemblies", "assembly": .xunit
        case "testng-results": .testng
        default: nil
        }
    }

    /// Reads the report at `path`, streaming it from disk; `head` is its first bytes, to guess the format.
    public static func read(path: String, head: [UInt8]) throws(IngestError) -> JUnitReport {
        try read(guess: rootName(head).flatMap(format(ofRoot:)) ?? .junit) { format, handler throws(IngestError) in
            try XMLPushParser(path: path, handler: handler)
        }
    }

    /// Reads a report held in memory.
    public static func read(bytes: [UInt8]) throws(IngestError) -> JUnitReport {
        try read(guess: rootName(bytes).flatMap(format(ofRoot:)) ?? .junit) { _, handler in
            XMLPushParser(bytes: bytes, handler: handler)
        }
    }

    private static func read(
        guess: Format, _ parser: (Format, any XMLEventHandler) throws(IngestError) -> XMLPushParser
    ) throws(IngestError) -> JUnitReport {
        do {
            return try read(guess, parser)
        } catch {
            guard let root = error.wrongRoot, let actual = format(ofRoot: root), actual != guess else { throw error }
            return try read(actual, parser)
        }
    }

    private static func read(
        _ format: Format, _ parser: (Format, any XMLEventHandler) throws(IngestError) -> XMLPushParser
    ) throws(IngestError) -> JUnitReport {
        switch format {
        case .junit: try run(JUnitStreamParser.self, format, parser)
        case .nunit: try run(NUnitState.self, format, parser)
        case .trx: try run(TRXState.self, format, parser)
        case .xunit: try run(XUnitState.self, format, parser)
        case .testng: try run(TestNGState.self, format, parser)
        }
    }

    private static func run<State: XMLReportState>(
        _: State.Type, _ format: Format, _ parser: (Format, any XMLEventHandler) throws(IngestError) -> XMLPushParser
    ) throws(IngestError) -> JUnitReport {
        let events = XMLReportEvents<State>()
        return try events.run(parser(format, events))
    }

    /// The kind the first bytes announce, for the diagnostic of a report that cannot be read (JUnit when they do not
    /// tell).
    static func guessedKind(_ head: [UInt8]) -> InputKind {
        switch rootName(head) {
        case "test-results", "test-suite": .nunit2
        case "test-run": .nunit3
        case "TestRun": .trx
        case "assemblies", "assembly": .xunit
        case "testng-results": .testng
        default: .junit
        }
    }

    /// The error a reader throws when the root element is not its format's: the reader that fits is tried next.
    static func wrongRoot(_ reader: XMLPushParser, format: String, expected: String) -> IngestError {
        let name = reader.localName
        let known = JUnitReader.formatName(ofRoot: name).map { " is \($0) format" } ?? " (expected \(expected))"
        var error = IngestError("not a \(format) report: root element <\(name)>\(known)", line: reader.elementLine)
        error.wrongRoot = name
        return error
    }

    /// The local name of the document's root element, read from its first bytes (UTF-8, or UTF-16 with a byte
    /// order mark): the XML declaration, comments, processing instructions and a DOCTYPE are skipped. nil when
    /// the bytes do not tell.
    static func rootName(_ head: some Collection<UInt8>) -> String? {
        var bytes = Array(head.prefix(Ingestor.sniffBytes))
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let bigEndian = bytes[0] == 0xFE
            var units: [UInt16] = []
            var index = 2
            while index + 1 < bytes.count {
                units.append(bigEndian ? UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]) : UInt16(bytes[index + 1]) << 8 | UInt16(bytes[index]))
                index += 2
            }
            bytes = Array(String(decoding: units, as: UTF16.self).utf8)
        }
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func skip(past marker: String) -> Bool {
            let target = Array(marker.utf8)
            while index + target.count <= bytes.count {
                if bytes[index] == target[0], Array(bytes[index..<index + target.count]) == target {
                    index += target.count
                    return true
                }
                index += 1
            }
            return false
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                index += 1
                continue
            }
            guard byte == UInt8(ascii: "<"), index + 1 < bytes.count else { return nil }
            let next = bytes[index + 1]
            if next == UInt8(ascii: "?") {
                guard skip(past: "?>") else { return nil }
            } else if bytes[index...].starts(with: Array("<!--".utf8)) {
                guard skip(past: "-->") else { return nil }
            } else if next == UInt8(ascii: "!") {
                // A DOCTYPE, with an internal subset in brackets or not.
                var inSubset = false
                while index < bytes.count, inSubset || bytes[index] != UInt8(ascii: ">") {
                    if bytes[index] == UInt8(ascii: "[") { inSubset = true }
                    if bytes[index] == UInt8(ascii: "]") { inSubset = false }
                    index += 1
                }
                index += 1
            } else {
                var end = index + 1
                while end < bytes.count, ![0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ">"), UInt8(ascii: "/")].contains(bytes[end]) { end += 1 }
                guard end < bytes.count else { return nil }
                var name = bytes[(index + 1)..<end]
                if let colon = name.lastIndex(of: UInt8(ascii: ":")) { name = name[(colon + 1)...] }
                return String(decoding: name, as: UTF8.self)
            }
        }
        return nil
    }
}
