import BuildTriageCore
import Foundation
import Testing

@testable import BuildTriageAnalyzers

/// The decision rules of Docs/decisions.md that runs written by others exposed: the order of attempts, failures
/// explained by flaky tests alone, messages that are true, and responses with nothing to analyze. Each runs the
/// real ingest and the whole engine on inputs as the AWS CLI and the test runners write them.
@Suite struct DecisionRulesTests {
    /// Ingests `files` in the order given and analyzes them.
    static func analyze(_ files: [(String, String)]) -> (TriageInput, AnalysisResult) {
        let input = AnalyzerExampleTests.input(files.map { (path: $0.0, content: $0.1) })
        return (input, AnalysisEngine.analyze(input))
    }

    static let arn = "arn:aws:codebuild:us-east-1:123456789012:build/"
    static let failing = Example.junit([#"<testcase classname="a.B" name="t"><failure message="boom"/></testcase>"#, #"<testcase classname="a.B" name="u"/>"#])
    static let passing = Example.junit([#"<testcase classname="a.B" name="t"/>"#, #"<testcase classname="a.B" name="u"/>"#])

    /// A batch whose group `unit` ran twice (`proj:first` then `proj:second`), and the two builds.
    static func retriedBatch(batch: String, current: String, prior: String) -> [(String, String)] {
        let batchJSON = #"""
            {"buildBatch": {"id": "proj:batch", "buildBatchStatus": "\#(batch)", "resolvedSourceVersion": "abc123", "buildGroups": [
              {"identifier": "unit", "currentBuildSummary": {"arn": "\#(arn)proj:second", "buildStatus": "\#(current)", "requestedOn": "2026-01-01T10:30:00Z"},
               "priorBuildSummaryList": [{"arn": "\#(arn)proj:first", "buildStatus": "\#(prior)", "requestedOn": "2026-01-01T10:00:00Z"}]}]}}
            """#
        func phases(_ status: String, _ number: Int) -> String {
            status == "FAILED"
                ? #"[{"phaseType": "BUILD", "phaseStatus": "FAILED", "contexts": [{"statusCode": "COMMAND_EXECUTION_ERROR", "message": "make test in build #\#(number)"}]}]"#
                : "[]"
        }
        let builds = #"""
            {"builds": [
              {"id": "proj:second", "arn": "\#(arn)proj:second", "buildNumber": 8, "startTime": "2026-01-01T10:30:05Z", "buildStatus": "\#(current)",
               "projectName": "proj", "resolvedSourceVersion": "abc123", "phases": \#(phases(current, 8))},
              {"id": "proj:first", "arn": "\#(arn)proj:first", "buildNumber": 7, "startTime": "2026-01-01T10:00:05Z", "buildStatus": "\#(prior)",
               "projectName": "proj", "resolvedSourceVersion": "abc123", "phases": \#(phases(prior, 7))}]}
            """#
        return [("batch.json", batchJSON), ("builds.json", builds)]
    }

    /// 1. The order of attempts: a test that failed in an earlier attempt and passed in a later one of the same
    /// source is flaky and resolved, and a batch that succeeded after the retry is clean; whatever the order of
    /// the files. A test whose latest attempt failed, and that passed elsewhere, still calls for a retry.
    @Test func attemptsAreOrderedByAttemptNeverByFile() throws {
        let resolved = Self.retriedBatch(batch: "SUCCEEDED", current: "SUCCEEDED", prior: "FAILED")
        let reports = [("reports/first/junit.xml", Self.failing), ("reports/second/junit.xml", Self.passing)]
        for files in [resolved + reports, reports.reversed() + resolved.reversed()] {
            let (input, result) = Self.analyze(files)
            #expect(input.inputs.allSatisfy { $0.status == .ok })
            let flaky = try #require(result.findings.first { $0.analyzer == "flaky_test" && $0.subject.id == "a.B.t" })
            #expect(flaky.resolved == true, "\(flaky.message)")
            #expect(flaky.message.contains("passed in a later attempt"), "\(flaky.message)")
            #expect(result.verdict == .clean, "\(result.recommendations.map(\.reason))")
            #expect(!result.recommendations.contains { $0.blockedBy?.contains { $0.contains("not in a failed state") } == true })
            #expect(!result.findings.contains { $0.category == .buildFailure })
        }

        // With no report at all: the earlier attempt's failed build is history once the group succeeded.
        for files in [resolved, resolved.reversed()] {
            let (_, history) = Self.analyze(files)
            let failure = try #require(history.findings.first { $0.category == .buildFailure })
            #expect(failure.resolved == true && failure.message.contains("its later attempt proj:second succeeded"), "\(failure.message)")
            #expect(history.verdict == .clean, "\(history.recommendations.map(\.reason))")
        }
        // Both attempts failed: the current one is reported, whichever file comes first.
        let bothFailed = Self.retriedBatch(batch: "FAILED", current: "FAILED", prior: "FAILED")
        for files in [bothFailed, bothFailed.reversed()] {
            let (_, failures) = Self.analyze(files)
            let messages = failures.findings.filter { $0.category == .buildFailure }.map(\.message)
            #expect(messages.count == 1 && messages[0].contains("build #8"), "\(messages)")
            #expect(failures.verdict == .investigate)
        }

        // The same evidence with the attempts the other way round: the latest attempt failed, the earlier passed.
        let latestFailed = Self.retriedBatch(batch: "FAILED", current: "FAILED", prior: "SUCCEEDED")
        let swapped = [("reports/first/junit.xml", Self.passing), ("reports/second/junit.xml", Self.failing)]
        let (_, again) = Self.analyze(latestFailed + swapped)
        let unresolved = try #require(again.findings.first { $0.analyzer == "flaky_test" && $0.subject.id == "a.B.t" })
        #expect(unresolved.resolved == nil)
        #expect(again.verdict == .retry, "\(again.recommendations.map(\.reason))")

        // Parallel groups are not attempts of each other: a failure in one and a pass in the other stays a retry.
        let parallel = #"""
            {"buildBatch": {"id": "proj:batch", "buildBatchStatus": "FAILED", "resolvedSourceVersion": "abc123", "buildGroups": [
              \#(Example.group("linux", "FAILED")), \#(Example.group("arm", "SUCCEEDED"))]}}
            """#
        let (_, groups) = Self.analyze([
            ("batch.json", parallel), ("reports/arm/junit.xml", Self.passing), ("reports/linux/junit.xml", Self.failing),
        ])
        #expect(groups.findings.first { $0.analyzer == "flaky_test" }?.resolved == nil)
        #expect(groups.verdict == .retry)
    }

    /// With no build to go by, CodeBuild reports are ordered by their creation time (not by file).
    @Test func reportCreationTimeOrdersAttempts() throws {
        func files(failedAt: String, passedAt: String) -> [(String, String)] {
            let reports = #"""
                {"reports": [{"arn": "arn:aws:codebuild:us-east-1:123456789012:report/unit:r1", "name": "unit", "created": "\#(failedAt)"},
                             {"arn": "arn:aws:codebuild:us-east-1:123456789012:report/unit:r2", "name": "unit", "created": "\#(passedAt)"}]}
                """#
            let failed = #"{"testCases": [{"reportArn": "arn:aws:codebuild:us-east-1:123456789012:report/unit:r1", "prefix": "a.B", "name": "t", "status": "FAILED", "message": "boom"}]}"#
            let passed = #"{"testCases": [{"reportArn": "arn:aws:codebuild:us-east-1:123456789012:report/unit:r2", "prefix": "a.B", "name": "t", "status": "SUCCEEDED"}]}"#
            return [("b-cases.json", failed), ("a-cases.json", passed), ("reports.json", reports)]
        }
        let (_, later) = Self.analyze(files(failedAt: "2026-01-01T10:00:00Z", passedAt: "2026-01-01T10:30:00Z"))
        let resolved = try #require(later.findings.first { $0.analyzer == "flaky_test" })
        #expect(resolved.resolved == true, "\(resolved.message)")
        #expect(later.verdict == .clean)
        let (_, earlier) = Self.analyze(files(failedAt: "2026-01-01T10:30:00Z", passedAt: "2026-01-01T10:00:00Z"))
        #expect(earlier.findings.first { $0.analyzer == "flaky_test" }?.resolved == nil)
        #expect(earlier.verdict == .retry)
    }

    /// The keys that order attempts, first known key first; nothing tells apart attempts of different things.
    @Test func attemptKeys() {
        let early = Attempt(lineage: "project p", buildNumber: 7, buildStart: 200)
        let late = Attempt(lineage: "project p", buildNumber: 8, buildStart: 100)
        #expect(late.isLater(than: early))  // the build number decides before the start time
        #expect(!early.isLater(than: late))
        #expect(!Attempt(lineage: "project q", buildNumber: 9).isLater(than: early))
        #expect(Attempt(lineage: "job", reportCreated: 2).isLater(than: Attempt(lineage: "job", reportCreated: 1)))
        #expect(!Attempt(lineage: "job").isLater(than: Attempt(lineage: "job")))
        #expect(Attempt(lineage: "g", groupAttempt: 1, buildNumber: 1).isLater(than: Attempt(lineage: "g", groupAttempt: 0, buildNumber: 5)))
    }

    /// 2. A failed group whose only evidence is flaky tests is explained by them: a flaky failure and a retry,
    /// never a build-failure with "no build details"; with a real failure beside them, the failure explains it.
    @Test func aGroupFailedOnlyByFlakyTestsIsRetried() throws {
        let batch = Example.batch("FAILED", groups: [Example.group("unit", "FAILED"), Example.group("lint", "SUCCEEDED")])
        let flakes = Example.junit([
            #"<testcase classname="a.B" name="t"><flakyFailure message="boom" type="X"/></testcase>"#,
            #"<testcase classname="a.B" name="u"><rerunFailure message="boom" type="X"/></testcase>"#,
            #"<testcase classname="a.B" name="v"/>"#,
        ])
        let (_, result) = Self.analyze([("batch.json", batch), ("reports/unit/TEST-a.B.xml", flakes)])
        #expect(!result.findings.contains { $0.category == .buildFailure }, "\(result.findings.map(\.message))")
        let group = try #require(result.findings.first { $0.subject == Subject(.buildGroup, "unit") })
        #expect(group.category == .flaky)
        #expect(group.resolved == nil)
        #expect(group.message.contains("failed with only flaky tests (2 passed on rerun)"), "\(group.message)")
        #expect(group.evidence.count == 3)  // the group's status and each flaky test
        #expect(result.verdict == .retry)
        let recommendation = try #require(result.recommendations.first)
        #expect(recommendation.command?.contains("retry-build-batch") == true)

        let mixed = Example.junit([
            #"<testcase classname="a.B" name="t"><flakyFailure message="boom" type="X"/></testcase>"#,
            #"<testcase classname="a.B" name="w"><failure message="real"/></testcase>"#,
        ])
        let (_, fixed) = Self.analyze([("batch.json", batch), ("reports/unit/TEST-a.B.xml", mixed)])
        #expect(!fixed.findings.contains { $0.analyzer == "flaky_failure" })
        #expect(fixed.verdict == .fix)
    }

    /// 3. A message is true when printed: "no build details, test report or log" only when there are none;
    /// otherwise what there was, and what would tell more.
    @Test func theMessageNamesWhatTheRunHas() throws {
        let batch = Example.batch("FAILED", groups: [Example.group("e2e", "FAILED")])
        let (_, bare) = Self.analyze([("batch.json", batch)])
        let nothing = try #require(bare.findings.first { $0.category == .buildFailure })
        #expect(nothing.message.contains("no build details, test report or log"), "\(nothing.message)")

        let (_, withReport) = Self.analyze([("batch.json", batch), ("reports/e2e/junit.xml", Self.passing)])
        let named = try #require(withReport.findings.first { $0.category == .buildFailure })
        #expect(!named.message.contains("no build details, test report or log"), "\(named.message)")
        #expect(named.message.contains("test report reports/e2e/junit.xml (2 tests: 2 passed, 0 failed, 0 skipped)"), "\(named.message)")
        #expect(named.message.contains("aws codebuild batch-get-builds --ids proj:e2e-0000-4000-8000-000000000000"), "\(named.message)")

        // A failed batch with no finding at all says so; one with findings names them instead.
        let stopped = Example.batch("FAILED", groups: [Example.group("e2e", "STOPPED")])
        let (_, onlyStopped) = Self.analyze([("batch.json", stopped)])
        let reason = try #require(onlyStopped.recommendations.first?.reason)
        #expect(!reason.contains("nothing in the inputs says why") && reason.contains("its findings (stopped) do not say why"), "\(reason)")
    }

    /// 4. A response with only ids is ignored, with a note naming the command whose output would help; it is not
    /// an unreadable input, and the other inputs decide.
    @Test func idsOnlyResponsesAreIgnored() throws {
        let (input, result) = Self.analyze([
            ("list-build-batches.json", #"{"ids": ["proj:11111111-2222-4333-8444-555555555555"]}"#),
            ("batch.json", Example.batch("FAILED", phases: [("PROVISIONING", "FAULT", "Internal service error")], groups: [Example.group("unit", "FAULT")])),
        ])
        let ids = try #require(input.inputs.first { $0.path == "list-build-batches.json" })
        #expect(ids.status == .ignored)
        #expect(ids.diagnostic?.contains("batch-get-build-batches --ids") == true, "\(ids.diagnostic ?? "")")
        #expect(input.inputs.first { $0.path == "batch.json" }?.status == .ok)
        let report = TriageReport(verdict: result.verdict, inputs: input.inputs, tests: result.tests)
        #expect(!report.hasUnreadableInput)
        #expect(result.verdict == .retry)
    }
}
