import BuildTriageCore

/// A test that failed, then passed without a code change: a Surefire `flakyFailure`/`flakyError`/
/// `rerunFailure` with a final pass, the same testcase failing then passing in one report (pytest-rerunfailures,
/// Jest, Gradle), or the same test failing in one report and passing in another of the same source version.
/// Resolved when it passed in the end: on a rerun in its report, or in a later attempt of the same build group or
/// project (`Attempt`: never the order of the files). A test whose latest attempt failed and that passed elsewhere
/// (a parallel group, an earlier attempt) is flaky and unresolved: it calls for a retry.
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

    /// The words of a flaky test resolved by a later attempt (`flaky_failure` counts those apart from reruns).
    static let laterAttempt = "passed in a later attempt"

    /// How a failure that passed in another report of the same source version is judged: resolved when one of
    /// those reports is a later attempt of the same thing (the latest attempt passed), else an unresolved flaky
    /// failure (its latest attempt failed, and it passed elsewhere: a retry is the answer).
    static func crossReport(_ attempt: Attempt, passedAt paths: [String], attempts: inout AttemptIndex) -> (String, Bool)? {
        guard !paths.isEmpty else { return nil }
        for path in paths {
            let other = attempts.attempt(ofPath: path)
            if other.isLater(than: attempt) {
                return ("failed, then \(laterAttempt) of the same source version (\(other.label))", true)
            }
        }
        return ("failed here but passed in another report of the same source version", false)
    }

    func analyze(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        var attempts = AttemptIndex(context)
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
                    verdict = Self.crossReport(
                        attempts.attempt(ofPath: report.path), passedAt: context.passLocations(of: id, sourceVersion: version, excluding: report.path),
                        attempts: &attempts)
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
                context.passedElsewhere(id, sourceVersion: attribution?.sourceVersion, excluding: testCase.path),
                let (how, resolved) = Self.crossReport(
                    attempts.attempt(of: testCase.value, path: testCase.path),
                    passedAt: context.passLocations(of: id, sourceVersion: attribution?.sourceVersion, excluding: testCase.path), attempts: &attempts)
            else { continue }
            seenCases.insert(id)
            findings.append(Finding(
                analyzer: Self.description.id, category: .flaky, subject: Subject(.test, id),
                message: "\(id) is flaky: it \(how)",
                evidence: [EvidenceLine(path: testCase.path, text: "\(id): \(testCase.value.status?.rawValue ?? "?") — \(firstLine(testCase.value.message))")],
                target: attribution?.target ?? AnalysisContext.jobTarget, scope: attribution?.scope, resolved: resolved ? true : nil))
        }
        return findings
    }
}

func firstLine(_ text: String?) -> String {
    text?.split(whereSeparator: \.isNewline).first.map { String($0.trimmedWhitespace) } ?? ""
}
