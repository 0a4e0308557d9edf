import BuildTriageCollect
import BuildTriageKit
import BuildTriageTestSupport
import Foundation
import Testing

let skipAWS = ProcessInfo.processInfo.environment["BUILDTRIAGE_SKIP_AWS"] == "1"

func requireAWS() throws -> String {
    try #require(awsOnPath, "aws CLI not found on PATH: install it (pip install awscli) or set BUILDTRIAGE_SKIP_AWS=1 to skip these tests")
}

/// Builds the aws stub's small world (`--world`, see `Tests/AWSStub/aws-stub-endpoint.py`) of CodeBuild
/// batches, builds, reports, test cases, CloudWatch logs and CodePipeline pipelines.
struct World {
    static let t0 = 1603301183.0
    static let account = "123456789012"
    static let group = "/aws/codebuild/proj"

    var batches: [String: Any] = [:]
    var builds: [String: Any] = [:]
    var reports: [String: Any] = [:]
    var testCases: [String: Any] = [:]
    var logs: [String: [String]] = [:]
    var pipelines: [String: Any] = [:]
    var deny: [[String: String]] = []
    var throttle: [String: Int] = [:]
    var testCasePageSize = 100
    var logPageSize = 10000

    static func buildARN(_ id: String) -> String { "arn:aws:codebuild:us-east-1:\(account):build/\(id)" }
    static func reportARN(_ name: String) -> String { "arn:aws:codebuild:us-east-1:\(account):report/proj-tests:\(name)" }

    /// A build with one BUILD phase of `status`; its log stream is named after the id's second half.
    @discardableResult
    mutating func build(
        _ id: String, status: String, reports reportNames: [String] = [], log: [String]? = nil, stream: Bool = true, message: String? = nil
    ) -> String {
        let streamName = String(id.split(separator: ":").last ?? "")
        var contexts: [[String: Any]] = []
        if status == "FAILED" {
            contexts = [["statusCode": "COMMAND_EXECUTION_ERROR", "message": message ?? "Error while executing command: make test. Reason: exit status 2"]]
        }
        var build: [String: Any] = [
            "id": id, "arn": Self.buildARN(id), "buildNumber": 1, "startTime": Self.t0, "endTime": Self.t0 + 60, "currentPhase": "COMPLETED",
            "buildStatus": status, "projectName": "proj", "buildComplete": status != "IN_PROGRESS",
            "phases": [
                ["phaseType": "BUILD", "phaseStatus": status, "startTime": Self.t0, "endTime": Self.t0 + 50, "durationInSeconds": 50, "contexts": contexts]
            ],
            "reportArns": reportNames.map(Self.reportARN),
        ]
        if stream { build["logs"] = ["groupName": Self.group, "streamName": streamName] }
        builds[id] = build
        if let log { logs["\(Self.group)|\(streamName)"] = log }
        return id
    }

    /// A test report of `count` cases of which those in `failing` failed.
    mutating func report(_ name: String, build: String, count: Int, failing: Set<Int>) {
        let arn = Self.reportARN(name)
        reports[arn] = [
            "arn": arn, "type": "TEST", "name": name, "status": failing.isEmpty ? "SUCCEEDED" : "FAILED",
            "reportGroupArn": "arn:aws:codebuild:us-east-1:\(Self.account):report-group/proj-tests", "executionId": Self.buildARN(build),
            "created": Self.t0 + 55,
            "testSummary": ["total": count, "statusCounts": ["FAILED": failing.count, "SUCCEEDED": count - failing.count], "durationInNanoSeconds": 1000],
        ]
        testCases[arn] = (0..<count).map { index in
            [
                "reportArn": arn, "prefix": "CheckoutTests", "name": "test\(index)", "status": failing.contains(index) ? "FAILED" : "SUCCEEDED",
                "durationInNanoSeconds": 1000, "message": failing.contains(index) ? "XCTAssertEqual failed: (\"1\") is not equal to (\"2\")" : "",
            ] as [String: Any]
        }
    }

    /// A batch whose groups each have a current build and prior attempts (ids and statuses).
    mutating func batch(_ id: String, status: String, groups: [(String, current: (String, String), prior: [(String, String)])]) {
        func summary(_ build: (String, String), _ offset: Double) -> [String: Any] {
            ["arn": Self.buildARN(build.0), "buildStatus": build.1, "requestedOn": Self.t0 + offset]
        }
        batches[id] = [
            "id": id, "arn": "arn:aws:codebuild:us-east-1:\(Self.account):build-batch/\(id)", "startTime": Self.t0, "endTime": Self.t0 + 600,
            "currentPhase": status == "IN_PROGRESS" ? "IN_PROGRESS" : status, "buildBatchStatus": status, "projectName": "proj",
            "complete": status != "IN_PROGRESS",
            "phases": [["phaseType": "SUBMITTED", "phaseStatus": "SUCCEEDED", "startTime": Self.t0, "endTime": Self.t0 + 1, "durationInSeconds": 1]],
            "buildGroups": groups.map { group in
                [
                    "identifier": group.0, "dependsOn": [String](), "ignoreFailure": false, "currentBuildSummary": summary(group.current, 10),
                    "priorBuildSummaryList": group.prior.enumerated().map { summary($0.element, Double($0.offset)) },
                ] as [String: Any]
            },
        ]
    }

    var json: String {
        let object: [String: Any] = [
            "batches": batches, "builds": builds, "reports": reports, "testCases": testCases, "logs": logs, "pipelines": pipelines,
            "deny": deny, "throttle": throttle, "testCasePageSize": testCasePageSize, "logPageSize": logPageSize,
        ]
        let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data ?? Data(), as: UTF8.self)
    }
}

/// A collection run against the stub's world with the real aws CLI.
struct Collected {
    var manifest: CollectManifest
    var requests: [[String: Any]]
    var folder: ScratchDirectory
    var progress: [String]

    /// The X-Amz-Target operation names, in order (`GetLogEvents`...).
    var operations: [String] { requests.map { ($0["target"] as? String ?? "").split(separator: ".").last.map(String.init) ?? "" } }

    func count(_ operation: String) -> Int { operations.filter { $0 == operation }.count }

    func bodies(_ operation: String) -> [[String: Any]] {
        zip(operations, requests).filter { $0.0 == operation }.map { $0.1["body"] as? [String: Any] ?? [:] }
    }

    func file(_ relative: String) -> String? {
        try? String(contentsOf: folder.url.appendingPathComponent(relative), encoding: .utf8)
    }
}

final class ProgressLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

/// Runs `Collector` on `target` against a fresh stub serving `world`; the stub is stopped before returning.
/// The CLI retries a throttled call once itself (standard mode, 2 attempts), then `collect` runs it again
/// after 50 ms (twice at most).
func collect(_ target: CollectTarget, world: World, wait: Bool = false) throws -> Collected {
    let aws = try requireAWS()
    let stub = try AWSStub(world: world.json, maxRequests: 500)
    defer { stub.stop() }
    let folder = try ScratchDirectory("collect")
    var environment = awsEnvironment(home: stub.directory.path)
    environment["AWS_MAX_ATTEMPTS"] = "2"
    environment["AWS_RETRY_MODE"] = "standard"
    let options = CollectOptions(
        awsPath: aws, globals: AWSGlobalOptions(endpointURL: stub.endpoint), environment: environment, wait: wait,
        waitTimeout: .seconds(60), pollInterval: .milliseconds(50), retryDelays: [.milliseconds(50), .milliseconds(50)], callTimeout: .seconds(60))
    let lines = ProgressLines()
    let collector = try Collector(options: options, folder: folder.url) { lines.add($0) }
    let manifest = collector.collect(target)
    return Collected(manifest: manifest, requests: try stub.requests(), folder: folder, progress: lines.all)
}
