import BuildTriageIngest
import BuildTriageKit
import Foundation
import Testing

/// Real AWS CLI outputs written by other projects (`Tests/Corpus/aws`): each is detected as its kind and
/// read, and yields the findings Docs/decisions.md calls for.
@Suite struct AWSCorpusTests {
    static let corpus = Place.corpus.appendingPathComponent("aws")

    /// file → expected kind; nil: a response that holds nothing to analyze (ignored, with a note naming what to
    /// save instead).
    static let kinds: [String: String?] = [
        "codebuild-batch-get-build-batches-1.json": "codebuild-batch",
        "codebuild-batch-get-builds-1.json": "codebuild-builds",
        "codebuild-batch-get-builds-botocore.json": "codebuild-builds",
        "codebuild-batch-get-reports-1.json": "codebuild-reports",
        "codebuild-describe-test-cases-1.json": "codebuild-test-cases",
        "codebuild-list-build-batches-1.json": nil,
        "codebuild-list-build-batches-for-project-1.json": nil,
        "codebuild-retry-build-1.json": "codebuild-builds",
        "codebuild-retry-build-batch-1.json": "codebuild-batch",
        "codebuild-start-build-batch-1.json": "codebuild-batch",
        "codebuild-stop-build-batch-1.json": "codebuild-batch",
        "codepipeline-get-pipeline-1.json": "codepipeline-definition",
        "codepipeline-get-pipeline-state-1.json": "codepipeline-state",
        "codepipeline-list-action-executions-1.json": "codepipeline-action-executions",
        "codepipeline-list-pipeline-executions-1.json": "codepipeline-executions",
        "codepipeline-retry-stage-execution-1.json": nil,
    ]

    @Test func everyCorpusFileIsKnownToThisTest() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".json") }
        #expect(!files.isEmpty, "the corpus is at \(Self.corpus.path)")
        #expect(Set(files) == Set(Self.kinds.keys), "new or missing corpus files: \(Set(files).symmetricDifference(Self.kinds.keys).sorted())")
    }

    @Test(arguments: kinds.keys.sorted())
    func detectedAndRead(_ file: String) throws {
        let path = Self.corpus.appendingPathComponent(file).path
        let read = Ingestor.read(path: path)
        if let kind = Self.kinds[file] ?? nil {
            #expect(read.record.kind.rawValue == kind)
            #expect(read.record.status == .ok, "\(read.record.diagnostic ?? "")")
            #expect(read.document != nil)
        } else {
            #expect(read.record.status == .ignored)
            #expect(read.document == nil)
            #expect(read.record.diagnostic?.contains("nothing to analyze") == true, "\(read.record.diagnostic ?? "")")
        }
    }

    /// A response of only ids (list-build-batches, list-builds-for-project) is ignored, not unreadable: the note
    /// names the command whose output would help, the other inputs are analyzed, and the exit code is not 4.
    @Test func idsOnlyResponsesAreIgnoredNotUnreadable() throws {
        let batch = Self.corpus.appendingPathComponent("codebuild-batch-get-build-batches-1.json").path
        for file in ["codebuild-list-build-batches-1.json", "codebuild-list-build-batches-for-project-1.json"] {
            let ids = Self.corpus.appendingPathComponent(file).path
            let report = Triage.run(paths: [ids, batch])
            let record = try #require(report.inputs.first { $0.path == ids })
            #expect(record.status == .ignored)
            #expect(record.diagnostic?.contains("aws codebuild batch-get-build-batches --ids") == true, "\(record.diagnostic ?? "")")
            #expect(!report.hasUnreadableInput)
            #expect(report.inputs.first { $0.path == batch }?.status == .ok)
            #expect(TriageExitCode.forReport(report) != .unreadableInput)
            // An input that really cannot be read still wins.
            let broken = try Self.temporaryFile(#"{"ids": ["p:1""#)
            defer { try? FileManager.default.removeItem(atPath: broken) }
            let worse = Triage.run(paths: [ids, broken])
            #expect(worse.inputs.first { $0.path == broken }?.status == .error)
            #expect(TriageExitCode.forReport(worse) == .unreadableInput)
        }
    }

    static func temporaryFile(_ content: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("buildtriage-corpus-\(UUID().uuidString).json")
        try Data(content.utf8).write(to: url)
        return url.path
    }

    /// What each file must yield, one file at a time: (verdict, [(category, subject id)]).
    static let decisions: [String: (Verdict, [(Category, String)])] = [
        // Retry submitted (batch IN_PROGRESS): wait; the earlier attempt's failure is still reported.
        "codebuild-retry-build-batch-1.json": (.wait, [(.clientError, "linux_small"), (.collateral, "linux_medium"), (.collateral, "linux_large")]),
        "codebuild-start-build-batch-1.json": (.wait, []),
        // Stopped by a person while groups were pending: nothing to do.
        "codebuild-stop-build-batch-1.json": (.clean, [(.stopped, "<project-name>:<batch-ID>")]),
        "codebuild-batch-get-build-batches-1.json": (.clean, []),
        "codebuild-batch-get-builds-1.json": (.clean, []),
        "codebuild-batch-get-builds-botocore.json": (.clean, []),
        // retry-build output: the new build is QUEUED (IN_PROGRESS).
        "codebuild-retry-build-1.json": (.wait, []),
        "codebuild-batch-get-reports-1.json": (.fix, [(.testFailure, "<report-group-name> (<report 1 ID>)")]),
        "codebuild-describe-test-cases-1.json": (.fix, [
            (.testFailure, "NUnit.Tests.Assemblies.MockTestFixture.NotRunnableTest"),
            (.testFailure, "NUnit.Tests.Assemblies.MockTestFixture.TestWithException"),
        ]),
        "codepipeline-get-pipeline-1.json": (.clean, []),
        "codepipeline-get-pipeline-state-1.json": (.clean, []),
        "codepipeline-list-action-executions-1.json": (.clean, []),
        "codepipeline-list-pipeline-executions-1.json": (.clean, []),
    ]

    @Test(arguments: decisions.keys.sorted())
    func findingsFollowTheContract(_ file: String) throws {
        let (verdict, expected) = try #require(Self.decisions[file])
        let report = Triage.run(paths: [Self.corpus.appendingPathComponent(file).path])
        #expect(report.verdict == verdict)
        let failures = report.findings.filter { ![.collateral, .stopped, .ignored].contains($0.category) && $0.resolved != true }
        if expected.isEmpty {
            #expect(failures.isEmpty, "\(failures.map(\.message))")
        }
        for (category, subject) in expected {
            #expect(report.findings.contains { $0.category == category && $0.subject.id == subject }, "\(category.rawValue) \(subject): \(report.findings.map { "\($0.category.rawValue) \($0.subject.id)" })")
        }
        // No command is ever emitted for a placeholder id like `<project-name>:<batch-ID>`.
        #expect(report.recommendations.allSatisfy { $0.command == nil || !($0.command ?? []).joined().contains("<") })
    }
}
