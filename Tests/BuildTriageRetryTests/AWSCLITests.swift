import BuildTriageCore
import BuildTriageRetry
import BuildTriageTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let skipAWS = ProcessInfo.processInfo.environment["BUILDTRIAGE_SKIP_AWS"] == "1"
private let executionId = "3137f7cb-7cf7-4a4b-9b8e-1234567890ab"

func requireAWS() throws -> String {
    try #require(
        awsOnPath,
        "aws CLI not found on PATH: install it (pip install awscli) or set BUILDTRIAGE_SKIP_AWS=1 to skip these tests")
}

private func body(_ request: [String: Any]) -> [String: String]? {
    request["body"] as? [String: String]
}

/// The real aws CLI v1 against the loopback stub: the argv, the shell line and the `--cli-input-json` form of
/// each command must send exactly the intended request.
@Suite("Real aws CLI against the loopback stub", .serialized, .enabled(if: !skipAWS, "BUILDTRIAGE_SKIP_AWS=1"))
struct AWSCLITests {
    static let targets: [(Target, RetryOptions, String, String)] = [
        (.batch("proj:e9c4f4df-3f43-41d2-ab3a-60fe2f4a1b2c"), RetryOptions(batchRetryType: .allBuilds, region: "eu-west-1", idempotencyToken: "tok-123"),
         "CodeBuild_20161006.RetryBuildBatch", "buildBatch"),
        (.build("arn:aws:codebuild:us-east-1:123456789012:build/proj:b1$(x)'q'"), RetryOptions(), "CodeBuild_20161006.RetryBuild", "build"),
        (.stage(pipeline: "MyPipeline", stage: "-Deploy", execution: executionId), RetryOptions(idempotencyToken: "ignored"),
         "CodePipeline_20150709.RetryStageExecution", "pipelineExecutionId"),
    ]

    @Test("argv, shell line and --cli-input-json send the intended request", arguments: 0..<3)
    func threeForms(index: Int) throws {
        let aws = try requireAWS()
        let stub = try AWSStub()
        defer { stub.stop() }
        var (target, options, xAmzTarget, outputKey) = Self.targets[index]
        options.endpointURL = stub.endpoint
        let command = try RetryCommandBuilder.command(for: target, options: options).get()
        #expect(command.xAmzTarget == xAmzTarget)
        let home = stub.directory.path
        let executor = RetryExecutor(awsPath: aws, environment: awsEnvironment(home: home), timeout: .seconds(60), currentDirectory: stub.directory.url)

        // (a) argv, no shell
        let direct = executor.run(command)
        // (b) the shell line, aws found on PATH
        let viaShell = Shell.run(command.shellLine, environment: awsEnvironment(home: home), directory: stub.directory.url)
        // (c) --cli-input-json file:// (a relative path, resolved in the working directory)
        let file = try #require(try CLIInputFileWriter.write(commands: [command], to: stub.directory.url).first)
        let viaFile = executor.run(argv: command.cliInputJsonArgv(filePath: file.lastPathComponent))

        for (label, result) in [("argv", direct), ("shell", viaShell), ("file", viaFile)] {
            #expect(result.succeeded, "\(label): rc \(result.exitStatus ?? -1): \(result.stderr)")
            let output = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            #expect(output?[outputKey] != nil, "\(label): \(result.stdout)")
        }
        let requests = try stub.requests()
        try #require(requests.count == 3, "\(requests.count) requests logged")
        for request in requests {
            #expect(request["target"] as? String == xAmzTarget)
            #expect(body(request) == command.cliInputJson)
        }
        if let region = options.region {
            for request in requests {
                let authorization = (request["headers"] as? [String: String])?["Authorization"] ?? ""
                #expect(authorization.contains("/\(region)/"), "\(authorization)")
            }
        }
    }

    @Test("executor: StageNotRetryableException is parsed, one request, rc 255")
    func stageNotRetryable() throws {
        try expectServiceError(
            code: "StageNotRetryableException", message: "Stage Deploy has no failed actions",
            meaningPrefix: "Unable to retry.")
    }

    @Test("executor: NotLatestPipelineExecutionException is parsed, one request, rc 255")
    func notLatest() throws {
        try expectServiceError(
            code: "NotLatestPipelineExecutionException", message: "A later execution failed this stage",
            meaningPrefix: "The stage has failed in a later run")
    }

    private func expectServiceError(code: String, message: String, meaningPrefix: String) throws {
        let aws = try requireAWS()
        let stub = try AWSStub(responses: #"{"RetryStageExecution": {"status": 400, "body": {"__type": "\#(code)", "message": "\#(message)"}}}"#)
        defer { stub.stop() }
        let command = try RetryCommandBuilder.command(
            for: .stage(pipeline: "MyPipeline", stage: "Deploy", execution: executionId), options: RetryOptions(endpointURL: stub.endpoint)
        ).get()
        let result = RetryExecutor(awsPath: aws, environment: awsEnvironment(home: stub.directory.path), timeout: .seconds(60)).run(command)
        #expect(!result.succeeded)
        #expect(result.exitStatus == 255)
        #expect(result.stdout.isEmpty)
        #expect(result.errorCode == code)
        #expect(result.errorMessage == message)
        #expect(result.error?.kind == .service)
        #expect(result.error?.operation == "RetryStageExecution")
        #expect(result.meaning?.hasPrefix(meaningPrefix) == true, "\(result.meaning ?? "nil")")
        #expect(try stub.requests().count == 1)
    }

    @Test("executor: HTTP 500 then 200 is retried by the CLI and succeeds")
    func retriedServerError() throws {
        let aws = try requireAWS()
        let stub = try AWSStub(
            responses: #"{"RetryBuildBatch": [{"status": 500, "body": {"__type": "InternalFailure", "message": "boom"}}, {"status": 200, "body": {"buildBatch": {"id": "proj:b", "buildBatchStatus": "IN_PROGRESS"}}}]}"#
        )
        defer { stub.stop() }
        let command = try RetryCommandBuilder.command(for: .batch("proj:b"), options: RetryOptions(endpointURL: stub.endpoint)).get()
        let result = RetryExecutor(awsPath: aws, environment: awsEnvironment(home: stub.directory.path), timeout: .seconds(60)).run(command)
        #expect(result.succeeded, "\(result.stderr)")
        #expect(result.exitStatus == 0)
        #expect(result.error == nil)
        #expect(result.stdout.contains("IN_PROGRESS"))
        let requests = try stub.requests()
        #expect(requests.map { $0["response_status"] as? Int } == [500, 200])
        #expect(requests.allSatisfy { body($0) == ["id": "proj:b", "retryType": "RETRY_FAILED_BUILDS"] })
    }
}

/// The executor on its own: no aws CLI needed.
@Suite("Retry executor")
struct RetryExecutorTests {
    @Test("executor: a time limit kills a CLI that hangs")
    func timeout() throws {
        let directory = try ScratchDirectory("hang")
        defer { directory.cleanUp() }
        let script = try directory.write("#!/bin/sh\nexec sleep 30\n", to: "aws", executable: true)
        let command = try RetryCommandBuilder.command(for: .build("proj:x"), options: RetryOptions()).get()
        let start = ContinuousClock.now
        let result = RetryExecutor(awsPath: script, environment: ["PATH": "/usr/bin:/bin"], timeout: .milliseconds(300)).run(command)
        // SIGTERM is enough (SIGKILL would come 2 s later): the child's signals are not blocked.
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(result.exitStatus == SIGTERM)
        #expect(result.killedBySignal)
        #expect(result.timedOut)
        #expect(!result.succeeded)
        #expect(result.error?.kind == .timeout)
    }

    @Test("executor: a missing executable is a launch failure, and findAWS skips what is not there")
    func launchFailure() {
        let result = RetryExecutor(awsPath: "/nonexistent/aws").run(argv: ["aws", "--version"])
        #expect(result.exitStatus == nil)
        #expect(result.error?.kind == .launchFailed)
        #expect(RetryExecutor.findAWS(in: "/nonexistent::relative/dir") == nil)
        #expect(RetryExecutor.findAWS(in: nil) == nil)
    }

    @Test("findAWS takes the first executable regular file named aws")
    func findAWS() throws {
        let first = try ScratchDirectory("path1")
        let second = try ScratchDirectory("path2")
        defer {
            first.cleanUp()
            second.cleanUp()
        }
        _ = try first.write("not executable", to: "aws")
        let expected = try second.write("#!/bin/sh\n", to: "aws", executable: true)
        #expect(RetryExecutor.findAWS(in: "\(first.path):\(second.path)/") == expected)
        #expect(RetryExecutor.findAWS(in: first.path) == nil)
    }

    @Test("the child starts with no blocked signals, whatever thread runs the executor")
    func signalMask() async throws {
        try #require(FileManager.default.fileExists(atPath: "/proc/self/status"), "needs /proc")
        let grep = try #require(Shell.which("grep"))
        for _ in 0..<3 {
            let result = RetryExecutor(awsPath: grep, timeout: .seconds(10)).run(argv: ["grep", "SigBlk", "/proc/self/status"])
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("0000000000000000"), "\(result.stdout)")
        }
    }
}
