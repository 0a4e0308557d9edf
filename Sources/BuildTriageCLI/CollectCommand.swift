import ArgumentParser
import BuildTriageCollect
import BuildTriageKit
import Foundation

/// `buildtriage collect`: fetches what a failed run left behind into a folder that `analyze` reads.
struct Collect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fetch a failed run's responses, test cases and logs with the aws CLI, into a folder for 'analyze'.",
        discussion: """
            collect batch BATCH_ID, collect build BUILD_ID..., collect pipeline NAME [--execution-id ID] or \
            collect --event FILE|- (an EventBridge event: CodeBuild Build / Build Batch State Change, CodePipeline \
            Pipeline / Stage / Action Execution State Change). Ids may be ARNs. Only read operations are called, \
            only for ids the run names: one file per response, logs as text under logs/, and manifest.json with \
            every call and every failure. A failed call never stops the collection.

            Exit codes:
              0   complete: everything the run names was fetched
              7   partial: some of it is missing (manifest.json says what)
              8   failed: what was asked for could not be fetched at all
              64  usage error, or an id the API would not accept (nothing run)

            Examples:
              buildtriage collect batch "$CODEBUILD_BATCH_BUILD_IDENTIFIER" --output triage
              buildtriage collect pipeline MyPipeline --output triage --wait --timeout 20m
              buildtriage collect --event event.json --output triage
              buildtriage analyze triage
            """)

    @Argument(help: ArgumentHelp("batch ID, build ID..., or pipeline NAME (nothing with --event).", valueName: "what"))
    var what: [String] = []

    @Option(name: .long, help: ArgumentHelp("An EventBridge event file, or '-' for standard input.", valueName: "file"))
    var event: String?

    @Option(name: .long, help: ArgumentHelp("With 'pipeline': the execution to collect (default: the latest failed one).", valueName: "id"))
    var executionId: String?

    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The folder to write (created when missing).", valueName: "dir"))
    var output: String

    @Option(name: .long, help: "The AWS region (aws --region).")
    var region: String?

    @Option(name: .long, help: "The AWS profile (aws --profile).")
    var profile: String?

    @Option(name: .long, help: ArgumentHelp("The endpoint (aws --endpoint-url).", valueName: "url"))
    var endpointUrl: String?

    @Option(name: .long, help: ArgumentHelp("The aws executable (default: the first 'aws' on PATH).", valueName: "path"))
    var aws: String?

    @Option(name: .long, help: ArgumentHelp("Bytes of each build's log kept: its head and tail.", valueName: "n"))
    var maxLogBytes: Int = CollectOptions.defaultMaxLogBytes

    @Flag(name: .long, help: "Poll until the batch, builds or execution are no longer in progress, then collect.")
    var wait = false

    @Option(name: .long, help: ArgumentHelp("How long --wait may wait: 90s, 30m, 1h (default 30m).", valueName: "duration"))
    var timeout: String?

    @Option(name: .long, help: .hidden)
    var pollInterval: Double = 15

    @Option(name: .long, help: .hidden)
    var retryDelays: String?

    func validate() throws {
        if maxLogBytes < 1024 { throw ValidationError("--max-log-bytes must be at least 1024") }
        if timeout != nil && !wait { throw ValidationError("--timeout goes with --wait") }
        if let timeout, Self.duration(timeout) == nil { throw ValidationError("--timeout \(timeout): expected a duration such as 90s, 30m or 1h") }
        if executionId != nil && what.first != "pipeline" { throw ValidationError("--execution-id goes with 'collect pipeline NAME'") }
        if pollInterval <= 0 { throw ValidationError("--poll-interval must be positive") }
        if event != nil {
            if !what.isEmpty { throw ValidationError("--event takes no batch, build or pipeline argument") }
            return
        }
        guard let kind = what.first else { throw ValidationError("say what to collect: batch ID, build ID..., pipeline NAME, or --event FILE") }
        switch kind {
        case "batch": if what.count != 2 { throw ValidationError("collect batch takes one batch id") }
        case "build": if what.count < 2 { throw ValidationError("collect build takes one or more build ids") }
        case "pipeline": if what.count != 2 { throw ValidationError("collect pipeline takes one pipeline name") }
        default: throw ValidationError("unknown kind \(Display.quoted(kind)): expected batch, build or pipeline (or --event FILE)")
        }
    }

    func run() throws {
        let target: CollectTarget
        switch resolveTarget() {
        case .success(let value): target = value
        case .failure(let error):
            for reason in error.reasons { FileHandle.standardError.write(Data("error: \(reason)\n".utf8)) }
            throw ExitCode(CollectExitCode.usage.rawValue)
        }
        guard let awsPath = aws ?? RetryExecutor.findAWS() else {
            FileHandle.standardError.write(Data("error: no 'aws' on PATH; install the AWS CLI or pass --aws PATH\n".utf8))
            throw ExitCode(CollectExitCode.failed.rawValue)
        }
        var options = CollectOptions(
            awsPath: awsPath, globals: AWSGlobalOptions(region: region, profile: profile, endpointURL: endpointUrl), maxLogBytes: maxLogBytes,
            wait: wait, pollInterval: .milliseconds(Int(pollInterval * 1000)))
        if let timeout, let seconds = Self.duration(timeout) { options.waitTimeout = .seconds(seconds) }
        if let retryDelays {
            options.retryDelays = retryDelays.split(separator: ",").compactMap { Double($0) }.map { .milliseconds(Int($0 * 1000)) }
        }
        let collector: Collector
        do {
            collector = try Collector(options: options, folder: URL(fileURLWithPath: output)) { line in
                FileHandle.standardError.write(Data((line.replacingOccurrences(of: "\n", with: " ") + "\n").utf8))
            }
        } catch let error as CollectInputError {
            for reason in error.reasons { FileHandle.standardError.write(Data("error: \(reason)\n".utf8)) }
            throw ExitCode(CollectExitCode.usage.rawValue)
        } catch {
            FileHandle.standardError.write(Data("error: cannot create \(Display.quoted(output)): \(error.localizedDescription)\n".utf8))
            throw ExitCode(CollectExitCode.failed.rawValue)
        }
        let manifest = collector.collect(target)
        throw ExitCode(CollectExitCode(manifest.status).rawValue)
    }

    private func resolveTarget() -> Result<CollectTarget, CollectInputError> {
        if let event {
            let data: Data?
            if event == "-" {
                data = try? FileHandle.standardInput.read(upToCount: 1_048_577)
            } else {
                data = FileManager.default.contents(atPath: event)
            }
            guard let data, !data.isEmpty else { return .failure(CollectInputError(["cannot read the event \(Display.quoted(event))"])) }
            guard data.count <= 1_048_576 else { return .failure(CollectInputError(["the event \(Display.quoted(event)) is over 1 MiB: not an EventBridge event"])) }
            return CollectTarget.event(data)
        }
        switch what[0] {
        case "batch": return CollectTarget.batch(what[1])
        case "build": return CollectTarget.builds(Array(what.dropFirst()))
        default: return CollectTarget.pipeline(what[1], executionID: executionId)
        }
    }

    /// `90s`, `30m`, `1h`, or plain seconds.
    static func duration(_ text: String) -> Int? {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600]
        if let unit = text.last, let factor = units[unit], let value = Int(text.dropLast()), value >= 0 { return value * factor }
        if let value = Int(text), value >= 0 { return value }
        return nil
    }
}
