import BuildTriageCore

/// Failed CodePipeline actions whose error details name a transient service problem (throttling, internal
/// errors, unavailability). Configuration and permission errors are `client_error`'s; actions that ran a
/// CodeBuild build in this run are judged through that build (the pipeline join).
struct PipelineActionAnalyzer: Analyzer {
    static let description = AnalyzerDescription(
        id: "pipeline_action",
        summary: "failed CodePipeline actions whose errorDetails name a transient service problem",
        categories: [.infrastructure],
        triggeringExamples: [
            AnalyzerExample(
                [("state.json", Example.pipelineState(stage: "Deploy", status: "Failed", actions: [Example.action("Deploy", "Failed", code: "JobFailed", message: "Rate exceeded (Service: AmazonECS; Status Code: 400; Error Code: ThrottlingException)")]))],
                expect: [(.infrastructure, "Deploy/Deploy")]),
        ],
        nonTriggeringExamples: [
            AnalyzerExample([("state.json", Example.pipelineState(stage: "Deploy", status: "Failed", actions: [Example.action("Deploy", "Failed", code: "JobFailed", message: "Build terminated with state: FAILED")]))]),
        ])

    static let transient = [
        "throttl", "rate exceeded", "internal error", "internalerror", "service unavailable", "serviceunavailable",
        "internal failure", "try again", "temporarily", "connection reset", "timed out waiting", "request limit exceeded",
    ]

    func analyze(_ context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for state in context.pipelineStates {
            for stage in state.value.stageStates ?? [] {
                for action in stage.actionStates ?? [] {
                    guard let execution = action.latestExecution, execution.status == .failed else { continue }
                    let text = [execution.errorDetails?.code, execution.errorDetails?.message, execution.summary].compactMap { $0 }.joined(separator: ": ")
                    guard mentions(text, Self.transient), !ClientErrorSignals.matches(code: execution.errorDetails?.code, message: nil) else { continue }
                    let stageName = stage.stageName ?? "?"
                    let actionID = "\(stageName)/\(action.actionName ?? "?")"
                    findings.append(Finding(
                        analyzer: Self.description.id, category: .infrastructure, subject: Subject(.action, actionID),
                        message: "action \(actionID) failed on a transient service error: \(text)",
                        evidence: [EvidenceLine(path: state.path, text: "\(actionID) Failed — \(text)")],
                        target: .stage(pipeline: state.value.pipelineName ?? "", stage: stageName, execution: stage.latestExecution?.pipelineExecutionId)))
                }
            }
        }
        return findings
    }
}
