/// The outcome of one `<testcase>`, first match wins: error > failure > skipped > passed.
public enum TestOutcome: String, Codable, Hashable, Sendable, CaseIterable {
    case passed, failed, errored, skipped
}

/// Test counts as Docs/decisions.md defines them: every `<testcase>` element (and CodeBuild test case) as
/// written, reruns and duplicates included; `flaky` counts the distinct tests judged flaky.
public struct TestCounts: Codable, Hashable, Sendable {
    public var total = 0
    public var passed = 0
    public var failed = 0
    public var errored = 0
    public var skipped = 0
    public var flaky = 0

    public init() {}

    public mutating func add(_ outcome: TestOutcome) {
        total += 1
        switch outcome {
        case .passed: passed += 1
        case .failed: failed += 1
        case .errored: errored += 1
        case .skipped: skipped += 1
        }
    }

    public static func + (lhs: TestCounts, rhs: TestCounts) -> TestCounts {
        var sum = lhs
        sum.total += rhs.total
        sum.passed += rhs.passed
        sum.failed += rhs.failed
        sum.errored += rhs.errored
        sum.skipped += rhs.skipped
        sum.flaky += rhs.flaky
        return sum
    }
}

/// A `<failure>`, `<error>`, or a Surefire rerun element inside a `<testcase>`.
public struct TestFailure: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable {
        case failure, error, flakyFailure, flakyError, rerunFailure, rerunError

        /// Surefire's record of an earlier attempt (the outcome is decided by the testcase's own children).
        public var isRerun: Bool { self != .failure && self != .error }
    }

    public var kind: Kind
    public var type: String?
    /// The `message` attribute, capped.
    public var message: String?
    /// The element's text (usually a stack trace), capped at `JUnitLimits.detailBytes`.
    public var details: String?

    public init(kind: Kind, type: String? = nil, message: String? = nil, details: String? = nil) {
        self.kind = kind
        self.type = type
        self.message = message
        self.details = details
    }

    /// The first non-empty line of the message, or of the details when there is no message.
    public var headline: String? {
        for text in [message, details] {
            if let line = text?.firstLines(1, where: { !$0.allSatisfy(\.isWhitespace) }).first {
                return String(line.trimmedWhitespace)
            }
        }
        return nil
    }
}

/// Bounds on what one JUnit report keeps, so that memory stays flat however large the report is.
public enum JUnitLimits {
    /// Bytes kept of a `message` attribute.
    public static let messageBytes = 1024
    /// Bytes kept of a failure's text (stack trace).
    public static let detailBytes = 2048
    /// Bytes kept of a test's `system-out` / `system-err` (no analyzer or reporter reads them: only the beginning
    /// is kept, for plugins that look at the model).
    public static let outputBytes = 1024
    /// Rerun elements kept per testcase (the rest are counted, not kept).
    public static let rerunsKept = 16
}

/// One `<testcase>` that is not a plain pass (failed, errored, skipped, or carrying rerun elements).
/// Plain passes are kept only as identities in `JUnitReport.passedIdentities`.
public struct JUnitTestCase: Codable, Hashable, Sendable {
    public var suite: String?
    public var classname: String?
    public var name: String
    public var file: String?
    /// The `line` attribute: where the test is in its source file.
    public var line: Int?
    /// Where the `<testcase>` element starts in the report, 1-based.
    public var reportLine: Int?
    public var time: Double?
    public var outcome: TestOutcome
    /// The `<error>` or `<failure>` that decided the outcome.
    public var failure: TestFailure?
    /// `flakyFailure` / `flakyError` / `rerunFailure` / `rerunError` records of earlier attempts.
    public var reruns: [TestFailure]
    public var skippedMessage: String?
    public var systemOut: String?
    public var systemErr: String?

    public init(
        suite: String? = nil, classname: String? = nil, name: String, file: String? = nil, line: Int? = nil,
        reportLine: Int? = nil, time: Double? = nil, outcome: TestOutcome, failure: TestFailure? = nil,
        reruns: [TestFailure] = [], skippedMessage: String? = nil, systemOut: String? = nil, systemErr: String? = nil
    ) {
        self.suite = suite
        self.classname = classname
        self.name = name
        self.file = file
        self.line = line
        self.reportLine = reportLine
        self.time = time
        self.outcome = outcome
        self.failure = failure
        self.reruns = reruns
        self.skippedMessage = skippedMessage
        self.systemOut = systemOut
        self.systemErr = systemErr
    }

    /// `<classname>.<name>`, or `<suite>.<name>` when the classname is missing (Docs/decisions.md).
    public var subjectID: String { TestIdentity.subjectID(classname: classname, suite: suite, name: name) }
}

/// How a test is named and compared across reports.
public enum TestIdentity {
    public static func subjectID(classname: String?, suite: String?, name: String) -> String {
        let owner = (classname?.isEmpty == false ? classname : suite) ?? ""
        return owner.isEmpty ? name : "\(owner).\(name)"
    }

    /// A stable 64-bit FNV-1a hash of a subject id: compact identities for passing tests.
    public static func hash(_ subjectID: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in subjectID.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}

/// One test report, read in one streaming pass: JUnit XML, or any other format read into the same model (NUnit 2/3,
/// TRX, xUnit.net, TestNG, Cucumber JSON; `kind` says which).
public struct JUnitReport: Codable, Hashable, Sendable {
    /// The format the report was written in (`.junit`, `.nunit3`, `.trx`, …).
    public var kind: InputKind
    /// The root element's name (`testsuites`, `testsuite`, `test-run`, `TestRun`…; `[` for Cucumber JSON).
    public var root: String
    /// `<testsuite>` elements at any depth.
    public var suiteCount: Int
    /// Counted from the elements, never from `tests=` attributes.
    public var counts: TestCounts
    /// Every testcase that is not a plain pass, in document order.
    public var cases: [JUnitTestCase]
    /// Sorted `TestIdentity.hash` values of the plain passes.
    public var passedIdentities: [UInt64]
    /// What the reader has to say about the file's content, one line each, without the path (the report's
    /// diagnostics add it): outcome values the format does not define, and how the tests that carry them were
    /// counted. nil for most files (and then not encoded).
    public var notes: [String]?

    public init(
        kind: InputKind = .junit, root: String, suiteCount: Int, counts: TestCounts, cases: [JUnitTestCase], passedIdentities: [UInt64],
        notes: [String]? = nil
    ) {
        self.kind = kind
        self.root = root
        self.suiteCount = suiteCount
        self.counts = counts
        self.cases = cases
        self.passedIdentities = passedIdentities
        self.notes = notes
    }

    private enum CodingKeys: String, CodingKey {
        case kind, root, suiteCount, counts, cases, passedIdentities, notes
    }

    /// A report written before `kind` existed is JUnit.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decodeIfPresent(InputKind.self, forKey: .kind) ?? .junit
        root = try container.decode(String.self, forKey: .root)
        suiteCount = try container.decode(Int.self, forKey: .suiteCount)
        counts = try container.decode(TestCounts.self, forKey: .counts)
        cases = try container.decode([JUnitTestCase].self, forKey: .cases)
        passedIdentities = try container.decode([UInt64].self, forKey: .passedIdentities)
        notes = try container.decodeIfPresent([String].self, forKey: .notes)
    }

    /// Whether a test with this subject id passed (plainly) somewhere in this report.
    public func passed(_ subjectID: String) -> Bool {
        passedIdentities.sortedContains(TestIdentity.hash(subjectID))
    }
}

extension Array where Element: Comparable {
    /// Binary search in an ascending array.
    public func sortedContains(_ value: Element) -> Bool {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if self[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low < count && self[low] == value
    }
}
