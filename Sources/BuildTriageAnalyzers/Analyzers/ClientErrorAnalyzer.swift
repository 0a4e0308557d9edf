import BuildTriageCore

/// The request or configuration is wrong, so a retry would fail the same way: `CLIENT_ERROR` phases or
/// contexts, buildspec/YAML errors, access denied, a bad image or role, pipeline errors about configuration or
/// permissions.
struct ClientErrorAnalyzer: Analyzer {
    static let description = AnalyzerDescription(
        id: "client_error",
        summary: "CLIENT_ERROR phases and contexts, buildspec/YAML errors, access denied, bad image or role, pipeline configuration or permission errors",
        categories: [.clientError],
        triggeringExamples: [
            AnalyzerExample(
                [("batch.json", Example.batch(
                    "FAILED", phases: [("IN_PROGRESS", "CLIENT_ERROR", nil)],
                    groups: [Example.group("linux_small", "FAILED"), Example.group("linux_medium", "STOPPED", dependsOn: ["linux_small"])]))],
                expect: [(.clientError, "linux_small")]),
            AnalyzerExample(
                [("builds.json", Example.build("FAILED", phases: [("DOWNLOAD_SOURCE", "SUCCEEDED", nil, nil), ("BUILD", "FAILED", "YAML_FILE_ERROR", "YAML_FILE_ERROR: Expected Commands[0] to be of string type")]))],
                expect: [(.clientError, "proj:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")]),
            AnalyzerExample(
                [("state.json", Example.pipelineState(stage: "Deploy", status: "Failed", actions: [Example.action("Deploy", "Failed", code: "JobFailed", message: "Insufficient permissions: the service role is not authorized to perform s3:GetObject")]))],
                expect: [(.clientError, "Deploy/Deploy")]),
            AnalyzerExample(
                [("build.log", "[Container] 2024/01/15 10:00:00.1 Phase complete: DOWNLOAD_SOURCE State: CLIENT_ERROR\n[Container] 2024/01/15 10:00:00.1 Phase context status code: YAML_FILE_ERROR Message: stat /codebuild/output/src1/buildspec.yml: no such file or directory\n")],
                expect: [(.clientError, "build.log")]),
        ],
        nonTriggeringExamples: [
            AnalyzerExample([("builds.json", Example.build("FAILED", phases: [("BUILD", "FAILED", "COMMAND_EXECUTION_ERROR", "Error while executing command: make test. Reason: exit status 2")]))]),
            AnalyzerExample([("builds.json", Example.build("FAILED", phases: [("BUILD", "FAILED", "COMMAND_EXECUTION_ERROR", "Error while executing command: ./check-configuration --role admin. Reason: exit status 1")]))]),
            AnalyzerExample([("state.json", Example.pipelineState(stage: "Deploy", status: "Failed", actions: [Example.action("Deploy", "Failed", code: "JobFailed", message: "Service unavailable, rate limit exceeded")]))]),
        ])

    func analyze(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        // Batches: a CLIENT_ERROR batch phase explains every failed group that has no build of its own in the run.
        // Groups by their batch's id, computed once, and only when a batch has a client-error phase.
        var groupsByBatchID: [String?: [GroupRef]]?
        // By index (iterating `context.batches` copied each batch); `batchTargets` holds `target(of:path:)`.
        for batchIndex in context.batches.indices {
            let clientPhases = (context.batches[batchIndex].value.phases ?? []).filter { phase in
                phase.phaseStatus?.rawValue == "CLIENT_ERROR" || phase.meaningfulContexts.contains { ClientErrorSignals.matches(code: $0.statusCode, message: $0.message) }
            }
            guard !clientPhases.isEmpty else { continue }
            let path = context.batches[batchIndex].path
            let ownID = context.batches[batchIndex].value.id
            let batchID = ownID ?? path
            let phaseEvidence = clientPhases.flatMap { evidence($0, owner: "batch", path: path) }
            let phaseNames = clientPhases.map { "\($0.phaseType?.rawValue ?? "?") (\($0.phaseStatus?.rawValue ?? "?"))" }.joined(separator: ", ")
            if groupsByBatchID == nil { groupsByBatchID = Dictionary(grouping: context.groups, by: { context.batches[$0.batchIndex].value.id }) }
            let failedGroups = (groupsByBatchID?[ownID] ?? []).filter { ref in
                ref.status.map(AnalysisContext.isFailure) == true && !ref.ignoresFailure
                    && ref.currentBuildID.flatMap({ context.build(id: $0) }) == nil
            }
            if failedGroups.isEmpty {
                findings.append(Finding(
                    analyzer: Self.description.id, category: .clientError, subject: Subject(.batch, batchID),
                    message: "batch \(batchID) reports a client error in phase \(phaseNames): the request or configuration is wrong; a retry would repeat it",
                    evidence: phaseEvidence, target: context.batchTargets[batchIndex]))
            }
            for ref in failedGroups {
                findings.append(Finding(
                    analyzer: Self.description.id, category: .clientError, subject: Subject(.buildGroup, ref.identifier),
                    message: "\(ref.identifier) \(ref.status?.rawValue ?? "failed") while the batch's \(phaseNames) phase ended in a client error: the buildspec, configuration or permissions are wrong; a retry would repeat it",
                    evidence: phaseEvidence + [EvidenceLine(path: path, text: "build group \(ref.identifier): \(ref.status?.rawValue ?? "?")")],
                    target: context.target(of: ref)))
            }
        }
        // Builds: a CLIENT_ERROR phase, or a context naming a configuration problem.
        for build in context.builds {
            let phases = (build.value.phases ?? []).filter { phase in
                phase.phaseStatus?.rawValue == "CLIENT_ERROR"
                    || (phase.phaseStatus.map { $0.known != .succeeded && $0.known != .fault } ?? false
                        && phase.meaningfulContexts.contains { ClientErrorSignals.matches(code: $0.statusCode, message: $0.message) })
            }
            guard let phase = phases.first else { continue }
            let (subject, target) = context.place(of: build)
            let detail = describe(phase.meaningfulContexts)
            findings.append(Finding(
                analyzer: Self.description.id, category: .clientError, subject: subject,
                message: "\(subject.id): \(phase.phaseType?.rawValue ?? "a") phase ended \(phase.phaseStatus?.rawValue ?? "")\(detail.isEmpty ? "" : " — \(detail)"): fix the configuration; a retry would repeat it",
                evidence: phases.flatMap { evidence($0, owner: "build \(build.value.id ?? "")", path: build.path) }, target: target))
        }
        // Logs: the agent's own phase results and contexts.
        for log in context.logs {
            let contexts = log.value.contexts.filter { ClientErrorSignals.matches(code: $0.code, message: $0.message) }
            let phases = log.value.phases.filter { $0.state == "CLIENT_ERROR" }
            guard !contexts.isEmpty || !phases.isEmpty else { continue }
            let (target, scope, _) = context.targetAndScope(forPath: log.path)
            let lines = phases.map { EvidenceLine(path: log.path, line: $0.line, text: "Phase complete: \($0.phase) State: \($0.state ?? "")") }
                + contexts.map { EvidenceLine(path: log.path, line: $0.line, text: "\($0.code): \($0.message)") }
            let headline = contexts.first.map { "\($0.code): \($0.message)" } ?? "phase \(phases[0].phase) ended CLIENT_ERROR"
            findings.append(Finding(
                analyzer: Self.description.id, category: .clientError, subject: Subject(.log, log.path),
                message: "\(headline) — fix the buildspec or configuration; a retry would repeat it",
                evidence: lines.sorted { ($0.line ?? 0) < ($1.line ?? 0) }, target: target, scope: scope))
        }
        // Pipelines: failed actions whose error details name configuration or permissions.
        for action in context.pipelineActions where action.status == .failed {
            guard ClientErrorSignals.matches(code: action.errorDetails?.code, message: action.errorDetails?.message) else { continue }
            findings.append(Finding(
                analyzer: Self.description.id, category: .clientError, subject: Subject(.action, action.actionID),
                message: "action \(action.actionID) failed: \(action.details) — a configuration or permission problem; a retry would repeat it",
                evidence: [EvidenceLine(path: action.path, text: "\(action.actionID) Failed — \(action.details)")], target: action.target))
        }
        return findings
    }
}
