import BuildTriageRetry
import BuildTriageTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum Shell {
    /// Runs `sh -c line` (no stdin, time-limited) with `environment` (nil = inherited).
    static func run(_ line: String, shell: String = "/bin/sh", environment: [String: String]? = nil, directory: URL? = nil)
        -> RetryExecutionResult
    {
        RetryExecutor(awsPath: shell, environment: environment, timeout: .seconds(30), currentDirectory: directory)
            .run(argv: ["sh", "-c", line])
    }

    /// The NUL-terminated fields of `text`.
    static func nulFields(_ text: String) -> [String] {
        var fields = text.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
        if fields.last == "" { fields.removeLast() }
        return fields
    }

    /// An executable named `name` found on this process's PATH.
    static func which(_ name: String) -> String? { executableOnPath(name) }
}

/// A fake `aws` that records its arguments, NUL-terminated, in `$ARGV_LOG`.
struct FakeAWS {
    let directory: ScratchDirectory
    let logPath: String

    init() throws {
        directory = try ScratchDirectory("fake-aws")
        logPath = directory.url.appendingPathComponent("argv.log").path
        _ = try directory.write(
            "#!/bin/sh\n: > \"$ARGV_LOG\"\nfor a in \"$@\"; do printf '%s\\0' \"$a\" >> \"$ARGV_LOG\"; done\n",
            to: "aws", executable: true)
    }

    /// PATH with the fake first, then the system directories only.
    var environment: [String: String] {
        ["PATH": "\(directory.path):/usr/bin:/bin", "ARGV_LOG": logPath, "HOME": directory.path]
    }

    /// The arguments of the last call (argv[0] excluded).
    func recordedArguments() throws -> [String] {
        Shell.nulFields(try String(contentsOfFile: logPath, encoding: .utf8))
    }
}
