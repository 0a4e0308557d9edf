import BuildTriageCore
@testable import BuildTriageHistory
import BuildTriageTestSupport
import Foundation
import SQLKit
import Testing

/// A scratch directory and a fresh store of one kind, with a history built through `buildtriage record`, run by
/// run. The SQLite store is the default location (`.buildtriage/history.sqlite`), so the commands find it without
/// being told; a PostgreSQL store is named to them by `BUILDTRIAGE_HISTORY`.
struct HistoryScratch: Sendable {
    let scratch: ScratchDirectory
    let location: HistoryLocation
    private let drop: @Sendable () async -> Void
    var runs = 0

    init(_ label: String, store kind: TestStore) async throws {
        scratch = try ScratchDirectory(label)
        (location, drop) = try await kind.location(in: scratch)
    }

    var path: String { scratch.path }
    /// The store as `--history` takes it.
    var store: String {
        switch location {
        case .sqlite(let path): path
        case .postgres(let url): url
        }
    }

    /// What `record`, `flaky`, `quarantine` and `history` need to find the store.
    var environment: [String: String] {
        if case .postgres(let url) = location { return ["BUILDTRIAGE_HISTORY": url] }
        return [:]
    }

    /// Runs a store command (`record`, `flaky`, `quarantine`, `history`) on this store.
    func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> CLIResult {
        try await buildtriage(arguments, in: path, environment: environment.merging(extra) { $1 })
    }

    /// Opens the store directly.
    func open(_ access: HistoryAccess = .read) async throws -> HistoryStore? {
        try await HistoryStore.open(location, access: access)
    }

    func cleanUp() async {
        await drop()
        scratch.cleanUp()
    }

    /// Records one run of `cases` at `commit`, `hour` hours after a fixed start.
    mutating func record(_ cases: [(String, String, String)], commit: String, hour: Int, id: String? = nil) async throws {
        runs += 1
        let file = try scratch.write(junit(cases), to: "run\(runs)-junit.xml")
        let at = Timestamp(secondsSince1970: 1_796_000_000 + Double(hour) * 3_600).iso8601
        let result = try await run(["record", file, "--run-id", id ?? "run-\(runs)", "--commit", commit, "--at", at, "--branch", "main"])
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// `analyze` of `cases`: history only when `extra` names it (`--history`).
    func analyze(_ cases: [(String, String, String)], _ extra: [String] = []) async throws -> (CLIResult, [String: Any]) {
        let file = try scratch.write(junit(cases), to: "current-junit.xml")
        let result = try await buildtriage(["analyze", file, "--format", "json"] + extra, in: path)
        let json = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result, json)
    }
}

func findings(_ report: [String: Any]) -> [[String: Any]] { report["findings"] as? [[String: Any]] ?? [] }

@Suite("History commands", .serialized)
struct CLITests {
    /// F is flaky (failed and passed on c1), B broken since c3, X broken on c2 then fixed, S always skipped.
    static func standardHistory(_ kind: TestStore) async throws -> HistoryScratch {
        var history = try await HistoryScratch("history-cli", store: kind)
        let base: [(String, String, String)] = [("a.T", "stable", "passed"), ("a.T", "S", "skipped")]
        try await history.record(base + [("a.T", "F", "failed"), ("a.T", "B", "passed"), ("a.T", "X", "passed")], commit: "c1", hour: 1)
        try await history.record(base + [("a.T", "F", "passed"), ("a.T", "B", "passed"), ("a.T", "X", "passed")], commit: "c1", hour: 2)
        try await history.record(base + [("a.T", "F", "passed"), ("a.T", "B", "passed"), ("a.T", "X", "failed")], commit: "c2", hour: 3)
        try await history.record(base + [("a.T", "F", "passed"), ("a.T", "B", "failed"), ("a.T", "X", "passed")], commit: "c3", hour: 4)
        try await history.record(base + [("a.T", "F", "passed"), ("a.T", "B", "failed"), ("a.T", "X", "passed")], commit: "c4", hour: 5)
        return history
    }

    @Test("analyze --history: flaky → retry; unknown, broken-then-fixed and broken → fix; without --history nothing changes", arguments: TestStore.available)
    func decisions(store kind: TestStore) async throws {
        let history = try await Self.standardHistory(kind)
        defer { Task { await history.cleanUp() } }
        let pass: [(String, String, String)] = [("a.T", "stable", "passed")]
        // F is known flaky: a retryable flaky finding citing the history; the verdict is retry.
        let (flaky, flakyReport) = try await history.analyze(pass + [("a.T", "F", "failed")], ["--history", history.store])
        #expect(flaky.status == 2 && flakyReport["verdict"] as? String == "retry")
        let finding = try #require(findings(flakyReport).first { ($0["subject"] as? [String: Any])?["id"] as? String == "a.T.F" })
        #expect(finding["category"] as? String == "flaky")
        #expect((finding["message"] as? String)?.contains("failed and passed on the same commit in 1 of 5 runs since") == true)
        // Without --history: a test failure, fix.
        let (plain, plainReport) = try await history.analyze(pass + [("a.T", "F", "failed")])
        #expect(plain.status == 1 && plainReport["verdict"] as? String == "fix")
        #expect(findings(plainReport).contains { $0["category"] as? String == "test-failure" })
        // A failure history has never seen, and the return of a broken-then-fixed test: fix.
        for test in ["U", "X"] {
            let (result, report) = try await history.analyze(pass + [("a.T", test, "failed")], ["--history", history.store])
            #expect(result.status == 1 && report["verdict"] as? String == "fix", "\(test)")
            #expect(findings(report).allSatisfy { $0["category"] as? String == "test-failure" }, "\(test)")
        }
        // Broken since c3: says so, and stays a fix.
        let (broken, brokenReport) = try await history.analyze(pass + [("a.T", "B", "failed")], ["--history", history.store])
        #expect(broken.status == 1)
        let message = try #require(findings(brokenReport).first?["message"] as? String)
        #expect(message.contains("broken since c3 (run run-4, 2026-"), "\(message)")
        // BUILDTRIAGE_HISTORY does the same as --history.
        let file = try history.scratch.write(junit(pass + [("a.T", "F", "failed")]), to: "env-junit.xml")
        let viaEnvironment = try await buildtriage(["analyze", file], in: history.path, environment: ["BUILDTRIAGE_HISTORY": history.store])
        #expect(viaEnvironment.status == 2)
    }

    @Test("flaky: JSON shape, most flaky first, broken listed apart; text, markdown and html", arguments: TestStore.available)
    func flakyCommand(store kind: TestStore) async throws {
        let history = try await Self.standardHistory(kind)
        defer { Task { await history.cleanUp() } }
        let result = try await history.run(["flaky", "--format", "json"])
        #expect(result.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["schemaVersion"] as? Int == 1 && json["runs"] as? Int == 5)
        let tests = try #require(json["tests"] as? [[String: Any]])
        #expect(tests.map { $0["id"] as? String } == ["a.T.F"])
        #expect(tests[0]["failures"] as? Int == 1 && tests[0]["runs"] as? Int == 5 && tests[0]["flakeRate"] as? Double == 0.2)
        #expect(tests[0]["flakyCommits"] as? [String] == ["c1"])
        let broken = try #require(json["broken"] as? [[String: Any]])
        #expect(broken.map { $0["id"] as? String } == ["a.T.B"] && broken[0]["since"] as? String == "c3")
        #expect(try await history.run(["flaky", "--min-runs", "6"]).stdout.hasPrefix("0 flaky tests"))
        #expect(try await history.run(["flaky", "--branch", "other"]).stdout.hasPrefix("0 flaky tests in 0 runs"))
        let markdown = try await history.run(["flaky", "--format", "markdown"]).stdout
        #expect(markdown.contains("| `a.T.F` | 20.0% | 1 / 5 |"))
        let html = try await history.run(["flaky", "--format", "html"]).stdout
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<svg") && html.contains("a.T.F"))
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").dropFirst().allSatisfy { $0.hasPrefix("www.w3.org/2000/svg") })
        #expect(!html.contains("https://") && !html.contains("<script"))
    }

    @Test("quarantine: flaky tests, never broken ones; released after N passes; analyze --quarantine", arguments: TestStore.available)
    func quarantine(store kind: TestStore) async throws {
        var history = try await Self.standardHistory(kind)
        let cleanUp = history.cleanUp
        defer { Task { await cleanUp() } }
        #expect(try await history.run(["quarantine"]).stdout == "a.T.F\n")
        // Four passes since the last failure: released at 4, kept at 5.
        #expect(try await history.run(["quarantine", "--release-after", "4"]).stdout == "")
        let json = try await history.run(["quarantine", "--format", "json", "--release-after", "5"]).stdout
        #expect(json.contains("\"passesSinceLastFailure\" : 4"))
        let file = try history.scratch.write("# quarantined\na.T.F\n", to: "quarantine.txt")
        let pass: [(String, String, String)] = [("a.T", "stable", "passed")]
        let (alone, aloneReport) = try await history.analyze(pass + [("a.T", "F", "failed")], ["--quarantine", file])
        #expect(alone.status == 0 && aloneReport["verdict"] as? String == "clean")
        #expect(findings(aloneReport).first?["quarantined"] as? Bool == true)
        let (other, _) = try await history.analyze(pass + [("a.T", "F", "failed"), ("a.T", "U", "failed")], ["--quarantine", file])
        #expect(other.status == 1)
        // The JSON list is a quarantine file too.
        let jsonFile = try history.scratch.write(json, to: "quarantine.json")
        #expect(try await history.analyze(pass + [("a.T", "F", "failed")], ["--quarantine", jsonFile]).0.status == 0)
        // A broken test never enters the list, however long it fails.
        try await history.record([("a.T", "B", "failed")], commit: "c5", hour: 6)
        #expect(!(try await history.run(["quarantine"]).stdout.contains("a.T.B")))
    }

    @Test("record: defaults from a batch; re-recording replaces; prune and stats", arguments: TestStore.available)
    func recordDefaultsPruneStats(store kind: TestStore) async throws {
        let history = try await HistoryScratch("history-record", store: kind)
        defer { Task { await history.cleanUp() } }
        let batch = """
            {"buildBatches": [{"id": "proj:batch-1", "startTime": "2026-11-20T14:00:00+00:00", "buildBatchStatus": "FAILED",
              "sourceVersion": "refs/heads/release", "resolvedSourceVersion": "3a9e11cb419e8fff14b03883dc4e64f6155aaa7e"}]}
            """
        let batchFile = try history.scratch.write(batch, to: "batch.json")
        let report = try history.scratch.write(junit([("a.T", "one", "failed"), ("a.T", "two", "passed")]), to: "junit.xml")
        for _ in 0..<2 { #expect(try await history.run(["record", batchFile, report]).status == 0) }
        let stats = try await history.run(["history", "stats", "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
        #expect(json["runs"] as? Int == 1 && json["outcomes"] as? Int == 2 && json["schemaVersion"] as? Int == Schema.latest)
        #expect((json["bytes"] as? Int ?? 0) > 0)
        // Inputs that cannot be read record nothing, and never replace the run with an empty one.
        let unreadable = try await history.run(["record", history.scratch.path("missing.xml"), "--run-id", "proj:batch-1"])
        #expect(unreadable.status == 4 && unreadable.stderr.contains("nothing recorded"), "\(unreadable.stderr)")
        #expect(try await history.run(["history", "stats", "--format", "json"]).stdout.contains("\"outcomes\" : 2"))
        let flaky = try await history.run(["flaky", "--format", "json"]).stdout
        #expect(flaky.contains("\"id\" : \"proj:batch-1\"") && flaky.contains("3a9e11cb419e8fff14b03883dc4e64f6155aaa7e") && flaky.contains("2026-11-20T14:00:00"))
        let store = try #require(try await history.open())
        let runs = try await store.runs()
        #expect(runs.map(\.branch) == ["release"] && runs.map(\.verdict) == [.fix])
        await store.close()
        // Prune: the 2026-11-20 run is older than 1 hour.
        let prune = try await history.run(["history", "prune", "--older-than", "1h"])
        #expect(prune.status == 0 && prune.stdout.hasPrefix("deleted 1 run "))
        #expect(try await history.run(["history", "stats"]).stdout.contains("runs      0"))
        // Without a run id in the inputs, --run-id is required.
        #expect(try await history.run(["record", report]).status == 64)
    }

    @Test("8 recorders at once, as separate processes: all succeed, no run lost or doubled", arguments: TestStore.available)
    func concurrentRecorders(store kind: TestStore) async throws {
        let history = try await HistoryScratch("history-concurrent", store: kind)
        defer { Task { await history.cleanUp() } }
        var cases: [(String, String, String)] = (0..<300).map { ("c.T\($0 / 30)", "t\($0)", $0 % 50 == 0 ? "failed" : "passed") }
        cases.append(("c.T", "flaky", "flaky"))
        let file = try history.scratch.write(junit(cases), to: "junit.xml")
        // Eight distinct runs, then eight recorders of four ids (each id twice at once).
        for ids in [(0..<8).map { "run-\($0)" }, (0..<8).map { "run-\($0 % 4)" }] {
            let launched = try ids.map { try launch(["record", file, "--run-id", $0, "--commit", "c1"], in: history.path, environment: history.environment) }
            for launched in launched {
                let result = await launched.wait()
                #expect(result.status == 0, "\(result.stderr)")
            }
            let stats = try await history.run(["history", "stats", "--format", "json"])
            let json = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
            #expect(json["runs"] as? Int == 8 && json["outcomes"] as? Int == 8 * cases.count)
        }
    }

    @Test("a store that cannot be used: exit 6, one line naming it, nothing changed", arguments: ["text", "corrupt", "read-only", "locked", "newer"])
    func badStores(kind: String) async throws {
        let scratch = try ScratchDirectory("history-bad")
        defer { scratch.cleanUp() }
        let report = try scratch.write(junit([("a.T", "one", "failed")]), to: "junit.xml")
        let store = scratch.path("store.sqlite")
        var environment: [String: String] = [:]
        var holder: HistoryStore?
        switch kind {
        case "text":
            _ = try scratch.write("these are my notes, not a database\n", to: "store.sqlite")
        case "corrupt":
            _ = try scratch.write(Data("SQLite format 3\u{0}".utf8) + Data((0..<8_192).map { UInt8(truncatingIfNeeded: $0 &* 31) }), to: "store.sqlite")
        case "read-only":
            #expect(try await buildtriage(["record", report, "--run-id", "r0", "--history", store], in: scratch.path).status == 0)
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: store)
        case "locked":
            #expect(try await buildtriage(["record", report, "--run-id", "r0", "--history", store], in: scratch.path).status == 0)
            let opened = try await HistoryStore.open(.sqlite(path: store), access: .write)
            holder = opened
            try await opened!.database.raw("BEGIN EXCLUSIVE").run()
            environment["BUILDTRIAGE_HISTORY_TIMEOUT"] = "0.5"
        default:
            #expect(try await buildtriage(["record", report, "--run-id", "r0", "--history", store], in: scratch.path).status == 0)
            let opened = try await HistoryStore.open(.sqlite(path: store), access: .write)
            try await opened!.database.insert(into: "bt_schema").columns("version", "applied_at").values(SQLBind(99), SQLBind(0)).run()
            await opened!.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        // A read-only store, and one a writer holds locked, can still be read (WAL lets readers in): only record fails.
        let readable = kind == "read-only" || kind == "locked"
        for command in [["record", report, "--run-id", "r1"], ["flaky"], ["quarantine"]] where !(readable && command[0] != "record") {
            let result = try await buildtriage(command + ["--history", store], in: scratch.path, environment: environment)
            #expect(result.status == 6, "\(kind) \(command[0]): \(result.status) \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains(store), "\(result.stderr)")
        }
        // analyze still analyzes, says history was unavailable, and keeps its exit code.
        let analyzed = try await buildtriage(["analyze", report, "--history", store], in: scratch.path, environment: environment)
        #expect(analyzed.status == 1 && analyzed.stdout.contains("a.T.one"))
        if readable {
            #expect(analyzed.stderr.isEmpty, "\(analyzed.stderr)")
            #expect(try await buildtriage(["flaky", "--history", store], in: scratch.path, environment: environment).status == 0)
        } else {
            #expect(analyzed.stderr.hasPrefix("buildtriage: history unavailable: history \(store)"), "\(analyzed.stderr)")
            #expect(analyzed.stderr.split(separator: "\n").count == 1)
        }
        if let holder {
            try await holder.database.raw("ROLLBACK").run()
            await holder.close()
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
    }
}
