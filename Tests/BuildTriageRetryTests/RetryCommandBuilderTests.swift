import BuildTriageCore
import BuildTriageRetry
import Foundation
import Testing

private let batchId = "codebuild-demo-project:e9c4f4df-3f43-41d2-ab3a-60fe2f4a1b2c"
private let buildId = "codebuild-demo-project:0f2b2a8e-0000-4c4c-9c9c-123456789abc"
private let executionId = "3137f7cb-7cf7-4a4b-9b8e-1234567890ab"

private func command(_ target: Target, _ options: RetryOptions = RetryOptions()) throws -> RetryCommand {
    try RetryCommandBuilder.command(for: target, options: options).get()
}

private func reasons(_ target: Target, _ options: RetryOptions = RetryOptions()) -> [String] {
    switch RetryCommandBuilder.command(for: target, options: options) {
    case .success(let command): Issue.record("expected no command, got \(command.argv)"); return []
    case .failure(let error): return error.reasons
    }
}

@Suite("Retry command builder")
struct RetryCommandBuilderTests {
    @Test("batch: RETRY_FAILED_BUILDS by default, every form consistent")
    func batchDefault() throws {
        let c = try command(.batch(batchId))
        #expect(c.argv == ["aws", "codebuild", "retry-build-batch", "--id", batchId, "--retry-type", "RETRY_FAILED_BUILDS"])
        #expect(c.cliInputJson == ["id": batchId, "retryType": "RETRY_FAILED_BUILDS"])
        #expect(c.shellLine == "aws codebuild retry-build-batch --id \(batchId) --retry-type RETRY_FAILED_BUILDS")
        #expect(c.service == .codebuild)
        #expect(c.operation == .retryBuildBatch)
        #expect(c.operation.rawValue == "RetryBuildBatch")
        #expect(c.xAmzTarget == "CodeBuild_20161006.RetryBuildBatch")
        #expect(c.resourceId == batchId)
        #expect(c.notes.isEmpty)
        #expect(c.globalArguments.isEmpty)
    }

    @Test("batch with every option: global options come last")
    func batchAllOptions() throws {
        let options = RetryOptions(
            batchRetryType: .allBuilds, region: "eu-west-1", profile: "ci.triage", idempotencyToken: "tok-123",
            endpointURL: "http://127.0.0.1:8080")
        let c = try command(.batch(batchId), options)
        #expect(
            c.argv == [
                "aws", "codebuild", "retry-build-batch", "--id", batchId, "--retry-type", "RETRY_ALL_BUILDS",
                "--idempotency-token", "tok-123", "--region", "eu-west-1", "--profile", "ci.triage",
                "--endpoint-url", "http://127.0.0.1:8080",
            ])
        #expect(c.cliInputJson == ["id": batchId, "retryType": "RETRY_ALL_BUILDS", "idempotencyToken": "tok-123"])
        #expect(
            c.cliInputJsonArgv(filePath: "/tmp/x.json") == [
                "aws", "codebuild", "retry-build-batch", "--cli-input-json", "file:///tmp/x.json", "--region", "eu-west-1",
                "--profile", "ci.triage", "--endpoint-url", "http://127.0.0.1:8080",
            ])
    }

    @Test("build: retry-build --id, token only when non-empty")
    func build() throws {
        let plain = try command(.build(buildId))
        #expect(plain.argv == ["aws", "codebuild", "retry-build", "--id", buildId])
        #expect(plain.cliInputJson == ["id": buildId])
        #expect(plain.xAmzTarget == "CodeBuild_20161006.RetryBuild")
        let emptyToken = try command(.build(buildId), RetryOptions(idempotencyToken: ""))
        #expect(emptyToken.argv == plain.argv)
        #expect(emptyToken.cliInputJson == plain.cliInputJson)
        let withToken = try command(.build(buildId), RetryOptions(idempotencyToken: "A.b_c-1"))
        #expect(withToken.argv == ["aws", "codebuild", "retry-build", "--id", buildId, "--idempotency-token", "A.b_c-1"])
        #expect(withToken.cliInputJson == ["id": buildId, "idempotencyToken": "A.b_c-1"])
    }

    @Test("stage: FAILED_ACTIONS by default; a token is ignored with a note")
    func stage() throws {
        let target = Target.stage(pipeline: "MyPipeline", stage: "Deploy", execution: executionId)
        let c = try command(target)
        #expect(
            c.argv == [
                "aws", "codepipeline", "retry-stage-execution", "--pipeline-name", "MyPipeline", "--stage-name", "Deploy",
                "--pipeline-execution-id", executionId, "--retry-mode", "FAILED_ACTIONS",
            ])
        #expect(
            c.cliInputJson == [
                "pipelineName": "MyPipeline", "stageName": "Deploy", "pipelineExecutionId": executionId,
                "retryMode": "FAILED_ACTIONS",
            ])
        #expect(c.xAmzTarget == "CodePipeline_20150709.RetryStageExecution")
        #expect(c.service == .codepipeline)
        #expect(c.resourceId == nil)

        let all = try command(target, RetryOptions(stageRetryMode: .allActions, idempotencyToken: "tok"))
        #expect(all.argv.suffix(2) == ["--retry-mode", "ALL_ACTIONS"])
        #expect(!all.argv.contains("--idempotency-token"))
        #expect(all.cliInputJson["idempotencyToken"] == nil)
        #expect(all.notes == ["idempotency token ignored: RetryStageExecution takes none"])
    }

    @Test("a job target has no command")
    func job() {
        let result = RetryCommandBuilder.command(for: .job("ci-run-42"), options: RetryOptions())
        guard case .failure(let error) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.kind == .noAWSTarget)
        #expect(error.reasons == ["no AWS target: rerun the CI job"])
    }

    @Test("cli-input-json text: sorted keys, final newline")
    func cliInputJsonText() throws {
        let c = try command(.stage(pipeline: "P", stage: "S", execution: executionId))
        #expect(
            c.cliInputJsonText
                == "{\n  \"pipelineExecutionId\" : \"\(executionId)\",\n  \"pipelineName\" : \"P\",\n  \"retryMode\" : \"FAILED_ACTIONS\",\n  \"stageName\" : \"S\"\n}\n"
        )
        #expect(c.cliInputJsonShellLine(filePath: "my dir/rse.json") == "aws codepipeline retry-stage-execution --cli-input-json 'file://my dir/rse.json'")
    }

    @Test(
        "ARNs are reduced to the id the API takes",
        arguments: [
            (Target.batch("arn:aws:codebuild:us-east-1:123456789012:build-batch/proj:e9c4f4df"), "proj:e9c4f4df"),
            (Target.build("arn:aws:codebuild:eu-west-1:123456789012:build/my_proj-2:0f2b"), "my_proj-2:0f2b"),
            (Target.build("arn:aws-cn:codebuild:cn-north-1:123456789012:build/p:u"), "p:u"),
            (Target.batch("arn:aws-us-gov:codebuild:us-gov-west-1:123456789012:build-batch/p:u"), "p:u"),
        ])
    func arnReduction(target: Target, expected: String) throws {
        let c = try command(target)
        #expect(c.resourceId == expected)
        #expect(c.argv[3...4] == ["--id", expected])
        #expect(c.cliInputJson["id"] == expected)
        #expect(c.target == target)
    }

    @Test(
        "ARNs of the wrong kind or shape are rejected",
        arguments: [
            Target.batch("arn:aws:codebuild:us-east-1:123456789012:build/proj:u"),
            Target.build("arn:aws:codebuild:us-east-1:123456789012:build-batch/proj:u"),
            Target.build("arn:aws:codebuild:us-east-1:123456789012:report/group:u"),
            Target.build("arn:aws:codebuild:us-east-1:1234:build/proj:u"),
            Target.build("arn:aws:codepipeline:us-east-1:123456789012:build/proj:u"),
            Target.build("arn:aws:codebuild:us-east-1:123456789012:build/"),
        ])
    func badARNs(target: Target) {
        let found = reasons(target)
        #expect(found.count == 1)
    }

    @Test("stage names and execution ids are validated, whole value, with readable reasons")
    func stageReasons() {
        #expect(
            reasons(.stage(pipeline: "P", stage: "Deploy Prod", execution: executionId)) == [
                "stage name 'Deploy Prod' does not match [A-Za-z0-9.@\\-_]+ (the API would reject it)"
            ])
        #expect(
            reasons(.stage(pipeline: String(repeating: "p", count: 101), stage: "S", execution: executionId)).first?.contains(
                "is 101 characters long (the API allows at most 100)") == true)
        #expect(reasons(.stage(pipeline: "", stage: "S", execution: executionId)) == ["pipeline name is empty (the API requires 1 to 100 characters)"])
        #expect(
            reasons(.stage(pipeline: "P", stage: "S", execution: nil)) == [
                "no pipeline execution id: retry-stage-execution needs the id of the failed execution"
            ])
        #expect(
            reasons(.stage(pipeline: "P", stage: "S", execution: "3137F7CB-7CF7-4A4B-9B8E-1234567890AB")) == [
                "pipeline execution id '3137F7CB-7CF7-4A4B-9B8E-1234567890AB' is not a lower-case UUID (the API would reject it)"
            ])
        #expect(reasons(.stage(pipeline: "P", stage: "S", execution: "b59babff-5f34-EXAMPLE")).count == 1)
        // Every problem is reported, not just the first.
        #expect(reasons(.stage(pipeline: "a b", stage: "c d", execution: "x"), RetryOptions(region: "Mars")).count == 4)
        #expect(reasons(Target(kind: .stage, id: "P/S")).count == 3)
    }

    @Test("valid edge cases: 1 and 100 characters, the whole alphabet, a leading dash")
    func validNames() throws {
        let hundred = String(repeating: "x", count: 100)
        #expect(try command(.stage(pipeline: "a", stage: hundred, execution: executionId)).cliInputJson["stageName"] == hundred)
        #expect(try command(.stage(pipeline: "A.z@0-_", stage: "S", execution: executionId)).argv[4] == "A.z@0-_")
        // argparse would read `--stage-name -Deploy` as two options: the value is attached instead.
        let dashed = try command(.stage(pipeline: "P", stage: "-Deploy", execution: executionId))
        #expect(dashed.argv[5] == "--stage-name=-Deploy")
        #expect(dashed.cliInputJson["stageName"] == "-Deploy")
        #expect(try command(.build("-proj:x")).argv[3] == "--id=-proj:x")
    }

    @Test(
        "build and batch ids the API or the CLI would not take are rejected",
        arguments: [
            "", " ", "proj: x", "proj:x\n", "proj:\tx", "proj:x\u{00A0}", "proj:\u{202E}x", "proj:\u{200B}x",
            "<project-name>:<batch-ID>", "proj:<id>", "file:///etc/passwd", "fileb://x", "http://169.254.169.254/",
            "HTTPS://example.com/x", String(repeating: "a", count: 1025), "proj:\u{0}", "proj:\u{1B}[31m",
        ])
    func invalidIds(id: String) {
        #expect(reasons(.batch(id)).count == 1)
        #expect(reasons(.build(id)).count == 1)
    }

    @Test(
        "ids are NonEmptyString: anything else is valid and quoted for the shell",
        arguments: [
            ("proj:abc$(x)", "'proj:abc$(x)'"), ("proj:`id`", "'proj:`id`'"), ("p:it's", "'p:it'\\''s'"),
            ("p:ü", "'p:ü'"), ("p:a;b|c&d", "'p:a;b|c&d'"), ("not-a-build-id", "not-a-build-id"),
            (String(repeating: "a", count: 1024), String(repeating: "a", count: 1024)),
        ])
    func validOddIds(id: String, quoted: String) throws {
        let c = try command(.build(id))
        #expect(c.argv == ["aws", "codebuild", "retry-build", "--id", id])
        #expect(c.shellLine == "aws codebuild retry-build --id \(quoted)")
    }

    @Test("invalid options are blockers too, all reported")
    func invalidOptions() {
        let options = RetryOptions(
            region: "US-EAST-1", profile: "a b", idempotencyToken: String(repeating: "t", count: 65), endpointURL: "ftp://x")
        let found = reasons(.batch(batchId), options)
        #expect(found.count == 4)
        #expect(found.contains("region 'US-EAST-1' is not an AWS region name (like us-east-1)"))
        #expect(reasons(.build(buildId), RetryOptions(idempotencyToken: "tok en")).count == 1)
        #expect(reasons(.build(buildId), RetryOptions(region: "us-east-1; rm -rf /")).count == 1)
        #expect(reasons(.build(buildId), RetryOptions(endpointURL: "http://x\ny")).count == 1)
    }

    @Test("regions", arguments: ["us-east-1", "us-gov-west-1", "cn-northwest-1", "eu-central-2", "ap-southeast-5", "us-isob-east-1"])
    func regions(region: String) throws {
        #expect(try command(.build(buildId), RetryOptions(region: region)).argv.suffix(2) == ["--region", region])
    }

    @Test("reasons never carry raw control characters")
    func escapedReasons() throws {
        let hostile = "a\nb\u{1B}[31mc\u{202E}d'e\\f"
        let found = reasons(.stage(pipeline: hostile, stage: "S", execution: executionId))
        let reason = try #require(found.first)
        #expect(reason == "pipeline name 'a\\nb\\u{1B}[31mc\\u{202E}d\\'e\\\\f' does not match [A-Za-z0-9.@\\-_]+ (the API would reject it)")
        #expect(!reason.unicodeScalars.contains { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format })
        let long = reasons(.build("p:" + String(repeating: "x", count: 2000)))
        #expect(long.first?.contains("…' (2002 characters)") == true)
    }

    @Test("ALL_ACTIONS is possible only with no action in progress")
    func allActions() {
        #expect(RetryCommandBuilder.canUseAllActions(actionInProgress: false))
        #expect(!RetryCommandBuilder.canUseAllActions(actionInProgress: true))
    }
}

@Suite("aws CLI error parsing")
struct AWSCLIErrorTests {
    @Test("service errors: code, operation, message, documented meaning")
    func serviceErrors() throws {
        let e = try #require(
            AWSCLIError.parse(
                stderr: "\nAn error occurred (StageNotRetryableException) when calling the RetryStageExecution operation: Stage has no failed actions\n",
                exitStatus: 255))
        #expect(e.kind == .service)
        #expect(e.code == "StageNotRetryableException")
        #expect(e.operation == "RetryStageExecution")
        #expect(e.message == "Stage has no failed actions")
        #expect(e.meaning?.hasPrefix("Unable to retry.") == true)
        #expect(!e.isTransient)

        let throttled = try #require(
            AWSCLIError.parse(
                stderr: "An error occurred (ThrottlingException) when calling the RetryStageExecution operation (reached max retries: 1): Rate exceeded",
                exitStatus: 255))
        #expect(throttled.code == "ThrottlingException")
        #expect(throttled.maxRetriesReached == 1)
        #expect(throttled.message == "Rate exceeded")
        #expect(throttled.isTransient)

        let unknown = try #require(AWSCLIError.parse(stderr: "An error occurred (SomethingNew) when calling the RetryBuild operation: x", exitStatus: 255))
        #expect(unknown.code == "SomethingNew")
        #expect(unknown.meaning == nil)
        #expect(AWSCLIError.parse(stderr: "", exitStatus: 0) == nil)
    }

    @Test("every documented retry error has a meaning")
    func meanings() {
        for code in [
            "StageNotRetryableException", "NotLatestPipelineExecutionException", "ConflictException", "InvalidInputException",
            "ResourceNotFoundException", "ValidationException", "PipelineNotFoundException", "StageNotFoundException",
            "ConcurrentPipelineExecutionsLimitExceededException", "AccountLimitExceededException", "ThrottlingException",
        ] {
            #expect(AWSCLIError.meaning(ofCode: code) != nil, "\(code)")
        }
    }

    @Test("client-side failures: parameter validation, usage, connection")
    func clientErrors() throws {
        let validation = try #require(
            AWSCLIError.parse(
                stderr: "\nParameter validation failed:\nInvalid length for parameter pipelineName, value: 0, valid min length: 1\n",
                exitStatus: 255))
        #expect(validation.kind == .parameterValidation)
        #expect(validation.message == "Invalid length for parameter pipelineName, value: 0, valid min length: 1")
        #expect(validation.code == nil)

        let usage = try #require(
            AWSCLIError.parse(
                stderr: "usage: aws [options] <command> <subcommand> [parameters]\naws: error: the following arguments are required: --retry-mode\n",
                exitStatus: 2))
        #expect(usage.kind == .usage)
        #expect(usage.message == "the following arguments are required: --retry-mode")

        let parsing = try #require(
            AWSCLIError.parse(stderr: "\nError parsing parameter '--cli-input-json': Unable to load paramfile file:///x\n", exitStatus: 255))
        #expect(parsing.kind == .parameterValidation)

        let connection = try #require(
            AWSCLIError.parse(stderr: "\nCould not connect to the endpoint URL: \"http://127.0.0.1:1/\"\n", exitStatus: 255))
        #expect(connection.kind == .connection)
        #expect(AWSCLIError.parse(stderr: "boom\n", exitStatus: 1)?.kind == .other)
    }
}
