@testable import BuildTriageHistory
import BuildTriageTestSupport
import Foundation
import Testing

@Suite("PostgreSQL passwords: URL, PGPASSWORD, ~/.pgpass")
struct PgPassTests {
    @Test func firstMatchingLineWinsAndStarMatchesAnything() {
        let file = PgPassFile(parsing: """
            # comment: hostname:port:database:username:password
            db.example.com:5432:ci:alice:first
            db.example.com:5432:ci:alice:second
            *:5432:*:bob:bob-any-host
            db.example.com:*:*:*:fallback

            """)
        #expect(file.password(host: "db.example.com", port: 5432, database: "ci", user: "alice") == "first")
        #expect(file.password(host: "other", port: 5432, database: "x", user: "bob") == "bob-any-host")
        #expect(file.password(host: "db.example.com", port: 6000, database: "x", user: "carol") == "fallback")
        #expect(file.password(host: "other", port: 6000, database: "x", user: "carol") == nil)
        // The host is compared as written: no resolution, no case folding.
        #expect(file.password(host: "DB.example.com", port: 6000, database: "x", user: "carol") == nil)
    }

    @Test func backslashEscapesColonsAndBackslashes() {
        let file = PgPassFile(parsing: #"h\:x:5432:d\\b:u:pa\:ss\\word:ignored"#)
        #expect(file.password(host: "h:x", port: 5432, database: #"d\b"#, user: "u") == #"pa:ss\word"#)
    }

    @Test func anEscapedStarIsALiteralStar() {
        let file = PgPassFile(parsing: #"\*:5432:d:u:literal"#)
        #expect(file.password(host: "*", port: 5432, database: "d", user: "u") == "literal")
        #expect(file.password(host: "h", port: 5432, database: "d", user: "u") == nil)
    }

    @Test func crlfLinesAndShortLines() {
        let file = PgPassFile(parsing: "h:1:d:u\r\nh:1:d:u:pw\r\n")
        #expect(file.entries.count == 1)
        #expect(file.password(host: "h", port: 1, database: "d", user: "u") == "pw")
    }

    @Test func groupOrWorldReadableFilesAndDirectoriesAreIgnored() throws {
        let scratch = try ScratchDirectory("pgpass")
        defer { scratch.cleanUp() }
        let path = try scratch.write(Data("*:*:*:*:pw\n".utf8), to: "pgpass")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        #expect(PgPassFile.read(path) == .read(PgPassFile(parsing: "*:*:*:*:pw")))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        guard case .ignored(let reason) = PgPassFile.read(path) else {
            Issue.record("a world-readable file was read")
            return
        }
        #expect(reason.contains("0600"))
        guard case .ignored = PgPassFile.read(scratch.path) else {
            Issue.record("a directory was read")
            return
        }
        #expect(PgPassFile.read(scratch.path("absent")) == .missing)
    }

    @Test func theURLWinsThenPGPASSWORDThenThePasswordFile() throws {
        let scratch = try ScratchDirectory("pgpass")
        defer { scratch.cleanUp() }
        let path = try scratch.write(Data("h:5432:db:u:from-file\n".utf8), to: "pgpass")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)

        let withPassword = try PostgresURL("postgres://u:from-url@h/db", environment: [:])
        let without = try PostgresURL("postgres://u@h/db", environment: [:])
        let both = ["PGPASSWORD": "from-env", "PGPASSFILE": path]

        let fromURL = PostgresPassword.resolve(for: withPassword, environment: both)
        #expect(fromURL.value == "from-url" && fromURL.source == .url)
        let fromEnvironment = PostgresPassword.resolve(for: without, environment: both)
        #expect(fromEnvironment.value == "from-env" && fromEnvironment.source == .environment)
        let fromFile = PostgresPassword.resolve(for: without, environment: ["PGPASSFILE": path])
        #expect(fromFile.value == "from-file" && fromFile.source == .passwordFile(path))
        let otherDatabase = PostgresPassword.resolve(for: try PostgresURL("postgres://u@h/other", environment: [:]), environment: ["PGPASSFILE": path])
        #expect(otherDatabase.value == nil && otherDatabase.source == .none)
    }

    @Test func homePgpassIsTheDefaultFile() throws {
        let scratch = try ScratchDirectory("pgpass-home")
        defer { scratch.cleanUp() }
        let path = try scratch.write(Data("*:*:*:u:home-file\n".utf8), to: ".pgpass")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let url = try PostgresURL("postgres://u@h/db", environment: [:])
        let password = PostgresPassword.resolve(for: url, environment: ["HOME": scratch.path])
        #expect(password.value == "home-file")
        #expect(password.source == .passwordFile(path))

        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        let ignored = PostgresPassword.resolve(for: url, environment: ["HOME": scratch.path])
        #expect(ignored.value == nil)
        #expect(ignored.notes.count == 1 && ignored.notes[0].contains(path))
    }
}
