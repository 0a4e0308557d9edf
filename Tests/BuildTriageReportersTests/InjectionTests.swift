import BuildTriageCore
import BuildTriageTestSupport
import Foundation
import Testing

@testable import BuildTriageReporters

/// Hostile values in every input-derived field must stay inside their context in every sink.
@Suite("Injection")
struct InjectionTests {
    let report = Fixtures.hostile()

    @Test func htmlEscapesEverything() {
        let html = HTMLReporter().render(report, options: RenderOptions())
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("onerror=alert(1)>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("&amp;amp;"))
        // No network, no scripts: a CSP forbids them and nothing refers outside the file.
        #expect(html.contains("default-src 'none'"))
        #expect(!html.contains("src=\"http"))
        #expect(!html.contains("href="))
        #expect(!html.contains("@import"))
        #expect(!html.contains("\u{1B}"))
    }

    @Test func markdownCannotLinkOrOpenTags() throws {
        let markdown = MarkdownReporter().render(report, options: RenderOptions())
        // Fenced code is literal; check everything outside it.
        let (outside, code, unclosed) = markdownFences(markdown)
        #expect(!unclosed, "a fence was left open")
        let text = outside.joined(separator: "\n")
        #expect(!text.contains("](javascript:"))
        #expect(!text.contains("]("))
        #expect(!text.contains("<script"))
        #expect(!text.contains("<img"))
        #expect(text.contains("&#91;click&#93;&#40;javascript:alert&#40;1&#41;&#41;"))
        // Table rows keep exactly four cell separators.
        for row in outside where row.hasPrefix("| ") {
            #expect(row.filter { $0 == "|" }.count == 4, "\(row)")
        }
        // The only tags are the reporter's own.
        let tags = text.matches(of: /<\/?([a-z]+)/).map { String($0.output.1) }
        #expect(Set(tags).isSubset(of: ["details", "summary", "br"]), "\(Set(tags))")
        // A hostile value never starts a line (no heading, list or fence from input).
        for line in outside {
            #expect(!line.hasPrefix("::") && !line.hasPrefix("x%") && !line.hasPrefix("cr") && !line.hasPrefix("line"), "\(line)")
        }
        // The command is in a fence longer than the backtick runs inside it, unchanged.
        let fenceLine = markdown.split(separator: "\n").first { $0.hasPrefix("`````") && $0.hasSuffix("sh") }
        #expect(fenceLine == "`````sh")
        let command = try #require(report.recommendations.last.flatMap(Describe.command))
        #expect(code.joined(separator: "\n") == command)
    }

    @Test func githubValuesCannotStartACommand() throws {
        let output = GitHubActionsReporter().render(report, options: RenderOptions())
        #expect(!output.contains("\r"))
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(output.hasSuffix("\n"))
        let command = /^::(error|warning|notice)( ([a-z]+=[^,:]*)(,[a-z]+=[^,:]*)*)?::(.*)$/
        for line in lines {
            let match = try #require(try command.wholeMatch(in: String(line)), "not a workflow command: \(line)")
            let message = String(match.output.5)
            #expect(!message.contains("\n") && !message.contains("\r"))
        }
        // The hostile `%0A` is encoded as data, not decoded into a line break.
        #expect(output.contains("x%250A::error::pwned"))
        #expect(output.contains("line%0A::error::pwned-by-newline"))
        #expect(output.contains("cr%0D::warning::pwned-by-cr"))
        // Property values: `,` and `:` encoded, so no extra property or early end.
        #expect(output.contains("file=x%250A%3A%3Aerror%3A%3Apath%2Ctitle=a%3Ab%0A%3A%3Aerror%3A%3Ap"))
    }

    @Test func textHasNoControlCharacters() {
        for color in [false, true] {
            let text = TextReporter().render(report, options: RenderOptions(color: color))
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            // Hostile line breaks never start a line of their own.
            #expect(!lines.contains { $0.hasPrefix("::") })
            let escapes = text.unicodeScalars.filter { $0 == "\u{1B}" }.count
            if color {
                // Only the reporter's own SGR sequences.
                let own = text.matches(of: /\x1B\[[0-9;]*m/).count
                #expect(escapes == own)
                #expect(!text.contains("\u{1B}]"))
            } else {
                #expect(escapes == 0)
            }
            #expect(!text.unicodeScalars.contains { $0 == "\u{07}" || $0 == "\r" })
        }
    }

    @Test func sampleTextHasNoANSIWithoutColour() {
        let text = TextReporter().render(Fixtures.sample(), options: RenderOptions(color: false))
        #expect(!text.contains("\u{1B}"))
        let coloured = TextReporter().render(Fixtures.sample(), options: RenderOptions(color: true))
        #expect(coloured.contains("\u{1B}[1;31m"))
    }
}
