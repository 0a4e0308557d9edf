public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// The loopback aws endpoint stub (`Tests/AWSStub/aws-stub-endpoint.py`) and the environment of every aws call in
// tests: shared by the retry tests and the collect tests.

/// `Tests/AWSStub/aws-stub-endpoint.py` of this package, or `$BUILDTRIAGE_AWS_STUB`.
public let awsStubScript =
    ProcessInfo.processInfo.environment["BUILDTRIAGE_AWS_STUB"]
    ?? packageRoot.appendingPathComponent("Tests/AWSStub/aws-stub-endpoint.py").path

/// The first executable `name` in this process's PATH (absolute directories only).
public func executableOnPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    for directory in path.split(separator: ":") where directory.hasPrefix("/") {
        let candidate = "\(directory)/\(name)"
        if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
}

/// The aws CLI on PATH, if any.
public var awsOnPath: String? { executableOnPath("aws") }

/// The loopback AWS stub, one per test, stopped by `stop()`.
public final class AWSStub {
    public let directory: ScratchDirectory
    public let process = Process()
    public let logPath: String
    public let port: Int

    public enum StubError: Error, CustomStringConvertible {
        case noPython, noScript(String), noPort

        public var description: String {
            switch self {
            case .noPython: "python3 not found on PATH (needed by the aws stub)"
            case .noScript(let path): "aws stub not found at \(path)"
            case .noPort: "the aws stub did not say its port"
            }
        }
    }

    /// A stub answering with `responses` (canned answers by operation) and `world` (the stub's small world of
    /// builds, reports, logs and pipelines), both JSON texts.
    public init(responses: String? = nil, world: String? = nil, maxRequests: Int = 50) throws {
        guard let python = executableOnPath("python3") else { throw StubError.noPython }
        guard FileManager.default.fileExists(atPath: awsStubScript) else { throw StubError.noScript(awsStubScript) }
        directory = try ScratchDirectory("stub")
        logPath = directory.url.appendingPathComponent("requests.jsonl").path
        let portFile = directory.url.appendingPathComponent("port").path
        var arguments = [
            awsStubScript, "--port", "0", "--log", logPath, "--port-file", portFile, "--idle-timeout", "60", "--max-requests", String(maxRequests),
        ]
        if let responses {
            arguments += ["--responses", try directory.write(responses, to: "responses.json")]
        }
        if let world {
            arguments += ["--world", try directory.write(world, to: "world.json")]
        }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try launchWithCleanSignalMask(process)
        var found: Int?
        for _ in 0..<100 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let value = Int(text) {
                found = value
                break
            }
            usleep(100_000)
        }
        guard let found else {
            process.terminate()
            throw StubError.noPort
        }
        port = found
    }

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// The logged requests, in order.
    public func requests() throws -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map {
            guard let object = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] else {
                throw CocoaError(.fileReadCorruptFile)
            }
            return object
        }
    }

    /// SIGTERM, then SIGKILL if the stub is still there 5 s later.
    public func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = ContinuousClock.now + .seconds(5)
            while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        directory.cleanUp()
    }
}

/// The environment of every aws call: fake credentials, no config, a throw-away HOME, PATH kept (the aws
/// executable may be a pyenv shim that needs it).
public func awsEnvironment(home: String) -> [String: String] {
    var environment = [
        "HOME": home, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    ]
    let inherited = ProcessInfo.processInfo.environment
    for key in ["PATH", "PYENV_ROOT", "PYENV_VERSION", "VIRTUAL_ENV", "LANG"] { environment[key] = inherited[key] }
    return environment
}

/// Starts `process` from a thread with an empty signal mask, so that SIGTERM reaches it (a child inherits the
/// spawning thread's mask, and test worker threads block nearly everything).
public func launchWithCleanSignalMask(_ process: Process) throws {
    final class State: @unchecked Sendable {
        var error: (any Error)?
        let done = DispatchSemaphore(value: 0)
    }
    let state = State()
    let thread = Thread {
        var empty = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, nil)
        do { try process.run() } catch { state.error = error }
        state.done.signal()
    }
    thread.start()
    state.done.wait()
    if let error = state.error { throw error }
}
