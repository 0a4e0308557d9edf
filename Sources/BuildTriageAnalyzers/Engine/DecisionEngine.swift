public import BuildTriageCore
public import BuildTriageRetry
import Dispatch

/// Turns findings into one recommendation per target (Docs/decisions.md: actions, retry policy, blockers).
public struct DecisionEngine: Sendable {
    public var retryBudget: Int
    public var retryOptions: RetryOptions

    public init(retryBudget: Int = 2, retryOptions: RetryOptions = RetryOptions()) {
        self.retryBudget = retryBudget
        self.retryOptions = retryOptions
    }

    /// What a target is doing now.
    enum State: Equatable {
        case running
        /// A stage still in progress with an action that already failed: retryable with FAILED_ACTIONS only.
        case failedWhileRunning
        case failed(String)
        case succeeded
        case stopped(String)
        case unknown
    }

    public func decide(_ context: AnalysisContext, findings: [Finding]) -> [Recommendation] {
        // Every target once, each with its findings (indices into `findings`, not copies: a run with thousands of
        // failing tests has them all under one target) and its batch (an index in `context.batches`, or -1).
        // One hash per target: the findings come sorted by target, so a finding with the previous finding's
        // target is not looked up again (a dictionary of targets to indices, then a set of targets, then lookups
        // hashed each target three or four times).
        var targets = TargetSlots(capacity: context.batchTargets.count + 16)
        var lastSlot = -1
        for index in findings.indices {
            if lastSlot >= 0, let target = findings[index].target, target == targets.list[lastSlot] {
                targets.indices[lastSlot].append(index)
                continue
            }
            guard let target = findings[index].target ?? (Self.isFailure(findings[index]) ? AnalysisContext.jobTarget : nil) else { continue }
            lastSlot = targets.slot(of: target)
            targets.indices[lastSlot].append(index)
        }
        for (batchIndex, target) in context.batchTargets.enumerated() {
            let slot = targets.slot(of: target)
            // The first batch with the target (as `context.batchIndex(of:)` answers).
            if targets.batchIndex[slot] < 0 { targets.batchIndex[slot] = batchIndex }
        }
        for build in context.standaloneBuilds { _ = targets.slot(of: context.place(of: build).1) }
        for state in context.pipelineStates {
            for stage in state.value.stageStates ?? [] {
                guard let name = stage.stageName, let execution = stage.latestExecution, execution.status?.known != .succeeded else { continue }
                _ = targets.slot(of: .stage(pipeline: state.value.pipelineName ?? "", stage: name, execution: execution.pipelineExecutionId))
            }
        }
        // Each target is decided on its own (pure): in a few chunks run concurrently, each into its own slots.
        let targetList = targets.list
        let targetIndices = targets.indices
        let targetBatches = targets.batchIndex
        let slots = Slots<Recommendation>(count: targetList.count)
        let chunks = min(targetList.count, 8)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = (targetList.count * chunk / chunks)..<(targetList.count * (chunk + 1) / chunks)
            for index in range {
                slots[index] = decide(
                    targetList[index], indices: targetIndices[index], of: findings, context: context,
                    batchIndex: targetBatches[index] >= 0 ? targetBatches[index] : nil)
            }
        }
        var recommendations = targetList.indices.map { slots.take($0) }
        // Strongest action first, then by target (`Target.<`): one sort of indexes on keys computed once, packed
        // into one buffer and compared with memcmp (keys of Strings compared as Strings when not ASCII).
        let order = PackedSortKeys.order(count: recommendations.count, bytesPerKey: 64) { packed, index in
            packed.append(byte: UInt8(5 - Self.strength(recommendations[index].action)))
            packed.append(byte: UInt8(OrderKey.rank(recommendations[index].target.kind) + 1))
            packed.append(recommendations[index].target.id)
            packed.append(recommendations[index].target.pipelineExecutionId ?? "")
        } fallback: {
            let keys = recommendations.map { OrderKey(strength: Self.strength($0.action), target: $0.target) }
            return keys.withUnsafeBufferPointer { keys in
                recommendations.indices.sorted { OrderKey.precedes(keys[$0], keys[$1]) }
            }
        }
        recommendations.permute(by: order)
        return recommendations
    }

    /// The targets of a decision, each once, in a slot: the target, its findings and its batch.
    private struct TargetSlots {
        var list: [Target] = []
        /// Per slot: the indices of the target's findings.
        var indices: [[Int]] = []
        /// Per slot: the index in `context.batches` of the target's batch, or -1.
        var batchIndex: [Int] = []
        private var slots: [Target: Int] = [:]

        init(capacity: Int) {
            list.reserveCapacity(capacity)
            indices.reserveCapacity(capacity)
            batchIndex.reserveCapacity(capacity)
            slots.reserveCapacity(capacity)
        }

        /// The target's slot, made when it is new.
        mutating func slot(of target: Target) -> Int {
            if let existing = slots[target] { return existing }
            slots[target] = list.count
            list.append(target)
            indices.append([])
            batchIndex.append(-1)
            return list.count - 1
        }
    }

    /// (strength descending, target kind, target id, pipeline execution id), as `Target.<` orders targets.
    private struct OrderKey {
        let strength: Int
        let kind: Target.Kind
        let id: String
        let execution: String

        init(strength: Int, target: Target) {
            self.strength = strength
            kind = target.kind
            id = target.id
            execution = target.pipelineExecutionId ?? ""
        }

        /// `Target.<` compares kinds by raw value: batch < build < job < stage.
        static func rank(_ kind: Target.Kind) -> Int {
            switch kind {
            case .batch: 0
            case .build: 1
            case .job: 2
            case .stage: 3
            }
        }

        static func precedes(_ lhs: borrowing OrderKey, _ rhs: borrowing OrderKey) -> Bool {
            if lhs.strength != rhs.strength { return lhs.strength > rhs.strength }
            if lhs.kind != rhs.kind { return rank(lhs.kind) < rank(rhs.kind) }
            if lhs.id != rhs.id { return lhs.id < rhs.id }
            return lhs.execution < rhs.execution
        }
    }

    static func strength(_ action: Action) -> Int {
        switch action {
        case .fix: 4
        case .investigate: 3
        case .retry: 2
        case .wait: 1
        case .none: 0
        }
    }

    static func isFailure(_ finding: Finding) -> Bool {
        finding.resolved != true && finding.quarantined != true && ![.collateral, .stopped, .ignored].contains(finding.category)
    }

    /// The recommendation for one target, from `all[indices]` (the target's findings, in order).
    /// `batchIndex`: the index in `context.batches` of a batch target's batch, when the caller knows it (else
    /// looked up).
    func decide(_ target: Target, indices: [Int], of all: [Finding], context: AnalysisContext, batchIndex: Int?? = .none) -> Recommendation {
        let ids = indices.map { all[$0].id }
        let active = indices.filter { Self.isFailure(all[$0]) }
        let batchIndex = target.kind == .batch ? batchIndex ?? context.batchIndex(of: target) : nil
        let state = Self.state(of: target, in: context, hasFailures: !active.isEmpty, batchIndex: batchIndex)
        let attempts = Self.priorAttempts(of: target, in: context, batchIndex: batchIndex)
        func recommendation(_ action: Action, _ reason: String, blockedBy: [String]? = nil, command: RetryCommand? = nil) -> Recommendation {
            Recommendation(
                action: action, target: target, reason: reason, blockedBy: blockedBy, command: command?.argv,
                cliInputJson: command?.cliInputJson, shell: command?.shellLine, attempts: attempts > 0 ? attempts : nil, findings: ids)
        }
        let summary = Self.summary(of: active, in: all)

        // CodeBuild already retried this build on its own (`autoRetryConfig.nextAutoRetry`): when the retry is in
        // the inputs, it is the build to act on; this one is history (its findings are still reported).
        if let next = Self.nextAutoRetry(of: target, in: context), context.build(id: next) != nil {
            return recommendation(.none, "CodeBuild already retried this build automatically as \(next): that build's recommendation applies")
        }
        if state == .running {
            let earlier = active.isEmpty ? "" : " Reported from the current state: \(summary)."
            return recommendation(.wait, "\(Self.describe(target)) is still running: wait for it to finish; a retry now would be rejected or race it.\(earlier)")
        }
        if active.isEmpty {
            if case .failed(let status) = state {
                // What failed passed in a later attempt (flaky, resolved): nothing is failing now.
                if indices.contains(where: { all[$0].resolved == true }) {
                    return recommendation(.none, "\(Self.describe(target)) is \(status), but what failed passed in a later attempt: nothing is failing now")
                }
                // What failed is quarantined (`analyze --quarantine`): it does not decide.
                if indices.contains(where: { all[$0].quarantined == true }) {
                    return recommendation(.none, "\(Self.describe(target)) is \(status), but only quarantined tests failed")
                }
                // Said only when true: name the findings there are, when there are some.
                let others = Set(indices.map { all[$0].category.rawValue }).sorted().joined(separator: ", ")
                let what = indices.isEmpty ? "nothing in the inputs says why" : "its findings (\(others)) do not say why"
                return recommendation(
                    .investigate,
                    "\(Self.describe(target)) is \(status), and \(what): add its builds' details (`aws codebuild batch-get-builds`), test reports or logs")
            }
            let others = indices.isEmpty ? "" : " (only \(Set(indices.map { all[$0].category.rawValue }).sorted().joined(separator: ", ")) findings)"
            return recommendation(.none, "nothing failed that calls for action\(others)")
        }
        let categories = Set(active.map { all[$0].category })
        if categories.contains(.clientError) || categories.contains(.testFailure) {
            let what = categories.contains(.clientError) ? "a client or configuration error" : "failing tests"
            return recommendation(.fix, "\(what): a retry would fail the same way. \(summary)")
        }
        if categories.contains(.buildFailure) {
            return recommendation(.investigate, "the build failed and the evidence does not say why: \(summary)")
        }
        if active.contains(where: { all[$0].category == .timeout && all[$0].repeated == true }) {
            return recommendation(.investigate, "timed out again after an earlier attempt timed out: a retry is unlikely to help. \(summary)")
        }
        // Every failure is infrastructure, flaky or a first timeout: a retry is the answer, unless blocked.
        if attempts >= retryBudget {
            return recommendation(
                .investigate, "would be retried, but \(attempts) earlier attempt\(attempts == 1 ? "" : "s") already spent the retry budget of \(retryBudget). \(summary)",
                blockedBy: ["retry budget spent: \(attempts) earlier attempts (budget \(retryBudget), --retry-budget)"])
        }
        var blockers = Self.blockers(for: target, state: state, context: context, options: retryOptions)
        if target.kind == .job {
            return recommendation(.retry, "every failure is transient (\(categories.map(\.rawValue).sorted().joined(separator: ", "))): rerun the CI job; no AWS target to retry. \(summary)")
        }
        var command: RetryCommand?
        if blockers.isEmpty {
            switch RetryCommandBuilder.command(for: target, options: retryOptions) {
            case .success(let built): command = built
            case .failure(let error): blockers += error.reasons
            }
        }
        if !blockers.isEmpty {
            return recommendation(.investigate, "a retry would help (\(categories.map(\.rawValue).sorted().joined(separator: ", "))), but it cannot be done as things stand. \(summary)", blockedBy: blockers)
        }
        return recommendation(.retry, "every failure is transient (\(categories.map(\.rawValue).sorted().joined(separator: ", "))): retry. \(summary)", command: command)
    }

    /// One sentence naming the strongest findings.
    static func summary(of indices: [Int], in findings: [Finding]) -> String {
        // A stable sort of indices: the same order as sorting the findings, without copying them (a run with
        // thousands of failing tests has them all under one target).
        let ordered = indices.sorted { findings[$0].category < findings[$1].category }
        let shown = ordered.prefix(3).map { "\(findings[$0].category.rawValue): \(findings[$0].message)" }
        let more = ordered.count > 3 ? " (+\(ordered.count - 3) more)" : ""
        return shown.joined(separator: "; ") + more
    }

    static func describe(_ target: Target) -> String {
        switch target.kind {
        case .batch: "batch \(target.id)"
        case .build: "build \(target.id)"
        case .stage: "stage \(target.stageName ?? target.id) of \(target.pipelineName ?? "?") (execution \(target.pipelineExecutionId ?? "?"))"
        case .job: "the CI job"
        }
    }

    static func state(of target: Target, in context: AnalysisContext, hasFailures: Bool, batchIndex: Int?? = .none) -> State {
        switch target.kind {
        case .batch:
            // The fields read through `batches` (`context.batch(of:)` copied the whole batch).
            guard let index = batchIndex ?? context.batchIndex(of: target),
                let status = context.batches[index].value.buildBatchStatus
            else { return .unknown }
            return state(of: status, complete: context.batches[index].value.complete)
        case .build:
            guard let build = context.build(id: target.id)?.value, let status = build.buildStatus else { return .unknown }
            return state(of: status, complete: build.buildComplete)
        case .stage:
            for state in context.pipelineStates where state.value.pipelineName ?? "" == target.pipelineName ?? "" {
                guard let stage = state.value.stageStates?.first(where: { $0.stageName == target.stageName }),
                    let execution = stage.latestExecution, execution.pipelineExecutionId == target.pipelineExecutionId,
                    let status = execution.status
                else { continue }
                let failedAction = (stage.actionStates ?? []).contains { $0.latestExecution?.status == .failed }
                switch status.known {
                case .inProgress, .stopping: return failedAction ? .failedWhileRunning : .running
                case .failed: return .failed("Failed")
                case .succeeded, .skipped: return .succeeded
                case .stopped, .cancelled: return .stopped(status.rawValue)
                case nil: return .unknown
                }
            }
            let actions = context.actionExecutions.filter {
                $0.value.stageName == target.stageName && $0.value.pipelineExecutionId == target.pipelineExecutionId
            }
            if actions.contains(where: { $0.value.status == .inProgress }) {
                return actions.contains(where: { $0.value.status == .failed }) ? .failedWhileRunning : .running
            }
            if actions.contains(where: { $0.value.status == .failed }) { return .failed("Failed") }
            return actions.isEmpty ? .unknown : .succeeded
        case .job:
            return hasFailures ? .failed("failed") : .succeeded
        }
    }

    static func state(of status: OpenEnum<StatusType>, complete: Bool?) -> State {
        switch status.known {
        case .inProgress: .running
        case .failed, .fault, .timedOut: .failed(status.rawValue)
        case .succeeded: .succeeded
        case .stopped: .stopped(status.rawValue)
        case nil: complete == false ? .running : .unknown
        }
    }

    /// Earlier attempts counted against the retry budget.
    static func priorAttempts(of target: Target, in context: AnalysisContext, batchIndex: Int?? = .none) -> Int {
        switch target.kind {
        case .batch:
            guard let index = batchIndex ?? context.batchIndex(of: target) else { return 0 }
            var retries = 0
            for phase in context.batches[index].value.phases ?? [] {
                // `RETRY` is not a known status: an unknown value, compared without building each raw value.
                if case .unknown(let raw)? = phase.phaseStatus, raw == "RETRY" { retries += 1 }
            }
            var groupPriors = 0
            if let groups = context.batches[index].value.buildGroups {
                for groupIndex in groups.indices { groupPriors = max(groupPriors, groups[groupIndex].priorBuildSummaryList?.count ?? 0) }
            }
            return max(retries, groupPriors)
        case .build:
            return context.build(id: target.id)?.value.autoRetryConfig?.autoRetryNumber ?? 0
        case .stage:
            let metadata = context.pipelineStates.filter { $0.value.pipelineName ?? "" == target.pipelineName ?? "" }
                .flatMap { $0.value.stageStates ?? [] }.first { $0.stageName == target.stageName }?.retryStageMetadata
            // Counts come from the input: saturate rather than trap on `Int.max` + 1.
            let (sum, overflow) = (metadata?.autoStageRetryAttempt ?? 0).addingReportingOverflow(metadata?.manualStageRetryAttempt ?? 0)
            return overflow ? .max : sum
        case .job:
            return 0
        }
    }

    /// Why a retry of this target cannot work now (Docs/decisions.md "Blockers").
    static func blockers(for target: Target, state: State, context: AnalysisContext, options: RetryOptions) -> [String] {
        var blockers: [String] = []
        switch target.kind {
        case .batch:
            if case .failed = state {} else if state != .unknown {
                blockers.append("the batch is not in a failed state (\(Self.label(state))): retry-build-batch only restarts failed batches")
            }
        case .build:
            if case .stopped(let status) = state { blockers.append("the build is \(status), not failed") }
            if let next = nextAutoRetry(of: target, in: context) {
                blockers.append(
                    "CodeBuild already retried this build automatically as \(next): add `aws codebuild batch-get-builds --ids \(next)` output and triage that build")
            }
        case .stage:
            if target.pipelineName?.isEmpty ?? true {
                blockers.append("the pipeline name is unknown: add `aws codepipeline get-pipeline-state` output to the inputs")
            }
            if state == .failedWhileRunning, options.stageRetryMode == .allActions {
                blockers.append("ALL_ACTIONS while an action is still in progress: the API refuses it; use FAILED_ACTIONS")
            }
            let stage = context.pipelineStates.filter { $0.value.pipelineName ?? "" == target.pipelineName ?? "" }
                .flatMap { $0.value.stageStates ?? [] }.first { $0.stageName == target.stageName }
            if let stage, stage.latestExecution?.pipelineExecutionId == target.pipelineExecutionId,
                !(stage.actionStates ?? []).contains(where: { $0.latestExecution?.status == .failed })
            {
                blockers.append("StageNotRetryable: the stage has no failed action")
            }
            if let later = laterFailure(of: target, in: context) {
                blockers.append("NotLatestPipelineExecution: a later execution (\(later)) failed the same stage; retry that one instead")
            }
        case .job:
            break
        }
        return blockers
    }

    /// The id of the build CodeBuild started as this build's automatic retry, if any.
    static func nextAutoRetry(of target: Target, in context: AnalysisContext) -> String? {
        guard target.kind == .build, let next = context.build(id: target.id)?.value.autoRetryConfig?.nextAutoRetry, !next.isEmpty else {
            return nil
        }
        return AnalysisContext.buildID(fromARN: next) ?? next
    }

    static func label(_ state: State) -> String {
        switch state {
        case .running: "running"
        case .failedWhileRunning: "in progress with a failed action"
        case .failed(let status): status
        case .succeeded: "succeeded"
        case .stopped(let status): status
        case .unknown: "unknown"
        }
    }

    /// A later execution of the same pipeline that failed the same stage, if the inputs show one.
    static func laterFailure(of target: Target, in context: AnalysisContext) -> String? {
        guard let execution = target.pipelineExecutionId else { return nil }
        for state in context.pipelineStates where state.value.pipelineName ?? "" == target.pipelineName ?? "" {
            if let stage = state.value.stageStates?.first(where: { $0.stageName == target.stageName }),
                let latest = stage.latestExecution, let latestID = latest.pipelineExecutionId, latestID != execution, latest.status == .failed
            {
                return latestID
            }
        }
        let mine = context.actionExecutions.filter { $0.value.pipelineExecutionId == execution && $0.value.stageName == target.stageName }
        guard let start = mine.compactMap({ $0.value.startTime }).min() else { return nil }
        return context.actionExecutions.first {
            $0.value.stageName == target.stageName && $0.value.pipelineExecutionId != execution && $0.value.status == .failed
                && ($0.value.startTime.map { $0 > start } ?? false)
        }?.value.pipelineExecutionId
    }
}
