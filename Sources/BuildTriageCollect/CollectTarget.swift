public import BuildTriageCore
import BuildTriageRetry
public import Foundation

/// What to collect, validated: every id is one the API accepts, and no value can be read as an option, a file
/// (`file://`) or a shell word. Nothing is run before a target exists.
public enum CollectTarget: Sendable, Hashable {
    /// A batch build (`project:uuid`).
    case batch(String)
    /// Builds (`project:uuid` each).
    case builds([String])
    /// A pipeline, and the execution to look at (nil: the latest failed one).
    case pipeline(name: String, executionID: String?)
    /// An EventBridge event (kept as given, for the folder) and what it names.
    indirect case event(EventBridgeEvent, raw: Data, names: CollectTarget)

    /// `batch`, `build`, `pipeline` or `event`.
    public var kind: String {
        switch self {
        case .batch: "batch"
        case .builds: "build"
        case .pipeline: "pipeline"
        case .event: "event"
        }
    }

    /// The ids given.
    public var ids: [String] {
        switch self {
        case .batch(let id): [id]
        case .builds(let ids): ids
        case .pipeline(let name, let execution): [name] + (execution.map { [$0] } ?? [])
        case .event(let event, _, let names): (event.id.map { [$0] } ?? []) + names.ids
        }
    }

    /// A batch from its id or ARN.
    public static func batch(_ value: String) -> Result<CollectTarget, CollectInputError> {
        codeBuildID(value, kind: .batch).map(CollectTarget.batch)
    }

    /// Builds from their ids or ARNs (duplicates dropped, order kept).
    public static func builds(_ values: [String]) -> Result<CollectTarget, CollectInputError> {
        guard !values.isEmpty else { return .failure(CollectInputError(["no build id given"])) }
        var ids: [String] = []
        var problems: [String] = []
        for value in values {
            switch codeBuildID(value, kind: .build) {
            case .success(let id): if !ids.contains(id) { ids.append(id) }
            case .failure(let error): problems += error.reasons
            }
        }
        return problems.isEmpty ? .success(.builds(ids)) : .failure(CollectInputError(problems))
    }

    /// A pipeline by name (`[A-Za-z0-9.@\-_]{1,100}`), and optionally an execution id (a lower-case UUID).
    public static func pipeline(_ name: String, executionID: String?) -> Result<CollectTarget, CollectInputError> {
        var problems: [String] = []
        var validName: String?
        switch RetryCommandBuilder.pipelineName(name) {
        case .success(let value): validName = value
        case .failure(let error): problems += error.reasons
        }
        var validExecution: String?
        if let executionID {
            switch RetryCommandBuilder.pipelineExecutionId(executionID) {
            case .success(let value): validExecution = value
            case .failure(let error): problems += error.reasons
            }
        }
        guard let validName, problems.isEmpty else { return .failure(CollectInputError(problems)) }
        return .success(.pipeline(name: validName, executionID: validExecution))
    }

    /// What an EventBridge event names; the event must be one of the five kinds a triage starts from.
    public static func event(_ data: Data) -> Result<CollectTarget, CollectInputError> {
        let event: EventBridgeEvent
        do {
            event = try JSONDecoder().decode(EventBridgeEvent.self, from: data)
        } catch {
            return .failure(CollectInputError(["the event is not a JSON object (an EventBridge event)"]))
        }
        guard let kind = event.kind else {
            let names = EventBridgeEvent.Kind.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            return .failure(
                CollectInputError(["the event's detail-type \(Display.quoted(event.detailType ?? "(none)")) is not one that names a run: \(names)"]))
        }
        let named: Result<CollectTarget, CollectInputError>
        switch kind {
        case .buildStateChange:
            guard let id = event.buildID else { return .failure(CollectInputError(["the build event names no build (detail.build-id)"])) }
            named = builds([id])
        case .buildBatchStateChange:
            guard let id = event.buildBatchID else {
                return .failure(CollectInputError(["the batch event names no batch (detail.build-batch-arn or resources)"]))
            }
            named = batch(id)
        case .pipelineExecutionStateChange, .stageExecutionStateChange, .actionExecutionStateChange:
            guard let name = event.detail?.pipeline else {
                return .failure(CollectInputError(["the pipeline event names no pipeline (detail.pipeline)"]))
            }
            named = pipeline(name, executionID: event.detail?.executionID)
        }
        return named.map { .event(event, raw: data, names: $0) }
    }

    /// `project:id` from an id or ARN: `RetryCommandBuilder.codeBuildId`'s checks, and then the shape of a
    /// CodeBuild id (a project name, `[A-Za-z0-9][A-Za-z0-9_-]{1,149}`, a colon, `[A-Za-z0-9-]{1,128}`).
    static func codeBuildID(_ value: String, kind: Target.Kind) -> Result<String, CollectInputError> {
        let noun = kind == .batch ? "batch id" : "build id"
        switch RetryCommandBuilder.codeBuildId(value, for: kind) {
        case .failure(let error): return .failure(CollectInputError(error.reasons))
        case .success(let id):
            let parts = id.split(separator: ":", omittingEmptySubsequences: false)
            let projectOK =
                parts.count == 2 && (2...150).contains(parts[0].count)
                && parts[0].unicodeScalars.first.map(isAlnum) == true
                && parts[0].unicodeScalars.allSatisfy { isAlnum($0) || $0 == "-" || $0 == "_" }
            let idOK =
                parts.count == 2 && (1...128).contains(parts[1].count) && parts[1].unicodeScalars.allSatisfy { isAlnum($0) || $0 == "-" }
            guard projectOK, idOK else {
                return .failure(
                    CollectInputError([
                        "\(noun) \(Display.quoted(value)) is not a CodeBuild \(noun) (PROJECT:ID, or its ARN "
                            + "arn:aws:codebuild:REGION:ACCOUNT:\(kind == .batch ? "build-batch" : "build")/PROJECT:ID)"
                    ]))
            }
            return .success(id)
        }
    }

    private static func isAlnum(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}

/// Why a target was refused (before any call).
public struct CollectInputError: Error, Hashable, Sendable, CustomStringConvertible {
    public var reasons: [String]

    public init(_ reasons: [String]) {
        self.reasons = reasons
    }

    public var description: String { reasons.joined(separator: "; ") }
}

