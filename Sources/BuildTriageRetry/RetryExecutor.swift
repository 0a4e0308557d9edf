public import Foundation
import BuildTriageCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What running a retry command produced.
public struct RetryExecutionResult: Hashable, Sendable {
    /// The argv that was run (`argv[0]` is the aws executable's path).
    public var argv: [String]
    /// True when the CLI exited with status 0 within the time limit.
    public var succeeded: Bool
    /// The exit status; nil when the CLI could not be started. When killed, the signal number.
    public var exitStatus: Int32?
    /// True when the process ended because of a signal (for instance after the time limit).
    public var killedBySignal: Bool
    /// True when the time limit was reached and the CLI was killed.
    public var timedOut: Bool
    /// Everything the CLI printed on stdout (for a retry: the response JSON).
    public var stdout: String
    /// Everything the CLI printed on stderr.
    public var stderr: String
    /// The classified failure; nil on success.
    public var error: AWSCLIError?

    /// The service error code (`StageNotRetryableException`...), when the service answered with an error.
    public var errorCode: String? { error?.code }
    /// The error message, when something failed.
    public var errorMessage: String? { error?.message }
    /// What the error means, when known.
    public var meaning: String? { error?.meaning }
}

/// Runs retry commands with the aws CLI: no shell, no stdin, output captured, a time limit.
public struct RetryExecutor: Sendable {
    /// The aws executable that replaces `argv[0]` ("aws").
    public var awsPath: String
    /// The child's whole environment; nil inherits this process's environment.
    public var environment: [String: String]?
    /// The time limit; the CLI gets SIGTERM when it is reached, then SIGKILL 2 s later.
    public var timeout: Duration
    /// The child's working directory (matters for relative `file://` paths); nil keeps the current one.
    public var currentDirectory: URL?

    /// An executor for the aws CLI at `awsPath` (see `findAWS(in:)`).
    public init(awsPath: String, environment: [String: String]? = nil, timeout: Duration = .seconds(120), currentDirectory: URL? = nil) {
        self.awsPath = awsPath
        self.environment = environment
        self.timeout = timeout
        self.currentDirectory = currentDirectory
    }

    /// Runs `command.argv`.
    public func run(_ command: RetryCommand) -> RetryExecutionResult {
        run(argv: command.argv)
    }

    /// Runs an argv whose first element names the CLI (normally "aws"; replaced by `awsPath`), for instance
    /// `RetryCommand.cliInputJsonArgv(filePath:)`.
    public func run(argv: [String]) -> RetryExecutionResult {
        let arguments = Array(argv.dropFirst())
        let child = ChildProcess(
            executable: awsPath, arguments: arguments, environment: environment, currentDirectory: currentDirectory, timeout: timeout)
        let outcome = child.run()
        var result = RetryExecutionResult(
            argv: [awsPath] + arguments, succeeded: outcome.succeeded, exitStatus: outcome.exitStatus,
            killedBySignal: outcome.killedBySignal, timedOut: outcome.timedOut,
            stdout: String(decoding: outcome.stdout, as: UTF8.self), stderr: String(decoding: outcome.stderr, as: UTF8.self), error: nil)
        if let launchError = outcome.launchError {
            result.error = AWSCLIError(kind: .launchFailed, message: launchError)
        } else if result.timedOut {
            result.error = AWSCLIError(kind: .timeout, message: "the aws CLI did not finish within \(timeout); it was killed", isTransient: true)
        } else if !result.succeeded {
            let status = outcome.exitStatus ?? -1
            result.error = AWSCLIError.parse(stderr: result.stderr, exitStatus: status == 0 ? -1 : status)
        }
        return result
    }

    /// The first executable regular file named `aws` in the directories of `path` (a `PATH` value).
    /// Empty and relative entries are skipped: they would name the current directory, which is never trusted.
    public static func findAWS(in path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        ChildProcess.findExecutable(named: "aws", in: path)
    }
}
