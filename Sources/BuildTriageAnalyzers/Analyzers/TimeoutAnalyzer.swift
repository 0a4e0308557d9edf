import BuildTriageCore

/// The code ran out of time: `TIMED_OUT` in a phase where the user's commands run, or a build or build group
/// `TIMED_OUT`. A timeout that an earlier attempt of the same group also hit is marked `repeated`: a second
/// timeout calls for a person, not another retry.
struct TimeoutAnalyzer: Analyzer {
    static let description = AnalyzerDescription(
        id: "timeout",
        summary: "TIMED_OUT in INSTALL/PRE_BUILD/BUILD/POST_BUILD or a TIMED_OUT build or group; repeated when a prior attempt also timed out",
        categories: [.timeout],
        triggeringExamples: [
            AnalyzerExample(
                [("builds.json", Example.build("TIMED_OUT", phases: [("BUILD", "TIMED_OUT", nil, nil)]))],
                expect: [(.timeout, "proj:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")]),
            AnalyzerExample(
                [("batch.json", Example.batch("FAILED", groups: [Example.group("linux_small", "TIMED_OUT", prior: ["TIMED_OUT"])]))],
                expect: [(.timeout, "linux_small")]),
        ],
        nonTriggeringExamples: [
            AnalyzerExample([("builds.json", Example.build("FAILED", phases: [("QUEUED", "TIMED_OUT", nil, nil)]))]),
            AnalyzerExample([("batch.json", Example.batch("SUCCEEDED", groups: [Example.group("linux_small", "SUCCEEDED")]))]),
        ])

    func analyze(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        var covered: Set<String> = []
        for build in context.builds {
            let phases = (build.value.phases ?? []).filter { $0.phaseStatus == .timedOut && $0.phaseType?.known?.isBeforeUserCode != true }
            let earlyTimeout = (build.value.phases ?? []).contains { $0.phaseStatus == .timedOut && $0.phaseType?.known?.isBeforeUserCode == true }
            guard !phases.isEmpty || (build.value.buildStatus == .timedOut && !earlyTimeout) else { continue }
            let (subject, target) = context.place(of: build)
            let id = build.value.id ?? build.path
            covered.insert(id)
            let repeated = priorTimeouts(ofBuildID: id, in: context) > 0
            let limit = build.value.timeoutInMinutes.map { " (limit \($0) min)" } ?? ""
            findings.append(Finding(
                analyzer: Self.description.id, category: .timeout, subject: subject,
                message: "\(subject.id): timed out in \(phases.first?.phaseType?.rawValue ?? "the build")\(limit)\(repeated ? " — and an earlier attempt timed out too" : "")",
                evidence: phases.flatMap { evidence($0, owner: "build \(id)", path: build.path) }
                    + (phases.isEmpty ? [EvidenceLine(path: build.path, text: "buildStatus TIMED_OUT")] : []),
                target: target, repeated: repeated ? true : nil))
        }
        for index in context.groups.indices where context.groups[index].knownStatus == .timedOut && !context.groups[index].ignoresFailure {
            let ref = context.groups[index]
            if !covered.isEmpty, let id = ref.currentBuildID, covered.contains(id) { continue }
            if !context.builds.isEmpty, let build = ref.currentBuildID.flatMap({ context.build(id: $0) }),
                (build.value.phases ?? []).contains(where: { $0.phaseStatus == .timedOut && $0.phaseType?.known?.isBeforeUserCode == true })
            {
                continue  // a provisioning timeout: infrastructure
            }
            let priorList = context.priorAttempts(ref) ?? []
            let priors = priorList.filter { $0.buildStatus == .timedOut }.count
            let limit = context.batches[ref.batchIndex].value.buildTimeoutInMinutes.map { " (limit \($0) min)" } ?? ""
            findings.append(Finding(
                analyzer: Self.description.id, category: .timeout, subject: Subject(.buildGroup, ref.identifier),
                message: "\(ref.identifier): timed out\(limit)\(priors > 0 ? " — the \(priors == 1 ? "earlier attempt" : "\(priors) earlier attempts") timed out too" : "")",
                evidence: [EvidenceLine(path: context.batchPath(ref), text: "build group \(ref.identifier): TIMED_OUT; prior attempts: \(priorList.map { $0.buildStatus?.rawValue ?? "?" }.joined(separator: ", ").nonEmpty ?? "none")")],
                target: context.target(of: ref), repeated: priors > 0 ? true : nil))
        }
        // The subjects of the findings so far, as a set kept up to date (each log was compared with every finding).
        var findingSubjects = context.logs.isEmpty ? [] : Set(findings.map(\.subject))
        for log in context.logs {
            let timedOut = log.value.phases.filter { $0.state == "TIMED_OUT" && BuildPhaseType(rawValue: $0.phase)?.isBeforeUserCode != true }
            guard let first = timedOut.first else { continue }
            let (target, scope, _) = context.targetAndScope(forPath: log.path)
            if let scope, findingSubjects.contains(scope) { continue }
            findings.append(Finding(
                analyzer: Self.description.id, category: .timeout, subject: Subject(.log, log.path),
                message: "phase \(first.phase) timed out",
                evidence: timedOut.map { EvidenceLine(path: log.path, line: $0.line, text: "Phase complete: \($0.phase) State: TIMED_OUT") },
                target: target, scope: scope))
            findingSubjects.insert(Subject(.log, log.path))
        }
        return findings
    }

    private func priorTimeouts(ofBuildID id: String, in context: AnalysisContext) -> Int {
        guard let (batch, groupID) = context.group(ofBuildID: id),
            let group = batch.buildGroups?.first(where: { $0.identifier == groupID })
        else { return 0 }
        return (group.priorBuildSummaryList ?? []).filter { $0.buildStatus == .timedOut }.count
    }
}
