import BuildTriageCore

/// Tests that failed in every attempt: `<failure>`/`<error>` with no passing rerun anywhere in the run, and
/// CodeBuild test cases or reports with `FAILED`/`ERROR`.
struct TestFailureAnalyzer: Analyzer {
    static let description = AnalyzerDescription(
        id: "test_failure",
        summary: "JUnit failures and errors, CodeBuild FAILED/ERROR test cases and reports, with no passing rerun",
        categories: [.testFailure],
        triggeringExamples: [
            AnalyzerExample(
                [("junit.xml", Example.junit([#"<testcase classname="a.B" name="t"><failure message="expected 1, got 2">at a.B.t(B.java:10)</failure></testcase>"#]))],
                expect: [(.testFailure, "a.B.t")]),
            AnalyzerExample(
                [("cases.json", #"{"testCases": [{"prefix": "pkg.Suite", "name": "test_x", "status": "FAILED", "message": "boom"}]}"#)],
                expect: [(.testFailure, "pkg.Suite.test_x")]),
            AnalyzerExample(
                [("junit.xml", Example.junit([#"<testcase classname="a.B" name="t"><failure message="boom"/><rerunFailure message="boom"/></testcase>"#]))],
                expect: [(.testFailure, "a.B.t")]),
        ],
        nonTriggeringExamples: [
            AnalyzerExample([("junit.xml", Example.junit([#"<testcase classname="a.B" name="t"><skipped/></testcase>"#, #"<testcase classname="a.B" name="u"/>"#]))]),
            AnalyzerExample([("junit.xml", Example.junit([#"<testcase classname="a.B" name="t"><failure/></testcase>"#, #"<testcase classname="a.B" name="t"/>"#]))]),
        ])

    /// Lines of a stack trace kept as evidence.
    static let detailLines = 3

    func analyze(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        var reportsWithCases: Set<String> = []
        for report in context.junitReports {
            let (target, scope, version) = context.targetAndScope(forPath: report.path)
            var seen: Set<String> = []
            let passedInReport = Set(report.value.cases.filter { $0.outcome == .passed }.map(\.subjectID))
            for testCase in report.value.cases where testCase.outcome == .failed || testCase.outcome == .errored {
                let id = testCase.subjectID
                guard seen.insert(id).inserted, !report.value.passed(id), !passedInReport.contains(id),
                    !context.passedElsewhere(id, sourceVersion: version, excluding: report.path)
                else { continue }
                let failure = testCase.failure
                let headline = failure?.headline
                var lines = [EvidenceLine(
                    path: report.path, line: testCase.reportLine,
                    text: "\(id) \(testCase.outcome == .errored ? "errored" : "failed")\(failure?.type.map { " (\($0))" } ?? "")\(headline.map { ": \($0)" } ?? "")")]
                if let file = testCase.file {
                    lines.append(EvidenceLine(path: file, line: testCase.line, text: "test source"))
                }
                for detail in (failure?.details ?? "").firstLines(Self.detailLines, where: { !$0.trimmedWhitespace.isEmpty }).map({ $0.trimmedWhitespace })
                where String(detail) != headline {
                    lines.append(EvidenceLine(path: report.path, line: testCase.reportLine, text: String(detail)))
                }
                let attempts = testCase.reruns.isEmpty ? "" : " in all \(testCase.reruns.count + 1) attempts"
                findings.append(Finding(
                    analyzer: Self.description.id, category: .testFailure, subject: Subject(.test, id),
                    message: "\(id) \(testCase.outcome == .errored ? "errored" : "failed")\(attempts)\(headline.map { ": \($0)" } ?? "")",
                    evidence: lines, target: target, scope: scope))
            }
        }
        var seenCases: Set<String> = []
        for testCase in context.testCases where testCase.value.outcome == .failed || testCase.value.outcome == .errored {
            let id = testCase.value.subjectID
            let attribution = context.attribution(for: testCase.value, path: testCase.path)
            if let arn = testCase.value.reportArn { reportsWithCases.insert(arn) }
            guard seenCases.insert(id).inserted,
                !context.passedElsewhere(id, sourceVersion: attribution?.sourceVersion, excluding: testCase.path)
            else { continue }
            let status = testCase.value.status?.rawValue ?? "FAILED"
            let headline = firstLine(testCase.value.message)
            findings.append(Finding(
                analyzer: Self.description.id, category: .testFailure, subject: Subject(.test, id),
                message: "\(id) \(status == "ERROR" ? "errored" : "failed")\(headline.isEmpty ? "" : ": \(headline)")",
                evidence: [EvidenceLine(path: testCase.path, text: "\(id): \(status)\(headline.isEmpty ? "" : " — \(headline)")")],
                target: attribution?.target ?? AnalysisContext.jobTarget, scope: attribution?.scope))
        }
        for report in context.reports {
            let counts = report.value.testSummary?.statusCounts ?? [:]
            let failed = (counts["FAILED"] ?? 0) + (counts["ERROR"] ?? 0)
            guard failed > 0, !(report.value.arn.map(reportsWithCases.contains) ?? false) else { continue }
            let attribution = context.attribution(for: report.value, path: report.path)
            let name = report.value.name ?? report.value.arn ?? report.path
            let id = report.value.arn.map { "\(name) (\($0.split(separator: ":").last ?? ""))" } ?? name
            let summary = counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            findings.append(Finding(
                analyzer: Self.description.id, category: .testFailure, subject: Subject(.test, id),
                message: "test report \(name): \(counts["FAILED"] ?? 0) failed and \(counts["ERROR"] ?? 0) errored of \(report.value.testSummary?.total ?? 0) (save describe-test-cases for the names)",
                evidence: [EvidenceLine(path: report.path, text: "report \(name) \(report.value.status?.rawValue ?? ""): \(summary)")],
                target: attribution?.target ?? AnalysisContext.jobTarget, scope: attribution?.scope))
        }
        return findings
    }
}
