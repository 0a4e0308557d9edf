/// How a retry command should be built: the retry type / mode and the `aws` global options.
///
/// The defaults follow Docs/decisions.md ("Retry commands"): retry only the failed builds of a batch and only the
/// failed actions of a stage; the `ALL` variants are used only when asked for.
public struct RetryOptions: Hashable, Sendable {
    /// `--retry-type` of `retry-build-batch` (CodeBuild `RetryBuildBatchType`).
    public enum BatchRetryType: String, Hashable, Sendable, CaseIterable {
        /// Rebuild only the builds of the batch that failed (the default).
        case failedBuilds = "RETRY_FAILED_BUILDS"
        /// Rebuild every build of the batch.
        case allBuilds = "RETRY_ALL_BUILDS"
    }

    /// `--retry-mode` of `retry-stage-execution` (CodePipeline `StageRetryMode`).
    public enum StageRetryMode: String, Hashable, Sendable, CaseIterable {
        /// Run the failed actions again; actions still in progress keep running (the default).
        case failedActions = "FAILED_ACTIONS"
        /// Run the whole stage again from its first action; impossible while an action is in progress.
        case allActions = "ALL_ACTIONS"
    }

    /// What `retry-build-batch` retries.
    public var batchRetryType: BatchRetryType
    /// What `retry-stage-execution` retries.
    public var stageRetryMode: StageRetryMode
    /// `--region`, when set (validated as an AWS region name such as `us-east-1`).
    public var region: String?
    /// `--profile`, when set (`[A-Za-z0-9._-]{1,64}`).
    public var profile: String?
    /// `--idempotency-token` for the CodeBuild retries (`[A-Za-z0-9._-]{1,64}`). An empty token is never sent;
    /// `RetryStageExecution` has no token, so it is ignored there (with a note on the command).
    public var idempotencyToken: String?
    /// `--endpoint-url`, for tests and `--aws-endpoint` only (`http://` or `https://`).
    public var endpointURL: String?

    /// Options with the conservative defaults: `RETRY_FAILED_BUILDS`, `FAILED_ACTIONS`, no global options.
    public init(
        batchRetryType: BatchRetryType = .failedBuilds, stageRetryMode: StageRetryMode = .failedActions,
        region: String? = nil, profile: String? = nil, idempotencyToken: String? = nil, endpointURL: String? = nil
    ) {
        self.batchRetryType = batchRetryType
        self.stageRetryMode = stageRetryMode
        self.region = region
        self.profile = profile
        self.idempotencyToken = idempotencyToken
        self.endpointURL = endpointURL
    }
}
