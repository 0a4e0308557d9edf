/// The result of one run: what `--format json` prints (Docs/decisions.md, schemaVersion 1) and what every
/// reporter renders.
public struct TriageReport: Codable, Hashable, Sendable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var verdict: Verdict
    public var inputs: [InputRecord]
    public var tests: TestCounts
    public var findings: [Finding]
    public var recommendations: [Recommendation]
    /// Problems that are not about one input (a rule file, an external analyzer).
    public var diagnostics: [String]
    /// Phases, build groups and stages in time order, for timelines.
    public var timeline: [TimelineEntry]

    public init(
        verdict: Verdict, inputs: [InputRecord], tests: TestCounts, findings: [Finding] = [],
        recommendations: [Recommendation] = [], diagnostics: [String] = [], timeline: [TimelineEntry] = []
    ) {
        self.schemaVersion = Self.currentSchemaVersion
        self.verdict = verdict
        self.inputs = inputs
        self.tests = tests
        self.findings = findings
        self.recommendations = recommendations
        self.diagnostics = diagnostics
        self.timeline = timeline
    }

    /// Whether any input could not be read.
    public var hasUnreadableInput: Bool { inputs.contains { $0.status == .error } }
}

/// One bar of a timeline: a batch phase, a build group's current attempt, a build phase or a pipeline stage.
public struct TimelineEntry: Codable, Hashable, Sendable {
    public enum Lane: String, Codable, Hashable, Sendable {
        case batchPhase = "batch-phase"
        case buildGroup = "build-group"
        case buildPhase = "build-phase"
        case stage
        case action
    }

    public var lane: Lane
    /// The batch, build or pipeline the entry belongs to.
    public var owner: String
    public var name: String
    public var status: String?
    public var start: Timestamp?
    public var end: Timestamp?
    /// Build groups this one depends on (dependency arrows).
    public var dependsOn: [String]?

    public init(lane: Lane, owner: String, name: String, status: String?, start: Timestamp?, end: Timestamp?, dependsOn: [String]? = nil) {
        self.lane = lane
        self.owner = owner
        self.name = name
        self.status = status
        self.start = start
        self.end = end
        self.dependsOn = dependsOn
    }
}

/// An output format, and so a reporter: the switch in `BuildTriageReporters` must cover every case.
public enum OutputFormat: String, Codable, Hashable, Sendable, CaseIterable {
    case text, json, markdown, github, html
}

/// Options that change how a report is rendered (never what it says).
public struct RenderOptions: Sendable, Hashable {
    /// ANSI colour (text format): only on a terminal, and never with `NO_COLOR`.
    public var color: Bool

    public init(color: Bool = false) {
        self.color = color
    }
}

/// Turns a report into the bytes of one format. Pure: no I/O, no clock, no environment.
public protocol Reporter: Sendable {
    /// The format this reporter writes.
    static var format: OutputFormat { get }
    /// Renders the whole report.
    func render(_ report: TriageReport, options: RenderOptions) -> String
}

extension Timestamp {
    /// `iso8601`'s fields (year, month, day, hour, minute, second, millisecond) when the year has four digits
    /// (0–9999: every valid time), for writers that put the digits straight into their output instead of
    /// building a String per timestamp; nil otherwise (use `iso8601`). The same fields as `iso8601` shows.
    package var iso8601Fields: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millis: Int)? {
        let fields = utcFields
        return (0...9999).contains(fields.year) ? fields : nil
    }
}
