import BuildTriageCore

/// A person or a policy stopped it: `STOPPED` builds, groups and batches with no failed dependency, and
/// pipeline executions or stages `Stopped`, `Cancelled` or `Superseded`. Reported; never retried.
struct StoppedAnalyzer: Analyzer {
    static let description = AnalyzerDescription(
        id: "stopped",
        summary: "STOPPED with no failed dependency; pipeline executions or stages Stopped, Cancelled or Superseded",
        categories: [.stopped],
        triggeringExamples: [
            AnalyzerExample(
                [("batch.json", Example.batch("STOPPED", phases: [("IN_PROGRESS", "STOPPED", nil)], groups: [Example.group("linux_small", "STOPPED")]))],
                expect: [(.stopped, "linux_small")]),
            AnalyzerExample(
                [("executions.json", #"{"pipelineExecutionSummaries": [{"pipelineExecutionId": "3137f7cb-7cf7-4a4b-9b8e-1234567890ab", "status": "Superseded"}]}"#)],
                expect: [(.stopped, "3137f7cb-7cf7-4a4b-9b8e-1234567890ab")]),
        ],
        nonTriggeringExamples: [
            AnalyzerExample([("batch.json", Example.batch("FAILED", groups: [
                Example.group("linux_small", "FAILED"), Example.group("linux_medium", "STOPPED", dependsOn: ["linux_small"]),
            ]))]),
        ])

    func analyze(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for batchIndex in context.batches.indices {
            for (index, root) in CollateralAnalyzer.stoppedGroups(ofBatch: batchIndex, in: context) where root == nil {
                let ref = context.groups[index]
                let identifier = ref.identifier
                findings.append(Finding(
                    analyzer: Self.description.id, category: .stopped, subject: Subject(.buildGroup, identifier),
                    message: "\(identifier) was stopped, and no group it depends on failed: stopped by a person or a policy",
                    evidence: [EvidenceLine(path: context.batches[batchIndex].path, text: "build group \(identifier): STOPPED")], target: context.target(of: ref)))
            }
        }
        // Targets that already have a stopped finding (a set: a batch is not compared with every finding).
        var targetsWithFindings = Set(findings.compactMap(\.target))
        // By index (iterating `context.batches` copied each batch); `batchTargets` holds `target(of:path:)`.
        for batchIndex in context.batches.indices where context.batches[batchIndex].value.buildBatchStatus == .stopped {
            let path = context.batches[batchIndex].path
            let id = context.batches[batchIndex].value.id ?? path
            let target = context.batchTargets[batchIndex]
            guard targetsWithFindings.insert(target).inserted else { continue }
            let pending = (context.batches[batchIndex].value.buildGroups ?? []).filter { $0.currentBuildSummary?.buildStatus.map { [.stopped, .failed, .fault, .timedOut, .succeeded].contains($0.known) == false } ?? true }
            findings.append(Finding(
                analyzer: Self.description.id, category: .stopped, subject: Subject(.batch, id),
                message: "batch \(id) was stopped (stop-build-batch)\(pending.isEmpty ? "" : "; \(pending.count) group\(pending.count == 1 ? " was" : "s were") still pending or running")",
                evidence: [EvidenceLine(path: path, text: "buildBatchStatus STOPPED")], target: target))
        }
        for build in context.standaloneBuilds where build.value.buildStatus == .stopped {
            let (subject, target) = context.place(of: build)
            findings.append(Finding(
                analyzer: Self.description.id, category: .stopped, subject: subject, message: "\(subject.id) was stopped",
                evidence: [EvidenceLine(path: build.path, text: "buildStatus STOPPED")], target: target))
        }
        var seen: Set<String> = []
        let executions = context.pipelineExecutions.map { ($0.value.pipelineExecutionId, $0.value.status, $0.value.statusSummary, $0.path, $0.value.pipelineName) }
            + context.executionSummaries.map { ($0.value.pipelineExecutionId, $0.value.status, $0.value.stopTrigger?.reason ?? $0.value.statusSummary, $0.path, nil) }
        for (id, status, summary, path, _) in executions {
            guard let id, let status, [.stopped, .cancelled, .superseded, .stopping].contains(status.known), seen.insert(id).inserted else { continue }
            let why: String =
                switch status.known {
                case .superseded: "a newer execution of the pipeline superseded it"
                case .cancelled: "it was cancelled"
                default: "it was stopped"
                }
            findings.append(Finding(
                analyzer: Self.description.id, category: .stopped, subject: Subject(.pipelineExecution, id),
                message: "pipeline execution \(id) is \(status.rawValue): \(why)\(summary.map { " — \($0)" } ?? "")",
                evidence: [EvidenceLine(path: path, text: "pipeline execution \(id): \(status.rawValue)")]))
        }
        for state in context.pipelineStates {
            for stage in state.value.stageStates ?? [] {
                guard let execution = stage.latestExecution, let status = execution.status,
                    [.stopped, .cancelled, .stopping].contains(status.known), let name = stage.stageName
                else { continue }
                let target = Target.stage(pipeline: state.value.pipelineName ?? "", stage: name, execution: execution.pipelineExecutionId)
                findings.append(Finding(
                    analyzer: Self.description.id, category: .stopped, subject: Subject(.stage, name),
                    message: "stage \(name) is \(status.rawValue) in execution \(execution.pipelineExecutionId ?? "?")",
                    evidence: [EvidenceLine(path: state.path, text: "stage \(name): \(status.rawValue)")], target: target))
            }
        }
        return findings
    }
}
