public import BuildTriageCore
import Foundation

/// A recorded run, as the analysis sees it.
public struct RunInfo: Codable, Hashable, Sendable {
    /// The store's key of the run.
    public var rowID: Int64
    /// The run id (`--run-id`).
    public var id: String
    public var commit: String?
    public var branch: String?
    /// Seconds since 1970.
    public var startedAt: Int64
    public var verdict: Verdict?

    public init(rowID: Int64, id: String, commit: String?, branch: String?, startedAt: Int64, verdict: Verdict? = nil) {
        self.rowID = rowID
        self.id = id
        self.commit = commit
        self.branch = branch
        self.startedAt = startedAt
        self.verdict = verdict
    }
}

/// One outcome of one test, joined to its run (an index into the runs considered, ordered by time).
public struct Observation: Hashable, Sendable {
    public var run: Int
    public var status: OutcomeStatus
    public var message: UInt64?

    public init(run: Int, status: OutcomeStatus, message: UInt64? = nil) {
        self.run = run
        self.status = status
        self.message = message
    }
}

/// What history says about one test.
public struct TestVerdict: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// Failed and passed on the same source version.
        case flaky
        /// Failed in every run since a commit (the last run included).
        case broken
        /// Neither.
        case stable
    }

    public var kind: Kind
    /// Runs in which the test ran (not skipped).
    public var runs: Int
    /// Runs in which it failed (an attempt) on a source version where it also passed.
    public var flakyFailures: Int
    /// Indexes (into the runs) of the runs with a flaky failure, in time order.
    public var flakyRuns: [Int]
    /// Commits on which it both failed and passed.
    public var flakyCommits: [String]
    /// For `broken`: the first run of the failing streak, and how many runs the streak has.
    public var brokenSince: Int?
    public var streak: Int
    /// Index of the run with the last failure, and its message key.
    public var lastFailure: Int?
    public var lastFailureMessage: UInt64?
    /// Index of the first run the test ran in.
    public var firstRun: Int?
    /// Whether it passed in each of its last `n` runs (for quarantine release), counted from the end.
    public var trailingPasses: Int

    public var flakeRate: Double { runs == 0 ? 0 : Double(flakyFailures) / Double(runs) }
}

/// The definition of flaky (Docs/history.md), over one test's outcomes.
public enum Flakiness {
    /// A failing streak of at least this many runs makes a test broken even when it was flaky before.
    public static let brokenStreakOverFlaky = 3

    /// Judges one test. `observations` must be in run order; `runs` are the runs considered, in time order.
    public static func judge(_ observations: [Observation], runs: [RunInfo]) -> TestVerdict {
        // Source versions: a run without a commit is its own version (only its in-run attempts can show a flake).
        var failedOn: Set<String> = []
        var passedOn: Set<String> = []
        func version(_ run: Int) -> String { runs[run].commit.map { "c:" + $0 } ?? "r:\(run)" }
        var ran = 0
        var firstRun: Int?
        for observation in observations where observation.status != .skipped {
            ran += 1
            if firstRun == nil { firstRun = observation.run }
            let key = version(observation.run)
            switch observation.status {
            case .failed, .errored: failedOn.insert(key)
            case .passed: passedOn.insert(key)
            case .flakyInRun:
                failedOn.insert(key)
                passedOn.insert(key)
            case .skipped: break
            }
        }
        let flakyVersions = failedOn.intersection(passedOn)
        var flakyRuns: [Int] = []
        var lastFailure: Int?
        var lastMessage: UInt64?
        for observation in observations where observation.status.failedInTheEnd || observation.status == .flakyInRun {
            lastFailure = observation.run
            if observation.message != nil { lastMessage = observation.message }
            if flakyVersions.contains(version(observation.run)) { flakyRuns.append(observation.run) }
        }
        // The failing streak at the end: every run since the first of it failed in the end.
        var streak = 0
        var streakStart: Int?
        var trailingPasses = 0
        var countingPasses = true
        for observation in observations.reversed() where observation.status != .skipped {
            if countingPasses, observation.status == .passed { trailingPasses += 1 } else { countingPasses = false }
        }
        for observation in observations.reversed() where observation.status != .skipped {
            guard observation.status.failedInTheEnd else { break }
            streak += 1
            streakStart = observation.run
        }
        // A streak on a version where the test also passed is flakiness, not a break.
        if let start = streakStart, flakyVersions.contains(version(start)) || streakCrossesFlakyVersion(observations, from: start, flakyVersions: flakyVersions, version: version) {
            streak = 0
            streakStart = nil
        }
        let flakyBeforeStreak = flakyRuns.contains { run in streakStart.map { run < $0 } ?? true }
        let kind: TestVerdict.Kind
        if let _ = streakStart, !flakyBeforeStreak || streak >= brokenStreakOverFlaky {
            kind = .broken
        } else if !flakyRuns.isEmpty {
            kind = .flaky
        } else {
            kind = .stable
        }
        var commits: [String] = []
        var seen: Set<String> = []
        for run in flakyRuns {
            if let commit = runs[run].commit, seen.insert(commit).inserted { commits.append(commit) }
        }
        return TestVerdict(
            kind: kind, runs: ran, flakyFailures: flakyRuns.count, flakyRuns: flakyRuns, flakyCommits: commits,
            brokenSince: kind == .broken ? streakStart : nil, streak: kind == .broken ? streak : 0, lastFailure: lastFailure,
            lastFailureMessage: lastMessage, firstRun: firstRun, trailingPasses: trailingPasses)
    }

    private static func streakCrossesFlakyVersion(
        _ observations: [Observation], from start: Int, flakyVersions: Set<String>, version: (Int) -> String
    ) -> Bool {
        observations.contains { $0.run >= start && $0.status != .skipped && flakyVersions.contains(version($0.run)) }
    }
}
