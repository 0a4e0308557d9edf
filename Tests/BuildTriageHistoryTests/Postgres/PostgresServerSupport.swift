@testable import BuildTriageHistory
import BuildTriageTestSupport
import Foundation
import NIOCore
import NIOPosix
import Testing

/// The test server (`BUILDTRIAGE_TEST_POSTGRES_URL`) and URLs derived from it.
struct TestServer {
    struct Missing: Error {}

    let url: PostgresURL
    var password: String { url.passwordInURL ?? "" }
    /// The CA that signed the server's certificate (`sslrootcert=` of the test URL), when it has TLS.
    var caFile: String? { url.sslRootCert }

    /// The server, or a recorded failure (only CI runs these tests without one: see the suites' traits).
    static func current() throws -> TestServer {
        guard let raw = PostgresTestServer.url else {
            Issue.record(Comment(rawValue: PostgresTestServer.missingInCI))
            throw Missing()
        }
        return TestServer(url: try PostgresURL(raw, environment: [:]))
    }

    /// The test server's URL with some parts changed. `password: nil` keeps the server's; `withoutPassword` drops it.
    /// The CA stays as `sslrootcert=` unless `parameters` name one.
    func location(
        host: String? = nil, port: Int? = nil, database: String? = nil, password: String? = nil,
        withoutPassword: Bool = false, parameters: [String] = []
    ) -> String {
        let user = PostgresURL.percentEncode(url.user)
        let secret = withoutPassword ? "" : ":" + PostgresURL.percentEncode(password ?? self.password)
        var query = parameters
        if let caFile, !parameters.contains(where: { $0.hasPrefix("sslrootcert=") }) { query.append("sslrootcert=\(caFile)") }
        let hostText = host ?? url.host
        return "postgres://\(user)\(secret)@\(hostText):\(port ?? url.port)/\(PostgresURL.percentEncode(database ?? url.database))"
            + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    func open(_ location: String, environment: [String: String] = [:]) async throws -> PostgresSession {
        try await PostgresSession.open(try PostgresURL(location, environment: environment), environment: environment)
    }

    /// Opens `location` expecting a failure, and checks that the failure's message is one line that names the server
    /// and shows no password (`secrets`, and always the server's own).
    func failure(
        _ location: String, environment: [String: String] = [:], hiding secrets: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> PostgresHistoryError {
        do {
            let session = try await open(location, environment: environment)
            await session.close()
            Issue.record("connected to \(PostgresURL.redact(location))", sourceLocation: sourceLocation)
            throw Missing()
        } catch let error as PostgresHistoryError {
            let message = error.message
            for secret in [password] + secrets where !secret.isEmpty {
                let leaks = message.contains(secret) || error.location.contains(secret)
                #expect(!leaks, "the error shows a password: kind \(error.kind)", sourceLocation: sourceLocation)
            }
            #expect(!message.contains("\n"), sourceLocation: sourceLocation)
            #expect(message.contains("PostgreSQL at postgres://"), "\(message)", sourceLocation: sourceLocation)
            return error
        }
    }
}

/// A loopback TCP port nothing listens on: one bound and closed again, from 10000–19999. That range is below the
/// kernel's ephemeral ports (which the tests' silent servers get, from a bind to port 0, and could be handed this very
/// port as soon as it is closed) and below the test clusters' ports (20000 and up).
func unusedLoopbackPort() async throws -> Int {
    for _ in 0..<100 {
        let port = Int.random(in: 10_000...19_999)
        guard let channel = try? await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: port).get()
        else { continue }
        try await channel.close()
        return port
    }
    throw CancellationError()
}

/// A loopback server that accepts connections and never answers: reads are dropped, nothing is written. Each
/// accepted connection closes when its client gives up.
struct SilentServer {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    static func start() async throws -> SilentServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 16)
            .childChannelInitializer { $0.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0).get()
        return SilentServer(channel: channel)
    }

    func stop() async { try? await channel.close() }
}
