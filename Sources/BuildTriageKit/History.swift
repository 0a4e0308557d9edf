public import BuildTriageHistory
import Foundation

/// What history says about one failing test of the run being analyzed.
public struct HistoryNote: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case flaky, broken }

    public var kind: Kind
    /// "failed and passed on the same commit in 5 of 120 runs since 2 Dec 2026", "broken since …".
    public var text: String
}

/// Turns a failing test that history knows as flaky into a `flaky` finding (retryable), and says since when a
/// broken test fails. A failure history has never seen, or that is not flaky, stays a `test-failure`.
public struct HistoryRefiner: FindingRefiner {
    public static let analyzerID = "history"

    /// By test id.
    public var notes: [String: HistoryNote]
    /// The store, as it may be printed.
    public var location: String

    public init(notes: [String: HistoryNote], location: String) {
        self.notes = notes
        self.location = location
    }

    public func refine(_ findings: inout [Finding], context: AnalysisContext) -> [String] {
        for index in findings.indices where findings[index].subject.kind == .test && findings[index].category == .testFailure {
            let id = findings[index].subject.id
            guard let note = notes[id] else { continue }
            findings[index].evidence.append(EvidenceLine(path: location, text: "history: \(id) \(note.text)"))
            switch note.kind {
            case .flaky:
                findings[index].category = .flaky
                findings[index].analyzer = Self.analyzerID
                findings[index].id = "\(Self.analyzerID):test:\(id)"
                findings[index].message = "\(id) is flaky: it \(note.text) (this run: \(findings[index].message))"
            case .broken:
                findings[index].message += " — \(note.text)"
            }
        }
        return []
    }
}

/// Marks the failures of quarantined tests: still reported, no longer deciding the verdict.
public struct QuarantineRefiner: FindingRefiner {
    public var tests: Set<String>

    public init(tests: Set<String>) { self.tests = tests }

    /// A quarantine file: the text or JSON `buildtriage quarantine` prints, or any list of test ids, one a line
    /// (blank lines and `#` comments ignored).
    public static func parse(_ text: String) -> Set<String> {
        if let data = text.data(using: .utf8), let list = try? JSONDecoder().decode(QuarantineList.self, from: data) {
            return Set(list.tests.map(\.id))
        }
        return Set(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }

    public func refine(_ findings: inout [Finding], context: AnalysisContext) -> [String] {
        for index in findings.indices
        where findings[index].subject.kind == .test && [.testFailure, .flaky].contains(findings[index].category) && tests.contains(findings[index].subject.id) {
            findings[index].quarantined = true
            findings[index].message = "quarantined: " + findings[index].message
        }
        return []
    }
}

/// `buildtriage quarantine --format json`.
public struct QuarantineList: Codable, Hashable, Sendable {
    public struct Entry: Codable, Hashable, Sendable {
        public var id: String
        public var flakeRate: Double
        public var failures: Int
        public var runs: Int
        /// Passes in a row since the last failure: released at `releaseAfter`.
        public var passesSinceLastFailure: Int
    }

    public var schemaVersion = 1
    public var releaseAfter: Int
    public var tests: [Entry]

    /// The tests now flaky, less those that passed in each of their last `releaseAfter` runs. Broken tests are
    /// never listed: they need a fix, not an exemption.
    public init(report: FlakyReport, releaseAfter: Int) {
        self.releaseAfter = releaseAfter
        tests = report.tests.filter { $0.passesSinceLastFailure < releaseAfter }.map {
            Entry(id: $0.id, flakeRate: $0.flakeRate, failures: $0.failures, runs: $0.runs, passesSinceLastFailure: $0.passesSinceLastFailure)
        }
    }
}

extension Triage {
    /// The ids of the tests that failed (in the end, or in an attempt) in the input.
    public static func failingTests(of input: TriageInput) -> [String] {
        RunRecord.outcomes(of: input).filter { $0.status != .passed && $0.status != .skipped }.compactMap(\.name)
    }

    /// What history says about the failing tests of `input` (the run itself left out, when it was recorded).
    public static func historyRefiner(for input: TriageInput, store: HistoryStore) async throws -> HistoryRefiner {
        let failing = failingTests(of: input)
        var byHash: [UInt64: String] = [:]
        for id in failing { byHash[TestIdentity.hash(id)] = id }
        let window = HistoryWindow(excludingRun: RunDefaults(input: input).runID)
        let judgement = try await store.judge(window, only: Array(byHash.keys))
        var notes: [String: HistoryNote] = [:]
        for (hash, verdict) in judgement.verdicts {
            guard let id = byHash[hash] else { continue }
            switch verdict.kind {
            case .flaky:
                let since = verdict.firstRun.map { " since " + HistoryDates.day(judgement.runs[$0].startedAt) } ?? ""
                notes[id] = HistoryNote(
                    kind: .flaky,
                    text: "failed and passed on the same commit in \(verdict.flakyFailures) of \(verdict.runs) runs\(since)")
            case .broken:
                let run = judgement.runs[verdict.brokenSince!]
                notes[id] = HistoryNote(
                    kind: .broken,
                    text: "broken since \(run.commit.map { String($0.prefix(12)) } ?? "an unknown commit") (run \(run.id), \(HistoryDates.iso8601(run.startedAt))): failed in all \(verdict.streak) recorded run\(verdict.streak == 1 ? "" : "s") since")
            case .stable:
                break
            }
        }
        return HistoryRefiner(notes: notes, location: store.location)
    }

    /// The run `record` stores: outcomes from the input, verdict and findings from its report.
    public static func runRecord(
        input: TriageInput, report: TriageReport, key: String, commit: String?, branch: String?, startedAt: Int64
    ) -> RunRecord {
        RunRecord(
            key: key, commit: commit, branch: branch, startedAt: startedAt, verdict: report.verdict,
            findingCounts: RunRecord.findingCounts(of: report), outcomes: RunRecord.outcomes(of: input))
    }
}
