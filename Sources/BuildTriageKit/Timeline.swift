import BuildTriageCore

/// Time-ordered bars of the run for timeline views: batch phases, build groups, build phases, pipeline stages.
enum Timeline {
    /// One bar per phase of a batch or a build.
    static func phaseEntries<Kind>(_ phases: [Phase<Kind>]?, lane: TimelineEntry.Lane, owner: String) -> [TimelineEntry] {
        (phases ?? []).map { phase in
            TimelineEntry(
                lane: lane, owner: owner, name: phase.phaseType?.rawValue ?? "?", status: phase.phaseStatus?.rawValue,
                start: phase.startTime, end: phase.endTime)
        }
    }

    /// `entries += phaseEntries(...)` without the intermediate array.
    static func appendPhaseEntries<Kind>(_ phases: [Phase<Kind>]?, lane: TimelineEntry.Lane, owner: String, to entries: inout [TimelineEntry]) {
        guard let phases else { return }
        for phase in phases {
            entries.append(TimelineEntry(
                lane: lane, owner: owner, name: phase.phaseType?.rawValue ?? "?", status: phase.phaseStatus?.rawValue,
                start: phase.startTime, end: phase.endTime))
        }
    }

    static func entries(for input: TriageInput) -> [TimelineEntry] {
        let builds = BuildIndex(input)
        var entries: [TimelineEntry] = []
        var count = 0
        for source in input.documents {
            if case .codebuildBatches(let batches) = source.document {
                // By index: iterating copied each batch (a retain per field, on objects the analysis retains too).
                for index in batches.indices { count += (batches[index].phases?.count ?? 0) + (batches[index].buildGroups?.count ?? 0) }
            }
        }
        entries.reserveCapacity(count)
        for source in input.documents {
            switch source.document {
            case .codebuildBatches(let batches):
                // By index, reading the fields a bar needs (iterating copied each batch).
                for batchIndex in batches.indices {
                    let owner = batches[batchIndex].id ?? source.path
                    let phases = batches[batchIndex].phases
                    appendPhaseEntries(phases, lane: .batchPhase, owner: owner, to: &entries)
                    guard let groups = batches[batchIndex].buildGroups else { continue }
                    let ends = groupEnds(groups: groups, phases: phases ?? [], builds: builds)
                    // By index, reading the few fields a bar needs (iterating copied every group and its summary).
                    for index in groups.indices {
                        let requestedOn = groups[index].currentBuildSummary?.requestedOn
                        let status = groups[index].currentBuildSummary?.buildStatus
                        let build = builds.isEmpty ? nil : builds.build(for: groups[index].currentBuildSummary)
                        entries.append(TimelineEntry(
                            lane: .buildGroup, owner: owner, name: groups[index].identifier ?? "?",
                            status: status?.rawValue ?? build?.buildStatus?.rawValue,
                            start: requestedOn ?? build?.startTime, end: ends[index], dependsOn: groups[index].dependsOn))
                    }
                }
            case .codebuildBuilds(let builds):
                for build in builds {
                    appendPhaseEntries(build.phases, lane: .buildPhase, owner: build.id ?? source.path, to: &entries)
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

    /// When each build group's current attempt ended (nil where nothing says), in `buildGroups` order.
    ///
    /// `BuildSummary` carries no end time, so it comes from the group's build in the inputs (matched by ARN or
    /// id: `batch-get-builds` saved beside the batch). Failing that, a batch attempt that failed because of
    /// exactly one group (one FAILED, FAULT or TIMED_OUT group requested during the attempt and not marked
    /// `ignoreFailure`) ended when that group did: the group's end is the end of that `IN_PROGRESS` phase,
    /// the one followed by a `FAILED` phase. Any other group without its build keeps no end time (the
    /// timeline draws it as a start tick rather than a bar it cannot vouch for).
    static func groupEnds(_ batch: BuildBatch, builds: BuildIndex) -> [Timestamp?] {
        groupEnds(groups: batch.buildGroups ?? [], phases: batch.phases ?? [], builds: builds)
    }

    /// `groupEnds(_:builds:)` of a batch's groups and phases (without a copy of the batch).
    static func groupEnds(groups: [BuildGroup], phases: [BuildBatchPhase], builds: BuildIndex) -> [Timestamp?] {        // (No build in the inputs, no lookup: a batch-only run has none.)
        var ends = builds.isEmpty ? Array(repeating: nil, count: groups.count) : groups.map { builds.build(for: $0.currentBuildSummary)?.endTime }

        // The batch attempts that failed: (start, end) of each IN_PROGRESS phase followed by a FAILED one.
        var failedAttempts: [(start: Double, end: Timestamp)] = []
        for (index, phase) in phases.enumerated() where phase.phaseType?.known == .inProgress {
            guard let start = phase.startTime, let end = phase.endTime else { continue }
            let next = index + 1 < phases.count ? phases[index + 1].phaseType?.known : nil
            if next == .failed { failedAttempts.append((start.secondsSince1970, end)) }
        }
        guard !failedAttempts.isEmpty else { return ends }

        var failing = Array(repeating: [Int](), count: failedAttempts.count)
        for (index, group) in groups.enumerated() where group.ignoreFailure != true {
            guard let summary = group.currentBuildSummary, let requested = summary.requestedOn?.secondsSince1970 else { continue }
            switch summary.buildStatus?.known {
            case .failed, .fault, .timedOut: break
            default: continue
            }
            // A second of slack: the group is requested as the attempt starts, timestamps are rounded.
            guard let attempt = failedAttempts.lastIndex(where: { $0.start - 1 <= requested && requested <= $0.end.secondsSince1970 })
            else { continue }
            failing[attempt].append(index)
        }
        for (attempt, members) in failing.enumerated() where members.count == 1 && ends[members[0]] == nil {
            ends[members[0]] = failedAttempts[attempt].end
        }
        return ends
    }
}

/// The builds of the inputs, by ARN and by id, to complete what a batch says of its groups.
struct BuildIndex {
    private static let buildMarker = Array(":build/".utf8)
    private var byKey: [String: Build] = [:]

    init(_ input: TriageInput) {
        for source in input.documents {
            guard case .codebuildBuilds(let builds) = source.document else { continue }
            for build in builds {
                for key in [build.arn, build.id].compactMap({ $0 }) where byKey[key] == nil { byKey[key] = build }
            }
        }
    }

    /// The build a group's summary names: its ARN (`arn:aws:codebuild:…:build/<project>:<uuid>`), or the
    /// `<project>:<uuid>` id after `build/`.
    var isEmpty: Bool { byKey.isEmpty }

    func build(for summary: BuildSummary?) -> Build? {
        guard let arn = summary?.arn, !arn.isEmpty else { return nil }
        if let build = byKey[arn] { return build }
        // A byte search (Foundation's `range(of:)` cost ~13k instructions an ARN).
        guard let end = AnalysisContext.end(of: Self.buildMarker, in: arn) else { return nil }
        return byKey[String(arn[end...])]
    }
}
