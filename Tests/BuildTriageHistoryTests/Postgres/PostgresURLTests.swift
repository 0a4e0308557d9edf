@testable import BuildTriageHistory
import Testing

@Suite("PostgreSQL URLs: parsing and redaction")
struct PostgresURLTests {
    let noEnvironment: [String: String] = [:]

    @Test func fullURLParses() throws {
        let url = try PostgresURL(
            "postgres://alice:s3cret@db.example.com:6543/ci_history?sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=12&application_name=bt",
            environment: noEnvironment)
        #expect(url.user == "alice")
        #expect(url.passwordInURL == "s3cret")
        #expect(url.host == "db.example.com")
        #expect(url.port == 6543)
        #expect(url.database == "ci_history")
        #expect(url.sslMode == .verifyFull)
        #expect(url.sslRootCert == "/etc/ca.pem")
        #expect(url.connectTimeout == .seconds(12))
        #expect(url.applicationName == "bt")
    }

    @Test func postgresqlSchemeAndDefaults() throws {
        let url = try PostgresURL("postgresql://bob@localhost", environment: noEnvironment)
        #expect(url.user == "bob")
        #expect(url.passwordInURL == nil)
        #expect(url.port == 5432)
        #expect(url.database == "bob")  // libpq: the user name
        #expect(url.sslMode == .prefer)
        #expect(url.connectTimeout == PostgresURL.defaultConnectTimeout)
        #expect(url.connectTimeout == .seconds(5))
        #expect(url.redacted == "postgresql://bob@localhost:5432/bob?sslmode=prefer")
    }

    @Test func environmentFillsWhatTheURLLeavesOut() throws {
        let environment = [
            "PGUSER": "envuser", "PGDATABASE": "envdb", "PGSSLMODE": "require", "PGSSLROOTCERT": "/ca.crt",
            "PGCONNECT_TIMEOUT": "9",
        ]
        let url = try PostgresURL("postgres://db.internal", environment: environment)
        #expect(url.user == "envuser")
        #expect(url.database == "envdb")
        #expect(url.sslMode == .require)
        #expect(url.sslRootCert == "/ca.crt")
        #expect(url.connectTimeout == .seconds(9))
        // What the URL says wins.
        let explicit = try PostgresURL("postgres://u@db.internal/d?sslmode=disable&connect_timeout=3", environment: environment)
        #expect(explicit.user == "u")
        #expect(explicit.database == "d")
        #expect(explicit.sslMode == .disable)
        #expect(explicit.connectTimeout == .seconds(3))
    }

    @Test func percentEncodedPartsAreDecoded() throws {
        let url = try PostgresURL("postgres://us%40er:p%40ss%3Aw%2Fo%3Frd@host/my%20db", environment: noEnvironment)
        #expect(url.user == "us@er")
        #expect(url.passwordInURL == "p@ss:w/o?rd")
        #expect(url.database == "my db")
        #expect(url.redacted == "postgres://us%40er:***@host:5432/my%20db?sslmode=prefer")
    }

    @Test func anUnencodedAtInThePasswordStillParsesAndStaysHidden() throws {
        let url = try PostgresURL("postgres://alice:p@ss@host/db", environment: noEnvironment)
        #expect(url.passwordInURL == "p@ss")
        #expect(url.host == "host")
        #expect(!url.redacted.contains("p@ss"))
    }

    @Test func ipv6Hosts() throws {
        let url = try PostgresURL("postgres://u:pw@[::1]:5433/db", environment: noEnvironment)
        #expect(url.host == "::1")
        #expect(url.port == 5433)
        #expect(url.endpoint == "[::1]:5433")
        #expect(url.redacted == "postgres://u:***@[::1]:5433/db?sslmode=prefer")
        let noPort = try PostgresURL("postgres://u@[fe80::1]/db", environment: noEnvironment)
        #expect(noPort.host == "fe80::1")
        #expect(noPort.port == 5432)
    }

    @Test func passwordParameterIsAcceptedAndHidden() throws {
        let url = try PostgresURL("postgres://u@h/db?password=topsecret&sslmode=require", environment: noEnvironment)
        #expect(url.passwordInURL == "topsecret")
        #expect(url.sslMode == .require)
        #expect(!url.redacted.contains("topsecret"))
    }

    @Test func everyWayOfShowingTheURLHidesThePassword() throws {
        let url = try PostgresURL("postgres://alice:hunter2-pw@db:5432/ci", environment: noEnvironment)
        var dumped = ""
        dump(url, to: &dumped)
        let shown = [
            url.description, url.debugDescription, "\(url)", String(describing: url), String(reflecting: url), dumped,
        ]
        for text in shown {
            let leaks = text.contains("hunter2")
            #expect(!leaks, "a rendering of the URL shows the password")
            #expect(text.contains("postgres://alice:***@db:5432/ci"))
        }
    }

    @Test(arguments: [
        ("mysql://u:pw@h/db", "does not start with postgres://"),
        ("postgres://u:pw@h:99999/db", "port"),
        ("postgres://u:pw@h:abc/db", "port"),
        ("postgres://u:pw@/db", "no host"),
        ("postgres://u:pw@h/db?sslmode=always", "sslmode must be"),
        ("postgres://u:pw@h/db?connect_timeout=0", "connect_timeout"),
        ("postgres://u:pw@h/db?connect_timeout=soon", "connect_timeout"),
        ("postgres://u:pw@h/db?sslcert=/x", "\"sslcert\" is not supported"),
        ("postgres://u:pw@h1,h2/db", "several hosts"),
        ("postgres://u:pw@[::1/db", "IPv6"),
        ("postgres://u:pw@h/db?sslmode", "KEY=VALUE"),
        ("postgres://u:pw%zz@h/db", "percent escape"),
    ])
    func badURLsGiveOneRedactedLine(_ location: String, _ reason: String) {
        do {
            _ = try PostgresURL(location, environment: ["PGUSER": "x"])
            Issue.record("\(PostgresURL.redact(location)) parsed")
        } catch {
            #expect(error.kind == .invalidURL)
            #expect(error.message.contains(reason), "\(error.message)")
            #expect(!error.message.contains("\n"))
            let leaks = error.message.contains(":pw@") || error.message.contains(":pw%zz")
            #expect(!leaks, "the message shows the password")
        }
    }

    @Test func aPasswordWithASlashIsHiddenEvenWhenTheURLDoesNotParse() {
        // An unencoded / ends the authority inside the password: the URL is wrong, and the message must not show it.
        let location = "postgres://alice:pa/ss:w0rd@db.example.com/ci"
        do {
            _ = try PostgresURL(location, environment: [:])
            Issue.record("parsed")
        } catch {
            #expect(error.kind == .invalidURL)
            let leaks = error.message.contains("pa/ss") || error.message.contains("w0rd") || error.message.contains("ss:w0")
            #expect(!leaks, "the message shows the password")
        }
    }

    @Test func redactHidesPasswordsInTextThatNeedNotParse() {
        #expect(PostgresURL.redact("postgres://u:pw@h/db") == "postgres://u:***@h/db")
        #expect(PostgresURL.redact("postgres://u:p@w:x@h:5/db?sslmode=require") == "postgres://u:***@h:5/db?sslmode=require")
        #expect(PostgresURL.redact("postgres://u@h/db?password=pw&sslmode=require") == "postgres://u@h/db?password=***&sslmode=require")
        #expect(PostgresURL.redact("postgres://u@h/db?sslmode=require&password=pw") == "postgres://u@h/db?sslmode=require&password=***")
        #expect(PostgresURL.redact("postgres://h/db") == "postgres://h/db")
        // A password run on behind a mistyped separator is hidden too.
        #expect(PostgresURL.redact("postgres://u?s3cret@h/db") == "postgres://u:***@h/db")
        #expect(PostgresURL.redact("postgres://u/s3cret@h/db") == "postgres://u:***@h/db")
        #expect(PostgresURL.redact("postgres://u#s3cret@h/db") == "postgres://u:***@h/db")
        #expect(PostgresURL.redact(".buildtriage/history.sqlite") == ".buildtriage/history.sqlite")
    }

    @Test func locationsThatArePostgresURLs() {
        #expect(PostgresURL.isPostgresURL("postgres://h/db"))
        #expect(PostgresURL.isPostgresURL("postgresql://h/db"))
        #expect(!PostgresURL.isPostgresURL(".buildtriage/history.sqlite"))
        #expect(!PostgresURL.isPostgresURL("postgres.sqlite"))
        #expect(!PostgresURL.isPostgresURL("/tmp/postgres://x"))
    }

    @Test func connectTimeoutCanBeChanged() throws {
        let url = try PostgresURL("postgres://u@h/db", environment: [:]).withConnectTimeout(.seconds(30))
        #expect(url.connectTimeout == .seconds(30))
        #expect(url.redacted.hasSuffix("&connect_timeout=30"))
    }
}
