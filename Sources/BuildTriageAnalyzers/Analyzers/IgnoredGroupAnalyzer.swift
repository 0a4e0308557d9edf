import BuildTriageCore

/// A build group that failed but has `ignoreFailure: true`: reported, never blocks, never retried by default.
struct IgnoredGroupAnalyzer: Analyzer {
    static let description = AnalyzerDescription(
        id: "ignored_group",
        summary: "failed build groups with ignoreFailure: true",
        categories: [.ignored],
        triggeringExamples: [
            AnalyzerExample(
                [("batch.json", Example.batch("SUCCEEDED", groups: [Example.group("lint", "FAILED", ignoreFailure: true), Example.group("linux_small", "SUCCEEDED")]))],
                expect: [(.ignored, "lint")]),
        ],
        nonTriggeringExamples: [
            AnalyzerExample([("batch.json", Example.batch("FAILED", groups: [Example.group("lint", "FAILED")]))]),
        ])

    func analyze(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for index in context.groups.indices where context.groups[index].ignoresFailure {
            let ref = context.groups[index]
            guard let status = ref.status, AnalysisContext.isFailure(status) else { continue }
            findings.append(Finding(
                analyzer: Self.description.id, category: .ignored, subject: Subject(.buildGroup, ref.identifier),
                message: "\(ref.identifier) \(status.rawValue), but the group has ignoreFailure: true, so the batch does not depend on it",
                evidence: [EvidenceLine(path: context.batchPath(ref), text: "build group \(ref.identifier): \(status.rawValue), ignoreFailure true")],
                target: context.target(of: ref)))
        }
        return findings
    }
}
