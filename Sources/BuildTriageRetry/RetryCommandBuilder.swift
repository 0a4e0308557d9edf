public import BuildTriageCore

/// Builds the retry command for a target, after validating every value against the API's constraints
/// (SHAPES.md §3, applied to the whole value). The aws CLI v1 checks no pattern, maximum length or enum
/// itself (CLI_BEHAVIOUR.md §3), so nothing invalid may leave this type.
///
/// - batch: `aws codebuild retry-build-batch --id ID --retry-type RETRY_FAILED_BUILDS [--idempotency-token T]`
/// - build: `aws codebuild retry-build --id ID [--idempotency-token T]`
/// - stage: `aws codepipeline retry-stage-execution --pipeline-name P --stage-name S --pipeline-execution-id E
///   --retry-mode FAILED_ACTIONS`
/// - job: no command (`RetryValidationError.Kind.noAWSTarget`).
///
/// Global options (`--region R --profile P --endpoint-url U`) are appended at the end.
public enum RetryCommandBuilder {
    /// Longest CodeBuild build or batch id accepted (the model has no maximum; real ids are under 200).
    public static let maxCodeBuildIdLength = 1024

    /// The command for `target`, or every reason why there can be none.
    public static func command(for target: Target, options: RetryOptions = RetryOptions()) -> Result<
        RetryCommand, RetryValidationError
    > {
        var problems: [String] = []
        var notes: [String] = []
        let globals = globalArguments(options, problems: &problems)
        let token = validatedToken(options.idempotencyToken, problems: &problems)

        switch target.kind {
        case .job:
            return .failure(RetryValidationError(.noAWSTarget, reasons: ["no AWS target: rerun the CI job"]))

        case .batch, .build:
            let id: String?
            switch codeBuildId(target.id, for: target.kind) {
            case .success(let value): id = value
            case .failure(let error):
                id = nil
                problems += error.reasons
            }
            guard let id, problems.isEmpty else { return .failure(RetryValidationError(.invalidValue, reasons: problems)) }
            var arguments = option("--id", id)
            var json = ["id": id]
            let operation: RetryOperation
            if target.kind == .batch {
                operation = .retryBuildBatch
                arguments += option("--retry-type", options.batchRetryType.rawValue)
                json["retryType"] = options.batchRetryType.rawValue
            } else {
                operation = .retryBuild
            }
            if let token {
                arguments += option("--idempotency-token", token)
                json["idempotencyToken"] = token
            }
            return .success(
                RetryCommand(
                    target: target, operation: operation, resourceId: id, operationArguments: arguments,
                    globalArguments: globals, cliInputJson: json, notes: notes))

        case .stage:
            let pipeline = validatedName(target.pipelineName, what: "pipeline name", problems: &problems)
            let stage = validatedName(target.stageName, what: "stage name", problems: &problems)
            let execution = validatedExecutionId(target.pipelineExecutionId, problems: &problems)
            guard let pipeline, let stage, let execution, problems.isEmpty else {
                return .failure(RetryValidationError(.invalidValue, reasons: problems))
            }
            if token != nil {
                notes.append("idempotency token ignored: RetryStageExecution takes none")
            }
            let mode = options.stageRetryMode.rawValue
            let arguments =
                option("--pipeline-name", pipeline) + option("--stage-name", stage)
                + option("--pipeline-execution-id", execution) + option("--retry-mode", mode)
            let json = ["pipelineName": pipeline, "stageName": stage, "pipelineExecutionId": execution, "retryMode": mode]
            return .success(
                RetryCommand(
                    target: target, operation: .retryStageExecution, resourceId: nil, operationArguments: arguments,
                    globalArguments: globals, cliInputJson: json, notes: notes))
        }
    }

    /// Whether `ALL_ACTIONS` is possible: never while an action of the stage is still in progress
    /// (`FAILED_ACTIONS` is). The caller decides, and reports the blocker.
    public static func canUseAllActions(actionInProgress: Bool) -> Bool { !actionInProgress }

    /// The id the CodeBuild API expects for a batch (`kind == .batch`) or build (`.build`) target: `value`
    /// itself, or `project:uuid` when `value` is the build / build-batch ARN
    /// (`arn:aws[-partition]:codebuild:REGION:ACCOUNT:build-batch/project:uuid`). Rejected: empty ids, ids
    /// longer than `maxCodeBuildIdLength`, white space, control or format characters, `<`/`>` (placeholders such
    /// as `<project-name>:<batch-ID>`), values the aws CLI v1 would load instead of sending (`file://`,
    /// `fileb://`, `http://`, `https://`), and an ARN of the wrong resource type. Everything else is a valid
    /// `NonEmptyString` and is shell-quoted where needed.
    public static func codeBuildId(_ value: String, for kind: Target.Kind) -> Result<String, RetryValidationError> {
        let noun = kind == .batch ? "batch id" : "build id"
        let resource = kind == .batch ? "build-batch" : "build"
        var id = value
        if value.hasPrefix("arn:") {
            switch reduceARN(value) {
            case (resource, let reduced)?:
                id = reduced
            case (let other, _)?:
                let what = other == "build" ? "a build" : "a batch build"
                return invalid("\(noun) \(Display.quoted(value)) is the ARN of \(what), not of a \(kind == .batch ? "batch build" : "build")")
            case nil:
                return invalid(
                    "\(noun) \(Display.quoted(value)) is not a CodeBuild \(resource) ARN "
                        + "(arn:aws:codebuild:<region>:<account>:\(resource)/<project>:<id>)")
            }
        }
        if id.isEmpty { return invalid("\(noun) is empty (the API requires at least 1 character)") }
        let length = id.unicodeScalars.count
        if length > maxCodeBuildIdLength {
            return invalid("\(noun) \(Display.quoted(id)) is too long (\(length) characters, at most \(maxCodeBuildIdLength))")
        }
        if id.unicodeScalars.contains(where: { $0.properties.isWhitespace || Display.needsEscape($0) }) {
            return invalid("\(noun) \(Display.quoted(id)) contains white space or control characters (not an id the API would accept)")
        }
        if id.unicodeScalars.contains(where: { $0 == "<" || $0 == ">" }) {
            return invalid("\(noun) \(Display.quoted(id)) is a placeholder, not an id (it contains '<' or '>')")
        }
        let lowered = id.lowercased()
        if let prefix = ["file://", "fileb://", "http://", "https://"].first(where: { lowered.hasPrefix($0) }) {
            return invalid("\(noun) \(Display.quoted(id)) starts with \(prefix): the aws CLI would send that file's or URL's content instead")
        }
        return .success(id)
    }

    // MARK: - Pieces

    /// `[name, value]`, or `["name=value"]` when the value starts with `-` (the aws CLI's argparse would read
    /// `--stage-name -Deploy` as a missing value followed by an option: tested, rc 2).
    public static func option(_ name: String, _ value: String) -> [String] {
        value.hasPrefix("-") ? ["\(name)=\(value)"] : [name, value]
    }

    private static func invalid(_ reason: String) -> Result<String, RetryValidationError> {
        .failure(RetryValidationError(.invalidValue, reasons: [reason]))
    }

    /// (resource type, resource id) of a CodeBuild ARN, or nil when `value` is not one.
    static func reduceARN(_ value: String) -> (String, String)? {
        let parts = value.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", isPartition(parts[1]), parts[2] == "codebuild",
            !parts[3].isEmpty, parts[3].unicodeScalars.allSatisfy({ isLowerAlnum($0) || $0 == "-" }),
            parts[4].count == 12, parts[4].unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }),
            let slash = parts[5].firstIndex(of: "/")
        else { return nil }
        let type = String(parts[5][..<slash])
        let id = String(parts[5][parts[5].index(after: slash)...])
        guard type == "build" || type == "build-batch" else { return nil }
        return (type, id)
    }

    /// `aws` or `aws-<word>[-<word>...]` (aws-cn, aws-us-gov, aws-iso-b...).
    private static func isPartition(_ value: Substring) -> Bool {
        let words = value.split(separator: "-", omittingEmptySubsequences: false)
        return words.first == "aws"
            && words.dropFirst().allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy { ("a"..."z").contains($0) } }
    }

    private static func isLowerAlnum(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// A pipeline name the API accepts (`PipelineName`: `[A-Za-z0-9.@\-_]{1,100}`, so never a shell
    /// metacharacter or white space), or why not.
    public static func pipelineName(_ value: String) -> Result<String, RetryValidationError> {
        var problems: [String] = []
        guard let name = validatedName(value, what: "pipeline name", problems: &problems) else {
            return .failure(RetryValidationError(.invalidValue, reasons: problems))
        }
        return .success(name)
    }

    /// A pipeline execution id the API accepts (a lower-case UUID), or why not.
    public static func pipelineExecutionId(_ value: String) -> Result<String, RetryValidationError> {
        var problems: [String] = []
        guard let id = validatedExecutionId(value, problems: &problems) else {
            return .failure(RetryValidationError(.invalidValue, reasons: problems))
        }
        return .success(id)
    }

    /// `PipelineName` / `StageName`: `[A-Za-z0-9.@\-_]{1,100}`.
    static func validatedName(_ value: String?, what: String, problems: inout [String]) -> String? {
        guard let value else {
            problems.append("stage target has no \(what)")
            return nil
        }
        if value.isEmpty {
            problems.append("\(what) is empty (the API requires 1 to 100 characters)")
            return nil
        }
        if !value.unicodeScalars.allSatisfy(isNameScalar) {
            problems.append("\(what) \(Display.quoted(value)) does not match [A-Za-z0-9.@\\-_]+ (the API would reject it)")
            return nil
        }
        if value.unicodeScalars.count > 100 {
            problems.append("\(what) \(Display.quoted(value)) is \(value.unicodeScalars.count) characters long (the API allows at most 100)")
            return nil
        }
        return value
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", ".", "@", "-", "_": true
        default: false
        }
    }

    /// `PipelineExecutionId`: a lower-case UUID.
    static func validatedExecutionId(_ value: String?, problems: inout [String]) -> String? {
        guard let value else {
            problems.append("no pipeline execution id: retry-stage-execution needs the id of the failed execution")
            return nil
        }
        let groups = value.split(separator: "-", omittingEmptySubsequences: false)
        let isUUID =
            groups.map(\.count) == [8, 4, 4, 4, 12]
            && groups.allSatisfy { $0.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) } }
        if !isUUID {
            problems.append("pipeline execution id \(Display.quoted(value)) is not a lower-case UUID (the API would reject it)")
            return nil
        }
        return value
    }

    /// The idempotency token, nil when absent or empty; `[A-Za-z0-9._-]{1,64}`.
    static func validatedToken(_ value: String?, problems: inout [String]) -> String? {
        guard let value, !value.isEmpty else { return nil }
        guard value.unicodeScalars.count <= 64, value.unicodeScalars.allSatisfy(isTokenScalar) else {
            problems.append("idempotency token \(Display.quoted(value)) does not match [A-Za-z0-9._-]{1,64}")
            return nil
        }
        return value
    }

    static func isTokenScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": true
        default: false
        }
    }

    /// `--region R --profile P --endpoint-url U`, each only when set and valid.
    static func globalArguments(_ options: RetryOptions, problems: inout [String]) -> [String] {
        AWSGlobalOptions(region: options.region, profile: options.profile, endpointURL: options.endpointURL).arguments(problems: &problems)
    }

    /// `[a-z]{2}(-[a-z]+)+-[0-9]{1,2}`: us-east-1, us-gov-west-1, cn-northwest-1, eu-central-2...
    static func isRegion(_ value: String) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, let first = parts.first, let last = parts.last else { return false }
        let letters: (Substring) -> Bool = { !$0.isEmpty && $0.unicodeScalars.allSatisfy { ("a"..."z").contains($0) } }
        return first.count == 2 && letters(first) && parts.dropFirst().dropLast().allSatisfy(letters)
            && (1...2).contains(last.count) && last.unicodeScalars.allSatisfy { ("0"..."9").contains($0) }
    }
}
