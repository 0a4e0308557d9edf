// The models' readers for `FastJSONCursor`: one per Codable model, member for member as its synthesized
// `init(from:)` decodes it with `Lenient` / `LenientList` (generated from the models' declarations; keep in step
// with them). `AWSFastReaderTests` proves both give the same values.

private let actionExecutionStatusValues = FastJSONEnumeration<ActionExecutionStatus>()
private let artifactsTypeValues = FastJSONEnumeration<ArtifactsType>()
private let buildBatchPhaseTypeValues = FastJSONEnumeration<BuildBatchPhaseType>()
private let buildPhaseTypeValues = FastJSONEnumeration<BuildPhaseType>()
private let pipelineExecutionStatusValues = FastJSONEnumeration<PipelineExecutionStatus>()
private let reportStatusTypeValues = FastJSONEnumeration<ReportStatusType>()
private let retryTriggerValues = FastJSONEnumeration<RetryTrigger>()
private let stageExecutionStatusValues = FastJSONEnumeration<StageExecutionStatus>()
private let statusTypeValues = FastJSONEnumeration<StatusType>()
private let testCaseStatusValues = FastJSONEnumeration<TestCaseStatus>()

private let phaseContextKeys = FastJSONKeys(["statusCode", "message"])

extension PhaseContext {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(phaseContextKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.statusCode = try c.string()
            default: value.message = try c.string()
            }
        }
        return value
    }
}

private let phaseKeys = FastJSONKeys(["phaseType", "phaseStatus", "startTime", "endTime", "durationInSeconds", "contexts"])

extension Phase {
    static func read(_ c: inout FastJSONCursor, _ kinds: FastJSONEnumeration<Kind>) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(phaseKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.phaseType = try c.openEnum(kinds)
            case 1: value.phaseStatus = try c.openEnum(statusTypeValues)
            case 2: value.startTime = try c.timestamp()
            case 3: value.endTime = try c.timestamp()
            case 4: value.durationInSeconds = try c.int64()
            default: value.contexts = try c.lenientList(PhaseContext.read)
            }
        }
        return value
    }
}

private let resolvedArtifactKeys = FastJSONKeys(["type", "location", "identifier"])

extension ResolvedArtifact {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(resolvedArtifactKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.type = try c.openEnum(artifactsTypeValues)
            case 1: value.location = try c.string()
            default: value.identifier = try c.string()
            }
        }
        return value
    }
}

private let buildSummaryKeys = FastJSONKeys(["arn", "requestedOn", "buildStatus", "primaryArtifact", "secondaryArtifacts"])

extension BuildSummary {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(buildSummaryKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.arn = try c.string()
            case 1: value.requestedOn = try c.timestamp()
            case 2: value.buildStatus = try c.openEnum(statusTypeValues)
            case 3: value.primaryArtifact = try c.object(ResolvedArtifact.read)
            default: value.secondaryArtifacts = try c.lenientList(ResolvedArtifact.read)
            }
        }
        return value
    }
}

private let buildGroupKeys = FastJSONKeys(["identifier", "dependsOn", "ignoreFailure", "currentBuildSummary", "priorBuildSummaryList"])

extension BuildGroup {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(buildGroupKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.identifier = try c.string()
            case 1: value.dependsOn = try c.stringList()
            case 2: value.ignoreFailure = try c.bool()
            case 3: value.currentBuildSummary = try c.object(BuildSummary.read)
            default: value.priorBuildSummaryList = try c.lenientList(BuildSummary.read)
            }
        }
        return value
    }
}

private let buildBatchConfigKeys = FastJSONKeys(["timeoutInMins", "serviceRole"])

extension BuildBatchConfig {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(buildBatchConfigKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.timeoutInMins = try c.int()
            default: value.serviceRole = try c.string()
            }
        }
        return value
    }
}

private let buildBatchKeys = FastJSONKeys(["id", "arn", "startTime", "endTime", "currentPhase", "buildBatchStatus", "sourceVersion", "resolvedSourceVersion", "projectName", "phases", "buildTimeoutInMinutes", "complete", "initiator", "buildBatchNumber", "buildBatchConfig", "buildGroups", "reportArns"])

extension BuildBatch {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(buildBatchKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.id = try c.string()
            case 1: value.arn = try c.string()
            case 2: value.startTime = try c.timestamp()
            case 3: value.endTime = try c.timestamp()
            case 4: value.currentPhase = try c.string()
            case 5: value.buildBatchStatus = try c.openEnum(statusTypeValues)
            case 6: value.sourceVersion = try c.string()
            case 7: value.resolvedSourceVersion = try c.string()
            case 8: value.projectName = try c.string()
            case 9: value.phases = try c.lenientList { c throws(FastJSONFallback) in try BuildBatchPhase.read(&c, buildBatchPhaseTypeValues) }
            case 10: value.buildTimeoutInMinutes = try c.int()
            case 11: value.complete = try c.bool()
            case 12: value.initiator = try c.string()
            case 13: value.buildBatchNumber = try c.int64()
            case 14: value.buildBatchConfig = try c.object(BuildBatchConfig.read)
            case 15: value.buildGroups = try c.lenientList(BuildGroup.read)
            default: value.reportArns = try c.stringList()
            }
        }
        return value
    }
}

private let logsLocationKeys = FastJSONKeys(["groupName", "streamName", "deepLink"])

extension LogsLocation {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(logsLocationKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.groupName = try c.string()
            case 1: value.streamName = try c.string()
            default: value.deepLink = try c.string()
            }
        }
        return value
    }
}

private let buildEnvironmentKeys = FastJSONKeys(["type", "image", "computeType"])

extension BuildEnvironment {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(buildEnvironmentKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.type = try c.string()
            case 1: value.image = try c.string()
            default: value.computeType = try c.string()
            }
        }
        return value
    }
}

private let autoRetryConfigKeys = FastJSONKeys(["autoRetryLimit", "autoRetryNumber", "nextAutoRetry", "previousAutoRetry"])

extension AutoRetryConfig {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(autoRetryConfigKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.autoRetryLimit = try c.int()
            case 1: value.autoRetryNumber = try c.int()
            case 2: value.nextAutoRetry = try c.string()
            default: value.previousAutoRetry = try c.string()
            }
        }
        return value
    }
}

private let buildKeys = FastJSONKeys(["id", "arn", "buildNumber", "startTime", "endTime", "currentPhase", "buildStatus", "sourceVersion", "resolvedSourceVersion", "projectName", "phases", "logs", "environment", "serviceRole", "timeoutInMinutes", "queuedTimeoutInMinutes", "buildComplete", "initiator", "reportArns", "buildBatchArn", "autoRetryConfig"])

extension Build {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(buildKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.id = try c.string()
            case 1: value.arn = try c.string()
            case 2: value.buildNumber = try c.int64()
            case 3: value.startTime = try c.timestamp()
            case 4: value.endTime = try c.timestamp()
            case 5: value.currentPhase = try c.string()
            case 6: value.buildStatus = try c.openEnum(statusTypeValues)
            case 7: value.sourceVersion = try c.string()
            case 8: value.resolvedSourceVersion = try c.string()
            case 9: value.projectName = try c.string()
            case 10: value.phases = try c.lenientList { c throws(FastJSONFallback) in try BuildPhase.read(&c, buildPhaseTypeValues) }
            case 11: value.logs = try c.object(LogsLocation.read)
            case 12: value.environment = try c.object(BuildEnvironment.read)
            case 13: value.serviceRole = try c.string()
            case 14: value.timeoutInMinutes = try c.int()
            case 15: value.queuedTimeoutInMinutes = try c.int()
            case 16: value.buildComplete = try c.bool()
            case 17: value.initiator = try c.string()
            case 18: value.reportArns = try c.stringList()
            case 19: value.buildBatchArn = try c.string()
            default: value.autoRetryConfig = try c.object(AutoRetryConfig.read)
            }
        }
        return value
    }
}

private let codeBuildTestCaseKeys = FastJSONKeys(["reportArn", "testRawDataPath", "prefix", "name", "status", "durationInNanoSeconds", "message", "expired", "testSuiteName"])

extension CodeBuildTestCase {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(codeBuildTestCaseKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.reportArn = try c.string()
            case 1: value.testRawDataPath = try c.string()
            case 2: value.prefix = try c.string()
            case 3: value.name = try c.string()
            case 4: value.status = try c.openEnum(testCaseStatusValues)
            case 5: value.durationInNanoSeconds = try c.int64()
            case 6: value.message = try c.string()
            case 7: value.expired = try c.timestamp()
            default: value.testSuiteName = try c.string()
            }
        }
        return value
    }
}

private let testReportSummaryKeys = FastJSONKeys(["total", "statusCounts", "durationInNanoSeconds"])

extension TestReportSummary {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(testReportSummaryKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.total = try c.int()
            case 1: value.statusCounts = try c.intDictionary()
            default: value.durationInNanoSeconds = try c.int64()
            }
        }
        return value
    }
}

private let codeBuildReportKeys = FastJSONKeys(["arn", "type", "name", "reportGroupArn", "executionId", "status", "created", "expired", "truncated", "testSummary"])

extension CodeBuildReport {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(codeBuildReportKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.arn = try c.string()
            case 1: value.type = try c.string()
            case 2: value.name = try c.string()
            case 3: value.reportGroupArn = try c.string()
            case 4: value.executionId = try c.string()
            case 5: value.status = try c.openEnum(reportStatusTypeValues)
            case 6: value.created = try c.timestamp()
            case 7: value.expired = try c.timestamp()
            case 8: value.truncated = try c.bool()
            default: value.testSummary = try c.object(TestReportSummary.read)
            }
        }
        return value
    }
}

private let errorDetailsKeys = FastJSONKeys(["code", "message"])

extension ErrorDetails {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(errorDetailsKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.code = try c.string()
            default: value.message = try c.string()
            }
        }
        return value
    }
}

private let stageExecutionKeys = FastJSONKeys(["pipelineExecutionId", "status", "type"])

extension StageExecution {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(stageExecutionKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.pipelineExecutionId = try c.string()
            case 1: value.status = try c.openEnum(stageExecutionStatusValues)
            default: value.type = try c.string()
            }
        }
        return value
    }
}

private let transitionStateKeys = FastJSONKeys(["enabled", "lastChangedBy", "lastChangedAt", "disabledReason"])

extension TransitionState {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(transitionStateKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.enabled = try c.bool()
            case 1: value.lastChangedBy = try c.string()
            case 2: value.lastChangedAt = try c.timestamp()
            default: value.disabledReason = try c.string()
            }
        }
        return value
    }
}

private let actionExecutionKeys = FastJSONKeys(["actionExecutionId", "status", "summary", "lastStatusChange", "lastUpdatedBy", "externalExecutionId", "externalExecutionUrl", "percentComplete", "errorDetails", "logStreamARN"])

extension ActionExecution {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(actionExecutionKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.actionExecutionId = try c.string()
            case 1: value.status = try c.openEnum(actionExecutionStatusValues)
            case 2: value.summary = try c.string()
            case 3: value.lastStatusChange = try c.timestamp()
            case 4: value.lastUpdatedBy = try c.string()
            case 5: value.externalExecutionId = try c.string()
            case 6: value.externalExecutionUrl = try c.string()
            case 7: value.percentComplete = try c.int()
            case 8: value.errorDetails = try c.object(ErrorDetails.read)
            default: value.logStreamARN = try c.string()
            }
        }
        return value
    }
}

private let actionStateKeys = FastJSONKeys(["actionName", "latestExecution", "entityUrl", "revisionUrl"])

extension ActionState {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(actionStateKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.actionName = try c.string()
            case 1: value.latestExecution = try c.object(ActionExecution.read)
            case 2: value.entityUrl = try c.string()
            default: value.revisionUrl = try c.string()
            }
        }
        return value
    }
}

private let retryStageMetadataKeys = FastJSONKeys(["autoStageRetryAttempt", "manualStageRetryAttempt", "latestRetryTrigger"])

extension RetryStageMetadata {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(retryStageMetadataKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.autoStageRetryAttempt = try c.int()
            case 1: value.manualStageRetryAttempt = try c.int()
            default: value.latestRetryTrigger = try c.openEnum(retryTriggerValues)
            }
        }
        return value
    }
}

private let stageStateKeys = FastJSONKeys(["stageName", "inboundExecution", "inboundExecutions", "inboundTransitionState", "actionStates", "latestExecution", "retryStageMetadata"])

extension StageState {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(stageStateKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.stageName = try c.string()
            case 1: value.inboundExecution = try c.object(StageExecution.read)
            case 2: value.inboundExecutions = try c.lenientList(StageExecution.read)
            case 3: value.inboundTransitionState = try c.object(TransitionState.read)
            case 4: value.actionStates = try c.lenientList(ActionState.read)
            case 5: value.latestExecution = try c.object(StageExecution.read)
            default: value.retryStageMetadata = try c.object(RetryStageMetadata.read)
            }
        }
        return value
    }
}

private let pipelineStateKeys = FastJSONKeys(["pipelineName", "pipelineVersion", "stageStates", "created", "updated"])

extension PipelineState {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(pipelineStateKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.pipelineName = try c.string()
            case 1: value.pipelineVersion = try c.int()
            case 2: value.stageStates = try c.lenientList(StageState.read)
            case 3: value.created = try c.timestamp()
            default: value.updated = try c.timestamp()
            }
        }
        return value
    }
}

private let artifactRevisionKeys = FastJSONKeys(["name", "actionName", "revisionId", "revisionSummary", "revisionUrl"])

extension ArtifactRevision {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(artifactRevisionKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.name = try c.string()
            case 1: value.actionName = try c.string()
            case 2: value.revisionId = try c.string()
            case 3: value.revisionSummary = try c.string()
            default: value.revisionUrl = try c.string()
            }
        }
        return value
    }
}

private let executionTriggerKeys = FastJSONKeys(["triggerType", "triggerDetail"])

extension ExecutionTrigger {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(executionTriggerKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.triggerType = try c.string()
            default: value.triggerDetail = try c.string()
            }
        }
        return value
    }
}

private let stopExecutionTriggerKeys = FastJSONKeys(["reason"])

extension StopExecutionTrigger {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(stopExecutionTriggerKeys) { c, field throws(FastJSONFallback) in
            switch field {
            default: value.reason = try c.string()
            }
        }
        return value
    }
}

private let pipelineExecutionKeys = FastJSONKeys(["pipelineName", "pipelineVersion", "pipelineExecutionId", "status", "statusSummary", "artifactRevisions", "trigger", "executionMode", "executionType"])

extension PipelineExecution {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(pipelineExecutionKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.pipelineName = try c.string()
            case 1: value.pipelineVersion = try c.int()
            case 2: value.pipelineExecutionId = try c.string()
            case 3: value.status = try c.openEnum(pipelineExecutionStatusValues)
            case 4: value.statusSummary = try c.string()
            case 5: value.artifactRevisions = try c.lenientList(ArtifactRevision.read)
            case 6: value.trigger = try c.object(ExecutionTrigger.read)
            case 7: value.executionMode = try c.string()
            default: value.executionType = try c.string()
            }
        }
        return value
    }
}

private let pipelineExecutionSummaryKeys = FastJSONKeys(["pipelineExecutionId", "status", "statusSummary", "startTime", "lastUpdateTime", "sourceRevisions", "trigger", "stopTrigger", "executionMode", "executionType"])

extension PipelineExecutionSummary {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(pipelineExecutionSummaryKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.pipelineExecutionId = try c.string()
            case 1: value.status = try c.openEnum(pipelineExecutionStatusValues)
            case 2: value.statusSummary = try c.string()
            case 3: value.startTime = try c.timestamp()
            case 4: value.lastUpdateTime = try c.timestamp()
            case 5: value.sourceRevisions = try c.lenientList(ArtifactRevision.read)
            case 6: value.trigger = try c.object(ExecutionTrigger.read)
            case 7: value.stopTrigger = try c.object(StopExecutionTrigger.read)
            case 8: value.executionMode = try c.string()
            default: value.executionType = try c.string()
            }
        }
        return value
    }
}

private let actionTypeIDKeys = FastJSONKeys(["category", "owner", "provider", "version"])

extension ActionTypeID {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(actionTypeIDKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.category = try c.string()
            case 1: value.owner = try c.string()
            case 2: value.provider = try c.string()
            default: value.version = try c.string()
            }
        }
        return value
    }
}

private let actionExecutionInputKeys = FastJSONKeys(["actionTypeId", "configuration", "region"])

extension ActionExecutionInput {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(actionExecutionInputKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.actionTypeId = try c.object(ActionTypeID.read)
            case 1: value.configuration = try c.stringDictionary()
            default: value.region = try c.string()
            }
        }
        return value
    }
}

private let actionExecutionResultKeys = FastJSONKeys(["externalExecutionId", "externalExecutionSummary", "externalExecutionUrl", "errorDetails", "logStreamARN"])

extension ActionExecutionResult {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(actionExecutionResultKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.externalExecutionId = try c.string()
            case 1: value.externalExecutionSummary = try c.string()
            case 2: value.externalExecutionUrl = try c.string()
            case 3: value.errorDetails = try c.object(ErrorDetails.read)
            default: value.logStreamARN = try c.string()
            }
        }
        return value
    }
}

private let actionExecutionOutputKeys = FastJSONKeys(["executionResult", "outputVariables"])

extension ActionExecutionOutput {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(actionExecutionOutputKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.executionResult = try c.object(ActionExecutionResult.read)
            default: value.outputVariables = try c.stringDictionary()
            }
        }
        return value
    }
}

private let actionExecutionDetailKeys = FastJSONKeys(["pipelineExecutionId", "actionExecutionId", "pipelineVersion", "stageName", "actionName", "startTime", "lastUpdateTime", "updatedBy", "status", "input", "output"])

extension ActionExecutionDetail {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(actionExecutionDetailKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.pipelineExecutionId = try c.string()
            case 1: value.actionExecutionId = try c.string()
            case 2: value.pipelineVersion = try c.int()
            case 3: value.stageName = try c.string()
            case 4: value.actionName = try c.string()
            case 5: value.startTime = try c.timestamp()
            case 6: value.lastUpdateTime = try c.timestamp()
            case 7: value.updatedBy = try c.string()
            case 8: value.status = try c.openEnum(actionExecutionStatusValues)
            case 9: value.input = try c.object(ActionExecutionInput.read)
            default: value.output = try c.object(ActionExecutionOutput.read)
            }
        }
        return value
    }
}

private let retryConfigurationKeys = FastJSONKeys(["retryMode"])

extension RetryConfiguration {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(retryConfigurationKeys) { c, field throws(FastJSONFallback) in
            switch field {
            default: value.retryMode = try c.string()
            }
        }
        return value
    }
}

private let failureConditionsKeys = FastJSONKeys(["result", "retryConfiguration"])

extension FailureConditions {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(failureConditionsKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.result = try c.string()
            default: value.retryConfiguration = try c.object(RetryConfiguration.read)
            }
        }
        return value
    }
}

private let actionDeclarationKeys = FastJSONKeys(["name", "actionTypeId", "runOrder", "configuration"])

extension ActionDeclaration {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(actionDeclarationKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.name = try c.string()
            case 1: value.actionTypeId = try c.object(ActionTypeID.read)
            case 2: value.runOrder = try c.int()
            default: value.configuration = try c.stringDictionary()
            }
        }
        return value
    }
}

private let stageDeclarationKeys = FastJSONKeys(["name", "actions", "onFailure"])

extension StageDeclaration {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(stageDeclarationKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.name = try c.string()
            case 1: value.actions = try c.lenientList(ActionDeclaration.read)
            default: value.onFailure = try c.object(FailureConditions.read)
            }
        }
        return value
    }
}

private let pipelineDeclarationKeys = FastJSONKeys(["name", "roleArn", "stages", "version", "executionMode", "pipelineType"])

extension PipelineDeclaration {
    static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Self {
        var value = Self()
        try c.fields(pipelineDeclarationKeys) { c, field throws(FastJSONFallback) in
            switch field {
            case 0: value.name = try c.string()
            case 1: value.roleArn = try c.string()
            case 2: value.stages = try c.lenientList(StageDeclaration.read)
            case 3: value.version = try c.int()
            case 4: value.executionMode = try c.string()
            default: value.pipelineType = try c.string()
            }
        }
        return value
    }
}
