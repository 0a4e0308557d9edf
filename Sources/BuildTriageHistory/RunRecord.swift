public import BuildTriageCore
import Foundation

/// What one test did in one run, all its attempts folded into one narrow code (stored as a small integer).
public enum OutcomeStatus: Int, Codable, Hashable, Sendable, CaseIterable {
    /// Passed in every attempt.
    case passed = 0
    /// Failed (`<failure>`) in every attempt.
    case failed = 1
    /// Errored (`<error>`) in its last attempt, and never passed.
    case errored = 2
    /// Skipped: neither failed nor passed.
    case skipped = 3
    /// Failed at least once, then passed in the same run (Surefire `flakyFailure`, a rerun, a retried build).
    case flakyInRun = 4

    /// Failed in the end (failure or error).
    public var failedInTheEnd: Bool { self == .failed || self == .errored }
    /// Passed in the end.
    public var passedInTheEnd: Bool { self == .passed || self == .flakyInRun }
}

/// One test's outcome in one run, as recorded.
public struct RecordedOutcome: Sendable, Hashable {
    /// `TestIdentity.hash` of the test id (`classname.name`): the test's key in the store.
    public var test: UInt64
    /// The test id, when the inputs name it (every test that did not plainly pass, every CodeBuild test case).
    public var name: String?
    /// The classname (or suite) that owns the test, when known.
    public var suite: String?
    /// The test's source file, when the report names it.
    public var file: String?
    public var status: OutcomeStatus
    /// Attempts that failed or errored (Surefire rerun elements included).
    public var failedAttempts: Int
    /// The first failure's headline.
    public var message: String?

    public init(
        test: UInt64, name: String? = nil, suite: String? = nil, file: String? = nil, status: OutcomeStatus,
        failedAttempts: Int = 0, message: String? = nil
    ) {
        self.test = test
        self.name = name
        self.suite = suite
        self.file = file
        self.status = status
        self.failedAttempts = failedAttempts
        self.message = message
    }
}

/// One run to record: its identity, source version, verdict and every test outcome.
public struct RunRecord: Sendable, Hashable {
    /// The run id (`--run-id`): recording the same id again replaces the run.
    public var key: String
    public var commit: String?
    public var branch: String?
    /// When the run started (seconds since 1970).
    public var startedAt: Int64
    public var verdict: Verdict?
    /// Findings of the run by category (for the trends).
    public var findingCounts: [Category: Int]
    public var outcomes: [RecordedOutcome]

    public init(
        key: String, commit: String? = nil, branch: String? = nil, startedAt: Int64, verdict: Verdict? = nil,
        findingCounts: [Category: Int] = [:], outcomes: [RecordedOutcome]
    ) {
        self.key = key
        self.commit = commit
        self.branch = branch
        self.startedAt = startedAt
        self.verdict = verdict
        self.findingCounts = findingCounts
        self.outcomes = outcomes
    }
}

/// What the inputs say about the run itself: the defaults of `record`.
public struct RunDefaults: Sendable, Hashable {
    public var runID: String?
    public var commit: String?
    public var branch: String?
    public var startedAt: Timestamp?

    /// From the first batch, else the first build that has the value.
    public init(input: TriageInput) {
        var batches: [BuildBatch] = []
        var builds: [Build] = []
        for source in input.documents {
            switch source.document {
            case .codebuildBatches(let list): batches += list
            case .codebuildBuilds(let list): builds += list
            default: break
            }
        }
        runID = batches.lazy.compactMap(\.id).first ?? builds.lazy.compactMap(\.id).first
        commit = batches.lazy.compactMap(\.resolvedSourceVersion).first ?? builds.lazy.compactMap(\.resolvedSourceVersion).first
        let sourceVersion = batches.lazy.compactMap(\.sourceVersion).first ?? builds.lazy.compactMap(\.sourceVersion).first
        branch = sourceVersion.flatMap(Self.branch(fromSourceVersion:))
        startedAt = batches.lazy.compactMap(\.startTime).first ?? builds.lazy.compactMap(\.startTime).min { $0.secondsSince1970 < $1.secondsSince1970 }
    }

    /// The branch a source version or webhook ref names: `refs/heads/main` → `main`, `main` → `main`; a commit id
    /// (hex), a tag or a pull-request ref names none.
    public static func branch(fromSourceVersion version: String) -> String? {
        var text = Substring(version)
        if text.hasPrefix("refs/heads/") { return String(text.dropFirst("refs/heads/".count)) }
        if text.hasPrefix("branch/") { text = text.dropFirst("branch/".count) }
        if text.hasPrefix("refs/") || text.hasPrefix("pr/") || text.isEmpty { return nil }
        if text.count >= 7, text.allSatisfy(\.isHexDigit) { return nil }
        return String(text)
    }
}

extension RunRecord {
    /// The outcomes of every JUnit report and CodeBuild test case of the input, one per test: a test seen in
    /// several files (retried builds of a batch, rerun reports) is folded into one outcome, so that a test that
    /// failed in one attempt and passed in another is `flakyInRun`. Shards name disjoint tests and simply add up.
    public static func outcomes(of input: TriageInput) -> [RecordedOutcome] {
        var tally = OutcomeTally()
        var expected = 0
        for source in input.documents {
            if case .junit(let report) = source.document { expected += report.cases.count + report.passedIdentities.count }
        }
        tally.reserve(expected)
        for source in input.documents {
            switch source.document {
            case .junit(let report):
                for testCase in report.cases {
                    let id = testCase.subjectID
                    let failed = testCase.outcome == .failed || testCase.outcome == .errored
                    tally.add(
                        hash: TestIdentity.hash(id), name: id, suite: testCase.classname ?? testCase.suite, file: testCase.file,
                        failedAttempts: testCase.reruns.count + (failed ? 1 : 0), passed: testCase.outcome == .passed,
                        errored: testCase.outcome == .errored, skipped: testCase.outcome == .skipped,
                        message: testCase.failure?.headline ?? testCase.reruns.first?.headline)
                }
                for hash in report.passedIdentities {
                    tally.add(hash: hash, failedAttempts: 0, passed: true)
                }
            case .codebuildTestCases(let cases):
                for testCase in cases {
                    let outcome = testCase.outcome
                    let message = testCase.message.flatMap { $0.split(whereSeparator: \.isNewline).first.map(String.init) }
                    tally.add(
                        hash: TestIdentity.hash(testCase.subjectID), name: testCase.subjectID, suite: testCase.prefix,
                        failedAttempts: outcome == .failed || outcome == .errored ? 1 : 0, passed: outcome == .passed,
                        errored: outcome == .errored, skipped: outcome == .skipped, message: message)
                }
            default:
                break
            }
        }
        return tally.outcomes()
    }

    /// The run's verdict and finding counts, from its report.
    public static func findingCounts(of report: TriageReport) -> [Category: Int] {
        var counts: [Category: Int] = [:]
        for finding in report.findings where finding.resolved != true { counts[finding.category, default: 0] += 1 }
        return counts
    }
}

/// Attempts per test, in first-seen order.
private struct OutcomeTally {
    struct Entry {
        var name: String?
        var suite: String?
        var file: String?
        var failedAttempts = 0
        var passedAttempts = 0
        var errored = false
        var skipped = false
        var message: String?
    }

    var index: [UInt64: Int] = [:]
    var entries: [(UInt64, Entry)] = []

    mutating func reserve(_ count: Int) {
        index.reserveCapacity(count)
        entries.reserveCapacity(count)
    }

    mutating func add(
        hash: UInt64, name: String? = nil, suite: String? = nil, file: String? = nil, failedAttempts: Int, passed: Bool,
        errored: Bool = false, skipped: Bool = false, message: String? = nil
    ) {
        let slot: Int
        if let found = index[hash] {
            slot = found
        } else {
            slot = entries.count
            index[hash] = slot
            // The common case, a test seen once that passed: stored as it is, nothing to merge.
            if passed, failedAttempts == 0, !errored, !skipped, name == nil, file == nil {
                entries.append((hash, Entry(passedAttempts: 1)))
                return
            }
            entries.append((hash, Entry()))
        }
        var entry = entries[slot].1
        if entry.name == nil { entry.name = name }
        if entry.suite == nil, let suite, !suite.isEmpty { entry.suite = suite }
        if entry.file == nil { entry.file = file }
        entry.failedAttempts += failedAttempts
        if passed { entry.passedAttempts += 1 }
        entry.errored = entry.errored || errored
        entry.skipped = entry.skipped || skipped
        if entry.message == nil { entry.message = message }
        entries[slot].1 = entry
    }

    func outcomes() -> [RecordedOutcome] {
        entries.map { hash, entry in
            let status: OutcomeStatus =
                if entry.failedAttempts > 0 && entry.passedAttempts > 0 { .flakyInRun }
                else if entry.failedAttempts > 0 { entry.errored ? .errored : .failed }
                else if entry.passedAttempts > 0 { .passed }
                else { .skipped }
            return RecordedOutcome(
                test: hash, name: entry.name, suite: entry.suite, file: entry.file, status: status,
                failedAttempts: min(entry.failedAttempts, Int(Int16.max)), message: entry.failedAttempts > 0 ? entry.message : nil)
        }
    }
}
