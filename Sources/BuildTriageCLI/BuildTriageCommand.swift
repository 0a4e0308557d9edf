public import ArgumentParser
import BuildTriageKit
import Foundation

/// `buildtriage`: the post-mortem of a failed CI run, and what to do next.
@main
struct BuildTriageCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "buildtriage",
        abstract: "Post-mortem of a failed CI run: classify every failure and say what to do next.",
        // Lines that start with a space stay lines in the manual page (`swift package generate-manual`) too.
        discussion: """
            Inputs are AWS CodeBuild / CodePipeline responses saved from the AWS CLI, JUnit/xUnit XML reports and \
            CodeBuild build logs; each file's kind is decided from its content. Directories are walked recursively \
            (hidden entries skipped); '-' reads standard input. Each failure is classified, and each target gets \
            one recommendation: wait, retry (with the exact, validated AWS CLI command), fix or investigate.

            Exit codes:
              0   clean: nothing needs doing (or --exit-zero)
              1   fix or investigate: a person is needed
              2   retry recommended (retry --execute: retried)
              3   wait: something is still running
              4   an input could not be read (the others were analyzed)
              5   retry --execute: a retry command failed
              6   record, flaky, quarantine, history: the history store cannot be used
              7   collect: partial collection (manifest.json says what is missing)
              8   collect: failed collection
              64  usage error

            Examples:
              buildtriage analyze batch.json reports/ build.log
              buildtriage analyze ci-output/ --format markdown >> "$GITHUB_STEP_SUMMARY"
              buildtriage analyze ci-output/ --format json --output triage.json
              buildtriage retry batch.json --execute --max-retries 1
              buildtriage collect batch "$CODEBUILD_BATCH_BUILD_IDENTIFIER" --output triage
              buildtriage record reports/ --run-id "$CODEBUILD_BUILD_ID" --commit "$CODEBUILD_RESOLVED_SOURCE_VERSION"
              buildtriage flaky --since 30d --format markdown
              buildtriage --generate-completion-script bash
            """,
        version: version,
        subcommands: [Analyze.self, Retry.self, Analyzers.self, Rules.self, Collect.self, Record.self, Flaky.self, Quarantine.self, History.self],
        defaultSubcommand: Analyze.self
    )
}

/// Options every analysis takes.
struct AnalysisOptions: ParsableArguments {
    @Argument(help: "Files, directories or '-' (standard input).")
    var paths: [String] = []

    @Option(name: .long, help: "Earlier attempts after which a target is 'investigate' rather than 'retry'.")
    var retryBudget: Int = 2

    @Option(name: .long, help: ArgumentHelp("A YAML rule file to add to the knowledge base (repeatable).", valueName: "file"))
    var rules: [String] = []

    @Option(name: .long, help: ArgumentHelp("An external analyzer to run (repeatable); see the README.", valueName: "executable"))
    var plugin: [String] = []

    @Option(name: .long, help: ArgumentHelp("Seconds each external analyzer has before it is stopped.", valueName: "seconds"))
    var pluginTimeout: Double = 30

    @Option(name: .long, help: "Batch retries: 'failed' (RETRY_FAILED_BUILDS) or 'all' (RETRY_ALL_BUILDS).")
    var retryType: RetryTypeArgument = .failed

    @Option(name: .long, help: "Stage retries: 'failed' (FAILED_ACTIONS) or 'all' (ALL_ACTIONS).")
    var retryMode: RetryTypeArgument = .failed

    @Option(name: .long, help: "AWS region for the emitted commands.")
    var region: String?

    @Option(name: .long, help: "AWS CLI profile for the emitted commands.")
    var profile: String?

    @Option(name: .long, help: "Idempotency token for CodeBuild retries (never sent when empty).")
    var idempotencyToken: String?

    @Flag(name: .long, help: "Exit 0 whatever the verdict (still non-zero for usage errors).")
    var exitZero = false

    @OptionGroup var historyOptions: AnalysisHistoryOptions

    func validate() throws {
        guard retryBudget >= 0 else { throw ValidationError("--retry-budget must be 0 or more") }
        guard pluginTimeout > 0, pluginTimeout <= 3600 else { throw ValidationError("--plugin-timeout must be more than 0 and at most 3600") }
        guard !paths.isEmpty else { throw ValidationError("give at least one file, directory or '-'") }
    }

    var retryOptions: RetryOptions {
        var options = RetryOptions()
        options.batchRetryType = retryType == .all ? .allBuilds : .failedBuilds
        options.stageRetryMode = retryMode == .all ? .allActions : .failedActions
        options.region = region
        options.profile = profile
        options.idempotencyToken = idempotencyToken
        return options
    }

    /// Loads rule files; a bad file is a diagnostic, and the run goes on with the others.
    func configuration() -> (AnalysisConfiguration, [String]) {
        var rules = RuleSet.builtIn()
        var problems: [String] = []
        for path in self.rules {
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                rules.rules += try RuleSet(yaml: text, path: path).rules
            } catch let error as RuleFileError {
                problems.append("rule file \(error.description)")
            } catch {
                problems.append("rule file \(path): cannot be read")
            }
        }
        let plugins = plugin.map { ExternalAnalyzer(executable: $0, timeout: pluginTimeout) }
        return (AnalysisConfiguration(retryBudget: retryBudget, retryOptions: retryOptions, rules: rules, plugins: plugins), problems)
    }

    func run() -> TriageReport {
        runKeepingInput().report
    }

    /// The report, and the input it was made from: `analyze` keeps the input alive until it exits, so that
    /// freeing it (every document, string and array read) is not paid for just before the process ends.
    func runKeepingInput() -> (report: TriageReport, input: TriageInput) {
        var (configuration, problems) = configuration()
        let progress = ProgressLine.make(total: paths.count)
        let input = Triage.read(paths: paths, configuration: configuration, progress: progress?.update)
        problems += historyOptions.refine(&configuration, for: input)
        var report = Triage.report(for: input, configuration: configuration)
        progress?.finish()
        report.diagnostics = problems + report.diagnostics
        return (report, input)
    }
}

enum RetryTypeArgument: String, ExpressibleByArgument, CaseIterable {
    case failed, all
}

extension OutputFormat: ExpressibleByArgument {}

/// `buildtriage analyze`: read the inputs, classify, recommend, report.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Analyze CI outputs and report findings and recommendations (the default).",
        discussion: """
            Formats: text (for a terminal; coloured unless NO_COLOR is set or the output is not a terminal), \
            json (schema version 1, Schemas/report-v1.schema.json), markdown (a GitHub job summary or pull-request \
            comment), github (workflow-command annotations, at most 50), html (one self-contained page).
            """)

    @OptionGroup var options: AnalysisOptions

    @Option(name: .shortAndLong, help: "Output format.")
    var format: OutputFormat = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the report to a file instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        var (report, input) = options.runKeepingInput()
        // JUnit reports and build logs are few objects holding most of the input's bytes (failure details,
        // whole log texts) that the report no longer needs: freed before it is written, which lowers the peak
        // (a 100 MB JUnit report: 5 MB). AWS responses are many small objects and little memory: kept, see below.
        input.documents.removeAll { $0.document.holdsBulkText }
        try Output.write(report, format: format, to: output)
        let code = options.exitZero ? 0 : TriageExitCode.forReport(report).rawValue
        // The report is written: exit now rather than return, so that the report and the input (hundreds of
        // thousands of objects on a large run) are not released one by one on the way out. This is safe:
        // `Output.write` wrote standard output and standard error with unbuffered `write(2)` calls and closed any
        // `--output` file before returning; `exit` still flushes C stdio buffers and runs `atexit` handlers;
        // and the code is the one `throw ExitCode(code)` makes ArgumentParser exit with. Nothing else holds
        // state that a deinit would persist.
        withExtendedLifetime(input) {
            withExtendedLifetime(report) { exitProcess(code) }
        }
    }
}

extension Document {
    /// A JUnit report or a build log: the documents whose memory is mostly text, in a few large objects.
    fileprivate var holdsBulkText: Bool {
        switch self {
        case .junit, .buildLog: true
        default: false
        }
    }
}

/// The C library's `exit` (inside a command, `exit` names ArgumentParser's).
private func exitProcess(_ code: Int32) -> Never {
    exit(code)
}

/// `buildtriage analyzers`: the built-in analyzers.
struct Analyzers: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the built-in analyzers.")

    func run() {
        for description in AnalyzerRegistry.descriptions {
            let categories = description.categories.map(\.rawValue).joined(separator: ", ")
            print("\(description.id)\t\(description.stage.rawValue)\t\(categories)\n    \(description.summary)")
        }
    }
}

/// `buildtriage rules test FILE…`.
struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Work with knowledge-base rule files.", subcommands: [Test.self])

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check each rule file's examples: every 'match' must match, no 'no_match' may.")

        @Argument(help: "Rule files (YAML). With none, the built-in rules are checked.")
        var files: [String] = []

        func run() throws {
            var failed = false
            let sets: [(String, Result<RuleSet, RuleFileError>)] =
                files.isEmpty
                ? [("built-in", .success(RuleSet.builtIn()))]
                : files.map { path in
                    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                        return (path, .failure(RuleFileError(path: path, message: "cannot be read")))
                    }
                    return (path, Result { () throws(RuleFileError) in try RuleSet(yaml: text, path: path) })
                }
            for (path, result) in sets {
                switch result {
                case .failure(let error):
                    failed = true
                    print("FAIL \(error.description)")
                case .success(let set):
                    let problems = set.checkExamples()
                    let examples = set.rules.reduce(0) { $0 + $1.matchExamples.count + $1.noMatchExamples.count }
                    if problems.isEmpty {
                        print("ok   \(path): \(set.rules.count) rules, \(examples) examples")
                    } else {
                        failed = true
                        for problem in problems { print("FAIL \(path): \(problem)") }
                    }
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}

/// Writing a report: to standard output, or to a file.
enum Output {
    static func write(_ report: TriageReport, format: OutputFormat, to path: String?) throws {
        if format == .json, path == nil {
            // Streamed: a large report is written as it is encoded, never held whole.
            JSONReporter().write(report) { chunk in FileHandle.standardOutput.write(Data(chunk)) }
            echoDiagnostics(of: report)
            return
        }
        let color = format == .text && path == nil && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        var text = format.reporter.render(report, options: RenderOptions(color: color))
        if !text.hasSuffix("\n") { text += "\n" }
        if let path {
            do {
                try writeFile(Data(text.utf8), to: path)
            } catch {
                throw ValidationError("cannot write \(path): \(error.localizedDescription)")
            }
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        if format != .text || path != nil { echoDiagnostics(of: report) }
    }

    /// A new or regular file is replaced atomically (a reader never sees half a report). Anything else — a
    /// device such as /dev/null or /dev/stdout, a FIFO, a symbolic link — is written through, as a shell's `>`
    /// would: an atomic rename would replace the device or the link itself with a regular file.
    static func writeFile(_ data: Data, to path: String) throws {
        var link = stat()
        var target = stat()
        let exists = lstat(path, &link) == 0
        let isLink = exists && link.st_mode & S_IFMT == S_IFLNK
        let isRegular = exists && stat(path, &target) == 0 && target.st_mode & S_IFMT == S_IFREG
        guard exists, isLink || !isRegular else {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            return
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        if isRegular { try handle.truncate(atOffset: 0) }
        try handle.write(contentsOf: data)
    }

    /// When the report is not text on standard output, its diagnostics (unreadable inputs, bad rule files,
    /// misbehaving plugins) also go to standard error, one line each, so that a CI log shows them.
    static func echoDiagnostics(of report: TriageReport) {
        // History problems were written to standard error when they happened.
        let lines = report.inputs.compactMap(\.diagnostic) + report.diagnostics.filter { !$0.hasPrefix(AnalysisHistoryOptions.unavailable) }
        guard !lines.isEmpty else { return }
        let text = lines.map { "buildtriage: " + $0.replacing(/[\r\n]+/, with: " ") + "\n" }.joined()
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// A progress line on standard error while many files are read: only on a terminal, never in CI logs or pipes.
final class ProgressLine: Sendable {
    let total: Int

    init(total: Int) { self.total = total }

    static func make(total: Int) -> ProgressLine? {
        let environment = ProcessInfo.processInfo.environment
        guard isatty(STDERR_FILENO) == 1, environment["CI"] == nil, environment["TERM"] != "dumb" else { return nil }
        return ProgressLine(total: total)
    }

    func update(_ done: Int, _ files: Int) {
        guard files >= 50, done % 25 == 0 || done == files else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[Kreading \(done)/\(files) files".utf8))
    }

    func finish() {
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
