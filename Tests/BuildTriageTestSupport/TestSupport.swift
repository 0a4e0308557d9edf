public import Foundation

// What several test targets need alike: scratch directories, executable scripts, and the built `buildtriage`.

/// The package's root directory (this file is `Tests/BuildTriageTestSupport/TestSupport.swift`).
public let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The `buildtriage` executable built beside the test bundle (Swift Testing runs inside the build products
/// directory), else `.build/debug/buildtriage`.
public var builtExecutable: URL {
    var directory = Bundle.main.bundleURL
    for _ in 0..<4 {
        let candidate = directory.appendingPathComponent("buildtriage")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        directory = directory.deletingLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug/buildtriage")
}

/// A fresh directory under the system temporary directory, removed by `cleanUp()`.
public struct ScratchDirectory: Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(_ label: String = "test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("buildtriage-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func cleanUp() { try? FileManager.default.removeItem(at: url) }

    /// The path of `name` inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `data` to `name` (intermediate directories created) and returns its path.
    @discardableResult
    public func write(_ data: Data, to name: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
        return file.path
    }

    @discardableResult
    public func write(_ bytes: some Sequence<UInt8>, to name: String) throws -> String {
        try write(Data(bytes), to: name)
    }

    /// Writes `text` to `name`, as an executable script when asked (see `writeExecutable`), and returns its path.
    @discardableResult
    public func write(_ text: String, to name: String, executable: Bool = false) throws -> String {
        guard executable else { return try write(Data(text.utf8), to: name) }
        let path = path(name)
        try writeExecutable(text, to: path)
        return path
    }
}

/// Writes an executable script from a child `sh`, so that this process never holds it open for writing: tests
/// run in parallel, and a process another test spawns at that moment would inherit the descriptor and make
/// every exec of the script fail with "Text file busy" (ETXTBSY) while it lives.
public func writeExecutable(_ text: String, to path: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "printf '%s' \"$1\" > \"$2\" && chmod 755 \"$2\"", "sh", text, path]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw POSIXError(.EIO) }
}

/// The first line where `actual` and `expected` differ, for a golden file's failure message.
public func firstDifference(_ actual: String, _ expected: String) -> String {
    let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
    for index in 0..<max(actualLines.count, expectedLines.count) {
        let left = index < actualLines.count ? String(actualLines[index]) : "<end>"
        let right = index < expectedLines.count ? String(expectedLines[index]) : "<end>"
        if left != right { return "line \(index + 1):\n  actual:   \(left)\n  expected: \(right)" }
    }
    return "(no line differs)"
}

/// Markdown cut at its code fences (a line opening with a run of backticks, closed by the same run): the lines
/// outside any fence, the lines inside, and whether a fence was left open.
public func markdownFences(_ markdown: String) -> (outside: [Substring], code: [Substring], unclosed: Bool) {
    var outside: [Substring] = []
    var code: [Substring] = []
    var fence: Substring?
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
        if let open = fence {
            if line == open { fence = nil } else { code.append(line) }
        } else if line.hasPrefix("```") {
            fence = line.prefix { $0 == "`" }
        } else {
            outside.append(line)
        }
    }
    return (outside, code, fence != nil)
}

/// A reproducible generator (the standard library's is seeded from the system): SplitMix64.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}

/// `data` compressed by `/bin/gzip` (a real gzip file, as CodeBuild and S3 exports write them).
public func gzipped(_ data: Data) throws -> Data {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-c"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    // Written from another thread: gzip's output pipe would fill while this one still writes.
    DispatchQueue.global().async {
        input.fileHandleForWriting.write(data)
        try? input.fileHandleForWriting.close()
    }
    let compressed = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return compressed
}

/// Runs blocking work (waiting for a child process, sleeping) on a thread of its own, so that an async test never
/// holds one of the few threads of Swift's concurrency pool while it waits: the other tests' tasks (and any
/// transaction they hold open on a shared server) keep running.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// Runs `executable` with `arguments` and waits for it, without Foundation's `Process`: `posix_spawn` with an empty
/// signal mask and default signal handling (so that a server it starts hears its stop signals), standard output
/// read through a pipe, standard error discarded, and `waitpid`. Other descriptors are inherited as `posix_spawn`
/// leaves them: a child that starts a server must close them (Scripts/postgres-test-server.sh does). Returns the exit status and standard output.
public func spawnAndWait(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String) {
    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { throw SpawnError(description: "pipe failed") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addclose(&actions, fds[0])
    posix_spawn_file_actions_addclose(&actions, fds[1])
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
    close(fds[1])
    guard spawned == 0 else {
        close(fds[0])
        throw SpawnError(description: "\(executable): \(String(cString: strerror(spawned)))")
    }
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4_096)
    while true {
        let count = read(fds[0], &buffer, buffer.count)
        if count > 0 { output += buffer[0..<count] } else if count == 0 || errno != EINTR { break }
    }
    close(fds[0])
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let exited = status & 0x7f == 0
    return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), String(decoding: output, as: UTF8.self))
}
