public import BuildTriageCore

/// Reads a JUnit/xUnit XML report (`<testsuites>` or a bare `<testsuite>`) in one streaming pass.
///
/// Counts every `<testcase>` at any depth (reruns and duplicates included; `tests=` attributes are ignored), each
/// with one outcome, first match wins: an `<error>` child, a `<failure>` child, a `<skipped>` child, else passed.
/// Surefire's `flakyFailure`/`flakyError`/`rerunFailure`/`rerunError` children do not change the outcome; they are
/// kept as `reruns`. Only testcases that are not plain passes are kept in full; plain passes are kept as
/// `TestIdentity.hash` values, so memory stays flat however large the report is.
public enum JUnitReader {
    /// Reads the report at `path`, streaming it from disk.
    public static func read(path: String) throws(IngestError) -> JUnitReport {
        let events = XMLReportEvents<JUnitStreamParser>()
        return try events.run(XMLPushParser(path: path, handler: events))
    }

    /// Reads a report held in memory.
    public static func read(bytes: [UInt8]) throws(IngestError) -> JUnitReport {
        let events = XMLReportEvents<JUnitStreamParser>()
        return try events.run(XMLPushParser(bytes: bytes, handler: events))
    }

    /// Names the format of a root element that is not JUnit, when it is a known one.
    static func formatName(ofRoot root: String) -> String? {
        switch root {
        case "test-run": "NUnit 3"
        case "test-results": "NUnit 2"
        case "assemblies", "assembly": "xUnit.net"
        case "failsafe-summary": "Maven Failsafe summary"
        case "TestLog": "Boost.Test log"
        case "TestResult": "Boost.Test report"
        case "TestRun": "Visual Studio TRX"
        case "testng-results": "TestNG"
        case "testResults": "JMeter results"
        case "Site": "CTest"
        case "checkstyle": "Checkstyle"
        case "coverage": "Cobertura coverage"
        case "html", "HTML": "HTML"
        default: nil
        }
    }

    /// A test duration in seconds, tolerant of locale forms: `1.5`, `1`, `1,5`, `1,234.5`, `1.234,5`, `1 234,5`,
    /// `1e-3`. nil when missing or unreadable (a bad time never fails a report).
    static func parseTime(_ text: String?) -> Double? {
        guard let text else { return nil }
        // The common form (`0.043`: digits and dots only) is what the general path below would pass to
        // `Double` unchanged: parsed directly, without filtering Characters.
        if !text.isEmpty, text.utf8.allSatisfy({ ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") }) {
            guard let value = Double(text), value.isFinite else { return nil }
            return value
        }
        var characters = String(text.trimmedWhitespace).filter { $0 != " " && $0 != "\u{00A0}" && $0 != "\u{202F}" && $0 != "_" }
        if characters.hasSuffix("s"), !characters.hasSuffix("ms") { characters.removeLast() }
        let lastDot = characters.lastIndex(of: ".")
        let lastComma = characters.lastIndex(of: ",")
        switch (lastDot, lastComma) {
        case (let dot?, let comma?):
            // Both separators: the last one is the decimal mark, the other groups thousands.
            if dot > comma {
                characters.removeAll { $0 == "," }
            } else {
                characters.removeAll { $0 == "." }
                characters = String(characters.map { $0 == "," ? "." : $0 })
            }
        case (nil, _?):
            // Commas only: one comma is a decimal mark (`1,5`), several group thousands (`1,234,567`).
            if characters.count(where: { $0 == "," }) == 1 {
                characters = String(characters.map { $0 == "," ? "." : $0 })
            } else {
                characters.removeAll { $0 == "," }
            }
        default:
            break
        }
        guard let value = Double(characters), value.isFinite else { return nil }
        return value
    }
}

/// The elements the reader acts on.
private enum JUnitElement: Sendable {
    case testsuites, testsuite, testcase
    case failure, error, skipped
    case flakyFailure, flakyError, rerunFailure, rerunError
    case systemOut, systemErr, stackTrace, properties

    static let table = XMLNameTable<JUnitElement>([
        ("testsuites", .testsuites), ("testsuite", .testsuite), ("testcase", .testcase),
        ("failure", .failure), ("error", .error), ("skipped", .skipped),
        ("flakyFailure", .flakyFailure), ("flakyError", .flakyError),
        ("rerunFailure", .rerunFailure), ("rerunError", .rerunError),
        ("system-out", .systemOut), ("system-err", .systemErr), ("stackTrace", .stackTrace),
        ("properties", .properties),
    ])

    var rerunKind: TestFailure.Kind? {
        switch self {
        case .flakyFailure: .flakyFailure
        case .flakyError: .flakyError
        case .rerunFailure: .rerunFailure
        case .rerunError: .rerunError
        default: nil
        }
    }
}

/// Attribute slots, shared by `<testsuite>`, `<testcase>` and its children.
private enum Attribute {
    static let name = 0, classname = 1, file = 2, line = 3, time = 4, message = 5, type = 6
    static let count = 7

    static let table = XMLNameTable<Int>([
        ("name", name), ("classname", classname), ("file", file), ("line", line), ("time", time),
        ("message", message), ("type", type),
    ])
}

/// One open `<testcase>`. Reused from testcase to testcase: a plain pass allocates nothing.
private struct CaseBuilder {
    var depth = 0
    var reportLine = 0
    /// The enclosing `<testsuite>`'s index in the suite stack, -1 when there is none.
    var suiteIndex = -1
    var attributes = XMLAttributeValues(slots: Attribute.count)
    var sawError = false
    var sawFailure = false
    var sawSkipped = false
    var error: TestFailure?
    var failure: TestFailure?
    var reruns: [TestFailure] = []
    var rerunCount = 0
    var skippedMessage: String?
    var systemOut: [UInt8] = []
    var systemErr: [UInt8] = []
    var hasSystemOut = false
    var hasSystemErr = false

    mutating func reset(depth: Int, reportLine: Int, suiteIndex: Int) {
        self.depth = depth
        self.reportLine = reportLine
        self.suiteIndex = suiteIndex
        sawError = false
        sawFailure = false
        sawSkipped = false
        error = nil
        failure = nil
        if !reruns.isEmpty { reruns = [] }
        rerunCount = 0
        skippedMessage = nil
        if hasSystemOut { systemOut.removeAll(keepingCapacity: true) }
        if hasSystemErr { systemErr.removeAll(keepingCapacity: true) }
        hasSystemOut = false
        hasSystemErr = false
    }

    var outcome: TestOutcome {
        sawError ? .errored : sawFailure ? .failed : sawSkipped ? .skipped : .passed
    }
}

/// The child of a testcase whose text is being collected.
private struct ChildCapture {
    var element: JUnitElement
    var depth: Int
    var attributes = XMLAttributeValues(slots: Attribute.count)
    var text: [UInt8] = []
    var limit = 0
    /// Depth of a `<stackTrace>` inside a rerun element, whose text is the rerun's details.
    var stackTraceDepth: Int?
}

private struct OpenSuite {
    var depth: Int
    var name: [UInt8]?
}

/// Builds the report from the document's elements and text.
struct JUnitStreamParser: XMLReportState {
    var recognisedKind: InputKind? { root == nil ? nil : .junit }

    var root: String?
    var suiteCount = 0
    var counts = TestCounts()
    var cases: [JUnitTestCase] = []
    var passedIdentities: [UInt64] = []
    private var suites: [OpenSuite] = []
    var suiteAttributes = XMLAttributeValues(slots: Attribute.count)
    /// Open testcases (more than one only when testcases nest); `builders` keeps one per nesting level for reuse.
    private var builders: [CaseBuilder] = []
    var openCases = 0
    /// The testcase child being read, when `capturing`; reused (with its buffers) from child to child.
    private var capture = ChildCapture(element: .failure, depth: 0)
    var capturing = false

    mutating func finish() throws(IngestError) -> JUnitReport {
        guard let root else { throw IngestError("no root element") }
        TestReportBuilder.radixSort(&passedIdentities)
        TestReportBuilder.trim(&cases)
        return JUnitReport(kind: .junit, root: root, suiteCount: suiteCount, counts: counts, cases: cases, passedIdentities: passedIdentities)
    }

    mutating func startElement(depth: Int, isEmpty empty: Bool, parser reader: XMLPushParser) throws(IngestError) {
        let element = reader.name(in: JUnitElement.table)
        if root == nil {
            guard element == .testsuites || element == .testsuite else {
                throw XMLReportReader.wrongRoot(reader, format: "JUnit", expected: "<testsuites> or <testsuite>")
            }
            root = element == .testsuites ? "testsuites" : "testsuite"
        }
        // Inside a <failure>, <system-out>... being captured, elements are content: only a rerun's <stackTrace>
        // (whose text is the rerun's details) matters.
        if capturing {
            if element == .stackTrace, capture.element.rerunKind != nil, depth == capture.depth + 1, !empty {
                capture.stackTraceDepth = depth
            }
            return
        }
        switch element {
        case .testsuite:
            suiteCount += 1
            if !empty {
                reader.readAttributes(Attribute.table, into: &suiteAttributes)
                let name = suiteAttributes.isPresent(Attribute.name) ? Array(suiteAttributes.bytes(Attribute.name)) : nil
                suites.append(OpenSuite(depth: depth, name: name))
            }
        case .testcase:
            startCase(depth: depth, reader)
            if empty { endCase() }
        case .properties:
            if !empty { reader.skipChildren() }
        case .failure?, .error?, .skipped?, .flakyFailure?, .flakyError?, .rerunFailure?, .rerunError?, .systemOut?, .systemErr?:
            guard openCases > 0, depth == builders[openCases - 1].depth + 1, let element else { return }
            startChild(element, depth: depth, reader)
            if empty { endChild() }
        default:
            break
        }
    }

    private mutating func startCase(depth: Int, _ reader: XMLPushParser) {
        if openCases == builders.count { builders.append(CaseBuilder()) }
        let suiteIndex = suites.isEmpty ? -1 : suites.count - 1
        builders[openCases].reset(depth: depth, reportLine: reader.elementLine, suiteIndex: suiteIndex)
        reader.readAttributes(Attribute.table, into: &builders[openCases].attributes)
        openCases += 1
    }

    private mutating func startChild(_ element: JUnitElement, depth: Int, _ reader: XMLPushParser) {
        capturing = true
        capture.element = element
        capture.depth = depth
        capture.text.removeAll(keepingCapacity: true)
        capture.stackTraceDepth = nil
        // A little over the cap, so that `capped(bytes:)` sees the cut and marks it.
        if element == .systemOut || element == .systemErr {
            capture.limit = JUnitLimits.outputBytes + 4
            capture.attributes.removeAll()
        } else {
            capture.limit = (element == .skipped ? JUnitLimits.messageBytes : JUnitLimits.detailBytes) + 4
            reader.readAttributes(Attribute.table, into: &capture.attributes)
        }
    }

    mutating func text(depth: Int, parser reader: XMLPushParser) {
        guard capturing else { return }
        if depth == capture.depth + 1 || (capture.stackTraceDepth.map { depth == $0 + 1 } ?? false) {
            reader.appendText(to: &capture.text, limit: capture.limit)
        }
    }

    mutating func endElement(depth: Int) {
        if capturing {
            if depth == capture.depth {
                endChild()
            } else if depth == capture.stackTraceDepth {
                capture.stackTraceDepth = nil
            }
            return
        }
        if openCases > 0, depth == builders[openCases - 1].depth {
            endCase()
        } else if let last = suites.last, last.depth == depth {
            suites.removeLast()
        }
    }

    private mutating func endChild() {
        capturing = false
        let child = capture
        let index = openCases - 1
        switch child.element {
        case .error:
            builders[index].sawError = true
            if builders[index].error == nil { builders[index].error = failure(.error, child) }
        case .failure:
            builders[index].sawFailure = true
            if builders[index].failure == nil { builders[index].failure = failure(.failure, child) }
        case .skipped:
            builders[index].sawSkipped = true
            if builders[index].skippedMessage == nil {
                let message = child.attributes.string(Attribute.message) ?? TestReportBuilder.text(child.text)
                builders[index].skippedMessage = message.map { $0.capped(bytes: JUnitLimits.messageBytes) }
            }
        case .systemOut:
            builders[index].hasSystemOut = true
            Self.append(child.text, to: &builders[index].systemOut)
        case .systemErr:
            builders[index].hasSystemErr = true
            Self.append(child.text, to: &builders[index].systemErr)
        default:
            if let kind = child.element.rerunKind {
                builders[index].rerunCount += 1
                if builders[index].reruns.count < JUnitLimits.rerunsKept {
                    builders[index].reruns.append(failure(kind, child))
                }
            }
        }
    }

    private static func append(_ text: [UInt8], to bytes: inout [UInt8]) {
        let room = JUnitLimits.outputBytes + 4 - bytes.count
        if room > 0 { bytes.append(contentsOf: text.prefix(room)) }
    }

    private func failure(_ kind: TestFailure.Kind, _ child: ChildCapture) -> TestFailure {
        TestFailure(
            kind: kind,
            type: child.attributes.string(Attribute.type),
            message: child.attributes.string(Attribute.message)?.capped(bytes: JUnitLimits.messageBytes),
            details: TestReportBuilder.text(child.text)?.capped(bytes: JUnitLimits.detailBytes)
        )
    }

    private mutating func endCase() {
        openCases -= 1
        let outcome = builders[openCases].outcome
        counts.add(outcome)
        let suiteIndex = builders[openCases].suiteIndex
        let hasSuite = suiteIndex >= 0 && suiteIndex < suites.count
        // The hot path (a plain pass) reads the builder in place: no copies, no Strings.
        if outcome == .passed, builders[openCases].rerunCount == 0 {
            let hash = hasSuite
                ? Self.identityHash(attributes: builders[openCases].attributes, suite: suites[suiteIndex].name)
                : Self.identityHash(attributes: builders[openCases].attributes, suite: nil)
            passedIdentities.append(hash)
            return
        }
        let builder = builders[openCases]
        let attributes = builder.attributes
        let suiteName = hasSuite ? suites[suiteIndex].name : nil
        cases.append(
            JUnitTestCase(
                suite: suiteName.map { String(decoding: $0, as: UTF8.self) },
                classname: attributes.string(Attribute.classname),
                name: attributes.string(Attribute.name) ?? "",
                file: attributes.string(Attribute.file),
                line: attributes.string(Attribute.line).flatMap { Int($0.trimmedWhitespace) },
                reportLine: builder.reportLine > 0 ? builder.reportLine : nil,
                time: JUnitReader.parseTime(attributes.string(Attribute.time)),
                outcome: outcome,
                failure: builder.error ?? builder.failure,
                reruns: builder.reruns,
                skippedMessage: builder.skippedMessage,
                systemOut: builder.hasSystemOut ? TestReportBuilder.text(builder.systemOut)?.capped(bytes: JUnitLimits.outputBytes) : nil,
                systemErr: builder.hasSystemErr ? TestReportBuilder.text(builder.systemErr)?.capped(bytes: JUnitLimits.outputBytes) : nil
            )
        )
    }

    /// `TestIdentity.hash(TestIdentity.subjectID(...))` computed on the UTF-8 bytes, without building Strings.
    static func identityHash(attributes: borrowing XMLAttributeValues, suite: [UInt8]?) -> UInt64 {
        var hash = IdentityHash()
        let hasClassname = attributes.withBytes(Attribute.classname) { classname in
            hash.mix(classname)
            return !classname.isEmpty
        }
        if hasClassname {
            hash.mix(UInt8(ascii: "."))
        } else if let suite, !suite.isEmpty {
            hash.mix(suite)
            hash.mix(UInt8(ascii: "."))
        }
        attributes.withBytes(Attribute.name) { hash.mix($0) }
        return hash.value
    }
}
