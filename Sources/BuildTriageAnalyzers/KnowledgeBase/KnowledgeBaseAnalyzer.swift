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
        // No log, no rule to apply: the built-in rules are not even parsed (RuleSet.builtIn() is lazy).
        if context.logs.isEmpty { return (findings, diagnostics) }
        let keywordBytes = rules.rules.map { $0.keywords.map { Array($0.utf8) } }
        for log in context.logs {
            let (target, scope, _) = context.targetAndScope(forPath: log.path)
            let text = log.value.text
            // An ASCII log is lowercased once, byte for byte, and each line's prefilter is a byte search in it
            // (Foundation's `String.contains` goes through UTF-16 and was most of the time on a large log). Other
            // logs are lowercased as Strings and searched byte for byte (`contains(_:_:)`).
            let asciiLowered = LoweredASCII(text.storage)
            let lowered = asciiLowered == nil ? text.storage.lowercased() : ""
            for (ruleIndex, rule) in rules.rules.enumerated() {
                let needles = rule.keywords.map(Needle.init)
                if !rule.keywords.isEmpty {
                    let anywhere = asciiLowered.map { bytes in needles.contains { bytes.contains($0, in: 0..<bytes.count) } }
                        ?? keywordBytes[ruleIndex].contains(where: { Self.contains(lowered, $0) })
                    if !anywhere { continue }
                }
                var evidence: [EvidenceLine] = []
                var message: String?
                var timeouts = 0
                var number = 1
                while number <= text.lineCount, evidence.count < RuleSet.maxEvidence {
                    if rule.window == 1, !rule.keywords.isEmpty {
                        let passes: Bool
                        if let asciiLowered {
                            let range = text.lineUTF8Range(number)
                            passes = needles.contains { asciiLowered.contains($0, in: range) }
                        } else {
                            let lowered = text.line(number).lowercased()
                            passes = keywordBytes[ruleIndex].contains(where: { Self.contains(lowered, $0) })
                        }
                        if !passes {
                            number += 1
                            continue
                        }
                    }
                    let line = text.line(number)
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

/// A prefilter literal: its UTF-8 bytes when it is non-empty ASCII (searched byte for byte), else the string
/// (searched with `String.contains`, as before).
private enum Needle {
    case bytes([UInt8])
    case string(String)

    init(_ keyword: String) {
        self = !keyword.isEmpty && keyword.utf8.allSatisfy({ $0 < 0x80 }) ? .bytes(Array(keyword.utf8)) : .string(keyword)
    }
}

/// An ASCII text lowercased byte for byte (A–Z only: what `lowercased()` does to ASCII); nil for other text.
private struct LoweredASCII {
    let bytes: [UInt8]
    var count: Int { bytes.count }

    init?(_ text: String) {
        var bytes = Array(text.utf8)
        var ascii = true
        bytes.withUnsafeMutableBufferPointer { buffer in
            for index in buffer.indices {
                let byte = buffer[index]
                if byte >= 0x80 { ascii = false; return }
                if byte &- 0x41 < 26 { buffer[index] = byte | 0x20 }
            }
        }
        guard ascii else { return nil }
        self.bytes = bytes
    }

    /// Whether the bytes in `range` contain the needle (a string needle is looked for in those bytes' text).
    func contains(_ needle: Needle, in range: Range<Int>) -> Bool {
        switch needle {
        case .bytes(let literal):
            guard literal.count <= range.count else { return false }
            return bytes.withUnsafeBufferPointer { haystack in
                let first = literal[0]
                var start = range.lowerBound
                let last = range.upperBound - literal.count
                while start <= last {
                    if haystack[start] == first {
                        var matched = 1
                        while matched < literal.count, haystack[start + matched] == literal[matched] { matched += 1 }
                        if matched == literal.count { return true }
                    }
                    start += 1
                }
                return false
            }
        case .string(let literal):
            return String(decoding: bytes[range], as: UTF8.self).contains(literal)
        }
    }
}
