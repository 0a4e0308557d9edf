import BuildTriageCore

/// Reads xUnit.net XML: v2/v3 (`<assemblies>` > `<assembly>` > `<collection>` > `<test>`) and v1 (`<assembly>` >
/// `<class>` > `<test>`), in one streaming pass.
///
/// A test is every `<test>` at any depth; `<errors><error>` entries (cleanup and catastrophic failures) are not
/// tests. Outcome from `result`: `Pass` passed, `Fail` failed, `Skip` and `NotRun` skipped, anything else errored.
/// Id: `name`, else `type.method`.
struct XUnitState: XMLReportState {
    private enum Element {
        case assemblies, assembly, test, failure, message, stackTrace, reason, output
        static let table = XMLNameTable<Element>([
            ("assemblies", .assemblies), ("assembly", .assembly), ("test", .test), ("failure", .failure),
            ("message", .message), ("stack-trace", .stackTrace), ("reason", .reason), ("output", .output),
        ])
    }

    private enum Attribute {
        static let name = 0, type = 1, method = 2, result = 3, time = 4, exceptionType = 5
        static let count = 6
        static let table = XMLNameTable<Int>([
            ("name", name), ("type", type), ("method", method), ("result", result), ("time", time),
            ("exception-type", exceptionType),
        ])
    }

    private static let results = ValueTable<TestOutcome>([
        ("Pass", .passed), ("Fail", .failed), ("Skip", .skipped), ("NotRun", .skipped),
    ])

    private enum Capture: Int, CaseIterable { case message, stackTrace, reason, output }

    private var root: String?
    private var report = TestReportBuilder(kind: .xunit, outcomeAttribute: "result")
    private var attributes = XMLAttributeValues(slots: Attribute.count)
    private var failureAttributes = XMLAttributeValues(slots: Attribute.count)
    private var caseDepth = -1
    private var caseLine = 0
    private var failureDepth = -1
    private var capture = TextCapture<Capture>()

    init() {}

    var recognisedKind: InputKind? { root == nil ? nil : .xunit }

    mutating func startElement(depth: Int, isEmpty: Bool, parser reader: XMLPushParser) throws(IngestError) {
        let element = reader.name(in: Element.table)
        if root == nil {
            guard element == .assemblies || element == .assembly else {
                throw XMLReportReader.wrongRoot(reader, format: "xUnit.net", expected: "<assemblies> or <assembly>")
            }
            root = reader.localName
        }
        switch element {
        case .assembly:
            report.suiteCount += 1
        case .test:
            guard caseDepth < 0 else { return }
            caseDepth = depth
            caseLine = reader.elementLine
            reader.readAttributes(Attribute.table, into: &attributes)
            failureDepth = -1
            failureAttributes.removeAll()
            capture.removeAll()
            if isEmpty { endCase() }
        case .failure?:
            guard caseDepth >= 0, depth == caseDepth + 1 else { return }
            reader.readAttributes(Attribute.table, into: &failureAttributes)
            if !isEmpty { failureDepth = depth }
        case .message?, .stackTrace?:
            guard caseDepth >= 0, failureDepth >= 0, depth == failureDepth + 1, !isEmpty else { return }
            let slot: Capture = element == .message ? .message : .stackTrace
            capture.start(slot, depth: depth, limit: slot == .message ? JUnitLimits.messageBytes : JUnitLimits.detailBytes)
        case .reason?, .output?:
            guard caseDepth >= 0, depth == caseDepth + 1, !isEmpty else { return }
            capture.start(element == .reason ? .reason : .output, depth: depth, limit: JUnitLimits.messageBytes)
        default:
            break
        }
    }

    mutating func text(depth: Int, parser: XMLPushParser) {
        capture.text(depth: depth, parser: parser)
    }

    mutating func endElement(depth: Int) {
        if capture.isActive, capture.end(depth: depth) != nil { return }
        if depth == failureDepth {
            failureDepth = -1
        } else if depth == caseDepth {
            endCase()
        }
    }

    private mutating func endCase() {
        caseDepth = -1
        failureDepth = -1
        let outcome = report.outcome(Self.results, attributes, Attribute.result)
        if outcome == .passed {
            let hash =
                attributes.isPresent(Attribute.name)
                ? attributes.withBytes(Attribute.name) { IdentityHash.of(owner: EmptyCollection(), name: $0) }
                : attributes.withBytes(Attribute.type) { owner in attributes.withBytes(Attribute.method) { IdentityHash.of(owner: owner, name: $0) } }
            report.pass(hash: hash)
            return
        }
        var classname = attributes.string(Attribute.type)
        var name: String
        if let full = attributes.string(Attribute.name) {
            (classname, name) = TestReportBuilder.split(fullName: full, owner: classname)
        } else {
            name = attributes.string(Attribute.method) ?? ""
        }
        let failure: TestFailure? =
            outcome == .skipped
            ? nil
            : TestReportBuilder.failure(
                outcome == .errored ? .error : .failure, type: failureAttributes.string(Attribute.exceptionType), message: capture[.message],
                details: capture[.stackTrace])
        report.add(
            JUnitTestCase(
                classname: classname, name: name, reportLine: caseLine > 0 ? caseLine : nil,
                time: JUnitReader.parseTime(attributes.string(Attribute.time)), outcome: outcome, failure: failure,
                skippedMessage: outcome == .skipped ? TestReportBuilder.text(capture[.reason])?.capped(bytes: JUnitLimits.messageBytes) : nil,
                systemOut: TestReportBuilder.text(capture[.output])?.capped(bytes: JUnitLimits.outputBytes)))
    }

    mutating func finish() throws(IngestError) -> JUnitReport {
        guard let root else { throw IngestError("no root element") }
        return report.finish(root: root)
    }
}
