import ArgumentParser
import BuildTriageKit
import Foundation

/// `buildtriage retry`: the retry commands for every `retry` recommendation; with `--execute`, runs them.
struct Retry: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print (or run, with --execute) the exact retry for every target whose recommendation is 'retry'.",
        discussion: """
            Standard output gets one shell line per retry (or JSON with --format json); standard error names every \
            other target with its recommendation and why it is not retried. --execute runs the commands with the \
            aws CLI and exits 5 when one fails, printing the AWS error and what it means.
            """)

    @OptionGroup var options: AnalysisOptions

    @Option(name: .long, help: "shell (one quoted line per retry) or json (argv and cliInputJson).")
    var format: RetryFormat = .shell

    @Option(name: .long, help: ArgumentHelp("Write one --cli-input-json file per retry into this directory.", valueName: "dir"))
    var writeCliInputJson: String?

    @Flag(name: .long, help: "Run the commands with the aws CLI (only 'retry' targets, never blocked ones).")
    var execute = false

    @Option(name: .long, help: ArgumentHelp("The aws executable for --execute (default: the first 'aws' on PATH).", valueName: "path"))
    var aws: String?

    @Option(name: .long, help: "With --execute: run at most this many retry commands.")
    var maxRetries: Int?

    @Option(name: .long, help: .hidden)
    var endpointUrl: String?

    enum RetryFormat: String, ExpressibleByArgument, CaseIterable {
        case shell, json
    }

    func validate() throws {
        if let maxRetries, maxRetries < 0 { throw ValidationError("--max-retries must be 0 or more") }
        if (aws != nil || maxRetries != nil) && !execute { throw ValidationError("--aws and --max-retries go with --execute") }
    }

    func run() throws {
        let report = options.run()
        let retries = report.recommendations.filter { $0.action == .retry && $0.command != nil }
        FileHandle.standardError.write(Data(RetryOutput.summary(report, retries: retries).utf8))
        if let directory = writeCliInputJson {
            let commands = retries.compactMap { recommendation -> RetryCommand? in
                var retryOptions = options.retryOptions
                retryOptions.endpointURL = endpointUrl
                return try? RetryCommandBuilder.command(for: recommendation.target, options: retryOptions).get()
            }
            let files = try CLIInputFileWriter.write(commands: commands, to: URL(fileURLWithPath: directory))
            for (command, file) in zip(commands, files) {
                print(command.cliInputJsonShellLine(filePath: file.path))
            }
        } else if !execute {
            switch format {
            case .shell: for retry in retries { print(retry.shell ?? "") }
            case .json: print(RetryOutput.json(retries))
            }
        }
        if execute {
            throw ExitCode(RetryOutput.execute(retries, options: options, aws: aws, endpoint: endpointUrl, maxRetries: maxRetries).rawValue)
        }
        throw ExitCode(options.exitZero ? 0 : TriageExitCode.forReport(report).rawValue)
    }
}

enum RetryOutput {
    static func summary(_ report: TriageReport, retries: [Recommendation]) -> String {
        var lines: [String] = []
        for recommendation in report.recommendations where recommendation.action != .retry && recommendation.action != .none {
            lines.append("# \(recommendation.target.kind.rawValue) \(recommendation.target.id): \(recommendation.action.rawValue) — \(recommendation.blockedBy?.joined(separator: "; ") ?? recommendation.reason)")
        }
        if retries.isEmpty { lines.append("# no retry to run (verdict: \(report.verdict.rawValue))") }
        return lines.map { $0.replacingOccurrences(of: "\n", with: " ") + "\n" }.joined()
    }

    static func json(_ retries: [Recommendation]) -> String {
        struct Entry: Encodable {
            var target: Target
            var command: [String]
            var cliInputJson: [String: String]?
            var shell: String?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let entries = retries.map { Entry(target: $0.target, command: $0.command ?? [], cliInputJson: $0.cliInputJson, shell: $0.shell) }
        return String(decoding: (try? encoder.encode(entries)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func execute(_ retries: [Recommendation], options: AnalysisOptions, aws: String?, endpoint: String?, maxRetries: Int?) -> TriageExitCode {
        guard let awsPath = aws ?? RetryExecutor.findAWS() else {
            FileHandle.standardError.write(Data("error: no 'aws' on PATH; install the AWS CLI or pass --aws PATH\n".utf8))
            return .retryFailed
        }
        var retryOptions = options.retryOptions
        retryOptions.endpointURL = endpoint
        var failed = false
        let executor = RetryExecutor(awsPath: awsPath)
        for (index, recommendation) in retries.enumerated() {
            if let maxRetries, index >= maxRetries {
                print("skipped \(recommendation.target.id): --max-retries \(maxRetries) reached")
                continue
            }
            guard case .success(let command) = RetryCommandBuilder.command(for: recommendation.target, options: retryOptions) else { continue }
            print("running: \(command.shellLine)")
            let result = executor.run(command)
            if result.succeeded {
                print("ok: \(recommendation.target.kind.rawValue) \(recommendation.target.id) retried")
            } else {
                failed = true
                let detail: String
                if let code = result.errorCode {
                    detail = "\(code): \(result.errorMessage ?? "")\(result.meaning.map { " — \($0)" } ?? "")"
                } else if result.timedOut {
                    detail = "the aws CLI did not finish in time"
                } else {
                    detail = "aws exited with status \(result.exitStatus.map(String.init) ?? "?"): \(result.stderr.trimmedWhitespace)"
                }
                print("FAILED: \(recommendation.target.kind.rawValue) \(recommendation.target.id): \(detail)")
            }
        }
        if failed { return .retryFailed }
        return retries.isEmpty ? .clean : .retry
    }
}
