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
                let path = ([identifier] + chain).joined(separator: " → ")
                findings.append(Finding(
                    analyzer: Self.description.id, category: .collateral, subject: Subject(.buildGroup, identifier),
                    message: "\(identifier) was stopped because \(root) failed (\(path)); it is fixed by dealing with \(root), not on its own",
                    evidence: [EvidenceLine(path: context.batches[batchIndex].path, text: "build group \(identifier): \(ref.status?.rawValue ?? "?"), dependsOn \((context.dependsOn(ref) ?? []).joined(separator: ", "))")],
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
        // The groups read through a local array in loops, not through closures over `graph` (a captured
        // variable: each access copied the GroupRef, three Strings).
        let refs = context.groups
        var hasStopped = false
        for index in range where refs[index].knownStatus == .stopped {
            hasStopped = true
            break
        }
        guard hasStopped else { return [] }
        var graph = BatchGraph(range: range, groups: refs)
        let members = graph.members
        var stopped: [Int] = []
        for member in members.indices where refs[members[member]].knownStatus == .stopped { stopped.append(member) }
        stopped.sort { refs[members[$0]].identifier < refs[members[$1]].identifier }
        for member in stopped where !graph.cyclic { _ = graph.resolve(member, context: context) }
        if graph.cyclic {
            var groups: [String: BuildGroup] = [:]
            for member in members { groups[refs[member].identifier] = context.group(refs[member]) }
            return stopped.map { (members[$0], root(of: refs[members[$0]].identifier, in: groups)) }
        }
        let next = graph.next
        var result: [(index: Int, root: (String, [String])?)] = []
        result.reserveCapacity(stopped.count)
        for member in stopped {
            var chain: [String] = []
            var current = member
            while next[current] >= 0 {
                current = next[current]
                chain.append(refs[members[current]].identifier)
            }
            result.append((members[member], chain.last.map { ($0, chain) }))
        }
        return result
    }

    /// One batch's groups as `root(of:in:)` sees them (the first group of each identifier), with each stopped
    /// group's next step towards its root once resolved.
    private struct BatchGraph {
        let refs: [GroupRef]
        /// Indexes in `refs` of the first group of each identifier, in batch order.
        var members: [Int] = []
        /// identifier → position in `members` (only for large batches: small ones are searched).
        var byIdentifier: [String: Int]?
        /// Per member: -2 not resolved yet, -1 no chain, else the member the chain goes through next.
        var next: [Int]
        var onPath: [Bool]
        var cyclic = false

        init(range: Range<Int>, groups: [GroupRef]) {
            refs = groups
            members.reserveCapacity(range.count)
            if range.count > 16 {
                var byIdentifier: [String: Int] = [:]
                for index in range where byIdentifier[groups[index].identifier] == nil {
                    byIdentifier[groups[index].identifier] = members.count
                    members.append(index)
                }
                self.byIdentifier = byIdentifier
            } else {
                for index in range where !members.contains(where: { groups[$0].identifier == groups[index].identifier }) {
                    members.append(index)
                }
            }
            next = Array(repeating: -2, count: members.count)
            onPath = Array(repeating: false, count: members.count)
        }

        func member(_ identifier: String) -> Int? {
            if let byIdentifier { return byIdentifier[identifier] }
            return members.firstIndex { refs[$0].identifier == identifier }
        }

        /// The member a stopped member's chain goes through next (nil: it has no failed root), as
        /// `root(of:in:)`'s walk finds it: dependencies in identifier order, failed ones (unless ignored) end
        /// the chain, stopped ones continue it when they have a chain of their own.
        mutating func resolve(_ member: Int, context: AnalysisContext) -> Int? {
            if next[member] != -2 { return next[member] >= 0 ? next[member] : nil }
            guard !cyclic, !onPath[member] else {
                cyclic = true
                return nil
            }
            onPath[member] = true
            var found = -1
            for dependency in (context.dependsOn(refs[members[member]]) ?? []).sorted() {
                guard let other = self.member(dependency), let status = refs[members[other]].status else { continue }
                if AnalysisContext.isFailure(status) {
                    if refs[members[other]].ignoresFailure { continue }
                    found = other
                    break
                }
                if status.known == .stopped, resolve(other, context: context) != nil {
                    found = other
                    break
                }
            }
            onPath[member] = false
            next[member] = found
            return found >= 0 ? found : nil
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
