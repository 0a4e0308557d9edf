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
        for action in context.pipelineActions where action.status == .failed {
            let text = action.details
            guard mentions(text, Self.transient), !ClientErrorSignals.matches(code: action.errorDetails?.code, message: nil) else { continue }
            findings.append(Finding(
                analyzer: Self.description.id, category: .infrastructure, subject: Subject(.action, action.actionID),
                message: "action \(action.actionID) failed on a transient service error: \(text)",
                evidence: [EvidenceLine(path: action.path, text: "\(action.actionID) Failed — \(text)")], target: action.target))
        }
        return findings
    }
}
