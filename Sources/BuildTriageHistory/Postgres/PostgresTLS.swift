import Foundation
import NIOSSL
import PostgresNIO

/// The TLS setting of a connection, from the URL's `sslmode` and `sslrootcert`, as libpq reads them.
enum PostgresTLS {
    /// - `disable`: no TLS.
    /// - `prefer`: TLS if the server offers it, certificate not checked (the caller falls back to plain TCP when
    ///   the handshake fails).
    /// - `require`: TLS or fail; the chain is checked only when a root certificate is named or
    ///   `~/.postgresql/root.crt` exists (libpq does the same).
    /// - `verify-ca`: the chain must lead to the root certificate.
    /// - `verify-full`: that, and the certificate must name the URL's host (a DNS name, or an IP address entry for
    ///   an address).
    ///
    /// The root certificate is `sslrootcert=` (a PEM file, or `system` for the system's trust store), else
    /// `~/.postgresql/root.crt`; `verify-ca` and `verify-full` fail without one, as in libpq.
    static func configuration(
        for url: PostgresURL, environment: [String: String]
    ) throws(PostgresHistoryError) -> PostgresConnection.Configuration.TLS {
        let name = url.redacted
        func failure(_ reason: String) -> PostgresHistoryError {
            PostgresHistoryError(.tls, location: name, "PostgreSQL at \(name): \(reason)")
        }
        let defaultRoot = ((environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()) as NSString)
            .appendingPathComponent(".postgresql/root.crt")
        let roots: NIOSSLTrustRoots?
        switch url.sslRootCert {
        case "system":
            roots = .default
        case let path?:
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw failure("the root certificate file sslrootcert=\(path) does not exist or cannot be read")
            }
            roots = .file(path)
        case nil:
            roots = FileManager.default.isReadableFile(atPath: defaultRoot) ? .file(defaultRoot) : nil
        }

        var tls = TLSConfiguration.makeClientConfiguration()
        switch url.sslMode {
        case .disable:
            return .disable
        case .prefer:
            tls.certificateVerification = .none
        case .require:
            tls.certificateVerification = roots == nil ? .none : .noHostnameVerification
        case .verifyCA, .verifyFull:
            guard roots != nil else {
                throw failure(
                    "sslmode=\(url.sslMode.rawValue) needs a root certificate and \(defaultRoot) does not exist: name one with sslrootcert=FILE (or sslrootcert=system), or use sslmode=require")
            }
            tls.certificateVerification = url.sslMode == .verifyFull ? .fullVerification : .noHostnameVerification
        }
        if let roots { tls.trustRoots = roots }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: tls)
        } catch {
            throw failure("TLS cannot be set up (\(error)): check that sslrootcert=\(url.sslRootCert ?? defaultRoot) is a PEM certificate file")
        }
        return url.sslMode == .prefer ? .prefer(context) : .require(context)
    }
}
