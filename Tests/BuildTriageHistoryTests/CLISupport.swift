import BuildTriageTestSupport
import Foundation
import Glibc

/// Runs the built `buildtriage` in a directory.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

func buildtriage(_ arguments: [String], in directory: String, environment extra: [String: String] = [:]) throws -> CLIResult {
    let process = try launch(arguments, in: directory, environment: extra)
    return process.wait()
}

/// The same from an async test, which waits without holding a thread.
func buildtriage(_ arguments: [String], in directory: String, environment extra: [String: String] = [:]) async throws -> CLIResult {
    try await launch(arguments, in: directory, environment: extra).wait()
}

struct Launched: @unchecked Sendable {
    let process: Process
    let out: URL
    let err: URL

    /// From an async test: polls, so that no thread is held (Foundation's `waitUntilExit` would hold one, and spins
    /// on a thread without a run loop).
    func wait() async -> CLIResult {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        let finished: () -> CLIResult = wait
        return finished()
    }

    /// Kills the process (SIGKILL: a child started from a test thread inherits a mask that blocks SIGTERM).
    func kill() {
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
    }

    func wait() -> CLIResult {
        process.waitUntilExit()
        let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        return CLIResult(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

/// Starts `buildtriage` without waiting (concurrent recorders). Output goes to files, so no pipe can fill up.
func launch(_ arguments: [String], in directory: String, environment extra: [String: String] = [:]) throws -> Launched {
    let process = Process()
    process.executableURL = builtExecutable
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var environment = ProcessInfo.processInfo.environment
    environment.removeValue(forKey: "BUILDTRIAGE_HISTORY")
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    let id = UUID().uuidString
    let out = URL(fileURLWithPath: directory).appendingPathComponent(".out-\(id)")
    let err = URL(fileURLWithPath: directory).appendingPathComponent(".err-\(id)")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    return Launched(process: process, out: out, err: err)
}

/// A JUnit report of `cases`: (classname, name, outcome) where outcome is passed, failed, errored, skipped or
/// flaky (a Surefire `flakyFailure` in a passing testcase).
func junit(_ cases: [(String, String, String)]) -> String {
    var xml = "<?xml version=\"1.0\"?>\n<testsuite name=\"s\">\n"
    for (classname, name, outcome) in cases {
        let body =
            switch outcome {
            case "failed": "<failure message=\"boom in \(name)\" type=\"AssertionError\">at \(classname)</failure>"
            case "errored": "<error message=\"crash in \(name)\"/>"
            case "skipped": "<skipped/>"
            case "flaky": "<flakyFailure message=\"timeout in \(name)\"/>"
            default: ""
            }
        xml += "<testcase classname=\"\(classname)\" name=\"\(name)\">\(body)</testcase>\n"
    }
    return xml + "</testsuite>\n"
}
