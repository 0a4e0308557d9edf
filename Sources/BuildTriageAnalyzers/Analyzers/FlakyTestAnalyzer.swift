import BuildTriageCore

/// A test that failed, then passed without a code change: a Surefire `flakyFailure`/`flakyError`/
/// `rerunFailure` with a final pass, the same testcase failing then passing in one report (pytest-rerunfailures,
/// Jest, Gradle), or the same test failing in one report and passing in another of the same source version.
struct FlakyTestAnalyzer: Analyzer {
    static let description = AnalyzerDescription(
        id: "flaky_test",
        summary: "tests that failed and passed: in-report reruns, a repeated testcase, or another report of the same source version",
        categories: [.flaky],
        triggeringExamples: [
            AnalyzerExample(
                [("junit.xml", Example.junit([#"<testcase classname="a.B" name="t"><flakyFailure message="boom" type="X"/></testcase>"#]))],
                expect: [(.flaky, "a.B.t")]),
            AnalyzerExample(
                [("junit.xml", Example.junit([#"<testcase classname="a.B" name="t"><failure message="boom"/></testcase>"#, #"<testcase classname="a.B" name="t"/>"#]))],
                expect: [(.flaky, "a.B.t")]),
            AnalyzerExample(
                [
                    ("run1/junit.xml", Example.junit([#"<testcase classname="a.B" name="t"><failure message="boom"/></testcase>"#])),
                    ("run2/junit.xml", Example.junit([#"<testcase classname="a.B" name="t"/>"#])),
                ],
                expect: [(.flaky, "a.B.t")]),
        ],
        nonTriggeringExamples: [
            AnalyzerExample([("junit.xml", Example.junit([#"<testcase classname="a.B" name="t"><failure message="boom"/><rerunFailure message="boom"/></testcase>"#]))]),
            AnalyzerExample([("junit.xml", Example.junit([#"<testcase classname="a.B" name="t"/>"#]))]),
        ])

    func analyze(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for report in context.junitReports {
            let (target, scope, version) = context.targetAndScope(forPath: report.path)
            var seen: Set<String> = []
            // Kept testcases that passed (after reruns), looked up once per report rather than per failure.
            let passedInCases = Set(report.value.cases.lazy.filter { $0.outcome == .passed }.map(\.subjectID))
            for testCase in report.value.cases {
                let id = testCase.subjectID
                guard !seen.contains(id) else { continue }
                let failedHere = testCase.outcome == .failed || testCase.outcome == .errored
                let verdict: (String, Bool)?
                if testCase.outcome == .passed, !testCase.reruns.isEmpty {
                    verdict = ("passed after \(testCase.reruns.count) failed attempt\(testCase.reruns.count == 1 ? "" : "s") (\(testCase.reruns[0].kind.rawValue))", true)
                } else if failedHere, report.value.passed(id) || passedInCases.contains(id) {
                    verdict = ("failed, then passed when rerun in the same report", true)
                } else if failedHere, context.passedElsewhere(id, sourceVersion: version, excluding: report.path) {
                    verdict = ("failed here but passed in another report of the same source version", false)
                } else {
                    verdict = nil
                }
                guard let (how, resolved) = verdict else { continue }
                seen.insert(id)
                let failure = testCase.failure ?? testCase.reruns.first
                var lines = [EvidenceLine(path: report.path, line: testCase.reportLine, text: "\(id): \(how)")]
                if let headline = failure?.headline { lines.append(EvidenceLine(path: report.path, line: testCase.reportLine, text: headline)) }
                findings.append(Finding(
                    analyzer: Self.description.id, category: .flaky, subject: Subject(.test, id),
                    message: "\(id) is flaky: it \(how)\(failure?.headline.map { " — \($0)" } ?? "")",
                    evidence: lines, target: target, scope: scope, resolved: resolved ? true : nil))
            }
        }
        var seenCases: Set<String> = []
        for testCase in context.testCases where testCase.value.outcome == .failed || testCase.value.outcome == .errored {
            let id = testCase.value.subjectID
            let attribution = context.attribution(for: testCase.value, path: testCase.path)
            guard !seenCases.contains(id),
                context.passedElsewhere(id, sourceVersion: attribution?.sourceVersion, excluding: testCase.path)
            else { continue }
            seenCases.insert(id)
            findings.append(Finding(
                analyzer: Self.description.id, category: .flaky, subject: Subject(.test, id),
                message: "\(id) is flaky: it failed here but passed in another report of the same source version",
                evidence: [EvidenceLine(path: testCase.path, text: "\(id): \(testCase.value.status?.rawValue ?? "?") — \(firstLine(testCase.value.message))")],
                target: attribution?.target ?? AnalysisContext.jobTarget, scope: attribution?.scope))
        }
        return findings
    }
}

func firstLine(_ text: String?) -> String {
    text?.split(whereSeparator: \.isNewline).first.map { String($0.trimmedWhitespace) } ?? ""
}
