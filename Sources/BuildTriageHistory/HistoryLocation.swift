import Foundation

/// Where a history lives: a SQLite file, or a PostgreSQL server.
public enum HistoryLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    /// A `postgres://` / `postgresql://` URL.
    case postgres(url: String)

    /// The environment variable that names a history when `--history` is not given.
    public static let environmentVariable = "BUILDTRIAGE_HISTORY"
    /// Where `record`, `flaky` and `quarantine` keep the history by default, under the working directory.
    public static let defaultPath = ".buildtriage/history.sqlite"

    /// Reads a location as the user wrote it: a URL with a postgres scheme, or else a file path.
    public static func parse(_ text: String) throws(HistoryError) -> HistoryLocation {
        if PostgresURL.isPostgresURL(text) {
            // Checked now, so that a mistyped URL is a clear error before any input is read.
            do {
                _ = try PostgresURL(text)
            } catch {
                throw HistoryError(error)
            }
            return .postgres(url: text)
        }
        guard !text.isEmpty else { throw HistoryError(location: "''", problem: "is empty", advice: "name a file or a postgres:// URL") }
        return .sqlite(path: text)
    }

    /// `--history`, else `BUILDTRIAGE_HISTORY`, else (when `orDefault`) `.buildtriage/history.sqlite`.
    public static func resolve(option: String?, environment: [String: String], orDefault: Bool) throws(HistoryError) -> HistoryLocation? {
        if let option { return try parse(option) }
        if let named = environment[environmentVariable], !named.isEmpty { return try parse(named) }
        return orDefault ? .sqlite(path: defaultPath) : nil
    }

    /// The location as it may be printed: never a password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): Self.redacted(url)
        }
    }

    /// A URL with any password replaced by `***` (the PostgreSQL layer's redaction, which also handles URLs that
    /// do not parse).
    public static func redacted(_ url: String) -> String { PostgresURL.redact(url) }
}

/// The history store cannot be used (exit code 6): one line naming the store, what is wrong and what to do.
public struct HistoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The location, redacted.
    public var location: String
    public var problem: String
    public var advice: String

    public init(location: String, problem: String, advice: String) {
        self.location = location
        self.problem = problem
        self.advice = advice
    }

    /// A PostgreSQL error, whose message already names the server (redacted) and says what to do.
    public init(_ error: PostgresHistoryError) {
        self.init(location: error.location, problem: error.message, advice: "")
    }

    public var description: String {
        advice.isEmpty ? "history: \(problem)" : "history \(location): \(problem); \(advice)"
    }
}
