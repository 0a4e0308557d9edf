import BuildTriageCore
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@testable import BuildTriageReporters

/// A report with 20,000 failing tests (distinct messages: grouping cannot collapse them).
@Suite("Huge reports")
struct ScaleTests {
    static let failures = 20_000
    static let report = Fixtures.huge(failures: failures)

    /// Renders and returns the output with the time it took, printed for the record.
    static func timed(_ format: OutputFormat) -> (String, Duration) {
        let clock = ContinuousClock()
        var output = ""
        let elapsed = clock.measure { output = format.reporter.render(report, options: RenderOptions()) }
        print("◇ \(format.rawValue): \(failures) failures rendered in \(elapsed), \(output.utf8.count) bytes")
        return (output, elapsed)
    }

    @Test func groupingKeepsDistinctMessagesApart() {
        let outline = ReportOutline(Self.report)
        #expect(outline.sections.count == 1)
        #expect(outline.sections[0].entries.count == Self.failures)
    }

    @Test func markdownStaysUnderTheLimit() {
        let (markdown, elapsed) = Self.timed(.markdown)
        #expect(markdown.utf8.count <= 65_000)
        #expect(markdown.utf8.count > 50_000, "the budget should be used, not wasted")
        let noted = markdown.contains("more findings not shown (see the JSON report)")
        #expect(noted)
        #expect(elapsed < .seconds(20))
        // What is shown plus what is counted is everything.
        let shown = markdown.split(separator: "\n").filter { $0.hasPrefix("- **test-failure**") }.count
        let hidden = Int(markdown.split(separator: "\n").last { $0.contains("more findings not shown") }!.split(separator: " ")[1])!
        #expect(shown + hidden == Self.failures)
    }

    @Test func githubAnnotationsAreCapped() {
        let (output, elapsed) = Self.timed(.github)
        let lines = output.split(separator: "\n")
        // 50 annotations in all: the verdict notice, 48 findings, and the notice about the rest.
        #expect(lines.count == 50)
        #expect(lines.filter { $0.hasPrefix("::error ") }.count == 48)
        #expect(lines.last!.hasPrefix("::notice "))
        #expect(lines.last!.contains("19952 more findings were not annotated"))
        #expect(elapsed < .seconds(20))
    }

    @Test func htmlCapsFindingsRenderedInFull() {
        let (html, elapsed) = Self.timed(.html)
        #expect(html.components(separatedBy: "<li class=\"finding").count - 1 == HTMLReporter.entryLimit)
        let noted = html.contains("\(Self.failures - HTMLReporter.entryLimit) more findings not shown")
        #expect(noted)
        #expect(elapsed < .seconds(20))
    }

    @Test func textAndJSONRenderInReasonableTime() {
        let (text, textTime) = Self.timed(.text)
        let complete = text.contains("com.example.suite49.Test.case19999")
        #expect(complete)
        #expect(textTime < .seconds(20))
        let (_, jsonTime) = Self.timed(.json)
        #expect(jsonTime < .seconds(30))
    }

    /// Four times the findings takes about four times as long (sixteen would mean quadratic). Measured in
    /// CPU time of the rendering thread, best of three interleaved runs, so a busy machine does not skew it.
    @Test(arguments: [OutputFormat.text, .markdown, .github, .html])
    func renderingScalesLinearly(format: OutputFormat) {
        let small = Fixtures.huge(failures: Self.failures / 4)
        func time(_ report: TriageReport) -> Double {
            let start = Self.threadCPUSeconds()
            _ = format.reporter.render(report, options: RenderOptions())
            return Self.threadCPUSeconds() - start
        }
        var smallBest = Double.infinity
        var largeBest = Double.infinity
        for _ in 0..<3 {
            smallBest = min(smallBest, time(small))
            largeBest = min(largeBest, time(Self.report))
        }
        let ratio = largeBest / smallBest
        print("◇ \(format.rawValue): 4× the findings took \(ratio)× the CPU time")
        #expect(ratio < 10)
    }

    /// CPU time used by the calling thread, in seconds.
    static func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Identical failures collapse into one entry in every human format.
    @Test func identicalFailuresRenderAsOneEntry() {
        let job = Target.job("ci")
        let findings = (0..<5000).map { index in
            Finding(
                analyzer: "junit_failure", category: .testFailure, subject: Subject(.test, "com.example.T.test\(index)"),
                message: "test\(index) timed out after \(index % 7 + 1)s on worker 0x\(String(index, radix: 16))ab12 (request 8d1c3a52-7f1e-4c0b-9f3e-2b6a1c0d9e\(index % 100 < 10 ? "0" : "")\(index % 100))",
                target: job)
        }
        let report = TriageReport(
            verdict: .fix, inputs: [], tests: TestCounts(), findings: findings,
            recommendations: [Recommendation(action: .fix, target: job, reason: "5000 tests failed", findings: findings.map(\.id))])
        let outline = ReportOutline(report)
        #expect(outline.sections[0].entries.count == 1)
        #expect(outline.sections[0].entries[0].group.count == 5000)

        let text = TextReporter().render(report, options: RenderOptions())
        #expect(text.split(separator: "\n").contains("  [test-failure ×5000] com.example.T.test0: " + findings[0].message))
        #expect(text.split(separator: "\n").contains("    also: com.example.T.test1, com.example.T.test2, com.example.T.test3, +4996 more"))
        let github = GitHubActionsReporter().render(report, options: RenderOptions())
        #expect(github.split(separator: "\n").count == 2)
        let markdown = MarkdownReporter().render(report, options: RenderOptions())
        #expect(markdown.utf8.count < 4000)
        let html = HTMLReporter().render(report, options: RenderOptions())
        #expect(html.components(separatedBy: "<li class=\"finding").count == 2)
    }

    /// Whatever the input, markdown stays under its limit: huge values, many targets, many inputs.
    @Test func markdownLimitHoldsForHugeValues() {
        let giant = String(repeating: "|`<&", count: 250_000)
        let recommendations = (0..<3000).map { index in
            Recommendation(action: .retry, target: .build("build-\(index)-\(giant.prefix(200))"), reason: giant, command: ["aws", giant])
        }
        let findings = (0..<3000).map { index in
            Finding(analyzer: "x", category: .infrastructure, subject: Subject(.build, "build-\(index)"), message: giant + Fixtures.letters(index),
                    evidence: [EvidenceLine(path: giant, line: 1, text: giant)], target: .build("build-\(index)-\(giant.prefix(200))"))
        }
        let inputs = (0..<2000).map { InputRecord(path: "in\($0)" + giant, kind: .junit, status: .error, diagnostic: giant) }
        let report = TriageReport(verdict: .retry, inputs: inputs, tests: TestCounts(), findings: findings, recommendations: recommendations, diagnostics: [giant])
        let markdown = MarkdownReporter().render(report, options: RenderOptions())
        #expect(markdown.utf8.count <= MarkdownReporter.byteLimit)
        let notes = (markdown.contains("more targets not shown"), markdown.contains("more findings not shown"))
        #expect(notes == (true, true))
        for limit in [2048, 5000, 20_000] {
            #expect(MarkdownReporter(limit: limit).render(report, options: RenderOptions()).utf8.count <= limit)
        }
    }

    /// A long rootCause chain and a cycle neither recurse deeply nor hang.
    @Test func deepChainsAndCyclesAreBounded() {
        var findings: [Finding] = []
        for index in 0..<5000 {
            findings.append(
                Finding(
                    id: "f\(index)", analyzer: "collateral", category: index == 0 ? .clientError : .collateral,
                    subject: Subject(.buildGroup, "g\(Fixtures.letters(index))"), rootCause: index == 0 ? nil : "f\(index - 1)",
                    message: "stopped because g\(Fixtures.letters(max(index - 1, 0))) failed"))
        }
        findings.append(Finding(id: "a", analyzer: "x", category: .collateral, subject: Subject(.build, "a"), rootCause: "b", message: "a"))
        findings.append(Finding(id: "b", analyzer: "x", category: .collateral, subject: Subject(.build, "b"), rootCause: "a", message: "b"))
        findings.append(Finding(id: "c", analyzer: "x", category: .collateral, subject: Subject(.build, "c"), rootCause: "missing", message: "c"))
        let report = TriageReport(verdict: .fix, inputs: [], tests: TestCounts(), findings: findings)
        let outline = ReportOutline(report)
        #expect(outline.sections.map(\.findingCount).reduce(0, +) == findings.count)
        func depth(_ entry: ReportOutline.Entry) -> Int { 1 + (entry.children.map(depth).max() ?? 0) }
        #expect(outline.sections.flatMap(\.entries).map(depth).max()! <= ReportOutline.maxDepth + 1)
        for format in OutputFormat.allCases { #expect(!format.reporter.render(report, options: RenderOptions()).isEmpty) }
    }
}
