package import BuildTriageCore

/// Reads an AWS CLI JSON response straight from its bytes into a typed document, deciding the response kind from
/// the top-level members exactly as `Probe` in AWSJSONReader.swift does (same keys, same precedence). It returns nil
/// whenever JSONDecoder must decide instead: invalid or unusual JSON (see `FastJSONCursor`), a response that
/// holds nothing to analyze, or a top-level member of the wrong type. The caller then takes the Codable path,
/// which gives the diagnostic.
package enum AWSResponseFastReader {
    /// The top-level members `Probe` looks at, in its order of precedence.
    private enum Member: Int, CaseIterable {
        case buildBatch, buildBatches, builds, build, testCases, reports, stageStates, pipelineExecution
        case pipelineExecutionSummaries, actionExecutionDetails, pipeline, buildBatchStatus, buildStatus, id
    }

    private static let names = UTF8Names([
        "buildBatch", "buildBatches", "builds", "build", "testCases", "reports", "stageStates", "pipelineExecution",
        "pipelineExecutionSummaries", "actionExecutionDetails", "pipeline", "buildBatchStatus", "buildStatus", "id",
    ])

    package static func read(_ bytes: UnsafeRawBufferPointer) -> Document? {
        var cursor = FastJSONCursor(bytes)
        do {
            return try read(&cursor)
        } catch {
            return nil
        }
    }

    private static func read(_ c: inout FastJSONCursor) throws(FastJSONFallback) -> Document? {
        guard try c.peek() == UInt8(ascii: "{") else { return nil }
        let start = c.position
        // The value of a member that makes the document is read as it is met (the first occurrence only, as
        // JSONDecoder keeps it); which one is used is decided at the end.
        var batch: BuildBatch??
        var batches: [BuildBatch]??
        var builds: [Build]??
        var build: Build??
        var testCases: [CodeBuildTestCase]??
        var reports: [CodeBuildReport]??
        var execution: PipelineExecution??
        var summaries: [PipelineExecutionSummary]??
        var actionDetails: [ActionExecutionDetail]??
        var pipeline: PipelineDeclaration??
        let seen = try c.fields(names) { c, field throws(FastJSONFallback) in
            switch Member(rawValue: field) {
            case .buildBatch: batch = try c.object(BuildBatch.self)
            case .buildBatches: batches = try c.list(BuildBatch.self)
            case .builds: builds = try c.list(Build.self)
            case .build: build = try c.object(Build.self)
            case .testCases: testCases = try c.list(CodeBuildTestCase.self)
            case .reports: reports = try c.list(CodeBuildReport.self)
            case .pipelineExecution: execution = try c.object(PipelineExecution.self)
            case .pipelineExecutionSummaries: summaries = try c.list(PipelineExecutionSummary.self)
            case .actionExecutionDetails: actionDetails = try c.list(ActionExecutionDetail.self)
            case .pipeline: pipeline = try c.object(PipelineDeclaration.self)
            default: try c.skipValue()
            }
        }
        guard c.atEnd() else { return nil }
        func has(_ member: Member) -> Bool { seen & (1 << UInt64(member.rawValue)) != 0 }

        // `Probe`'s order. A member present with a value of the wrong type is an error, which `Probe` words.
        if has(.buildBatch) { return (batch ?? nil).map { .codebuildBatches([$0]) } }
        if has(.buildBatches) { return (batches ?? nil).map { .codebuildBatches($0) } }
        if has(.builds) { return (builds ?? nil).map { .codebuildBuilds($0) } }
        if has(.build) { return (build ?? nil).map { .codebuildBuilds([$0]) } }
        if has(.testCases) { return (testCases ?? nil).map { .codebuildTestCases($0) } }
        if has(.reports) { return (reports ?? nil).map { .codebuildReports($0) } }
        if has(.stageStates) {
            c.rewind(to: start)
            return .codepipelineState(try c.shape(PipelineState.self))
        }
        if has(.pipelineExecution) { return (execution ?? nil).map { .codepipelineExecution($0) } }
        if has(.pipelineExecutionSummaries) { return (summaries ?? nil).map { .codepipelineExecutions($0) } }
        if has(.actionExecutionDetails) { return (actionDetails ?? nil).map { .codepipelineActionExecutions($0) } }
        if has(.pipeline) { return (pipeline ?? nil).map { .codepipelineDefinition($0) } }
        if has(.buildBatchStatus) {
            // A bare batch, as printed with `--query buildBatch` or `--query 'buildBatches[0]'`.
            c.rewind(to: start)
            return .codebuildBatches([try c.shape(BuildBatch.self)])
        }
        if has(.buildStatus), has(.id) {
            // A bare build, as printed with `--query 'builds[0]'`.
            c.rewind(to: start)
            return .codebuildBuilds([try c.shape(Build.self)])
        }
        // `ids`, a lone `pipelineExecutionId`, anything else: nothing to analyze, as `Probe` says.
        return nil
    }
}
