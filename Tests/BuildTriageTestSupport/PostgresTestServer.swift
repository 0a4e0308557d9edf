import Foundation

/// The PostgreSQL server the tests use: `BUILDTRIAGE_TEST_POSTGRES_URL`, which `Scripts/postgres-test-server.sh start`
/// prints and `.ci/run` sets.
///
/// Without it the PostgreSQL tests are skipped with ``howToRun``, except when `CI` is set: then they run and fail
/// (``missingInCI``), so that CI never passes without having tested PostgreSQL.
public enum PostgresTestServer {
    public static let variable = "BUILDTRIAGE_TEST_POSTGRES_URL"

    /// The server's URL (with its password), when set.
    public static var url: String? {
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else { return nil }
        return value
    }

    /// Whether `CI` is set (to anything but empty, `0` or `false`).
    public static var isCI: Bool {
        guard let value = ProcessInfo.processInfo.environment["CI"] else { return false }
        return !["", "0", "false"].contains(value.lowercased())
    }

    /// Whether the PostgreSQL tests run: when the server is named, and always in CI.
    public static var testsRun: Bool { url != nil || isCI }

    public static let howToRun =
        "PostgreSQL tests skipped: \(variable) is not set. Run them with: eval \"$(Scripts/postgres-test-server.sh start)\" && swift test (Scripts/postgres-test-server.sh stop afterwards)"

    public static let missingInCI =
        "CI is set but \(variable) is not: the PostgreSQL tests need a server (.ci/run starts one with Scripts/postgres-test-server.sh start)"
}
