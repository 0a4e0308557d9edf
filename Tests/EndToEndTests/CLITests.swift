import Foundation
import Testing

/// The contract's headline cases, asserted field by field (the goldens pin everything else).
@Suite struct CLITests {
    static let samples = SamplesTests.samples

    func report(_ name: String, _ extra: [String] = []) throws -> ([String: Any], Int32) {
        let run = try Binary.run(["analyze", "input", "--format", "json"] + extra, in: Self.samples.appendingPathComponent(name))
        let json = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        return (json, run.status)
    }

    func findings(_ report: [String: Any]) -> [[String: Any]] { report["findings"] as? [[String: Any]] ?? [] }
    func recommendations(_ report: [String: Any]) -> [[String: Any]] { report["recommendations"] as? [[String: Any]] ?? [] }

    @Test func seedBatchInProgressWaitsWithCollateralAndNoCommand() throws {
        let (report, status) = try report("seed-batch-in-progress")
        #expect(report["verdict"] as? String == "wait")
        #expect(status == 3)
        let byGroup = Dictionary(findings(report).map { (($0["subject"] as? [String: Any])?["id"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        let root = try #require(byGroup["linux_small"])
        for group in ["linux_medium", "linux_large"] {
            let finding = try #require(byGroup[group])
            #expect(finding["category"] as? String == "collateral")
            #expect(finding["rootCause"] as? String == root["id"] as? String)
        }
        #expect(recommendations(report).allSatisfy { $0["command"] == nil && $0["action"] as? String == "wait" })
    }

    @Test func seedBatchFailedIsFixWithTheClientErrorExplained() throws {
        let (report, status) = try report("seed-batch-failed")
        #expect(report["verdict"] as? String == "fix")
        #expect(status == 1)
        let root = try #require(findings(report).first { ($0["subject"] as? [String: Any])?["id"] as? String == "linux_small" })
        #expect(root["category"] as? String == "client-error")
        #expect((root["message"] as? String ?? "").contains("client error"))
        #expect(recommendations(report).first?["command"] == nil)
    }

    @Test func retryBudgetFlagChangesTheDecision() throws {
        let (strict, _) = try report("timeout-first-retry", ["--retry-budget", "0"])
        #expect(strict["verdict"] as? String == "investigate")
        let (normal, status) = try report("timeout-first-retry")
        #expect(normal["verdict"] as? String == "retry")
        #expect(status == 2)
        #expect((recommendations(normal).first?["command"] as? [String])?.starts(with: ["aws", "codebuild", "retry-build"]) == true)
    }

    @Test func aStageWithAFailedActionWhileAnotherRunsIsRetriedWithFailedActionsOnly() throws {
        let (normal, status) = try report("stage-failed-action-while-running")
        #expect(normal["verdict"] as? String == "retry")
        #expect(status == 2)
        let command = recommendations(normal).first?["command"] as? [String] ?? []
        #expect(command.starts(with: ["aws", "codepipeline", "retry-stage-execution"]))
        #expect(command.suffix(2) == ["--retry-mode", "FAILED_ACTIONS"])
        // ALL_ACTIONS is refused while an action runs: the same input asked with --retry-mode all is blocked.
        let (all, _) = try report("stage-failed-action-while-running", ["--retry-mode", "all"])
        let blocked = try #require(recommendations(all).first)
        #expect(blocked["action"] as? String == "investigate")
        #expect(blocked["command"] == nil)
        #expect((blocked["blockedBy"] as? [String] ?? []).contains { $0.hasPrefix("ALL_ACTIONS while an action is still in progress") })
    }

    @Test func exitZeroAndStdin() throws {
        let directory = Self.samples.appendingPathComponent("seed-batch-failed")
        let data = try Data(contentsOf: directory.appendingPathComponent("input/batch-get-build-batches.json"))
        let run = try Binary.run(["analyze", "-", "--format", "json", "--exit-zero"], in: directory, stdin: data)
        #expect(run.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        #expect(json["verdict"] as? String == "fix")
        #expect((json["inputs"] as? [[String: Any]])?.first?["path"] as? String == "-")
    }

    @Test func unreadableInputsAreListedAndTheRestIsRead() throws {
        let (report, status) = try report("unreadable-inputs")
        #expect(status == 4)
        let inputs = report["inputs"] as? [[String: Any]] ?? []
        let errors = inputs.filter { $0["status"] as? String == "error" }
        #expect(errors.count == 4)
        #expect(errors.allSatisfy { ($0["diagnostic"] as? String ?? "").hasPrefix($0["path"] as? String ?? "?") })
        #expect((report["tests"] as? [String: Any])?["total"] as? Int == 1)
    }

    @Test func usageErrorsExit64() throws {
        let run = try Binary.run(["analyze"], in: Self.samples)
        #expect(run.status == 64)
        let version = try Binary.run(["--version"], in: Self.samples)
        #expect(version.status == 0 && !version.stdout.isEmpty)
    }

    @Test func analyzersAndRulesTest() throws {
        let list = try Binary.run(["analyzers"], in: Self.samples)
        #expect(String(decoding: list.stdout, as: UTF8.self).contains("collateral"))
        let rules = try Binary.run(["rules", "test"], in: Self.samples)
        #expect(rules.status == 0, "\(String(decoding: rules.stdout, as: UTF8.self))")
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("bad-rules-\(UUID().uuidString).yml")
        try Data("rules:\n  - id: never\n    category: infrastructure\n    patterns: ['x{3}']\n    examples:\n      match: ['xx']\n".utf8).write(to: bad)
        let failing = try Binary.run(["rules", "test", bad.path], in: Self.samples)
        #expect(failing.status == 1)
        #expect(String(decoding: failing.stdout, as: UTF8.self).contains("does not match"))
    }
}
