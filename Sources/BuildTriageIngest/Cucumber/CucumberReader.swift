public import BuildTriageCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a Cucumber JSON report (an array of features, written by cucumber-jvm, cucumber-js, cucumber-ruby, godog,
/// Karate…) in one streaming pass through `JSONStream`.
///
/// A test is each element of a feature's `elements` that is neither a `background` nor an unexpanded
/// `scenario_outline`. A background's results belong to every scenario after it in its feature until the next
/// background (consecutive backgrounds add up). A scenario's outcome is the worst status of its background's and
/// its own hooks and steps, by Cucumber's severity (failed > ambiguous > undefined > pending > skipped > passed; a
/// missing or unknown status is undefined): pending and worse fail it, skipped skips it, else it passed. Id: the
/// feature's name (its `uri` without one) and the scenario's name with its line, so that the rows of an outline
/// stay apart while the attempts of a retried scenario meet (a failed one and a passed one: flaky).
public enum CucumberReader {
    /// Reads the report at `path`, streaming it from disk.
    public static func read(path: String) throws(IngestError) -> JUnitReport {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw IngestError("cannot open file: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var stream = JSONStream(descriptor: descriptor)
        return try read(&stream)
    }

    /// Reads a report held in memory.
    public static func read(bytes: [UInt8]) throws(IngestError) -> JUnitReport {
        var stream = JSONStream(bytes: bytes)
        return try read(&stream)
    }

    static func read(_ stream: inout JSONStream) throws(IngestError) -> JUnitReport {
        var walker = CucumberWalker()
        do {
            try walker.walk(&stream)
        } catch {
            var error = error
            if walker.recognised { error.kind = .cucumber }
            throw error
        }
        return walker.report.finish(root: "[")
    }
}

/// Cucumber's statuses, by severity (the worst wins).
private enum Status: Int, Comparable {
    case passed, skipped, pending, undefined, ambiguous, failed

    static func < (lhs: Status, rhs: Status) -> Bool { lhs.rawValue < rhs.rawValue }

    static let table = ValueTable<Status>([
        ("passed", .passed), ("skipped", .skipped), ("pending", .pending), ("undefined", .undefined),
        ("ambiguous", .ambiguous), ("failed", .failed),
    ])

    var outcome: TestOutcome {
        switch self {
        case .passed: .passed
        case .skipped: .skipped
        case .pending, .undefined, .ambiguous, .failed: .failed
        }
    }
}

/// The worst result seen in a scenario (or a background), with what to say about it.
private struct Verdict {
    var status = Status.passed
    var step: [UInt8] = []
    var errorMessage: [UInt8] = []

    mutating func merge(_ other: Verdict) {
        if other.status > status { self = other }
    }
}

/// One scenario of the current feature, kept until the feature's name is known (it may follow `elements`).
private struct PendingScenario {
    var outcome: TestOutcome
    /// The scenario's id name (`name (line N)`), in `CucumberWalker.names`.
    var nameStart: Int
    var nameEnd: Int
    var reportLine: Int
    /// The scenario's line in its feature file.
    var sourceLine: Int?
    var time: Double?
    var verdict: Verdict?
}

/// The member names read, in `Key.names` order.
private enum Key {
    static let names = JSONKeys([
        "uri", "name", "keyword", "elements", "type", "line", "before", "after", "steps", "result", "status",
        "error_message", "duration",
    ])
    static let uri = 0, name = 1, keyword = 2, elements = 3, type = 4, line = 5, before = 6, after = 7, steps = 8,
        result = 9, status = 10, errorMessage = 11, duration = 12
}

private struct CucumberWalker {
    var report: TestReportBuilder = {
        var report = TestReportBuilder(kind: .cucumber, outcomeAttribute: "status")
        // Statuses belong to steps and hooks; an unknown one is read as `undefined` (which fails the scenario).
        report.unknownOutcomes = UnknownValues(attribute: "status", countedAs: "undefined", carrier: ("step or hook", "steps or hooks"))
        return report
    }()
    /// The document is an array (the shape of a Cucumber report); a feature that does not fit refuses it.
    var recognised = false
    private var names: [UInt8] = []
    private var scenarios: [PendingScenario] = []
    private var background = Verdict()
    private var lastWasBackground = false
    private var featureIndex = 0

    mutating func walk(_ stream: inout JSONStream) throws(IngestError) {
        try stream.skipByteOrderMark()
        guard try stream.peek() == UInt8(ascii: "[") else {
            throw stream.error("not a Cucumber report: the document is not an array of features")
        }
        recognised = true
        try stream.array { stream throws(IngestError) in try feature(&stream) }
        try stream.expectEnd()
    }

    private mutating func feature(_ stream: inout JSONStream) throws(IngestError) {
        featureIndex += 1
        guard try stream.peek() == UInt8(ascii: "{") else {
            recognised = false
            throw stream.error("not a Cucumber report: element \(featureIndex) of the array is not a feature object")
        }
        var uri: [UInt8]?
        var name: [UInt8]?
        var hasKeyword = false
        var hasElements = false
        names.removeAll(keepingCapacity: true)
        scenarios.removeAll(keepingCapacity: true)
        background = Verdict()
        lastWasBackground = false
        try stream.object(Key.names) { stream, key throws(IngestError) in
            switch key {
            case Key.uri: uri = try stream.stringValue(limit: 1024)
            case Key.name: name = try stream.stringValue(limit: 1024)
            case Key.keyword:
                hasKeyword = true
                try stream.skipValue()
            case Key.elements:
                hasElements = true
                if try stream.peek() == UInt8(ascii: "[") {
                    try stream.array { stream throws(IngestError) in try element(&stream) }
                } else {
                    try stream.skipValue()
                }
            default: try stream.skipValue()
            }
        }
        guard hasElements || (hasKeyword && (uri != nil || name != nil)) else {
            recognised = false
            throw stream.error("not a Cucumber report: feature \(featureIndex) has neither `elements` nor a `keyword` with a `uri` or `name`")
        }
        let owner = (name?.isEmpty == false ? name : uri) ?? []
        report.suiteCount += 1
        for scenario in scenarios {
            let scenarioName = names[scenario.nameStart..<scenario.nameEnd]
            if scenario.outcome == .passed {
                report.pass(hash: IdentityHash.of(owner: owner, name: scenarioName))
                continue
            }
            let verdict = scenario.verdict ?? Verdict()
            let step = TestReportBuilder.text(verdict.step)
            let detail = TestReportBuilder.text(verdict.errorMessage)
            let statusWord = "\(verdict.status)"
            let failure: TestFailure? =
                scenario.outcome == .failed
                ? TestFailure(
                    kind: .failure, type: verdict.status == .failed ? nil : statusWord,
                    message: (detail.flatMap { $0.firstLines(1) { _ in true }.first.map(String.init) }
                        ?? "\(statusWord) step\(step.map { ": \($0)" } ?? "")").capped(bytes: JUnitLimits.messageBytes),
                    details: detail?.capped(bytes: JUnitLimits.detailBytes))
                : nil
            report.add(
                JUnitTestCase(
                    classname: owner.isEmpty ? nil : String(decoding: owner, as: UTF8.self),
                    name: String(decoding: scenarioName, as: UTF8.self), file: uri.map(Self.sourcePath), line: scenario.sourceLine,
                    reportLine: scenario.reportLine, time: scenario.time, outcome: scenario.outcome, failure: failure,
                    skippedMessage: scenario.outcome == .skipped ? step.map { "skipped step: \($0)" } : nil))
        }
    }

    /// The feature file's path from its `uri`, without a `classpath:` or `file:` scheme.
    private static func sourcePath(_ uri: [UInt8]) -> String {
        var path = String(decoding: uri, as: UTF8.self)
        for scheme in ["classpath:", "file://", "file:"] where path.hasPrefix(scheme) {
            path.removeFirst(scheme.count)
            break
        }
        return path
    }

    private enum ElementType { case scenario, background, outline }
    private static let lineSuffix = Array(" (line ".utf8)

    /// `value`'s decimal digits (`value` is not negative).
    private static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        while value / divisor >= 10 { divisor *= 10 }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
    private static let background = Array("background".utf8), outline = Array("scenario_outline".utf8)

    private mutating func element(_ stream: inout JSONStream) throws(IngestError) {
        let reportLine = stream.line
        guard try stream.peek() == UInt8(ascii: "{") else {
            try stream.skipValue()
            return
        }
        var type = ElementType.scenario
        var name: [UInt8] = []
        var line: Double?
        var verdict = Verdict()
        var duration = 0.0
        try stream.object(Key.names) { stream, key throws(IngestError) in
            switch key {
            case Key.type:
                type = try stream.withStringValue(limit: 32) { value in
                    value.elementsEqual(Self.background) ? .background : value.elementsEqual(Self.outline) ? .outline : .scenario
                } ?? .scenario
            case Key.name: name = try stream.stringValue(limit: 1024) ?? []
            case Key.line: line = try stream.numberValue()
            case Key.before, Key.after: try results(&stream, into: &verdict, duration: &duration, isStep: false)
            case Key.steps: try results(&stream, into: &verdict, duration: &duration, isStep: true)
            default: try stream.skipValue()
            }
        }
        switch type {
        case .background:
            if !lastWasBackground { background = Verdict() }
            background.merge(verdict)
            lastWasBackground = true
            return
        case .outline:
            lastWasBackground = false
            return
        case .scenario:
            lastWasBackground = false
        }
        var worst = background
        worst.merge(verdict)
        let start = names.count
        names += name
        let sourceLine = line.flatMap { $0.isFinite && $0 >= 0 && $0 < 1e15 ? Int($0) : nil }
        if let sourceLine {
            names += Self.lineSuffix
            Self.appendDecimal(sourceLine, to: &names)
            names.append(UInt8(ascii: ")"))
        }
        let outcome = worst.status.outcome
        scenarios.append(
            PendingScenario(
                outcome: outcome, nameStart: start, nameEnd: names.count, reportLine: reportLine, sourceLine: sourceLine,
                time: duration > 0 ? duration / 1e9 : nil, verdict: outcome == .passed ? nil : worst))
    }

    /// Hooks or steps (with their own `before`/`after` hooks): each one's result merged into `verdict`.
    private mutating func results(_ stream: inout JSONStream, into verdict: inout Verdict, duration: inout Double, isStep: Bool) throws(IngestError) {
        guard try stream.peek() == UInt8(ascii: "[") else {
            try stream.skipValue()
            return
        }
        try stream.array { stream throws(IngestError) in
            guard try stream.peek() == UInt8(ascii: "{") else {
                try stream.skipValue()
                return
            }
            var own = Verdict(status: .undefined)
            var sawResult = false
            var keyword: [UInt8] = []
            var name: [UInt8] = []
            var hooks = Verdict()
            try stream.object(Key.names) { stream, key throws(IngestError) in
                switch key {
                case Key.result:
                    guard try stream.peek() == UInt8(ascii: "{") else {
                        try stream.skipValue()
                        return
                    }
                    sawResult = true
                    try stream.object(Key.names) { stream, key throws(IngestError) in
                        switch key {
                        case Key.status:
                            own.status = try stream.withStringValue(limit: UnknownValues.maxValueBytes) { value in
                                if let known = Status.table.match(value) { return known }
                                report.unknownOutcomes.add(value)
                                return .undefined
                            } ?? .undefined
                        case Key.errorMessage: own.errorMessage = try stream.stringValue(limit: JUnitLimits.detailBytes) ?? []
                        case Key.duration: duration += try stream.numberValue() ?? 0
                        default: try stream.skipValue()
                        }
                    }
                // The step's words are kept only for a message: not once its result is known to be a pass.
                case Key.keyword where isStep && !(sawResult && own.status == .passed): keyword = try stream.stringValue(limit: 64) ?? []
                case Key.name where isStep && !(sawResult && own.status == .passed): name = try stream.stringValue(limit: 512) ?? []
                case Key.before where isStep, Key.after where isStep: try results(&stream, into: &hooks, duration: &duration, isStep: false)
                default: try stream.skipValue()
                }
            }
            if !sawResult { own.status = .undefined }
            verdict.merge(hooks)
            if own.status > verdict.status {
                own.step = isStep ? keyword + name : Array("hook".utf8)
                verdict = own
            }
        }
    }
}
