@_exported public import BuildTriageCore
@_exported public import BuildTriageAnalyzers
@_exported public import BuildTriageRetry
@_exported public import BuildTriageReporters
@_exported public import BuildTriageHistory
public import BuildTriageIngest
import Foundation

/// The whole pipeline, as the CLI and other tools call it: ingest → analyze → decide → report.
public enum Triage {
    /// Reads the inputs and analyzes them.
    public static func run(
        paths: [String], configuration: AnalysisConfiguration = AnalysisConfiguration(), ingestor: Ingestor = Ingestor(),
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) -> TriageReport {
        let input = read(paths: paths, configuration: configuration, ingestor: ingestor, progress: progress)
        return report(for: input, configuration: configuration)
    }

    /// Reads the inputs for an analysis with `configuration`: build logs stream by its knowledge-base rules and
    /// are not kept in memory, unless its external analyzers need their text.
    public static func read(
        paths: [String], configuration: AnalysisConfiguration, ingestor: Ingestor = Ingestor(), progress: (@Sendable (Int, Int) -> Void)? = nil
    ) -> TriageInput {
        var ingestor = ingestor
        ingestor.logs = Ingestor.LogReading(matcher: configuration.rules.matcher(), keepText: !configuration.plugins.isEmpty)
        return ingestor.ingest(paths: paths, progress: progress)
    }

    /// Reads the inputs (what `run` analyzes), keeping build logs' text for any later analysis.
    public static func read(paths: [String], ingestor: Ingestor = Ingestor(), progress: (@Sendable (Int, Int) -> Void)? = nil) -> TriageInput {
        ingestor.ingest(paths: paths, progress: progress)
    }

    /// Analyzes inputs already read.
    public static func report(for input: TriageInput, configuration: AnalysisConfiguration = AnalysisConfiguration()) -> TriageReport {
        // The timeline depends on the input alone: it is built on another thread while this one analyzes (not
        // with concurrentPerform: the analysis runs its analyzers with concurrentPerform, which a nested
        // concurrentPerform would run one by one).
        let parts = ReportParts()
        let timeline = DispatchGroup()
        DispatchQueue.global().async(group: timeline) { parts.timeline = Timeline.entries(for: input) }
        let result = AnalysisEngine.analyze(input, configuration: configuration)
        timeline.wait()
        return TriageReport(
            verdict: result.verdict, inputs: input.inputs, tests: result.tests, findings: result.findings,
            recommendations: result.recommendations, diagnostics: result.diagnostics, timeline: parts.timeline)
    }
}

/// The timeline of a report, written by the task that builds it and read after waiting for that task's group
/// (which orders the write before the read): no other synchronization is needed.
private final class ReportParts: @unchecked Sendable {
    var timeline: [TimelineEntry] = []
}

/// Exit codes for CI (documented in the README).
public enum TriageExitCode: Int32, Sendable, CaseIterable {
    /// Nothing needs doing: every target is `none`.
    case clean = 0
    /// Something needs a person: the verdict is `fix` or `investigate`.
    case needsAttention = 1
    /// A retry is recommended (or, with `--execute`, was done).
    case retry = 2
    /// Still running: wait, then run again.
    case wait = 3
    /// Some input could not be read (the others were analyzed; see the report's inputs).
    case unreadableInput = 4
    /// `--execute`: a retry command failed.
    case retryFailed = 5
    /// `record`, `flaky`, `quarantine`, `history`: the history store cannot be used.
    case historyUnusable = 6
    /// Bad flags or arguments (swift-argument-parser's validation code).
    case usage = 64

    /// The code for a report: an unreadable input wins, because the verdict may then miss something.
    public static func forReport(_ report: TriageReport) -> TriageExitCode {
        if report.hasUnreadableInput { return .unreadableInput }
        switch report.verdict {
        case .clean: return .clean
        case .wait: return .wait
        case .retry: return .retry
        case .investigate, .fix: return .needsAttention
        }
    }
}
