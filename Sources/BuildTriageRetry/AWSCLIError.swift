import BuildTriageCore

/// A failure reported by the aws CLI on stderr, classified.
///
/// CLI v1 exit codes: 0 ok, 2 usage (argparse), 255 for both client-side parameter validation and service
/// errors (CLI_BEHAVIOUR.md §4). A service error reads
/// `An error occurred (CODE) when calling the OPERATION operation[ (reached max retries: N)]: MESSAGE`.
public struct AWSCLIError: Hashable, Sendable, CustomStringConvertible {
    /// Where the failure happened.
    public enum Kind: String, Hashable, Sendable {
        /// The service answered with an error (`code` is its `__type`, or an HTTP status).
        case service
        /// The CLI refused the parameters before sending anything ("Parameter validation failed", "Error
        /// parsing parameter", "Unknown parameter in input").
        case parameterValidation
        /// The CLI could not parse its command line (rc 2, `aws: error: ...`, `Unknown options`).
        case usage
        /// The endpoint could not be reached.
        case connection
        /// Credentials, profile or region could not be resolved.
        case configuration
        /// The time limit was reached and the CLI was killed.
        case timeout
        /// The CLI could not be started.
        case launchFailed
        /// Anything else (the last stderr line is the message).
        case other
    }

    /// The kind of failure.
    public var kind: Kind
    /// The service error code, such as `StageNotRetryableException` (service errors only).
    public var code: String?
    /// The operation named in the error, such as `RetryStageExecution`.
    public var operation: String?
    /// The message as the CLI printed it (lines joined with "; ").
    public var message: String
    /// What the error means, from the service model's documentation (SHAPES.md §4), when known.
    public var meaning: String?
    /// True when the same request may succeed later unchanged (busy pipeline, throttling, limits).
    public var isTransient: Bool
    /// `N` of "(reached max retries: N)": the CLI already retried N times.
    public var maxRetriesReached: Int?

    /// A classified error.
    public init(
        kind: Kind, code: String? = nil, operation: String? = nil, message: String, meaning: String? = nil,
        isTransient: Bool = false, maxRetriesReached: Int? = nil
    ) {
        self.kind = kind
        self.code = code
        self.operation = operation
        self.message = message
        self.meaning = meaning
        self.isTransient = isTransient
        self.maxRetriesReached = maxRetriesReached
    }

    /// One line: `CODE: message (meaning)`.
    public var description: String {
        var text = code.map { "\($0): \(message)" } ?? message
        if let meaning { text += " (\(meaning))" }
        return text
    }

    /// The documented meaning of the errors the retry operations return, and whether each is transient.
    public static let meanings: [String: (meaning: String, transient: Bool)] = [
        "StageNotRetryableException": (
            "Unable to retry. The pipeline structure or stage state might have changed while actions awaited retry, "
                + "or the stage contains no failed actions.", false
        ),
        "NotLatestPipelineExecutionException": (
            "The stage has failed in a later run of the pipeline and the pipelineExecutionId associated with the "
                + "request is out of date.", false
        ),
        "ConflictException": (
            "Your request cannot be handled because the pipeline is busy handling ongoing activities. Try again later.",
            true
        ),
        "InvalidInputException": (
            "The input value that was provided is not valid (for a retry, e.g. the build or batch is not in a "
                + "failed state; the message says why).", false
        ),
        "ResourceNotFoundException": ("The specified Amazon Web Services resource cannot be found.", false),
        "ValidationException": ("The validation was specified in an invalid format.", false),
        "PipelineNotFoundException": ("The pipeline was specified in an invalid format or cannot be found.", false),
        "StageNotFoundException": ("The stage was specified in an invalid format or cannot be found.", false),
        "ConcurrentPipelineExecutionsLimitExceededException": (
            "The pipeline has reached the limit for concurrent pipeline executions.", true
        ),
        "AccountLimitExceededException": (
            "An Amazon Web Services service limit was exceeded for the calling Amazon Web Services account.", false
        ),
        "ThrottlingException": ("The request was throttled (too many requests). Try again later, with backoff.", true),
        "TooManyRequestsException": ("The request was throttled (too many requests). Try again later, with backoff.", true),
        "LimitExceededException": ("A request rate or resource limit was exceeded. Try again later, with backoff.", true),
        "ServiceUnavailableException": ("The service is unavailable for now. Try again later.", true),
        "AccessDeniedException": ("The caller's role may not call this operation on this resource (IAM policy).", false),
        "InvalidNextTokenException": ("The pagination token is not valid (expired or from another request).", false),
        "PipelineExecutionNotFoundException": ("The pipeline execution was specified in an invalid format or cannot be found.", false),
    ]

    /// The documented meaning of a service error code, or nil for an unknown code.
    public static func meaning(ofCode code: String) -> String? { meanings[code]?.meaning }

    /// The error that `stderr` and `exitStatus` describe, or nil for exit status 0.
    public static func parse(stderr: String, exitStatus: Int32) -> AWSCLIError? {
        guard exitStatus != 0 else { return nil }
        if let service = parseServiceError(stderr) { return service }
        let lines = stderr.split(whereSeparator: \.isNewline).map { String($0.trimmedWhitespace) }.filter { !$0.isEmpty }
        if let index = lines.firstIndex(where: { $0.hasPrefix("Parameter validation failed") }) {
            let detail = lines[(index + 1)...].joined(separator: "; ")
            return AWSCLIError(
                kind: .parameterValidation, message: detail.isEmpty ? lines[index] : detail,
                meaning: "the aws CLI rejected the parameters; nothing was sent")
        }
        if let line = lines.first(where: { $0.hasPrefix("Error parsing parameter") || $0.hasPrefix("Unknown parameter in input") }) {
            return AWSCLIError(kind: .parameterValidation, message: line, meaning: "the aws CLI rejected the parameters; nothing was sent")
        }
        if let line = lines.last(where: { $0.hasPrefix("aws: error:") }) {
            return AWSCLIError(
                kind: .usage, message: String(line.dropFirst("aws: error:".count).trimmedWhitespace),
                meaning: "the aws CLI could not parse its command line; nothing was sent")
        }
        if let line = lines.first(where: { $0.hasPrefix("Unknown options:") }) {
            return AWSCLIError(kind: .usage, message: line, meaning: "the aws CLI could not parse its command line; nothing was sent")
        }
        if let line = lines.first(where: { $0.contains("Could not connect to the endpoint URL") }) {
            return AWSCLIError(kind: .connection, message: line, meaning: "the endpoint could not be reached", isTransient: true)
        }
        if let line = lines.first(where: {
            $0.contains("Unable to locate credentials") || $0.contains("could not be found") || $0.contains("You must specify a region")
        }) {
            return AWSCLIError(kind: .configuration, message: line, meaning: "credentials, profile or region are missing")
        }
        if exitStatus == 2 {
            return AWSCLIError(kind: .usage, message: lines.last ?? "usage error", meaning: "the aws CLI could not parse its command line; nothing was sent")
        }
        return AWSCLIError(kind: .other, message: lines.last ?? "exit status \(exitStatus), nothing on stderr")
    }

    /// `An error occurred (CODE) when calling the OP operation[ (reached max retries: N)]: MESSAGE`.
    static func parseServiceError(_ stderr: String) -> AWSCLIError? {
        let marker = "An error occurred ("
        guard let start = stderr.range(of: marker) else { return nil }
        var rest = stderr[start.upperBound...]
        guard let close = rest.firstIndex(of: ")") else { return nil }
        let code = String(rest[..<close])
        rest = rest[rest.index(after: close)...]
        var operation: String?
        let calling = " when calling the "
        if rest.hasPrefix(calling), let end = rest.range(of: " operation") {
            operation = String(rest[rest.index(rest.startIndex, offsetBy: calling.count)..<end.lowerBound])
            rest = rest[end.upperBound...]
        }
        var retries: Int?
        let reached = " (reached max retries: "
        if rest.hasPrefix(reached), let end = rest.firstIndex(of: ")") {
            retries = Int(rest[rest.index(rest.startIndex, offsetBy: reached.count)..<end])
            rest = rest[rest.index(after: end)...]
        }
        if rest.hasPrefix(":") { rest = rest.dropFirst() }
        let message = rest.split(whereSeparator: \.isNewline).map { String($0.trimmedWhitespace) }.filter { !$0.isEmpty }
            .joined(separator: "; ")
        let known = meanings[code]
        return AWSCLIError(
            kind: .service, code: code, operation: operation, message: message, meaning: known?.meaning,
            isTransient: known?.transient ?? code.hasPrefix("5"), maxRetriesReached: retries)
    }
}
