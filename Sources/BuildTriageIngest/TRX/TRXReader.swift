import BuildTriageCore

/// Reads a Visual Studio TRX file (`<TestRun>`, written by `dotnet test --logger trx`, vstest.console, mstest) in one
/// streaming pass.
///
/// A test is each leaf result under `<Results>`: a result element with no result inside its `<InnerResults>` counts
/// once; one with inner results is an aggregate (a data-driven test, an ordered test) and its leaves count instead.
/// Several results with the same `testId` and `testName` are attempts: all count (a failed attempt and a passed
/// one make a flaky test). `<ResultSummary>`/`<Counters>` are never the count. Outcomes by Docs/formats.md (unknown
/// or missing: errored). Id: the test's class (from `<TestDefinitions>`, whose `<UnitTest>` usually follows the
/// results) joined to `testName`, unless `testName` already starts with the class.
struct TRXState: XMLReportState {
    private enum Element {
        case testRun, results, result, innerResults, output, errorInfo, message, stackTrace, stdOut
        case testDefinitions, unitTest, testMethod
        static let table = XMLNameTable<Element>([
            ("TestRun", .testRun), ("Results", .results), ("UnitTestResult", .result), ("TestResultAggregation", .result),
            ("GenericTestResult", .result), ("ManualTestResult", .result), ("WebTestResult", .result),
            ("InnerResults", .innerResults), ("Output", .output), ("ErrorInfo", .errorInfo), ("Message", .message),
            ("StackTrace", .stackTrace), ("StdOut", .stdOut), ("TestDefinitions", .testDefinitions),
            ("UnitTest", .unitTest), ("TestMethod", .testMethod),
        ])
    }

    private enum Attribute {
        static let testId = 0, testName = 1, outcome = 2, duration = 3, id = 4, className = 5
        static let count = 6
        static let table = XMLNameTable<Int>([
            ("testId", testId), ("testName", testName), ("outcome", outcome), ("duration", duration), ("id", id),
            ("className", className),
        ])
    }

    private static let outcomes = ValueTable<TestOutcome>([
        ("Passed", .passed), ("PassedButRunAborted", .passed), ("Warning", .passed), ("Completed", .passed),
        ("Failed", .failed),
        ("Error", .errored), ("Timeout", .errored), ("Aborted", .errored), ("Disconnected", .errored),
        ("NotRunnable", .errored), ("InProgress", .errored),
        ("NotExecuted", .skipped), ("Inconclusive", .skipped), ("Pending", .skipped),
    ])

    private enum Capture: Equatable { case message, stackTrace, stdOut }

    /// One open result element (results nest through `<InnerResults>`).
    private struct OpenResult {
        var depth: Int
        var line: Int
        var attributes = XMLAttributeValues(slots: Attribute.count)
        var hasInnerResults = false
        var message: [UInt8] = []
        var stackTrace: [UInt8] = []
        var stdOut: [UInt8] = []
    }

    /// A passing leaf whose class was not known when it ended (the definitions come later).
    private struct PendingPass {
        var testId: UInt64
        var nameStart: Int
        var nameEnd: Int
    }

    private var root: String?
    private var report = TestReportBuilder(kind: .trx)
    private var resultsDepth = -1
    private var open: [OpenResult] = []
    private var openCount = 0
    private var capture = TextCapture<Capture>()
    /// Classes by the hash of the test id, and the class names.
    private var classOfTest: [UInt64: Int32] = [:]
    private var classIndex: [[UInt8]: Int32] = [:]
    private var classNames: [[UInt8]] = []
    private var definitionAttributes = XMLAttributeValues(slots: Attribute.count)
    private var lastClassAttribute: [UInt8] = []
    private var lastClassIndex: Int32 = -1
    private var unitTestDepth = -1
    private var unitTestID: UInt64 = 0
    private var pendingPasses: [PendingPass] = []
    private var pendingNames: [UInt8] = []
    /// Kept cases whose class is filled in at the end, with their test id hashes.
    private var pendingCases: [(index: Int, testId: UInt64)] = []

    init() {}

    var recognisedKind: InputKind? { root == nil ? nil : .trx }

    mutating func startElement(depth: Int, isEmpty: Bool, parser reader: XMLPushParser) throws(IngestError) {
        let element = reader.name(in: Element.table)
        if root == nil {
            guard element == .testRun else { throw XMLReportReader.wrongRoot(reader, format: "TRX", expected: "<TestRun>") }
            root = reader.localName
        }
        switch element {
        case .results:
            if resultsDepth < 0, openCount == 0 { resultsDepth = depth }
        case .result:
            guard resultsDepth >= 0 else { return }
            if openCount > 0 {
                // Only a result inside its parent's <InnerResults> (depth + 2) is an inner result.
                guard depth == open[openCount - 1].depth + 2 else { return }
                open[openCount - 1].hasInnerResults = true
            } else {
                guard depth == resultsDepth + 1 else { return }
            }
            if openCount == open.count { open.append(OpenResult(depth: depth, line: 0)) }
            open[openCount].depth = depth
            open[openCount].line = reader.elementLine
            open[openCount].hasInnerResults = false
            open[openCount].message.removeAll(keepingCapacity: true)
            open[openCount].stackTrace.removeAll(keepingCapacity: true)
            open[openCount].stdOut.removeAll(keepingCapacity: true)
            reader.readAttributes(Attribute.table, into: &open[openCount].attributes)
            openCount += 1
            if isEmpty { endResult() }
        case .message?, .stackTrace?:
            // Output > ErrorInfo > Message | StackTrace.
            guard openCount > 0, depth == open[openCount - 1].depth + 3, !isEmpty else { return }
            capture.start(element == .message ? .message : .stackTrace, depth: depth,
                limit: element == .message ? JUnitLimits.messageBytes : JUnitLimits.detailBytes)
        case .stdOut?:
            guard openCount > 0, depth == open[openCount - 1].depth + 2, !isEmpty else { return }
            capture.start(.stdOut, depth: depth, limit: JUnitLimits.outputBytes)
        case .unitTest?:
            guard openCount == 0 else { return }
            reader.readAttributes(Attribute.table, into: &definitionAttributes)
            unitTestID = definitionAttributes.withBytes(Attribute.id) { IdentityHash.of(owner: EmptyCollection(), name: $0) }
            unitTestDepth = isEmpty ? -1 : depth
        case .testMethod?:
            guard unitTestDepth >= 0, depth == unitTestDepth + 1 else { return }
            reader.readAttributes(Attribute.table, into: &definitionAttributes)
            guard definitionAttributes.isPresent(Attribute.className) else { return }
            // Definitions come class by class: the same class as the last one costs no lookup.
            if lastClassIndex >= 0, definitionAttributes.withBytes(Attribute.className, { $0.elementsEqual(lastClassAttribute) }) {
                classOfTest[unitTestID] = lastClassIndex
                return
            }
            lastClassAttribute = Array(definitionAttributes.bytes(Attribute.className))
            var name = lastClassAttribute
            // `Namespace.Class, Assembly, Version=…`: the class only.
            if let comma = name.firstIndex(of: UInt8(ascii: ",")) { name.removeSubrange(comma...) }
            while name.last == 0x20 { name.removeLast() }
            let index: Int32
            defer { lastClassIndex = index }
            if let known = classIndex[name] {
                index = known
            } else {
                index = Int32(classNames.count)
                classNames.append(name)
                classIndex[name] = index
            }
            classOfTest[unitTestID] = index
        default:
            break
        }
    }

    mutating func text(depth: Int, parser: XMLPushParser) {
        guard let slot = capture.slot, openCount > 0 else { return }
        switch slot {
        case .message: capture.text(depth: depth, parser: parser, into: &open[openCount - 1].message)
        case .stackTrace: capture.text(depth: depth, parser: parser, into: &open[openCount - 1].stackTrace)
        case .stdOut: capture.text(depth: depth, parser: parser, into: &open[openCount - 1].stdOut)
        }
    }

    mutating func endElement(depth: Int) {
        if capture.isActive, capture.end(depth: depth) != nil { return }
        if openCount > 0, depth == open[openCount - 1].depth {
            endResult()
        } else if depth == resultsDepth {
            resultsDepth = -1
        } else if depth == unitTestDepth {
            unitTestDepth = -1
        }
    }

    private mutating func endResult() {
        openCount -= 1
        let result = open[openCount]
        // An aggregate: its leaves were counted.
        guard !result.hasInnerResults else { return }
        let attributes = result.attributes
        let outcome = Self.outcomes.match(attributes, Attribute.outcome) ?? .errored
        let testId = attributes.withBytes(Attribute.testId) { IdentityHash.of(owner: EmptyCollection(), name: $0) }
        if outcome == .passed {
            if let known = classOfTest[testId] {
                report.pass(hash: attributes.withBytes(Attribute.testName) { Self.hash(owner: classNames[Int(known)], name: $0) })
            } else {
                let start = pendingNames.count
                attributes.withBytes(Attribute.testName) { pendingNames.append(contentsOf: $0) }
                pendingPasses.append(PendingPass(testId: testId, nameStart: start, nameEnd: pendingNames.count))
                report.counts.add(.passed)
            }
            return
        }
        let failure: TestFailure? =
            outcome == .failed || outcome == .errored
            ? TestReportBuilder.failure(outcome == .errored ? .error : .failure, type: nil, message: result.message, details: result.stackTrace)
            : nil
        pendingCases.append((report.cases.count, testId))
        report.counts.add(outcome)
        report.cases.append(
            JUnitTestCase(
                name: attributes.string(Attribute.testName) ?? "", reportLine: result.line > 0 ? result.line : nil,
                time: Self.duration(attributes.string(Attribute.duration)), outcome: outcome, failure: failure,
                skippedMessage: outcome == .skipped ? TestReportBuilder.text(result.message)?.capped(bytes: JUnitLimits.messageBytes) : nil,
                systemOut: TestReportBuilder.text(result.stdOut)?.capped(bytes: JUnitLimits.outputBytes)))
    }

    /// The identity of `owner.name`, or of `name` when it already starts with `owner.` (or there is no owner).
    private static func hash(owner: [UInt8], name: UnsafeBufferPointer<UInt8>) -> UInt64 {
        if owner.isEmpty || (name.count > owner.count && name[owner.count] == UInt8(ascii: ".") && name.starts(with: owner)) {
            return IdentityHash.of(owner: EmptyCollection(), name: name)
        }
        return IdentityHash.of(owner: owner, name: name)
    }

    /// A TRX duration, `hh:mm:ss.fffffff`, in seconds.
    static func duration(_ text: String?) -> Double? {
        guard let text else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 3, let hours = Double(parts[0]), let minutes = Double(parts[1]), let seconds = Double(parts[2]) else {
            return JUnitReader.parseTime(text)
        }
        return hours * 3600 + minutes * 60 + seconds
    }

    mutating func finish() throws(IngestError) -> JUnitReport {
        guard let root else { throw IngestError("no root element") }
        pendingNames.withUnsafeBufferPointer { names in
            for pass in pendingPasses {
                let owner = classOfTest[pass.testId].map { classNames[Int($0)] } ?? []
                report.passedIdentities.append(Self.hash(owner: owner, name: UnsafeBufferPointer(rebasing: names[pass.nameStart..<pass.nameEnd])))
            }
        }
        for (index, testId) in pendingCases {
            guard let known = classOfTest[testId] else { continue }
            let owner = String(decoding: classNames[Int(known)], as: UTF8.self)
            let name = report.cases[index].name
            if name.hasPrefix(owner + "."), name.count > owner.count + 1 {
                report.cases[index].name = String(name.dropFirst(owner.count + 1))
            }
            report.cases[index].classname = owner
        }
        return report.finish(root: root)
    }
}
