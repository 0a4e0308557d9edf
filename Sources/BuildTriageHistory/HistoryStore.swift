public import BuildTriageCore
import Foundation
public import SQLKit

/// A history of runs over any SQLKit database: every query is written once, with SQLKit's builders and bound
/// parameters, and runs on SQLite and PostgreSQL alike.
public final class HistoryStore: Sendable {
    public let database: any SQLDatabase
    /// The location, as it may be printed (no password).
    public let location: String
    private let closer: @Sendable () async -> Void
    /// Whether an error means the connection is gone (a server's store).
    private let connectionLost: @Sendable (any Error) -> Bool

    /// Values per `IN (…)` list.
    static let valuesPerList = 900
    /// Runs per `IN (…)` list of runs (with a list of tests, under SQLite's 32,766 parameters).
    static let runsPerList = 20_000

    public init(
        database: any SQLDatabase, location: String, close: @escaping @Sendable () async -> Void = {},
        connectionLost: @escaping @Sendable (any Error) -> Bool = { _ in false }
    ) {
        self.database = database
        self.location = location
        self.closer = close
        self.connectionLost = connectionLost
    }

    public func close() async { await closer() }

    // MARK: Transactions and migrations

    /// Runs `body` in one transaction on one session: committed when it returns, rolled back when it throws.
    /// SQLite takes the write lock at once (`BEGIN IMMEDIATE`), so that two writers queue on the busy timeout
    /// rather than fail when one upgrades its read lock.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await database.withSession { db in
            let sqlite = db.dialect.name == "sqlite"
            try await db.raw(sqlite ? "BEGIN IMMEDIATE" : "BEGIN").run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                // A lost connection has rolled the transaction back already, on the server; a statement sent on it
                // would wait for an answer that never comes.
                if !self.connectionLost(error) { try? await db.raw("ROLLBACK").run() }
                throw error
            }
        }
    }

    /// The schema version recorded in the store (0: no schema yet).
    public func schemaVersion() async throws -> Int {
        try await Self.schemaVersion(on: database)
    }

    static func schemaVersion(on db: any SQLDatabase) async throws -> Int {
        try await db.create(table: "bt_schema").ifNotExists()
            .column("version", type: .int, .primaryKey(autoIncrement: false))
            .column("applied_at", type: .bigint, .notNull)
            .run()
        let row = try await db.select().column(SQLFunction("max", args: SQLIdentifier("version")), as: "v").from("bt_schema").first()
        return try row?.decode(column: "v", as: Int?.self) ?? 0
    }

    /// Applies the migrations after the store's version, up to `target`, in one transaction (under an advisory
    /// lock on PostgreSQL, so that two runners starting on an empty database do not race).
    @discardableResult
    public func migrate(to target: Int = Schema.latest) async throws -> Int {
        try await transaction { db in
            if db.dialect.name == "postgresql" {
                // Held until this transaction ends: the second runner waits, then finds the schema made.
                try await db.raw("SELECT pg_advisory_xact_lock(\(bind: PostgresSession.migrationLockKey))").run()
            }
            let current = try await Self.schemaVersion(on: db)
            guard current <= Schema.latest else { throw SchemaTooNew(version: current) }
            for migration in Schema.migrations where migration.version > current && migration.version <= target {
                try await migration.apply(db)
                try await db.insert(into: "bt_schema").columns("version", "applied_at")
                    .values(SQLBind(migration.version), SQLBind(Int64(Date().timeIntervalSince1970))).run()
            }
            return max(current, min(target, Schema.latest))
        }
    }

    /// The store was written by a newer buildtriage.
    public struct SchemaTooNew: Error, Sendable {
        public var version: Int
    }

    // MARK: Recording

    /// Records a run in one transaction: its outcomes, findings, test names and messages. A run with the same
    /// id is replaced, never doubled. The rows travel as JSON parameters (``JSONRows``): a handful of statements
    /// for any number of tests.
    public func record(_ run: RunRecord) async throws {
        let now = Int64(Date().timeIntervalSince1970)
        var names: [UInt64: (String, String?, String?)] = [:]
        var messages: [UInt64: String] = [:]
        for outcome in run.outcomes {
            if let name = outcome.name, outcome.status != .passed || outcome.file != nil { names[outcome.test] = (name, outcome.suite, outcome.file) }
            if let message = outcome.message { messages[TestIdentity.hash(message)] = message }
        }
        var nameRows = JSONRowsWriter([.integer, .text, .text, .text])
        for (hash, name) in names.sorted(by: { $0.key < $1.key }) {
            nameRows.row { $0.integer(Int64(bitPattern: hash)); $0.text(name.0); $0.text(name.1); $0.text(name.2) }
        }
        var messageRows = JSONRowsWriter([.integer, .text])
        for (hash, text) in messages.sorted(by: { $0.key < $1.key }) {
            messageRows.row { $0.integer(Int64(bitPattern: hash)); $0.text(text) }
        }
        // In key order: SQLite appends to its B-tree instead of jumping about, and two PostgreSQL recorders take
        // row locks in the same order. A plain pass is the test's key alone, sorted as a bare integer; the other
        // outcomes carry their status, attempts and message.
        var passKeys: [Int64] = []
        passKeys.reserveCapacity(run.outcomes.count)
        var other: [(test: Int64, status: Int64, attempts: Int64, message: Int64?)] = []
        for outcome in run.outcomes {
            if outcome.status == .passed, outcome.failedAttempts == 0, outcome.message == nil {
                passKeys.append(Int64(bitPattern: outcome.test))
            } else {
                other.append((
                    Int64(bitPattern: outcome.test), Int64(outcome.status.rawValue), Int64(outcome.failedAttempts),
                    outcome.message.map { Int64(bitPattern: TestIdentity.hash($0)) }))
            }
        }
        passKeys.sort()
        other.sort { $0.test < $1.test }
        var passes = JSONRowsWriter([.integer])
        for key in passKeys { passes.row { $0.integer(key) } }
        var others = JSONRowsWriter([.integer, .integer, .integer, .integer])
        for outcome in other {
            others.row {
                $0.integer(outcome.test)
                $0.integer(outcome.status)
                $0.integer(outcome.attempts)
                $0.integer(outcome.message)
            }
        }
        let plain: [any SQLExpression] = [SQLLiteral.numeric(String(OutcomeStatus.passed.rawValue)), SQLLiteral.numeric("0"), SQLLiteral.null]
        let outcomeRows = passes.finish().map { $0.trailing(plain) } + others.finish()
        let (tests, texts) = (nameRows.finish(), messageRows.finish())
        let key = StoredText.clean(run.key)
        let (commit, branch) = (StoredText.clean(run.commit), StoredText.clean(run.branch))
        try await transaction { db in
            try await Self.insert(into: "bt_tests", columns: ["hash", "name", "suite", "file"], ignoringConflictsOn: ["hash"], rows: tests, on: db)
            try await Self.insert(into: "bt_messages", columns: ["hash", "text"], ignoringConflictsOn: ["hash"], rows: texts, on: db)
            // An upsert: the same id recorded again (or by another recorder at the same moment, which then waits for
            // the first to commit) keeps its row, and everything it had is deleted and written anew.
            let upserted = try await db.insert(into: "bt_runs")
                .columns("run_key", "commit_sha", "branch", "started_at", "recorded_at", "verdict")
                .values(SQLBind(key), SQLBind(commit), SQLBind(branch), SQLBind(run.startedAt), SQLBind(now), SQLBind(run.verdict?.rawValue))
                .onConflict(with: ["run_key"]) { $0.set(excludedValueOf: "commit_sha").set(excludedValueOf: "branch").set(excludedValueOf: "started_at").set(excludedValueOf: "recorded_at").set(excludedValueOf: "verdict") }
                .returning("id").first(decodingColumn: "id", as: Int64.self)
            guard let runID = upserted else { throw HistoryError(location: self.location, problem: "the run row was not returned", advice: "report this") }
            // One key range each (the keys start with the run): nothing to read for a new run.
            try await db.delete(from: "bt_outcomes").where("run", .equal, runID).run()
            try await db.delete(from: "bt_run_findings").where("run", .equal, runID).run()
            try await Self.insert(
                into: "bt_outcomes", columns: ["run", "test", "status", "failed_attempts", "message"],
                rows: outcomeRows.map { $0.leading(SQLBind(runID)) }, on: db)
            if !run.findingCounts.isEmpty {
                try await db.insert(into: "bt_run_findings").columns("run", "category", "count")
                    .rows(run.findingCounts.sorted { $0.key < $1.key }.map { [SQLBind(runID), SQLBind($0.key.rawValue), SQLBind($0.value)] })
                    .run()
            }
        }
    }

    /// `INSERT … SELECT` of each text of rows; with `ignoringConflictsOn`, a row whose key is there already is
    /// left as it is.
    static func insert(
        into table: String, columns: [String], ignoringConflictsOn key: [String] = [], rows: [JSONRows], on db: any SQLDatabase
    ) async throws {
        for chunk in rows {
            let builder = db.insert(into: table).columns(columns)
            builder.insert.valueQuery = chunk
            if !key.isEmpty { builder.ignoringConflicts(with: key) }
            try await builder.run()
        }
    }

    // MARK: Reading

    /// Runs in time order, optionally of one branch and since a time.
    public func runs(branch: String? = nil, since: Int64? = nil) async throws -> [RunInfo] {
        let query = database.select().columns("id", "run_key", "commit_sha", "branch", "started_at", "verdict").from("bt_runs")
        if let branch { query.where("branch", .equal, branch) }
        if let since { query.where("started_at", .greaterThanOrEqual, since) }
        return try await query.orderBy("started_at").orderBy("id").all().map { row in
            RunInfo(
                rowID: try row.decode(column: "id", as: Int64.self), id: try row.decode(column: "run_key", as: String.self),
                commit: try row.decode(column: "commit_sha", as: String?.self), branch: try row.decode(column: "branch", as: String?.self),
                startedAt: try row.decode(column: "started_at", as: Int64.self),
                verdict: try row.decode(column: "verdict", as: String?.self).flatMap(Verdict.init(rawValue:)))
        }
    }

    /// The failures (in the end or in an attempt) of `runs`: per test, the failing runs' keys and their messages.
    /// They come from the partial index of failures, which holds the message too.
    public func failures(in runs: [RunInfo]) async throws -> [UInt64: [Int64: UInt64?]] {
        let wanted = Set(runs.map(\.rowID))
        var result: [UInt64: [Int64: UInt64?]] = [:]
        for row in try await database.select().columns("run", "test", "message").from("bt_outcomes").where(Schema.failing).all() {
            let run = try row.decode(column: "run", as: Int64.self)
            guard wanted.contains(run) else { continue }
            let message = try row.decode(column: "message", as: Int64?.self).map { UInt64(bitPattern: $0) }
            result[UInt64(bitPattern: try row.decode(column: "test", as: Int64.self)), default: [:]][run] = message
        }
        return result
    }

    /// The outcomes of `tests` in `runs` (the runs' order gives each observation's run index), per test, in run order;
    /// failing ones carry their message from `failures`. Both lists go to the keys, so the database looks up each
    /// (run, test) pair (SQLite's table order, PostgreSQL's covering index) instead of reading every outcome of the
    /// runs, and it sends one row per test: its outcomes packed in one text (``PackedOutcomes``).
    public func observations(of tests: [UInt64], in runs: [RunInfo], failures: [UInt64: [Int64: UInt64?]] = [:]) async throws -> [UInt64: [Observation]] {
        var runIndex: [Int64: Int] = [:]
        for (index, run) in runs.enumerated() { runIndex[run.rowID] = index }
        var result: [UInt64: [Observation]] = [:]
        for runChunk in runs.map(\.rowID).chunked(Self.runsPerList) {
            for testChunk in tests.chunked(Self.valuesPerList) {
                let rows = try await database.select().column("test").column(PackedOutcomes(), as: "packed").from("bt_outcomes")
                    .where("run", .in, Array(runChunk)).where("test", .in, testChunk.map { Int64(bitPattern: $0) })
                    .groupBy("test").all()
                for row in rows {
                    let test = UInt64(bitPattern: try row.decode(column: "test", as: Int64.self))
                    let messages = failures[test] ?? [:]
                    var list = result[test] ?? []
                    for item in try row.decode(column: "packed", as: String.self).utf8.split(separator: UInt8(ascii: ",")) {
                        guard let packed = Int64(Substring(item)), let run = runIndex[packed >> 3],
                            let status = OutcomeStatus(rawValue: Int(packed & 7))
                        else { continue }
                        list.append(Observation(run: run, status: status, message: messages[packed >> 3] ?? nil))
                    }
                    result[test] = list
                }
            }
        }
        for key in result.keys { result[key]!.sort { $0.run < $1.run } }
        return result
    }

    /// Names, suites and files of tests, by hash.
    public func tests(_ hashes: [UInt64]) async throws -> [UInt64: TestInfo] {
        var result: [UInt64: TestInfo] = [:]
        for chunk in hashes.chunked(Self.valuesPerList) {
            for row in try await database.select().columns("hash", "name", "suite", "file").from("bt_tests")
                .where("hash", .in, chunk.map { Int64(bitPattern: $0) }).all() {
                let hash = UInt64(bitPattern: try row.decode(column: "hash", as: Int64.self))
                result[hash] = TestInfo(
                    name: try row.decode(column: "name", as: String.self), suite: try row.decode(column: "suite", as: String?.self),
                    file: try row.decode(column: "file", as: String?.self))
            }
        }
        return result
    }

    /// Message texts, by hash.
    public func messages(_ hashes: [UInt64]) async throws -> [UInt64: String] {
        var result: [UInt64: String] = [:]
        for chunk in hashes.chunked(Self.valuesPerList) {
            for row in try await database.select().columns("hash", "text").from("bt_messages")
                .where("hash", .in, chunk.map { Int64(bitPattern: $0) }).all() {
                result[UInt64(bitPattern: try row.decode(column: "hash", as: Int64.self))] = try row.decode(column: "text", as: String.self)
            }
        }
        return result
    }

    /// Findings per category of each run (by the run's key in the store), of every run or of `runs`.
    public func findingCounts(of runs: [Int64]? = nil) async throws -> [Int64: [Category: Int]] {
        var result: [Int64: [Category: Int]] = [:]
        let query = database.select().columns("run", "category", "count").from("bt_run_findings")
        if let runs { query.where("run", .in, runs) }
        for row in try await query.all() {
            guard let category = Category(rawValue: try row.decode(column: "category", as: String.self)) else { continue }
            result[try row.decode(column: "run", as: Int64.self), default: [:]][category] = try row.decode(column: "count", as: Int.self)
        }
        return result
    }

    // MARK: Maintenance

    /// Deletes the runs that started before `cutoff`, with their outcomes and findings, then the tests and
    /// messages no outcome names any more. Returns the number of runs deleted.
    @discardableResult
    public func prune(before cutoff: Int64) async throws -> Int {
        try await transaction { db in
            let old = try await db.select().column("id").from("bt_runs").where("started_at", .lessThan, cutoff).all(decodingColumn: "id", as: Int64.self)
            for chunk in old.chunked(Self.valuesPerList) {
                try await db.delete(from: "bt_outcomes").where("run", .in, Array(chunk)).run()
                try await db.delete(from: "bt_run_findings").where("run", .in, Array(chunk)).run()
                try await db.delete(from: "bt_runs").where("id", .in, Array(chunk)).run()
            }
            if !old.isEmpty {
                try await db.delete(from: "bt_tests")
                    .where("hash", .notIn, SQLSubquery.select { $0.column("test").from("bt_outcomes") }).run()
                try await db.delete(from: "bt_messages")
                    .where("hash", .notIn, SQLSubquery.select { $0.column("message").from("bt_outcomes").where("message", .isNot, SQLLiteral.null) }).run()
            }
            return old.count
        }
    }

    /// Counts for `history stats`.
    public func stats() async throws -> HistoryStats {
        func count(_ table: String, _ column: any SQLExpression = SQLLiteral.all, distinct: Bool = false) async throws -> Int {
            let counted: any SQLExpression = distinct ? SQLFunction("count", args: SQLDistinct(column)) : SQLFunction("count", args: column)
            return try await database.select().column(counted, as: "n").from(table).first(decodingColumn: "n", as: Int.self) ?? 0
        }
        let bounds = try await database.select()
            .column(SQLFunction("min", args: SQLIdentifier("started_at")), as: "oldest")
            .column(SQLFunction("max", args: SQLIdentifier("started_at")), as: "newest")
            .from("bt_runs").first()
        return HistoryStats(
            location: location, schemaVersion: try await schemaVersion(), runs: try await count("bt_runs"),
            tests: try await count("bt_outcomes", SQLIdentifier("test"), distinct: true), namedTests: try await count("bt_tests"),
            messages: try await count("bt_messages"), outcomes: try await count("bt_outcomes"),
            oldestRun: try bounds?.decode(column: "oldest", as: Int64?.self), newestRun: try bounds?.decode(column: "newest", as: Int64?.self),
            bytes: nil)
    }
}

/// What the store knows of a test besides its outcomes.
public struct TestInfo: Hashable, Sendable, Codable {
    public var name: String
    public var suite: String?
    public var file: String?
}

/// `history stats`.
public struct HistoryStats: Hashable, Sendable, Codable {
    public var location: String
    public var schemaVersion: Int
    public var runs: Int
    /// Distinct tests with an outcome.
    public var tests: Int
    /// Tests whose name is stored (every test that ever did something other than plainly pass).
    public var namedTests: Int
    public var messages: Int
    public var outcomes: Int
    public var oldestRun: Int64?
    public var newestRun: Int64?
    /// The size on disk, where the store can tell (a SQLite file and its WAL).
    public var bytes: Int64?
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
