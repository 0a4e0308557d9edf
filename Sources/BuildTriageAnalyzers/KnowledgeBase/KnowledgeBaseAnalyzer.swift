public import BuildTriageCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Applies the knowledge base's rules (YAML: built-in transient patterns plus `--rules` files) to build logs.
/// Each rule that matches yields one finding per log, with the matching lines as evidence.
public struct KnowledgeBaseAnalyzer: Analyzer {
    public static let description = AnalyzerDescription(
        id: "knowledge_base",
        summary: "YAML rules over build logs: throttling, connection resets, Docker daemon and image pull limits, out of disk, spot reclaim, and user rules",
        categories: Category.allCases,
        triggeringExamples: [
            AnalyzerExample(
                [("build.log", "[Container] 2024/01/15 10:00:00.1 Entering phase BUILD\nError response from daemon: toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading\n[Container] 2024/01/15 10:00:01.0 Phase complete: BUILD State: FAILED\n")],
                expect: [(.infrastructure, "build.log")]),
            AnalyzerExample(
                [("build.log", "[Container] 2024/01/15 10:00:00.1 Entering phase BUILD\nwrite /tmp/x: no space left on device\n")],
                expect: [(.infrastructure, "build.log")]),
        ],
        nonTriggeringExamples: [
            AnalyzerExample([("build.log", "[Container] 2024/01/15 10:00:00.1 Entering phase BUILD\nAll 120 tests passed\n[Container] 2024/01/15 10:00:01.0 Phase complete: BUILD State: SUCCEEDED\n")]),
        ])

    public var rules: RuleSet
    /// After this many lines on which a pattern ran out of time, the rule is dropped for the rest of the log.
    static let timeoutsBeforeDrop = 3

    public init(rules: RuleSet = .builtIn()) {
        self.rules = rules
    }

    public func analyze(_ context: AnalysisContext) -> [Finding] { run(context).findings }

    /// Findings, and diagnostics for rules that ran out of time.
    public func run(_ context: AnalysisContext) -> (findings: [Finding], diagnostics: [String]) {
        var findings: [Finding] = []
        var diagnostics: [String] = []
        let keywordBytes = rules.rules.map { $0.keywords.map { Array($0.utf8) } }
        for log in context.logs {
            let (target, scope, _) = context.targetAndScope(forPath: log.path)
            let text = log.value.text
            let lowered = text.storage.lowercased()
            for (rule, keywords) in zip(rules.rules, keywordBytes) {
                if !keywords.isEmpty, !keywords.contains(where: { Self.contains(lowered, $0) }) { continue }
                var evidence: [EvidenceLine] = []
                var message: String?
                var timeouts = 0
                var number = 1
                while number <= text.lineCount, evidence.count < RuleSet.maxEvidence {
                    let line = text.line(number)
                    if rule.window == 1, !rule.keywords.isEmpty {
                        let lowered = line.lowercased()
                        if !keywords.contains(where: { Self.contains(lowered, $0) }) {
                            number += 1
                            continue
                        }
                    }
                    let last = min(text.lineCount, number + rule.window - 1)
                    let window = rule.window == 1 ? String(line) : (number...last).map { String(text.line($0)) }.joined(separator: "\n")
                    var timedOut = false
                    if let (_, match) = RuleSet.firstMatch(rule, in: window, timedOut: &timedOut) {
                        if message == nil { message = RuleSet.message(rule, match: match, in: window) }
                        evidence.append(EvidenceLine(path: log.path, line: number, text: String(line.trimmedWhitespace).capped(bytes: 300)))
                        number += rule.window
                        continue
                    }
                    if timedOut {
                        timeouts += 1
                        if timeouts >= Self.timeoutsBeforeDrop {
                            diagnostics.append("rule \(rule.id): pattern ran out of time (\(Int(RuleSet.perLineTimeLimit * 1000)) ms a line) on \(timeouts) lines of \(log.path); rule skipped for the rest of it")
                            break
                        }
                    }
                    number += 1
                }
                guard let message, !evidence.isEmpty else { continue }
                findings.append(Finding(
                    id: "\(Self.description.id):\(rule.id):\(log.path)", analyzer: "\(Self.description.id):\(rule.id)", category: rule.category,
                    subject: Subject(.log, log.path), message: message, evidence: evidence, target: target, scope: scope))
            }
        }
        return (findings, diagnostics)
    }

    /// Whether `text`'s UTF-8 contains `needle`: a byte search (`memchr` for the first byte, then `memcmp`).
    /// Foundation's `String.contains(String)` goes through NSString and copies the text to UTF-16 on every
    /// call: a 400 MB log took 150 s.
    static func contains(_ text: String, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        var text = text
        return text.withUTF8 { haystack in
            needle.withUnsafeBufferPointer { needle in
                guard var start = haystack.baseAddress, let needleStart = needle.baseAddress else { return false }
                var remaining = haystack.count
                while remaining >= needle.count {
                    guard let hit = memchr(start, Int32(first), remaining - needle.count + 1) else { return false }
                    let position = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(position, needleStart, needle.count) == 0 { return true }
                    remaining -= position - start + 1
                    start = position + 1
                }
                return false
            }
        }
    }
}
