@testable import BuildTriageCollect
import BuildTriageKit
import BuildTriageTestSupport
import Foundation
import Testing

/// `collect` with the real aws CLI against the loopback stub's world.
@Suite("collect against the aws stub", .serialized, .enabled(if: !skipAWS, "BUILDTRIAGE_SKIP_AWS=1"))
struct CollectTests {
    /// A batch whose failed group was attempted twice, a passing group, and a test report of 5 cases in pages of 2.
    static func batchWorld() -> World {
        var world = World()
        world.testCasePageSize = 2
        world.build("proj:b1", status: "FAILED", reports: ["r1"], log: ["[Container] 2020/10/21 17:26:23 Running command make test\n", "first attempt failed\n"])
        world.build(
            "proj:b2", status: "FAILED", reports: ["r2"],
            log: ["[Container] 2020/10/21 17:36:23 Running command make test\n", "second attempt failed\n", "exit status 2\n"])
        world.build("proj:b3", status: "SUCCEEDED", log: ["[Container] 2020/10/21 17:36:23 Running command make lint\n"])
        world.report("r1", build: "proj:b1", count: 5, failing: [3])
        world.report("r2", build: "proj:b2", count: 5, failing: [3])
        world.batch(
            "proj:batch1", status: "FAILED",
            groups: [("unit", current: ("proj:b2", "FAILED"), prior: [("proj:b1", "FAILED")]), ("lint", current: ("proj:b3", "SUCCEEDED"), prior: [])])
        return world
    }

    @Test("a batch with prior attempts: every build it names in one batch-get-builds, and no request more than the data needs")
    func batchWithPriorAttempts() throws {
        let run = try collect(.batch("proj:batch1"), world: Self.batchWorld())
        defer { run.folder.cleanUp() }
        #expect(run.manifest.status == .complete, "\(run.manifest.failures)")
        // Current and prior attempts, one call.
        let buildCalls = run.bodies("BatchGetBuilds")
        #expect(buildCalls.count == 1)
        #expect(Set(buildCalls.first?["ids"] as? [String] ?? []) == ["proj:b1", "proj:b2", "proj:b3"])
        // Both reports in one batch-get-reports; 5 cases in pages of 2 make 3 pages a report.
        #expect(run.count("BatchGetReports") == 1)
        #expect(run.count("DescribeTestCases") == 6)
        #expect(run.bodies("DescribeTestCases").compactMap { $0["nextToken"] as? String } == ["tc/2", "tc/4", "tc/2", "tc/4"])
        // The logs of the two failed builds (one page each, and the request that hands back the same token); none
        // of the build that passed.
        #expect(run.bodies("GetLogEvents").map { $0["logStreamName"] as? String } == ["b2", "b2", "b1", "b1"])
        #expect(run.bodies("GetLogEvents").allSatisfy { $0["startFromHead"] as? Bool == true })
        // The bound: 1 + 1 + 1 + 6 + 4, and nothing that lists.
        #expect(run.requests.count == 13, "\(run.operations)")
        #expect(!run.operations.contains { $0.hasPrefix("List") })
        #expect(run.file("logs/proj_b2.log") == "[Container] 2020/10/21 17:36:23 Running command make test\nsecond attempt failed\nexit status 2\n")
        #expect(run.file("logs/proj_b3.log") == nil)
        #expect(run.manifest.calls.map(\.operation).filter { $0 == "codebuild describe-test-cases" }.count == 2)
        #expect(run.manifest.calls.first { $0.operation == "codebuild describe-test-cases" }?.pages == 3)

        // analyze reads the folder without options: the batch, both builds, 10 test cases, the logs, the manifest.
        let report = Triage.run(paths: [run.folder.path])
        #expect(!report.hasUnreadableInput, "\(report.inputs.filter { $0.status == .error })")
        #expect(report.tests.total == 10)
        #expect(report.inputs.contains { $0.kind == .collectManifest })
        #expect(report.diagnostics.isEmpty, "\(report.diagnostics)")
        #expect(report.recommendations.contains { $0.target.kind == .batch && $0.target.id == "proj:batch1" })

        // The same responses saved by hand (each response body as a file, the log events' messages as text)
        // decide the same.
        let hand = try ScratchDirectory("hand")
        defer { hand.cleanUp() }
        var logLines: [String: [String]] = [:]
        for (index, (operation, request)) in zip(run.operations, run.requests).enumerated() where request["response_status"] as? Int == 200 {
            let body = request["response_body"] ?? [:]
            if operation == "GetLogEvents" {
                let stream = (request["body"] as? [String: Any])?["logStreamName"] as? String ?? "?"
                let events = (body as? [String: Any])?["events"] as? [[String: Any]] ?? []
                logLines[stream, default: []] += events.map { ($0["message"] as? String ?? "").trimmingCharacters(in: .newlines) }
            } else {
                _ = try hand.write(try JSONSerialization.data(withJSONObject: body), to: "response-\(index).json")
            }
        }
        for (stream, lines) in logLines { _ = try hand.write(lines.joined(separator: "\n") + "\n", to: "\(stream).log") }
        let byHand = Triage.run(paths: [hand.path])
        #expect(byHand.verdict == report.verdict)
        #expect(byHand.tests == report.tests)
        #expect(byHand.recommendations.map { [$0.target.id, $0.action.rawValue] } == report.recommendations.map { [$0.target.id, $0.action.rawValue] })
        #expect(byHand.findings.map(\.category) == report.findings.map(\.category))
        #expect(byHand.findings.map { $0.evidence.map(\.text) } == report.findings.map { $0.evidence.map(\.text) })
        #expect(TriageExitCode.forReport(byHand) == TriageExitCode.forReport(report))
    }

    @Test("a log of 5 pages whose decisive line is in the third: the whole log, followed to the repeated token")
    func fivePageLog() throws {
        var world = World()
        world.logPageSize = 4
        var lines = (0..<20).map { "[Container] 2020/10/21 17:26:\(String(format: "%02d", $0)) Running command step \($0)\n" }
        lines[9] = "toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading\n"
        world.build("proj:pull", status: "FAILED", log: lines, message: "Error while executing command: docker pull node:20. Reason: exit status 1")
        let run = try collect(.builds(["proj:pull"]), world: world)
        defer { run.folder.cleanUp() }
        let tokens = run.bodies("GetLogEvents").map { $0["nextToken"] as? String }
        #expect(tokens == [nil, "f/4", "f/8", "f/12", "f/16", "f/20"])
        #expect(run.requests.count == 7)
        let log = try #require(run.file("logs/proj_pull.log"))
        #expect(log.split(separator: "\n").count == 20)
        #expect(log.contains("toomanyrequests"))
        #expect(run.manifest.calls.first { $0.operation == "logs get-log-events" }?.pages == 6)
        let report = Triage.run(paths: [run.folder.path])
        #expect(report.verdict == .retry, "\(report.findings.map(\.message))")
        #expect(report.findings.contains { $0.category == .infrastructure && $0.evidence.contains { $0.text.contains("toomanyrequests") } })
    }

    @Test("AccessDenied on the logs of one of three failed builds: the two others are fetched, the third is recorded as missing")
    func accessDeniedOnOneLog() throws {
        var world = World()
        for name in ["a", "b", "c"] {
            world.build("proj:\(name)", status: "FAILED", log: ["[Container] 2020/10/21 17:26:23 Running command make\n", "build \(name) failed\n"])
        }
        world.deny = [["operation": "GetLogEvents", "match": "\"b\""], ["operation": "FilterLogEvents", "match": "\"b\""]]
        let run = try collect(.builds(["proj:a", "proj:b", "proj:c"]), world: world)
        defer { run.folder.cleanUp() }
        #expect(run.file("logs/proj_a.log")?.contains("build a failed") == true)
        #expect(run.file("logs/proj_c.log")?.contains("build c failed") == true)
        #expect(run.file("logs/proj_b.log") == nil)
        #expect(run.manifest.status == .partial)
        #expect(CollectExitCode(run.manifest.status) == .partial)
        let failure = try #require(run.manifest.failures.first)
        #expect(run.manifest.failures.count == 1)
        #expect(failure.code == "AccessDeniedException")
        #expect(failure.ids == ["proj:b"])
        #expect(failure.missing == "the log of build proj:b")
        #expect(run.progress.contains { $0.contains("missing the log of build proj:b") && $0.contains("AccessDeniedException") })
        // Denied once by each log operation; neither is retried (not transient).
        #expect(run.count("GetLogEvents") == 5)
        #expect(run.count("FilterLogEvents") == 1)
        let report = Triage.run(paths: [run.folder.path])
        #expect(report.diagnostics.contains { $0.contains("the collection is partial") })
        #expect(report.diagnostics.contains { $0.hasPrefix("missing: the log of build proj:b (logs filter-log-events proj:b: AccessDeniedException") })
        #expect(!report.hasUnreadableInput)
    }

    @Test("throttling is retried (the CLI's own retries, then collect's); a build that no longer exists and a log never written are recorded")
    func throttledGoneAndNeverWritten() throws {
        var world = World()
        world.build("proj:nolog", status: "FAULT")  // a stream is named, but none was ever written
        world.logs = [:]
        world.throttle = ["BatchGetBuilds": 3]
        let run = try collect(.builds(["proj:gone", "proj:nolog"]), world: world)
        defer { run.folder.cleanUp() }
        // 2 requests by the CLI's first run (both throttled), 2 by the second (throttled, then answered).
        #expect(run.count("BatchGetBuilds") == 4)
        #expect(run.manifest.calls.first?.attempts == 2)
        #expect(run.progress.contains { $0.contains("ThrottlingException; trying again") })
        #expect(run.manifest.status == .partial)
        let codes = Dictionary(uniqueKeysWithValues: run.manifest.failures.map { ($0.ids.joined(), $0.code) })
        #expect(codes == ["proj:gone": "notFound", "proj:nolog": "ResourceNotFoundException"])
        #expect(run.count("GetLogEvents") == 1)
        #expect(run.count("FilterLogEvents") == 0)
    }

    @Test("--wait: the batch is polled until it is no longer in progress, then collected; a build of a batch brings its batch")
    func waitForBatch() throws {
        var world = World()
        world.build("proj:w1", status: "FAILED", log: ["[Container] 2020/10/21 17:26:23 Running command make\n", "boom\n"])
        world.batch("proj:wb", status: "FAILED", groups: [("unit", current: ("proj:w1", "FAILED"), prior: [])])
        let finished = try #require(world.batches["proj:wb"] as? [String: Any])
        var running = finished
        running["buildBatchStatus"] = "IN_PROGRESS"
        world.batches["proj:wb"] = [running, running, finished]
        var built = try #require(world.builds["proj:w1"] as? [String: Any])
        built["buildBatchArn"] = "arn:aws:codebuild:us-east-1:123456789012:build-batch/proj:wb"
        world.builds["proj:w1"] = built
        let run = try collect(.batch("proj:wb"), world: world, wait: true)
        defer { run.folder.cleanUp() }
        #expect(run.count("BatchGetBuildBatches") == 3)
        #expect(run.progress.filter { $0.contains("waiting: batch proj:wb is in progress") }.count == 2)
        #expect(run.file("batch-get-build-batches-proj_wb.json")?.contains("\"FAILED\"") == true)
        #expect(run.manifest.calls.filter { $0.operation == "codebuild batch-get-build-batches" }.count == 3)
        #expect(run.manifest.status == .complete, "\(run.manifest.failures)")

        // Starting from the build: its batch is fetched too, and the build is not fetched twice.
        let fromBuild = try collect(.builds(["proj:w1"]), world: world)
        defer { fromBuild.folder.cleanUp() }
        #expect(fromBuild.operations.filter { $0.hasPrefix("BatchGet") } == ["BatchGetBuilds", "BatchGetBuildBatches"])
    }

    @Test("a pipeline execution superseded by a later one: the later execution is fetched, and the CodeBuild build its action ran")
    func supersededPipeline() throws {
        let old = "11111111-1111-4111-8111-111111111111"
        let new = "22222222-2222-4222-8222-222222222222"
        var world = World()
        world.build("proj:pb", status: "FAILED", log: ["[Container] 2020/10/21 17:26:23 Running command make\n", "make: *** [test] Error 2\n"])
        func action(_ execution: String, status: String, build: String?) -> [String: Any] {
            var detail: [String: Any] = [
                "pipelineExecutionId": execution, "actionExecutionId": "act-\(execution.prefix(4))", "stageName": "Build", "actionName": "Compile",
                "startTime": World.t0, "lastUpdateTime": World.t0 + 60, "status": status,
                "input": ["actionTypeId": ["category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"], "configuration": ["ProjectName": "proj"]],
            ]
            if let build { detail["output"] = ["executionResult": ["externalExecutionId": build, "externalExecutionSummary": "Build failed"]] }
            return detail
        }
        world.pipelines["Shop.Pipeline"] = [
            "state": [
                "pipelineName": "Shop.Pipeline", "pipelineVersion": 3,
                "stageStates": [
                    ["stageName": "Source", "latestExecution": ["pipelineExecutionId": new, "status": "Succeeded"]],
                    [
                        "stageName": "Build", "latestExecution": ["pipelineExecutionId": new, "status": "InProgress"],
                        "actionStates": [["actionName": "Compile", "latestExecution": ["status": "InProgress", "actionExecutionId": "act-2222"]]],
                    ],
                ],
            ],
            "definition": [
                "name": "Shop.Pipeline", "roleArn": "arn:aws:iam::123456789012:role/pipeline", "version": 3,
                "stages": [
                    ["name": "Source", "actions": [["name": "Checkout", "actionTypeId": ["category": "Source", "owner": "AWS", "provider": "CodeCommit", "version": "1"]]]],
                    ["name": "Build", "actions": [["name": "Compile", "actionTypeId": ["category": "Build", "owner": "AWS", "provider": "CodeBuild", "version": "1"]]]],
                ],
            ],
            "executions": [
                ["pipelineExecutionId": new, "status": "InProgress", "startTime": World.t0 + 300, "pipelineVersion": 3],
                ["pipelineExecutionId": old, "status": "Superseded", "startTime": World.t0, "pipelineVersion": 3],
            ],
            "actionExecutions": [old: [action(old, status: "Failed", build: "proj:pb")], new: [action(new, status: "InProgress", build: nil)]],
        ]
        let run = try collect(.pipeline(name: "Shop.Pipeline", executionID: old), world: world)
        defer { run.folder.cleanUp() }
        #expect(run.manifest.status == .complete, "\(run.manifest.failures)")
        #expect(run.bodies("GetPipelineExecution").map { $0["pipelineExecutionId"] as? String } == [old, new])
        #expect(run.count("ListPipelineExecutions") == 1)
        #expect(run.bodies("ListActionExecutions").map { ($0["filter"] as? [String: Any])?["pipelineExecutionId"] as? String } == [old])
        #expect(run.bodies("BatchGetBuilds").map { $0["ids"] as? [String] } == [["proj:pb"]])
        #expect(run.file("logs/proj_pb.log")?.contains("Error 2") == true)
        #expect(run.file("get-pipeline-execution-\(new).json")?.contains("InProgress") == true)
        let report = Triage.run(paths: [run.folder.path])
        #expect(!report.hasUnreadableInput, "\(report.inputs.filter { $0.status == .error })")
        #expect(Set(report.inputs.map(\.kind)).isSuperset(of: [.codepipelineState, .codepipelineExecution, .codepipelineExecutions, .codepipelineActionExecutions, .codepipelineDefinition, .codebuildBuilds, .buildLog]))

        // No execution id: the latest failed one is looked for in the history (none has failed here: the latest).
        let latest = try collect(.pipeline(name: "Shop.Pipeline", executionID: nil), world: world)
        defer { latest.folder.cleanUp() }
        #expect(latest.bodies("GetPipelineExecution").first?["pipelineExecutionId"] as? String == new)
    }
}

/// The command line, end to end: an event file, and input refused before any call.
@Suite("buildtriage collect (the executable)", .serialized, .enabled(if: !skipAWS, "BUILDTRIAGE_SKIP_AWS=1"))
struct CollectCommandTests {
    func buildtriage(_ arguments: [String], environment: [String: String], input: Data? = nil) -> ChildProcess.Outcome {
        ChildProcess(executable: builtExecutable.path, arguments: arguments, environment: environment, input: input, timeout: .seconds(120)).run()
    }

    @Test("an EventBridge event: what it names is collected, the event is kept, and analyze says which event started the triage")
    func eventFile() throws {
        let aws = try requireAWS()
        var world = World()
        world.build("proj:ev1", status: "FAILED", log: ["[Container] 2020/10/21 17:26:23 Running command make\n", "make: *** [all] Error 1\n"])
        let stub = try AWSStub(world: world.json, maxRequests: 100)
        defer { stub.stop() }
        let event = """
            {"version": "0", "id": "3c7f2a41-0000-4b2a-9c1d-5e6f7a8b9c0d", "detail-type": "CodeBuild Build State Change",
             "source": "aws.codebuild", "account": "123456789012", "time": "2020-10-21T17:27:23Z", "region": "us-east-1",
             "resources": ["\(World.buildARN("proj:ev1"))"],
             "detail": {"build-status": "FAILED", "project-name": "proj", "build-id": "\(World.buildARN("proj:ev1"))",
                        "current-phase": "COMPLETED", "additional-information": {"build-complete": true}}}
            """
        let out = stub.directory.path("out")
        let result = buildtriage(
            ["collect", "--event", "-", "--output", out, "--endpoint-url", stub.endpoint, "--aws", aws],
            environment: awsEnvironment(home: stub.directory.path), input: Data(event.utf8))
        let stderr = String(decoding: result.stderr, as: UTF8.self)
        #expect(result.exitStatus == 0, "\(stderr)")
        #expect(stderr.contains("collect: complete: 3 requests"), "\(stderr)")
        #expect(FileManager.default.fileExists(atPath: "\(out)/event.json"))
        #expect(FileManager.default.fileExists(atPath: "\(out)/logs/proj_ev1.log"))
        #expect(try stub.requests().map { $0["target"] as? String } == [
            "CodeBuild_20161006.BatchGetBuilds", "Logs_20140328.GetLogEvents", "Logs_20140328.GetLogEvents",
        ])
        let analysis = buildtriage(["analyze", out, "--format", "json"], environment: ["PATH": "/usr/bin:/bin"])
        let report = try JSONDecoder().decode(TriageReport.self, from: analysis.stdout)
        #expect(report.inputs.contains { $0.kind == .eventbridgeEvent && $0.status == .ok })
        #expect(report.diagnostics.contains {
            $0.hasPrefix("triage started by EventBridge event 'CodeBuild Build State Change' for build \(World.buildARN("proj:ev1")): FAILED at 2020-10-21T17:27:23Z")
        }, "\(report.diagnostics)")
        #expect(analysis.exitStatus == 1)
    }

    @Test(
        "input that is not an id is refused before any call",
        arguments: [
            ["build", "proj:b1;rm -rf /"], ["build", "proj:ok", "not-an-id"], ["batch", "$(touch /tmp/x):1"], ["batch", "file:///etc/passwd"],
            ["pipeline", "My Pipeline"], ["pipeline", "deploy;id"], ["pipeline", "Shop", "--execution-id", "NOT-A-UUID"],
            ["batch", "arn:aws:codebuild:us-east-1:123456789012:build/proj:b1"],
        ])
    func refused(_ arguments: [String]) throws {
        let aws = try requireAWS()
        let stub = try AWSStub(world: World().json)
        defer { stub.stop() }
        let out = stub.directory.path("out")
        let result = buildtriage(
            ["collect"] + arguments + ["--output", out, "--endpoint-url", stub.endpoint, "--aws", aws], environment: awsEnvironment(home: stub.directory.path))
        #expect(result.exitStatus == 64, "\(String(decoding: result.stderr, as: UTF8.self))")
        #expect(String(decoding: result.stderr, as: UTF8.self).hasPrefix("error: "))
        #expect(try stub.requests().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}

/// The pieces that need no aws CLI.
@Suite("collect: targets, events and logs")
struct CollectUnitTests {
    @Test("ids and ARNs become PROJECT:ID; pipeline names and execution ids follow the API's patterns")
    func targets() throws {
        #expect(try CollectTarget.batch("arn:aws:codebuild:eu-west-1:123456789012:build-batch/my-proj:9f1c").get() == .batch("my-proj:9f1c"))
        #expect(try CollectTarget.builds(["p1:a", "arn:aws:codebuild:us-east-1:123456789012:build/p1:a", "p2:b"]).get() == .builds(["p1:a", "p2:b"]))
        #expect(try CollectTarget.pipeline("Shop.Pipe-line_1@x", executionID: nil).get() == .pipeline(name: "Shop.Pipe-line_1@x", executionID: nil))
        for bad in ["noColon", "p:", ":id", "p:a b", "-p:1", "p:1:2", "p:<id>", "p:\u{202E}1"] {
            #expect(throws: CollectInputError.self, "\(bad)") { try CollectTarget.builds([bad]).get() }
        }
        for bad in ["a|b", "a`b`", "", String(repeating: "p", count: 101), "x\ny"] {
            #expect(throws: CollectInputError.self, "\(bad)") { try CollectTarget.pipeline(bad, executionID: nil).get() }
        }
    }

    @Test("events: each kind names its build, batch or pipeline; other events are refused")
    func events() throws {
        func event(_ detailType: String, _ detail: String, source: String = "aws.codepipeline", resources: String = "[]") -> Data {
            Data(#"{"detail-type": "\#(detailType)", "source": "\#(source)", "id": "e1", "resources": \#(resources), "detail": \#(detail)}"#.utf8)
        }
        let execution = "3137f7cb-7cf7-4a4b-9b8e-1234567890ab"
        let action = try CollectTarget.event(
            event(
                "CodePipeline Action Execution State Change",
                #"{"pipeline": "Shop", "execution-id": "\#(execution)", "stage": "Build", "action": "Compile", "state": "FAILED", "type": {"provider": "CodeBuild"}}"#)
        ).get()
        guard case .event(let parsed, _, let names) = action else { Issue.record("not an event"); return }
        #expect(names == .pipeline(name: "Shop", executionID: execution))
        #expect(parsed.summary.contains("pipeline Shop, stage Build, action Compile, execution \(execution): FAILED"))
        let batch = try CollectTarget.event(
            event(
                "CodeBuild Build Batch State Change", #"{"build-batch-status": "FAILED"}"#, source: "aws.codebuild",
                resources: #"["arn:aws:codebuild:us-east-1:123456789012:build-batch/proj:b9"]"#)
        ).get()
        guard case .event(_, _, let batchNames) = batch else { Issue.record("not an event"); return }
        #expect(batchNames == .batch("proj:b9"))
        #expect(throws: CollectInputError.self) { try CollectTarget.event(event("EC2 Instance State-change Notification", "{}", source: "aws.ec2")).get() }
        #expect(throws: CollectInputError.self) {
            try CollectTarget.event(event("CodePipeline Pipeline Execution State Change", #"{"pipeline": "a;b", "execution-id": "x"}"#)).get()
        }
        #expect(throws: CollectInputError.self) { try CollectTarget.event(Data("[1]".utf8)).get() }
    }
}

/// `--max-log-bytes`: the head and the tail are kept, and the cut is said where it happened.
@Suite("collect: log head and tail")
struct LogAssemblerTests {
    @Test("a log over the limit keeps its head and tail and says where it cut")
    func cut() throws {
        var log = LogAssembler(maxBytes: 100)
        for index in 0..<100 { log.append(String(format: "line %03d\n", index)) }  // 9 bytes a line with its newline: 5 of head, 5 of tail
        let lines = log.text.split(separator: "\n").map(String.init)
        #expect(log.wasCut)
        #expect(lines.first == "line 000")
        #expect(lines.last == "line 099")
        let note: String = try #require(lines.first { $0.hasPrefix("[buildtriage collect]") })
        #expect(note == "[buildtriage collect] 90 lines (810 bytes) cut here, after line 5: the log has 100 lines (900 bytes) and --max-log-bytes 100 keeps its head and tail")
        #expect(lines.count == 5 + 1 + 5)
        #expect(log.text.utf8.count <= 100 + note.utf8.count + 1)
    }

    @Test("a log within the limit is whole, one line per event, trailing newlines dropped once")
    func whole() {
        var log = LogAssembler(maxBytes: 1000)
        for message in ["a\n", "b\r\n", "c", "d\n\n"] { log.append(message) }
        #expect(!log.wasCut)
        #expect(log.text == "a\nb\nc\nd\n\n")
    }
}
