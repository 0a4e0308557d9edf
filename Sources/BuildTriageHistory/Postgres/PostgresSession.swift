public import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit
import PostgresNIO
public import SQLKit

/// One open connection to a PostgreSQL server, as an SQLKit database.
///
/// One connection, not a pool: every statement of a session runs in the same server session, so `BEGIN`…`COMMIT`
/// and transaction-level advisory locks mean what they say. Statements sent at once
/// run one after the other. Open several sessions for parallel work.
///
/// Close every session (``close()``), or use ``withSession(_:environment:_:)``. The connection runs on SwiftNIO's
/// shared event loop group, which lives as long as the process and needs no shutdown.
public final class PostgresSession: Sendable {
    public let url: PostgresURL
    /// The server as an SQLKit database (PostgreSQL dialect). Errors its queries throw become one clear line with
    /// ``PostgresHistoryError/init(_:url:password:)``.
    public let sql: any SQLDatabase
    /// Where the password came from.
    public let password: PostgresPassword
    private let connection: PostgresConnection

    private init(url: PostgresURL, password: PostgresPassword, connection: PostgresConnection) {
        self.url = url
        self.password = password
        self.connection = connection
        // No query logging: binds would carry test names and messages into logs.
        self.sql = connection.sql(queryLogLevel: nil)
    }

    /// Connects to `url` and logs in, within the URL's connect timeout (5 s unless `connect_timeout=` says).
    ///
    /// The password is the URL's, else `PGPASSWORD`, else the password file's (`PGPASSFILE` or `~/.pgpass`), all
    /// read from `environment`. TLS follows the URL's `sslmode`: `prefer` tries TLS and falls back to plain TCP
    /// when the server declines or the handshake fails.
    ///
    /// - Throws: ``PostgresHistoryError``: `.unreachable`, `.authenticationFailed`, `.databaseMissing`,
    ///   `.timeout` or `.tls`, each with a one-line message that names the server without the password.
    public static func open(
        _ url: PostgresURL, environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws(PostgresHistoryError) -> PostgresSession {
        let password = PostgresPassword.resolve(for: url, environment: environment)
        let mode = url.sslMode
        let tls = try PostgresTLS.configuration(for: url, environment: environment)
        do {
            return try await connect(url, password: password, tls: tls)
        } catch let error where mode == .prefer && error.kind == .tls {
            // libpq's prefer: when TLS fails, try again without it.
            return try await connect(url, password: password, tls: .disable)
        }
    }

    /// Opens a session on `url`, runs `body` with it and closes it, whether `body` returns or throws.
    public static func withSession<R>(
        _ url: PostgresURL, environment: [String: String] = ProcessInfo.processInfo.environment,
        _ body: (PostgresSession) async throws -> R
    ) async throws -> R {
        let session = try await open(url, environment: environment)
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }

    private static func connect(
        _ url: PostgresURL, password: PostgresPassword, tls: PostgresConnection.Configuration.TLS
    ) async throws(PostgresHistoryError) -> PostgresSession {
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: password.value, database: url.database, tls: tls)
        // postgres-nio holds the whole of connecting, TLS and logging in to this deadline.
        let (seconds, attoseconds) = url.connectTimeout.components
        configuration.options.connectTimeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        configuration.options.additionalStartupParameters = [("application_name", url.applicationName)]
        do {
            let connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration,
                id: 0, logger: quietLogger)
            return PostgresSession(url: url, password: password, connection: connection)
        } catch {
            throw PostgresHistoryError(error, url: url, password: password)
        }
    }

    /// Closes the connection. Closing twice is harmless.
    public func close() async {
        try? await connection.close()
    }

    /// Whether the connection is closed (by ``close()``, the server or the network).
    public var isClosed: Bool { connection.isClosed }

    /// The error for `error`, thrown by a query on ``sql``: one line naming this server, never the password.
    public func describe(_ error: any Error) -> PostgresHistoryError {
        PostgresHistoryError(error, url: url, password: password)
    }

    /// The advisory lock key of the history's migrations (the ASCII of "BTHistMg"): the migrating transaction holds
    /// it (`pg_advisory_xact_lock`), so two runners that start together on an empty database do not both make the
    /// schema.
    public static let migrationLockKey: Int64 = 0x4254_4869_7374_4D67

    private static let quietLogger = Logger(label: "buildtriage.history.postgres") { _ in SwiftLogNoOpLogHandler() }
}
