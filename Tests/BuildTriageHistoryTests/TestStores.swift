@testable import BuildTriageHistory
import BuildTriageTestSupport
import Foundation
import SQLKit
import Testing

/// The stores every history test runs against: a SQLite file always, and a PostgreSQL server whenever the
/// PostgreSQL tests run (`BUILDTRIAGE_TEST_POSTGRES_URL` is set, or `CI` is: then a missing server fails the test).
/// A difference between the two is a bug.
enum TestStore: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    static var available: [TestStore] { PostgresTestServer.testsRun ? [.sqlite, .postgres] : [.sqlite] }

    var testDescription: String { rawValue }

    /// A fresh, empty location: a file in `scratch` (not created), or a new database on the test server. The second
    /// value drops the database; the scratch directory is the caller's to clean up.
    func location(in scratch: ScratchDirectory) async throws -> (HistoryLocation, @Sendable () async -> Void) {
        switch self {
        case .sqlite:
            return (.sqlite(path: scratch.path(".buildtriage/history.sqlite")), {})
        case .postgres:
            let database = try await FreshDatabase.create()
            return (.postgres(url: database.url), { await database.drop() })
        }
    }

    /// A fresh, empty, migrated store, and what removes it.
    func make() async throws -> (HistoryStore, @Sendable () async -> Void) {
        let scratch = try ScratchDirectory("history")
        let (location, drop) = try await location(in: scratch)
        let store = try #require(try await HistoryStore.open(location, access: .write))
        return (store, { await store.close(); await drop(); scratch.cleanUp() })
    }
}

/// A database of its own on the test server, for one test: `CREATE DATABASE` through the server's own database,
/// `DROP DATABASE … WITH (FORCE)` after.
struct FreshDatabase: Sendable {
    struct NoServer: Error {}

    /// The server's URL with this database's name, and its password.
    let url: String
    let name: String
    private let server: String

    static func create() async throws -> FreshDatabase {
        guard let server = PostgresTestServer.url else {
            Issue.record(Comment(rawValue: PostgresTestServer.missingInCI))
            throw NoServer()
        }
        let name = "bt_test_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        try await PostgresSession.withSession(try PostgresURL(server, environment: [:]), environment: [:]) { session in
            try await session.sql.raw("CREATE DATABASE \(ident: name)").run()
        }
        return FreshDatabase(url: Self.url(server, database: name), name: name, server: server)
    }

    func drop() async {
        _ = try? await PostgresSession.withSession(try PostgresURL(server, environment: [:]), environment: [:]) { session in
            try await session.sql.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
        }
    }

    /// `url` with its path (the database) replaced.
    static func url(_ url: String, database: String) -> String {
        let afterScheme = url.range(of: "://")!.upperBound
        let authorityEnd = url[afterScheme...].firstIndex { $0 == "/" || $0 == "?" } ?? url.endIndex
        let queryStart = url[authorityEnd...].firstIndex(of: "?") ?? url.endIndex
        return String(url[..<authorityEnd]) + "/" + database + String(url[queryStart...])
    }
}
