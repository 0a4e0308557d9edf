import BuildTriageKit
import Foundation
import Testing

/// 20,000 failing tests end to end: a generated JUnit file read by the Kit (`Triage.run`: ingest, analyze,
/// decide) and rendered by every reporter. Half the failures are one failure seen 10,000 times (a database
/// that refused connections), which must show as one entry with a count; the other half are distinct.
@Suite("Huge JUnit input, end to end")
struct EndToEndScaleTests {
    static let failures = 20_000
    static let identical = 10_000

    /// Writes `failures` failing tests (and as many passing ones) as one JUnit file; returns its directory.
    static func generate() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        xml.reserveCapacity(failures * 400)
        let suites = 50
        for suite in 0..<suites {
            let tests = (0..<(failures / suites)).map { suite * (failures / suites) + $0 }
            xml += "<testsuite name=\"com.example.suite\(suite).Test\" tests=\"\(tests.count * 2)\" failures=\"\(tests.count)\">\n"
            for index in tests {
                xml += "<testcase classname=\"com.example.suite\(suite).Test\" name=\"passes\(index)\" time=\"0.001\"/>\n"
                xml += "<testcase classname=\"com.example.suite\(suite).Test\" name=\"case\(index)\" time=\"0.010\">"
                if index % 2 == 0 && index / 2 < identical {
                    xml += "<failure type=\"java.net.ConnectException\" message=\"Connection refused: db.internal:5432\">"
                    xml += "java.net.ConnectException: Connection refused: db.internal:5432\n\tat com.example.Db.connect(Db.java:42)</failure>"
                } else {
                    let word = Fixtures.letters(index)
                    xml += "<failure type=\"AssertionError\" message=\"expected state \(word) but the service answered \(word)x\">"
                    xml += "AssertionError: expected state \(word)\n\tat com.example.suite\(suite).Test.case\(index)(Test.java:\(index % 900 + 10))</failure>"
                }
                xml += "</testcase>\n"
            }
            xml += "</testsuite>\n"
        }
        xml += "</testsuites>\n"
        try Data(xml.utf8).write(to: directory.appendingPathComponent("TEST-huge.xml"))
        return directory
    }

    @Test func twentyThousandFailuresStayWithinEveryLimit() throws {
        let directory = try Self.generate()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ContinuousClock()
        var report = TriageReport(verdict: .clean, inputs: [], tests: TestCounts())
        let analysis = clock.measure { report = Triage.run(paths: [directory.path]) }
        print("◇ \(Self.failures) failing tests read and analyzed in \(analysis)")

        #expect(report.tests.failed == Self.failures)
        #expect(report.tests.total == Self.failures * 2)
        #expect(report.findings.count == Self.failures)
        #expect(report.verdict == .fix)

        // Markdown: within GitHub's comment limit, the grouped failure first with its count, the rest counted.
        let markdown = OutputFormat.markdown.reporter.render(report, options: RenderOptions())
        print("◇ markdown: \(markdown.utf8.count) bytes")
        #expect(markdown.utf8.count <= 65_000)
        #expect(markdown.contains("**test-failure ×\(Self.identical)**"), "identical failures are not grouped with a count")
        #expect(markdown.contains("more findings not shown (see the JSON report)"))

        // GitHub: at most 50 annotations, the grouped failure among them with its count.
        let github = OutputFormat.github.reporter.render(report, options: RenderOptions()).split(separator: "\n")
        #expect(github.count <= 50)
        #expect(github.allSatisfy { $0.hasPrefix("::error ") || $0.hasPrefix("::warning ") || $0.hasPrefix("::notice ") })
        #expect(github.contains { $0.contains("title=test-failure ×\(Self.identical)%3A") })
        #expect(github.last?.contains("more findings were not annotated") == true)

        // Text and HTML: one entry for the grouped failure, the distinct ones each their own.
        let text = OutputFormat.text.reporter.render(report, options: RenderOptions())
        #expect(text.contains("[test-failure ×\(Self.identical)]"))
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("  [test-failure") }.count == Self.failures - Self.identical + 1)
        let html = OutputFormat.html.reporter.render(report, options: RenderOptions())
        #expect(html.contains("<span class=\"count\">×\(Self.identical)</span>"))
        #expect(html.components(separatedBy: "<li class=\"finding").count - 1 == HTMLReporter.entryLimit)
    }
}
