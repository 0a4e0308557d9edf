import BuildTriageCore
import BuildTriageIngest
import Foundation
import Testing

@testable import BuildTriageAnalyzers

/// Large logs in bounded time. Before, the knowledge base's keyword check went through Foundation's
/// `String.contains` (NSString, a UTF-16 copy of the whole log per rule and per line) and the log reader built
/// a search table per line: a 400 MB log took 155 s in a release build.
@Suite struct LargeLogTests {
    @Test("the byte search finds what String.contains finds", arguments: [
        ("", "a", false), ("a", "", true), ("abc", "abc", true), ("abc", "abcd", false), ("aab", "ab", true),
        ("xxxxxy", "xxy", true), ("no space left on device", "space left", true), ("ééx", "éx", true),
        ("rate exceede", "rate exceeded", false), ("toomanyrequests", "requests", true), ("ab\nc", "b\nc", true),
    ])
    func byteSearch(text: String, needle: String, expected: Bool) {
        #expect(KnowledgeBaseAnalyzer.contains(text, Array(needle.utf8)) == expected)
        #expect(KnowledgeBaseAnalyzer.contains(String(text[...]), Array(needle.utf8)) == expected)
    }

    // Speed is measured by Benchmarks/run.sh, not here: a time bound in a test fails on a loaded machine.
    @Test("a 24 MB log: read and analyzed, and a rule still matches its last line")
    func largeLog() throws {
        var text = "[Container] 2026/11/20 14:02:00.000 Entering phase BUILD\n"
        let block = "[Container] 2026/11/20 14:02:00.001 Running command npm test -- --a-long-argument\n"
            + String(repeating: "output line of the user command, with some text: ok\n", count: 20)
        text.reserveCapacity(25_000_000)
        while text.utf8.count < 24_000_000 { text += block }
        text += "Error response from daemon: toomanyrequests: You have reached your pull rate limit.\n"
        text += "[Container] 2026/11/20 14:02:09.001 Phase complete: BUILD State: FAILED\n"
        let log = BuildLogReader.read(text)
        let context = AnalysisContext(input: TriageInput(documents: [SourcedDocument(path: "big.log", document: .buildLog(log))]))
        let findings = KnowledgeBaseAnalyzer().analyze(context)
        #expect(log.commands.count > 10_000)
        #expect(findings.contains { $0.category == .infrastructure && $0.evidence.first?.line == log.lineCount - 1 })
    }
}
