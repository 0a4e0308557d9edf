public import Foundation

/// How a connection uses TLS, as libpq's `sslmode`.
public enum PostgresSSLMode: String, Sendable, Hashable, CaseIterable {
    /// Plain TCP.
    case disable
    /// TLS when the server offers it, else plain TCP; the certificate is not checked. libpq's default.
    case prefer
    /// TLS or fail. The certificate is not checked, unless a root certificate is named (`sslrootcert=`, or
    /// `~/.postgresql/root.crt` exists): then its chain is, as with `verify-ca`.
    case require
    /// TLS; the certificate must chain to the root certificate. The host name is not checked.
    case verifyCA = "verify-ca"
    /// TLS; the certificate must chain to the root certificate and name the host of the URL.
    case verifyFull = "verify-full"
}

/// A parsed `postgres://` or `postgresql://` URL:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=…&sslrootcert=…&connect_timeout=…&application_name=…]`.
///
/// Its `description` (and every other way it is shown: `debugDescription`, `dump`) is redacted: the password
/// never appears, only `***` in its place. Show a location that did not parse with ``redact(_:)``.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The default of `connect_timeout`: how long connecting, TLS and logging in may take together.
    public static let defaultConnectTimeout: Duration = .seconds(5)

    public let user: String
    /// The password written in the URL (`USER:PASSWORD@` or `password=`). Never shown; see ``PostgresPassword``
    /// for `PGPASSWORD` and `~/.pgpass`.
    let passwordInURL: String?
    public let host: String
    public let port: Int
    public let database: String
    public let sslMode: PostgresSSLMode
    /// `sslrootcert=`: a PEM file of trusted root certificates, or `system` for the system's trust store.
    public let sslRootCert: String?
    public private(set) var connectTimeout: Duration
    public let applicationName: String
    let scheme: String

    /// Whether `location` is meant as a PostgreSQL URL (it starts with `postgres://` or `postgresql://`), so that a
    /// history location that is not one is a file path.
    public static func isPostgresURL(_ location: String) -> Bool {
        schemes.contains { location.hasPrefix($0 + "://") }
    }

    private static let schemes = ["postgres", "postgresql"]

    /// Parses `string`. What the URL leaves out comes from libpq's variables in `environment` (`PGUSER`,
    /// `PGDATABASE`, `PGSSLMODE`, `PGSSLROOTCERT`, `PGCONNECT_TIMEOUT`), then libpq's defaults (port 5432, the user
    /// name as database, `sslmode=prefer`), and a connect timeout of 5 s.
    ///
    /// - Throws: ``PostgresHistoryError`` of kind `.invalidURL`, whose message shows the URL redacted.
    public init(_ string: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(PostgresHistoryError)
    {
        func invalid(_ reason: String) -> PostgresHistoryError {
            let shown = Self.redact(string)
            // Two @, or an @ after a / or ?, is most often a password with special characters left as they are.
            let afterScheme = string.range(of: "://").map { string[$0.upperBound...] } ?? ""
            let ats = afterScheme.filter { $0 == "@" }.count
            let firstSeparator = afterScheme.firstIndex { $0 == "/" || $0 == "?" }
            let unencoded = ats > 1 || (ats == 1 && firstSeparator.map { $0 < afterScheme.lastIndex(of: "@")! } == true)
            let hint = unencoded ? " (percent-encode special characters in the password: %40 for @, %2F for /, %3F for ?)" : ""
            return PostgresHistoryError(
                .invalidURL, location: shown,
                "\(shown) is not a usable PostgreSQL URL: \(reason)\(hint). Write postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=…]"
            )
        }
        guard let scheme = Self.schemes.first(where: { string.hasPrefix($0 + "://") }) else {
            throw invalid("it does not start with postgres:// or postgresql://")
        }
        self.scheme = scheme
        var rest = Substring(string.dropFirst(scheme.count + 3))

        // The query, then the authority (up to the first / or ?), then the path.
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var authority = rest
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        }
        if authority.contains("#") || path.contains("#") || query.contains("#") {
            throw invalid("it has a # (percent-encode it as %23)")
        }

        // USER[:PASSWORD]@ — the last @ of the authority ends it.
        var user: String?
        var password: String?
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let userPart: Substring
            if let colon = userInfo.firstIndex(of: ":") {
                userPart = userInfo[..<colon]
                guard let decoded = Self.percentDecode(userInfo[userInfo.index(after: colon)...]) else {
                    throw invalid("the password has a bad percent escape")
                }
                password = decoded
            } else {
                userPart = userInfo
            }
            guard let decoded = Self.percentDecode(userPart) else { throw invalid("the user name has a bad percent escape") }
            if !decoded.isEmpty { user = decoded }
        }

        // HOST[:PORT], HOST being a name, an IPv4 address or a bracketed IPv6 address.
        var host: String
        var portText: Substring?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw invalid("an IPv6 address lacks its ]") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("text follows the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            portText = hostPort[hostPort.index(after: colon)...]
        } else {
            host = String(hostPort)
        }
        guard let decodedHost = Self.percentDecode(Substring(host)) else { throw invalid("the host has a bad percent escape") }
        host = decodedHost
        if host.contains(",") { throw invalid("several hosts are not supported") }
        guard !host.isEmpty else { throw invalid("it names no host") }
        guard !host.contains(where: { $0.isWhitespace || $0 == "/" }) else { throw invalid("the host is not a host name or address") }
        var port = 5432
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw invalid("the port is not a number from 1 to 65535")
            }
            port = number
        }

        var database: String?
        if !path.isEmpty {
            guard let decoded = Self.percentDecode(path) else { throw invalid("the database name has a bad percent escape") }
            database = decoded
        }

        // Parameters.
        var sslMode: PostgresSSLMode?
        var sslRootCert: String?
        var timeoutText: String?
        var applicationName: String?
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let key = Self.percentDecode(parts[0]), let value = Self.percentDecode(parts[1]) else {
                throw invalid("a parameter is not KEY=VALUE")
            }
            switch key {
            case "sslmode":
                guard let mode = PostgresSSLMode(rawValue: value) else {
                    throw invalid("sslmode must be disable, prefer, require, verify-ca or verify-full")
                }
                sslMode = mode
            case "sslrootcert": sslRootCert = value
            case "connect_timeout": timeoutText = value
            case "application_name": applicationName = value
            case "password": password = value
            case "user": user = value
            case "dbname": database = value
            default:
                let shown = key.count <= 40 && key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) ? "\"\(key)\"" : "a parameter"
                throw invalid("\(shown) is not supported (only sslmode, sslrootcert, connect_timeout, application_name, user, password, dbname)")
            }
        }

        if sslMode == nil, let text = environment["PGSSLMODE"], !text.isEmpty {
            guard let mode = PostgresSSLMode(rawValue: text) else {
                throw invalid("PGSSLMODE must be disable, prefer, require, verify-ca or verify-full")
            }
            sslMode = mode
        }
        if timeoutText == nil, let text = environment["PGCONNECT_TIMEOUT"], !text.isEmpty { timeoutText = text }
        var timeout = Self.defaultConnectTimeout
        if let timeoutText {
            guard let seconds = Int(timeoutText), seconds >= 1, seconds <= 86_400 else {
                throw invalid("connect_timeout must be a whole number of seconds from 1 to 86400")
            }
            timeout = .seconds(seconds)
        }

        let resolvedUser = user ?? environment["PGUSER"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.systemUserName()
        guard !resolvedUser.isEmpty else { throw invalid("it names no user") }
        self.user = resolvedUser
        self.passwordInURL = password
        self.host = host
        self.port = port
        self.database = database ?? environment["PGDATABASE"].flatMap { $0.isEmpty ? nil : $0 } ?? resolvedUser
        self.sslMode = sslMode ?? .prefer
        self.sslRootCert = sslRootCert ?? environment["PGSSLROOTCERT"].flatMap { $0.isEmpty ? nil : $0 }
        self.connectTimeout = timeout
        self.applicationName = applicationName ?? "buildtriage"
    }

    /// The same URL with another connect timeout.
    public func withConnectTimeout(_ timeout: Duration) -> PostgresURL {
        var copy = self
        copy.connectTimeout = timeout
        return copy
    }

    /// `HOST:PORT`, with brackets around an IPv6 address: what error messages name.
    public var endpoint: String {
        (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }

    /// The URL with `***` for a password given in it, and every setting spelled out.
    public var redacted: String {
        var text = "\(scheme)://\(Self.percentEncode(user))"
        if passwordInURL != nil { text += ":***" }
        text += "@\(endpoint)/\(Self.percentEncode(database))?sslmode=\(sslMode.rawValue)"
        if let sslRootCert { text += "&sslrootcert=\(Self.percentEncode(sslRootCert, keeping: "/"))" }
        if connectTimeout != Self.defaultConnectTimeout { text += "&connect_timeout=\(connectTimeout.components.seconds)" }
        return text
    }

    public var description: String { redacted }
    public var debugDescription: String { "PostgresURL(\(redacted))" }
    /// `dump` and the debugger's views show the redacted text, never the fields.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted]) }

    /// `location` with any password replaced by `***`, for a location that may not parse: everything between
    /// `scheme://USER` and the last `@` is hidden, and so is the value of a `password=` parameter.
    public static func redact(_ location: String) -> String {
        guard let schemeEnd = location.range(of: "://") else { return location }
        var text = String(location[..<schemeEnd.upperBound])
        var rest = location[schemeEnd.upperBound...]
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            // A user name ends at `:`; in a URL that does not parse it may end at `/`, `?` or `#` instead, with a
            // password run on behind it. Whatever follows the user is hidden.
            if let end = userInfo.firstIndex(where: { ":/?#".contains($0) }) {
                text += String(userInfo[..<end]) + ":***"
            } else {
                text += String(userInfo)
            }
            rest = rest[at...]
        }
        // `password=…` up to the next & (or the end).
        var remaining = rest
        while let range = remaining.range(of: "password=") {
            let before = remaining[..<range.lowerBound]
            let isParameter = before.last == "?" || before.last == "&"
            text += remaining[..<range.upperBound]
            remaining = remaining[range.upperBound...]
            if isParameter {
                text += "***"
                remaining = remaining.firstIndex(of: "&").map { remaining[$0...] } ?? ""
            }
        }
        return text + remaining
    }

    // MARK: Percent encoding

    static func percentDecode(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(bytes: bytes, encoding: .utf8)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// RFC 3986 unreserved characters stay; everything else is %XX.
    static func percentEncode(_ text: String, keeping extra: String = "") -> String {
        var out = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            let unreserved = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || "-._~".unicodeScalars.contains(scalar)
            if unreserved || extra.unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    private static func systemUserName() -> String {
        ProcessInfo.processInfo.userName
    }
}
