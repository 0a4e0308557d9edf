import BuildTriageCore

/// Reads TestNG's `testng-results.xml` (`<testng-results>` > `<suite>` > `<test>` > `<class>` > `<test-method>`) in
/// one streaming pass.
///
/// A test is every `<test-method>` that is not a configuration method (`is-config="true"`), every invocation and
/// retried attempt as written. Outcome from `status`: `PASS` passed; `FAIL` and `SUCCESS_PERCENTAGE_FAILURE` failed;
/// `SKIP` skipped; anything else errored. Id: `class.method`, with the `params` values in parentheses to tell data
/// rows apart. A retried attempt (`SKIP` with `retried="true"`, or a `SKIP` whose reporter output names a retry)
/// followed by a `PASS` of the same id makes that pass carry the attempt as a rerun: a flaky test.
struct TestNGState: XMLReportState {
    private enum Element {
        case testngResults, suite, testClass, testMethod, exception, message, fullStacktrace, params, value, line
        static let table = XMLNameTable<Element>([
            ("testng-results", .testngResults), ("suite", .suite), ("class", .testClass), ("test-method", .testMethod),
            ("exception", .exception), ("message", .message), ("full-stacktrace", .fullStacktrace), ("params", .params),
            ("value", .value), ("line", .line),
        ])
    }

    private enum Attribute {
        static let name = 0, status = 1, isConfig = 2, retried = 3, duration = 4, exceptionClass = 5
        static let count = 6
        static let table = XMLNameTable<Int>([
            ("name", name), ("status", status), ("is-config", isConfig), ("retried", retried), ("duration-ms", duration),
            ("class", exceptionClass),
        ])
    }

    private static let statuses = ValueTable<TestOutcome>([
        ("PASS", .passed), ("FAIL", .failed), ("SKIP", .skipped), ("SUCCESS_PERCENTAGE_FAILURE", .failed),
    ])
    private static let trueWord = ValueTable<Bool>([("true", true)])

    private enum Capture: Int, CaseIterable { case message, stackTrace, value, line }

    private var root: String?
    private var report = TestReportBuilder(kind: .testng, outcomeAttribute: "status")
    private var className: [UInt8] = []
    private var classDepth = -1
    private var attributes = XMLAttributeValues(slots: Attribute.count)
    private var exceptionAttributes = XMLAttributeValues(slots: Attribute.count)
    private var methodDepth = -1
    private var methodLine = 0
    private var exceptionDepth = -1
    /// Message, stack trace, the parameter value being read, reporter output (`line`s, each ended by a newline).
    private var capture = TextCapture<Capture>()
    /// The parameter values, each trimmed, joined by `, `.
    private var parameters: [UInt8] = []
    private var parameterCount = 0
    /// Retried attempts not yet followed by a pass, by identity hash.
    private var retriedAttempts: [UInt64: TestFailure] = [:]

    init() {}

    var recognisedKind: InputKind? { root == nil ? nil : .testng }

    mutating func startElement(depth: Int, isEmpty: Bool, parser reader: XMLPushParser) throws(IngestError) {
        let element = reader.name(in: Element.table)
        if root == nil {
            guard element == .testngResults else { throw XMLReportReader.wrongRoot(reader, format: "TestNG", expected: "<testng-results>") }
            root = reader.localName
        }
        switch element {
        case .suite:
            report.suiteCount += 1
        case .testClass:
            guard methodDepth < 0 else { return }
            reader.readAttributes(Attribute.table, into: &attributes)
            className = Array(attributes.bytes(Attribute.name))
            classDepth = isEmpty ? -1 : depth
        case .testMethod:
            guard methodDepth < 0 else { return }
            reader.readAttributes(Attribute.table, into: &attributes)
            if Self.trueWord.match(attributes, Attribute.isConfig) == true {
                if !isEmpty { reader.skipChildren() }
                return
            }
            methodDepth = depth
            methodLine = reader.elementLine
            exceptionDepth = -1
            exceptionAttributes.removeAll()
            capture.removeAll()
            parameters.removeAll(keepingCapacity: true)
            parameterCount = 0
            if isEmpty { endMethod() }
        case .exception?:
            guard methodDepth >= 0, depth == methodDepth + 1 else { return }
            reader.readAttributes(Attribute.table, into: &exceptionAttributes)
            if !isEmpty { exceptionDepth = depth }
        case .message?, .fullStacktrace?:
            guard exceptionDepth >= 0, depth == exceptionDepth + 1, !isEmpty else { return }
            let slot: Capture = element == .message ? .message : .stackTrace
            capture.start(slot, depth: depth, limit: slot == .message ? JUnitLimits.messageBytes : JUnitLimits.detailBytes)
        case .value?:
            guard methodDepth >= 0, exceptionDepth < 0 else { return }
            capture.removeAll(.value)
            if isEmpty { endValue() } else { capture.start(.value, depth: depth, limit: JUnitLimits.messageBytes) }
        case .line?:
            guard methodDepth >= 0, !isEmpty else { return }
            capture.start(.line, depth: depth, limit: JUnitLimits.outputBytes)
        default:
            break
        }
    }

    mutating func text(depth: Int, parser: XMLPushParser) {
        capture.text(depth: depth, parser: parser)
    }

    mutating func endElement(depth: Int) {
        if capture.isActive, let slot = capture.end(depth: depth) {
            if slot == .value { endValue() }
            if slot == .line { capture.append(0x0A, to: .line) }
            return
        }
        if depth == exceptionDepth {
            exceptionDepth = -1
        } else if depth == methodDepth {
            endMethod()
        } else if depth == classDepth {
            classDepth = -1
            className.removeAll(keepingCapacity: true)
        }
    }

    private mutating func endValue() {
        if parameterCount > 0 { parameters += Array(", ".utf8) }
        parameterCount += 1
        parameters += (TestReportBuilder.text(capture[.value]) ?? "").utf8
    }

    /// The method's name with its parameters: `name(a, b)`, or `name` without parameters.
    private func methodName() -> [UInt8] {
        var name = Array(attributes.bytes(Attribute.name))
        if parameterCount > 0 {
            name.append(UInt8(ascii: "("))
            name += parameters
            name.append(UInt8(ascii: ")"))
        }
        return name
    }

    private mutating func endMethod() {
        methodDepth = -1
        exceptionDepth = -1
        let outcome = report.outcome(Self.statuses, attributes, Attribute.status)
        let hash: UInt64
        if parameterCount == 0 {
            hash = attributes.withBytes(Attribute.name) { IdentityHash.of(owner: className, name: $0) }
        } else {
            hash = IdentityHash.of(owner: className, name: methodName())
        }
        var reruns: [TestFailure] = []
        if outcome == .passed {
            guard let attempt = retriedAttempts.removeValue(forKey: hash) else {
                report.pass(hash: hash)
                return
            }
            reruns = [attempt]
        }
        let failure =
            outcome == .failed || outcome == .errored || outcome == .skipped
            ? TestReportBuilder.failure(
                outcome == .errored ? .error : .failure, type: exceptionAttributes.string(Attribute.exceptionClass), message: capture[.message],
                details: capture[.stackTrace])
            : nil
        if outcome == .skipped, isRetriedAttempt {
            var attempt = failure ?? TestFailure(kind: .rerunFailure)
            attempt.kind = .rerunFailure
            if attempt.message == nil { attempt.message = "retried attempt" }
            retriedAttempts[hash] = attempt
        }
        let owner = className.isEmpty ? nil : String(decoding: className, as: UTF8.self)
        report.add(
            JUnitTestCase(
                classname: owner, name: String(decoding: methodName(), as: UTF8.self), reportLine: methodLine > 0 ? methodLine : nil,
                time: JUnitReader.parseTime(attributes.string(Attribute.duration)).map { $0 / 1000 }, outcome: outcome,
                failure: outcome == .skipped ? nil : failure, reruns: reruns,
                skippedMessage: outcome == .skipped ? failure?.headline : nil,
                systemOut: TestReportBuilder.text(capture[.line])?.capped(bytes: JUnitLimits.outputBytes)))
    }

    /// A `SKIP` that is a retried attempt: marked `retried="true"`, or with reporter output naming a retry.
    private var isRetriedAttempt: Bool {
        if Self.trueWord.match(attributes, Attribute.retried) == true { return true }
        return String(decoding: capture[.line], as: UTF8.self).lowercased().contains("retry")
    }

    mutating func finish() throws(IngestError) -> JUnitReport {
        guard let root else { throw IngestError("no root element") }
        return report.finish(root: root)
    }
}
