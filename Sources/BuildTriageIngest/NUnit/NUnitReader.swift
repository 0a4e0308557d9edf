import BuildTriageCore

/// Reads NUnit 2 (`<test-results>`) and NUnit 3 (`<test-run>`) XML, and a bare `<test-suite>` (NUnit 3 when any
/// suite or case carries an NUnit 3 attribute or result, else NUnit 2), in one streaming pass.
///
/// A test is every `<test-case>` at any depth (suites never count); in NUnit 3 only a `<test-case>` with a `result`
/// (one without comes from an `--explore` listing). Outcomes by Docs/formats.md: NUnit 2 `result`, or without it
/// `executed` / a `<failure>` / `success`; NUnit 3 `result` with `label` (`Failed` + `Error`/`Cancelled`/`Invalid`
/// is errored). An unknown result is errored. Ids: `fullname`, else `classname.name`, else `name` (NUnit 2 names
/// are fully qualified).
struct NUnitState: XMLReportState {
    private enum Mode { case nunit2, nunit3, undecided }

    private enum Element {
        case testResults, testRun, testSuite, testCase, failure, reason, message, stackTrace, output
        static let table = XMLNameTable<Element>([
            ("test-results", .testResults), ("test-run", .testRun), ("test-suite", .testSuite), ("test-case", .testCase),
            ("failure", .failure), ("reason", .reason), ("message", .message), ("stack-trace", .stackTrace),
            ("output", .output),
        ])
    }

    private enum Attribute {
        static let name = 0, fullname = 1, classname = 2, result = 3, label = 4, executed = 5, success = 6, time = 7,
            duration = 8, id = 9, runstate = 10, testcasecount = 11
        static let count = 12
        static let table = XMLNameTable<Int>([
            ("name", name), ("fullname", fullname), ("classname", classname), ("result", result), ("label", label),
            ("executed", executed), ("success", success), ("time", time), ("duration", duration), ("id", id),
            ("runstate", runstate), ("testcasecount", testcasecount),
        ])
        /// Attributes only NUnit 3 writes on suites and cases.
        static let nunit3Only = [fullname, id, runstate, testcasecount]
    }

    /// Which version a `result` value belongs to, and its bucket (`nil`: NUnit 3 `Failed`, decided by `label`).
    private enum Version { case both, nunit2, nunit3 }
    private static let results = ValueTable<(Version, TestOutcome?)>([
        ("Success", (.nunit2, .passed)), ("Failure", (.nunit2, .failed)), ("Error", (.nunit2, .errored)),
        ("Cancelled", (.nunit2, .errored)), ("NotRunnable", (.nunit2, .errored)), ("Ignored", (.nunit2, .skipped)),
        ("Skipped", (.both, .skipped)), ("Inconclusive", (.both, .skipped)),
        ("Passed", (.nunit3, .passed)), ("Warning", (.nunit3, .passed)), ("Failed", (.nunit3, nil)),
    ])
    private static let errorLabels = ValueTable<Bool>([("Error", true), ("Cancelled", true), ("Invalid", true)])
    private static let nunit3Results = ValueTable<Bool>([("Passed", true), ("Failed", true), ("Skipped", true), ("Warning", true)])
    private static let falseWords = ValueTable<Bool>([("False", true)])

    private enum Capture: Int, CaseIterable { case failureMessage, stackTrace, reasonMessage, output }

    private var mode = Mode.undecided
    private var root: String?
    private var report = TestReportBuilder(kind: .nunit3, outcomeAttribute: "result")
    /// Cases without a result in a bare suite whose version is not known yet: counted by NUnit 2's rules if it
    /// turns out to be NUnit 2.
    private var undecidedCases: [JUnitTestCase] = []
    private var nunit3Evidence = false

    private var attributes = XMLAttributeValues(slots: Attribute.count)
    private var suiteAttributes = XMLAttributeValues(slots: Attribute.count)
    private var caseDepth = -1
    private var caseLine = 0
    private var childDepth = -1
    private var child: Element?
    private var sawFailure = false
    private var capture = TextCapture<Capture>()

    init() {}

    var recognisedKind: InputKind? { root == nil ? nil : kind }

    private var kind: InputKind {
        switch mode {
        case .nunit2: .nunit2
        case .nunit3: .nunit3
        case .undecided: nunit3Evidence ? .nunit3 : .nunit2
        }
    }

    mutating func startElement(depth: Int, isEmpty: Bool, parser reader: XMLPushParser) throws(IngestError) {
        let element = reader.name(in: Element.table)
        if root == nil {
            switch element {
            case .testResults: mode = .nunit2
            case .testRun: mode = .nunit3
            case .testSuite: mode = .undecided
            default: throw XMLReportReader.wrongRoot(reader, format: "NUnit", expected: "<test-run>, <test-results> or <test-suite>")
            }
            root = reader.localName
        }
        switch element {
        case .testSuite:
            report.suiteCount += 1
            if mode == .undecided, !nunit3Evidence {
                reader.readAttributes(Attribute.table, into: &suiteAttributes)
                noteEvidence(suiteAttributes)
            }
        case .testCase:
            guard caseDepth < 0 else { return }
            caseDepth = depth
            caseLine = reader.elementLine
            reader.readAttributes(Attribute.table, into: &attributes)
            if mode == .undecided, !nunit3Evidence { noteEvidence(attributes) }
            sawFailure = false
            child = nil
            capture.removeAll()
            if isEmpty { endCase() }
        case .failure?, .reason?:
            guard caseDepth >= 0, depth == caseDepth + 1 else { return }
            if element == .failure { sawFailure = true }
            if !isEmpty {
                child = element
                childDepth = depth
            }
        case .message?, .stackTrace?:
            guard caseDepth >= 0, depth == childDepth + 1, !isEmpty, let child else { return }
            let slot: Capture = element == .stackTrace ? .stackTrace : child == .failure ? .failureMessage : .reasonMessage
            capture.start(slot, depth: depth, limit: slot == .stackTrace ? JUnitLimits.detailBytes : JUnitLimits.messageBytes)
        case .output?:
            guard caseDepth >= 0, depth == caseDepth + 1, !isEmpty else { return }
            capture.start(.output, depth: depth, limit: JUnitLimits.outputBytes)
        default:
            break
        }
    }

    private mutating func noteEvidence(_ values: XMLAttributeValues) {
        if Attribute.nunit3Only.contains(where: { values.isPresent($0) }) {
            nunit3Evidence = true
        } else if Self.nunit3Results.match(values, Attribute.result) == true {
            nunit3Evidence = true
        }
    }

    mutating func text(depth: Int, parser: XMLPushParser) {
        capture.text(depth: depth, parser: parser)
    }

    mutating func endElement(depth: Int) {
        if capture.isActive, capture.end(depth: depth) != nil { return }
        if depth == childDepth {
            child = nil
            childDepth = -1
        } else if depth == caseDepth {
            endCase()
        }
    }

    private mutating func endCase() {
        caseDepth = -1
        child = nil
        childDepth = -1
        let outcome: TestOutcome
        if attributes.isPresent(Attribute.result) {
            switch Self.results.match(attributes, Attribute.result) {
            case (.nunit2, _)? where mode == .nunit3, (.nunit3, _)? where mode == .nunit2, nil:
                attributes.withBytes(Attribute.result) { report.unknownOutcomes.add($0) }
                outcome = .errored
            case (_, let known?)?:
                outcome = known
            case (_, nil)?:
                outcome = Self.errorLabels.match(attributes, Attribute.label) == true ? .errored : .failed
            }
        } else {
            if mode == .nunit3 { return }  // a listing: did not run
            if Self.falseWords.match(attributes, Attribute.executed) == true {
                outcome = .skipped
            } else if sawFailure {
                outcome = .failed
            } else if Self.falseWords.match(attributes, Attribute.success) == true {
                outcome = .skipped
            } else {
                outcome = .passed
            }
            if mode == .undecided {
                undecidedCases.append(testCase(outcome))
                return
            }
        }
        if outcome == .passed {
            report.pass(hash: identityHash())
        } else {
            report.add(testCase(outcome))
        }
    }

    private func identityHash() -> UInt64 {
        if attributes.isPresent(Attribute.fullname) {
            return attributes.withBytes(Attribute.fullname) { IdentityHash.of(owner: EmptyCollection(), name: $0) }
        }
        return attributes.withBytes(Attribute.classname) { owner in
            attributes.withBytes(Attribute.name) { IdentityHash.of(owner: owner, name: $0) }
        }
    }

    private func testCase(_ outcome: TestOutcome) -> JUnitTestCase {
        var classname = attributes.string(Attribute.classname)
        var name = attributes.string(Attribute.name) ?? ""
        if let fullname = attributes.string(Attribute.fullname) {
            (classname, name) = TestReportBuilder.split(fullName: fullname, owner: classname)
        }
        let failure: TestFailure? =
            outcome == .failed || outcome == .errored
            ? TestReportBuilder.failure(
                outcome == .errored ? .error : .failure, type: nil, message: capture[.failureMessage], details: capture[.stackTrace])
            : nil
        let time = attributes.string(Attribute.duration) ?? attributes.string(Attribute.time)
        return JUnitTestCase(
            classname: classname, name: name, reportLine: caseLine > 0 ? caseLine : nil, time: JUnitReader.parseTime(time),
            outcome: outcome, failure: failure,
            skippedMessage: outcome == .skipped ? TestReportBuilder.text(capture[.reasonMessage])?.capped(bytes: JUnitLimits.messageBytes) : nil,
            systemOut: TestReportBuilder.text(capture[.output])?.capped(bytes: JUnitLimits.outputBytes))
    }

    mutating func finish() throws(IngestError) -> JUnitReport {
        guard let root else { throw IngestError("no root element") }
        let kind = kind
        if kind == .nunit2 {
            for testCase in undecidedCases { report.add(testCase) }
        }
        report.kind = kind
        return report.finish(root: root)
    }
}
