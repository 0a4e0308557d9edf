public import BuildTriageCore
public import BuildTriageRetry
public import Foundation

/// How `collect` runs the aws CLI and what it keeps.
public struct CollectOptions: Sendable {
    /// The aws executable.
    public var awsPath: String
    /// `--region`, `--profile`, `--endpoint-url`.
    public var globals: AWSGlobalOptions
    /// The aws CLI's whole environment; nil inherits this process's (`AWS_PAGER` is emptied either way).
    public var environment: [String: String]?
    /// Bytes of each build's log kept (head and tail; the cut is said in the log and the manifest).
    public var maxLogBytes: Int
    /// Poll until the batch, builds or execution are no longer in progress.
    public var wait: Bool
    /// How long `wait` may take.
    public var waitTimeout: Duration
    /// Time between two polls of `wait`.
    public var pollInterval: Duration
    /// Pauses before running a call again after a transient failure (throttling, a busy service, no connection),
    /// on top of the aws CLI's own retries; one attempt more than there are pauses.
    public var retryDelays: [Duration]
    /// Time limit of one aws CLI run.
    public var callTimeout: Duration
    /// Most pages read of one paginated call (a service that never stops paginating cannot hold a run).
    public var maxPages: Int

    public static let defaultMaxLogBytes = 8 * 1024 * 1024

    public init(
        awsPath: String, globals: AWSGlobalOptions = AWSGlobalOptions(), environment: [String: String]? = nil,
        maxLogBytes: Int = defaultMaxLogBytes, wait: Bool = false, waitTimeout: Duration = .seconds(30 * 60),
        pollInterval: Duration = .seconds(15), retryDelays: [Duration] = [.seconds(2), .seconds(8), .seconds(30)],
        callTimeout: Duration = .seconds(300), maxPages: Int = 1000
    ) {
        self.awsPath = awsPath
        self.globals = globals
        self.environment = environment
        self.maxLogBytes = maxLogBytes
        self.wait = wait
        self.waitTimeout = waitTimeout
        self.pollInterval = pollInterval
        self.retryDelays = retryDelays
        self.callTimeout = callTimeout
        self.maxPages = maxPages
    }
}

/// The exit status of `collect` (README, "Exit codes"): 0 and 64 mean what they mean for every command; 7 and 8
/// are `collect`'s own.
public enum CollectExitCode: Int32, Sendable, CaseIterable {
    /// Everything the run names was fetched.
    case complete = 0
    /// Some of it could not be fetched (the manifest and stderr say what); the rest is in the folder.
    case partial = 7
    /// The batch, builds or pipeline asked for could not be fetched at all (or the folder cannot be written).
    case failed = 8
    /// Bad arguments, or an id the API would not accept: nothing was run.
    case usage = 64

    public init(_ status: CollectManifest.Status) {
        switch status {
        case .complete: self = .complete
        case .partial: self = .partial
        case .failed: self = .failed
        }
    }
}

/// Fetches what a failed run left behind with the aws CLI, into a folder that `analyze` reads as it is: one
/// file per response, logs as text, and `manifest.json`. Only the operations below are called, each only for ids
/// that the run's own data names (never a listing of a project's, account's or region's builds):
/// CodeBuild `batch-get-build-batches`, `batch-get-builds`, `batch-get-reports`, `describe-test-cases`;
/// CodePipeline `get-pipeline-state`, `get-pipeline`, `get-pipeline-execution`, `list-pipeline-executions`,
/// `list-action-executions`; CloudWatch Logs `get-log-events`, `filter-log-events`. A failed call is recorded
/// and the rest is collected all the same.
public final class Collector {
    public let options: CollectOptions
    public let folder: URL
    private var output: OutputFolder
    private let cli: AWSCLI
    private let progress: (String) -> Void
    private var manifest = CollectManifest(request: .init(kind: "", ids: []))
    /// The builds fetched (or found missing) so far, by id.
    private var seenBuilds: Set<String> = []
    private var seenBatches: Set<String> = []
    private var requests = 0
    private var bytes = 0
    /// Whether the object asked for (the batch, the builds, the pipeline's state and execution) was fetched.
    private var rootFetched = true

    /// The statuses whose builds' logs are fetched.
    static let failedStatuses: Set<String> = ["FAILED", "FAULT", "TIMED_OUT"]

    /// A collector writing into `folder` (created when missing). Throws `CollectInputError` for invalid global
    /// options; nothing is run then but `aws --version`.
    public init(options: CollectOptions, folder: URL, progress: @escaping (String) -> Void = { _ in }) throws {
        let globals: [String]
        switch options.globals.arguments() {
        case .success(let arguments): globals = arguments
        case .failure(let error): throw CollectInputError(error.reasons)
        }
        self.options = options
        self.folder = folder
        self.output = try OutputFolder(folder)
        self.progress = progress
        let executor = RetryExecutor(awsPath: options.awsPath, environment: options.environment, timeout: options.callTimeout)
        self.cli = AWSCLI(executor: executor, globalArguments: globals)
    }

    /// Collects everything `target` names; the manifest is written to `manifest.json` and returned.
    @discardableResult
    public func collect(_ target: CollectTarget) -> CollectManifest {
        manifest = CollectManifest(request: .init(kind: target.kind, ids: target.ids))
        manifest.started = Self.now()
        manifest.awsVersion = cli.versionLine
        run(target)
        manifest.finished = Self.now()
        manifest.status = !rootFetched ? .failed : manifest.failures.isEmpty ? .complete : .partial
        manifest.files.sort()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try output.write(try encoder.encode(manifest), to: "manifest.json")
        } catch {
            progress("collect: cannot write manifest.json: \(error.localizedDescription)")
            manifest.status = .failed
        }
        progress(
            "collect: \(manifest.status.rawValue): \(requests) requests, \(Self.size(bytes)), \(manifest.files.count) files, "
                + "\(manifest.failures.count) failures")
        return manifest
    }

    private func run(_ target: CollectTarget) {
        switch target {
        case .batch(let id):
            collectBatches([id], root: true)
        case .builds(let ids):
            let builds = collectBuilds(ids, root: true)
            collectBuildDetails(builds)
            // A build of a batch names its batch: the batch (and its other builds) decide whether to retry it.
            let batches = builds.compactMap(\.buildBatchArn).compactMap { try? CollectTarget.codeBuildID($0, kind: .batch).get() }
            if !batches.isEmpty { collectBatches(Array(Set(batches)).sorted(), root: false) }
        case .pipeline(let name, let executionID):
            collectPipeline(name, executionID: executionID)
        case .event(_, let raw, let names):
            let name = output.name(["event"], ext: "json")
            save(raw, to: name)
            run(names)
        }
    }

    // MARK: - CodeBuild

    /// The batches, then every build they name (current and prior attempts), then those builds' reports and logs.
    private func collectBatches(_ ids: [String], root: Bool) {
        let ids = ids.filter { seenBatches.insert($0).inserted }
        guard !ids.isEmpty else { return }
        var batches = fetchBatches(ids, root: root)
        if options.wait, let current = batches {
            let running = current.filter { $0.buildBatchStatus?.known == .inProgress }.compactMap(\.id)
            if !running.isEmpty {
                waitUntilDone(what: "batch \(running.joined(separator: " "))") {
                    batches = self.fetchBatches(ids, root: root, polling: true)
                    return batches?.contains { $0.buildBatchStatus?.known == .inProgress } ?? false
                }
            }
        }
        var buildIDs: [String] = []
        for batch in batches ?? [] {
            for group in batch.buildGroups ?? [] {
                for summary in [group.currentBuildSummary].compactMap({ $0 }) + (group.priorBuildSummaryList ?? []) {
                    guard let arn = summary.arn else { continue }
                    switch CollectTarget.codeBuildID(arn, kind: .build) {
                    case .success(let id): if !buildIDs.contains(id) { buildIDs.append(id) }
                    case .failure(let error):
                        fail("codebuild batch-get-builds", [arn], code: "invalidId", message: error.description, missing: "a build of batch \(batch.id ?? "?")")
                    }
                }
            }
        }
        let builds = collectBuilds(buildIDs, root: false)
        collectBuildDetails(builds)
    }

    private func fetchBatches(_ ids: [String], root: Bool, polling: Bool = false) -> [BuildBatch]? {
        batchGet(BuildBatchesResponse.self, ids, root: root, polling: polling)?.items
    }

    /// `batch-get-builds` for the ids not fetched yet, 100 a call.
    private func collectBuilds(_ ids: [String], root: Bool) -> [Build] {
        let ids = ids.filter { seenBuilds.insert($0).inserted }
        var builds: [Build] = []
        for chunk in Self.chunks(ids) {
            var fetched = fetchBuilds(chunk, root: root)
            if options.wait, let current = fetched,
                current.contains(where: { $0.buildStatus?.known == .inProgress })
            {
                waitUntilDone(what: "builds \(current.filter { $0.buildStatus?.known == .inProgress }.compactMap(\.id).joined(separator: " "))") {
                    fetched = self.fetchBuilds(chunk, root: root, polling: true)
                    return fetched?.contains { $0.buildStatus?.known == .inProgress } ?? false
                }
            }
            builds += fetched ?? []
        }
        return builds
    }

    private func fetchBuilds(_ ids: [String], root: Bool, polling: Bool = false) -> [Build]? {
        batchGet(BuildsResponse.self, ids, root: root, polling: polling)?.items
    }

    /// The files of `batch-get-*` calls by ids: a poll rewrites the file of the call it repeats.
    private var batchGetFiles: [String: String] = [:]

    /// One `batch-get-*` call (at most 100 ids); ids listed as not found are failures (once, not at each poll).
    /// When `root`, the call must find something, or the collection has failed.
    private func batchGet<Response: BatchGetResponse>(_: Response.Type, _ ids: [String], root: Bool, polling: Bool = false) -> Response? {
        let operation = "codebuild \(Response.command)"
        let key = "\(Response.command) \(ids.joined(separator: " "))"
        let file = batchGetFiles[key] ?? output.name([Response.command, ids[0]] + (ids.count > 1 ? ["and-\(ids.count - 1)-more"] : []), ext: "json")
        batchGetFiles[key] = file
        let missing = ids.count == 1 ? "\(Response.noun) \(ids[0])" : "\(ids.count) \(Response.noun)s (\(ids[0]) …)"
        var response: Response?
        if let data = single(operation, ids: ids, arguments: [Response.idsOption] + ids, file: file, missing: missing) {
            response = try? JSONDecoder().decode(Response.self, from: data)
            if response == nil {
                fail(operation, ids, code: "unreadable", message: "the response is not the JSON of \(Response.command)", missing: missing)
            }
        }
        if !polling {
            for id in response?.notFound ?? [] {
                fail(operation, [id], code: "notFound", message: "CodeBuild has no \(Response.noun) \(Display.quoted(id)) (not found)", missing: "\(Response.noun) \(id)")
            }
        }
        if root, response?.items.isEmpty ?? true { rootFetched = false }
        return response
    }

    /// The reports and test cases of every build, and the logs of the failed ones.
    private func collectBuildDetails(_ builds: [Build]) {
        var reportARNs: [String] = []
        for build in builds {
            for arn in build.reportArns ?? [] where !reportARNs.contains(arn) {
                if let problem = Self.unsafeArgument(arn) {
                    fail("codebuild batch-get-reports", [arn], code: "invalidId", message: problem, missing: "a report of build \(build.id ?? "?")")
                } else {
                    reportARNs.append(arn)
                }
            }
        }
        collectReports(reportARNs)
        for build in builds where Self.failedStatuses.contains(build.buildStatus?.rawValue ?? "") {
            collectLog(of: build)
        }
    }

    /// `batch-get-reports` (100 a call), then every page of `describe-test-cases` of each test report.
    private func collectReports(_ arns: [String]) {
        var testReports: [String] = []
        for chunk in Self.chunks(arns) {
            // When the reports cannot be read, their test cases may still be.
            let response = batchGet(ReportsResponse.self, chunk, root: false)
            let skipped = Set(response?.notFound ?? []).union((response?.items ?? []).filter { $0.type == "CODE_COVERAGE" }.compactMap(\.arn))
            testReports += chunk.filter { !skipped.contains($0) }
        }
        for arn in testReports {
            paged(
                "codebuild describe-test-cases", ids: [arn], arguments: ["--report-arn", arn], fileParts: ["describe-test-cases", arn],
                missing: "the test cases of report \(arn)")
        }
    }

    /// The whole CloudWatch log of a build: `get-log-events --start-from-head`, following `nextForwardToken`
    /// until the service hands back the token it was given; when that is denied, `filter-log-events` on the
    /// stream. Kept to `maxLogBytes` (head and tail).
    private func collectLog(of build: Build) {
        let buildID = build.id ?? build.arn.flatMap { try? CollectTarget.codeBuildID($0, kind: .build).get() } ?? "unknown-build"
        guard let group = build.logs?.groupName, let stream = build.logs?.streamName else {
            fail(
                "logs get-log-events", [buildID], code: "noLogStream",
                message: "the build names no CloudWatch log group and stream (logs disabled, or the build never started)",
                missing: "the log of build \(buildID)")
            return
        }
        for value in [group, stream] {
            if let problem = Self.unsafeArgument(value) {
                fail("logs get-log-events", [buildID], code: "invalidId", message: problem, missing: "the log of build \(buildID)")
                return
            }
        }
        let target = ["--log-group-name", group, "--log-stream-name", stream]
        var log = LogAssembler(maxBytes: options.maxLogBytes)
        let first = follow("logs get-log-events", ids: [buildID], arguments: target + ["--start-from-head"], token: "--next-token", log: &log) {
            $0.nextForwardToken
        }
        var used = first
        if first.error?.code == "AccessDeniedException" {
            progress("collect: get-log-events denied for build \(buildID); trying filter-log-events")
            log = LogAssembler(maxBytes: options.maxLogBytes)
            used = follow(
                "logs filter-log-events", ids: [buildID], arguments: ["--log-group-name", group, "--log-stream-names", stream, "--no-paginate"],
                token: "--next-token", log: &log
            ) { $0.nextToken }
        }
        if let error = used.error {
            let tried = used.operation == first.operation ? first.operation : "\(first.operation), then \(used.operation)"
            fail(
                used.operation, [buildID], code: error.code ?? error.kind.rawValue,
                message: "\(error.message) (log group \(group), stream \(stream); tried \(tried))",
                missing: "the log of build \(buildID)")
            if log.totalLines == 0 { return }
        }
        guard log.totalLines > 0 else {
            fail(
                used.operation, [buildID], code: "emptyLog", message: "the log stream \(stream) holds no events",
                missing: "the log of build \(buildID)")
            return
        }
        let name = output.name([buildID], ext: "log", subfolder: "logs")
        save(Data(log.text.utf8), to: name)
        manifest.calls[used.callIndex].file = name
        if let note = log.cutNote {
            manifest.calls[used.callIndex].note = note
            progress("collect: log of build \(buildID): \(note)")
        }
    }

    private struct Followed {
        var operation: String
        var error: AWSCLIError?
        var callIndex: Int
    }

    /// Log events page after page, each event's message appended to `log`.
    private func follow(
        _ operation: String, ids: [String], arguments: [String], token option: String, log: inout LogAssembler,
        next: (LogEventsResponse) -> String?
    ) -> Followed {
        let loop = followTokens(operation, ids: ids, arguments: arguments, tokenOption: option, limit: options.maxPages) { data, page in
            guard let response = try? JSONDecoder().decode(LogEventsResponse.self, from: data) else {
                return .failed(AWSCLIError(kind: .other, code: "unreadable", message: "page \(page) is not the JSON of \(operation)"))
            }
            for event in response.events ?? [] { log.append(event.message ?? "") }
            return .next(next(response))
        }
        return Followed(operation: operation, error: loop.failure, callIndex: loop.callIndex)
    }

    // MARK: - CodePipeline

    private func collectPipeline(_ name: String, executionID given: String?) {
        let stateFile = output.name(["get-pipeline-state", name], ext: "json")
        let stateData = single("codepipeline get-pipeline-state", ids: [name], arguments: ["--name", name], file: stateFile, missing: "the state of pipeline \(name)")
        let state = stateData.flatMap { try? JSONDecoder().decode(PipelineState.self, from: $0) }
        _ = single(
            "codepipeline get-pipeline", ids: [name], arguments: ["--name", name], file: output.name(["get-pipeline", name], ext: "json"),
            missing: "the definition of pipeline \(name)")

        var summaries: [PipelineExecutionSummary]?
        var executionID = given
        if executionID == nil {
            summaries = listExecutions(name, until: { $0.contains { $0.status?.known == .failed } })
            let list = summaries ?? []
            executionID = (list.first { $0.status?.known == .failed } ?? list.first)?.pipelineExecutionId
            if let executionID, list.first(where: { $0.status?.known == .failed }) == nil {
                progress("collect: pipeline \(name) has no failed execution in its history; looking at the latest, \(executionID)")
            }
        }
        guard let executionID, case .success = RetryCommandBuilder.pipelineExecutionId(executionID) else {
            if state == nil { rootFetched = false }
            if given == nil {
                fail(
                    "codepipeline list-pipeline-executions", [name], code: "noExecution", message: "no execution of pipeline \(name) was found",
                    missing: "the execution to triage")
            }
            return
        }
        var execution = fetchExecution(name, executionID)
        if options.wait, let current = execution, Self.isRunning(current) {
            waitUntilDone(what: "pipeline \(name) execution \(executionID)") {
                execution = self.fetchExecution(name, executionID, polling: true)
                return execution.map(Self.isRunning) ?? false
            }
        }
        if state == nil && execution == nil { rootFetched = false }

        var buildIDs: [String] = []
        var batchIDs: [String] = []
        for detail in listActionExecutions(name, executionID) {
            guard detail.input?.actionTypeId?.provider == "CodeBuild", let external = detail.output?.executionResult?.externalExecutionId else {
                continue
            }
            let batch = detail.input?.configuration?["BatchEnabled"]?.lowercased() == "true"
            switch CollectTarget.codeBuildID(external, kind: batch ? .batch : .build) {
            case .success(let id): batch ? batchIDs.append(id) : buildIDs.append(id)
            case .failure(let error):
                fail(
                    "codepipeline list-action-executions", [external], code: "invalidId", message: error.description,
                    missing: "the CodeBuild run of action \(detail.actionName ?? "?")")
            }
        }

        // Later executions: the execution was superseded, or a stage's latest execution is a newer one (which is
        // also why a retry of this one fails with NotLatestPipelineExecutionException).
        var candidates: [String] = []
        for stage in state?.stageStates ?? [] {
            if let id = stage.latestExecution?.pipelineExecutionId, id != executionID, !candidates.contains(id) { candidates.append(id) }
        }
        let superseded = execution?.status?.known == .superseded
        if superseded || !candidates.isEmpty {
            if summaries?.contains(where: { $0.pipelineExecutionId == executionID }) != true {
                summaries = listExecutions(name, until: { $0.contains { $0.pipelineExecutionId == executionID } })
            }
            let list = summaries ?? []
            var later = candidates
            if let position = list.firstIndex(where: { $0.pipelineExecutionId == executionID }) {
                // Newest first: the executions before it in the list started after it.
                let newer = list[..<position].reversed().compactMap(\.pipelineExecutionId)
                later = newer.filter { superseded || candidates.contains($0) }
            }
            for id in later.prefix(10) where RetryCommandBuilder.pipelineExecutionId(id).isSuccess {
                _ = fetchExecution(name, id)
            }
        }
        if !batchIDs.isEmpty { collectBatches(batchIDs, root: false) }
        if !buildIDs.isEmpty { collectBuildDetails(collectBuilds(buildIDs, root: false)) }
    }

    private static func isRunning(_ execution: PipelineExecution) -> Bool {
        execution.status?.known == .inProgress || execution.status?.known == .stopping
    }

    private var executionFiles: [String: String] = [:]

    private func fetchExecution(_ name: String, _ id: String, polling: Bool = false) -> PipelineExecution? {
        let file = executionFiles[id] ?? output.name(["get-pipeline-execution", id], ext: "json")
        executionFiles[id] = file
        guard
            let data = single(
                "codepipeline get-pipeline-execution", ids: [name, id], arguments: ["--pipeline-name", name, "--pipeline-execution-id", id],
                file: file, missing: "execution \(id) of pipeline \(name)")
        else { return nil }
        return (try? JSONDecoder().decode(PipelineExecutionResponse.self, from: data))?.pipelineExecution
    }

    /// Pages of `list-pipeline-executions`, newest first, until `enough` says so (or 10 pages).
    private func listExecutions(_ name: String, until enough: ([PipelineExecutionSummary]) -> Bool) -> [PipelineExecutionSummary]? {
        var all: [PipelineExecutionSummary] = []
        let pages = paged(
            "codepipeline list-pipeline-executions", ids: [name], arguments: ["--pipeline-name", name],
            fileParts: ["list-pipeline-executions", name], missing: "the execution history of pipeline \(name)", maxPages: 10
        ) { data in
            all += (try? JSONDecoder().decode(ExecutionSummariesResponse.self, from: data))?.pipelineExecutionSummaries ?? []
            return !enough(all)
        }
        return pages == nil && all.isEmpty ? nil : all
    }

    private func listActionExecutions(_ name: String, _ id: String) -> [ActionExecutionDetail] {
        var all: [ActionExecutionDetail] = []
        _ = paged(
            "codepipeline list-action-executions", ids: [name, id], arguments: ["--pipeline-name", name, "--filter", "pipelineExecutionId=\(id)"],
            fileParts: ["list-action-executions", id], missing: "the action executions of execution \(id)"
        ) { data in
            all += (try? JSONDecoder().decode(ActionExecutionsResponse.self, from: data))?.actionExecutionDetails ?? []
            return true
        }
        return all
    }

    // MARK: - Calls

    private struct Invocation {
        var data: Data?
        var error: AWSCLIError?
        var exitStatus: Int32?
        var attempts: Int
    }

    /// Runs one request; a transient failure is run again after each of `retryDelays` (the aws CLI has already
    /// retried it itself).
    private func invoke(_ service: String, _ command: String, _ arguments: [String]) -> Invocation {
        var attempts = 0
        while true {
            attempts += 1
            requests += 1
            let result = cli.run(service: service, operation: command, arguments: arguments)
            if result.succeeded {
                let data = Data(result.stdout.utf8)
                bytes += data.count
                return Invocation(data: data, error: nil, exitStatus: result.exitStatus, attempts: attempts)
            }
            let error = result.error ?? AWSCLIError(kind: .other, message: "exit status \(result.exitStatus.map(String.init) ?? "?")")
            if error.isTransient, attempts <= options.retryDelays.count {
                let delay = options.retryDelays[attempts - 1]
                progress("collect: \(service) \(command): \(error.code ?? error.kind.rawValue); trying again in \(delay) (attempt \(attempts + 1))")
                Thread.sleep(forTimeInterval: Self.seconds(delay))
                continue
            }
            return Invocation(data: nil, error: error, exitStatus: result.exitStatus, attempts: attempts)
        }
    }

    /// A one-page call whose response is saved as `file`; nil (recorded as a failure) when it failed.
    private func single(_ operation: String, ids: [String], arguments: [String], file: String, missing: String) -> Data? {
        let started = ContinuousClock.now
        let (service, command) = Self.split(operation)
        let outcome = invoke(service, command, arguments)
        if let data = outcome.data { save(data, to: file) }
        record(
            operation, ids: ids, exitStatus: outcome.exitStatus, pages: outcome.data == nil ? 0 : 1, attempts: outcome.attempts,
            bytes: outcome.data?.count ?? 0, started: started, file: outcome.data == nil ? nil : file, error: outcome.error)
        if let error = outcome.error {
            fail(operation, ids, code: error.code ?? error.kind.rawValue, message: error.message, missing: missing)
        }
        return outcome.data
    }

    /// Every page of a paginated call (`--no-paginate`, `--next-token`), each saved as `…-pN.json`; `each` sees
    /// every page and returns whether to go on. Returns the number of pages, nil when the first one failed.
    @discardableResult
    private func paged(
        _ operation: String, ids: [String], arguments: [String], fileParts: [String], missing: String, maxPages: Int? = nil,
        each: (Data) -> Bool = { _ in true }
    ) -> Int? {
        var first: String?
        let loop = followTokens(
            operation, ids: ids, arguments: arguments + ["--no-paginate"], tokenOption: "--next-token",
            limit: min(maxPages ?? options.maxPages, options.maxPages)
        ) { data, page in
            let file = output.name(fileParts + ["p\(page)"], ext: "json")
            save(data, to: file)
            if first == nil { first = file }
            guard each(data) else { return .next(nil) }
            return .next((try? JSONDecoder().decode(PagedResponse.self, from: data))?.nextToken)
        }
        manifest.calls[loop.callIndex].file = first
        if let failure = loop.failure {
            let what = loop.pages == 0 ? missing : "\(missing) after page \(loop.pages)"
            fail(operation, ids, code: failure.code ?? failure.kind.rawValue, message: failure.message, missing: what)
        }
        return loop.pages == 0 && loop.failure != nil ? nil : loop.pages
    }

    /// What a page says: the next token (nil at the end), or why the page cannot be used.
    private enum PageOutcome {
        case next(String?)
        case failed(AWSCLIError)
    }

    /// The loop of every paginated call: run, hand the page to `page` (which returns the next token, nil at the
    /// end), and go on until there is no token, the service hands back one it already gave (the end of a log
    /// stream), `limit` pages, or a failure. One manifest call for all pages.
    private func followTokens(
        _ operation: String, ids: [String], arguments: [String], tokenOption: String, limit: Int,
        page: (Data, Int) -> PageOutcome
    ) -> (pages: Int, failure: AWSCLIError?, callIndex: Int) {
        let started = ContinuousClock.now
        let (service, command) = Self.split(operation)
        var token: String?
        var seen: Set<String> = []
        var pages = 0
        var attempts = 0
        var received = 0
        var failure: AWSCLIError?
        var exitStatus: Int32? = 0
        while true {
            let outcome = invoke(service, command, arguments + (token.map { RetryCommandBuilder.option(tokenOption, $0) } ?? []))
            attempts += outcome.attempts
            exitStatus = outcome.exitStatus
            guard let data = outcome.data else {
                failure = outcome.error
                break
            }
            pages += 1
            received += data.count
            let next: String?
            switch page(data, pages) {
            case .next(let value): next = value
            case .failed(let error):
                failure = error
                next = nil
            }
            guard let next, !next.isEmpty, next != token, seen.insert(next).inserted else { break }
            if let problem = Self.unsafeArgument(next) {
                failure = AWSCLIError(kind: .other, code: "invalidToken", message: "the next token is refused: \(problem)")
                break
            }
            if pages >= limit {
                if limit == options.maxPages {
                    failure = AWSCLIError(kind: .other, code: "tooManyPages", message: "stopped after \(pages) pages")
                }
                break
            }
            token = next
        }
        let index = record(
            operation, ids: ids, exitStatus: exitStatus, pages: pages, attempts: attempts, bytes: received, started: started, file: nil,
            error: failure)
        return (pages, failure, index)
    }

    /// Polls with `poll` (which says whether it is still running) every `pollInterval`, until done or `waitTimeout`.
    private func waitUntilDone(what: String, poll: () -> Bool) {
        let start = ContinuousClock.now
        while true {
            let elapsed = ContinuousClock.now - start
            if elapsed >= options.waitTimeout {
                progress("collect: waiting: \(what) still in progress after \(Self.minutes(elapsed)); collecting it as it is")
                fail(
                    "wait", [what], code: "waitTimeout", message: "still in progress after \(Self.minutes(elapsed)) (--timeout)",
                    missing: "the final state of \(what)")
                return
            }
            progress("collect: waiting: \(what) is in progress (\(Self.minutes(elapsed)) of \(Self.minutes(options.waitTimeout)))")
            Thread.sleep(forTimeInterval: min(Self.seconds(options.pollInterval), Self.seconds(options.waitTimeout - elapsed)))
            if !poll() { return }
        }
    }

    // MARK: - Manifest

    @discardableResult
    private func record(
        _ operation: String, ids: [String], exitStatus: Int32?, pages: Int, attempts: Int, bytes received: Int, started: ContinuousClock.Instant,
        file: String?, error: AWSCLIError?
    ) -> Int {
        let seconds = Self.seconds(ContinuousClock.now - started)
        manifest.calls.append(
            CollectManifest.Call(
                operation: operation, ids: ids, exitStatus: exitStatus, pages: pages, attempts: attempts, bytes: received,
                seconds: (seconds * 1000).rounded() / 1000, file: file, error: error.map { "\($0.code ?? $0.kind.rawValue): \($0.message)" }))
        let count = ids.count == 1 ? ids[0] : "\(ids.count) ids"
        progress(
            "collect: \(operation) \(count): \(error == nil ? "ok" : "FAILED"), \(pages) page\(pages == 1 ? "" : "s"), \(Self.size(received)) "
                + "(\(requests) requests, \(Self.size(bytes)) so far)")
        return manifest.calls.count - 1
    }

    private func fail(_ operation: String, _ ids: [String], code: String, message: String, missing: String) {
        manifest.failures.append(CollectManifest.Failure(operation: operation, ids: ids, code: code, message: message, missing: missing))
        progress("collect: missing \(missing): \(operation): \(code): \(message) (recorded in manifest.json; collecting the rest)")
    }

    private func save(_ data: Data, to file: String) {
        do {
            try output.write(data, to: file)
            if !manifest.files.contains(file) { manifest.files.append(file) }
        } catch {
            fail("write", [file], code: "writeFailed", message: error.localizedDescription, missing: file)
        }
    }

    // MARK: - Helpers

    /// Why a value taken from a response cannot be passed to the aws CLI, or nil: never empty, no control
    /// characters, and nothing the CLI v1 would load instead of sending (`file://`, `fileb://`, `http(s)://`).
    static func unsafeArgument(_ value: String) -> String? {
        if value.isEmpty { return "an empty value" }
        if value.unicodeScalars.count > 4096 { return "a value of \(value.unicodeScalars.count) characters" }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || Display.needsEscape($0) && $0 != " " }) {
            return "\(Display.quoted(value)) contains control characters"
        }
        let lowered = value.lowercased()
        if ["file://", "fileb://", "http://", "https://"].contains(where: lowered.hasPrefix) {
            return "\(Display.quoted(value)) would make the aws CLI load a file or URL"
        }
        return nil
    }

    /// `ids` in runs of at most 100 (the `batch-get-*` limit).
    private static func chunks(_ ids: [String]) -> [[String]] {
        stride(from: 0, to: ids.count, by: 100).map { Array(ids[$0..<min($0 + 100, ids.count)]) }
    }

    private static func split(_ operation: String) -> (String, String) {
        let parts = operation.split(separator: " ", maxSplits: 1)
        return (String(parts[0]), String(parts[1]))
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    private static func minutes(_ duration: Duration) -> String {
        let total = Int(seconds(duration))
        return total >= 60 ? "\(total / 60)m\(total % 60)s" : "\(total)s"
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1_048_576 ? String(format: "%.1f MiB", Double(bytes) / 1_048_576)
            : bytes >= 1024 ? String(format: "%.1f KiB", Double(bytes) / 1024) : "\(bytes) B"
    }

    private static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}

extension Result {
    fileprivate var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
