import Foundation
import Testing

/// Runs the built `buildtriage` binary on every `Samples/<case>/input` and compares its JSON report with
/// `Samples/<case>/expected.json` (structurally) and its exit code with `expected-exit-code`.
/// `UPDATE_GOLDENS=1 swift test` rewrites the expectations instead (and says so); nothing else ever does.
@Suite struct SamplesTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
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
            "junit", "build-log",
        ]
        #expect(all.subtracting(kinds).isEmpty, "no sample reads: \(all.subtracting(kinds).sorted())")
        #expect(Self.cases.count >= 20)
    }

    @Test(arguments: cases)
    func sample(_ name: String) throws {
        let directory = Self.samples.appendingPathComponent(name)
        let run = try Binary.run(["analyze", "input", "--format", "json"], in: directory)
        let expectedJSON = directory.appendingPathComponent("expected.json")
        let expectedCode = directory.appendingPathComponent("expected-exit-code")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDENS"] == "1" {
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
}

/// The built executable, run as a user would.
enum Binary {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: Data
    }

    static var url: URL {
        // Swift Testing runs inside the build products directory's test bundle; the executable sits beside it.
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("buildtriage")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return SamplesTests.packageRoot.appendingPathComponent(".build/debug/buildtriage")
    }

    static func run(_ arguments: [String], in directory: URL, stdin: Data? = nil, environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (key, value) in environment ?? [:] { env[key] = value }
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
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
