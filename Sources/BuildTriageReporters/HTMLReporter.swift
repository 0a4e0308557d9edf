public import BuildTriageCore

/// One self-contained HTML page: no network, no external assets, no script (a Content-Security-Policy
/// forbids any). The verdict, each target with its command and findings (collateral folded under the root,
/// look-alike findings grouped), the tests summary, unreadable inputs and a timeline drawn as inline SVG.
/// Every value is HTML-escaped. At most `entryLimit` finding entries are rendered in full, so a huge
/// report still renders fast; the rest are counted.
public struct HTMLReporter: Reporter {
    /// `--format html`.
    public static let format = OutputFormat.html
    /// Finding entries rendered in full.
    public static let entryLimit = 500
    /// Target sections rendered (each target also has a row in the summary table, up to this many).
    static let targetLimit = 1000

    /// The reporter (it has no configuration).
    public init() {}

    /// Renders the whole report (pure: same report and options, same text).
    public func render(_ report: TriageReport, options: RenderOptions) -> String {
        let outline = ReportOutline(report)
        let verdict = report.verdict.rawValue
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>BuildTriage: \(verdict)</title>
            <style>\(Self.css)</style>
            </head>
            <body>
            <header class="verdict v-\(verdict)">
            <h1>Verdict: \(verdict)</h1>
            <p>\(h(Describe.sentence(Describe.meaning(report.verdict)))) \(h(Describe.countsSentence(report)))</p>

            """
        if let caveat = Describe.caveat(report) { page += "<p class=\"caveat\">\(h(caveat))</p>\n" }
        page += """
            </header>

            """

        // The summary table and one section per target.
        let targets = Array(outline.targetSections)
        if !targets.isEmpty {
            page += "<section>\n<h2>Recommendations</h2>\n<table class=\"recs\">\n<tr><th>Action</th><th>Target</th><th>Reason</th></tr>\n"
            for section in targets.prefix(Self.targetLimit) {
                guard let recommendation = section.recommendation else { continue }
                let action = recommendation.action.rawValue
                page += "<tr><td><span class=\"badge a-\(action)\">\(action)</span></td><td>\(h(Describe.target(recommendation.target), 300))</td><td>\(h(recommendation.reason, 1000))</td></tr>\n"
            }
            page += "</table>\n"
            if targets.count > Self.targetLimit {
                page += "<p class=\"more\">\(targets.count - Self.targetLimit) more targets not shown (see the JSON report).</p>\n"
            }
            page += "</section>\n"
        }

        var budget = Self.entryLimit
        var hidden = 0
        var rendered = 0
        for section in outline.sections {
            if let recommendation = section.recommendation {
                rendered += 1
                if rendered > Self.targetLimit {
                    hidden += section.findingCount
                    continue
                }
                let action = recommendation.action.rawValue
                page += "<section class=\"target a-\(action)\">\n"
                page += "<h3><span class=\"badge a-\(action)\">\(action)</span> \(h(Describe.target(recommendation.target), 300))</h3>\n"
                page += "<p class=\"reason\">\(h(recommendation.reason, 2000))</p>\n"
                if let blockers = recommendation.blockedBy, !blockers.isEmpty {
                    page += "<p>Blocked by:</p>\n<ul class=\"blocked\">\n"
                    for blocker in blockers.prefix(50) { page += "<li>\(h(blocker, 1000))</li>\n" }
                    page += "</ul>\n"
                }
                if let attempts = recommendation.attempts { page += "<p>Earlier attempts: \(attempts)</p>\n" }
                if let command = Describe.command(recommendation) {
                    page += "<pre class=\"command\"><code>\(h(command, 8192))</code></pre>\n"
                }
            } else {
                page += "<section class=\"target untargeted\">\n<h3>Findings with no target</h3>\n"
            }
            if !section.entries.isEmpty {
                page += "<ul class=\"findings\">\n"
                page += entries(section.entries, budget: &budget, hidden: &hidden)
                page += "</ul>\n"
            }
            page += "</section>\n"
        }
        if hidden > 0 {
            page += "<p class=\"more\">\(hidden) more findings not shown (see the JSON report).</p>\n"
        }

        let charts = TimelineSVG.render(report.timeline)
        if !charts.isEmpty {
            page += "<section>\n<h2>Timeline</h2>\n"
            for chart in charts {
                if let origin = chart.origin { page += "<p class=\"caption\">From \(origin.iso8601).</p>\n" }
                page += "<div class=\"chart\">\n" + chart.svg + "</div>\n"
            }
            if report.timeline.count > TimelineSVG.rowLimit {
                page += "<p class=\"more\">\(report.timeline.count - TimelineSVG.rowLimit) more timeline entries not drawn.</p>\n"
            }
            page += "</section>\n"
        }

        let tests = report.tests
        page += "<section>\n<h2>Tests</h2>\n<table class=\"tests\">\n"
        page += "<tr><th>total</th><th>passed</th><th>failed</th><th>errored</th><th>skipped</th><th>flaky</th></tr>\n"
        page += "<tr><td>\(tests.total)</td><td>\(tests.passed)</td><td>\(tests.failed)</td><td>\(tests.errored)</td><td>\(tests.skipped)</td><td>\(tests.flaky)</td></tr>\n"
        page += "</table>\n</section>\n"

        for (status, title) in [(InputStatus.error, "Inputs that could not be read"), (.ignored, "Inputs ignored, nothing to analyze")] {
            let listed = report.inputs.filter { $0.status == status }
            guard !listed.isEmpty else { continue }
            page += "<section>\n<h2>\(title): \(listed.count)</h2>\n<ul class=\"inputs\">\n"
            for input in listed.prefix(Self.targetLimit) {
                page += "<li><code>\(h(input.path, 1000))</code> (\(input.kind.rawValue))"
                if let diagnostic = Describe.diagnostic(input) { page += ": \(h(diagnostic, 2000))" }
                page += "</li>\n"
            }
            page += "</ul>\n</section>\n"
        }
        if !report.diagnostics.isEmpty {
            page += "<section>\n<h2>Diagnostics: \(report.diagnostics.count)</h2>\n<ul class=\"diagnostics\">\n"
            for diagnostic in report.diagnostics.prefix(Self.targetLimit) { page += "<li>\(h(diagnostic, 2000))</li>\n" }
            page += "</ul>\n</section>\n"
        }
        page += "</body>\n</html>\n"
        return page
    }

    /// Entries while the budget lasts; the findings of the rest are counted in `hidden`.
    private func entries(_ list: [ReportOutline.Entry], budget: inout Int, hidden: inout Int) -> String {
        var html = ""
        for entry in list {
            if budget <= 0 {
                hidden += entry.findingCount
                continue
            }
            html += self.entry(entry, budget: &budget, hidden: &hidden)
        }
        return html
    }

    /// A finding entry: its line, the other subjects of a group, evidence, and what it caused (nested).
    private func entry(_ entry: ReportOutline.Entry, budget: inout Int, hidden: inout Int) -> String {
        budget -= 1
        let finding = entry.group.representative
        let category = finding.category.rawValue
        var html = "<li class=\"finding c-\(category)\"><span class=\"cat\">\(category)</span>"
        if entry.group.count > 1 { html += " <span class=\"count\">×\(entry.group.count)</span>" }
        if !Describe.messageNamesSubject(finding) { html += " <span class=\"subject\">\(h(finding.subject.id, 300))</span>:" }
        html += " \(h(finding.message, 2000))"
        if entry.group.count > 1 {
            let examples = Describe.examples(entry.group.otherSubjects(limit: 3), total: entry.group.count - 1)
            html += "<div class=\"also\">also: \(h(examples))</div>"
        }
        if !finding.evidence.isEmpty {
            html += "\n<ul class=\"evidence\">"
            let shown = finding.evidence.prefix(TextReporter.evidencePerFinding)
            for (evidence, location) in zip(shown, Describe.locations(shown)) {
                html += "<li>"
                if let location { html += "<code>\(h(location, 300))</code> " }
                html += "<span class=\"text\">\(h(Describe.lines(evidence.text, limit: 5).joined(separator: "\n")))</span></li>"
            }
            if finding.evidence.count > TextReporter.evidencePerFinding {
                html += "<li>… \(finding.evidence.count - TextReporter.evidencePerFinding) more evidence lines</li>"
            }
            html += "</ul>"
        }
        if !entry.children.isEmpty {
            html += "\n<ul class=\"caused\">\n"
            html += entries(entry.children, budget: &budget, hidden: &hidden)
            html += "</ul>"
        }
        return html + "</li>\n"
    }

    private func h(_ value: String, _ bytes: Int = 4000) -> String {
        Escape.html(value.capped(bytes: bytes))
    }

    static let css = """

        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#1f2328;background:#fff}
        h1{margin:0;font-size:24px}h2{font-size:18px;border-bottom:1px solid #d0d7de;padding-bottom:4px}h3{font-size:15px;margin:0 0 6px}
        .verdict{padding:12px 16px;border-radius:6px;border-left:6px solid #8c959f;background:#f6f8fa}
        .v-fix{border-color:#cf222e}.v-investigate{border-color:#8250df}.v-retry{border-color:#bf8700}.v-wait{border-color:#0969da}.v-clean{border-color:#1a7f37}
        table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
        .badge{display:inline-block;padding:0 8px;border-radius:10px;color:#fff;font-weight:600;background:#8c959f}
        .badge.a-fix{background:#cf222e}.badge.a-investigate{background:#8250df}.badge.a-retry{background:#bf8700}.badge.a-wait{background:#0969da}.badge.a-none{background:#1a7f37}
        section.target{border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;margin:12px 0}
        pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
        pre.command{background:#f6f8fa;padding:8px;border-radius:4px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
        ul.findings,ul.caused{list-style:none;padding-left:16px}ul.caused>li::before{content:"└ ";color:#8c959f}
        .cat{font-weight:600}.c-client-error .cat,.c-test-failure .cat,.c-build-failure .cat{color:#cf222e}
        .c-infrastructure .cat,.c-timeout .cat,.c-flaky .cat{color:#9a6700}.c-collateral .cat,.c-stopped .cat,.c-ignored .cat{color:#6e7781}
        .subject{font-family:ui-monospace,monospace}.also{color:#57606a}.more,.caption{color:#57606a;font-style:italic}.caveat{color:#9a6700;font-weight:600}
        ul.evidence{color:#57606a;margin:2px 0 6px;padding-left:12px;list-style:none;border-left:2px solid #d0d7de}.evidence .text{white-space:pre-wrap}
        .chart{overflow-x:auto}svg.timeline text{font:11px system-ui,sans-serif;fill:#1f2328}svg.timeline .lane{font-weight:600}
        svg.timeline .axis{fill:#57606a;text-anchor:middle}svg.timeline .na{fill:#8c959f;font-style:italic}svg.timeline .end{text-anchor:end}
        .tick{stroke:#eaeef2}.sep{stroke:#d0d7de}.bar{stroke:none}.bar.open{opacity:.6}
        .s-ok{fill:#2da44e}.s-failed{fill:#cf222e}.s-fault{fill:#fb8500}.s-timeout{fill:#bc4c00}.s-stopped{fill:#8c959f}.s-running{fill:#0969da}.s-other{fill:#d0d7de}
        .pending{fill:none;stroke:#8c959f;stroke-dasharray:2 2}.dep{fill:none;stroke:#57606a;stroke-width:1.2}.arrowhead{fill:#57606a}

        """
}
