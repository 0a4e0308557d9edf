public import BuildTriageCore

/// The default format, for a terminal and for post-mortems: the verdict first, then each target from the
/// strongest action down with its root-cause findings and evidence, collateral findings folded under their
/// root, and the exact command last; then findings with no target, the tests summary and unreadable inputs.
/// ANSI colour only when `RenderOptions.color` is set; input-derived text never carries control characters.
public struct TextReporter: Reporter {
    /// `--format text`.
    public static let format = OutputFormat.text

    /// Evidence lines shown per finding.
    static let evidencePerFinding = 5
    /// Lines shown of one evidence text (a failure message's first lines).
    static let linesPerEvidence = 3

    /// The reporter (it has no configuration).
    public init() {}

    /// Renders the whole report (pure: same report and options, same text).
    public func render(_ report: TriageReport, options: RenderOptions) -> String {
        var out = TextOutput(color: options.color)
        let outline = ReportOutline(report)

        out.line(out.paint("verdict: \(report.verdict.rawValue)", Self.style(report.verdict)) + " — \(Describe.meaning(report.verdict))")
        out.line(Describe.actionCounts(report))
        if let caveat = Describe.caveat(report) { out.line(out.paint("warning: " + caveat, .yellow)) }

        for section in outline.targetSections {
            guard let recommendation = section.recommendation else { continue }
            out.line("")
            let action = out.paint(recommendation.action.rawValue.uppercased(), Self.style(recommendation.action))
            out.line("\(action) \(out.bold(Escape.terminal(Describe.oneLine(Describe.target(recommendation.target)))))")
            out.line("  reason: \(Escape.terminal(Describe.oneLine(recommendation.reason)))")
            for blocker in recommendation.blockedBy ?? [] {
                out.line("  blocked by: \(Escape.terminal(Describe.oneLine(blocker)))")
            }
            if let attempts = recommendation.attempts {
                out.line("  earlier attempts: \(attempts)")
            }
            for entry in section.entries { entries(entry, depth: 0, into: &out) }
            if let command = Describe.command(recommendation) {
                out.line("  command: " + out.bold(Escape.terminal(Describe.oneLine(command, bytes: 8192))))
            }
        }

        let untargeted = outline.untargeted
        if !untargeted.isEmpty {
            out.line("")
            out.line(out.bold("findings with no target"))
            for entry in untargeted { entries(entry, depth: 0, into: &out) }
        }

        out.line("")
        out.line("tests: " + Describe.tests(report.tests))

        for (status, title, colour) in [(InputStatus.error, "inputs that could not be read", TextOutput.Style.red), (.ignored, Describe.ignoredTitle, .yellow)] {
            let listed = report.inputs.filter { $0.status == status }
            guard !listed.isEmpty else { continue }
            out.line("")
            out.line(out.paint("\(title): \(listed.count)", colour))
            for input in listed {
                let diagnostic = Describe.diagnostic(input).map { ": " + Describe.oneLine($0) } ?? ""
                out.line("  \(Escape.terminal(Describe.oneLine(input.path))) (\(input.kind.rawValue))\(Escape.terminal(diagnostic))")
            }
        }
        if !report.diagnostics.isEmpty {
            out.line("")
            out.line(out.paint("diagnostics: \(report.diagnostics.count)", .yellow))
            for diagnostic in report.diagnostics {
                out.line("  " + Escape.terminal(Describe.oneLine(diagnostic)))
            }
        }
        return out.text
    }

    /// One entry and what it caused, indented under it.
    private func entries(_ entry: ReportOutline.Entry, depth: Int, into out: inout TextOutput) {
        let finding = entry.group.representative
        let indent = String(repeating: "  ", count: depth + 1)
        let subject = Describe.messageNamesSubject(finding) ? "" : Escape.terminal(Describe.oneLine(finding.subject.id, bytes: 300)) + ": "
        let message = Escape.terminal(Describe.oneLine(finding.message))
        let count = entry.group.count > 1 ? " ×\(entry.group.count)" : ""
        if depth > 0, finding.category == .collateral {
            out.line("\(indent)└ \(subject)\(message)")
        } else {
            let tag = out.paint("[\(finding.category.rawValue)\(count)]", Self.style(finding.category))
            out.line("\(indent)\(depth > 0 ? "└ " : "")\(tag) \(subject)\(message)")
        }
        let detailIndent = indent + (depth > 0 ? "    " : "  ")
        if entry.group.count > 1 {
            let others = entry.group.otherSubjects(limit: 3)
            let examples = Describe.examples(others, total: entry.group.count - 1)
            out.line(detailIndent + out.dim("also: " + Escape.terminal(Describe.oneLine(examples))))
        }
        let shown = finding.evidence.prefix(Self.evidencePerFinding)
        for (evidence, location) in zip(shown, Describe.locations(shown)) {
            let location = location.map { Escape.terminal(Describe.oneLine($0, bytes: 300)) }
            let lines = Describe.lines(evidence.text, limit: Self.linesPerEvidence)
            if lines.isEmpty, let location {
                out.line(detailIndent + out.dim(location))
            }
            // Further lines, and lines under the location shown just above, are indented under it.
            let continued = Describe.location(evidence) == nil ? "" : "  "
            for (index, line) in lines.enumerated() {
                let prefix = index == 0 ? location.map { $0 + " " } ?? continued : continued
                out.line(detailIndent + out.dim(prefix + Escape.terminal(line)))
            }
        }
        if finding.evidence.count > Self.evidencePerFinding {
            out.line(detailIndent + out.dim("… \(finding.evidence.count - Self.evidencePerFinding) more evidence lines"))
        }
        for child in entry.children { entries(child, depth: depth + 1, into: &out) }
    }

    static func style(_ verdict: Verdict) -> TextOutput.Style {
        switch verdict {
        case .fix: .red
        case .investigate: .magenta
        case .retry: .yellow
        case .wait: .cyan
        case .clean: .green
        }
    }

    static func style(_ action: Action) -> TextOutput.Style {
        switch action {
        case .fix: .red
        case .investigate: .magenta
        case .retry: .yellow
        case .wait: .cyan
        case .none: .green
        }
    }

    static func style(_ category: Category) -> TextOutput.Style {
        switch category {
        case .clientError, .testFailure, .buildFailure: .red
        case .infrastructure, .timeout, .flaky: .yellow
        case .collateral, .stopped, .ignored: .dimmed
        }
    }
}

/// Lines of terminal text, with ANSI styles when colour is on.
struct TextOutput {
    enum Style: String {
        case red = "1;31"
        case green = "1;32"
        case yellow = "1;33"
        case magenta = "1;35"
        case cyan = "1;36"
        case dimmed = "2"
    }

    let color: Bool
    private(set) var text = ""

    init(color: Bool) {
        self.color = color
    }

    mutating func line(_ line: String) {
        text += line
        text += "\n"
    }

    func paint(_ text: String, _ style: Style) -> String {
        color ? "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m" : text
    }

    func bold(_ text: String) -> String { color ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    func dim(_ text: String) -> String { paint(text, .dimmed) }
}
