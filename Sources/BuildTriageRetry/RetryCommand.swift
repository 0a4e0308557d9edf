public import BuildTriageCore
import Foundation

/// The AWS service a retry goes to.
public enum RetryService: String, Hashable, Sendable, CaseIterable {
    /// AWS CodeBuild (`aws codebuild`): batch builds and builds.
    case codebuild
    /// AWS CodePipeline (`aws codepipeline`): stages.
    case codepipeline

    /// The JSON 1.1 `X-Amz-Target` prefix (service name and API version).
    public var targetPrefix: String {
        switch self {
        case .codebuild: "CodeBuild_20161006"
        case .codepipeline: "CodePipeline_20150709"
        }
    }
}

/// One of the three retry operations BuildTriage emits.
public enum RetryOperation: String, Hashable, Sendable, CaseIterable {
    /// CodeBuild `RetryBuildBatch`: restarts a failed batch build.
    case retryBuildBatch = "RetryBuildBatch"
    /// CodeBuild `RetryBuild`: restarts a build.
    case retryBuild = "RetryBuild"
    /// CodePipeline `RetryStageExecution`: retries a failed stage of one pipeline execution.
    case retryStageExecution = "RetryStageExecution"

    /// The service that implements the operation.
    public var service: RetryService {
        switch self {
        case .retryBuildBatch, .retryBuild: .codebuild
        case .retryStageExecution: .codepipeline
        }
    }

    /// The `aws` CLI sub-command (`retry-build-batch`...).
    public var cliName: String {
        switch self {
        case .retryBuildBatch: "retry-build-batch"
        case .retryBuild: "retry-build"
        case .retryStageExecution: "retry-stage-execution"
        }
    }

    /// The `X-Amz-Target` header of the request (`CodeBuild_20161006.RetryBuildBatch`...).
    public var xAmzTarget: String { "\(service.targetPrefix).\(rawValue)" }
}

/// A validated retry request, in every form BuildTriage emits it: an argv array, `--cli-input-json` content,
/// and one POSIX-shell line. Only `RetryCommandBuilder` makes one, after validating every value.
///
/// Layout of `argv`: `aws <service> <operation> <operation options...> <global options...>`. Global options
/// (`--region`, `--profile`, `--endpoint-url`) come last, so `argv[1]` and `argv[2]` are always the service
/// and the operation. A value that starts with `-` is passed as `--option=value`, because the aws CLI's
/// argument parser would take `--option -value` for two options.
public struct RetryCommand: Hashable, Sendable {
    /// The target as it was given to the builder.
    public let target: Target
    /// The operation the command calls.
    public let operation: RetryOperation
    /// The id sent to CodeBuild (an ARN reduced to `project:uuid`); nil for a stage.
    public let resourceId: String?
    /// The options after `aws <service> <operation>`, global options excluded.
    public let operationArguments: [String]
    /// `--region`, `--profile`, `--endpoint-url` with their values, in that order (possibly empty).
    public let globalArguments: [String]
    /// The request members, keyed exactly as the API takes them (what `--cli-input-json` reads).
    public let cliInputJson: [String: String]
    /// Remarks about how the options were applied (e.g. an idempotency token ignored for a stage).
    public let notes: [String]

    init(
        target: Target, operation: RetryOperation, resourceId: String?, operationArguments: [String],
        globalArguments: [String], cliInputJson: [String: String], notes: [String]
    ) {
        self.target = target
        self.operation = operation
        self.resourceId = resourceId
        self.operationArguments = operationArguments
        self.globalArguments = globalArguments
        self.cliInputJson = cliInputJson
        self.notes = notes
    }

    /// The service the request goes to.
    public var service: RetryService { operation.service }

    /// The request's `X-Amz-Target` header.
    public var xAmzTarget: String { operation.xAmzTarget }

    /// The full command as an argv array, starting with `aws`.
    public var argv: [String] {
        ["aws", service.rawValue, operation.cliName] + operationArguments + globalArguments
    }

    /// `argv` as one POSIX `sh` line; every argument outside `[A-Za-z0-9_@%+=:,./-]` is single-quoted.
    public var shellLine: String { ShellQuote.line(argv) }

    /// The argv that reads the request from a file: `aws <service> <operation> --cli-input-json file://PATH`,
    /// followed by the global options. `filePath` is used as given (a relative path is relative to the
    /// directory the command runs in).
    public func cliInputJsonArgv(filePath: String) -> [String] {
        ["aws", service.rawValue, operation.cliName, "--cli-input-json", "file://" + filePath] + globalArguments
    }

    /// `cliInputJsonArgv(filePath:)` as one quoted POSIX `sh` line.
    public func cliInputJsonShellLine(filePath: String) -> String {
        ShellQuote.line(cliInputJsonArgv(filePath: filePath))
    }

    /// `cliInputJson` as the text of a `--cli-input-json` file: pretty-printed, keys sorted, final newline.
    public var cliInputJsonText: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // Encoding a [String: String] cannot fail.
        let data = (try? encoder.encode(cliInputJson)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
