public import BuildTriageCore
import Foundation
import Synchronization

/// The knowledge base's rules as a log matcher: every rule's `contains:` literals in one Vectorscan database
/// scanned once over each block of lines, and each rule's patterns (PCRE2) run only on the lines its literals let
/// through — or on every line for a rule without literals, and on every window for a `lines:` rule. The log
/// reader feeds it while the log streams by; the findings are those the rule-by-rule, line-by-line matcher gave.
///
/// Compiled on first use: a run without logs does not even parse the built-in rules.
public final class RuleMatcher: LogMatcher, Sendable {
    private let set: RuleSet
    private let state = Mutex<CompiledRules?>(nil)

    public init(_ set: RuleSet) {
        self.set = set
    }

    var compiled: CompiledRules {
        state.withLock { state in
            if let state { return state }
            let compiled = CompiledRules(set)
            state = compiled
            return compiled
        }
    }

    public var fingerprint: String { compiled.fingerprint }

    public func makeScan() -> any LogScan { RuleScan(compiled) }

    /// Matches a log whose text was kept but that was read without this matcher, in blocks as the reader gives them.
    public func scan(_ text: LogText) -> LogMatches { compiled.scan(text) }
}

/// The rules ready to match: the literal database and the lookups from literal to rule.
final class CompiledRules: @unchecked Sendable {
    // Immutable after init; the literal set and the patterns are shared read-only between scans.
    let fingerprint: String
    let rules: [Rule]
    let literals: LiteralSet?
    /// For each literal id: the rules that list it.
    let literalRules: [[Int]]
    /// Each rule's literals (for lines that are not ASCII, matched on their Unicode-lowercased text).
    let keywordBytes: [[[UInt8]]]

    init(_ set: RuleSet) {
        rules = set.rules
        fingerprint = set.fingerprint
        var ids: [[UInt8]: Int] = [:]
        var literals: [[UInt8]] = []
        var literalRules: [[Int]] = []
        for (index, rule) in rules.enumerated() {
            for keyword in rule.keywords {
                let bytes = Array(keyword.utf8)
                let id = ids[bytes] ?? {
                    ids[bytes] = literals.count
                    literals.append(bytes)
                    literalRules.append([])
                    return literals.count - 1
                }()
                if literalRules[id].last != index { literalRules[id].append(index) }
            }
        }
        self.literals = LiteralSet(literals)
        self.literalRules = literalRules
        keywordBytes = rules.map { $0.keywords.map { Array($0.utf8) } }
    }

    func scan(_ text: LogText) -> LogMatches {
        let scan = RuleScan(self)
        var storage = text.storage
        storage.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            guard let base = bytes.baseAddress else { return }
            var number = 1
            while number <= text.lineCount {
                let blockStart = text.lineUTF8Range(number).lowerBound
                var lines: [Range<Int>] = []
                var texts: [Int: String] = [:]
                var end = blockStart
                var nextWide = firstNonASCII(base, from: blockStart, end: bytes.count)
                while number <= text.lineCount, end - blockStart < 4 << 20 {
                    let range = text.lineUTF8Range(number)
                    if nextWide < range.upperBound {
                        if nextWide >= range.lowerBound { texts[lines.count] = String(text.line(number)) }
                        nextWide = firstNonASCII(base, from: range.upperBound, end: bytes.count)
                    }
                    lines.append((range.lowerBound - blockStart)..<(range.upperBound - blockStart))
                    end = range.upperBound
                    number += 1
                }
                let firstLine = number - lines.count
                scan.scan(LogBlock(
                    bytes: UnsafeRawBufferPointer(rebasing: bytes[blockStart..<end]), lines: lines, firstLine: firstLine, texts: texts, cutLines: []))
            }
        }
        return scan.finish()
    }
}

/// One log's scan: per rule, the lines that matched (in order, up to `RuleSet.maxEvidence`), the message of the
/// first, and the lines on which its patterns ran out of time.
final class RuleScan: LogScan {
    private struct State {
        var lines: [LogMatches.Line] = []
        var message: String?
        var timeouts = 0
        var dropped = false
        var keywordSeen = false
        /// `lines:` rules: the next window to try starts here, and the lines from there on (each cut to what a
        /// window can show).
        var nextStart = 1
        var ring: [(number: Int, subject: String, evidence: String)] = []

        var done: Bool { dropped || lines.count >= RuleSet.maxEvidence }
    }

    private let matcher: CompiledRules
    private var states: [State]
    private let literalScanner: LiteralSet.Scanner?
    private let patterns = PatternMatcher()
    /// Rules tried on every line (no literals, one line), and `lines:` rules.
    private let everyLine: [Int]
    private let windowed: [Int]
    private let keywordRules: [Int]
    private var candidates: [Int] = []
    private var cutSubject: [UInt8] = []
    private var longLines = 0
    private var firstLongLine: Int?
    private var cutLines = 0
    private var firstCutLine: Int?
    private var lastLine = 0

    init(_ matcher: CompiledRules) {
        self.matcher = matcher
        states = Array(repeating: State(), count: matcher.rules.count)
        literalScanner = matcher.literals?.makeScanner()
        let rules = matcher.rules
        everyLine = rules.indices.filter { rules[$0].window == 1 && rules[$0].keywords.isEmpty }
        windowed = rules.indices.filter { rules[$0].window > 1 }
        keywordRules = rules.indices.filter { !rules[$0].keywords.isEmpty }
    }

    func scan(_ block: LogBlock) {
        let lines = block.lines
        guard !lines.isEmpty else { return }
        lastLine = block.firstLine + lines.count - 1
        var long: Int?
        var longCount = 0
        for index in lines.indices where lines[index].count > RuleSet.maxLineBytes && block.texts[index] == nil {
            long = long ?? index
            longCount += 1
        }
        for (index, text) in block.texts where text.utf8.count > RuleSet.maxLineBytes {
            long = min(long ?? index, index)
            longCount += 1
        }
        if let long {
            longLines += longCount
            if firstLongLine == nil { firstLongLine = block.firstLine + long }
        }
        if let cut = block.cutLines.first {
            cutLines += block.cutLines.count
            if firstCutLine == nil { firstCutLine = block.firstLine + cut }
        }
        findCandidates(block)
        var index = 0
        while index < candidates.count {
            let line = candidates[index] / matcher.rules.count
            var end = index
            while end < candidates.count, candidates[end] / matcher.rules.count == line { end += 1 }
            withSubject(block, line) { subject in
                for candidate in candidates[index..<end] { attempt(candidate % matcher.rules.count, subject, block, line) }
            }
            index = end
        }
        if everyLine.contains(where: { !states[$0].done }) {
            for line in lines.indices {
                withSubject(block, line) { subject in
                    for rule in everyLine where !states[rule].done { attempt(rule, subject, block, line) }
                }
            }
        }
        if windowed.contains(where: { !states[$0].done }) {
            for line in lines.indices { push(block, line) }
        }
    }

    /// The (line, rule) pairs, as `line * ruleCount + rule` in order, of the one-line rules whose literals the
    /// line contains; marks the rules whose literals were seen.
    private func findCandidates(_ block: LogBlock) {
        candidates.removeAll(keepingCapacity: true)
        let lines = block.lines
        if let literalScanner {
            let hits = literalScanner.scan(block.bytes)
            var line = 0
            for hit in hits {
                let start = hit.end - literalScanner.set.lengths[Int(hit.id)]
                while line < lines.count, lines[line].upperBound < hit.end { line += 1 }
                guard line < lines.count else { break }
                guard lines[line].lowerBound <= start, block.texts.isEmpty || block.texts[line] == nil else { continue }
                for rule in matcher.literalRules[Int(hit.id)] { literalFound(rule, line: line) }
            }
        } else if !keywordRules.isEmpty {
            // Vectorscan refused the literals (it should not): each ASCII line lowercased and searched, as before.
            for line in lines.indices where block.texts[line] == nil {
                let lowered = String(decoding: UnsafeRawBufferPointer(rebasing: block.bytes[lines[line]]), as: UTF8.self).lowercased()
                for rule in keywordRules where matcher.keywordBytes[rule].contains(where: { KnowledgeBaseAnalyzer.contains(lowered, $0) }) {
                    literalFound(rule, line: line)
                }
            }
        }
        // Lines that are not ASCII: the literals are looked for in the lowercased text (Unicode case mapping), as before.
        for (line, text) in block.texts {
            let lowered = text.lowercased()
            for rule in keywordRules where matcher.keywordBytes[rule].contains(where: { KnowledgeBaseAnalyzer.contains(lowered, $0) }) {
                literalFound(rule, line: line)
            }
        }
        candidates.sort()
        var kept = 0
        for candidate in candidates where kept == 0 || candidates[kept - 1] != candidate {
            candidates[kept] = candidate
            kept += 1
        }
        candidates.removeLast(candidates.count - kept)
    }

    /// One of `rule`'s literals is in line `line` (of the block): a one-line rule will be tried on it.
    private func literalFound(_ rule: Int, line: Int) {
        states[rule].keywordSeen = true
        if matcher.rules[rule].window == 1, !states[rule].done { candidates.append(line * matcher.rules.count + rule) }
    }

    /// What patterns see of line `line`: its bytes, or its first `maxLineBytes` and `…` when longer (as
    /// `String.capped(bytes:)` cuts it).
    private func withSubject(_ block: LogBlock, _ line: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
        if var text = block.texts[line] {
            if text.utf8.count > RuleSet.maxLineBytes { text = text.capped(bytes: RuleSet.maxLineBytes) }
            text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
            return
        }
        let bytes = UnsafeRawBufferPointer(rebasing: block.bytes[block.lines[line]])
        guard bytes.count > RuleSet.maxLineBytes else { return body(bytes) }
        // ASCII: every byte boundary is a character boundary (there is no `\r\n` inside a line).
        cutSubject.removeAll(keepingCapacity: true)
        cutSubject.append(contentsOf: bytes.prefix(RuleSet.maxLineBytes))
        cutSubject.append(contentsOf: [0xE2, 0x80, 0xA6])
        cutSubject.withUnsafeBytes(body)
    }

    /// The line as evidence shows it.
    private func evidence(_ block: LogBlock, _ line: Int) -> String {
        let text = block.texts[line] ?? String(decoding: UnsafeRawBufferPointer(rebasing: block.bytes[block.lines[line]]), as: UTF8.self)
        return String(text.trimmedWhitespace).capped(bytes: 300)
    }

    private func attempt(_ rule: Int, _ subject: UnsafeRawBufferPointer, _ block: LogBlock, _ line: Int) {
        guard !states[rule].done else { return }
        record(rule, subject, number: block.firstLine + line) { evidence(block, line) }
    }

    /// Runs `rule` on `subject`: a match is kept with the line's evidence; running out of time counts, and the
    /// rule is dropped at `timeoutsBeforeDrop`. Whether it matched.
    @discardableResult
    private func record(_ rule: Int, _ subject: UnsafeRawBufferPointer, number: Int, evidence: () -> String) -> Bool {
        var timedOut = false
        if let message = RuleSet.firstMatch(matcher.rules[rule], in: subject, matcher: patterns, timedOut: &timedOut) {
            if states[rule].message == nil { states[rule].message = message }
            states[rule].lines.append(LogMatches.Line(number: number, text: evidence()))
            return true
        }
        if timedOut {
            states[rule].timeouts += 1
            if states[rule].timeouts >= KnowledgeBaseAnalyzer.timeoutsBeforeDrop { states[rule].dropped = true }
        }
        return false
    }

    /// A line into the windows of the `lines:` rules; every window that is now complete is tried.
    private func push(_ block: LogBlock, _ line: Int) {
        let number = block.firstLine + line
        // A window shows at most `maxLineBytes` of its text, so a line is kept up to that (and a little more, so
        // that the cut falls where it would in the whole line).
        let limit = RuleSet.maxLineBytes + 64
        let full = block.texts[line] ?? String(decoding: UnsafeRawBufferPointer(rebasing: block.bytes[block.lines[line]]), as: UTF8.self)
        let subject = full.utf8.count > limit ? String(decoding: full.utf8.prefix(limit), as: UTF8.self) : full
        var evidenceText: String?
        for rule in windowed where !states[rule].done {
            if evidenceText == nil { evidenceText = String(full.trimmedWhitespace).capped(bytes: 300) }
            states[rule].ring.append((number, subject, evidenceText!))
            let window = matcher.rules[rule].window
            while !states[rule].done, number - states[rule].nextStart + 1 >= window {
                tryWindow(rule, through: number)
            }
        }
    }

    /// Tries the window of `rule` that starts at its `nextStart` and ends at `last` (or the log's end).
    private func tryWindow(_ rule: Int, through last: Int) {
        let window = matcher.rules[rule].window
        let start = states[rule].nextStart
        states[rule].ring.removeAll { $0.number < start }
        let shown = states[rule].ring.prefix { $0.number <= min(last, start + window - 1) }
        var text = shown.map(\.subject).joined(separator: "\n")
        if text.utf8.count > RuleSet.maxLineBytes { text = text.capped(bytes: RuleSet.maxLineBytes) }
        let evidence = shown.first?.evidence ?? ""
        let matched = text.withUTF8 { record(rule, UnsafeRawBufferPointer($0), number: start) { evidence } }
        states[rule].nextStart += matched ? window : 1
    }

    func finish() -> LogMatches {
        for rule in windowed {
            while !states[rule].done, states[rule].nextStart <= lastLine { tryWindow(rule, through: lastLine) }
        }
        var result = LogMatches(
            fingerprint: matcher.fingerprint, longLines: longLines, firstLongLine: firstLongLine, cutLines: cutLines, firstCutLine: firstCutLine)
        for (index, rule) in matcher.rules.enumerated() {
            // A rule with literals none of which the log contains does not apply to it (its windows are dropped).
            if !rule.keywords.isEmpty, !states[index].keywordSeen { continue }
            if states[index].dropped { result.dropped.append(LogMatches.Dropped(rule: rule.id, lines: states[index].timeouts)) }
            if let message = states[index].message, !states[index].lines.isEmpty {
                result.hits.append(LogMatches.Hit(rule: rule.id, message: message, lines: states[index].lines))
            }
        }
        return result
    }
}

