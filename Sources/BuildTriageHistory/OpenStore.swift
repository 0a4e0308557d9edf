import Foundation
import SQLKit
import SQLiteKit

/// What a command needs of the store.
public enum HistoryAccess: Sendable {
    /// `record`, `history prune`: the store is created when missing, and written.
    case write
    /// `flaky`, `quarantine`, `analyze --history`, `history stats`: a missing store is an empty history.
    case read
}

extension HistoryStore {
    /// Seconds a command waits for another one's lock (`BUILDTRIAGE_HISTORY_TIMEOUT`, default 5).
    public static func busyTimeout(environment: [String: String]) -> Double {
        environment["BUILDTRIAGE_HISTORY_TIMEOUT"].flatMap(Double.init).map { max(0, $0) } ?? 5
    }

    /// Opens (and, for writing, creates and migrates) the store at `location`; nil for a missing store read.
    /// Every failure is a `HistoryError` naming the store; a file that is not a SQLite database is never opened,
    /// so never overwritten.
    public static func open(_ location: HistoryLocation, access: HistoryAccess, timeout: Double = 5) async throws(HistoryError) -> HistoryStore? {
        switch location {
        case .sqlite(let path):
            return try await openSQLite(path: path, access: access, timeout: timeout)
        case .postgres(let url):
            return try await openPostgres(url: url, access: access)
        }
    }

    /// Opens a session on a PostgreSQL server (one connection for the whole command), and creates or upgrades the
    /// schema under the migrations' advisory lock. For reading, a database without the schema is an empty history
    /// (nil), and nothing is created. The connect timeout is the URL's `connect_timeout` (else `PGCONNECT_TIMEOUT`,
    /// else 5 s).
    static func openPostgres(
        url text: String, access: HistoryAccess, environment: [String: String] = ProcessInfo.processInfo.environment,
        migrateTo target: Int = Schema.latest
    ) async throws(HistoryError) -> HistoryStore? {
        let session: PostgresSession
        do {
            session = try await PostgresSession.open(try PostgresURL(text, environment: environment), environment: environment)
        } catch {
            throw HistoryError(error)
        }
        let store = HistoryStore(
            database: session.sql, location: session.url.redacted, close: { await session.close() },
            connectionLost: { session.isClosed || session.describe($0).kind == .connectionLost })
        return try await store.prepare(access: access, migrateTo: target) { HistoryError(session.describe($0)) }
    }

    static func openSQLite(path: String, access: HistoryAccess, timeout: Double, migrateTo target: Int = Schema.latest) async throws(HistoryError) -> HistoryStore? {
        func failure(_ problem: String, _ advice: String) -> HistoryError { HistoryError(location: path, problem: problem, advice: advice) }
        let moveAside = "move it aside or name another store with --history; it was left as it is"
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else { throw failure("is not a regular file", moveAside) }
            if info.st_size > 0 {
                guard let handle = FileHandle(forReadingAtPath: path) else { throw failure("cannot be read (permission denied)", "make it readable") }
                let header = (try? handle.read(upToCount: 16)) ?? Data()
                try? handle.close()
                guard header == Data("SQLite format 3\u{0}".utf8) else { throw failure("is not a SQLite database", moveAside) }
            }
            if access == .write {
                let directory = (path as NSString).deletingLastPathComponent
                // The mode as well as access(2): root may write anything, but a file nobody may write is meant read-only.
                guard info.st_mode & 0o222 != 0, Foundation.access(path, W_OK) == 0, Foundation.access(directory.isEmpty ? "." : directory, W_OK) == 0 else {
                    throw failure("is read-only", "make the file and its directory writable, or name another store with --history")
                }
            }
        } else {
            guard access == .write else { return nil }
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                do {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                } catch {
                    throw failure("cannot be created (\(directory) cannot be made)", "name a store in a writable directory with --history")
                }
            }
        }
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path))
        } catch {
            throw describe(error, path: path, timeout: timeout)
        }
        let store = HistoryStore(database: connection.sql(queryLogLevel: nil), location: path) { try? await connection.close() }
        do {
            let db = store.database
            // Replaces sqlite-nio's busy handler, which waits for ever.
            try await db.raw("PRAGMA busy_timeout = \(unsafeRaw: String(Int(timeout * 1000)))").run()
            _ = try await db.select().column(SQLFunction("count", args: SQLLiteral.all), as: "n").from("sqlite_master").all()
            if access == .write {
                try await db.raw("PRAGMA journal_mode = WAL").run()
                try await db.raw("PRAGMA synchronous = NORMAL").run()
            }
        } catch {
            await store.close()
            throw describe(error, path: path, timeout: timeout)
        }
        return try await store.prepare(access: access, migrateTo: target) { describe($0, path: path, timeout: timeout) }
    }

    /// Checks the schema of a store just opened, and creates or upgrades it: a store of a newer schema is refused,
    /// and a store with no schema, opened for reading, is an empty history (nil) and stays untouched. The store is
    /// closed when this throws; other errors are described by `describe`.
    func prepare(
        access: HistoryAccess, migrateTo target: Int, describe: (any Error) -> HistoryError
    ) async throws(HistoryError) -> HistoryStore? {
        do {
            let version = try await schemaVersionIfPresent()
            if version > Schema.latest {
                throw HistoryError(
                    location: location, problem: "was written by a newer buildtriage (schema \(version); this one knows \(Schema.latest))",
                    advice: "upgrade buildtriage")
            }
            if version == 0, access == .read {
                await close()
                return nil
            }
            if version < target { try await migrate(to: target) }
            return self
        } catch let error as HistoryError {
            await close()
            throw error
        } catch {
            await close()
            throw describe(error)
        }
    }

    /// The schema version without creating anything (0 when the store has no schema table).
    func schemaVersionIfPresent() async throws -> Int {
        let tables: [any SQLRow]
        if database.dialect.name == "sqlite" {
            tables = try await database.select().column("name").from("sqlite_master")
                .where("type", .equal, "table").where("name", .equal, "bt_schema").all()
        } else {
            tables = try await database.select().column("table_name").from(SQLQualifiedTable("tables", space: "information_schema"))
                .where("table_name", .equal, "bt_schema").where("table_schema", .equal, SQLFunction("current_schema")).all()
        }
        return tables.isEmpty ? 0 : try await schemaVersion()
    }

    /// One line for an error the store at `location` threw, for the CLI to print.
    public static func describe(_ error: any Error, location: HistoryLocation, timeout: Double) -> HistoryError {
        if let error = error as? HistoryError { return error }
        switch location {
        case .sqlite(let path):
            return describe(error, path: path, timeout: timeout)
        case .postgres(let text):
            guard let url = try? PostgresURL(text) else {
                return HistoryError(location: location.description, problem: "cannot be used", advice: "check the URL")
            }
            return HistoryError(PostgresHistoryError(error, url: url))
        }
    }

    /// One line for an error of the SQLite store.
    static func describe(_ error: any Error, path: String, timeout: Double) -> HistoryError {
        if let error = error as? HistoryError { return error }
        let moveAside = "move it aside or name another store with --history; it was left as it is"
        guard let sqlite = error as? SQLiteError else {
            return HistoryError(location: path, problem: "cannot be used (\(error))", advice: "check the file, or name another store with --history")
        }
        switch sqlite.reason {
        case .notADatabase:
            return HistoryError(location: path, problem: "is not a SQLite database", advice: moveAside)
        case .corrupt, .corruptIndex, .corruptVirtualTable, .corruptSequenceSchema:
            return HistoryError(location: path, problem: "is corrupt", advice: moveAside)
        case .busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked:
            return HistoryError(
                location: path, problem: "is locked by another process (waited \(timeout.formatted()) s)",
                advice: "retry when it is done, or raise BUILDTRIAGE_HISTORY_TIMEOUT")
        case .readOnly, .readonlyCantLock, .readonlyDirectory, .readonlyInRecovery, .readonlyBackingMoved, .permission, .cantOpen:
            return HistoryError(location: path, problem: "is read-only or cannot be opened", advice: "make the file and its directory writable, or name another store with --history")
        default:
            return HistoryError(location: path, problem: "cannot be used (\(sqlite.message))", advice: "check the file, or name another store with --history")
        }
    }
}

extension Double {
    fileprivate func formatted() -> String {
        self == rounded() ? String(Int(self)) : String(self)
    }
}
