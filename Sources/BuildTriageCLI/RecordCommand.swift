import ArgumentParser
import BuildTriageKit
import Foundation

/// `buildtriage record`: store a run's test outcomes, verdict and findings in the history.
struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a run's test outcomes in the history (idempotent by run id).",
        discussion: """
            Reads the same inputs as analyze. The run id, commit, branch and start time default to what the inputs \
            say (the batch's or build's id, resolvedSourceVersion, sourceVersion or $CODEBUILD_WEBHOOK_HEAD_REF, the \
            start time); else the time is now. Recording the same run id again replaces that run.
            """)

    @Argument(help: "Files, directories or '-' (standard input).")
    var paths: [String] = []

    @Option(name: .customLong("run-id"), help: "The run's id (default: the batch's or build's id).")
    var runID: String?

    @Option(name: .long, help: "The commit the run tested (default: resolvedSourceVersion).")
    var commit: String?

    @Option(name: .long, help: "The branch (default: sourceVersion or the webhook ref).")
    var branch: String?

    @Option(name: .long, help: ArgumentHelp("When the run started, ISO 8601 (default: the batch's start time, else now).", valueName: "time"))
    var at: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one file, directory or '-'") }
        if let at, Timestamp(iso8601: at) == nil { throw ValidationError("--at must be an ISO 8601 time, e.g. 2026-12-02T10:00:00Z") }
        if let runID, runID.isEmpty { throw ValidationError("--run-id must not be empty") }
    }

    func run() throws {
        let input = Triage.read(paths: paths)
        let report = Triage.report(for: input)
        Output.echoDiagnostics(of: report)
        // Nothing read: an empty run would say every test vanished, and would replace a good run of the same id.
        if input.documents.isEmpty, report.hasUnreadableInput {
            FileHandle.standardError.write(Data("buildtriage: nothing recorded: no input could be read\n".utf8))
            throw ExitCode(TriageExitCode.unreadableInput.rawValue)
        }
        let defaults = RunDefaults(input: input)
        let environment = ProcessInfo.processInfo.environment
        guard let key = runID ?? defaults.runID else {
            throw ValidationError("--run-id is needed: the inputs name no batch or build")
        }
        let branch = self.branch ?? defaults.branch ?? environment["CODEBUILD_WEBHOOK_HEAD_REF"].flatMap(RunDefaults.branch(fromSourceVersion:))
        let startedAt = at.flatMap { Timestamp(iso8601: $0) } ?? defaults.startedAt ?? Timestamp(secondsSince1970: Date().timeIntervalSince1970)
        let record = Triage.runRecord(
            input: input, report: report, key: key, commit: commit ?? defaults.commit, branch: branch, startedAt: Int64(startedAt.secondsSince1970))
        try store.with(.write) { store in try await store!.record(record) }
        let failed = record.outcomes.filter { $0.status.failedInTheEnd }.count
        let flaky = record.outcomes.filter { $0.status == .flakyInRun }.count
        print("recorded run \(key): \(record.outcomes.count) tests, \(failed) failed, \(flaky) flaky in the run")
        if report.hasUnreadableInput { throw ExitCode(TriageExitCode.unreadableInput.rawValue) }
    }
}
