import Foundation
import NIOCore
import NIOSSL
import PostgresNIO

/// Why a PostgreSQL history cannot be used. `message` is one line that names the server by its redacted URL (never
/// the password) and says what to do; it is what the CLI prints.
public struct PostgresHistoryError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The location is not a usable `postgres://` URL.
        case invalidURL
        /// Nothing answers at the host and port (refused, unreachable, unknown host).
        case unreachable
        /// The server refused the user or the password, or asked for a password and none was found.
        case authenticationFailed
        /// The server has no database of that name.
        case databaseMissing
        /// Connecting, TLS and logging in took longer than the connect timeout.
        case timeout
        /// TLS could not be set up: the server does not offer it, its certificate is not trusted or does not name
        /// the host, or the root certificate file is missing.
        case tls
        /// The connection closed under a query (the server stopped or the network failed).
        case connectionLost
        /// The server rejected a statement (its SQLSTATE is in the message).
        case server
    }

    public let kind: Kind
    /// The redacted URL (or location) the error is about.
    public let location: String
    public let message: String
    /// The SQLSTATE the server sent, when it sent one.
    public let sqlState: String?

    public var description: String { message }

    init(_ kind: Kind, location: String, _ message: String, sqlState: String? = nil) {
        self.kind = kind
        self.location = location
        // One line, whatever the server or a library put in a reason.
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        self.sqlState = sqlState
    }

    /// The error for `error`, thrown while connecting to `url` or by a query on a session of it. Use it for errors
    /// thrown by queries on ``PostgresSession/sql``, so they also print as one clear line.
    public init(_ error: any Error, url: PostgresURL, password: PostgresPassword? = nil) {
        if let error = error as? PostgresHistoryError {
            self = error
            return
        }
        let name = url.redacted
        let server = "PostgreSQL at \(name)"
        // PSQLError hides its details from `description`; read them field by field.
        if let psql = error as? PSQLError {
            let sqlState = psql.serverInfo?[.sqlState]
            let serverMessage = psql.serverInfo?[.message] ?? ""
            switch psql.code {
            case .server:
                switch sqlState {
                case "28P01"?, "28000"?:
                    let from = password.map { " (password from \($0.source))" } ?? ""
                    let notes = password?.notes.isEmpty == false ? "; " + password!.notes.joined(separator: "; ") : ""
                    self.init(
                        .authenticationFailed, location: name,
                        "\(server) refused user \"\(url.user)\"\(from): \(serverMessage). Check the user and the password (URL, PGPASSWORD or ~/.pgpass)\(notes)",
                        sqlState: sqlState)
                case "3D000"?:
                    self.init(
                        .databaseMissing, location: name,
                        "\(server): database \"\(url.database)\" does not exist. Create it (createdb -h \(url.host) -p \(url.port) -U \(url.user) \(url.database)) or fix the name in the URL",
                        sqlState: sqlState)
                case let state?:
                    self.init(.server, location: name, "\(server) rejected a statement: \(serverMessage) (SQLSTATE \(state))", sqlState: state)
                case nil:
                    self.init(.server, location: name, "\(server) reported an error: \(serverMessage)")
                }
                return
            case .authMechanismRequiresPassword:
                let notes = password?.notes.isEmpty == false ? " (" + password!.notes.joined(separator: "; ") + ")" : ""
                self.init(
                    .authenticationFailed, location: name,
                    "\(server) asks for a password for user \"\(url.user)\" and none was given\(notes): put it in PGPASSWORD, ~/.pgpass (mode 0600) or the URL")
                return
            case .unsupportedAuthMechanism, .saslError:
                self.init(.authenticationFailed, location: name, "\(server): logging in as \"\(url.user)\" failed (\(psql.code)). Check the user, the password and the server's pg_hba.conf")
                return
            case .sslUnsupported:
                self.init(.tls, location: name, "\(server) does not offer TLS, which sslmode=\(url.sslMode.rawValue) requires: turn ssl on at the server, or use sslmode=prefer or disable")
                return
            case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                // A TLS failure shows as a closed connection too; a TLS connection merely cut (the server stopped,
                // without TLS's close_notify) is a lost connection like any other.
                if let underlying = psql.underlying, Self.isTLS(underlying), !Self.isUncleanShutdown(underlying) { break }
                self.init(.connectionLost, location: name, "the connection to \(server) was lost (\(psql.code)): is the server still running? Try again when it is")
                return
            default:
                break
            }
            if let underlying = psql.underlying {
                self.init(underlying, url: url, password: password)
                return
            }
            self.init(.connectionLost, location: name, "\(server) failed (\(psql.code)): check that the server is running and reachable")
            return
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                self.init(.timeout, location: name, "\(server) did not answer within \(Self.seconds(url.connectTimeout)): check the host, port and firewall, or raise connect_timeout= in the URL")
            case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed, .inputClosed:
                self.init(.connectionLost, location: name, "the connection to \(server) was lost: is the server still running? Try again when it is")
            default:
                self.init(.unreachable, location: name, "\(server) cannot be reached (\(error)): check the host and port, and that the server runs")
            }
            return
        }
        if let error = error as? NIOConnectionError {
            let refused = error.connectionErrors.contains { Self.errno(of: $0.error) == ECONNREFUSED }
            if error.dnsAError != nil && error.dnsAAAAError != nil || (error.connectionErrors.isEmpty && !refused) {
                self.init(.unreachable, location: name, "\(server): the host \"\(url.host)\" cannot be resolved. Check the host name in the URL")
            } else if refused {
                self.init(.unreachable, location: name, "\(server) refused the connection: start the server, or fix the host and port in the URL")
            } else {
                self.init(.unreachable, location: name, "\(server) cannot be reached: check the host, port and network, and that the server runs")
            }
            return
        }
        if let code = Self.errno(of: error) {
            if code == ECONNREFUSED {
                self.init(.unreachable, location: name, "\(server) refused the connection: start the server, or fix the host and port in the URL")
            } else {
                self.init(.unreachable, location: name, "\(server) cannot be reached (\(String(cString: strerror(code)))): check the host, port and network")
            }
            return
        }
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            self.init(.tls, location: name, "\(server): the server's certificate does not name the host \"\(url.host)\" (sslmode=verify-full). Connect by the name in the certificate, or use sslmode=verify-ca")
            return
        }
        if Self.isUncleanShutdown(error) {
            self.init(.connectionLost, location: name, "the connection to \(server) was lost: is the server still running? Try again when it is")
            return
        }
        if Self.isTLS(error) {
            let rootNote = url.sslRootCert.map { " against sslrootcert=\($0)" } ?? ""
            self.init(.tls, location: name, "\(server): TLS failed\(rootNote) (\(error)). Check sslrootcert= and that the server's certificate is signed by that CA")
            return
        }
        if error is CancellationError {
            self.init(.timeout, location: name, "\(server): connecting was cancelled")
            return
        }
        self.init(.unreachable, location: name, "\(server) cannot be used: \(String(describing: error))")
    }

    static func isUncleanShutdown(_ error: any Error) -> Bool {
        if let error = error as? NIOSSLError, case .uncleanShutdown = error { return true }
        return false
    }

    static func isTLS(_ error: any Error) -> Bool {
        error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError
    }

    static func errno(of error: any Error) -> Int32? {
        if let error = error as? IOError { return error.errnoCode }
        return nil
    }

    static func seconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return attoseconds == 0 ? "\(seconds) s" : "\(Double(seconds) + Double(attoseconds) / 1e18) s"
    }
}
