// CodePipeline response shapes (botocore 1.43.11 `codepipeline/2015-07-09`), reduced to what a post-mortem
// needs. Every field is optional and lenient; unknown keys are ignored; enums are open.

/// `StageExecutionStatus`.
public enum StageExecutionStatus: String, KnownValues {
    case cancelled = "Cancelled", inProgress = "InProgress", failed = "Failed", stopped = "Stopped"
    case stopping = "Stopping", succeeded = "Succeeded", skipped = "Skipped"
}

/// `ActionExecutionStatus`.
public enum ActionExecutionStatus: String, KnownValues {
    case inProgress = "InProgress", abandoned = "Abandoned", succeeded = "Succeeded", failed = "Failed"
}

/// `PipelineExecutionStatus`.
public enum PipelineExecutionStatus: String, KnownValues {
    case cancelled = "Cancelled", inProgress = "InProgress", stopped = "Stopped", stopping = "Stopping"
    case succeeded = "Succeeded", superseded = "Superseded", failed = "Failed"
}

/// `RetryTrigger`.
public enum RetryTrigger: String, KnownValues {
    case automated = "AutomatedStageRetry", manual = "ManualStageRetry"
}

/// `ErrorDetails`.
public struct ErrorDetails: Codable, Hashable, Sendable {
    @Lenient public var code: String?
    @Lenient public var message: String?
}

/// `StageExecution`.
public struct StageExecution: Codable, Hashable, Sendable {
    @Lenient public var pipelineExecutionId: String?
    @Lenient public var status: OpenEnum<StageExecutionStatus>?
    @Lenient public var type: String?
}

/// `TransitionState`.
public struct TransitionState: Codable, Hashable, Sendable {
    @Lenient public var enabled: Bool?
    @Lenient public var lastChangedBy: String?
    @Lenient public var lastChangedAt: Timestamp?
    @Lenient public var disabledReason: String?
}

/// `ActionExecution`: the latest run of one action.
public struct ActionExecution: Codable, Hashable, Sendable {
    @Lenient public var actionExecutionId: String?
    @Lenient public var status: OpenEnum<ActionExecutionStatus>?
    @Lenient public var summary: String?
    @Lenient public var lastStatusChange: Timestamp?
    @Lenient public var lastUpdatedBy: String?
    /// For CodeBuild actions, the CodeBuild build id (`project:uuid`).
    @Lenient public var externalExecutionId: String?
    @Lenient public var externalExecutionUrl: String?
    @Lenient public var percentComplete: Int?
    @Lenient public var errorDetails: ErrorDetails?
    @Lenient public var logStreamARN: String?
}

/// `ActionState`.
public struct ActionState: Codable, Hashable, Sendable {
    @Lenient public var actionName: String?
    @Lenient public var latestExecution: ActionExecution?
    @Lenient public var entityUrl: String?
    @Lenient public var revisionUrl: String?
}

/// `RetryStageMetadata`: retries already spent on a stage.
public struct RetryStageMetadata: Codable, Hashable, Sendable {
    @Lenient public var autoStageRetryAttempt: Int?
    @Lenient public var manualStageRetryAttempt: Int?
    @Lenient public var latestRetryTrigger: OpenEnum<RetryTrigger>?
}

/// `StageState`.
public struct StageState: Codable, Hashable, Sendable {
    @Lenient public var stageName: String?
    @Lenient public var inboundExecution: StageExecution?
    @LenientList public var inboundExecutions: [StageExecution]?
    @Lenient public var inboundTransitionState: TransitionState?
    @LenientList public var actionStates: [ActionState]?
    /// Absent in files from old CLIs: a parser must not need it.
    @Lenient public var latestExecution: StageExecution?
    @Lenient public var retryStageMetadata: RetryStageMetadata?
}

/// `GetPipelineStateOutput`.
public struct PipelineState: Codable, Hashable, Sendable {
    @Lenient public var pipelineName: String?
    @Lenient public var pipelineVersion: Int?
    @LenientList public var stageStates: [StageState]?
    @Lenient public var created: Timestamp?
    @Lenient public var updated: Timestamp?
}

/// `ArtifactRevision` / `SourceRevision`.
public struct ArtifactRevision: Codable, Hashable, Sendable {
    @Lenient public var name: String?
    @Lenient public var actionName: String?
    @Lenient public var revisionId: String?
    @Lenient public var revisionSummary: String?
    @Lenient public var revisionUrl: String?
}

/// `ExecutionTrigger`.
public struct ExecutionTrigger: Codable, Hashable, Sendable {
    @Lenient public var triggerType: String?
    @Lenient public var triggerDetail: String?
}

/// `StopExecutionTrigger`.
public struct StopExecutionTrigger: Codable, Hashable, Sendable {
    @Lenient public var reason: String?
}

/// `PipelineExecution` (get-pipeline-execution).
public struct PipelineExecution: Codable, Hashable, Sendable {
    @Lenient public var pipelineName: String?
    @Lenient public var pipelineVersion: Int?
    @Lenient public var pipelineExecutionId: String?
    @Lenient public var status: OpenEnum<PipelineExecutionStatus>?
    @Lenient public var statusSummary: String?
    @LenientList public var artifactRevisions: [ArtifactRevision]?
    @Lenient public var trigger: ExecutionTrigger?
    @Lenient public var executionMode: String?
    @Lenient public var executionType: String?
}

/// `PipelineExecutionSummary` (list-pipeline-executions).
public struct PipelineExecutionSummary: Codable, Hashable, Sendable {
    @Lenient public var pipelineExecutionId: String?
    @Lenient public var status: OpenEnum<PipelineExecutionStatus>?
    @Lenient public var statusSummary: String?
    @Lenient public var startTime: Timestamp?
    @Lenient public var lastUpdateTime: Timestamp?
    @LenientList public var sourceRevisions: [ArtifactRevision]?
    @Lenient public var trigger: ExecutionTrigger?
    @Lenient public var stopTrigger: StopExecutionTrigger?
    @Lenient public var executionMode: String?
    @Lenient public var executionType: String?
}

/// `ActionTypeId`.
public struct ActionTypeID: Codable, Hashable, Sendable {
    @Lenient public var category: String?
    @Lenient public var owner: String?
    @Lenient public var provider: String?
    @Lenient public var version: String?
}

/// `ActionExecutionInput`, as far as a diagnosis goes.
public struct ActionExecutionInput: Codable, Hashable, Sendable {
    @Lenient public var actionTypeId: ActionTypeID?
    @Lenient public var configuration: [String: String]?
    @Lenient public var region: String?
}

/// `ActionExecutionResult`.
public struct ActionExecutionResult: Codable, Hashable, Sendable {
    @Lenient public var externalExecutionId: String?
    @Lenient public var externalExecutionSummary: String?
    @Lenient public var externalExecutionUrl: String?
    @Lenient public var errorDetails: ErrorDetails?
    @Lenient public var logStreamARN: String?
}

/// `ActionExecutionOutput`.
public struct ActionExecutionOutput: Codable, Hashable, Sendable {
    @Lenient public var executionResult: ActionExecutionResult?
    @Lenient public var outputVariables: [String: String]?
}

/// `ActionExecutionDetail` (list-action-executions).
public struct ActionExecutionDetail: Codable, Hashable, Sendable {
    @Lenient public var pipelineExecutionId: String?
    @Lenient public var actionExecutionId: String?
    @Lenient public var pipelineVersion: Int?
    @Lenient public var stageName: String?
    @Lenient public var actionName: String?
    @Lenient public var startTime: Timestamp?
    @Lenient public var lastUpdateTime: Timestamp?
    @Lenient public var updatedBy: String?
    @Lenient public var status: OpenEnum<ActionExecutionStatus>?
    @Lenient public var input: ActionExecutionInput?
    @Lenient public var output: ActionExecutionOutput?
}

/// `RetryConfiguration`.
public struct RetryConfiguration: Codable, Hashable, Sendable {
    @Lenient public var retryMode: String?
}

/// `FailureConditions`.
public struct FailureConditions: Codable, Hashable, Sendable {
    @Lenient public var result: String?
    @Lenient public var retryConfiguration: RetryConfiguration?
}

/// `ActionDeclaration`.
public struct ActionDeclaration: Codable, Hashable, Sendable {
    @Lenient public var name: String?
    @Lenient public var actionTypeId: ActionTypeID?
    @Lenient public var runOrder: Int?
    @Lenient public var configuration: [String: String]?
}

/// `StageDeclaration`.
public struct StageDeclaration: Codable, Hashable, Sendable {
    @Lenient public var name: String?
    @LenientList public var actions: [ActionDeclaration]?
    @Lenient public var onFailure: FailureConditions?
}

/// `PipelineDeclaration` (get-pipeline's `pipeline`).
public struct PipelineDeclaration: Codable, Hashable, Sendable {
    @Lenient public var name: String?
    @Lenient public var roleArn: String?
    @LenientList public var stages: [StageDeclaration]?
    @Lenient public var version: Int?
    @Lenient public var executionMode: String?
    @Lenient public var pipelineType: String?
}
