import Foundation

/// The aws CLI's global options, validated: `--region R --profile P --endpoint-url U`. Shared by the retry
/// commands and by `collect`.
public struct AWSGlobalOptions: Hashable, Sendable {
    /// An AWS region name such as `us-east-1`.
    public var region: String?
    /// `[A-Za-z0-9._-]{1,64}`.
    public var profile: String?
    /// `http://` or `https://`, no white space.
    public var endpointURL: String?

    public init(region: String? = nil, profile: String? = nil, endpointURL: String? = nil) {
        self.region = region
        self.profile = profile
        self.endpointURL = endpointURL
    }

    /// The arguments, or every reason why some value cannot be passed.
    public func arguments() -> Result<[String], RetryValidationError> {
        var problems: [String] = []
        let arguments = arguments(problems: &problems)
        return problems.isEmpty ? .success(arguments) : .failure(RetryValidationError(.invalidValue, reasons: problems))
    }

    /// The valid options' arguments; a reason in `problems` for each invalid one.
    func arguments(problems: inout [String]) -> [String] {
        var arguments: [String] = []
        if let region {
            if RetryCommandBuilder.isRegion(region) {
                arguments += RetryCommandBuilder.option("--region", region)
            } else {
                problems.append("region \(Display.quoted(region)) is not an AWS region name (like us-east-1)")
            }
        }
        if let profile {
            if (1...64).contains(profile.unicodeScalars.count), profile.unicodeScalars.allSatisfy(RetryCommandBuilder.isTokenScalar) {
                arguments += RetryCommandBuilder.option("--profile", profile)
            } else {
                problems.append("profile \(Display.quoted(profile)) does not match [A-Za-z0-9._-]{1,64}")
            }
        }
        if let endpointURL {
            let lowered = endpointURL.lowercased()
            let valid =
                (lowered.hasPrefix("http://") || lowered.hasPrefix("https://")) && endpointURL.unicodeScalars.count <= 2048
                && !endpointURL.unicodeScalars.contains(where: { $0.properties.isWhitespace || Display.needsEscape($0) })
            if valid {
                arguments += RetryCommandBuilder.option("--endpoint-url", endpointURL)
            } else {
                problems.append("endpoint URL \(Display.quoted(endpointURL)) is not an http:// or https:// URL without white space")
            }
        }
        return arguments
    }
}

/// The aws CLI (v1 or v2) run for a JSON answer: an argv (never a shell), `--output json`, no pager
/// (`--no-cli-pager` on v2, which v1 refuses; `AWS_PAGER` empty for both), the validated global options.
public struct AWSCLI: Sendable {
    /// Runs the processes (executable, environment, time limit).
    public var executor: RetryExecutor
    /// `--region`, `--profile`, `--endpoint-url`, already validated.
    public var globalArguments: [String]
    /// The major version (1 or 2), from `aws --version`; nil when it could not be told.
    public var majorVersion: Int?
    /// What `aws --version` printed.
    public var versionLine: String?

    /// The CLI at `executor.awsPath`, its version asked once.
    public init(executor: RetryExecutor, globalArguments: [String]) {
        var executor = executor
        var environment = executor.environment ?? ProcessInfo.processInfo.environment
        environment["AWS_PAGER"] = ""
        executor.environment = environment
        self.executor = executor
        self.globalArguments = globalArguments
        let version = executor.run(argv: ["aws", "--version"])
        let line = (version.stdout + version.stderr).split(whereSeparator: \.isNewline).first.map(String.init)
        versionLine = line
        majorVersion = line.flatMap(Self.majorVersion(of:))
    }

    /// `aws-cli/2.15.0 Python/…` → 2.
    public static func majorVersion(of versionLine: String) -> Int? {
        guard versionLine.hasPrefix("aws-cli/") else { return nil }
        return Int(versionLine.dropFirst("aws-cli/".count).prefix { $0.isNumber })
    }

    /// The argv of `aws SERVICE OPERATION ARGUMENTS…` with the global options and the JSON options.
    public func argv(service: String, operation: String, arguments: [String]) -> [String] {
        ["aws", service, operation] + arguments + globalArguments + ["--output", "json"] + ((majorVersion ?? 1) >= 2 ? ["--no-cli-pager"] : [])
    }

    /// Runs one operation.
    public func run(service: String, operation: String, arguments: [String]) -> RetryExecutionResult {
        executor.run(argv: argv(service: service, operation: operation, arguments: arguments))
    }
}
