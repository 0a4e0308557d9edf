@testable import BuildTriageAnalyzers
import BuildTriageCore
import BuildTriageIngest
import Foundation
import Testing

/// External analyzers (`--plugin`): the protocol, the sample plugin, and every way a plugin can misbehave.
/// A misbehaving plugin costs its own findings and leaves a diagnostic; the built-in results stand.
@Suite struct ExternalAnalyzerTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let samplePlugin = packageRoot.appendingPathComponent("Samples/plugins/out-of-memory.py").path
    static let sampleInput = packageRoot.appendingPathComponent("Samples/plugins/out-of-memory/input").path

    /// A batch whose `linux_small` group failed, and a log attributed to it by path.
    static let batchInput: TriageInput = {
        let batch = #"""
            {"buildBatch": {"id": "web:1a2b3c4d-0000-4000-8000-000000000001", "arn": "arn:aws:codebuild:us-east-1:123456789012:build-batch/web:1a2b3c4d-0000-4000-8000-000000000001",
              "buildBatchStatus": "FAILED", "currentPhase": "FAILED", "resolvedSourceVersion": "abc123",
              "buildGroups": [
                {"identifier": "linux_small", "currentBuildSummary": {"arn": "arn:aws:codebuild:us-east-1:123456789012:build/web:00000000-0000-4000-8000-000000000002", "buildStatus": "FAILED"}},
                {"identifier": "linux_medium", "dependsOn": ["linux_small"], "currentBuildSummary": {"buildStatus": "STOPPED"}}
              ]}}
            """#
        let log = "[Container] 2026/11/21 09:12:14.000412 Entering phase BUILD\nKilled  java -jar indexer.jar\n"
        var input = TriageInput()
        for (path, text) in [("batch.json", batch), ("reports/linux_small/build.log", log)] {
            let ingested = Ingestor.read(data: Data(text.utf8), path: path)
            input.inputs.append(ingested.record)
            if let document = ingested.document { input.documents.append(SourcedDocument(path: path, document: document)) }
        }
        return input
    }()

    /// A throwaway executable.
    static func script(_ body: String, name: String = "plugin.sh") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("buildtriage-plugin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url.path
    }

    static func analyze(_ input: TriageInput, plugins: [ExternalAnalyzer]) -> AnalysisResult {
        AnalysisEngine.analyze(input, configuration: AnalysisConfiguration(plugins: plugins))
    }

    // MARK: The protocol

    @Test func theModelRoundTripsThroughJSON() throws {
        let input = Self.batchInput
        #expect(input.documents.count == 2)
        let data = try JSONEncoder().encode(input)
        #expect(try JSONDecoder().decode(TriageInput.self, from: data) == input)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let documents = try #require(object["documents"] as? [[String: Any]])
        #expect(documents.map { ($0["document"] as? [String: Any])?["kind"] as? String } == ["codebuild-batch", "build-log"])
    }

    @Test func theRequestIsWhatThePluginReads() throws {
        // The plugin saves its stdin and answers with no findings.
        let saved = FileManager.default.temporaryDirectory.appendingPathComponent("request-\(UUID().uuidString).json").path
        let plugin = try Self.script(#"cat > '\#(saved)'; echo '{"protocol": "buildtriage-plugin/1", "findings": []}'"#)
        let result = Self.analyze(Self.batchInput, plugins: [ExternalAnalyzer(executable: plugin)])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let request = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: saved))) as? [String: Any])
        #expect(request["protocol"] as? String == "buildtriage-plugin/1")
        let input = try #require(request["input"] as? [String: Any])
        #expect((input["inputs"] as? [[String: Any]])?.count == 2)
        let findings = try #require(request["findings"] as? [[String: Any]])
        #expect(findings.contains { $0["category"] as? String == "collateral" }, "the built-in findings are sent along")
    }

    @Test func theSamplePluginExplainsAnOutOfMemoryBuild() throws {
        let input = Ingestor().ingest(paths: [Self.sampleInput])
        let without = Self.analyze(input, plugins: [])
        let with = Self.analyze(input, plugins: [ExternalAnalyzer(executable: Self.samplePlugin)])
        #expect(with.diagnostics.isEmpty, "\(with.diagnostics)")
        let finding = try #require(with.findings.first { $0.analyzer == "out_of_memory" })
        #expect(finding.category == .clientError)
        #expect(finding.evidence.first?.line == 18)
        #expect(finding.evidence.first?.text.contains("OutOfMemoryError") == true)
        #expect(without.verdict == .investigate && with.verdict == .fix, "a retry would repeat an out-of-memory build")
    }

    @Test func aFindingWithNoTargetIsAttributedLikeBuiltInEvidence() throws {
        let plugin = try Self.script(
            #"cat >/dev/null; echo '{"protocol": "buildtriage-plugin/1", "analyzer": "oom", "findings": [{"category": "infrastructure", "subject": {"kind": "log", "id": "reports/linux_small/build.log"}, "message": "killed", "evidence": [{"path": "reports/linux_small/build.log", "line": 2, "text": "Killed"}]}, {"category": "infrastructure", "subject": {"kind": "build-group", "id": "linux_small"}, "message": "noisy"}]}'"#
        )
        let result = Self.analyze(Self.batchInput, plugins: [ExternalAnalyzer(executable: plugin)])
        let found = result.findings.filter { $0.analyzer == "oom" }
        #expect(found.count == 2)
        for finding in found {
            #expect(finding.target == .batch("web:1a2b3c4d-0000-4000-8000-000000000001"))
        }
        #expect(found.first { $0.subject.kind == .log }?.scope == Subject(.buildGroup, "linux_small"))
    }

    // MARK: Misbehaving plugins

    /// Each misbehaving plugin leaves exactly one diagnostic naming it, adds nothing, and the built-in results stand.
    @Test(arguments: [
        ("crash", "kill -SEGV $$", "crashed (signal 11)"),
        ("garbage", "echo 'Traceback (most recent call last):'", "is not a buildtriage-plugin/1 answer"),
        ("silent", "exit 0", "printed nothing"),
        ("failing", "echo 'no config' >&2; exit 3", "exited with status 3 (stderr: no config)"),
        ("future", #"echo '{"protocol": "buildtriage-plugin/2", "findings": []}'"#, "speaks \"buildtriage-plugin/2\""),
        ("hang", "exec sleep 30", "no answer within 1 s"),
        ("flood", "exec yes 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'", "no answer within 1 s"),
    ])
    func misbehavingPlugin(_ name: String, _ body: String, _ expected: String) throws {
        let plugin = try Self.script(body, name: "\(name).sh")
        let baseline = Self.analyze(Self.batchInput, plugins: [])
        let start = ContinuousClock.now
        let result = Self.analyze(Self.batchInput, plugins: [ExternalAnalyzer(executable: plugin, timeout: 1)])
        #expect(ContinuousClock.now - start < .seconds(10), "bounded by the time limit")
        #expect(result.diagnostics.count == 1)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.hasPrefix("plugin \(name): "), "\(diagnostic)")
        #expect(diagnostic.contains(expected), "\(diagnostic)")
        #expect(!diagnostic.contains("\n"))
        #expect(result.findings == baseline.findings)
        #expect(result.recommendations == baseline.recommendations)
    }

    @Test func aMissingPluginIsADiagnostic() {
        let result = Self.analyze(Self.batchInput, plugins: [ExternalAnalyzer(executable: "/nonexistent/plugin"), ExternalAnalyzer(executable: "no-such-plugin-on-path")])
        #expect(result.diagnostics.count == 2)
        #expect(result.diagnostics.allSatisfy { $0.contains("not an executable file") })
    }

    @Test func aPluginThatNeverReadsItsInputStillAnswers() throws {
        // 4 MB of log the plugin never reads: writing it must neither block nor kill us (SIGPIPE).
        var input = Self.batchInput
        let big = String(repeating: "[Container] 2026/11/21 09:12:14.000412 Running command make\n", count: 70_000)
        input.documents.append(SourcedDocument(path: "big.log", document: Ingestor.read(data: Data(big.utf8), path: "big.log").document!))
        let plugin = try Self.script(#"echo '{"protocol": "buildtriage-plugin/1", "findings": []}'"#)
        let result = Self.analyze(input, plugins: [ExternalAnalyzer(executable: plugin, timeout: 10)])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    }

    @Test func badFindingsAreDroppedOneByOne() throws {
        let answer = #"""
            {"protocol": "buildtriage-plugin/1", "analyzer": "Not Snake", "diagnostics": ["line one\nline two"], "findings": [
              {"category": "bogus", "subject": {"kind": "log", "id": "x"}, "message": "m"},
              {"category": "timeout", "subject": {"kind": "planet", "id": "x"}, "message": "m"},
              {"category": "timeout", "subject": {"kind": "log", "id": "x"}},
              {"category": "timeout", "subject": {"kind": "log", "id": ""}, "message": "m"},
              {"category": "timeout", "subject": {"kind": "log", "id": "x"}, "message": "m", "target": {"kind": "stage", "id": "p/s"}},
              "not an object",
              {"category": "timeout", "subject": {"kind": "log", "id": "reports/linux_small/build.log"}, "message": "the good one", "evidence": [{"text": "x", "line": -4}]}
            ]}
            """#
        let analyzer = ExternalAnalyzer(executable: "/opt/plugins/My Plugin.rb")
        let context = AnalysisContext(input: Self.batchInput, retryBudget: 2)
        let outcome = analyzer.interpret(Data(answer.utf8), context: context, label: "plugin \(analyzer.name)")
        #expect(analyzer.name == "my_plugin")
        #expect(outcome.findings.count == 1)
        let good = try #require(outcome.findings.first)
        #expect(good.analyzer == "my_plugin" && good.message == "the good one" && good.evidence.first?.line == nil)
        let expected = [
            "plugin my_plugin: line one line two",
            "plugin my_plugin: analyzer id \"Not Snake\" is not snake_case; \"my_plugin\" is used",
            "plugin my_plugin: finding #1 ignored: category is not one of client-error, infrastructure, timeout, collateral, flaky, test-failure, build-failure, stopped, ignored",
            "plugin my_plugin: finding #2 ignored: subject.kind is not a known kind",
            "plugin my_plugin: finding #3 ignored: message is missing",
            "plugin my_plugin: finding #4 ignored: subject id is empty or too long",
            "plugin my_plugin: finding #5 ignored: a stage target needs pipelineName and stageName",
            "plugin my_plugin: finding #6 ignored: the finding has the wrong type",
        ]
        #expect(outcome.diagnostics == expected)
    }

    @Test func pluginNamesAreSnakeCase() {
        #expect(ExternalAnalyzer(executable: "Samples/plugins/out-of-memory.py").name == "out_of_memory")
        #expect(ExternalAnalyzer(executable: "./42-checks").name == "plugin_42_checks")
        #expect(ExternalAnalyzer(executable: "/usr/bin/---").name == "plugin")
    }
}
