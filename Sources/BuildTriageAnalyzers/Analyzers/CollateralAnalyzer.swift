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
        for batchIndex in context.batches.indices {
            for (index, root) in Self.stoppedGroups(ofBatch: batchIndex, in: context) {
                guard let (root, chain) = root else { continue }
                let ref = context.groups[index]
                let identifier = ref.identifier
                let group = context.group(ref)
                let path = ([identifier] + chain).joined(separator: " → ")
                findings.append(Finding(
                    analyzer: Self.description.id, category: .collateral, subject: Subject(.buildGroup, identifier),
                    message: "\(identifier) was stopped because \(root) failed (\(path)); it is fixed by dealing with \(root), not on its own",
                    evidence: [EvidenceLine(path: context.batches[batchIndex].path, text: "build group \(identifier): \(group.currentBuildSummary?.buildStatus?.rawValue ?? "?"), dependsOn \((group.dependsOn ?? []).joined(separator: ", "))")],
                    target: context.target(of: ref), rootSubject: Subject(.buildGroup, root)))
            }
        }
        return findings
    }

    static func isStopped(_ group: BuildGroup) -> Bool {
        group.currentBuildSummary?.buildStatus == .stopped
    }

    /// The stopped groups of a batch (the first group of each identifier, as a batch's groups by identifier
    /// hold them), sorted by identifier, each with its index in `context.groups` and `root(of:in:)`'s answer:
    /// the failed group at the end of its dependency chain, and the chain. Empty, and nothing computed, for a
    /// batch with no stopped group.
    ///
    /// Each group's chain is computed once and shared by the groups that depend on it (a chain of n stopped
    /// groups is not walked n times). That is the depth-first walk of `root(of:in:)` only when the stopped
    /// groups' dependencies have no cycle (CodeBuild refuses those); a batch with one gets that walk per group.
    static func stoppedGroups(ofBatch batchIndex: Int, in context: AnalysisContext) -> [(index: Int, root: (String, [String])?)] {
        let range = context.groupRange(ofBatch: batchIndex)
        guard context.groups[range].contains(where: { $0.knownStatus == .stopped }) else { return [] }
        var first: [String: Int] = [:]
        first.reserveCapacity(range.count)
        for index in range where first[context.groups[index].identifier] == nil { first[context.groups[index].identifier] = index }
        let stopped = first.filter { context.groups[$0.value].knownStatus == .stopped }.sorted { $0.key < $1.key }

        // The next group of each stopped group's chain (nil: no chain), by a memoized depth-first walk.
        var next: [String: String?] = [:]
        var onPath: Set<String> = []
        var cyclic = false
        func resolve(_ identifier: String) -> String? {
            if let known = next[identifier] { return known }
            guard !cyclic, onPath.insert(identifier).inserted else {
                cyclic = true
                return nil
            }
            var found: String?
            for dependency in (context.group(context.groups[first[identifier]!]).dependsOn ?? []).sorted() {
                guard let index = first[dependency], let status = context.groups[index].status else { continue }
                if AnalysisContext.isFailure(status) {
                    if context.groups[index].ignoresFailure { continue }
                    found = dependency
                    break
                }
                if status.known == .stopped, resolve(dependency) != nil {
                    found = dependency
                    break
                }
            }
            onPath.remove(identifier)
            next[identifier] = .some(found)
            return found
        }
        for (identifier, _) in stopped where !cyclic { _ = resolve(identifier) }
        if cyclic {
            var groups: [String: BuildGroup] = [:]
            for (identifier, index) in first { groups[identifier] = context.group(context.groups[index]) }
            return stopped.map { ($0.value, root(of: $0.key, in: groups)) }
        }
        return stopped.map { identifier, index in
            var chain: [String] = []
            var current = identifier
            while let step = next[current] ?? nil {
                chain.append(step)
                current = step
            }
            return (index, chain.last.map { ($0, chain) })
        }
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
