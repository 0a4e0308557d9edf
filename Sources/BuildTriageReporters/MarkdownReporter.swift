public import BuildTriageCore

/// GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY` and PR comments: the verdict, a table of targets,
/// a collapsible `<details>` per target with its command, findings and evidence. Never more than
/// `byteLimit` bytes of UTF-8 whatever the input: details are added most important first and stop near the
/// limit, with a count of what was left out. Every input-derived value is escaped (`Escape.markdown`);
/// commands sit in fenced blocks whose fence is longer than any backtick run inside.
public struct MarkdownReporter: Reporter {
    /// `--format markdown`.
    public static let format = OutputFormat.markdown
    /// GitHub's limits are 65,536 characters for a comment and 1 MiB for a step summary.
    public static let byteLimit = 65_000

    /// Bytes the targets table may take (the rest is for details).
    static let tableBudget = 24_000
    /// Bytes the list of unreadable inputs may take.
    static let inputsBudget = 8_000
    /// Bytes kept back for the closing tag and the notes about what was left out.
    static let tailReserve = 512
    /// Findings folded under one finding that are listed (the rest are counted).
    static let childrenShown = 20

    let limit: Int

    /// A reporter that keeps to `byteLimit`.
    public init() {
        limit = Self.byteLimit
    }

    /// A reporter with a smaller limit (tests).
    init(limit: Int) {
        self.limit = max(limit, 2048)
    }

    /// Renders the whole report (pure: same report and options, same text).
    public func render(_ report: TriageReport, options: RenderOptions) -> String {
        var out = Budget(limit: limit)
        let outline = ReportOutline(report)
        var hiddenFindings = 0
        var hiddenTargets = 0
        var hiddenInputs = 0

        out.force("## BuildTriage verdict: \(report.verdict.rawValue)\n\n")
        let caveat = Describe.caveat(report).map { " **\($0)**" } ?? ""
        out.force("**\(Describe.verdictSentence(report.verdict))** \(Describe.countsSentence(report))\(caveat)\n\n")
        out.force("Tests: \(Describe.tests(report.tests)).\n\n")

        // The targets table.
        let targets = Array(outline.targetSections)
        if !targets.isEmpty {
            let header = "| Action | Target | Reason |\n| --- | --- | --- |\n"
            out.force(header)
            var tableBytes = header.utf8.count
            for (index, section) in targets.enumerated() {
                guard let recommendation = section.recommendation else { continue }
                var reason = recommendation.reason
                if let blockers = recommendation.blockedBy, !blockers.isEmpty {
                    reason += " (blocked by: " + blockers.joined(separator: "; ") + ")"
                }
                let row = "| **\(recommendation.action.rawValue)** | \(md(Describe.target(recommendation.target), 300)) | \(md(reason, 600)) |\n"
                guard tableBytes + row.utf8.count <= Self.tableBudget, out.fits(row, reserve: Self.tailReserve) else {
                    hiddenTargets = targets.count - index
                    break
                }
                out.append(row)
                tableBytes += row.utf8.count
            }
            out.force("\n")
        }

        // Inputs that could not be read, and run diagnostics.
        var listBytes = 0
        for (title, items) in [
            ("Inputs that could not be read", report.inputs.filter { $0.status == .error }.map { input in
                "- \(md(input.path, 300)) (\(input.kind.rawValue))" + (Describe.diagnostic(input).map { ": " + md($0, 600) } ?? "") + "\n"
            }),
            ("Inputs ignored, nothing to analyze", report.inputs.filter { $0.status == .ignored }.map { input in
                "- \(md(input.path, 300)) (\(input.kind.rawValue))" + (Describe.diagnostic(input).map { ": " + md($0, 600) } ?? "") + "\n"
            }),
            ("Diagnostics", report.diagnostics.map { "- \(md($0, 600))\n" }),
        ] where !items.isEmpty {
            let header = "### \(title): \(items.count)\n\n"
            out.force(header)
            listBytes += header.utf8.count
            for (index, item) in items.enumerated() {
                guard listBytes + item.utf8.count <= Self.inputsBudget, out.fits(item, reserve: Self.tailReserve) else {
                    hiddenInputs += items.count - index
                    break
                }
                out.append(item)
                listBytes += item.utf8.count
            }
            out.force("\n")
        }

        // Details, most important first, until the budget is near.
        var full = false
        for section in outline.sections {
            if full {
                hiddenFindings += section.findingCount
                continue
            }
            let summary: String
            var opening = ""
            if let recommendation = section.recommendation {
                summary = "\(recommendation.action.rawValue): \(md(Describe.target(recommendation.target), 300)), \(Self.count(section.findingCount))"
                opening += "**Reason:** \(md(recommendation.reason, 1000))\n\n"
                if let blockers = recommendation.blockedBy, !blockers.isEmpty {
                    opening += "**Blocked by:**\n\n" + blockers.prefix(20).map { "- \(md($0, 600))\n" }.joined() + "\n"
                }
                if let command = Describe.command(recommendation) {
                    let code = command.capped(bytes: 8192)
                    let fence = Escape.fence(for: code)
                    opening += "**Command:**\n\n\(fence)sh\n\(code)\n\(fence)\n\n"
                }
            } else {
                summary = "Findings with no target, \(Self.count(section.findingCount))"
            }
            let chunk = "<details>\n<summary>\(summary)</summary>\n\n" + opening
            let closing = "\n</details>\n\n"
            guard out.fits(chunk, reserve: Self.tailReserve + closing.utf8.count) else {
                full = true
                hiddenFindings += section.findingCount
                continue
            }
            out.append(chunk)
            for entry in section.entries {
                if full {
                    hiddenFindings += entry.findingCount
                    continue
                }
                var hidden = 0
                let item = self.entry(entry, depth: 0, hidden: &hidden)
                if out.fits(item, reserve: Self.tailReserve + closing.utf8.count) {
                    out.append(item)
                    hiddenFindings += hidden
                } else {
                    full = true
                    hiddenFindings += entry.findingCount
                }
            }
            out.force(closing)
        }

        var notes = ""
        if hiddenTargets > 0 { notes += "… \(hiddenTargets) more targets not shown in the table (see the JSON report)\n\n" }
        if hiddenInputs > 0 { notes += "… \(hiddenInputs) more unreadable inputs or diagnostics not shown (see the JSON report)\n\n" }
        if hiddenFindings > 0 { notes += "… \(hiddenFindings) more findings not shown (see the JSON report)\n" }
        out.force(notes)
        return out.text
    }

    /// A list item for an entry: its line, the other subjects of a group, evidence, and what it caused.
    private func entry(_ entry: ReportOutline.Entry, depth: Int, hidden: inout Int) -> String {
        let finding = entry.group.representative
        let indent = String(repeating: "  ", count: depth)
        let count = entry.group.count > 1 ? " ×\(entry.group.count)" : ""
        let lead = depth > 0 && finding.category == .collateral ? "└ " : "**\(finding.category.rawValue)\(count)** "
        let subject = Describe.messageNamesSubject(finding) ? "" : md(finding.subject.id, 300) + ": "
        var text = "\(indent)- \(lead)\(subject)\(md(finding.message, 1000))\n"
        let inner = indent + "  "
        if entry.group.count > 1 {
            let examples = Describe.examples(entry.group.otherSubjects(limit: 3), total: entry.group.count - 1)
            text += "\(inner)- also: \(md(examples, 800))\n"
        }
        let shown = finding.evidence.prefix(TextReporter.evidencePerFinding)
        for (evidence, location) in zip(shown, Describe.locations(shown)) {
            let lines = Describe.lines(evidence.text, limit: TextReporter.linesPerEvidence, bytes: 300).map { md($0, 300) }
            let location = location.map { md($0, 300) }
            let body = lines.joined(separator: "<br>")
            // Further lines from the location just shown are nested under it, as in the text report.
            let continued = Describe.location(evidence) == nil ? inner : inner + "  "
            switch (location, body.isEmpty) {
            case (let location?, false): text += "\(inner)- \(location): \(body)\n"
            case (let location?, true): text += "\(inner)- \(location)\n"
            case (nil, false): text += "\(continued)- \(body)\n"
            case (nil, true): break
            }
        }
        for child in entry.children.prefix(Self.childrenShown) {
            text += self.entry(child, depth: depth + 1, hidden: &hidden)
        }
        if entry.children.count > Self.childrenShown {
            let rest = entry.children.dropFirst(Self.childrenShown).reduce(0) { $0 + $1.findingCount }
            hidden += rest
            text += "\(inner)- … \(Self.count(rest)) more caused by this one\n"
        }
        return text
    }

    private func md(_ value: String, _ bytes: Int) -> String {
        Escape.markdown(value.capped(bytes: bytes))
    }

    private static func count(_ findings: Int) -> String {
        findings == 1 ? "1 finding" : "\(findings) findings"
    }
}

/// Text that never grows past `limit` bytes of UTF-8 except through `force` (kept small by the caller).
struct Budget {
    let limit: Int
    private(set) var text = ""
    private(set) var used = 0

    init(limit: Int) {
        self.limit = limit
    }

    func fits(_ chunk: String, reserve: Int) -> Bool {
        used + chunk.utf8.count + reserve <= limit
    }

    mutating func append(_ chunk: String) {
        text += chunk
        used += chunk.utf8.count
    }

    mutating func force(_ chunk: String) { append(chunk) }
}
