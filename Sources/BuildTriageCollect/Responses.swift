import BuildTriageCore

// The members of the responses that `collect` follows. Everything is lenient: a response the CLI printed is
// saved as it is, and only what names the next calls is read from it.

/// A CodeBuild `batch-get-*` response: what was found, and the ids it lists as not found.
protocol BatchGetResponse: Decodable {
    associatedtype Item
    /// `batch-get-builds`...
    static var command: String { get }
    /// The option that takes the ids.
    static var idsOption: String { get }
    /// `build`, `batch build`, `report`.
    static var noun: String { get }
    var items: [Item] { get }
    var notFound: [String] { get }
}

struct BuildBatchesResponse: BatchGetResponse {
    @LenientList var buildBatches: [BuildBatch]?
    @Lenient var buildBatchesNotFound: [String]?
    static let command = "batch-get-build-batches", idsOption = "--ids", noun = "batch build"
    var items: [BuildBatch] { buildBatches ?? [] }
    var notFound: [String] { buildBatchesNotFound ?? [] }
}

struct BuildsResponse: BatchGetResponse {
    @LenientList var builds: [Build]?
    @Lenient var buildsNotFound: [String]?
    static let command = "batch-get-builds", idsOption = "--ids", noun = "build"
    var items: [Build] { builds ?? [] }
    var notFound: [String] { buildsNotFound ?? [] }
}

struct ReportsResponse: BatchGetResponse {
    @LenientList var reports: [CodeBuildReport]?
    @Lenient var reportsNotFound: [String]?
    static let command = "batch-get-reports", idsOption = "--report-arns", noun = "report"
    var items: [CodeBuildReport] { reports ?? [] }
    var notFound: [String] { reportsNotFound ?? [] }
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
