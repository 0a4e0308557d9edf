import BuildTriageCore
@testable import BuildTriageHistory
import BuildTriageTestSupport
import Foundation
import SQLKit
import Testing

/// The history on a real PostgreSQL server: racing migrations, many recorders, faults seen from the commands, and a
/// server stopped in the middle of a record.
@Suite(
    "History on PostgreSQL",
    .enabled(if: PostgresTestServer.testsRun, Comment(rawValue: PostgresTestServer.howToRun)),
    .timeLimit(.minutes(5))
)
struct PostgresHistoryTests {
    static func run(_ key: String, tests: Int, failing: Int = 0, startedAt: Int64 = 1_796_000_000) -> RunRecord {
        RunRecord(
            key: key, commit: "c-\(key)", branch: "main", startedAt: startedAt, verdict: failing > 0 ? .fix : .clean,
            findingCounts: failing > 0 ? [.testFailure: failing] : [:],
            outcomes: (0..<tests).map { index in
                let name = "pg.Suite\(index / 50).test\(index)"
                let failed = index < failing
                return RecordedOutcome(
                    test: TestIdentity.hash(name), name: name, suite: "pg.Suite\(index / 50)", status: failed ? .failed : .passed,
                    failedAttempts: failed ? 1 : 0, message: failed ? "expected 1 but was 2 in \(index)" : nil)
            })
    }

    @Test("eight runners opening an empty database at once: one schema, made once")
    func racingMigrations() async throws {
        let database = try await FreshDatabase.create()
        defer { Task { await database.drop() } }
        let versions = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let store = try #require(try await HistoryStore.open(.postgres(url: database.url), access: .write))
                    let version = try await store.schemaVersion()
                    await store.close()
                    return version
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(versions == Array(repeating: Schema.latest, count: 8))
        let store = try #require(try await HistoryStore.open(.postgres(url: database.url), access: .read))
        let applied = try await store.database.select().column("version").from("bt_schema").orderBy("version")
            .all(decodingColumn: "version", as: Int.self)
        #expect(applied == Schema.migrations.map(\.version))
        await store.close()
    }

    @Test("16 recorders at once, 50 runs each: exactly 800 runs, no error, no duplicate")
    func sixteenRecorders() async throws {
        let database = try await FreshDatabase.create()
        defer { Task { await database.drop() } }
        let location = HistoryLocation.postgres(url: database.url)
        // The schema first, as the first `record` of a team would make it.
        let first = try #require(try await HistoryStore.open(location, access: .write))
        await first.close()
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for recorder in 0..<16 {
                group.addTask {
                    // Each recorder is its own session, as each CI runner is.
                    let store = try #require(try await HistoryStore.open(location, access: .write))
                    for number in 0..<50 {
                        try await store.record(Self.run("r\(recorder)-\(number)", tests: 200, failing: number % 7 == 0 ? 2 : 0))
                    }
                    await store.close()
                }
            }
            try await group.waitForAll()
        }
        print("16 recorders x 50 runs of 200 tests on PostgreSQL: \(ContinuousClock.now - started)")
        let store = try #require(try await HistoryStore.open(location, access: .read))
        let stats = try await store.stats()
        #expect(stats.runs == 800 && stats.outcomes == 800 * 200)
        let keys = try await store.runs().map(\.id)
        #expect(Set(keys).count == 800)
        await store.close()
    }

    @Test("a server stopped in the middle of a record leaves no partial run")
    func serverStoppedMidRecord() async throws {
        let server = try await PrivateCluster.start()
        defer { Task { await server.stop() } }
        let scratch = try ScratchDirectory("pg-stop")
        defer { scratch.cleanUp() }
        let environment = ["BUILDTRIAGE_HISTORY": server.url]
        // A first run, recorded whole.
        let small = try scratch.write(junit((0..<10).map { ("s.T", "t\($0)", "passed") }), to: "small.xml")
        #expect(try await buildtriage(["record", small, "--run-id", "whole"], in: scratch.path, environment: environment).status == 0)
        // The record is held inside its transaction: another session holds a lock on the runs table, so the record
        // has written its tests and messages and waits to write its run row. The cluster is stopped there.
        let big = try scratch.write(junit((0..<50_000).map { ("b.T\($0 / 100)", "t\($0)", $0 % 1_000 == 0 ? "failed" : "passed") }), to: "big.xml")
        let locker = try await PostgresSession.open(try PostgresURL(server.url, environment: [:]), environment: [:])
        try await locker.sql.raw("BEGIN").run()
        try await locker.sql.raw("LOCK TABLE bt_runs IN EXCLUSIVE MODE").run()
        let recording = try launch(["record", big, "--run-id", "cut"], in: scratch.path, environment: environment)
        var waiting = false
        for _ in 0..<1_200 where !waiting {
            // Inside a transaction the server shows the same activity snapshot until it is cleared.
            try await locker.sql.raw("SELECT pg_stat_clear_snapshot()").run()
            let count = try await locker.sql.raw(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            ).first(decodingColumn: "n", as: Int64.self)
            waiting = (count ?? 0) >= 1
            if !waiting { try await Task.sleep(for: .milliseconds(50)) }
        }
        if !waiting {
            recording.kill()
            let early = await recording.wait()
            Issue.record("the record never waited inside its transaction within a minute: exit \(early.status): \(early.stderr)")
            return
        }
        try await server.halt()
        let result = await recording.wait()
        await locker.close()
        #expect(result.status == 6, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("127.0.0.1:\(server.port)"), "\(result.stderr)")
        #expect(!result.stderr.contains(server.password))
        try await server.resume()
        let stats = try await buildtriage(["history", "stats", "--format", "json"], in: scratch.path, environment: environment)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any], "\(stats.stderr)")
        #expect(json["runs"] as? Int == 1 && json["outcomes"] as? Int == 10)
        // And the store takes the run when the server is back.
        #expect(try await buildtriage(["record", big, "--run-id", "cut"], in: scratch.path, environment: environment).status == 0)
    }

    @Test("a server that cannot be used: record exits 6, analyze still analyzes; one line, no password",
          arguments: ["down", "password", "database", "timeout"])
    func faults(kind: String) async throws {
        let server = try TestServer.current()
        let scratch = try ScratchDirectory("pg-fault")
        defer { scratch.cleanUp() }
        var silent: SilentServer?
        let secret = "wrong-\(UUID().uuidString)"
        let location: String
        switch kind {
        case "down": location = server.location(port: try await unusedLoopbackPort(), parameters: ["connect_timeout=60"])
        case "password": location = server.location(password: secret)
        case "database": location = server.location(database: "bt_missing_\(UInt32.random(in: 0...UInt32.max))")
        default:
            let listening = try await SilentServer.start()
            silent = listening
            location = server.location(port: listening.port, parameters: ["connect_timeout=1"])
        }
        defer { if let silent { Task { await silent.stop() } } }
        let report = try scratch.write(junit([("a.T", "one", "failed"), ("a.T", "two", "passed")]), to: "junit.xml")
        let port = URLComponents(string: location)?.port ?? 0
        func checkLine(_ stderr: String, _ context: String) {
            #expect(stderr.split(separator: "\n").count == 1, "\(context): \(stderr)")
            #expect(stderr.contains("127.0.0.1:\(port)"), "\(context): \(stderr)")
            for hidden in [server.password, secret] { #expect(!stderr.contains(hidden), "\(context) shows a password") }
        }
        for command in [["record", report, "--run-id", "r1"], ["flaky"], ["quarantine"], ["history", "stats"]] {
            let result = try await buildtriage(command + ["--history", location], in: scratch.path)
            #expect(result.status == 6, "\(kind) \(command[0]): \(result.status) \(result.stderr)")
            checkLine(result.stderr, "\(kind) \(command[0])")
        }
        let analyzed = try await buildtriage(["analyze", report, "--history", location, "--format", "json"], in: scratch.path)
        #expect(analyzed.status == 1, "\(analyzed.stderr)")
        checkLine(analyzed.stderr, "\(kind) analyze")
        #expect(analyzed.stderr.hasPrefix("buildtriage: history unavailable: "))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(analyzed.stdout.utf8)) as? [String: Any])
        let notes = (json["diagnostics"] as? [String] ?? []) + (json["notes"] as? [String] ?? [])
        #expect(notes.contains { $0.hasPrefix("history unavailable") }, "\(json.keys.sorted())")
        #expect(!analyzed.stdout.contains(server.password) && !analyzed.stdout.contains(secret))
    }

    @Test("copy: SQLite to PostgreSQL and back gives the same history; copying again changes nothing")
    func copyBothWays() async throws {
        let scratch = try ScratchDirectory("pg-copy")
        defer { scratch.cleanUp() }
        let database = try await FreshDatabase.create()
        defer { Task { await database.drop() } }
        let file = scratch.path("a.sqlite")
        let back = scratch.path("b.sqlite")
        let generator = HistoryGenerator()
        let source = try #require(try await HistoryStore.open(.sqlite(path: file), access: .write))
        for run in generator.runs { try await source.record(run.record) }
        let (expected, _) = try await source.flakyReport(HistoryWindow())
        await source.close()
        for _ in 0..<2 {
            let result = try await buildtriage(["history", "copy", "--from", file, "--to", database.url], in: scratch.path)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("copied \(generator.runs.count) runs from \(file) to postgres://"), "\(result.stdout)")
            #expect(!result.stdout.contains(try PostgresURL(database.url, environment: [:]).passwordInURL ?? "?"))
        }
        #expect(try await buildtriage(["history", "copy", "--from", database.url, "--to", back], in: scratch.path).status == 0)
        for location in [HistoryLocation.postgres(url: database.url), .sqlite(path: back)] {
            let store = try #require(try await HistoryStore.open(location, access: .read))
            let (report, _) = try await store.flakyReport(HistoryWindow())
            #expect(report == expected, "\(location)")
            #expect(try await store.stats().runs == generator.runs.count)
            await store.close()
        }
    }
}

/// A PostgreSQL cluster of one test's own (`Scripts/postgres-test-server.sh` with its own state file), which the
/// test may stop and start again without disturbing the other tests.
struct PrivateCluster {
    let state: ScratchDirectory
    let url: String
    let port: Int
    let password: String

    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts/postgres-test-server.sh").path
    }

    static func start() async throws -> PrivateCluster {
        let state = try ScratchDirectory("pg-private")
        let output = try await Self.command(["start"], state: state)
        guard let range = output.range(of: "BUILDTRIAGE_TEST_POSTGRES_URL='"),
            let end = output[range.upperBound...].firstIndex(of: "'")
        else {
            throw PrivateClusterError(message: "the script printed no URL: \(output)")
        }
        let url = String(output[range.upperBound..<end])
        let parsed = try PostgresURL(url, environment: [:])
        return PrivateCluster(state: state, url: url, port: parsed.port, password: parsed.passwordInURL ?? "")
    }

    /// Stops the server at once (`pg_ctl stop -m immediate`): every session is cut, and what was not committed is lost.
    func halt() async throws { try await Self.command(["halt"], state: state) }

    func resume() async throws { try await Self.command(["resume"], state: state) }

    func stop() async {
        _ = try? await Self.command(["stop"], state: state)
        state.cleanUp()
    }

    struct PrivateClusterError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    @discardableResult
    static func command(_ arguments: [String], state: ScratchDirectory) async throws -> String {
        try await offThePool { try commandBlocking(arguments, state: state) }
    }

    static func commandBlocking(_ arguments: [String], state: ScratchDirectory) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["BUILDTRIAGE_PG_STATE"] = state.path("state")
        let (status, output) = try spawnAndWait(script, arguments, environment: environment)
        guard status == 0 else {
            throw PrivateClusterError(message: "postgres-test-server.sh \(arguments.first ?? "") exited \(status)")
        }
        return output
    }
}
