// CodeBuild response shapes (botocore 1.43.11 `codebuild/2016-10-06`), reduced to what a post-mortem needs.
// Every field is optional and lenient; unknown keys are ignored; enums are open (see `OpenEnum`).

/// `StatusType`: build, batch, group and phase statuses.
public enum StatusType: String, KnownValues {
    case succeeded = "SUCCEEDED", failed = "FAILED", fault = "FAULT", timedOut = "TIMED_OUT"
    case inProgress = "IN_PROGRESS", stopped = "STOPPED"
}

/// `BuildPhaseType`: the phases of one build.
public enum BuildPhaseType: String, KnownValues {
    case submitted = "SUBMITTED", queued = "QUEUED", provisioning = "PROVISIONING"
    case downloadSource = "DOWNLOAD_SOURCE", install = "INSTALL", preBuild = "PRE_BUILD", build = "BUILD"
    case postBuild = "POST_BUILD", uploadArtifacts = "UPLOAD_ARTIFACTS", finalizing = "FINALIZING"
    case completed = "COMPLETED"

    /// Phases that run before any of the user's buildspec commands.
    public var isBeforeUserCode: Bool {
        switch self {
        case .submitted, .queued, .provisioning, .downloadSource: true
        default: false
        }
    }
}

/// `BuildBatchPhaseType`: the phases of a batch build.
public enum BuildBatchPhaseType: String, KnownValues {
    case submitted = "SUBMITTED", downloadBatchspec = "DOWNLOAD_BATCHSPEC", inProgress = "IN_PROGRESS"
    case combineArtifacts = "COMBINE_ARTIFACTS", succeeded = "SUCCEEDED", failed = "FAILED", stopped = "STOPPED"
}

/// `ArtifactsType`.
public enum ArtifactsType: String, KnownValues {
    case codePipeline = "CODEPIPELINE", s3 = "S3", noArtifacts = "NO_ARTIFACTS"
}

/// `ReportStatusType`.
public enum ReportStatusType: String, KnownValues {
    case generating = "GENERATING", succeeded = "SUCCEEDED", failed = "FAILED", incomplete = "INCOMPLETE"
    case deleting = "DELETING"
}

/// The documented values of `TestCase.status` (a free string in the model).
public enum TestCaseStatus: String, KnownValues {
    case succeeded = "SUCCEEDED", failed = "FAILED", error = "ERROR", skipped = "SKIPPED", unknown = "UNKNOWN"
}

/// `PhaseContext`: why a phase ended as it did (`statusCode` is free text, often `""`).
public struct PhaseContext: Codable, Hashable, Sendable {
    @Lenient public var statusCode: String?
    @Lenient public var message: String?

    public init(statusCode: String? = nil, message: String? = nil) {
        self.statusCode = statusCode
        self.message = message
    }
}

/// `BuildPhase` / `BuildBatchPhase`, generic over the phase-type enumeration.
public struct Phase<Kind: KnownValues>: Codable, Hashable, Sendable {
    @Lenient public var phaseType: OpenEnum<Kind>?
    @Lenient public var phaseStatus: OpenEnum<StatusType>?
    @Lenient public var startTime: Timestamp?
    @Lenient public var endTime: Timestamp?
    @Lenient public var durationInSeconds: Int64?
    @LenientList public var contexts: [PhaseContext]?

    /// The contexts that say something (real outputs carry `{"statusCode": "", "message": ""}` on success).
    public var meaningfulContexts: [PhaseContext] {
        (contexts ?? []).filter { !($0.statusCode ?? "").isEmpty || !($0.message ?? "").isEmpty }
    }
}

public typealias BuildPhase = Phase<BuildPhaseType>
public typealias BuildBatchPhase = Phase<BuildBatchPhaseType>

/// `ResolvedArtifact`.
public struct ResolvedArtifact: Codable, Hashable, Sendable {
    @Lenient public var type: OpenEnum<ArtifactsType>?
    @Lenient public var location: String?
    @Lenient public var identifier: String?
}

/// `BuildSummary`: one attempt of a build group.
public struct BuildSummary: Codable, Hashable, Sendable {
    /// Documented as the batch ARN; every real output holds the *build* ARN.
    @Lenient public var arn: String?
    @Lenient public var requestedOn: Timestamp?
    /// Documented as `StatusType`; `PENDING` is seen for groups not started yet.
    @Lenient public var buildStatus: OpenEnum<StatusType>?
    @Lenient public var primaryArtifact: ResolvedArtifact?
    @LenientList public var secondaryArtifacts: [ResolvedArtifact]?
}

/// `BuildGroup`: one entry of a batch's build graph.
public struct BuildGroup: Codable, Hashable, Sendable {
    @Lenient public var identifier: String?
    /// Absent on the synthetic `DOWNLOAD_SOURCE` group, `[]` on roots.
    @Lenient public var dependsOn: [String]?
    @Lenient public var ignoreFailure: Bool?
    @Lenient public var currentBuildSummary: BuildSummary?
    @LenientList public var priorBuildSummaryList: [BuildSummary]?
}

/// `ProjectBuildBatchConfig`, as far as timeouts go.
public struct BuildBatchConfig: Codable, Hashable, Sendable {
    @Lenient public var timeoutInMins: Int?
    @Lenient public var serviceRole: String?
}

/// `BuildBatch`: a batch build (retry/start/stop-build-batch, batch-get-build-batches).
public struct BuildBatch: Codable, Hashable, Sendable {
    @Lenient public var id: String?
    @Lenient public var arn: String?
    @Lenient public var startTime: Timestamp?
    @Lenient public var endTime: Timestamp?
    /// A plain string in the model (values from `BuildBatchPhaseType` in practice).
    @Lenient public var currentPhase: String?
    @Lenient public var buildBatchStatus: OpenEnum<StatusType>?
    @Lenient public var sourceVersion: String?
    @Lenient public var resolvedSourceVersion: String?
    @Lenient public var projectName: String?
    @LenientList public var phases: [BuildBatchPhase]?
    @Lenient public var buildTimeoutInMinutes: Int?
    @Lenient public var complete: Bool?
    @Lenient public var initiator: String?
    @Lenient public var buildBatchNumber: Int64?
    @Lenient public var buildBatchConfig: BuildBatchConfig?
    @LenientList public var buildGroups: [BuildGroup]?
    @Lenient public var reportArns: [String]?
}

/// `LogsLocation`.
public struct LogsLocation: Codable, Hashable, Sendable {
    @Lenient public var groupName: String?
    @Lenient public var streamName: String?
    @Lenient public var deepLink: String?
}

/// `ProjectEnvironment`, as far as a diagnosis goes.
public struct BuildEnvironment: Codable, Hashable, Sendable {
    @Lenient public var type: String?
    @Lenient public var image: String?
    @Lenient public var computeType: String?
}

/// `AutoRetryConfig`.
public struct AutoRetryConfig: Codable, Hashable, Sendable {
    @Lenient public var autoRetryLimit: Int?
    @Lenient public var autoRetryNumber: Int?
    @Lenient public var nextAutoRetry: String?
    @Lenient public var previousAutoRetry: String?
}

/// `Build`: one build (batch-get-builds, retry-build, start-build).
public struct Build: Codable, Hashable, Sendable {
    @Lenient public var id: String?
    @Lenient public var arn: String?
    @Lenient public var buildNumber: Int64?
    @Lenient public var startTime: Timestamp?
    @Lenient public var endTime: Timestamp?
    @Lenient public var currentPhase: String?
    @Lenient public var buildStatus: OpenEnum<StatusType>?
    @Lenient public var sourceVersion: String?
    @Lenient public var resolvedSourceVersion: String?
    @Lenient public var projectName: String?
    @LenientList public var phases: [BuildPhase]?
    @Lenient public var logs: LogsLocation?
    @Lenient public var environment: BuildEnvironment?
    @Lenient public var serviceRole: String?
    @Lenient public var timeoutInMinutes: Int?
    @Lenient public var queuedTimeoutInMinutes: Int?
    @Lenient public var buildComplete: Bool?
    @Lenient public var initiator: String?
    @Lenient public var reportArns: [String]?
    @Lenient public var buildBatchArn: String?
    @Lenient public var autoRetryConfig: AutoRetryConfig?
}

/// `TestCase` (describe-test-cases).
public struct CodeBuildTestCase: Codable, Hashable, Sendable {
    @Lenient public var reportArn: String?
    @Lenient public var testRawDataPath: String?
    @Lenient public var prefix: String?
    @Lenient public var name: String?
    @Lenient public var status: OpenEnum<TestCaseStatus>?
    @Lenient public var durationInNanoSeconds: Int64?
    @Lenient public var message: String?
    @Lenient public var expired: Timestamp?
    @Lenient public var testSuiteName: String?
}

/// `TestReportSummary`.
public struct TestReportSummary: Codable, Hashable, Sendable {
    @Lenient public var total: Int?
    @Lenient public var statusCounts: [String: Int]?
    @Lenient public var durationInNanoSeconds: Int64?
}

/// `Report` (batch-get-reports).
public struct CodeBuildReport: Codable, Hashable, Sendable {
    @Lenient public var arn: String?
    @Lenient public var type: String?
    @Lenient public var name: String?
    @Lenient public var reportGroupArn: String?
    /// The ARN of the build that produced the report.
    @Lenient public var executionId: String?
    @Lenient public var status: OpenEnum<ReportStatusType>?
    @Lenient public var created: Timestamp?
    @Lenient public var expired: Timestamp?
    @Lenient public var truncated: Bool?
    @Lenient public var testSummary: TestReportSummary?
}
