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

    /// Findings, and diagnostics for rules that ran out of time and for lines the patterns saw only part of.
    ///
    /// The matching happened while each log streamed in (`BuildLog.matches`, from `RuleSet.matcher()` given to the
    /// ingestor); a log read without this rule set but whose text was kept is matched here, the same way.
    public func run(_ context: AnalysisContext) -> (findings: [Finding], diagnostics: [String]) {
        var findings: [Finding] = []
        var diagnostics: [String] = []
        // No log, no rule to apply: the built-in rules are not even parsed (RuleSet.builtIn() is lazy).
        if context.logs.isEmpty { return (findings, diagnostics) }
        let fingerprint = rules.fingerprint
        var matcher: RuleMatcher?
        for log in context.logs {
            let (target, scope, _) = context.targetAndScope(forPath: log.path)
            let matches: LogMatches
            if let found = log.value.matches, found.fingerprint == fingerprint {
                matches = found
            } else if let text = log.value.text {
                let built = matcher ?? rules.matcher()
                matcher = built
                matches = built.scan(text)
            } else {
                diagnostics.append("\(log.path): read without these knowledge-base rules, and its text was not kept: the rules were not applied to it")
                continue
            }
            if matches.longLines > 0 {
                diagnostics.append(
                    "\(log.path): \(matches.longLines) line\(matches.longLines == 1 ? "" : "s") longer than \(RuleSet.maxLineBytes) bytes (the first: line \(matches.firstLongLine ?? 0)): the knowledge base's patterns saw the first \(RuleSet.maxLineBytes) bytes of each")
            }
            if matches.cutLines > 0 {
                diagnostics.append(
                    "\(log.path): \(matches.cutLines) line\(matches.cutLines == 1 ? "" : "s") longer than \(Self.cutLineDescription) (the first: line \(matches.firstCutLine ?? 0)) cut there: the rest of each was skipped")
            }
            let dropped = Dictionary(matches.dropped.map { ($0.rule, $0.lines) }, uniquingKeysWith: { first, _ in first })
            let hits = Dictionary(matches.hits.map { ($0.rule, $0) }, uniquingKeysWith: { first, _ in first })
            for rule in rules.rules {
                if let lines = dropped[rule.id] {
                    diagnostics.append(
                        "rule \(rule.id): pattern ran out of time (its budget of \(Pattern.stepLimit) backtracking steps a line) on \(lines) lines of \(log.path); rule skipped for the rest of it")
                }
                guard let hit = hits[rule.id] else { continue }
                let evidence = hit.lines.map { EvidenceLine(path: log.path, line: $0.number, text: $0.text) }
                findings.append(Finding(
                    id: "\(Self.description.id):\(rule.id):\(log.path)", analyzer: "\(Self.description.id):\(rule.id)", category: rule.category,
                    subject: Subject(.log, log.path), message: hit.message, evidence: evidence, target: target, scope: scope))
            }
        }
        return (findings, diagnostics)
    }

    /// The log reader's longest line, in words (BuildTriageIngest's `BuildLogReader.maxLineBytes`, 1 MiB).
    static let cutLineDescription = "1 MiB"

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

