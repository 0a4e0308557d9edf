// CodePipeline response shapes (botocore 1.43.11 `codepipeline/2015-07-09`), reduced to what a post-mortem
// needs. Each shape is declared once, its stored properties and its member table (see `AWSShape`): every member is
// optional and read leniently; unknown keys are ignored; enums are open.

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
public struct ErrorDetails: AWSShape {
    public var code: String?
    public var message: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("code", \.code),
        .string("message", \.message),
    ]
}

/// `StageExecution`.
public struct StageExecution: AWSShape {
    public var pipelineExecutionId: String?
    public var status: OpenEnum<StageExecutionStatus>?
    public var type: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("pipelineExecutionId", \.pipelineExecutionId),
        .openEnum("status", \.status),
        .string("type", \.type),
    ]
}

/// `TransitionState`.
public struct TransitionState: AWSShape {
    public var enabled: Bool?
    public var lastChangedBy: String?
    public var lastChangedAt: Timestamp?
    public var disabledReason: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .bool("enabled", \.enabled),
        .string("lastChangedBy", \.lastChangedBy),
        .timestamp("lastChangedAt", \.lastChangedAt),
        .string("disabledReason", \.disabledReason),
    ]
}

/// `ActionExecution`: the latest run of one action.
public struct ActionExecution: AWSShape {
    public var actionExecutionId: String?
    public var status: OpenEnum<ActionExecutionStatus>?
    public var summary: String?
    public var lastStatusChange: Timestamp?
    public var lastUpdatedBy: String?
    /// For CodeBuild actions, the CodeBuild build id (`project:uuid`).
    public var externalExecutionId: String?
    public var externalExecutionUrl: String?
    public var percentComplete: Int?
    public var errorDetails: ErrorDetails?
    public var logStreamARN: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("actionExecutionId", \.actionExecutionId),
        .openEnum("status", \.status),
        .string("summary", \.summary),
        .timestamp("lastStatusChange", \.lastStatusChange),
        .string("lastUpdatedBy", \.lastUpdatedBy),
        .string("externalExecutionId", \.externalExecutionId),
        .string("externalExecutionUrl", \.externalExecutionUrl),
        .int("percentComplete", \.percentComplete),
        .object("errorDetails", \.errorDetails),
        .string("logStreamARN", \.logStreamARN),
    ]
}

/// `ActionState`.
public struct ActionState: AWSShape {
    public var actionName: String?
    public var latestExecution: ActionExecution?
    public var entityUrl: String?
    public var revisionUrl: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("actionName", \.actionName),
        .object("latestExecution", \.latestExecution),
        .string("entityUrl", \.entityUrl),
        .string("revisionUrl", \.revisionUrl),
    ]
}

/// `RetryStageMetadata`: retries already spent on a stage.
public struct RetryStageMetadata: AWSShape {
    public var autoStageRetryAttempt: Int?
    public var manualStageRetryAttempt: Int?
    public var latestRetryTrigger: OpenEnum<RetryTrigger>?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .int("autoStageRetryAttempt", \.autoStageRetryAttempt),
        .int("manualStageRetryAttempt", \.manualStageRetryAttempt),
        .openEnum("latestRetryTrigger", \.latestRetryTrigger),
    ]
}

/// `StageState`.
public struct StageState: AWSShape {
    public var stageName: String?
    public var inboundExecution: StageExecution?
    public var inboundExecutions: [StageExecution]?
    public var inboundTransitionState: TransitionState?
    public var actionStates: [ActionState]?
    /// Absent in files from old CLIs: a parser must not need it.
    public var latestExecution: StageExecution?
    public var retryStageMetadata: RetryStageMetadata?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("stageName", \.stageName),
        .object("inboundExecution", \.inboundExecution),
        .list("inboundExecutions", \.inboundExecutions),
        .object("inboundTransitionState", \.inboundTransitionState),
        .list("actionStates", \.actionStates),
        .object("latestExecution", \.latestExecution),
        .object("retryStageMetadata", \.retryStageMetadata),
    ]
}

/// `GetPipelineStateOutput`.
public struct PipelineState: AWSShape {
    public var pipelineName: String?
    public var pipelineVersion: Int?
    public var stageStates: [StageState]?
    public var created: Timestamp?
    public var updated: Timestamp?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("pipelineName", \.pipelineName),
        .int("pipelineVersion", \.pipelineVersion),
        .list("stageStates", \.stageStates),
        .timestamp("created", \.created),
        .timestamp("updated", \.updated),
    ]
}

/// `ArtifactRevision` / `SourceRevision`.
public struct ArtifactRevision: AWSShape {
    public var name: String?
    public var actionName: String?
    public var revisionId: String?
    public var revisionSummary: String?
    public var revisionUrl: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("name", \.name),
        .string("actionName", \.actionName),
        .string("revisionId", \.revisionId),
        .string("revisionSummary", \.revisionSummary),
        .string("revisionUrl", \.revisionUrl),
    ]
}

/// `ExecutionTrigger`.
public struct ExecutionTrigger: AWSShape {
    public var triggerType: String?
    public var triggerDetail: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("triggerType", \.triggerType),
        .string("triggerDetail", \.triggerDetail),
    ]
}

/// `StopExecutionTrigger`.
public struct StopExecutionTrigger: AWSShape {
    public var reason: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("reason", \.reason),
    ]
}

/// `PipelineExecution` (get-pipeline-execution).
public struct PipelineExecution: AWSShape {
    public var pipelineName: String?
    public var pipelineVersion: Int?
    public var pipelineExecutionId: String?
    public var status: OpenEnum<PipelineExecutionStatus>?
    public var statusSummary: String?
    public var artifactRevisions: [ArtifactRevision]?
    public var trigger: ExecutionTrigger?
    public var executionMode: String?
    public var executionType: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("pipelineName", \.pipelineName),
        .int("pipelineVersion", \.pipelineVersion),
        .string("pipelineExecutionId", \.pipelineExecutionId),
        .openEnum("status", \.status),
        .string("statusSummary", \.statusSummary),
        .list("artifactRevisions", \.artifactRevisions),
        .object("trigger", \.trigger),
        .string("executionMode", \.executionMode),
        .string("executionType", \.executionType),
    ]
}

/// `PipelineExecutionSummary` (list-pipeline-executions).
public struct PipelineExecutionSummary: AWSShape {
    public var pipelineExecutionId: String?
    public var status: OpenEnum<PipelineExecutionStatus>?
    public var statusSummary: String?
    public var startTime: Timestamp?
    public var lastUpdateTime: Timestamp?
    public var sourceRevisions: [ArtifactRevision]?
    public var trigger: ExecutionTrigger?
    public var stopTrigger: StopExecutionTrigger?
    public var executionMode: String?
    public var executionType: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("pipelineExecutionId", \.pipelineExecutionId),
        .openEnum("status", \.status),
        .string("statusSummary", \.statusSummary),
        .timestamp("startTime", \.startTime),
        .timestamp("lastUpdateTime", \.lastUpdateTime),
        .list("sourceRevisions", \.sourceRevisions),
        .object("trigger", \.trigger),
        .object("stopTrigger", \.stopTrigger),
        .string("executionMode", \.executionMode),
        .string("executionType", \.executionType),
    ]
}

/// `ActionTypeId`.
public struct ActionTypeID: AWSShape {
    public var category: String?
    public var owner: String?
    public var provider: String?
    public var version: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("category", \.category),
        .string("owner", \.owner),
        .string("provider", \.provider),
        .string("version", \.version),
    ]
}

/// `ActionExecutionInput`, as far as a diagnosis goes.
public struct ActionExecutionInput: AWSShape {
    public var actionTypeId: ActionTypeID?
    public var configuration: [String: String]?
    public var region: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .object("actionTypeId", \.actionTypeId),
        .stringMap("configuration", \.configuration),
        .string("region", \.region),
    ]
}

/// `ActionExecutionResult`.
public struct ActionExecutionResult: AWSShape {
    public var externalExecutionId: String?
    public var externalExecutionSummary: String?
    public var externalExecutionUrl: String?
    public var errorDetails: ErrorDetails?
    public var logStreamARN: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("externalExecutionId", \.externalExecutionId),
        .string("externalExecutionSummary", \.externalExecutionSummary),
        .string("externalExecutionUrl", \.externalExecutionUrl),
        .object("errorDetails", \.errorDetails),
        .string("logStreamARN", \.logStreamARN),
    ]
}

/// `ActionExecutionOutput`.
public struct ActionExecutionOutput: AWSShape {
    public var executionResult: ActionExecutionResult?
    public var outputVariables: [String: String]?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .object("executionResult", \.executionResult),
        .stringMap("outputVariables", \.outputVariables),
    ]
}

/// `ActionExecutionDetail` (list-action-executions).
public struct ActionExecutionDetail: AWSShape {
    public var pipelineExecutionId: String?
    public var actionExecutionId: String?
    public var pipelineVersion: Int?
    public var stageName: String?
    public var actionName: String?
    public var startTime: Timestamp?
    public var lastUpdateTime: Timestamp?
    public var updatedBy: String?
    public var status: OpenEnum<ActionExecutionStatus>?
    public var input: ActionExecutionInput?
    public var output: ActionExecutionOutput?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("pipelineExecutionId", \.pipelineExecutionId),
        .string("actionExecutionId", \.actionExecutionId),
        .int("pipelineVersion", \.pipelineVersion),
        .string("stageName", \.stageName),
        .string("actionName", \.actionName),
        .timestamp("startTime", \.startTime),
        .timestamp("lastUpdateTime", \.lastUpdateTime),
        .string("updatedBy", \.updatedBy),
        .openEnum("status", \.status),
        .object("input", \.input),
        .object("output", \.output),
    ]
}

/// `RetryConfiguration`.
public struct RetryConfiguration: AWSShape {
    public var retryMode: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("retryMode", \.retryMode),
    ]
}

/// `FailureConditions`.
public struct FailureConditions: AWSShape {
    public var result: String?
    public var retryConfiguration: RetryConfiguration?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("result", \.result),
        .object("retryConfiguration", \.retryConfiguration),
    ]
}

/// `ActionDeclaration`.
public struct ActionDeclaration: AWSShape {
    public var name: String?
    public var actionTypeId: ActionTypeID?
    public var runOrder: Int?
    public var configuration: [String: String]?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("name", \.name),
        .object("actionTypeId", \.actionTypeId),
        .int("runOrder", \.runOrder),
        .stringMap("configuration", \.configuration),
    ]
}

/// `StageDeclaration`.
public struct StageDeclaration: AWSShape {
    public var name: String?
    public var actions: [ActionDeclaration]?
    public var onFailure: FailureConditions?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("name", \.name),
        .list("actions", \.actions),
        .object("onFailure", \.onFailure),
    ]
}

/// `PipelineDeclaration` (get-pipeline's `pipeline`).
public struct PipelineDeclaration: AWSShape {
    public var name: String?
    public var roleArn: String?
    public var stages: [StageDeclaration]?
    public var version: Int?
    public var executionMode: String?
    public var pipelineType: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("name", \.name),
        .string("roleArn", \.roleArn),
        .list("stages", \.stages),
        .int("version", \.version),
        .string("executionMode", \.executionMode),
        .string("pipelineType", \.pipelineType),
    ]
}
