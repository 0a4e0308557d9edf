import BuildTriageCore
import Testing

@testable import BuildTriageReporters

@Suite("Golden files")
struct GoldenTests {
    let report = Fixtures.sample()

    @Test func text() throws {
        try Golden.check(TextReporter().render(report, options: RenderOptions(color: false)), "sample.txt")
    }

    @Test func textInColour() throws {
        try Golden.check(TextReporter().render(report, options: RenderOptions(color: true)), "sample-color.txt")
    }

    @Test func json() throws {
        try Golden.check(JSONReporter().render(report, options: RenderOptions()), "sample.json", json: true)
    }

    @Test func markdown() throws {
        try Golden.check(MarkdownReporter().render(report, options: RenderOptions()), "sample.md")
    }

    @Test func github() throws {
        try Golden.check(GitHubActionsReporter().render(report, options: RenderOptions()), "sample.github.txt")
    }

    @Test func html() throws {
        try Golden.check(HTMLReporter().render(report, options: RenderOptions()), "sample.html")
    }

    @Test func cleanReportInEveryFormat() throws {
        let clean = TriageReport(verdict: .clean, inputs: [InputRecord(path: "batch.json", kind: .codebuildBatch, status: .ok)], tests: TestCounts())
        for format in OutputFormat.allCases {
            let ext = format == .json ? "json" : format == .html ? "html" : format == .markdown ? "md" : "\(format.rawValue).txt"
            try Golden.check(format.reporter.render(clean, options: RenderOptions()), "clean.\(ext)", json: format == .json)
        }
    }
}

@Suite("Registry")
struct RegistryTests {
    @Test(arguments: OutputFormat.allCases)
    func everyFormatHasItsReporter(format: OutputFormat) {
        #expect(type(of: format.reporter).format == format)
    }

    @Test(arguments: OutputFormat.allCases)
    func renderingIsDeterministic(format: OutputFormat) {
        let report = Fixtures.sample()
        #expect(format.reporter.render(report, options: RenderOptions()) == format.reporter.render(report, options: RenderOptions()))
    }
}
