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

    private enum Capture: Int, CaseIterable { case message, stackTrace, stdOut }

    /// One open result element (results nest through `<InnerResults>`).
    private struct OpenResult {
        var depth: Int
        var line: Int
        var attributes = XMLAttributeValues(slots: Attribute.count)
        var hasInnerResults = false
        /// Its message, stack trace and output (a capture a result: text goes to the innermost open one).
        var capture = TextCapture<Capture>()
    }

    /// A passing leaf whose class was not known when it ended (the definitions come later): 16 bytes, its name
    /// split at its last `.` (before any `(`) into a prefix, interned (usually the class: the tests of a class share
    /// it), and the rest, kept in `pendingNames` one after another.
    private struct PendingPass {
        var testId: UInt64
        /// In `prefixes`; -1 for a name without a `.`.
        var prefix: Int32
        var restLength: UInt32
    }

    private var root: String?
    private var report = TestReportBuilder(kind: .trx, outcomeAttribute: "outcome")
    private var resultsDepth = -1
    private var open: [OpenResult] = []
    private var openCount = 0
    /// Classes by the hash of the test id, and the class names.
    private var classOfTest: [UInt64: Int32] = [:]
    private var classNames = ByteStrings()
    private var definitionAttributes = XMLAttributeValues(slots: Attribute.count)
    private var lastClassAttribute: [UInt8] = []
    private var lastClassIndex: Int32 = -1
    private var unitTestDepth = -1
    private var unitTestID: UInt64 = 0
    private var pendingPasses: [PendingPass] = []
    private var pendingNames: [UInt8] = []
    private var prefixes = ByteStrings()
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
            open[openCount].capture.removeAll()
            reader.readAttributes(Attribute.table, into: &open[openCount].attributes)
            openCount += 1
            if isEmpty { endResult() }
        case .message?, .stackTrace?:
            // Output > ErrorInfo > Message | StackTrace.
            guard openCount > 0, depth == open[openCount - 1].depth + 3, !isEmpty else { return }
            open[openCount - 1].capture.start(element == .message ? .message : .stackTrace, depth: depth,
                limit: element == .message ? JUnitLimits.messageBytes : JUnitLimits.detailBytes)
        case .stdOut?:
            guard openCount > 0, depth == open[openCount - 1].depth + 2, !isEmpty else { return }
            open[openCount - 1].capture.start(.stdOut, depth: depth, limit: JUnitLimits.outputBytes)
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
            lastClassIndex = classNames.index(of: name)
            classOfTest[unitTestID] = lastClassIndex
        default:
            break
        }
    }

    mutating func text(depth: Int, parser: XMLPushParser) {
        if openCount > 0 { open[openCount - 1].capture.text(depth: depth, parser: parser) }
    }

    mutating func endElement(depth: Int) {
        if openCount > 0, open[openCount - 1].capture.isActive, open[openCount - 1].capture.end(depth: depth) != nil { return }
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
        let outcome = report.outcome(Self.outcomes, attributes, Attribute.outcome)
        let testId = attributes.withBytes(Attribute.testId) { IdentityHash.of(owner: EmptyCollection(), name: $0) }
        if outcome == .passed {
            if let known = classOfTest[testId] {
                report.pass(hash: attributes.withBytes(Attribute.testName) { Self.hash(owner: classNames[known], name: $0) })
            } else {
                attributes.withBytes(Attribute.testName) { pendPass(testId: testId, name: $0) }
                report.counts.add(.passed)
            }
            return
        }
        let failure: TestFailure? =
            outcome == .failed || outcome == .errored
            ? TestReportBuilder.failure(outcome == .errored ? .error : .failure, type: nil, message: result.capture[.message], details: result.capture[.stackTrace])
            : nil
        pendingCases.append((report.cases.count, testId))
        report.counts.add(outcome)
        report.cases.append(
            JUnitTestCase(
                name: attributes.string(Attribute.testName) ?? "", reportLine: result.line > 0 ? result.line : nil,
                time: Self.duration(attributes.string(Attribute.duration)), outcome: outcome, failure: failure,
                skippedMessage: outcome == .skipped ? TestReportBuilder.text(result.capture[.message])?.capped(bytes: JUnitLimits.messageBytes) : nil,
                systemOut: TestReportBuilder.text(result.capture[.stdOut])?.capped(bytes: JUnitLimits.outputBytes)))
    }

    private mutating func pendPass(testId: UInt64, name: UnsafeBufferPointer<UInt8>) {
        let end = name.firstIndex(of: UInt8(ascii: "(")) ?? name.count
        var prefix: Int32 = -1
        var rest = name[...]
        if let dot = name[..<end].lastIndex(of: UInt8(ascii: ".")) {
            prefix = prefixes.index(of: name[..<dot])
            rest = name[(dot + 1)...]
        }
        pendingNames.append(contentsOf: rest)
        // An attribute value is at most 10 MB (libxml2's limit without XML_PARSE_HUGE): its length fits.
        pendingPasses.append(PendingPass(testId: testId, prefix: prefix, restLength: UInt32(rest.count)))
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
        var name: [UInt8] = []
        var offset = 0
        report.passedIdentities.reserveCapacity(report.passedIdentities.count + pendingPasses.count)
        for pass in pendingPasses {
            name.removeAll(keepingCapacity: true)
            if pass.prefix >= 0 {
                name += prefixes[pass.prefix]
                name.append(UInt8(ascii: "."))
            }
            let end = offset + Int(pass.restLength)
            name += pendingNames[offset..<end]
            offset = end
            let owner = classOfTest[pass.testId].map { classNames[$0] } ?? []
            report.passedIdentities.append(name.withUnsafeBufferPointer { Self.hash(owner: owner, name: $0) })
        }
        pendingPasses = []
        pendingNames = []
        for (index, testId) in pendingCases {
            guard let known = classOfTest[testId] else { continue }
            let owner = String(decoding: classNames[known], as: UTF8.self)
            let name = report.cases[index].name
            if name.hasPrefix(owner + "."), name.count > owner.count + 1 {
                report.cases[index].name = String(name.dropFirst(owner.count + 1))
            }
            report.cases[index].classname = owner
        }
        return report.finish(root: root)
    }
}

/// Byte strings stored once each, known by their index (class names, name prefixes): many tests share a few.
private struct ByteStrings {
    private var strings: [[UInt8]] = []
    private var indexes: [[UInt8]: Int32] = [:]

    subscript(index: Int32) -> [UInt8] { strings[Int(index)] }

    /// The index of `bytes`, added when new. The last one added is tried first: the tests of a class come
    /// together.
    mutating func index(of bytes: some Collection<UInt8>) -> Int32 {
        if let last = strings.last, last.elementsEqual(bytes) { return Int32(strings.count - 1) }
        let key = Array(bytes)
        if let known = indexes[key] { return known }
        let index = Int32(strings.count)
        strings.append(key)
        indexes[key] = index
        return index
    }
}
