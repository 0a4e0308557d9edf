// The knowledge base's matcher before logs streamed (NSRegularExpression on every line of the whole text, with a
// 50 ms limit a line): the oracle the new matcher (Vectorscan literals, PCRE2) is held to, by the tests and by
// the `log` fuzz target (Fuzz/fuzz.sh compiles this file into it). Not product code.
import BuildTriageAnalyzers
import BuildTriageCore
import Foundation

enum OldMatcher {
    /// Per rule that matched, in rule order: its id, message and evidence lines. nil when a pattern ran out of time
    /// on some line (the old matcher's answer then depended on the clock).
    static func matches(_ rules: [Rule], in storage: String) -> [LogMatches.Hit]? {
        let text = LogText(storage)
        var hits: [LogMatches.Hit] = []
        let lowered = storage.lowercased()
        for rule in rules {
            let expressions = rule.patterns.compactMap { try? NSRegularExpression(pattern: $0.source, options: [.anchorsMatchLines]) }
            guard expressions.count == rule.patterns.count else { return nil }
            if !rule.keywords.isEmpty, !rule.keywords.contains(where: { lowered.utf8.contains($0.utf8) }) { continue }
            var evidence: [LogMatches.Line] = []
            var message: String?
            var number = 1
            while number <= text.lineCount, evidence.count < RuleSet.maxEvidence {
                let line = text.line(number)
                if rule.window == 1, !rule.keywords.isEmpty {
                    let lowerLine = String(line).lowercased()
                    if !rule.keywords.contains(where: { lowerLine.utf8.contains($0.utf8) }) {
                        number += 1
                        continue
                    }
                }
                let last = min(text.lineCount, number + rule.window - 1)
                let window = rule.window == 1 ? String(line) : (number...last).map { String(text.line($0)) }.joined(separator: "\n")
                var timedOut = false
                if let groups = firstMatch(expressions, in: window, timedOut: &timedOut) {
                    if message == nil { message = RuleSet.message(rule, groups: groups) }
                    evidence.append(LogMatches.Line(number: number, text: String(line.trimmedWhitespace).capped(bytes: 300)))
                    number += rule.window
                    continue
                }
                if timedOut { return nil }
                number += 1
            }
            if let message, !evidence.isEmpty { hits.append(LogMatches.Hit(rule: rule.id, message: message, lines: evidence)) }
        }
        return hits
    }

    private static func firstMatch(_ expressions: [NSRegularExpression], in text: String, timedOut: inout Bool) -> [String?]? {
        let subject = text.utf8.count > RuleSet.maxLineBytes ? text.capped(bytes: RuleSet.maxLineBytes) : text
        let range = NSRange(subject.startIndex..., in: subject)
        for expression in expressions {
            var found: NSTextCheckingResult?
            var expired = false
            let start = DispatchTime.now().uptimeNanoseconds
            expression.enumerateMatches(in: subject, options: [.reportProgress], range: range) { result, _, stop in
                if let result {
                    found = result
                    stop.pointee = true
                } else if Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 > 0.05 {
                    expired = true
                    stop.pointee = true
                }
            }
            if expired { timedOut = true }
            if let found {
                return (0..<min(found.numberOfRanges, 10)).map { index in
                    let range = found.range(at: index)
                    return range.location == NSNotFound ? nil : Range(range, in: subject).map { String(subject[$0]) }
                }
            }
        }
        return nil
    }
}

extension String.UTF8View {
    /// Whether these bytes contain `needle`'s, byte for byte (as the old prefilter searched).
    fileprivate func contains(_ needle: String.UTF8View) -> Bool {
        needle.isEmpty || Data(self).range(of: Data(needle)) != nil
    }
}
