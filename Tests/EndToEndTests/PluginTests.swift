import Foundation
import Testing

/// `--plugin` end to end: the sample plugin in `Samples/plugins/` over its own scenario (expected JSON and exit
/// code beside it, rewritten only with UPDATE_GOLDENS=1), and a misbehaving plugin seen from the command line.
@Suite struct PluginTests {
    static let plugins = SamplesTests.samples.appendingPathComponent("plugins")

    @Test func theSamplePluginRunsEndToEnd() throws {
        let directory = Self.plugins.appendingPathComponent("out-of-memory")
        let run = try Binary.run(["analyze", "input", "--plugin", "../out-of-memory.py", "--format", "json"], in: directory)
        let expectedJSON = directory.appendingPathComponent("expected.json")
        let expectedCode = directory.appendingPathComponent("expected-exit-code")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDENS"] == "1" {
            try run.stdout.write(to: expectedJSON)
            try Data("\(run.status)\n".utf8).write(to: expectedCode)
            print("UPDATE_GOLDENS: rewrote plugins/out-of-memory/expected.json and expected-exit-code")
            return
        }
        #expect(run.stderr.isEmpty, "\(String(decoding: run.stderr, as: UTF8.self))")
        let actual = try JSONSerialization.jsonObject(with: run.stdout) as? NSDictionary
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: expectedJSON)) as? NSDictionary
        #expect(actual != nil && actual == expected, "the JSON report differs from expected.json")
        let code = try String(contentsOf: expectedCode, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(String(run.status) == code)
    }

    @Test func aHangingPluginIsStoppedAndTheRestStands() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("buildtriage-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let plugin = directory.appendingPathComponent("stuck")
        try Data("#!/bin/sh\nexec sleep 60\n".utf8).write(to: plugin)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: plugin.path)
        let sample = SamplesTests.samples.appendingPathComponent("seed-batch-failed")

        let baseline = try Binary.run(["analyze", "input", "--format", "json"], in: sample)
        let start = ContinuousClock.now
        let run = try Binary.run(["analyze", "input", "--format", "json", "--plugin", plugin.path, "--plugin-timeout", "1"], in: sample)
        #expect(ContinuousClock.now - start < .seconds(15))
        let stderr = String(decoding: run.stderr, as: UTF8.self)
        #expect(stderr == "buildtriage: plugin stuck: no answer within 1 s, so it was stopped; its findings are ignored\n")
        #expect(run.status == baseline.status, "a plugin's failure does not change the verdict's exit code")
        let report = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        let plain = try #require(try JSONSerialization.jsonObject(with: baseline.stdout) as? [String: Any])
        #expect((report["findings"] as? NSArray) == (plain["findings"] as? NSArray))
        #expect((report["recommendations"] as? NSArray) == (plain["recommendations"] as? NSArray))
        #expect((report["diagnostics"] as? [String])?.count == 1)
    }

    @Test func aBadPluginTimeoutIsAUsageError() throws {
        let sample = SamplesTests.samples.appendingPathComponent("seed-batch-failed")
        let run = try Binary.run(["analyze", "input", "--plugin", "x", "--plugin-timeout", "0"], in: sample)
        #expect(run.status == 64)
    }
}

/// `--rules` with a broken file: a diagnostic naming it, and the run's other results stand.
@Suite struct BadRuleFileTests {
    @Test(arguments: [
        "rules: [unclosed\n",
        "rules:\n  - id: nested\n    category: infrastructure\n    patterns: ['(a+)+b']\n",
        "rules:\n  - id: Bad-Id\n    category: infrastructure\n    patterns: ['x']\n",
        "rules:\n  - id: wrong_category\n    category: sunspots\n    patterns: ['x']\n",
    ])
    func aBadRuleFileIsADiagnostic(_ yaml: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString).yml")
        try Data(yaml.utf8).write(to: file)
        let sample = SamplesTests.samples.appendingPathComponent("build-log-transient")
        let baseline = try Binary.run(["analyze", "input", "--format", "json"], in: sample)
        let run = try Binary.run(["analyze", "input", "--format", "json", "--rules", file.path], in: sample)
        #expect(run.status == baseline.status)
        let report = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        let plain = try #require(try JSONSerialization.jsonObject(with: baseline.stdout) as? [String: Any])
        #expect((report["findings"] as? NSArray) == (plain["findings"] as? NSArray))
        let diagnostics = report["diagnostics"] as? [String] ?? []
        #expect(diagnostics.count == 1 && diagnostics.first?.contains(file.path) == true, "\(diagnostics)")
        #expect(String(decoding: run.stderr, as: UTF8.self).contains(file.path))
    }
}
