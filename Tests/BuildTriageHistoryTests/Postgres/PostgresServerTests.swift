@testable import BuildTriageHistory
import BuildTriageTestSupport
import Foundation
import SQLKit
import Testing

/// Against the real server of `BUILDTRIAGE_TEST_POSTGRES_URL` (`eval "$(Scripts/postgres-test-server.sh start)"`).
@Suite(
    "PostgreSQL server: connecting, faults, TLS, bound parameters",
    .enabled(if: PostgresTestServer.testsRun, Comment(rawValue: PostgresTestServer.howToRun)),
    .timeLimit(.minutes(2))
)
struct PostgresServerTests {
    // MARK: Connecting

    @Test func connectsAndRunsABoundParameterQuery() async throws {
        let server = try TestServer.current()
        try await PostgresSession.withSession(try PostgresURL(server.location(), environment: [:]), environment: [:]) { session in
            struct Row: Decodable { let joined: String; let next: Int64; let who: String }
            let row = try await session.sql.raw(
                "SELECT \(bind: "left'") || \(bind: ";right") AS joined, \(bind: Int64(41)) + 1 AS next, current_user AS who"
            ).first(decoding: Row.self)
            #expect(row?.joined == "left';right")
            #expect(row?.next == 42)
            #expect(row?.who == server.url.user)
            #expect(session.password.source == .url)
        }
    }

    @Test func passwordFromPGPASSWORD() async throws {
        let server = try TestServer.current()
        let session = try await server.open(server.location(withoutPassword: true), environment: ["PGPASSWORD": server.password])
        #expect(session.password.source == .environment)
        await session.close()
        #expect(session.isClosed)
    }

    @Test func passwordFromAPgpassFile() async throws {
        let server = try TestServer.current()
        let scratch = try ScratchDirectory("pgpass-server")
        defer { scratch.cleanUp() }
        let line = "other-host:*:*:*:wrong\n\(server.url.host):\(server.url.port):\(server.url.database):\(server.url.user):\(server.password)\n"
        let path = try scratch.write(Data(line.utf8), to: "pgpass")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let session = try await server.open(server.location(withoutPassword: true), environment: ["PGPASSFILE": path])
        #expect(session.password.source == .passwordFile(path))
        let one = try await session.sql.raw("SELECT 1 AS one").first(decodingColumn: "one", as: Int.self)
        #expect(one == 1)
        await session.close()

        // Readable by others: libpq ignores it, and so the login fails with a note saying why.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let error = try await server.failure(server.location(withoutPassword: true), environment: ["PGPASSFILE": path])
        #expect(error.kind == .authenticationFailed)
        #expect(error.message.contains("was ignored"), "\(error.message)")
    }

    // MARK: Faults

    @Test func serverDown() async throws {
        let server = try TestServer.current()
        let port = try await unusedLoopbackPort()
        // A long connect timeout: on a machine loaded by the other tests the refusal must win the race, however
        // late the event loop sees it.
        let error = try await server.failure(server.location(port: port, parameters: ["connect_timeout=60"]))
        #expect(error.kind == .unreachable)
        #expect(error.message.contains("127.0.0.1:\(port)"), "\(error.message)")
        #expect(error.message.contains("refused"), "\(error.message)")
    }

    @Test func wrongPassword() async throws {
        let server = try TestServer.current()
        let wrong = "wrong-\(UUID().uuidString)"
        let error = try await server.failure(server.location(password: wrong), hiding: [wrong])
        #expect(error.kind == .authenticationFailed)
        #expect(error.sqlState == "28P01")
        #expect(error.message.contains("\(server.url.user)"))
        #expect(error.message.contains(":***@"), "\(error.message)")
    }

    @Test func noPasswordAnywhere() async throws {
        let server = try TestServer.current()
        let scratch = try ScratchDirectory("no-password")
        defer { scratch.cleanUp() }
        let error = try await server.failure(server.location(withoutPassword: true), environment: ["HOME": scratch.path])
        #expect(error.kind == .authenticationFailed)
        #expect(error.message.contains("none was given"), "\(error.message)")
    }

    @Test func missingDatabase() async throws {
        let server = try TestServer.current()
        let name = "buildtriage_missing_\(UInt32.random(in: 0...UInt32.max))"
        let error = try await server.failure(server.location(database: name))
        #expect(error.kind == .databaseMissing)
        #expect(error.sqlState == "3D000")
        #expect(error.message.contains("database \"\(name)\" does not exist"), "\(error.message)")
    }

    @Test func timeoutAgainstAServerThatNeverAnswers() async throws {
        let server = try TestServer.current()
        let silent = try await SilentServer.start()
        defer { Task { await silent.stop() } }
        for mode in ["disable", "require"] {
            let error = try await server.failure(
                server.location(port: silent.port, parameters: ["sslmode=\(mode)", "connect_timeout=1"]))
            #expect(error.kind == .timeout, "\(mode): \(error.message)")
            #expect(error.message.contains("within 1 s"), "\(error.message)")
            #expect(error.message.contains("127.0.0.1:\(silent.port)"))
        }
        await silent.stop()
    }

    @Test func queryErrorsBecomeOneLineTypedErrors() async throws {
        let server = try TestServer.current()
        let session = try await server.open(server.location())
        defer { Task { await session.close() } }
        do {
            try await session.sql.raw("SELECT * FROM table_that_does_not_exist_\(unsafeRaw: String(UInt32.random(in: 0...UInt32.max)))").run()
            Issue.record("the query ran")
        } catch {
            let described = session.describe(error)
            #expect(described.kind == .server)
            #expect(described.sqlState == "42P01")
            #expect(described.message.contains("SQLSTATE 42P01"))
            #expect(!described.message.contains(server.password))
        }
        await session.close()
    }

    // MARK: TLS

    static var hasTLS: Bool {
        PostgresTestServer.url.flatMap { try? PostgresURL($0, environment: [:]) }?.sslRootCert != nil || PostgresTestServer.isCI
    }

    /// Whether the session's connection is encrypted, as the server sees it.
    func usesTLS(_ session: PostgresSession) async throws -> Bool {
        try await session.sql.raw("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first(decodingColumn: "ssl", as: Bool.self) ?? false
    }

    @Test(.enabled(if: hasTLS, "the test server's URL names no sslrootcert (Scripts/postgres-test-server.sh makes one)"),
          arguments: [("disable", false), ("prefer", true), ("require", true)])
    func sslModesWithoutHostCheck(_ mode: String, _ encrypted: Bool) async throws {
        let server = try TestServer.current()
        let session = try await server.open(server.location(parameters: ["sslmode=\(mode)"]))
        #expect(try await usesTLS(session) == encrypted)
        await session.close()
    }

    @Test(.enabled(if: hasTLS, "the test server's URL names no sslrootcert (Scripts/postgres-test-server.sh makes one)"))
    func verifyFullAcceptsTheNameInTheCertificate() async throws {
        let server = try TestServer.current()
        let session = try await server.open(server.location(host: "localhost", parameters: ["sslmode=verify-full"]))
        #expect(try await usesTLS(session))
        await session.close()
    }

    @Test(.enabled(if: hasTLS, "the test server's URL names no sslrootcert (Scripts/postgres-test-server.sh makes one)"))
    func verifyFullRejectsAnotherHostName() async throws {
        // The certificate names localhost only; 127.0.0.1 is the same server under a name it does not carry.
        let server = try TestServer.current()
        let error = try await server.failure(server.location(host: "127.0.0.1", parameters: ["sslmode=verify-full"]))
        #expect(error.kind == .tls)
        #expect(error.message.contains("127.0.0.1"), "\(error.message)")
        // verify-ca checks the chain only: the same connection is accepted.
        let session = try await server.open(server.location(host: "127.0.0.1", parameters: ["sslmode=verify-ca"]))
        #expect(try await usesTLS(session))
        await session.close()
    }

    @Test(.enabled(if: hasTLS, "the test server's URL names no sslrootcert (Scripts/postgres-test-server.sh makes one)"))
    func verifyFullRejectsACertificateFromAnUntrustedCA() async throws {
        let server = try TestServer.current()
        let error = try await server.failure(
            server.location(host: "localhost", parameters: ["sslmode=verify-full", "sslrootcert=system"]))
        #expect(error.kind == .tls, "\(error.message)")
    }

    @Test func verifyModesNeedARootCertificate() async throws {
        let server = try TestServer.current()
        let scratch = try ScratchDirectory("no-root")
        defer { scratch.cleanUp() }
        let missing = scratch.path("absent-ca.crt")
        let error = try await server.failure(server.location(parameters: ["sslmode=verify-full", "sslrootcert=\(missing)"]))
        #expect(error.kind == .tls)
        #expect(error.message.contains(missing), "\(error.message)")
    }

    // MARK: Bound parameters

    @Test func boundParametersCarryHostileTextUnchanged() async throws {
        let server = try TestServer.current()
        let session = try await server.open(server.location())
        let values = [
            "it's", "Robert'); DROP TABLE roundtrip; --", "semi;colon;", "100% of %s %d %%", #"back\slash "quoted" \'"#,
            "$1 $$ $tag$", "line\nbreak\ttab", "é ü 漢字 🙂", String(repeating: "x", count: 10_240),
            String(repeating: "a'b;c%d", count: 1_500),
        ]
        try await session.sql.raw("CREATE TEMPORARY TABLE roundtrip (n integer PRIMARY KEY, s text NOT NULL, b bytea)").run()
        for (index, value) in values.enumerated() {
            try await session.sql.insert(into: "roundtrip").columns("n", "s").values(SQLBind(index), SQLBind(value)).run()
        }
        struct Row: Decodable { let n: Int; let s: String }
        let rows = try await session.sql.select().columns("n", "s").from("roundtrip").orderBy("n").all(decoding: Row.self)
        #expect(rows.map(\.s) == values)
        #expect(rows.last.map { $0.s.utf8.count } == 10_500)

        // NUL: PostgreSQL text cannot hold it, so a name with NUL must go as bytes; bytea carries it unchanged.
        let withNUL = Data("id\u{0}with NUL'; DROP TABLE roundtrip; --".utf8)
        try await session.sql.update("roundtrip").set("b", to: SQLBind(withNUL)).where("n", .equal, SQLBind(0)).run()
        let back = try await session.sql.select().column("b").from("roundtrip").where("n", .equal, SQLBind(0))
            .first(decodingColumn: "b", as: Data.self)
        #expect(back == withNUL)
        // As text, NUL is refused by the server with a typed error, not run as SQL.
        do {
            try await session.sql.insert(into: "roundtrip").columns("n", "s").values(SQLBind(999), SQLBind("a\u{0}b")).run()
            Issue.record("text with NUL was stored")
        } catch {
            #expect(session.describe(error).kind == .server, "\(session.describe(error).message)")
        }
        let count = try await session.sql.raw("SELECT count(*) AS n FROM roundtrip").first(decodingColumn: "n", as: Int64.self)
        #expect(count == Int64(values.count))
        await session.close()
    }
}
