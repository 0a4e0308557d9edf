import BuildTriageCore
import Foundation

/// A run as a report cites it.
public struct RunReference: Codable, Hashable, Sendable {
    public var id: String
    public var commit: String?
    /// ISO 8601, UTC.
    public var at: String

    init(_ run: RunInfo) {
        id = run.id
        commit = run.commit
        at = HistoryDates.iso8601(run.startedAt)
    }
}

/// One flaky test, with what a person needs to act.
public struct FlakyTestEntry: Codable, Hashable, Sendable {
    /// `classname.name`, as the analyze report names it.
    public var id: String
    /// Runs considered in which the test ran (not skipped).
    public var runs: Int
    /// Of those, the runs in which it failed on a source version where it also passed.
    public var failures: Int
    public var flakeRate: Double
    public var flakyCommits: [String]
    public var firstFlakyRun: RunReference
    public var lastFlakyRun: RunReference
    public var lastFailureMessage: String?
    /// The classname or suite that owns the test, and its file, where the reports name them.
    public var suite: String?
    public var file: String?
    /// Passed in each of its last runs, counted from the last one (quarantine releases at `--release-after`).
    public var passesSinceLastFailure: Int
}

/// A test failing in every run since a commit.
public struct BrokenTestEntry: Codable, Hashable, Sendable {
    public var id: String
    /// The commit of the first failing run of the streak.
    public var since: String?
    public var firstFailingRun: RunReference
    /// Runs in the streak (all failed).
    public var failingRuns: Int
    public var lastFailureMessage: String?
    public var suite: String?
    public var file: String?
}

/// `buildtriage flaky --format json` (schema version 1).
public struct FlakyReport: Codable, Hashable, Sendable {
    public static let currentSchemaVersion = 1

    public var schemaVersion = FlakyReport.currentSchemaVersion
    /// Runs considered.
    public var runs: Int
    public var branch: String?
    /// ISO 8601: the start of the window, when there is one.
    public var since: String?
    /// Most flaky first: by flake rate, then by failures, then by id.
    public var tests: [FlakyTestEntry]
    public var broken: [BrokenTestEntry]
}

/// What to consider.
public struct HistoryWindow: Sendable, Hashable {
    public var branch: String?
    /// Seconds since 1970.
    public var since: Int64?
    /// Tests with fewer runs (not skipped) are not reported.
    public var minRuns: Int
    /// A run left out (the run being analyzed, when it was recorded already).
    public var excludingRun: String?

    public init(branch: String? = nil, since: Int64? = nil, minRuns: Int = 1, excludingRun: String? = nil) {
        self.branch = branch
        self.since = since
        self.minRuns = minRuns
        self.excludingRun = excludingRun
    }
}

/// The history's judgement of every test that failed in the window.
public struct HistoryJudgement: Sendable {
    public var runs: [RunInfo]
    public var verdicts: [UInt64: TestVerdict]
    public var observations: [UInt64: [Observation]]
    public var tests: [UInt64: TestInfo]
    public var messages: [UInt64: String]

    /// The id a report uses for a test: its stored name, else its hash.
    public func name(of test: UInt64) -> String {
        tests[test]?.name ?? "test#" + String(test, radix: 16)
    }
}

extension HistoryStore {
    /// Judges the tests that failed in the window: all of them, or those of `only`.
    public func judge(_ window: HistoryWindow, only: [UInt64]? = nil) async throws -> HistoryJudgement {
        var runs = try await self.runs(branch: window.branch, since: window.since)
        if let excluded = window.excludingRun { runs.removeAll { $0.id == excluded } }
        // A test that never failed in the window is neither flaky nor broken: only the others are read.
        let failures = try await self.failures(in: runs)
        var candidates = Array(failures.keys)
        if let only {
            let wanted = Set(only)
            candidates.removeAll { !wanted.contains($0) }
        }
        let observations = try await self.observations(of: candidates, in: runs, failures: failures)
        var verdicts: [UInt64: TestVerdict] = [:]
        for (test, list) in observations {
            let verdict = Flakiness.judge(list, runs: runs)
            if verdict.runs >= window.minRuns { verdicts[test] = verdict }
        }
        let interesting = verdicts.filter { $0.value.kind != .stable }
        let tests = try await self.tests(Array(interesting.keys))
        let messages = try await self.messages(Array(Set(interesting.values.compactMap(\.lastFailureMessage))))
        return HistoryJudgement(runs: runs, verdicts: verdicts, observations: observations, tests: tests, messages: messages)
    }

    /// `buildtriage flaky`.
    public func flakyReport(_ window: HistoryWindow) async throws -> (FlakyReport, HistoryJudgement) {
        let judgement = try await judge(window)
        return (FlakyReport(judgement: judgement, window: window), judgement)
    }
}

extension FlakyReport {
    public init(judgement: HistoryJudgement, window: HistoryWindow) {
        let runs = judgement.runs
        var flaky: [FlakyTestEntry] = []
        var broken: [BrokenTestEntry] = []
        for (test, verdict) in judgement.verdicts {
            let info = judgement.tests[test]
            let message = verdict.lastFailureMessage.flatMap { judgement.messages[$0] }
            switch verdict.kind {
            case .flaky:
                flaky.append(FlakyTestEntry(
                    id: judgement.name(of: test), runs: verdict.runs, failures: verdict.flakyFailures,
                    flakeRate: (verdict.flakeRate * 10_000).rounded() / 10_000, flakyCommits: verdict.flakyCommits,
                    firstFlakyRun: RunReference(runs[verdict.flakyRuns.first!]), lastFlakyRun: RunReference(runs[verdict.flakyRuns.last!]),
                    lastFailureMessage: message, suite: info?.suite, file: info?.file, passesSinceLastFailure: verdict.trailingPasses))
            case .broken:
                let start = runs[verdict.brokenSince!]
                broken.append(BrokenTestEntry(
                    id: judgement.name(of: test), since: start.commit, firstFailingRun: RunReference(start), failingRuns: verdict.streak,
                    lastFailureMessage: message, suite: info?.suite, file: info?.file))
            case .stable:
                break
            }
        }
        flaky.sort { ($1.flakeRate, $1.failures, $0.id) < ($0.flakeRate, $0.failures, $1.id) }
        broken.sort { ($0.firstFailingRun.at, $0.id) < ($1.firstFailingRun.at, $1.id) }
        self.init(
            runs: runs.count, branch: window.branch, since: window.since.map(HistoryDates.iso8601), tests: flaky, broken: broken)
    }
}

/// Dates as the history prints them.
public enum HistoryDates {
    public static func iso8601(_ seconds: Int64) -> String {
        Timestamp(secondsSince1970: Double(seconds)).iso8601
    }

    /// "2 Dec 2026".
    public static func day(_ seconds: Int64) -> String {
        guard let fields = Timestamp(secondsSince1970: Double(seconds)).iso8601Fields else { return iso8601(seconds) }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(fields.day) \(months[fields.month - 1]) \(fields.year)"
    }

    /// `30d`, `12h`, `2w`, or an ISO 8601 date or time: the start of a window, in seconds since 1970.
    public static func parseSince(_ text: String, now: Double) -> Int64? {
        let units: [Character: Double] = ["d": 86_400, "h": 3_600, "w": 604_800, "m": 60]
        if let unit = text.last.flatMap({ units[$0] }), let count = Double(text.dropLast()), count >= 0 {
            return Int64(now - count * unit)
        }
        if let stamp = Timestamp(iso8601: text) ?? Timestamp(iso8601: text + "T00:00:00Z") {
            return Int64(stamp.secondsSince1970)
        }
        return nil
    }
}
