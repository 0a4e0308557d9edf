import BuildTriageCore
@testable import BuildTriageHistory
import BuildTriageTestSupport
import Foundation
import SQLKit
import Testing

@Suite("History store")
struct StoreTests {
    static let generated = HistoryGenerator()

    static func recordAll(_ generator: HistoryGenerator, into store: HistoryStore) async throws {
        for run in generator.runs { try await store.record(run.record) }
    }

    @Test("flaky detection on the generated history: precision ≥ 0.95, recall ≥ 0.90", arguments: TestStore.available)
    func precisionAndRecall(store kind: TestStore) async throws {
        let (store, cleanUp) = try await kind.make()
        defer { Task { await cleanUp() } }
        let generator = Self.generated
        try await Self.recordAll(generator, into: store)
        let (report, _) = try await store.flakyReport(HistoryWindow())
        #expect(report.runs == generator.runs.count)
        let found = Set(report.tests.map(\.id))
        let truth = generator.truth.flaky
        let hits = found.intersection(truth).count
        let precision = found.isEmpty ? 0 : Double(hits) / Double(found.count)
        let recall = Double(hits) / Double(truth.count)
        #expect(precision >= 0.95, "false flakes: \(found.subtracting(truth).sorted())")
        #expect(recall >= 0.90, "missed: \(truth.subtracting(found).sorted())")
        // Not flaky: broken then fixed, broken since a commit, skipped, added or removed midway.
        for id in generator.truth.brokenThenFixed.union(generator.truth.skipped).union(generator.truth.addedOrRemoved) {
            #expect(!found.contains(id), "\(id)")
        }
        // Broken since its commit, and nothing else is.
        #expect(Dictionary(uniqueKeysWithValues: report.broken.map { ($0.id, $0.since ?? "") }) == generator.truth.brokenSince)
        // The lowest rate is found, and the report carries what a person needs.
        let lowest = try #require(report.tests.first { $0.id == "com.example.net.Flaky0Test.testRemote0" })
        #expect(lowest.flakeRate < 0.1 && lowest.failures >= 1 && !lowest.flakyCommits.isEmpty)
        #expect(lowest.lastFailureMessage?.contains("expected <200>") == true)
        #expect(lowest.suite == "com.example.net.Flaky0Test")
        #expect(report.tests.map(\.flakeRate) == report.tests.map(\.flakeRate).sorted(by: >))
    }

    @Test("recording the same run id again replaces the run", arguments: TestStore.available)
    func idempotent(store kind: TestStore) async throws {
        let (store, cleanUp) = try await kind.make()
        defer { Task { await cleanUp() } }
        let runs = Array(Self.generated.runs.prefix(5))
        for run in runs { try await store.record(run.record) }
        let before = try await store.stats()
        for run in runs { try await store.record(run.record) }
        var changed = runs[0].record
        changed.outcomes = Array(changed.outcomes.prefix(10))
        changed.commit = "feedface"
        try await store.record(changed)
        let after = try await store.stats()
        #expect(after.runs == before.runs)
        #expect(after.outcomes == before.outcomes - (runs[0].record.outcomes.count - 10))
        let stored = try await store.runs()
        #expect(stored.filter { $0.id == changed.key }.map(\.commit) == ["feedface"])
    }

    @Test("hostile test ids (quotes, semicolons, %, NUL, 10 kB) are bound parameters, stored and read back", arguments: TestStore.available)
    func hostileNames(store kind: TestStore) async throws {
        let (store, cleanUp) = try await kind.make()
        defer { Task { await cleanUp() } }
        let names = [
            "it's.a'test", "x'); DROP TABLE bt_runs; --", "semi;colon;", "100% of %s %d %%", #"back\slash "quoted""#,
            "nul\u{0}inside", "$1 $$ ? :name @p", "line\nbreak", "é ü 漢字 🙂", String(repeating: "long'name;", count: 1_024),
        ]
        // Each fails on one commit and passes on it again: every one is flaky, with its message.
        for (number, status) in [OutcomeStatus.failed, .passed].enumerated() {
            try await store.record(RunRecord(
                key: "run'; DELETE FROM bt_outcomes; --\u{0}\(number)", commit: "c'1;%", branch: "b\u{0}r", startedAt: Int64(1_796_000_000 + number),
                outcomes: names.map { name in
                    RecordedOutcome(
                        test: TestIdentity.hash(name), name: name, suite: name, status: status, failedAttempts: status == .failed ? 1 : 0,
                        message: status == .failed ? "boom: \(name)" : nil)
                }))
        }
        let (report, _) = try await store.flakyReport(HistoryWindow())
        let stored = names.map { $0.replacingOccurrences(of: "\u{0}", with: "\u{2400}") }
        #expect(Set(report.tests.map(\.id)) == Set(stored))
        #expect(Set(report.tests.compactMap(\.lastFailureMessage)) == Set(stored.map { "boom: \($0)" }))
        #expect(report.tests.first { $0.id.hasPrefix("long") }?.id.utf8.count == 10_240)
        let stats = try await store.stats()
        #expect(stats.runs == 2 && stats.outcomes == 2 * names.count)
        #expect(try await store.runs().map(\.id) == ["run'; DELETE FROM bt_outcomes; --\u{2400}0", "run'; DELETE FROM bt_outcomes; --\u{2400}1"])
    }

    @Test("a store written by schema 1 is upgraded, its runs kept")
    func upgradeFromSchema1() async throws {
        let scratch = try ScratchDirectory("history-v1")
        defer { scratch.cleanUp() }
        let path = scratch.path("v1.sqlite")
        // A schema-1 store, written by the first migration alone, with one run in schema 1's columns.
        do {
            let store = try await HistoryStore.openSQLite(path: path, access: .write, timeout: 5, migrateTo: 1)!
            #expect(try await store.schemaVersion() == 1)
            try await store.database.insert(into: "bt_runs").columns("run_key", "commit_sha", "branch", "started_at", "recorded_at")
                .values(SQLBind("old-run"), SQLBind("abc123"), SQLBind("main"), SQLBind(Int64(1_700_000_000)), SQLBind(Int64(1_700_000_100))).run()
            try await store.database.insert(into: "bt_outcomes").columns("test", "run", "status", "failed_attempts", "message")
                .values(SQLBind(Int64(42)), SQLBind(Int64(1)), SQLBind(1), SQLBind(1), SQLBind(Int64?.none)).run()
            await store.close()
        }
        let store = try #require(try await HistoryStore.open(.sqlite(path: path), access: .write))
        defer { Task { await store.close() } }
        #expect(try await store.schemaVersion() == Schema.latest)
        let runs = try await store.runs()
        #expect(runs.map(\.id) == ["old-run"] && runs[0].verdict == nil)
        try await store.record(RunRecord(key: "new-run", commit: "abc123", startedAt: 1_700_001_000, verdict: .fix, findingCounts: [.testFailure: 2], outcomes: [RecordedOutcome(test: 42, status: .passed)]))
        #expect(try await store.runs().map(\.verdict) == [nil, .fix])
        let observed = try await store.observations(of: [42], in: try await store.runs())
        #expect(observed[42]?.map(\.status) == [.failed, .passed])
        #expect(try await store.findingCounts().values.first == [.testFailure: 2])
    }

    @Test("an outcome costs at most 25 bytes on disk, indexes included")
    func bytesPerOutcome() async throws {
        let scratch = try ScratchDirectory("history-size")
        defer { scratch.cleanUp() }
        let path = scratch.path("size.sqlite")
        let store = try #require(try await HistoryStore.open(.sqlite(path: path), access: .write))
        // 60 runs × 2,000 tests, a few failing: the shape of a real history.
        var outcomes = 0
        for run in 0..<60 {
            let records = (0..<2_000).map { test in
                RecordedOutcome(
                    test: TestIdentity.hash("com.example.Test\(test / 10).test\(test)"), name: "com.example.Test\(test / 10).test\(test)",
                    status: (test * 7 + run) % 997 == 0 ? .failed : .passed, message: (test * 7 + run) % 997 == 0 ? "boom \(test)" : nil)
            }
            outcomes += records.count
            try await store.record(RunRecord(key: "run-\(run)", commit: "c\(run / 2)", branch: "main", startedAt: Int64(1_700_000_000 + run * 600), outcomes: records))
        }
        try await store.database.raw("PRAGMA wal_checkpoint(TRUNCATE)").run()
        try await store.database.raw("VACUUM").run()
        await store.close()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let perOutcome = Double(size) / Double(outcomes)
        print("history size: \(size) bytes for \(outcomes) outcomes: \(perOutcome) bytes per outcome")
        #expect(perOutcome <= 25)
    }
}
