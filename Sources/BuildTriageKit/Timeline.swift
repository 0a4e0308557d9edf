import BuildTriageCore

/// Time-ordered bars of the run for timeline views: batch phases, build groups, build phases, pipeline stages.
enum Timeline {
    static func entries(for input: TriageInput) -> [TimelineEntry] {
        var entries: [TimelineEntry] = []
        for source in input.documents {
            switch source.document {
            case .codebuildBatches(let batches):
                for batch in batches {
                    let owner = batch.id ?? source.path
                    for phase in batch.phases ?? [] {
                        entries.append(TimelineEntry(
                            lane: .batchPhase, owner: owner, name: phase.phaseType?.rawValue ?? "?", status: phase.phaseStatus?.rawValue,
                            start: phase.startTime, end: phase.endTime))
                    }
                    for group in batch.buildGroups ?? [] {
                        entries.append(TimelineEntry(
                            lane: .buildGroup, owner: owner, name: group.identifier ?? "?", status: group.currentBuildSummary?.buildStatus?.rawValue,
                            start: group.currentBuildSummary?.requestedOn, end: nil, dependsOn: group.dependsOn))
                    }
                }
            case .codebuildBuilds(let builds):
                for build in builds {
                    let owner = build.id ?? source.path
                    for phase in build.phases ?? [] {
                        entries.append(TimelineEntry(
                            lane: .buildPhase, owner: owner, name: phase.phaseType?.rawValue ?? "?", status: phase.phaseStatus?.rawValue,
                            start: phase.startTime, end: phase.endTime))
                    }
                }
            case .codepipelineState(let state):
                for stage in state.stageStates ?? [] {
                    let times = (stage.actionStates ?? []).compactMap { $0.latestExecution?.lastStatusChange }
                    entries.append(TimelineEntry(
                        lane: .stage, owner: state.pipelineName ?? source.path, name: stage.stageName ?? "?",
                        status: stage.latestExecution?.status?.rawValue ?? (stage.actionStates ?? []).compactMap { $0.latestExecution?.status?.rawValue }.first,
                        start: times.min(), end: times.max()))
                }
            case .codepipelineActionExecutions(let actions):
                for action in actions {
                    entries.append(TimelineEntry(
                        lane: .action, owner: action.pipelineExecutionId ?? source.path, name: "\(action.stageName ?? "?")/\(action.actionName ?? "?")",
                        status: action.status?.rawValue, start: action.startTime, end: action.lastUpdateTime))
                }
            default:
                break
            }
        }
        return entries
    }
}
