import BuildTriageCore

/// A failed build or build group whose only evidence is flaky tests that passed: the flaky tests explain it.
/// Runners are often set to fail the build when a test needed a rerun (Surefire `failOnFlakeCount`, Gradle
/// test-retry `failOnPassedAfterRetry`, pytest reruns in strict mode): such a failure is flaky, and a retry is the
/// answer. When every flaky test under a build passed in a later attempt of it, nothing is failing now: the finding
/// is resolved.
struct FlakyFailureAnalyzer: Analyzer {
    static let description = AnalyzerDescription(
        id: "flaky_failure",
        summary: "failed builds and build groups whose only evidence is flaky tests that passed (a runner that fails the build on flakes)",
        categories: [.flaky],
        stage: .fallback,
        triggeringExamples: [
            AnalyzerExample(
                [
                    ("batch.json", Example.batch("FAILED", groups: [Example.group("unit", "FAILED")])),
                    ("reports/unit/junit.xml", Example.junit([#"<testcase classname="a.B" name="t"><flakyFailure message="boom" type="X"/></testcase>"#])),
                ],
                expect: [(.flaky, "unit")])
        ],
        nonTriggeringExamples: [
            // A flaky test beside a real failure: the failure explains the group.
            AnalyzerExample([
                ("batch.json", Example.batch("FAILED", groups: [Example.group("unit", "FAILED")])),
                (
                    "reports/unit/junit.xml",
                    Example.junit([
                        #"<testcase classname="a.B" name="t"><flakyFailure message="boom" type="X"/></testcase>"#,
                        #"<testcase classname="a.B" name="u"><failure message="boom"/></testcase>"#,
                    ])
                ),
            ]),
            // The group succeeded in the end: its flaky tests call for nothing.
            AnalyzerExample([
                ("batch.json", Example.batch("SUCCEEDED", groups: [Example.group("unit", "SUCCEEDED")])),
                ("reports/unit/junit.xml", Example.junit([#"<testcase classname="a.B" name="t"><flakyFailure message="boom" type="X"/></testcase>"#])),
            ]),
        ])

    /// The runner settings that fail a build on flakes, for the message.
    static let runnerSettings = "Surefire failOnFlakeCount, Gradle test-retry failOnPassedAfterRetry, pytest reruns in strict mode"

    func analyze(_ context: AnalysisContext) -> [Finding] {
        let flakyOnly = FailureExplanations(context.priorFindings).flakyOnly
        guard !flakyOnly.isEmpty else { return [] }
        var findings: [Finding] = []
        var covered: Set<Subject> = []
        func add(_ subject: Subject, target: Target, evidence: EvidenceLine, isBuild: Bool) {
            guard let tests = flakyOnly[subject], covered.insert(subject).inserted else { return }
            let later = tests.filter { context.priorFindings[$0].message.contains(FlakyTestAnalyzer.laterAttempt) }
            let rerun = tests.count - later.count
            let parts = [
                rerun > 0 ? "\(rerun) passed on rerun" : nil,
                later.isEmpty ? nil : "\(later.count) \(FlakyTestAnalyzer.laterAttempt)",
            ].compactMap { $0 }.joined(separator: ", ")
            // A build whose flaky tests all passed in its later attempts is history; a group is judged by its current
            // attempt, which failed (the callers only pass failed groups).
            let resolved = isBuild && rerun == 0
            let message =
                resolved
                ? "\(subject.id) failed with only flaky tests (\(parts)): nothing of it is failing now"
                : "\(subject.id) failed with only flaky tests (\(parts)): most likely a runner that fails the build on flakes (\(Self.runnerSettings))"
            let shown = tests.prefix(5).compactMap { context.priorFindings[$0].evidence.first }
            let more = tests.count > 5 ? [EvidenceLine(text: "… and \(tests.count - 5) more flaky tests")] : []
            findings.append(Finding(
                analyzer: Self.description.id, category: .flaky, subject: subject, message: message,
                evidence: [evidence] + shown + more, target: target, resolved: resolved ? true : nil))
        }
        for build in context.builds where build.value.buildStatus == .failed {
            let (subject, target) = context.place(of: build)
            // An earlier attempt of a group: the group's current attempt decides (below), or it succeeded.
            if subject.kind == .buildGroup { continue }
            add(subject, target: target, evidence: EvidenceLine(path: build.path, text: "build \(subject.id): FAILED"), isBuild: true)
        }
        for index in context.groups.indices where context.groups[index].knownStatus == .failed && !context.groups[index].ignoresFailure {
            let ref = context.groups[index]
            add(
                Subject(.buildGroup, ref.identifier), target: context.target(of: ref),
                evidence: EvidenceLine(path: context.batchPath(ref), text: "build group \(ref.identifier): FAILED"), isBuild: false)
        }
        return findings
    }
}
