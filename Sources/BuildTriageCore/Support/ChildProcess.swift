public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs one program with no shell: optional bytes on stdin, stdout and stderr captured up to a limit, and a
/// time limit after which the program gets SIGTERM, then SIGKILL. Used for the aws CLI (retries) and for
/// external analyzers (`--plugin`), which are both programs the tool does not trust to behave.
public struct ChildProcess: Sendable {
    public var executable: String
    public var arguments: [String]
    /// The child's whole environment; nil inherits this process's environment.
    public var environment: [String: String]?
    /// The child's working directory; nil keeps the current one.
    public var currentDirectory: URL?
    /// Bytes written to the child's stdin, which is then closed; nil connects stdin to /dev/null.
    public var input: Data?
    /// The time limit, from launch to exit.
    public var timeout: Duration
    /// How long SIGTERM has to work before SIGKILL.
    public var killGrace: Duration
    /// Bytes kept of each of stdout and stderr; the rest is read and dropped, so the child never blocks on a
    /// full pipe, and memory stays bounded whatever it prints.
    public var maxOutputBytes: Int

    public init(
        executable: String, arguments: [String] = [], environment: [String: String]? = nil, currentDirectory: URL? = nil,
        input: Data? = nil, timeout: Duration, killGrace: Duration = .seconds(2), maxOutputBytes: Int = 64 * 1024 * 1024
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.currentDirectory = currentDirectory
        self.input = input
        self.timeout = timeout
        self.killGrace = killGrace
        self.maxOutputBytes = maxOutputBytes
    }

    /// What the child did.
    public struct Outcome: Sendable, Hashable {
        /// Why the program could not be started; nil when it ran.
        public var launchError: String?
        /// The exit status, or the signal number when `killedBySignal`; nil when it never ran.
        public var exitStatus: Int32?
        public var killedBySignal: Bool
        /// The time limit was reached and the child was killed.
        public var timedOut: Bool
        public var stdout: Data
        public var stderr: Data
        /// More than `maxOutputBytes` was printed on the stream; the kept bytes are its beginning.
        public var stdoutTruncated: Bool
        public var stderrTruncated: Bool

        /// Exited by itself with status 0 within the time limit.
        public var succeeded: Bool { launchError == nil && !timedOut && !killedBySignal && exitStatus == 0 }
    }

    public func run() -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let inPipe = input == nil ? nil : Pipe()
        process.standardInput = inPipe ?? FileHandle.nullDevice
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        var outcome = Outcome(
            launchError: nil, exitStatus: nil, killedBySignal: false, timedOut: false, stdout: Data(), stderr: Data(),
            stdoutTruncated: false, stderrTruncated: false)
        if inPipe != nil { Self.ignoreSIGPIPE() }
        do {
            try Self.launch(process)
        } catch {
            outcome.launchError = "cannot run \(executable): \(error.localizedDescription)"
            return outcome
        }
        // Our copies of the child's ends must close, or EOF never comes.
        try? outPipe.fileHandleForWriting.close()
        try? errPipe.fileHandleForWriting.close()
        if let inPipe, let input {
            try? inPipe.fileHandleForReading.close()
            let writer = inPipe.fileHandleForWriting
            // A child that stops reading (or never reads) must not block us: write on another thread, and treat
            // EPIPE as "the child did not want the rest".
            DispatchQueue.global().async {
                try? writer.write(contentsOf: input)
                try? writer.close()
            }
        }
        // Read both pipes while the child runs, so a full pipe can never stall it.
        let out = CappedPipeReader(outPipe.fileHandleForReading, limit: maxOutputBytes)
        let err = CappedPipeReader(errPipe.fileHandleForReading, limit: maxOutputBytes)
        if exited.wait(timeout: .now() + Self.dispatchInterval(timeout)) == .timedOut {
            outcome.timedOut = true
            process.terminate()
            if exited.wait(timeout: .now() + Self.dispatchInterval(killGrace)) == .timedOut {
                kill(process.processIdentifier, SIGKILL)
                exited.wait()
            }
        }
        // A grandchild could keep a pipe open: never wait for output for long once the child has gone.
        (outcome.stdout, outcome.stdoutTruncated) = out.collected(waitingUntil: .now() + .seconds(5))
        (outcome.stderr, outcome.stderrTruncated) = err.collected(waitingUntil: .now() + .seconds(5))
        outcome.exitStatus = process.terminationStatus
        outcome.killedBySignal = process.terminationReason == .uncaughtSignal
        return outcome
    }

    /// The first executable regular file called `name` in the directories of `path` (a `PATH` value).
    /// Empty and relative entries are skipped: they would name the current directory, which is never trusted.
    public static func findExecutable(named name: String, in path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        guard let path, !name.isEmpty, !name.contains("/") else { return nil }
        for directory in path.split(separator: ":", omittingEmptySubsequences: true) where directory.hasPrefix("/") {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(name)" : "\(directory)/\(name)"
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// Whether `path` is a regular file this process may execute.
    public static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }

    /// Writing to a pipe whose reader has gone raises SIGPIPE, which would end this whole process; ignored, the
    /// write fails with EPIPE instead. A command-line tool never wants the signal.
    private static func ignoreSIGPIPE() {
        _ = ignoreOnce
    }

    private static let ignoreOnce: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    /// Starts `process` from a new thread whose signal mask is empty. The child inherits the mask of the
    /// thread that spawns it, and Dispatch and Swift-concurrency worker threads block almost every signal:
    /// launched from one of them, the child would ignore SIGTERM (and Ctrl-C) for its whole life (seen: a
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

/// The outcome of `ChildProcess.launch`, handed from the launching thread (written before `done` is signalled).
private final class LaunchState: @unchecked Sendable {
    var error: (any Error)?
    let done = DispatchSemaphore(value: 0)
}

/// Drains one pipe on a background queue, keeping at most `limit` bytes.
private final class CappedPipeReader: @unchecked Sendable {
    private var data = Data()
    private var truncated = false
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle, limit: Int) {
        DispatchQueue.global().async {
            var kept = Data()
            var truncated = false
            while let chunk = try? handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
                let room = limit - kept.count
                if chunk.count <= room {
                    kept.append(chunk)
                } else {
                    if room > 0 { kept.append(chunk.prefix(room)) }
                    truncated = true
                }
            }
            try? handle.close()
            self.data = kept
            self.truncated = truncated
            self.done.signal()
        }
    }

    /// The bytes read until end of file, or nothing if the end does not come by `deadline`.
    func collected(waitingUntil deadline: DispatchTime) -> (Data, Bool) {
        done.wait(timeout: deadline) == .success ? (data, truncated) : (Data(), false)
    }
}
