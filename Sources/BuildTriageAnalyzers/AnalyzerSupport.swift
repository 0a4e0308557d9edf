import BuildTriageCore

extension AnalysisContext {
    /// The target a group's findings count against: the pipeline stage that ran its build, else its batch.
    func target(of ref: GroupRef) -> Target {
        if hasBuildStages, let id = ref.currentBuildID, let stage = stage(ofBuildID: id) {
            return stage
        }
        return batchTargets[ref.batchIndex]
    }

    /// Builds that no batch in the run lists (their own targets, or a pipeline stage's).
    var standaloneBuilds: [Sourced<Build>] {
        builds.filter { build in build.value.id.map { !hasGroup(ofBuildID: $0) } ?? true }
    }

    /// The subject and target of a build's findings.
    func place(of build: Sourced<Build>) -> (Subject, Target) {
        let id = build.value.id ?? build.value.arn.flatMap(AnalysisContext.buildID(fromARN:)) ?? build.path
        return (subject(ofBuildID: id), target(ofBuildID: id))
    }

    /// The target of evidence that belongs to no AWS resource: the CI job.
    static let jobTarget = Target.job("ci-job")

    func targetAndScope(forPath path: String) -> (Target, Subject?, String?) {
        guard let attribution = attribution(forPath: path) else { return (Self.jobTarget, nil, nil) }
        return (attribution.target, attribution.scope, attribution.sourceVersion)
    }
}


/// A readable description of a phase's contexts: `COMMAND_EXECUTION_ERROR: Error while executing command…`.
func describe(_ contexts: [PhaseContext]) -> String {
    contexts.map { context in
        [context.statusCode, context.message].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: ": ")
    }.joined(separator: "; ")
}

/// Evidence lines for a phase of a build or batch saved in `path`.
func evidence<Kind>(_ phase: Phase<Kind>, owner: String, path: String) -> [EvidenceLine] {
    var text = "\(owner) phase \(phase.phaseType?.rawValue ?? "?") \(phase.phaseStatus?.rawValue ?? "(no status)")"
    let contexts = describe(phase.meaningfulContexts)
    if !contexts.isEmpty { text += " — \(contexts)" }
    return [EvidenceLine(path: path, text: text)]
}

/// Case-insensitive search for any of several fragments.
func mentions(_ text: String?, _ fragments: [String]) -> Bool {
    guard let text = text?.lowercased(), !text.isEmpty else { return false }
    return fragments.contains { text.contains($0) }
}

/// Context codes and message fragments that mean the request or configuration is wrong.
enum ClientErrorSignals {
    static let codes: Set<String> = [
        "CLIENT_ERROR", "YAML_FILE_ERROR", "ACCESS_DENIED", "BUILD_CONTAINER_UNABLE_TO_PULL_IMAGE", "INVALID_INPUT",
        "ConfigurationError", "PermissionError", "AccessDenied", "AccessDeniedException", "InvalidInput", "ValidationException",
    ]
    static let fragments = [
        "buildspec", "yaml", "access denied", "accessdenied", "not authorized", "unauthorized", "insufficient permissions",
        "permission", "is not authorized to perform", "invalid image", "cannot pull image", "unable to pull image",
        "manifest unknown", "service role", "iam role", "assume role", "assumerole", "does not exist", "no such file or directory: buildspec", "invalid ", "malformed",
        "configuration",
    ]
    /// Fragments that look like a client error but are transient (checked first).
    static let transient = ["rate limit", "toomanyrequests", "throttl", "timeout", "timed out", "connection reset", "internal error"]

    static func matches(code: String?, message: String?) -> Bool {
        // A user command that exited non-zero is the build's own failure, whatever its command line says.
        if code == "COMMAND_EXECUTION_ERROR" { return false }
        if mentions(message, transient) { return false }
        if let code, codes.contains(code) { return true }
        return mentions(message, fragments)
    }
}

/// A CodePipeline action's latest run, from get-pipeline-state or list-action-executions.
struct PipelineActionRef {
    var target: Target
    /// `<stage>/<action>`
    var actionID: String
    var status: OpenEnum<ActionExecutionStatus>?
    var errorDetails: ErrorDetails?
    var summary: String?
    var externalExecutionId: String?
    var path: String

    /// Error code, message and summary in one line.
    var details: String {
        [errorDetails?.code, errorDetails?.message, summary].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: ": ")
    }
}

extension AnalysisContext {
    /// The pipeline name when the run names exactly one pipeline.
    var knownPipelineName: String? {
        let names = Set(pipelineStates.compactMap(\.value.pipelineName) + pipelineExecutions.compactMap(\.value.pipelineName) + definitions.compactMap(\.value.name))
        return names.count == 1 ? names.first : nil
    }

    /// Every pipeline action run in the inputs, one per (execution, stage, action): pipeline states first.
    var pipelineActions: [PipelineActionRef] {
        var refs: [PipelineActionRef] = []
        var seen: Set<String> = []
        for state in pipelineStates {
            for stage in state.value.stageStates ?? [] {
                let stageName = stage.stageName ?? "?"
                let target = Target.stage(pipeline: state.value.pipelineName ?? knownPipelineName ?? "", stage: stageName, execution: stage.latestExecution?.pipelineExecutionId)
                for action in stage.actionStates ?? [] {
                    guard let execution = action.latestExecution else { continue }
                    let ref = PipelineActionRef(
                        target: target, actionID: "\(stageName)/\(action.actionName ?? "?")", status: execution.status,
                        errorDetails: execution.errorDetails, summary: execution.summary, externalExecutionId: execution.externalExecutionId, path: state.path)
                    seen.insert("\(target.pipelineExecutionId ?? "")|\(ref.actionID)")
                    refs.append(ref)
                }
            }
        }
        for action in actionExecutions {
            let stageName = action.value.stageName ?? "?"
            let ref = PipelineActionRef(
                target: .stage(pipeline: knownPipelineName ?? "", stage: stageName, execution: action.value.pipelineExecutionId),
                actionID: "\(stageName)/\(action.value.actionName ?? "?")", status: action.value.status,
                errorDetails: action.value.output?.executionResult?.errorDetails, summary: action.value.output?.executionResult?.externalExecutionSummary,
                externalExecutionId: action.value.output?.executionResult?.externalExecutionId, path: action.path)
            guard seen.insert("\(action.value.pipelineExecutionId ?? "")|\(ref.actionID)").inserted else { continue }
            refs.append(ref)
        }
        return refs
    }
}

/// What the primary analyzers' findings explain, for the fallback analyzers: the subjects and scopes of the
/// failures that call for action, and the scopes whose only failures are flaky tests that passed (on a rerun in
/// their report, or in a later attempt). A failed build or group whose only evidence is flaky tests is explained
/// by them (Docs/decisions.md): it is not a `build-failure` with nothing to go on.
struct FailureExplanations {
    /// Subjects and scopes of unresolved failures (not collateral, stopped or ignored).
    var explained: Set<Subject> = []
    /// Scope → the indexes (in the findings given) of its resolved flaky tests, for scopes not in `explained`.
    var flakyOnly: [Subject: [Int]] = [:]

    init(_ findings: [Finding]) {
        var flaky: [Subject: [Int]] = [:]
        for index in findings.indices {
            let finding = findings[index]
            if finding.resolved != true, ![.collateral, .stopped, .ignored].contains(finding.category) {
                explained.insert(finding.subject)
                if let scope = finding.scope { explained.insert(scope) }
            } else if finding.resolved == true, finding.category == .flaky, finding.subject.kind == .test, let scope = finding.scope {
                flaky[scope, default: []].append(index)
            }
        }
        flakyOnly = flaky.filter { !explained.contains($0.key) }
    }

    /// Every subject a fallback finding need not explain: the explained ones and the flaky-only ones.
    var covered: Set<Subject> { explained.union(flakyOnly.keys) }
}
