import BuildTriageCore

/// Reports built in Swift for the reporter tests.
enum Fixtures {
    static let batchID = "demo-project:8d1c3a52-7f1e-4c0b-9f3e-2b6a1c0d9e41"
    static let buildID = "demo-project:1f0e6b7a-3c2d-4e5f-8a9b-0c1d2e3f4a5b"
    static let executionID = "3137f7cb-7cf7-4a4b-9b8e-1234567890ab"

    static func time(_ text: String) -> Timestamp { Timestamp(iso8601: text)! }

    /// A realistic failed run: a batch whose `linux_small` group failed with a client error (and stopped
    /// `linux_medium` and `linux_large`), a build to retry, a blocked pipeline stage, a CI job with failing
    /// tests, a flaky test, a finding with no target, an unreadable input and a timeline.
    static func sample() -> TriageReport {
        let batch = Target.batch(batchID)
        let build = Target.build(buildID)
        let stage = Target.stage(pipeline: "web-release", stage: "Deploy", execution: executionID)
        let job = Target.job("ci")

        let small = Finding(
            analyzer: "build_group_status", category: .clientError, subject: Subject(.buildGroup, "linux_small"),
            message: "DOWNLOAD_SOURCE failed with CLIENT_ERROR: YAML_FILE_ERROR",
            evidence: [
                EvidenceLine(
                    path: "buildspec.yml", line: 14,
                    text: "YAML_FILE_ERROR Message: Expected Commands[0] to be of string type: found subkeys instead at line 14"),
                EvidenceLine(text: "phase DOWNLOAD_SOURCE: CLIENT_ERROR"),
            ],
            target: batch)
        let medium = Finding(
            analyzer: "collateral", category: .collateral, subject: Subject(.buildGroup, "linux_medium"), rootCause: small.id,
            message: "stopped because linux_small failed", target: batch)
        let large = Finding(
            analyzer: "collateral", category: .collateral, subject: Subject(.buildGroup, "linux_large"), rootCause: small.id,
            message: "stopped because linux_medium failed (root cause: linux_small)", target: batch)
        let optional = Finding(
            analyzer: "build_group_status", category: .ignored, subject: Subject(.buildGroup, "windows_optional"),
            message: "failed, but the group has ignoreFailure: true", target: batch)
        let pull = Finding(
            analyzer: "transient_log", category: .infrastructure, subject: Subject(.build, buildID),
            message: "image pull failed: toomanyrequests: You have reached your pull rate limit",
            evidence: [EvidenceLine(path: "logs/build.log", line: 57, text: "toomanyrequests: You have reached your pull rate limit.")],
            target: build)
        let throttled = Finding(
            analyzer: "action_error", category: .infrastructure, subject: Subject(.action, "Deploy/ApplyStack"),
            message: "CloudFormation call throttled: Rate exceeded",
            evidence: [EvidenceLine(path: "pipeline/actions.json", text: "errorDetails.code: JobFailed, message: Rate exceeded")],
            target: stage)
        let addsItem = Finding(
            analyzer: "junit_failure", category: .testFailure, subject: Subject(.test, "com.example.cart.CartServiceTest.addsItem"),
            message: "expected: <3> but was: <2>",
            evidence: [
                EvidenceLine(
                    path: "reports/junit.xml", line: 42,
                    text: """
                        org.opentest4j.AssertionFailedError: expected: <3> but was: <2>
                        \tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)
                        \tat com.example.cart.CartServiceTest.addsItem(CartServiceTest.java:57)
                        \tat java.base/java.lang.reflect.Method.invoke(Method.java:580)
                        """)
            ],
            target: job)
        let removesItem = Finding(
            analyzer: "junit_failure", category: .testFailure, subject: Subject(.test, "com.example.cart.CartServiceTest.removesItem"),
            message: "expected: <1> but was: <0>",
            evidence: [EvidenceLine(path: "reports/junit.xml", line: 61, text: "org.opentest4j.AssertionFailedError: expected: <1> but was: <0>")],
            target: job)
        let createsOrder = Finding(
            analyzer: "junit_failure", category: .testFailure, subject: Subject(.test, "com.example.api.OrderApiTest.createsOrder"),
            message: "java.net.ConnectException: Connection refused",
            evidence: [EvidenceLine(path: "reports/api/junit.xml", line: 8, text: "java.net.ConnectException: Connection refused\n\tat java.base/sun.nio.ch.Net.connect0(Native Method)")],
            target: job)
        let flaky = Finding(
            analyzer: "junit_flaky", category: .flaky, subject: Subject(.test, "com.example.api.OrderApiTest.retriesPayment"),
            message: "failed, then passed on a rerun (flakyFailure)",
            evidence: [EvidenceLine(path: "reports/api/junit.xml", line: 21, text: "java.util.concurrent.TimeoutException: payment stub did not answer in 2s")],
            target: job)
        let exit = Finding(
            analyzer: "log_exit_status", category: .buildFailure, subject: Subject(.log, "logs/deploy.log"),
            message: "a command exited with status 2", evidence: [EvidenceLine(path: "logs/deploy.log", line: 311, text: "make: *** [deploy] Error 2")])

        let recommendations = [
            Recommendation(
                action: .retry, target: build, reason: "every failure is transient (Docker Hub rate limit)",
                command: ["aws", "codebuild", "retry-build", "--id", buildID], cliInputJson: ["id": buildID],
                shell: "aws codebuild retry-build --id \(buildID)", attempts: 0, findings: [pull.id]),
            Recommendation(
                action: .fix, target: batch, reason: "linux_small failed with a client error: a retry would fail the same way",
                findings: [small.id, medium.id, large.id, optional.id]),
            Recommendation(
                action: .investigate, target: stage, reason: "Deploy failed on a throttled call, but a retry is blocked",
                blockedBy: ["NotLatestPipelineExecution: execution 9a1b2c3d-0000-4000-8000-000000000001 ran later and failed Deploy too"],
                attempts: 1, findings: [throttled.id]),
            Recommendation(
                action: .fix, target: job, reason: "3 tests failed in every attempt",
                findings: [addsItem.id, removesItem.id, createsOrder.id, flaky.id]),
        ]

        var tests = TestCounts()
        tests.total = 120
        tests.passed = 112
        tests.failed = 4
        tests.errored = 1
        tests.skipped = 3
        tests.flaky = 1

        let timeline = [
            TimelineEntry(lane: .batchPhase, owner: batchID, name: "SUBMITTED", status: "SUCCEEDED", start: time("2024-05-02T10:00:00Z"), end: time("2024-05-02T10:00:02Z")),
            TimelineEntry(lane: .batchPhase, owner: batchID, name: "DOWNLOAD_BATCHSPEC", status: "SUCCEEDED", start: time("2024-05-02T10:00:02Z"), end: time("2024-05-02T10:00:20Z")),
            TimelineEntry(lane: .batchPhase, owner: batchID, name: "IN_PROGRESS", status: "FAILED", start: time("2024-05-02T10:00:20Z"), end: time("2024-05-02T10:04:10Z")),
            TimelineEntry(lane: .buildGroup, owner: batchID, name: "linux_small", status: "FAILED", start: time("2024-05-02T10:00:21Z"), end: time("2024-05-02T10:01:40Z")),
            TimelineEntry(lane: .buildGroup, owner: batchID, name: "linux_medium", status: "STOPPED", start: time("2024-05-02T10:01:41Z"), end: time("2024-05-02T10:01:45Z"), dependsOn: ["linux_small"]),
            TimelineEntry(lane: .buildGroup, owner: batchID, name: "linux_large", status: "STOPPED", start: nil, end: nil, dependsOn: ["linux_medium"]),
            TimelineEntry(lane: .buildPhase, owner: buildID, name: "PROVISIONING", status: "SUCCEEDED", start: time("2024-05-02T10:00:30Z"), end: time("2024-05-02T10:01:05Z")),
            TimelineEntry(lane: .buildPhase, owner: buildID, name: "BUILD", status: "FAILED", start: time("2024-05-02T10:01:05Z"), end: time("2024-05-02T10:03:30Z")),
            TimelineEntry(lane: .stage, owner: "web-release", name: "Source", status: "Succeeded", start: time("2024-05-02T10:00:00Z"), end: time("2024-05-02T10:00:15Z")),
            TimelineEntry(lane: .stage, owner: "web-release", name: "Deploy", status: "Failed", start: time("2024-05-02T10:02:00Z"), end: time("2024-05-02T10:04:00Z")),
        ]

        return TriageReport(
            verdict: .fix,
            inputs: [
                InputRecord(path: "batch.json", kind: .codebuildBatch, status: .ok),
                InputRecord(path: "reports/junit.xml", kind: .junit, status: .ok),
                InputRecord(
                    path: "reports/broken.xml", kind: .junit, status: .error,
                    diagnostic: "reports/broken.xml:17:5: Opening and ending tag mismatch: testcase line 12 and testsuite",
                    line: 17, column: 5),
            ],
            tests: tests,
            findings: [small, medium, large, optional, pull, throttled, addsItem, removesItem, createsOrder, flaky, exit],
            recommendations: recommendations,
            diagnostics: ["rules/custom.yml: rule 'oom' has no pattern"],
            timeline: timeline)
    }

    /// `count` failing tests with distinct messages (no two normalize alike), under one job target, plus
    /// a handful of collateral findings, so nothing collapses by grouping.
    static func huge(failures count: Int) -> TriageReport {
        let job = Target.job("ci")
        var findings: [Finding] = []
        findings.reserveCapacity(count)
        for index in 0..<count {
            let word = letters(index)
            findings.append(
                Finding(
                    analyzer: "junit_failure", category: .testFailure, subject: Subject(.test, "com.example.suite\(index % 50).Test.case\(index)"),
                    message: "assertion failed: expected state \(word) but the service answered \(word)x with a long explanation | [link](javascript:alert(1)) <b>",
                    evidence: [EvidenceLine(path: "reports/part\(index % 20).xml", line: index + 1, text: "AssertionError: state \(word)\n\tat Test.case\(index)(Test.java:\(index))")],
                    target: job))
        }
        var tests = TestCounts()
        tests.total = count * 2
        tests.passed = count
        tests.failed = count
        return TriageReport(
            verdict: .fix, inputs: [InputRecord(path: "reports", kind: .junit, status: .ok)], tests: tests, findings: findings,
            recommendations: [Recommendation(action: .fix, target: job, reason: "\(count) tests failed", findings: findings.map(\.id))])
    }

    /// Base-26 letters for a number: 0 → a, 25 → z, 26 → ba (no digits, so normalization keeps them).
    static func letters(_ number: Int) -> String {
        var value = number
        var result = ""
        repeat {
            result = String(UnicodeScalar(UInt8(97 + value % 26))) + result
            value /= 26
        } while value > 0
        return result
    }

    static let hostileValues = [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        "x%0A::error::pwned",
        "line\n::error::pwned-by-newline",
        "cr\r::warning::pwned-by-cr",
        "\u{1B}[31mred\u{1B}[0m \u{1B}]0;title\u{07}",
        "a|b|c ``` `code` *bold* _em_ # h ~~s~~ $x$ \\ \" ' & &amp;",
        "\"><img src=x onerror=alert(1)>",
    ]

    /// Every input-derived field holds a hostile value.
    static func hostile() -> TriageReport {
        let value = hostileValues.joined(separator: " ")
        let target = Target(kind: .build, id: value, pipelineName: value, stageName: value, pipelineExecutionId: value)
        let root = Finding(
            id: "root:" + value, analyzer: "hostile", category: .clientError, subject: Subject(.build, value), message: value,
            evidence: [EvidenceLine(path: "x%0A::error::path,title=a:b\n::error::p", line: 3, text: value)], target: target)
        let collateral = Finding(
            id: "child:" + value, analyzer: "hostile", category: .collateral, subject: Subject(.buildGroup, value), rootCause: root.id,
            message: value, evidence: [EvidenceLine(text: value)], target: target)
        let loose = Finding(
            analyzer: "hostile", category: .timeout, subject: Subject(.log, value), message: value,
            evidence: [EvidenceLine(path: value, line: 1, text: value)])
        return TriageReport(
            verdict: .fix,
            inputs: [InputRecord(path: value, kind: .junit, status: .error, diagnostic: value)],
            tests: TestCounts(),
            findings: [root, collateral, loose],
            recommendations: [
                Recommendation(action: .fix, target: target, reason: value, blockedBy: [value], findings: [root.id, collateral.id]),
                Recommendation(
                    action: .retry, target: .build("retry " + value), reason: value,
                    command: ["aws", "codebuild", "retry-build", "--id", value + "````"]),
            ],
            diagnostics: [value],
            timeline: [
                TimelineEntry(lane: .buildGroup, owner: value, name: value, status: value, start: time("2024-01-01T00:00:00Z"), end: time("2024-01-01T00:01:00Z"), dependsOn: [value])
            ])
    }
}
