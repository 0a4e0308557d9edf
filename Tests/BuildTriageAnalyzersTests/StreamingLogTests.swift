import BuildTriageCore
import BuildTriageIngest
import BuildTriageTestSupport
import Foundation
import Testing

@testable import BuildTriageAnalyzers

/// Logs read as a stream: gzip, long lines, block boundaries, and the knowledge base's findings held to the old
/// matcher's (`OldMatcher`) on the samples' logs and on generated ones.
@Suite struct StreamingLogTests {
    static let rules = RuleSet.builtIn()
    static let streaming = Ingestor.LogReading(matcher: rules.matcher(), keepText: false)

    /// A log with agent lines, a transient error on line 4 and another after `filler` lines of output.
    static func log(filler: Int = 10, line: String = "output of the build, line") -> String {
        var text = "[Container] 2024/01/15 10:00:00.1 Entering phase BUILD\n[Container] 2024/01/15 10:00:00.2 Running command npm test\n"
        text += "npm WARN deprecated request@2.88.2\r\n"
        text += "npm ERR! network read ECONNRESET\n"
        for index in 0..<filler { text += "\(line) \(index)\n" }
        text += "Error response from daemon: toomanyrequests: You have reached your pull rate limit.\n"
        text += "[Container] 2024/01/15 10:00:09.0 Command did not exit successfully npm test exit status 1\n"
        text += "[Container] 2024/01/15 10:00:09.1 Phase complete: BUILD State: FAILED\n"
        return text
    }

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("buildtriage-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func buildLog(_ outcome: Ingestor.Ingested) throws -> BuildLog {
        guard case .buildLog(let log)? = outcome.document else {
            Issue.record("not a build log: \(outcome.record.diagnostic ?? "")")
            throw CancellationError()
        }
        return log
    }

    /// The findings the analyzer makes of a log read as given.
    static func findings(_ log: BuildLog) -> [Finding] {
        let context = AnalysisContext(input: TriageInput(documents: [SourcedDocument(path: "build.log", document: .buildLog(log))]))
        return KnowledgeBaseAnalyzer(rules: rules).analyze(context)
    }

    @Test("a gzip log is read through zlib: the same events and findings as the plain one, and no text kept")
    func gzipLog() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = Self.log(filler: 50_000)
        let plain = directory.appendingPathComponent("build.log").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: plain))
        try gzipped(Data(text.utf8)).write(to: URL(fileURLWithPath: plain + ".gz"))
        let fromPlain = try Self.buildLog(Ingestor.read(path: plain, logs: Self.streaming))
        let fromGzip = try Self.buildLog(Ingestor.read(path: plain + ".gz", logs: Self.streaming))
        #expect(fromGzip.text == nil)
        #expect(fromGzip.lineCount == 50_007)
        #expect(fromGzip.phases == fromPlain.phases && fromGzip.commands == fromPlain.commands && fromGzip.contexts == fromPlain.contexts)
        #expect(fromGzip.commands.first?.exitStatus == 1)
        #expect(fromGzip.matches == fromPlain.matches)
        let rules = Set(fromGzip.matches?.hits.map(\.rule) ?? [])
        #expect(rules == ["connection_reset", "docker_pull_rate_limit"])
        #expect(fromGzip.matches?.hits.first { $0.rule == "docker_pull_rate_limit" }?.lines.first?.number == 50_005)
    }

    @Test("gzip members one after another are one log; a cut gzip file is an error naming it")
    func gzipMembersAndTruncation() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("a.gz").path
        let second = directory.appendingPathComponent("b.gz").path
        let text = Self.log(filler: 3)
        let half = text.firstRange(of: "npm ERR!")!.lowerBound
        try gzipped(Data(text[..<half].utf8)).write(to: URL(fileURLWithPath: first))
        try gzipped(Data(text[half...].utf8)).write(to: URL(fileURLWithPath: second))
        let joined = directory.appendingPathComponent("joined.log.gz").path
        try (Data(contentsOf: URL(fileURLWithPath: first)) + Data(contentsOf: URL(fileURLWithPath: second))).write(to: URL(fileURLWithPath: joined))
        let log = try Self.buildLog(Ingestor.read(path: joined, logs: Self.streaming))
        #expect(log.lineCount == 10)
        #expect(log.commands.first?.failureLine == 9)

        let compressed = try Data(contentsOf: URL(fileURLWithPath: first))
        let cut = directory.appendingPathComponent("cut.log.gz").path
        try compressed.prefix(compressed.count - 12).write(to: URL(fileURLWithPath: cut))
        let outcome = Ingestor.read(path: cut, logs: Self.streaming)
        #expect(outcome.document == nil)
        #expect(outcome.record.diagnostic?.contains("cut.log.gz") == true)
        #expect(outcome.record.diagnostic?.contains("gzip") == true, "\(outcome.record.diagnostic ?? "")")
    }

    @Test("a log over several blocks: the same events and findings as read whole, and as the old matcher's")
    func blockBoundaries() throws {
        // ~9 MB: three 4 MiB blocks, lines of all lengths falling across their edges.
        let text = Self.log(filler: 120_000, line: String(repeating: "x", count: 60) + " ünïcödé line")
        let streamed = try Self.buildLog(Ingestor.read(data: Data(text.utf8), path: "build.log", logs: Self.streaming))
        let whole = BuildLogReader.read(text)
        #expect(streamed.lineCount == whole.lineCount)
        #expect(streamed.lineCount == text.utf8.split(separator: 10, omittingEmptySubsequences: false).count - 1)
        #expect(streamed.commands == whole.commands && streamed.phases == whole.phases)
        // The analyzer matches the kept text of `whole` itself; the streamed log carries its matches.
        #expect(Self.findings(streamed) == Self.findings(whole))
        #expect(streamed.matches?.hits.map(\.rule) == ["docker_pull_rate_limit", "connection_reset"])
        // The old matcher is slow: it is held to a part of the same log (a block and a half).
        let part = text.utf8.prefix(6_000_000).split(separator: 10).dropLast().map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n") + "\n"
        let partLog = try Self.buildLog(Ingestor.read(data: Data(part.utf8), path: "build.log", logs: Self.streaming))
        #expect(partLog.matches?.hits == OldMatcher.matches(Self.rules.rules, in: part))
    }

    @Test("a line longer than 4,096 bytes is matched on its first 4,096, and the report says so")
    func longLines() throws {
        let prefix = String(repeating: "a", count: 5_000)
        // The literal (`toomanyrequests`) and the pattern sit past the first 4,096 bytes: no match, as before.
        let text = "[Container] 2024/01/15 10:00:00.1 Entering phase BUILD\n\(prefix) toomanyrequests\nok\n"
            + "toomanyrequests at the start \(prefix)\n"
        let log = try Self.buildLog(Ingestor.read(data: Data(text.utf8), path: "build.log", logs: Self.streaming))
        let context = AnalysisContext(input: TriageInput(documents: [SourcedDocument(path: "build.log", document: .buildLog(log))]))
        let (findings, diagnostics) = KnowledgeBaseAnalyzer(rules: Self.rules).run(context)
        #expect(findings.count == 1)
        #expect(findings.first?.evidence.map(\.line) == [4])
        #expect(diagnostics.contains { $0.contains("build.log: 2 lines longer than 4096 bytes (the first: line 2)") }, "\(diagnostics)")
        #expect(log.matches?.hits == OldMatcher.matches(Self.rules.rules, in: text))
    }

    @Test("a line over the reader's 1 MiB is cut: the lines after it keep their numbers, and the report says so")
    func cutLine() throws {
        let huge = String(repeating: "é", count: 1_500_000)  // 3 MB, no newline, two-byte characters
        let text = "[Container] 2024/01/15 10:00:00.1 Entering phase BUILD\n\(huge)\nnpm ERR! network read ECONNRESET\n"
            + "[Container] 2024/01/15 10:00:01.0 Phase complete: BUILD State: FAILED\n"
        let log = try Self.buildLog(Ingestor.read(data: Data(text.utf8), path: "build.log", logs: Self.streaming))
        #expect(log.lineCount == 4)
        #expect(log.phases.map(\.line) == [1, 4])
        #expect(log.matches?.hits.first?.lines.map(\.number) == [3])
        #expect(log.matches?.cutLines == 1 && log.matches?.firstCutLine == 2)
        let context = AnalysisContext(input: TriageInput(documents: [SourcedDocument(path: "build.log", document: .buildLog(log))]))
        let (_, diagnostics) = KnowledgeBaseAnalyzer(rules: Self.rules).run(context)
        #expect(diagnostics.contains { $0.contains("1 line longer than 1 MiB (the first: line 2) cut there") }, "\(diagnostics)")
    }

    @Test("invalid UTF-8: rare bytes are replaced; a log that is mostly invalid is refused")
    func invalidUTF8() throws {
        var bytes = Array(Self.log(filler: 200).utf8)
        bytes.insert(contentsOf: [0xFF, 0xFE, 0x0A], at: 120)
        let log = try Self.buildLog(Ingestor.read(data: Data(bytes), path: "build.log", logs: Self.streaming))
        #expect(log.matches?.hits.count == 2)
        var bad = Array("[Container] 2024/01/15 10:00:00.1 Entering phase BUILD\n".utf8)
        bad += [UInt8](repeating: 0xC3, count: 5_000)
        let refused = Ingestor.read(data: Data(bad), path: "bad.log", logs: Self.streaming)
        #expect(refused.document == nil)
        #expect(refused.record.diagnostic == "bad.log: not valid UTF-8 text")
    }

    @Test("every sample's log: the streamed matches are the old matcher's")
    func samplesAgreeWithTheOldMatcher() throws {
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Samples")
        let files = FileManager.default.enumerator(at: samples, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        var compared = 0
        for file in files where file.pathComponents.contains("input") {
            let outcome = Ingestor.read(path: file.path, logs: Self.streaming)
            guard case .buildLog(let log)? = outcome.document else { continue }
            let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            #expect(log.matches?.hits == OldMatcher.matches(Self.rules.rules, in: text), "\(file.path)")
            compared += 1
        }
        #expect(compared >= 3)
    }

    @Test("user rules (captures, lines: windows, no literals) over generated logs: the old matcher's findings")
    func userRulesAgreeWithTheOldMatcher() throws {
        let yaml = """
            rules:
              - id: exit_code
                category: build-failure
                message: "exit $1 in $2 ($0)"
                patterns: ['(?i)command (\\w+) .*exit status (\\d+)', 'status: ([A-Z_]+)']
              - id: oom_window
                category: infrastructure
                message: "killed: $1"
                lines: 3
                contains: ["killed"]
                patterns: ['Killed\\n.*(exit \\d+)', 'OOM(.|\\n)*gone']
              - id: unicode_word
                category: infrastructure
                message: "word $1"
                contains: ["ÜNÏ"]
                patterns: ['\\b(\\w+cödé)\\b']
            """
        let rules = try RuleSet(yaml: yaml, path: "user.yml")
        var random = SystemRandomNumberGenerator()
        let pieces = [
            "[Container] 2024/01/15 10:00:00.1 Running command make", "Killed", "exit 137", "OOM here", "then gone", "ünïcödé ok",
            "Command make did exit status 2", "status: DONE_OK", "\u{1B}[31mred\u{1B}[0m", "progress 10%\rprogress 90%", "", "  padded  ",
        ]
        for _ in 0..<20 {
            let text = (0..<Int.random(in: 1...60, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined(separator: "\n")
            let log = try Self.buildLog(Ingestor.read(data: Data(("[Container] x\n" + text).utf8), path: "u.log", logs: .init(matcher: rules.matcher())))
            #expect(log.matches?.hits == OldMatcher.matches(rules.rules, in: "[Container] x\n" + text), "\(text.debugDescription)")
        }
    }
}
