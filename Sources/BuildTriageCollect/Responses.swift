import BuildTriageCore

// The members of the responses that `collect` follows. Everything is lenient: a response the CLI printed is
// saved as it is, and only what names the next calls is read from it.

struct BuildBatchesResponse: Decodable {
    @LenientList var buildBatches: [BuildBatch]?
    @Lenient var buildBatchesNotFound: [String]?
}

struct BuildsResponse: Decodable {
    @LenientList var builds: [Build]?
    @Lenient var buildsNotFound: [String]?
}

struct ReportsResponse: Decodable {
    @LenientList var reports: [CodeBuildReport]?
    @Lenient var reportsNotFound: [String]?
}

/// `describe-test-cases`, `list-pipeline-executions`, `list-action-executions`, `filter-log-events`.
struct PagedResponse: Decodable {
    @Lenient var nextToken: String?
}

struct ExecutionSummariesResponse: Decodable {
    @LenientList var pipelineExecutionSummaries: [PipelineExecutionSummary]?
}

struct ActionExecutionsResponse: Decodable {
    @LenientList var actionExecutionDetails: [ActionExecutionDetail]?
}

struct PipelineExecutionResponse: Decodable {
    @Lenient var pipelineExecution: PipelineExecution?
}

struct LogEvent: Codable, Sendable {
    @Lenient var message: String?
}

struct LogEventsResponse: Decodable {
    @LenientList var events: [LogEvent]?
    @Lenient var nextForwardToken: String?
    @Lenient var nextToken: String?
}
