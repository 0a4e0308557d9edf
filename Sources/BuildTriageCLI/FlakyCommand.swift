import ArgumentParser
import BuildTriageKit
import Foundation

/// `buildtriage flaky`: the tests history shows failing and passing on the same commit, and the broken ones.
struct Flaky: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List flaky tests (failed and passed on the same commit) and broken ones, from the history.",
        discussion: "Formats: text, json (schemaVersion 1), markdown (a pull-request comment), html (one page with charts).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, markdown, html }

    @Option(name: .long, help: "Only runs of this branch.")
    var branch: String?

    @Option(name: .long, help: ArgumentHelp("Only runs since then: 30d, 12h, 2w or an ISO 8601 date (default: all).", valueName: "30d|date"))
    var since: String?

    @Option(name: .long, help: "Only tests that ran in at least this many runs.")
    var minRuns: Int = 1

    @Option(name: .shortAndLong, help: "Output format.")
    var format: Format = .text

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to a file instead of standard output.", valueName: "file"))
    var output: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard minRuns >= 1 else { throw ValidationError("--min-runs must be 1 or more") }
        if let since, HistoryDates.parseSince(since, now: 0) == nil { throw ValidationError("--since must be like 30d, 12h, 2w or an ISO 8601 date") }
    }

    var window: HistoryWindow {
        HistoryWindow(branch: branch, since: since.flatMap { HistoryDates.parseSince($0, now: Date().timeIntervalSince1970) }, minRuns: minRuns)
    }

    func run() throws {
        let window = self.window
        let needsTrends = format == .html
        let (report, trends) = try store.with(.read) { store -> (FlakyReport, HistoryTrends?) in
            guard let store else { return (FlakyReport(judgement: .empty, window: window), nil) }
            let (report, judgement) = try await store.flakyReport(window)
            return (report, needsTrends ? try await HistoryTrends.make(report: report, judgement: judgement, store: store) : nil)
        }
        let text: String =
            switch format {
            case .json: FlakyRendering.json(report)
            case .text: FlakyRendering.text(report)
            case .markdown: FlakyRendering.markdown(report)
            case .html: FlakyRendering.html(report, trends: trends ?? .empty)
            }
        try Output.emit(text, to: output)
    }
}

/// `buildtriage quarantine`: the tests now flaky, for a quarantine file.
struct Quarantine: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the tests now flaky, one id a line (for analyze --quarantine).",
        discussion: "A test leaves the list once it passed in each of its last N runs. A broken test is never listed: it needs a fix.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Option(name: .long, help: "Passes in a row after which a test leaves the list.")
    var releaseAfter: Int = 20

    @Option(name: .shortAndLong, help: "Output format.")
    var format: Format = .text

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard releaseAfter >= 1 else { throw ValidationError("--release-after must be 1 or more") }
    }

    func run() throws {
        let report = try store.with(.read) { store in
            guard let store else { return FlakyReport(judgement: .empty, window: HistoryWindow()) }
            return try await store.flakyReport(HistoryWindow()).0
        }
        let list = QuarantineList(report: report, releaseAfter: releaseAfter)
        switch format {
        case .text: try Output.emit(list.tests.map(\.id).joined(separator: "\n"), to: nil)
        case .json: try Output.emit(FlakyRendering.encode(list), to: nil)
        }
    }
}

/// `buildtriage history prune|stats`.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Maintain the history.", subcommands: [Prune.self, Stats.self, Migrate.self, Copy.self])

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the history's schema, or upgrade it to this version's (every writing command does it too).")

        @OptionGroup var store: StoreOptions

        func run() throws {
            let location = try store.location
            let version = try store.with(.write) { store in try await store!.schemaVersion() }
            print("history \(location): schema version \(version)")
        }
    }

    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy every run of one history into another (a SQLite file to a team's PostgreSQL, and back).",
            discussion: "A run already in the target under the same run id is replaced, so copying again changes nothing.")

        @Option(name: .long, help: ArgumentHelp("The history to read: a SQLite file or a postgres:// URL.", valueName: "location"))
        var from: String

        @Option(name: .long, help: ArgumentHelp("The history to write: a SQLite file or a postgres:// URL.", valueName: "location"))
        var to: String

        func run() throws {
            let environment = ProcessInfo.processInfo.environment
            let source = try StoreOptions.exitingOnFailure { try HistoryLocation.resolve(option: from, environment: environment, orDefault: false)! }
            let target = try StoreOptions.exitingOnFailure { try HistoryLocation.resolve(option: to, environment: environment, orDefault: false)! }
            let copied = try StoreOptions.run {
                try await StoreOptions.using(source, .read) { reader -> Int in
                    guard let reader else {
                        throw HistoryError(location: source.description, problem: "holds no history", advice: "name the store to copy from with --from")
                    }
                    return try await StoreOptions.using(target, .write) { writer in
                        try await writer!.copy(from: reader) { HistoryStore.describe($0, location: source, timeout: StoreOptions.timeout) }
                    }
                }
            }
            print("copied \(copied) run\(copied == 1 ? "" : "s") from \(source) to \(target)")
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete the runs older than a duration, their outcomes, and the names nothing uses any more.")

        @Option(name: .long, help: ArgumentHelp("Runs that started before this long ago are deleted: 90d, 12w.", valueName: "duration"))
        var olderThan: String

        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard HistoryDates.parseSince(olderThan, now: 0) != nil, !olderThan.contains("-") else { throw ValidationError("--older-than must be like 90d, 12w or 36h") }
        }

        func run() throws {
            let cutoff = HistoryDates.parseSince(olderThan, now: Date().timeIntervalSince1970)!
            let deleted = try store.with(.write) { store in try await store!.prune(before: cutoff) }
            print("deleted \(deleted) run\(deleted == 1 ? "" : "s") that started before \(HistoryDates.iso8601(cutoff))")
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Runs, tests, outcomes, size and oldest run of the history.")

        @Option(name: .shortAndLong, help: "Output format.")
        var format: Quarantine.Format = .text

        @OptionGroup var store: StoreOptions

        func run() throws {
            let location = try? store.location
            let stats = try store.with(.read) { store -> HistoryStats? in try await store?.statsWithSize() }
            guard let stats else {
                FileHandle.standardError.write(Data("buildtriage: no history at \(location?.description ?? "?") yet: record a run first\n".utf8))
                return
            }
            switch format {
            case .json: try Output.emit(FlakyRendering.encode(stats), to: nil)
            case .text: try Output.emit(FlakyRendering.text(stats), to: nil)
            }
        }
    }
}

extension Output {
    /// Text to standard output, or to a file.
    static func emit(_ text: String, to path: String?) throws {
        let body = text.hasSuffix("\n") || text.isEmpty ? text : text + "\n"
        if let path {
            do { try writeFile(Data(body.utf8), to: path) } catch { throw ValidationError("cannot write \(path): \(error.localizedDescription)") }
        } else {
            FileHandle.standardOutput.write(Data(body.utf8))
        }
    }
}
