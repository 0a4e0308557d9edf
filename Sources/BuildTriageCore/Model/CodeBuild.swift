// CodeBuild response shapes (botocore 1.43.11 `codebuild/2016-10-06`), reduced to what a post-mortem needs.
// Each shape is declared once, its stored properties and its member table (see `AWSShape`): every member is
// optional and read leniently; unknown keys are ignored; enums are open (see `OpenEnum`).

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
public struct PhaseContext: AWSShape {
    public var statusCode: String?
    public var message: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("statusCode", \.statusCode),
        .string("message", \.message),
    ]
}

/// `BuildPhase` / `BuildBatchPhase`, generic over the phase-type enumeration.
public struct Phase<Kind: KnownValues>: AWSShape {
    public var phaseType: OpenEnum<Kind>?
    public var phaseStatus: OpenEnum<StatusType>?
    public var startTime: Timestamp?
    public var endTime: Timestamp?
    public var durationInSeconds: Int64?
    public var contexts: [PhaseContext]?

    public init() {}

    public static var members: ShapeMembers<Self> { makeMembers() }

    /// One table for every `Kind`, made once for each of the two kinds the model has (a generic type has no stored
    /// static properties).
    public static var table: ShapeTable {
        if Kind.self == BuildPhaseType.self { return buildPhaseMembers.table }
        if Kind.self == BuildBatchPhaseType.self { return buildBatchPhaseMembers.table }
        return makeMembers().table
    }

    fileprivate static func makeMembers() -> ShapeMembers<Self> {
        [
            .openEnum("phaseType", \.phaseType),
            .openEnum("phaseStatus", \.phaseStatus),
            .timestamp("startTime", \.startTime),
            .timestamp("endTime", \.endTime),
            .int64("durationInSeconds", \.durationInSeconds),
            .list("contexts", \.contexts),
        ]
    }

    /// The contexts that say something (real outputs carry `{"statusCode": "", "message": ""}` on success).
    public var meaningfulContexts: [PhaseContext] {
        (contexts ?? []).filter { !($0.statusCode ?? "").isEmpty || !($0.message ?? "").isEmpty }
    }
}

public typealias BuildPhase = Phase<BuildPhaseType>
public typealias BuildBatchPhase = Phase<BuildBatchPhaseType>

private let buildPhaseMembers = BuildPhase.makeMembers()
private let buildBatchPhaseMembers = BuildBatchPhase.makeMembers()

/// `ResolvedArtifact`.
public struct ResolvedArtifact: AWSShape {
    public var type: OpenEnum<ArtifactsType>?
    public var location: String?
    public var identifier: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .openEnum("type", \.type),
        .string("location", \.location),
        .string("identifier", \.identifier),
    ]
}

/// `BuildSummary`: one attempt of a build group.
public struct BuildSummary: AWSShape {
    /// Documented as the batch ARN; every real output holds the *build* ARN.
    public var arn: String?
    public var requestedOn: Timestamp?
    /// Documented as `StatusType`; `PENDING` is seen for groups not started yet.
    public var buildStatus: OpenEnum<StatusType>?
    public var primaryArtifact: ResolvedArtifact?
    public var secondaryArtifacts: [ResolvedArtifact]?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("arn", \.arn),
        .timestamp("requestedOn", \.requestedOn),
        .openEnum("buildStatus", \.buildStatus),
        .object("primaryArtifact", \.primaryArtifact),
        .list("secondaryArtifacts", \.secondaryArtifacts),
    ]
}

/// `BuildGroup`: one entry of a batch's build graph.
public struct BuildGroup: AWSShape {
    public var identifier: String?
    /// Absent on the synthetic `DOWNLOAD_SOURCE` group, `[]` on roots.
    public var dependsOn: [String]?
    public var ignoreFailure: Bool?
    public var currentBuildSummary: BuildSummary?
    public var priorBuildSummaryList: [BuildSummary]?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("identifier", \.identifier),
        .strings("dependsOn", \.dependsOn),
        .bool("ignoreFailure", \.ignoreFailure),
        .object("currentBuildSummary", \.currentBuildSummary),
        .list("priorBuildSummaryList", \.priorBuildSummaryList),
    ]
}

/// `ProjectBuildBatchConfig`, as far as timeouts go.
public struct BuildBatchConfig: AWSShape {
    public var timeoutInMins: Int?
    public var serviceRole: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .int("timeoutInMins", \.timeoutInMins),
        .string("serviceRole", \.serviceRole),
    ]
}

/// `BuildBatch`: a batch build (retry/start/stop-build-batch, batch-get-build-batches).
public struct BuildBatch: AWSShape {
    public var id: String?
    public var arn: String?
    public var startTime: Timestamp?
    public var endTime: Timestamp?
    /// A plain string in the model (values from `BuildBatchPhaseType` in practice).
    public var currentPhase: String?
    public var buildBatchStatus: OpenEnum<StatusType>?
    public var sourceVersion: String?
    public var resolvedSourceVersion: String?
    public var projectName: String?
    public var phases: [BuildBatchPhase]?
    public var buildTimeoutInMinutes: Int?
    public var complete: Bool?
    public var initiator: String?
    public var buildBatchNumber: Int64?
    public var buildBatchConfig: BuildBatchConfig?
    public var buildGroups: [BuildGroup]?
    public var reportArns: [String]?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("id", \.id),
        .string("arn", \.arn),
        .timestamp("startTime", \.startTime),
        .timestamp("endTime", \.endTime),
        .string("currentPhase", \.currentPhase),
        .openEnum("buildBatchStatus", \.buildBatchStatus),
        .string("sourceVersion", \.sourceVersion),
        .string("resolvedSourceVersion", \.resolvedSourceVersion),
        .string("projectName", \.projectName),
        .list("phases", \.phases),
        .int("buildTimeoutInMinutes", \.buildTimeoutInMinutes),
        .bool("complete", \.complete),
        .string("initiator", \.initiator),
        .int64("buildBatchNumber", \.buildBatchNumber),
        .object("buildBatchConfig", \.buildBatchConfig),
        .list("buildGroups", \.buildGroups),
        .strings("reportArns", \.reportArns),
    ]
}

/// `LogsLocation`.
public struct LogsLocation: AWSShape {
    public var groupName: String?
    public var streamName: String?
    public var deepLink: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("groupName", \.groupName),
        .string("streamName", \.streamName),
        .string("deepLink", \.deepLink),
    ]
}

/// `ProjectEnvironment`, as far as a diagnosis goes.
public struct BuildEnvironment: AWSShape {
    public var type: String?
    public var image: String?
    public var computeType: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("type", \.type),
        .string("image", \.image),
        .string("computeType", \.computeType),
    ]
}

/// `AutoRetryConfig`.
public struct AutoRetryConfig: AWSShape {
    public var autoRetryLimit: Int?
    public var autoRetryNumber: Int?
    public var nextAutoRetry: String?
    public var previousAutoRetry: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .int("autoRetryLimit", \.autoRetryLimit),
        .int("autoRetryNumber", \.autoRetryNumber),
        .string("nextAutoRetry", \.nextAutoRetry),
        .string("previousAutoRetry", \.previousAutoRetry),
    ]
}

/// `Build`: one build (batch-get-builds, retry-build, start-build).
public struct Build: AWSShape {
    public var id: String?
    public var arn: String?
    public var buildNumber: Int64?
    public var startTime: Timestamp?
    public var endTime: Timestamp?
    public var currentPhase: String?
    public var buildStatus: OpenEnum<StatusType>?
    public var sourceVersion: String?
    public var resolvedSourceVersion: String?
    public var projectName: String?
    public var phases: [BuildPhase]?
    public var logs: LogsLocation?
    public var environment: BuildEnvironment?
    public var serviceRole: String?
    public var timeoutInMinutes: Int?
    public var queuedTimeoutInMinutes: Int?
    public var buildComplete: Bool?
    public var initiator: String?
    public var reportArns: [String]?
    public var buildBatchArn: String?
    public var autoRetryConfig: AutoRetryConfig?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("id", \.id),
        .string("arn", \.arn),
        .int64("buildNumber", \.buildNumber),
        .timestamp("startTime", \.startTime),
        .timestamp("endTime", \.endTime),
        .string("currentPhase", \.currentPhase),
        .openEnum("buildStatus", \.buildStatus),
        .string("sourceVersion", \.sourceVersion),
        .string("resolvedSourceVersion", \.resolvedSourceVersion),
        .string("projectName", \.projectName),
        .list("phases", \.phases),
        .object("logs", \.logs),
        .object("environment", \.environment),
        .string("serviceRole", \.serviceRole),
        .int("timeoutInMinutes", \.timeoutInMinutes),
        .int("queuedTimeoutInMinutes", \.queuedTimeoutInMinutes),
        .bool("buildComplete", \.buildComplete),
        .string("initiator", \.initiator),
        .strings("reportArns", \.reportArns),
        .string("buildBatchArn", \.buildBatchArn),
        .object("autoRetryConfig", \.autoRetryConfig),
    ]
}

/// `TestCase` (describe-test-cases).
public struct CodeBuildTestCase: AWSShape {
    public var reportArn: String?
    public var testRawDataPath: String?
    public var prefix: String?
    public var name: String?
    public var status: OpenEnum<TestCaseStatus>?
    public var durationInNanoSeconds: Int64?
    public var message: String?
    public var expired: Timestamp?
    public var testSuiteName: String?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("reportArn", \.reportArn),
        .string("testRawDataPath", \.testRawDataPath),
        .string("prefix", \.prefix),
        .string("name", \.name),
        .openEnum("status", \.status),
        .int64("durationInNanoSeconds", \.durationInNanoSeconds),
        .string("message", \.message),
        .timestamp("expired", \.expired),
        .string("testSuiteName", \.testSuiteName),
    ]
}

/// `TestReportSummary`.
public struct TestReportSummary: AWSShape {
    public var total: Int?
    public var statusCounts: [String: Int]?
    public var durationInNanoSeconds: Int64?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .int("total", \.total),
        .intMap("statusCounts", \.statusCounts),
        .int64("durationInNanoSeconds", \.durationInNanoSeconds),
    ]
}

/// `Report` (batch-get-reports).
public struct CodeBuildReport: AWSShape {
    public var arn: String?
    public var type: String?
    public var name: String?
    public var reportGroupArn: String?
    /// The ARN of the build that produced the report.
    public var executionId: String?
    public var status: OpenEnum<ReportStatusType>?
    public var created: Timestamp?
    public var expired: Timestamp?
    public var truncated: Bool?
    public var testSummary: TestReportSummary?

    public init() {}

    public static let members: ShapeMembers<Self> = [
        .string("arn", \.arn),
        .string("type", \.type),
        .string("name", \.name),
        .string("reportGroupArn", \.reportGroupArn),
        .string("executionId", \.executionId),
        .openEnum("status", \.status),
        .timestamp("created", \.created),
        .timestamp("expired", \.expired),
        .bool("truncated", \.truncated),
        .object("testSummary", \.testSummary),
    ]
}
