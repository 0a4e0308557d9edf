import BuildTriageCore

/// The service or the environment failed, not the code: `FAULT` anywhere, and `FAULT`/`TIMED_OUT` in the
/// phases before any user command ran (`QUEUED`, `PROVISIONING`, `DOWNLOAD_SOURCE`).
struct InfrastructureAnalyzer: Analyzer {
    static let description = AnalyzerDescription(
        id: "infrastructure",
        summary: "FAULT statuses anywhere; FAULT or TIMED_OUT in QUEUED, PROVISIONING or DOWNLOAD_SOURCE, before user code ran",
        categories: [.infrastructure],
        triggeringExamples: [
            AnalyzerExample(
                [("builds.json", Example.build("FAILED", phases: [("PROVISIONING", "TIMED_OUT", "BUILD_TIMED_OUT", "Build timed out while provisioning")]))],
                expect: [(.infrastructure, "proj:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")]),
            AnalyzerExample(
                [("batch.json", Example.batch("FAILED", groups: [Example.group("linux_small", "FAULT")]))],
                expect: [(.infrastructure, "linux_small")]),
        ],
        nonTriggeringExamples: [
            AnalyzerExample([("builds.json", Example.build("FAILED", phases: [("BUILD", "FAILED", "COMMAND_EXECUTION_ERROR", "exit status 1")]))]),
            AnalyzerExample([("builds.json", Example.build("TIMED_OUT", phases: [("BUILD", "TIMED_OUT", nil, nil)]))]),
        ])

    func analyze(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        var explainedBuilds: Set<String> = []
        for build in context.builds {
            let phases = build.value.phases ?? []
            let faulty = phases.filter { phase in
                phase.phaseStatus == .fault
                    || (phase.phaseStatus == .timedOut && phase.phaseType?.known?.isBeforeUserCode == true)
            }
            let buildFault = build.value.buildStatus == .fault
            guard !faulty.isEmpty || buildFault else { continue }
            let (subject, target) = context.place(of: build)
            if let id = build.value.id { explainedBuilds.insert(id) }
            let phaseText = faulty.map { "\($0.phaseType?.rawValue ?? "?") \($0.phaseStatus?.rawValue ?? "")" }.joined(separator: ", ")
            let detail = faulty.map { describe($0.meaningfulContexts) }.filter { !$0.isEmpty }.joined(separator: "; ")
            findings.append(Finding(
                analyzer: Self.description.id, category: .infrastructure, subject: subject,
                message: "\(subject.id): \(phaseText.isEmpty ? "build FAULT" : phaseText)\(detail.isEmpty ? "" : " — \(detail)"): the environment failed before or outside the build's own commands; a retry is likely to pass",
                evidence: faulty.flatMap { evidence($0, owner: "build \(build.value.id ?? "")", path: build.path) }
                    + (faulty.isEmpty ? [EvidenceLine(path: build.path, text: "buildStatus FAULT")] : []),
                target: target))
        }
        for index in context.groups.indices where context.groups[index].knownStatus == .fault && !context.groups[index].ignoresFailure {
            let ref = context.groups[index]
            if !explainedBuilds.isEmpty, let id = ref.currentBuildID, explainedBuilds.contains(id) { continue }
            findings.append(Finding(
                analyzer: Self.description.id, category: .infrastructure, subject: Subject(.buildGroup, ref.identifier),
                message: "\(ref.identifier): FAULT — CodeBuild reports a service or environment fault, not a failure of the build's commands",
                evidence: [EvidenceLine(path: context.batchPath(ref), text: "build group \(ref.identifier): FAULT")], target: context.target(of: ref)))
        }
        // By index (iterating `context.batches` copied each batch); `batchTargets` holds `target(of:path:)`.
        for batchIndex in context.batches.indices {
            let faulty = (context.batches[batchIndex].value.phases ?? []).filter { $0.phaseStatus == .fault }
            guard !faulty.isEmpty || context.batches[batchIndex].value.buildBatchStatus == .fault else { continue }
            let path = context.batches[batchIndex].path
            let id = context.batches[batchIndex].value.id ?? path
            findings.append(Finding(
                analyzer: Self.description.id, category: .infrastructure, subject: Subject(.batch, id),
                message: "batch \(id): FAULT in \(faulty.map { $0.phaseType?.rawValue ?? "?" }.joined(separator: ", ").nonEmpty ?? "the batch") — a service fault",
                evidence: faulty.flatMap { evidence($0, owner: "batch", path: path) }, target: context.batchTargets[batchIndex]))
        }
        for log in context.logs {
            let faulty = log.value.phases.filter { event in
                event.state == "FAULT" || (event.state == "TIMED_OUT" && BuildPhaseType(rawValue: event.phase)?.isBeforeUserCode == true)
            }
            guard !faulty.isEmpty else { continue }
            let (target, scope, _) = context.targetAndScope(forPath: log.path)
            findings.append(Finding(
                analyzer: Self.description.id, category: .infrastructure, subject: Subject(.log, log.path),
                message: "phase \(faulty[0].phase) ended \(faulty[0].state ?? "") before the build's own commands ran: an environment fault",
                evidence: faulty.map { EvidenceLine(path: log.path, line: $0.line, text: "Phase complete: \($0.phase) State: \($0.state ?? "")") },
                target: target, scope: scope))
        }
        return findings
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
