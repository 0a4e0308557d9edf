import BuildTriageTestSupport
import Foundation
import Testing

/// Runs the built `buildtriage` binary on every `Samples/<case>/input` and compares its JSON report with
/// `Samples/<case>/expected.json` (structurally), its exit code with `expected-exit-code`, and its other
/// reports byte for byte with `expected.txt` (text, no colour), `expected.md`, `expected.github.txt` and
/// `expected.html`. `UPDATE_GOLDENS=1 swift test` rewrites the expectations instead (and says so); nothing
/// else ever does.
@Suite struct SamplesTests {
    static let packageRoot = BuildTriageTestSupport.packageRoot
    static let samples = packageRoot.appendingPathComponent("Samples")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: samples.path)) ?? [])
            .filter { FileManager.default.fileExists(atPath: samples.appendingPathComponent("\($0)/input").path) }
            .sorted()
    }

    @Test func everyInputKindHasASample() throws {
        var kinds: Set<String> = []
        for name in Self.cases {
            let data = try Data(contentsOf: Self.samples.appendingPathComponent("\(name)/expected.json"))
            let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            for input in report["inputs"] as? [[String: Any]] ?? [] where input["status"] as? String == "ok" {
                kinds.insert(input["kind"] as? String ?? "")
            }
        }
        let all: Set<String> = [
            "codebuild-batch", "codebuild-builds", "codebuild-test-cases", "codebuild-reports", "codepipeline-state",
            "codepipeline-execution", "codepipeline-executions", "codepipeline-action-executions", "codepipeline-definition",
            "junit", "nunit2", "nunit3", "trx", "xunit", "testng", "cucumber", "build-log", "eventbridge-event",
            "collect-manifest",
        ]
        #expect(all.subtracting(kinds).isEmpty, "no sample reads: \(all.subtracting(kinds).sorted())")
        #expect(Self.cases.count >= 20)
    }

    /// The formats checked byte for byte, and their expected files.
    static let renderedGoldens: [(format: String, file: String)] = [
        ("text", "expected.txt"), ("markdown", "expected.md"), ("github", "expected.github.txt"), ("html", "expected.html"),
    ]

    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDENS"] == "1" }

    @Test(arguments: cases)
    func sample(_ name: String) throws {
        let directory = Self.samples.appendingPathComponent(name)
        let run = try Binary.run(["analyze", "input", "--format", "json"], in: directory)
        let expectedJSON = directory.appendingPathComponent("expected.json")
        let expectedCode = directory.appendingPathComponent("expected-exit-code")
        if Self.updating {
            try run.stdout.write(to: expectedJSON)
            try Data("\(run.status)\n".utf8).write(to: expectedCode)
            print("UPDATE_GOLDENS: rewrote \(name)/expected.json and expected-exit-code")
            return
        }
        let actual = try JSONSerialization.jsonObject(with: run.stdout) as? NSDictionary
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: expectedJSON)) as? NSDictionary
        #expect(actual != nil && actual == expected, "\(name): the JSON report differs from expected.json; stderr: \(String(decoding: run.stderr, as: UTF8.self))")
        let code = try String(contentsOf: expectedCode, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(String(run.status) == code, "\(name): exit code")
    }

    /// Every human format of every sample, exactly as the CLI prints it (text without colour: not a terminal,
    /// and `NO_COLOR`). The exit code is the JSON run's, checked above; it must not depend on the format.
    @Test(arguments: cases)
    func renderedSample(_ name: String) throws {
        let directory = Self.samples.appendingPathComponent(name)
        let code = (try? String(contentsOf: directory.appendingPathComponent("expected-exit-code"), encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        for (format, file) in Self.renderedGoldens {
            let run = try Binary.run(["analyze", "input", "--format", format], in: directory)
            let url = directory.appendingPathComponent(file)
            if Self.updating {
                try run.stdout.write(to: url)
                print("UPDATE_GOLDENS: rewrote \(name)/\(file)")
                continue
            }
            #expect(String(run.status) == code, "\(name): --format \(format) exit code \(run.status), expected \(code ?? "?")")
            guard let expected = FileManager.default.contents(atPath: url.path) else {
                Issue.record("\(name): missing \(file): run UPDATE_GOLDENS=1 swift test --filter SamplesTests to record it")
                continue
            }
            if run.stdout != expected {
                let difference = firstDifference(String(decoding: run.stdout, as: UTF8.self), String(decoding: expected, as: UTF8.self))
                Issue.record("\(name): --format \(format) differs from \(file) (UPDATE_GOLDENS=1 to re-record):\n\(difference)")
            }
        }
    }

    /// No golden names the machine it was recorded on, and none is left over from a format that is gone.
    @Test func goldensAreRelativeAndComplete() throws {
        guard !Self.updating else { return }  // they are being written right now
        let root = Self.packageRoot.path
        for name in Self.cases {
            let directory = Self.samples.appendingPathComponent(name)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("expected") }.sorted()
            #expect(files == ["expected-exit-code", "expected.github.txt", "expected.html", "expected.json", "expected.md", "expected.txt"], "\(name)")
            for file in files {
                let text = String(decoding: FileManager.default.contents(atPath: directory.appendingPathComponent(file).path) ?? Data(), as: UTF8.self)
                #expect(!text.contains(root), "\(name)/\(file) holds an absolute path")
                #expect(!text.contains("\u{1B}"), "\(name)/\(file) holds an escape sequence")
            }
        }
    }
}

/// The built executable, run as a user would.
enum Binary {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: Data
    }

    static var url: URL { builtExecutable }

    /// Runs `executable` (the CLI unless told) with `NO_COLOR=1`, `environment` added and `removing` unset.
    static func run(
        _ arguments: [String], in directory: URL, stdin: Data? = nil, executable: URL? = nil, environment: [String: String]? = nil,
        removing: [String] = []
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable ?? url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (key, value) in environment ?? [:] { env[key] = value }
        for key in removing { env[key] = nil }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Standard error is read on its own thread so that neither pipe can fill up and stall the process.
        let errors = ErrorCollector()
        let errorHandle = err.fileHandleForReading
        let reader = Thread { errors.data = errorHandle.readDataToEndOfFile() }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = errors.wait()
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

/// Standard error of a child, read to its end on another thread.
private final class ErrorCollector: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    var data = Data() {
        didSet { done.signal() }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
