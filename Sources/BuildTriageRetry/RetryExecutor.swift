public import Foundation

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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: awsPath)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardInput = FileHandle.nullDevice
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        var result = RetryExecutionResult(
            argv: [awsPath] + arguments, succeeded: false, exitStatus: nil, killedBySignal: false, timedOut: false,
            stdout: "", stderr: "", error: nil)
        do {
            try Self.launch(process)
        } catch {
            result.error = AWSCLIError(kind: .launchFailed, message: "cannot run \(awsPath): \(error.localizedDescription)")
            return result
        }
        // Read both pipes while the child runs, so a full pipe can never stall it.
        let out = PipeReader(outPipe.fileHandleForReading)
        let err = PipeReader(errPipe.fileHandleForReading)
        if exited.wait(timeout: .now() + Self.dispatchInterval(timeout)) == .timedOut {
            result.timedOut = true
            process.terminate()
            if exited.wait(timeout: .now() + .seconds(2)) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
        }
        // A grandchild could keep a pipe open: never wait for output for long once the CLI has gone.
        result.stdout = String(decoding: out.collected(waitingUntil: .now() + .seconds(5)), as: UTF8.self)
        result.stderr = String(decoding: err.collected(waitingUntil: .now() + .seconds(5)), as: UTF8.self)
        result.exitStatus = process.terminationStatus
        result.killedBySignal = process.terminationReason == .uncaughtSignal
        result.succeeded = !result.timedOut && !result.killedBySignal && process.terminationStatus == 0
        if result.timedOut {
            result.error = AWSCLIError(kind: .timeout, message: "the aws CLI did not finish within \(timeout); it was killed", isTransient: true)
        } else if !result.succeeded {
            result.error = AWSCLIError.parse(stderr: result.stderr, exitStatus: process.terminationStatus == 0 ? -1 : process.terminationStatus)
        }
        return result
    }

    /// The first executable regular file named `aws` in the directories of `path` (a `PATH` value).
    /// Empty and relative entries are skipped: they would name the current directory, which is never trusted.
    public static func findAWS(in path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        guard let path else { return nil }
        for directory in path.split(separator: ":", omittingEmptySubsequences: true) where directory.hasPrefix("/") {
            let candidate = directory.hasSuffix("/") ? "\(directory)aws" : "\(directory)/aws"
            var info = stat()
            if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    /// Starts `process` from a new thread whose signal mask is empty. The child inherits the mask of the
    /// thread that spawns it, and Dispatch and Swift-concurrency worker threads block almost every signal:
    /// launched from one of them, the CLI would ignore SIGTERM (and Ctrl-C) for its whole life (seen: a
    /// `sleep` needing SIGKILL, the aws stub outliving SIGTERM).
    static func launch(_ process: Process) throws {
        let launch = LaunchState()
        let thread = Thread {
            var empty = sigset_t()
            sigemptyset(&empty)
            pthread_sigmask(SIG_SETMASK, &empty, nil)
            do {
                try process.run()
            } catch {
                launch.error = error
            }
            launch.done.signal()
        }
        thread.start()
        launch.done.wait()
        if let error = launch.error { throw error }
    }

    static func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        let clamped = max(0, min(seconds, Int64(Int32.max)))
        return .nanoseconds(Int(clamped) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }
}

/// The outcome of `RetryExecutor.launch`, handed from the launching thread (written before `done` is signalled).
private final class LaunchState: @unchecked Sendable {
    var error: (any Error)?
    let done = DispatchSemaphore(value: 0)
}

/// Drains one pipe on a background queue.
private final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        DispatchQueue.global().async {
            let bytes = (try? handle.readToEnd()) ?? Data()
            self.data = bytes
            self.done.signal()
        }
    }

    /// The bytes read until end of file, or nothing if the end does not come by `deadline`.
    func collected(waitingUntil deadline: DispatchTime) -> Data {
        done.wait(timeout: deadline) == .success ? data : Data()
    }
}
