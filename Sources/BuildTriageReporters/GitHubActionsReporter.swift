public import BuildTriageCore

/// GitHub Actions workflow commands: one annotation per finding entry (look-alike findings grouped), most
/// important first, at most `annotationLimit` in all: the verdict notice, the findings, and when some were
/// left out, a last notice that says how many. `::error` for what calls for a fix or a person (client-error,
/// test-failure, build-failure, a timeout whose target needs investigating), `::warning` for
/// infrastructure, flaky and timeout, `::notice` for collateral, stopped and ignored. Values are escaped
/// with GitHub's rules, so no input can end a command or start a new one.
public struct GitHubActionsReporter: Reporter {
    /// `--format github`.
    public static let format = OutputFormat.github
    /// Annotations written at most (GitHub shows 10 errors and 10 warnings per step, 50 per job).
    public static let annotationLimit = 50
    /// Bytes of a message kept before escaping.
    static let messageBytes = 4000
    /// Unreadable inputs named in the warning about them.
    static let unreadableListed = 10

    /// The reporter (it has no configuration).
    public init() {}

    /// Renders the whole report (pure: same report and options, same text).
    public func render(_ report: TriageReport, options: RenderOptions) -> String {
        let outline = ReportOutline(report)
        var actionOf: [String: Action] = [:]
        var actionOfTarget: [Target: Action] = [:]
        for recommendation in report.recommendations {
            for id in recommendation.findings where actionOf[id] == nil { actionOf[id] = recommendation.action }
            if actionOfTarget[recommendation.target] == nil { actionOfTarget[recommendation.target] = recommendation.action }
        }

        // Every entry, folded ones included, with its level; then the most important first.
        var candidates: [Candidate] = []
        var order = 0
        func collect(_ entry: ReportOutline.Entry, under root: Finding?) {
            let finding = entry.group.representative
            let action = actionOf[finding.id] ?? finding.target.flatMap { actionOfTarget[$0] }
            candidates.append(Candidate(entry: entry, root: root, level: Self.level(finding.category, action: action), order: order))
            order += 1
            for child in entry.children { collect(child, under: finding) }
        }
        for section in outline.sections {
            for entry in section.entries { collect(entry, under: nil) }
        }
        candidates.sort { ($0.level.rawValue, $0.entry.group.category.rank, $0.order) < ($1.level.rawValue, $1.entry.group.category.rank, $1.order) }

        var lines: [String] = []
        let summary = "\(Describe.verdictSentence(report.verdict)) \(Describe.countsSentence(report)) Tests: \(Describe.tests(report.tests))."
        lines.append(command(.notice, properties: [("title", "BuildTriage verdict: \(report.verdict.rawValue)")], message: summary))
        if let caveat = Describe.caveat(report) {
            // Counted among the annotations: what could not be read limits every conclusion.
            // Which ones, so that the log says what to look at without the JSON report.
            let unreadable = report.inputs.filter { $0.status == .error }
            var message = caveat
            for input in unreadable.prefix(Self.unreadableListed) {
                message += "\n" + input.path.capped(bytes: 300) + (Describe.diagnostic(input).map { ": " + $0.capped(bytes: 300) } ?? "")
            }
            if unreadable.count > Self.unreadableListed { message += "\n… \(unreadable.count - Self.unreadableListed) more" }
            lines.append(command(.warning, properties: [("title", "BuildTriage: unreadable inputs")], message: message.capped(bytes: Self.messageBytes)))
        }
        // Inputs with nothing to analyze: a notice, with what to save instead.
        let ignored = report.inputs.filter { $0.status == .ignored }
        if !ignored.isEmpty {
            var message = "\(ignored.count) \(ignored.count == 1 ? "input holds" : "inputs hold") nothing to analyze:"
            for input in ignored.prefix(Self.unreadableListed) {
                message += "\n" + input.path.capped(bytes: 300) + (Describe.diagnostic(input).map { ": " + $0.capped(bytes: 400) } ?? "")
            }
            if ignored.count > Self.unreadableListed { message += "\n… \(ignored.count - Self.unreadableListed) more" }
            lines.append(command(.notice, properties: [("title", "BuildTriage: ignored inputs")], message: message.capped(bytes: Self.messageBytes)))
        }

        // When not everything fits, the last slot is kept for the notice that says so: it is an annotation too.
        let room = Self.annotationLimit - lines.count
        let shown = candidates.prefix(candidates.count > room ? room - 1 : room)
        for candidate in shown {
            lines.append(annotation(candidate))
        }
        let left = candidates.dropFirst(shown.count).reduce(0) { $0 + $1.entry.group.count }
        if left > 0 {
            let message = "\(left) more \(left == 1 ? "finding was" : "findings were") not annotated "
                + "(at most \(Self.annotationLimit) annotations); see the JSON report."
            lines.append(command(.notice, properties: [("title", "BuildTriage")], message: message))
        }
        return lines.map { $0 + "\n" }.joined()
    }

    enum Level: Int {
        case error, warning, notice
    }

    private struct Candidate {
        var entry: ReportOutline.Entry
        /// The finding this one is folded under (what caused it).
        var root: Finding?
        var level: Level
        var order: Int
    }

    static func level(_ category: Category, action: Action?) -> Level {
        switch category {
        case .clientError, .testFailure, .buildFailure: .error
        case .timeout: action == .investigate ? .error : .warning
        case .infrastructure, .flaky: .warning
        case .collateral, .stopped, .ignored: .notice
        }
    }

    private func annotation(_ candidate: Candidate) -> String {
        let group = candidate.entry.group
        let finding = group.representative
        var properties: [(String, String)] = []
        if let evidence = finding.evidence.first(where: { $0.path?.isEmpty == false }), let path = evidence.path {
            properties.append(("file", path.capped(bytes: 1000)))
            if let line = evidence.line, line > 0 { properties.append(("line", String(line))) }
        }
        let count = group.count > 1 ? " ×\(group.count)" : ""
        properties.append(("title", "\(finding.category.rawValue)\(count): \(finding.subject.id.capped(bytes: 300))"))

        var message = (Describe.messageNamesSubject(finding) ? "" : "\(finding.subject.id.capped(bytes: 300)): ") + finding.message.capped(bytes: 2000)
        if group.count > 1 {
            message += "\n(also: " + Describe.examples(group.otherSubjects(limit: 3), total: group.count - 1) + ")"
        }
        let shown = finding.evidence.prefix(3)
        for (evidence, location) in zip(shown, Describe.locations(shown)) {
            let lines = Describe.lines(evidence.text, limit: TextReporter.linesPerEvidence, bytes: 300)
            guard !lines.isEmpty else { continue }
            let location = location.map { $0 + ": " } ?? ""
            message += "\n" + location + lines.joined(separator: "\n")
        }
        if let root = candidate.root {
            message += "\ncaused by \(root.category.rawValue) of \(root.subject.kind.rawValue) \(root.subject.id.capped(bytes: 300))"
        }
        return command(candidate.level, properties: properties, message: message.capped(bytes: Self.messageBytes))
    }

    private func command(_ level: Level, properties: [(String, String)], message: String) -> String {
        let name =
            switch level {
            case .error: "error"
            case .warning: "warning"
            case .notice: "notice"
            }
        let list = properties.map { "\($0.0)=\(Escape.githubProperty($0.1))" }.joined(separator: ",")
        return "::\(name)\(list.isEmpty ? "" : " " + list)::\(Escape.githubData(message))"
    }
}
