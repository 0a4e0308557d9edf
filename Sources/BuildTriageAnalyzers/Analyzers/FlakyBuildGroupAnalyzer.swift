import BuildTriageCore

/// A build group whose earlier attempt failed and a later one succeeded (`priorBuildSummaryList`): the
/// failure was transient. Resolved when the group's current attempt succeeded.
struct FlakyBuildGroupAnalyzer: Analyzer {
    static let description = AnalyzerDescription(
        id: "flaky_build_group",
        summary: "build groups whose priorBuildSummaryList shows a failure followed by a success",
        categories: [.flaky],
        triggeringExamples: [
            AnalyzerExample(
                [("batch.json", Example.batch("SUCCEEDED", groups: [Example.group("linux_small", "SUCCEEDED", prior: ["FAILED"])]))],
                expect: [(.flaky, "linux_small")]),
            AnalyzerExample(
                [("batch.json", Example.batch("FAILED", groups: [Example.group("linux_small", "FAILED", prior: ["FAILED", "SUCCEEDED"])]))],
                expect: [(.flaky, "linux_small")]),
        ],
        nonTriggeringExamples: [
            AnalyzerExample([("batch.json", Example.batch("FAILED", groups: [Example.group("linux_small", "FAILED", prior: ["FAILED"])]))]),
            AnalyzerExample([("batch.json", Example.batch("SUCCEEDED", groups: [Example.group("linux_small", "SUCCEEDED")]))]),
        ])

    func analyze(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        // A group with no earlier attempt has one attempt at most: no failure followed by a success.
        for index in context.groups.indices where context.groups[index].priorCount > 0 {
            let ref = context.groups[index]
            if let finding = finding(for: ref, context: context) { findings.append(finding) }
        }
        return findings
    }

    private func finding(for ref: GroupRef, context: AnalysisContext) -> Finding? {
        // The two fields read in place (`context.group(ref)` copied the whole group).
        let attempts = (context.priorAttempts(ref) ?? []).sorted {
                ($0.requestedOn?.secondsSince1970 ?? 0) < ($1.requestedOn?.secondsSince1970 ?? 0)
            } + [context.currentAttempt(ref)].compactMap { $0 }
            let statuses = attempts.map { $0.buildStatus }
            guard let firstFailure = statuses.firstIndex(where: { $0.map(AnalysisContext.isFailure) == true }),
                statuses[(firstFailure + 1)...].contains(where: { $0 == .succeeded })
            else { return nil }
            let history = statuses.map { $0?.rawValue ?? "?" }.joined(separator: " → ")
            let resolved = ref.status == .succeeded
            return Finding(
                analyzer: Self.description.id, category: .flaky, subject: Subject(.buildGroup, ref.identifier),
                message: "\(ref.identifier) failed, then succeeded on a retry with the same source (\(history))\(resolved ? "" : "; its latest attempt failed again")",
                evidence: [EvidenceLine(path: context.batchPath(ref), text: "build group \(ref.identifier) attempts: \(history)")],
                target: context.target(of: ref), resolved: resolved ? true : nil)
    }
}
