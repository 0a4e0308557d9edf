public import SQLKit

/// The store's schema, as versioned migrations. Every statement is built with SQLKit, so the one definition
/// serves SQLite and PostgreSQL; the schema version is the highest row of `bt_schema`.
public enum Schema {
    /// One step of the schema.
    public struct Migration: Sendable {
        public var version: Int
        public var summary: String
        public var apply: @Sendable (any SQLDatabase) async throws -> Void
    }

    /// Every table of the store.
    public static let tables = ["bt_schema", "bt_runs", "bt_tests", "bt_messages", "bt_outcomes", "bt_run_findings"]

    /// The newest schema this build writes.
    public static var latest: Int { migrations.last!.version }

    public static let migrations: [Migration] = [
        Migration(version: 1, summary: "runs, interned tests and messages, narrow outcomes") { db in
            try await db.create(table: "bt_runs")
                .column("id", type: .bigint, .primaryKey(autoIncrement: true))
                .column("run_key", type: .text, .notNull, .unique)
                .column("commit_sha", type: .text)
                .column("branch", type: .text)
                .column("started_at", type: .bigint, .notNull)
                .column("recorded_at", type: .bigint, .notNull)
                .run()
            try await db.create(index: "bt_runs_started_at").on("bt_runs").column("started_at").run()
            // Tests and messages are interned under the 64-bit hash of their text: an outcome names its test in
            // one integer, and a passing test (which reports name only by hash) costs no string at all.
            try await db.create(table: "bt_tests")
                .column("hash", type: .bigint, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("suite", type: .text)
                .column("file", type: .text)
                .run()
            try await db.create(table: "bt_messages")
                .column("hash", type: .bigint, .primaryKey(autoIncrement: false))
                .column("text", type: .text, .notNull)
                .run()
            // One row per test per run, clustered by (test, run): a test's history is one range of the primary
            // key, and there is no second index to pay for.
            let outcomes = db.create(table: "bt_outcomes")
                .column("test", type: .bigint, .notNull)
                .column("run", type: .bigint, .notNull)
                .column("status", type: .smallint, .notNull)
                .column("failed_attempts", type: .smallint, .notNull)
                .column("message", type: .bigint)
                .primaryKey(["test", "run"])
            try await db.execute(sql: ClusteredTable(outcomes.createTable)) { _ in }
        },
        Migration(version: 2, summary: "run verdicts and findings by category") { db in
            try await db.alter(table: "bt_runs").column("verdict", type: .text).run()
            try await db.create(table: "bt_run_findings")
                .column("run", type: .bigint, .notNull)
                .column("category", type: .text, .notNull)
                .column("count", type: .int, .notNull)
                .primaryKey(["run", "category"])
                .run()
            try await db.create(index: "bt_runs_commit").on("bt_runs").column("commit_sha").run()
        },
        Migration(version: 3, summary: "outcomes kept in run order; a partial index of the failures") { db in
            // Version 1 clustered the outcomes by (test, run): every record touched one page per test, scattered over
            // the whole table (about 20 MB of WAL for a 5,000-test run in a 5-million-outcome store). In (run, test)
            // order a run's outcomes are written side by side at the end. A test's history is read by key lookups
            // (`run IN … AND test IN …`), and the tests to look at come from the small index of failures.
            try await db.execute(sql: ClusteredTable(outcomeTable(db, named: "bt_outcomes_v3").createTable)) { _ in }
            let columns = ["run", "test", "status", "failed_attempts", "message"]
            try await db.insert(into: "bt_outcomes_v3").columns(columns)
                .select { $0.columns(columns.map { SQLIdentifier($0) }).from("bt_outcomes") }.run()
            try await db.drop(table: "bt_outcomes").run()
            try await db.alter(table: "bt_outcomes_v3").rename(to: "bt_outcomes").run()
            // The failures with their messages, so that finding them never touches the table.
            let failing = db.create(index: "bt_outcomes_failing").on("bt_outcomes").column("run").column("test").column("message")
            failing.createIndex.predicate = Schema.failing
            try await failing.run()
            // PostgreSQL keeps rows in a heap, not in key order: a test's outcomes lie on as many pages as it has runs.
            // This index holds them side by side, with the status, which is all `flaky` reads of them besides the
            // failures' messages (an index-only scan). SQLite needs none: its table is the key, and a lookup by
            // (run, test) costs no more than an index would.
            if db.dialect.name == "postgresql" {
                try await db.execute(sql: CoveringIndex(
                    name: "bt_outcomes_test", table: "bt_outcomes", key: ["test", "run"], include: ["status"])) { _ in }
            }
        },
    ]

    /// The outcome table of version 3: one row per test per run, keyed (and on SQLite stored) in (run, test) order.
    static func outcomeTable(_ db: any SQLDatabase, named name: String) -> SQLCreateTableBuilder {
        db.create(table: name)
            .column("run", type: .bigint, .notNull)
            .column("test", type: .bigint, .notNull)
            .column("status", type: .smallint, .notNull)
            .column("failed_attempts", type: .smallint, .notNull)
            .column("message", type: .bigint)
            .primaryKey(["run", "test"])
    }

    /// The outcomes that failed in the end or in an attempt (failed, errored, flaky within the run), written with
    /// literal codes: a query uses the partial index only when its condition is this very expression.
    static var failing: any SQLExpression {
        SQLBinaryExpression(
            SQLIdentifier("status"), .in,
            SQLGroupExpression([OutcomeStatus.failed, .errored, .flakyInRun].map { SQLLiteral.numeric(String($0.rawValue)) }))
    }
}

/// `CREATE INDEX name ON table (key…) INCLUDE (columns…)`: PostgreSQL's covering index, which SQLKit's builder
/// does not write.
struct CoveringIndex: SQLExpression {
    let name: String
    let table: String
    let key: [String]
    let include: [String]

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write("CREATE INDEX ")
        SQLIdentifier(name).serialize(to: &serializer)
        serializer.write(" ON ")
        SQLIdentifier(table).serialize(to: &serializer)
        serializer.write(" ")
        SQLGroupExpression(key.map { SQLIdentifier($0) }).serialize(to: &serializer)
        serializer.write(" INCLUDE ")
        SQLGroupExpression(include.map { SQLIdentifier($0) }).serialize(to: &serializer)
    }
}

/// `CREATE TABLE`, stored in primary-key order where the dialect can (SQLite's `WITHOUT ROWID`: no rowid and
/// no separate key index, a third of the bytes); PostgreSQL keeps its heap and key index.
struct ClusteredTable: SQLExpression {
    let create: SQLCreateTable

    init(_ create: SQLCreateTable) { self.create = create }

    func serialize(to serializer: inout SQLSerializer) {
        create.serialize(to: &serializer)
        if serializer.dialect.name == "sqlite" { serializer.write(" WITHOUT ROWID") }
    }
}
