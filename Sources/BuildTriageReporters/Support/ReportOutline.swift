import BuildTriageCore

/// The shape every human-readable reporter renders: recommendations from the strongest action down, each
/// with its root-cause findings (collateral findings folded under the finding that caused them, identical
/// failures grouped), then the findings that belong to no recommendation.
struct ReportOutline: Sendable {
    /// One rendered line of findings: a group of look-alike findings, or one finding with what it caused.
    struct Entry: Sendable {
        var group: FindingGroup
        /// Findings caused by this one (only for a single-finding entry), folded under it.
        var children: [Entry]
        /// Findings in this entry and under it.
        var findingCount: Int
    }

    /// A recommendation and its findings; `recommendation == nil` is the findings with no target.
    struct Section: Sendable {
        var recommendation: Recommendation?
        var entries: [Entry]
        var findingCount: Int { entries.reduce(0) { $0 + $1.findingCount } }
    }

    /// Collateral chains deeper than this are shown at this depth (keeps rendering non-recursive in effect).
    static let maxDepth = 6

    var sections: [Section]

    /// Sections with a recommendation, strongest action first.
    var targetSections: ArraySlice<Section> { sections.prefix { $0.recommendation != nil } }
    /// The findings that belong to no recommendation (empty when there are none).
    var untargeted: [Entry] { sections.last.flatMap { $0.recommendation == nil ? $0.entries : nil } ?? [] }

    init(_ report: TriageReport) {
        let findings = report.findings
        var position: [String: Int] = [:]
        for (offset, finding) in findings.enumerated() where position[finding.id] == nil {
            position[finding.id] = offset
        }

        // Parent links: a finding whose rootCause names another finding of the report.
        var parent = findings.enumerated().map { offset, finding -> Int? in
            guard let root = finding.rootCause, let target = position[root], target != offset else { return nil }
            return target
        }
        Self.breakCycles(&parent)
        let displayParent = Self.capDepth(parent)

        var children = Array(repeating: [Int](), count: findings.count)
        var roots: [Int] = []
        for offset in findings.indices {
            if let up = displayParent[offset] { children[up].append(offset) } else { roots.append(offset) }
        }

        // Recommendations, strongest action first (stable).
        let recommendations = report.recommendations.enumerated()
            .sorted { ($0.element.action.strength, $0.offset) < ($1.element.action.strength, $1.offset) }
            .map(\.element)
        var section = Array(repeating: -1, count: findings.count)
        for (index, recommendation) in recommendations.enumerated() {
            for id in recommendation.findings {
                if let offset = position[id], displayParent[offset] == nil, section[offset] < 0 { section[offset] = index }
            }
        }
        var byTarget: [Target: Int] = [:]
        for (index, recommendation) in recommendations.enumerated() where byTarget[recommendation.target] == nil {
            byTarget[recommendation.target] = index
        }
        var members = Array(repeating: [Int](), count: recommendations.count + 1)
        for offset in roots {
            if section[offset] < 0, let target = findings[offset].target, let index = byTarget[target] { section[offset] = index }
            members[section[offset] < 0 ? recommendations.count : section[offset]].append(offset)
        }

        func entries(_ offsets: [Int]) -> [Entry] {
            let ordered = offsets.sorted { Self.order(findings[$0], $0) < Self.order(findings[$1], $1) }
            var result: [Entry] = []
            var slot: [FailureGrouping.Key: Int] = [:]
            for offset in ordered {
                let finding = findings[offset]
                if children[offset].isEmpty {
                    // Look-alike findings join the entry of the first one, at its place.
                    let key = FailureGrouping.key(finding)
                    if let existing = slot[key] {
                        result[existing].group.members.append(finding)
                        result[existing].findingCount += 1
                    } else {
                        slot[key] = result.count
                        result.append(Entry(group: FindingGroup(members: [finding]), children: [], findingCount: 1))
                    }
                } else {
                    let folded = entries(children[offset])
                    let count = 1 + folded.reduce(0) { $0 + $1.findingCount }
                    result.append(Entry(group: FindingGroup(members: [finding]), children: folded, findingCount: count))
                }
            }
            return result
        }

        var built: [Section] = recommendations.enumerated().map { index, recommendation in
            Section(recommendation: recommendation, entries: entries(members[index]))
        }
        let rest = entries(members[recommendations.count])
        if !rest.isEmpty { built.append(Section(recommendation: nil, entries: rest)) }
        sections = built
    }

    /// Root-cause findings first (by category), then flaky, stopped and ignored ones; report order within.
    private static func order(_ finding: Finding, _ offset: Int) -> (Int, Int, Int) {
        let secondary: Bool =
            switch finding.category {
            case .flaky, .stopped, .ignored: true
            default: false
            }
        return (secondary ? 1 : 0, finding.category.rank, offset)
    }

    /// Removes the parent links of every finding on a rootCause cycle.
    private static func breakCycles(_ parent: inout [Int?]) {
        var state = Array(repeating: UInt8(0), count: parent.count)  // 0 new, 1 on the current path, 2 done
        for start in parent.indices where state[start] == 0 {
            var path: [Int] = []
            var node: Int? = start
            while let current = node, state[current] == 0 {
                state[current] = 1
                path.append(current)
                node = parent[current]
            }
            if let current = node, state[current] == 1, let cycleStart = path.firstIndex(of: current) {
                for member in path[cycleStart...] { parent[member] = nil }
            }
            for member in path { state[member] = 2 }
        }
    }

    /// Parent links with chains deeper than `maxDepth` attached to their ancestor at that depth.
    private static func capDepth(_ parent: [Int?]) -> [Int?] {
        var depth = Array(repeating: -1, count: parent.count)
        for start in parent.indices where depth[start] < 0 {
            var path: [Int] = []
            var node = start
            while depth[node] < 0, let up = parent[node] {
                path.append(node)
                node = up
            }
            if depth[node] < 0 { depth[node] = 0 }
            var level = depth[node]
            for member in path.reversed() {
                level += 1
                depth[member] = level
            }
        }
        var display = parent
        let byDepth = parent.indices.sorted { depth[$0] < depth[$1] }
        for node in byDepth {
            guard let up = parent[node] else { continue }
            if depth[up] >= maxDepth { display[node] = display[up] ?? up }
        }
        return display
    }
}

extension Action {
    /// Order for reports: fix > investigate > retry > wait > none (0 is the strongest).
    var strength: Int {
        switch self {
        case .fix: 0
        case .investigate: 1
        case .retry: 2
        case .wait: 3
        case .none: 4
        }
    }
}
