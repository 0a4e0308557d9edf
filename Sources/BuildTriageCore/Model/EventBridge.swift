// EventBridge events that start a triage: CodeBuild "Build State Change" / "Build Batch State Change" and
// CodePipeline "Pipeline / Stage / Action Execution State Change". Member names are the events' own
// (kebab-case inside `detail`); every field is optional and lenient, unknown members are ignored.

/// One EventBridge event, as the rule's target receives it (or as saved from it).
public struct EventBridgeEvent: Codable, Hashable, Sendable {
    @Lenient public var version: String?
    @Lenient public var id: String?
    /// `CodeBuild Build State Change`, `CodePipeline Action Execution State Change`...
    @Lenient public var detailType: String?
    /// `aws.codebuild` or `aws.codepipeline`.
    @Lenient public var source: String?
    @Lenient public var account: String?
    @Lenient public var time: String?
    @Lenient public var region: String?
    @Lenient public var resources: [String]?
    @Lenient public var detail: EventBridgeDetail?

    private enum CodingKeys: String, CodingKey {
        case version, id, detailType = "detail-type", source, account, time, region, resources, detail
    }

    public init(
        id: String? = nil, detailType: String? = nil, source: String? = nil, time: String? = nil, region: String? = nil,
        resources: [String]? = nil, detail: EventBridgeDetail? = nil
    ) {
        self.version = "0"
        self.id = id
        self.detailType = detailType
        self.source = source
        self.time = time
        self.region = region
        self.resources = resources
        self.detail = detail
    }

    /// The kinds of event a triage starts from.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case buildStateChange = "CodeBuild Build State Change"
        case buildBatchStateChange = "CodeBuild Build Batch State Change"
        case pipelineExecutionStateChange = "CodePipeline Pipeline Execution State Change"
        case stageExecutionStateChange = "CodePipeline Stage Execution State Change"
        case actionExecutionStateChange = "CodePipeline Action Execution State Change"
    }

    /// The kind of event, from `detail-type`; nil for any other event.
    public var kind: Kind? { detailType.flatMap(Kind.init(rawValue:)) }

    /// The CodeBuild build ARN or id the event names (`detail.build-id`; for a CodeBuild action, its external
    /// execution id).
    public var buildID: String? {
        switch kind {
        case .buildStateChange: detail?.buildID ?? resources?.first { $0.contains(":build/") }
        case .actionExecutionStateChange where detail?.type?.provider == "CodeBuild":
            detail?.executionResult?.externalExecutionID
        default: nil
        }
    }

    /// The CodeBuild batch ARN or id the event names.
    public var buildBatchID: String? {
        guard kind == .buildBatchStateChange else { return nil }
        return detail?.buildBatchARN ?? detail?.buildBatchID ?? resources?.first { $0.contains(":build-batch/") }
    }

    /// One line naming the event: what changed, to which state, when.
    public var summary: String {
        var text = "EventBridge event '\(detailType ?? "?")'"
        if let detail {
            switch kind {
            case .buildStateChange:
                text += " for build \(detail.buildID ?? "?"): \(detail.buildStatus ?? "?")"
            case .buildBatchStateChange:
                text += " for batch \(buildBatchID ?? "?"): \(detail.buildBatchStatus ?? detail.buildStatus ?? "?")"
            case .pipelineExecutionStateChange, .stageExecutionStateChange, .actionExecutionStateChange:
                text += " for pipeline \(detail.pipeline ?? "?")"
                if let stage = detail.stage { text += ", stage \(stage)" }
                if let action = detail.action { text += ", action \(action)" }
                text += ", execution \(detail.executionID ?? "?"): \(detail.state ?? "?")"
            case nil:
                break
            }
        }
        if let time { text += " at \(time)" }
        if let id { text += " (event \(id))" }
        return text
    }
}

/// The `detail` of the events above; which members are set depends on the event.
public struct EventBridgeDetail: Codable, Hashable, Sendable {
    // CodeBuild
    @Lenient public var buildID: String?
    @Lenient public var projectName: String?
    @Lenient public var buildStatus: String?
    @Lenient public var currentPhase: String?
    @Lenient public var buildBatchARN: String?
    @Lenient public var buildBatchID: String?
    @Lenient public var buildBatchStatus: String?
    // CodePipeline
    @Lenient public var pipeline: String?
    @Lenient public var executionID: String?
    @Lenient public var state: String?
    @Lenient public var stage: String?
    @Lenient public var action: String?
    @Lenient public var type: EventBridgeActionType?
    @Lenient public var executionResult: EventBridgeExecutionResult?

    private enum CodingKeys: String, CodingKey {
        case buildID = "build-id", projectName = "project-name", buildStatus = "build-status", currentPhase = "current-phase"
        case buildBatchARN = "build-batch-arn", buildBatchID = "build-batch-id", buildBatchStatus = "build-batch-status"
        case pipeline, executionID = "execution-id", state, stage, action, type, executionResult = "execution-result"
    }

    public init(
        buildID: String? = nil, buildStatus: String? = nil, buildBatchARN: String? = nil, buildBatchStatus: String? = nil,
        pipeline: String? = nil, executionID: String? = nil, state: String? = nil, stage: String? = nil, action: String? = nil,
        type: EventBridgeActionType? = nil, executionResult: EventBridgeExecutionResult? = nil
    ) {
        self.buildID = buildID
        self.buildStatus = buildStatus
        self.buildBatchARN = buildBatchARN
        self.buildBatchStatus = buildBatchStatus
        self.pipeline = pipeline
        self.executionID = executionID
        self.state = state
        self.stage = stage
        self.action = action
        self.type = type
        self.executionResult = executionResult
    }
}

/// `detail.type` of an action execution event.
public struct EventBridgeActionType: Codable, Hashable, Sendable {
    @Lenient public var owner: String?
    @Lenient public var category: String?
    @Lenient public var provider: String?
    @Lenient public var version: String?

    public init(owner: String? = nil, category: String? = nil, provider: String? = nil, version: String? = nil) {
        self.owner = owner
        self.category = category
        self.provider = provider
        self.version = version
    }
}

/// `detail.execution-result` of an action execution event.
public struct EventBridgeExecutionResult: Codable, Hashable, Sendable {
    @Lenient public var externalExecutionID: String?
    @Lenient public var externalExecutionSummary: String?
    @Lenient public var externalExecutionURL: String?

    private enum CodingKeys: String, CodingKey {
        case externalExecutionID = "external-execution-id", externalExecutionSummary = "external-execution-summary"
        case externalExecutionURL = "external-execution-url"
    }

    public init(externalExecutionID: String? = nil) {
        self.externalExecutionID = externalExecutionID
    }
}
