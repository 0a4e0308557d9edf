import BuildTriageCore

/// A build group `STOPPED` because a group it depends on failed: not a failure of its own. The root cause is
/// followed transitively through stopped groups (`linux_large` → `linux_medium` → `linux_small`). A failed
/// dependency with `ignoreFailure: true` does not make its dependents collateral.
struct CollateralAnalyzer: Analyzer {
    static let description = AnalyzerDescription(
        id: "collateral",
        summary: "STOPPED build groups whose dependsOn chain reaches a failed group; names the transitive root cause",
        categories: [.collateral],
        triggeringExamples: [
            AnalyzerExample(
                [("batch.json", Example.batch("FAILED", groups: [
                    Example.group("linux_small", "FAILED"),
                    Example.group("linux_medium", "STOPPED", dependsOn: ["linux_small"]),
                    Example.group("linux_large", "STOPPED", dependsOn: ["linux_medium"]),
                ]))],
                expect: [(.collateral, "linux_medium"), (.collateral, "linux_large")]),
        ],
        nonTriggeringExamples: [
            AnalyzerExample([("batch.json", Example.batch("FAILED", groups: [
                Example.group("linux_small", "FAILED", ignoreFailure: true),
                Example.group("linux_medium", "STOPPED", dependsOn: ["linux_small"]),
            ]))]),
            AnalyzerExample([("batch.json", Example.batch("STOPPED", groups: [
                Example.group("linux_small", "SUCCEEDED"),
                Example.group("linux_medium", "STOPPED", dependsOn: ["linux_small"]),
            ]))]),
        ])

    func analyze(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for batch in context.batches {
            let groups = batch.value.groupsByIdentifier
            for (identifier, group) in groups.sorted(by: { $0.key < $1.key }) where Self.isStopped(group) {
                guard let (root, chain) = Self.root(of: identifier, in: groups) else { continue }
                let ref = GroupRef(batch: batch.value, batchPath: batch.path, group: group, identifier: identifier)
                let path = ([identifier] + chain).joined(separator: " → ")
                findings.append(Finding(
                    analyzer: Self.description.id, category: .collateral, subject: Subject(.buildGroup, identifier),
                    message: "\(identifier) was stopped because \(root) failed (\(path)); it is fixed by dealing with \(root), not on its own",
                    evidence: [EvidenceLine(path: batch.path, text: "build group \(identifier): \(group.currentBuildSummary?.buildStatus?.rawValue ?? "?"), dependsOn \((group.dependsOn ?? []).joined(separator: ", "))")],
                    target: context.target(of: ref), rootSubject: Subject(.buildGroup, root)))
            }
        }
        return findings
    }

    static func isStopped(_ group: BuildGroup) -> Bool {
        group.currentBuildSummary?.buildStatus == .stopped
    }

    /// The failed group at the end of the dependency chain, and the chain from the first dependency to it.
    /// Depth-first through stopped dependencies; cycles are cut.
    static func root(of identifier: String, in groups: [String: BuildGroup]) -> (String, [String])? {
        var visited: Set<String> = [identifier]
        func walk(_ id: String) -> [String]? {
            for dependency in (groups[id]?.dependsOn ?? []).sorted() where !visited.contains(dependency) {
                visited.insert(dependency)
                guard let group = groups[dependency], let status = group.currentBuildSummary?.buildStatus else { continue }
                if AnalysisContext.isFailure(status) {
                    if group.ignoreFailure == true { continue }
                    return [dependency]
                }
                if isStopped(group), let rest = walk(dependency) { return [dependency] + rest }
            }
            return nil
        }
        guard let chain = walk(identifier), let root = chain.last else { return nil }
        return (root, chain)
    }
}
