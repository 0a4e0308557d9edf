import Foundation

/// Where a connection's password comes from, in libpq's order: the URL, else `PGPASSWORD`, else the password file
/// (`PGPASSFILE`, else `~/.pgpass`).
public struct PostgresPassword: Sendable, Equatable {
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        case url
        case environment
        /// The password file at this path.
        case passwordFile(String)
        case none

        public var description: String {
            switch self {
            case .url: "the URL"
            case .environment: "PGPASSWORD"
            case .passwordFile(let path): path
            case .none: "nowhere"
            }
        }
    }

    /// The password; never printed.
    let value: String?
    public let source: Source
    /// Why a password file was not read (group- or world-readable, not a plain file), for error messages.
    public let notes: [String]

    /// The password for `url`.
    public static func resolve(for url: PostgresURL, environment: [String: String]) -> PostgresPassword {
        if let password = url.passwordInURL { return PostgresPassword(value: password, source: .url, notes: []) }
        if let password = environment["PGPASSWORD"], !password.isEmpty {
            return PostgresPassword(value: password, source: .environment, notes: [])
        }
        let path: String
        if let file = environment["PGPASSFILE"], !file.isEmpty {
            path = file
        } else if let home = environment["HOME"], !home.isEmpty {
            path = (home as NSString).appendingPathComponent(".pgpass")
        } else {
            path = (NSHomeDirectory() as NSString).appendingPathComponent(".pgpass")
        }
        switch PgPassFile.read(path) {
        case .missing:
            return PostgresPassword(value: nil, source: .none, notes: [])
        case .ignored(let reason):
            return PostgresPassword(value: nil, source: .none, notes: ["\(path) was ignored: \(reason)"])
        case .read(let file):
            if let password = file.password(host: url.host, port: url.port, database: url.database, user: url.user) {
                return PostgresPassword(value: password, source: .passwordFile(path), notes: [])
            }
            return PostgresPassword(value: nil, source: .none, notes: [])
        }
    }
}

/// A libpq password file: lines `hostname:port:database:username:password`, the first matching line wins.
///
/// Each of the first four fields is a literal or `*` (anything; `\*` is a literal star). `\:` and `\\` stand for `:`
/// and `\` in any field; the password ends at the next unescaped `:` or the end of the line.
/// Lines starting with `#` are comments. On Unix libpq ignores a file that is not a plain file or that the group or
/// others can read or write; so does this.
public struct PgPassFile: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// nil stands for `*`.
        public let host, port, database, user: String?
        let password: String
    }

    public let entries: [Entry]

    public enum ReadResult: Sendable, Equatable {
        case missing
        case ignored(String)
        case read(PgPassFile)
    }

    /// Reads the file at `path`, applying libpq's permission rules.
    public static func read(_ path: String) -> ReadResult {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        guard info.st_mode & mode_t(S_IFMT) == mode_t(S_IFREG) else { return .ignored("it is not a plain file") }
        guard info.st_mode & mode_t(S_IRWXG | S_IRWXO) == 0 else {
            return .ignored("the group or others can read or write it (chmod 0600 it)")
        }
        guard let data = FileManager.default.contents(atPath: path) else { return .ignored("it cannot be read") }
        return .read(PgPassFile(parsing: String(decoding: data, as: UTF8.self)))
    }

    public init(parsing text: String) {
        var entries: [Entry] = []
        // `\r\n` is one Character, and a newline.
        for line in text.split(whereSeparator: \.isNewline) {
            if line.first == "#" { continue }
            // Fields end at unescaped colons; the password ends at the next one too, as in libpq. A field that is
            // exactly `*` (not `\*`) matches anything.
            var fields: [String?] = []
            var current = ""
            var wildcard = true
            var escaped = false
            for character in line {
                if escaped {
                    current.append(character)
                    escaped = false
                    wildcard = false
                } else if character == "\\" {
                    escaped = true
                } else if character == ":" {
                    fields.append(fields.count < 4 && wildcard && current == "*" ? nil : current)
                    current = ""
                    wildcard = true
                    if fields.count == 5 { break }
                } else {
                    current.append(character)
                }
            }
            if fields.count == 4 { fields.append(current) }
            guard fields.count == 5, let password = fields[4] else { continue }
            entries.append(Entry(host: fields[0], port: fields[1], database: fields[2], user: fields[3], password: password))
        }
        self.entries = entries
    }

    /// The password of the first entry that matches. The host is compared as written in the URL (libpq does not
    /// resolve names), the port as its decimal text.
    public func password(host: String, port: Int, database: String, user: String) -> String? {
        let portText = String(port)
        func matches(_ pattern: String?, _ value: String) -> Bool { pattern == nil || pattern == value }
        return entries.first {
            matches($0.host, host) && matches($0.port, portText) && matches($0.database, database) && matches($0.user, user)
        }?.password
    }
}
