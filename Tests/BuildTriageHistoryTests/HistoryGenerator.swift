import BuildTriageCore
@testable import BuildTriageHistory
import BuildTriageTestSupport
import Foundation

/// A deterministic history of CI runs with its own ground truth: which tests are flaky (at several rates, the
/// lowest under 5 %), broken then fixed, broken since a commit, skipped, added or removed midway; runs are
/// sharded (several report files), some tests rerun in-run (Surefire `flakyFailure` / `rerunFailure`), and a
/// failed run is often retried on the same commit, as a person pressing retry does.
struct HistoryGenerator {
    struct Truth {
        var flaky: Set<String> = []
        var brokenThenFixed: Set<String> = []
        /// Test id → the commit since which it fails.
        var brokenSince: [String: String] = [:]
        var skipped: Set<String> = []
        var addedOrRemoved: Set<String> = []
    }

    struct Run {
        var record: RunRecord
        /// The run's inputs, as `record` reads them: one JUnit report per shard.
        var input: TriageInput
    }

    var runs: [Run] = []
    var truth = Truth()

    /// `seed` changes everything; `commits` and `stable` scale it.
    init(seed: UInt64 = 7, commits: Int = 160, stable: Int = 240, shards: Int = 3, start: Int64 = 1_788_000_000) {
        var random = SplitMix64(seed: seed)
        enum Kind { case stable, flaky(Double, surefire: Bool), brokenThenFixed(Int, Int), brokenSince(Int), skipped, added(Int), removed(Int) }
        var tests: [(id: String, classname: String, name: String, kind: Kind)] = []
        func add(_ classname: String, _ name: String, _ kind: Kind) { tests.append(("\(classname).\(name)", classname, name, kind)) }
        for index in 0..<stable { add("com.example.module\(index % 12).Stable\(index / 12)Test", "test\(index)", .stable) }
        // Flaky tests: rates from 3 % to 30 %, half of them under Surefire's rerun (in-run attempts).
        for (index, rate) in [0.03, 0.04, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.03, 0.05, 0.12].enumerated() {
            add("com.example.net.Flaky\(index)Test", "testRemote\(index)", .flaky(rate, surefire: index % 2 == 1))
        }
        add("com.example.parser.ParserTest", "brokenThenFixed", .brokenThenFixed(commits / 3, commits / 3 + 6))
        add("com.example.parser.ParserTest", "brokenBriefly", .brokenThenFixed(commits / 2, commits / 2 + 1))
        add("com.example.db.MigrationTest", "brokenSinceCommit", .brokenSince(commits - 12))
        add("com.example.ui.ScreenTest", "skippedAlways", .skipped)
        add("com.example.feature.NewTest", "addedMidway", .added(commits / 2))
        add("com.example.feature.OldTest", "removedMidway", .removed(commits / 2))
        for test in tests {
            switch test.kind {
            case .flaky: truth.flaky.insert(test.id)
            case .brokenThenFixed: truth.brokenThenFixed.insert(test.id)
            case .brokenSince(let commit): truth.brokenSince[test.id] = Self.commit(commit)
            case .skipped: truth.skipped.insert(test.id)
            case .added, .removed: truth.addedOrRemoved.insert(test.id)
            case .stable: break
            }
        }
        var time = start
        var runNumber = 0
        for commit in 0..<commits {
            var attempt = 0
            while true {
                attempt += 1
                runNumber += 1
                time += 1_800 + Int64(random.next() % 1_800)
                var cases: [[JUnitTestCase]] = Array(repeating: [], count: shards)
                var passes: [[UInt64]] = Array(repeating: [], count: shards)
                var failed = false
                for test in tests {
                    let shard = Int(TestIdentity.hash(test.id) % UInt64(shards))
                    var outcome = TestOutcome.passed
                    var reruns: [TestFailure] = []
                    let failure = TestFailure(kind: .failure, type: "java.lang.AssertionError", message: "expected <200> but was <503> (\(test.name))")
                    switch test.kind {
                    case .stable: break
                    case .flaky(let rate, let surefire):
                        if random.unit() < rate {
                            if surefire && random.unit() < 0.7 {
                                // Surefire reran it and it passed: a flakyFailure inside a passing testcase.
                                reruns = [TestFailure(kind: .flakyFailure, message: failure.message)]
                            } else {
                                outcome = .failed
                                if surefire { reruns = [TestFailure(kind: .rerunFailure, message: failure.message)] }
                            }
                        }
                    case .brokenThenFixed(let from, let to): if commit >= from && commit < to { outcome = .failed }
                    case .brokenSince(let from): if commit >= from { outcome = .failed }
                    case .skipped: outcome = .skipped
                    case .added(let from): if commit < from { continue }
                    case .removed(let from): if commit >= from { continue }
                    }
                    if outcome == .passed && reruns.isEmpty {
                        passes[shard].append(TestIdentity.hash(test.id))
                    } else {
                        if outcome == .failed { failed = true }
                        cases[shard].append(JUnitTestCase(
                            classname: test.classname, name: test.name, outcome: outcome, failure: outcome == .failed ? failure : nil, reruns: reruns))
                    }
                }
                var documents: [SourcedDocument] = []
                for shard in 0..<shards {
                    var counts = TestCounts()
                    for testCase in cases[shard] { counts.add(testCase.outcome) }
                    for _ in passes[shard] { counts.add(.passed) }
                    let report = JUnitReport(root: "testsuites", suiteCount: 1, counts: counts, cases: cases[shard], passedIdentities: passes[shard].sorted())
                    documents.append(SourcedDocument(path: "run\(runNumber)/shard\(shard)/junit.xml", document: .junit(report)))
                }
                let input = TriageInput(documents: documents)
                let record = RunRecord(
                    key: "build:\(runNumber)", commit: Self.commit(commit), branch: "main", startedAt: time,
                    verdict: failed ? .fix : .clean, findingCounts: failed ? [.testFailure: 1] : [:], outcomes: RunRecord.outcomes(of: input))
                runs.append(Run(record: record, input: input))
                // A failed run is usually retried on the same commit; a passing one now and then runs again.
                let again = failed ? random.unit() < 0.85 : random.unit() < 0.1
                if !again || attempt >= 3 { break }
            }
        }
    }

    static func commit(_ index: Int) -> String {
        String(format: "%040x", 0xc0ffee00 + index)
    }
}
