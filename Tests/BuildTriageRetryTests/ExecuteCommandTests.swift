import BuildTriageRetry
import BuildTriageTestSupport
import Foundation
import Testing

/// `buildtriage retry --execute` end to end: the built binary analyzes a sample, runs the real aws CLI against
/// the loopback stub with canned answers, and prints each result with its meaning; the exit code says whether
/// every retry went through (2) or one failed (5).
@Suite("buildtriage retry --execute against the stub", .serialized, .enabled(if: !skipAWS, "BUILDTRIAGE_SKIP_AWS=1"))
struct ExecuteCommandTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    /// The `buildtriage` executable built beside the test bundle.
    static var binary: String { builtExecutable.path }

    struct Run {
        var status: Int32?
        var stdout: String
        var stderr: String
        var requests: [[String: Any]]
    }

    /// Runs `buildtriage retry --execute` over `samples` with the stub answering `responses`.
    static func execute(_ samples: [String], responses: String?, extra: [String] = []) throws -> Run {
        let aws = try requireAWS()
        let stub = try AWSStub(responses: responses)
        defer { stub.stop() }
        let paths = samples.map { Self.samples.appendingPathComponent("\($0)/input").path }
        var environment = awsEnvironment(home: stub.directory.path)
        environment["NO_COLOR"] = "1"
        let argv = ["buildtriage", "retry"] + paths + ["--execute", "--aws", aws, "--endpoint-url", stub.endpoint] + extra
        let result = RetryExecutor(awsPath: binary, environment: environment, timeout: .seconds(120)).run(argv: argv)
        return Run(status: result.exitStatus, stdout: result.stdout, stderr: result.stderr, requests: try stub.requests())
    }

    @Test func stageNotRetryableIsExplainedAndExitsFive() throws {
        let run = try Self.execute(
            ["pipeline-stage-joined-build"],
            responses: #"{"RetryStageExecution": {"status": 400, "body": {"__type": "StageNotRetryableException", "message": "Stage Build is not retryable"}}}"#)
        #expect(run.status == 5, "\(run.stdout)\(run.stderr)")
        #expect(run.requests.count == 1)
        #expect(run.requests.first?["target"] as? String == "CodePipeline_20150709.RetryStageExecution")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("running: aws codepipeline retry-stage-execution --pipeline-name payments-api-pipeline --stage-name Build ") == true, "\(lines)")
        let failure = try #require(lines.first { $0.hasPrefix("FAILED: ") })
        #expect(failure.hasPrefix("FAILED: stage payments-api-pipeline/Build: StageNotRetryableException: Stage Build is not retryable — "), "\(failure)")
        #expect(failure.contains("Unable to retry."), "the meaning is printed: \(failure)")
    }

    @Test func notLatestIsExplainedAndExitsFive() throws {
        let run = try Self.execute(
            ["pipeline-stage-joined-build"],
            responses: #"{"RetryStageExecution": {"status": 400, "body": {"__type": "NotLatestPipelineExecutionException", "message": "A later execution exists"}}}"#)
        #expect(run.status == 5)
        let failure = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("FAILED: ") })
        #expect(failure.contains("NotLatestPipelineExecutionException: A later execution exists — The stage has failed in a later run"), "\(failure)")
    }

    @Test func aServerErrorThenSuccessIsRetriedByTheCLIAndExitsTwo() throws {
        let run = try Self.execute(
            ["flaky-test-retry-batch"],
            responses: #"{"RetryBuildBatch": [{"status": 500, "body": {"__type": "InternalFailure", "message": "boom"}}, {"status": 200, "body": {"buildBatch": {"id": "payments-api:8f14e45f-ceea-4e7a-9d6b-2f1c3b7a9e01", "buildBatchStatus": "IN_PROGRESS"}}}]}"#)
        #expect(run.status == 2, "\(run.stdout)\(run.stderr)")
        #expect(run.requests.map { $0["response_status"] as? Int } == [500, 200])
        #expect(run.requests.allSatisfy { ($0["body"] as? [String: String]) == ["id": "payments-api:8f14e45f-ceea-4e7a-9d6b-2f1c3b7a9e01", "retryType": "RETRY_FAILED_BUILDS"] })
        #expect(run.stdout.contains("ok: batch payments-api:8f14e45f-ceea-4e7a-9d6b-2f1c3b7a9e01 retried"))
        #expect(!run.stdout.contains("FAILED:"))
    }

    @Test func aFailureDoesNotStopTheOtherTargets() throws {
        let run = try Self.execute(
            ["pipeline-stage-joined-build", "infrastructure-fault-build"],
            responses: #"{"RetryStageExecution": {"status": 400, "body": {"__type": "ConflictException", "message": "in progress"}}}"#)
        #expect(run.status == 5)
        let targets = run.requests.compactMap { $0["target"] as? String }
        #expect(Set(targets) == ["CodePipeline_20150709.RetryStageExecution", "CodeBuild_20161006.RetryBuild"], "\(targets)")
        #expect(run.stdout.contains("FAILED: stage payments-api-pipeline/Build: ConflictException: in progress"))
        #expect(run.stdout.contains("ok: build payments-api:2c9b7d3e-41f0-4a8e-b6d2-7e5f1a0c3d94 retried"))
    }

    @Test func maxRetriesIsHonoured() throws {
        let run = try Self.execute(["pipeline-stage-joined-build", "infrastructure-fault-build"], responses: nil, extra: ["--max-retries", "1"])
        #expect(run.requests.count == 1)
        #expect(run.stdout.contains("skipped "), "\(run.stdout)")
        #expect(run.status == 2)
    }

    @Test func aBlockedTargetIsNeverRun() throws {
        // pipeline-not-latest: one execution's stage is blocked (a later execution exists), the latest's is retried.
        let run = try Self.execute(["pipeline-not-latest"], responses: nil)
        #expect(run.status == 2, "\(run.stdout)\(run.stderr)")
        #expect(run.requests.count == 1)
        let report = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.samples.appendingPathComponent("pipeline-not-latest/expected.json"))) as? [String: Any]
        let recommendations = report?["recommendations"] as? [[String: Any]] ?? []
        let retried = recommendations.first { $0["action"] as? String == "retry" }?["target"] as? [String: Any]
        let blocked = recommendations.first { $0["action"] as? String == "investigate" }?["target"] as? [String: Any]
        let sent = (run.requests.first?["body"] as? [String: String])?["pipelineExecutionId"]
        #expect(sent != nil && sent == retried?["pipelineExecutionId"] as? String)
        #expect(sent != blocked?["pipelineExecutionId"] as? String)
        #expect(run.stderr.contains("investigate"), "the blocked target is listed with its reason: \(run.stderr)")
    }

    @Test func withoutExecuteNothingRuns() throws {
        let fake = try FakeAWS()
        defer { fake.directory.cleanUp() }
        let path = Self.samples.appendingPathComponent("flaky-test-retry-batch/input").path
        let result = RetryExecutor(awsPath: Self.binary, environment: fake.environment, timeout: .seconds(60)).run(argv: ["buildtriage", "retry", path])
        #expect(result.exitStatus == 2)
        #expect(result.stdout.hasPrefix("aws codebuild retry-build-batch --id "))
        #expect(!FileManager.default.fileExists(atPath: fake.logPath), "no aws was run")
    }
}

/// `buildtriage retry` and `analyze` printing commands (nothing is run): `--format json`, `--retry-type`,
/// `--retry-mode` and `--write-cli-input-json`, from the command line.
@Suite("buildtriage retry without --execute")
struct RetryCommandLineTests {
    static func run(_ arguments: [String]) -> RetryExecutionResult {
        RetryExecutor(awsPath: ExecuteCommandTests.binary, environment: ["PATH": "/usr/bin:/bin", "NO_COLOR": "1"], timeout: .seconds(60))
            .run(argv: ["buildtriage"] + arguments)
    }

    static func input(_ sample: String) -> String {
        ExecuteCommandTests.samples.appendingPathComponent("\(sample)/input").path
    }

    @Test func jsonGivesArgvAndCliInputJson() throws {
        let result = Self.run(["retry", Self.input("flaky-test-retry-batch"), "--format", "json", "--retry-type", "all"])
        #expect(result.exitStatus == 2)
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(entries.count == 1)
        let id = "payments-api:8f14e45f-ceea-4e7a-9d6b-2f1c3b7a9e01"
        #expect(entries.first?["command"] as? [String] == ["aws", "codebuild", "retry-build-batch", "--id", id, "--retry-type", "RETRY_ALL_BUILDS"])
        #expect(entries.first?["cliInputJson"] as? [String: String] == ["id": id, "retryType": "RETRY_ALL_BUILDS"])
    }

    @Test func analyzeCarriesTheStageRetryModeToo() throws {
        let result = Self.run(["analyze", Self.input("pipeline-stage-joined-build"), "--format", "json", "--retry-mode", "all"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let retry = try #require((report["recommendations"] as? [[String: Any]])?.first { $0["action"] as? String == "retry" })
        let command = try #require(retry["command"] as? [String])
        #expect(Array(command.suffix(2)) == ["--retry-mode", "ALL_ACTIONS"])
        #expect((retry["cliInputJson"] as? [String: String])?["retryMode"] == "ALL_ACTIONS")
    }

    @Test func cliInputJsonFilesAreWrittenInsideTheDirectory() throws {
        let directory = try ScratchDirectory("cli-input")
        defer { directory.cleanUp() }
        let target = directory.url.appendingPathComponent("retries")
        let result = Self.run(["retry", Self.input("pipeline-stage-joined-build"), Self.input("infrastructure-fault-build"), "--write-cli-input-json", target.path])
        #expect(result.exitStatus == 2, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: target.path).sorted()
        #expect(files.count == 2)
        #expect(files.allSatisfy { $0.wholeMatch(of: /[A-Za-z0-9._-]+\.json/) != nil }, "\(files)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        for file in files {
            let path = target.appendingPathComponent(file).path
            #expect(lines.contains { $0.hasSuffix("--cli-input-json file://\(path)") || $0.contains("file://\(path)") }, "\(lines)")
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: String]
            #expect(object?["pipelineName"] == "payments-api-pipeline" || object?["id"] == "payments-api:2c9b7d3e-41f0-4a8e-b6d2-7e5f1a0c3d94")
        }
    }
}
