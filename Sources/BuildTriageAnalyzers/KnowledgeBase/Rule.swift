public import BuildTriageCore
import Foundation
import Yams

/// One knowledge-base rule: regular expressions over build-log lines that classify a failure.
public struct Rule: Sendable {
    public var id: String
    public var category: Category
    public var description: String
    /// The finding's message; `$1`…`$9` are replaced by the first pattern's capture groups, `$0` by the match.
    public var message: String
    /// A rule matches when any pattern matches within `window` consecutive lines (1: a single line).
    public var patterns: [Pattern]
    public var window: Int
    /// Lower-case literals one of which a line must contain before the patterns run on it (a fast prefilter);
    /// empty: every line is tried.
    public var keywords: [String]
    public var matchExamples: [String]
    public var noMatchExamples: [String]
}

/// The YAML form of a rule file.
struct RuleFileDocument: Decodable {
    struct Entry: Decodable {
        var id: String
        var category: String
        var description: String?
        var message: String?
        var patterns: [String]
        var lines: Int?
        var contains: [String]?
        var examples: Examples?
    }

    struct Examples: Decodable {
        var match: [String]?
        var noMatch: [String]?

        enum CodingKeys: String, CodingKey {
            case match
            case noMatch = "no_match"
        }
    }

    var rules: [Entry]
}

/// Why a rule file cannot be used.
public struct RuleFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
}

/// A set of rules loaded from YAML, and the matcher that applies them with a time bound per line.
public struct RuleSet: Sendable {
    /// The rules, in order: the built-in ones first when this set includes them.
    public var rules: [Rule] {
        get { includesBuiltIn ? (ownRules.isEmpty ? Self.builtInRules : Self.builtInRules + ownRules) : ownRules }
        set {
            includesBuiltIn = false
            ownRules = newValue
        }
    }

    /// Whether the built-in rules precede `ownRules`: they are parsed on first use of `rules`, so that a run
    /// without logs (the only inputs rules apply to) does not parse their YAML.
    private var includesBuiltIn = false
    private var ownRules: [Rule]
    /// Parsed once per process, on first use.
    private static let builtInRules: [Rule] = {
        guard let url = Bundle.module.url(forResource: "transient", withExtension: "yml", subdirectory: "Rules"),
            let text = try? String(contentsOf: url, encoding: .utf8),
            let set = try? RuleSet(yaml: text, path: "built-in transient.yml")
        else { return [] }
        return set.rules
    }()

    /// Longest line looked at: longer lines are matched on their first `maxLineBytes` bytes only.
    public static let maxLineBytes = 4096
    /// Lines kept with a finding.
    public static let maxEvidence = 5

    public init(rules: [Rule]) {
        ownRules = rules
    }

    /// Identifies the rules' matching (ids, literals, windows, patterns, messages): a log's matches count for this
    /// set only when they carry its fingerprint.
    public var fingerprint: String {
        rules.map { rule in
            ([rule.id, rule.category.rawValue, rule.message, String(rule.window)] + rule.keywords + ["\u{1}"] + rule.patterns.map(\.source))
                .joined(separator: "\u{0}")
        }.joined(separator: "\u{2}")
    }

    /// The matcher the log reader runs these rules with while a log streams by.
    public func matcher() -> RuleMatcher { RuleMatcher(self) }

    /// The rules that ship with BuildTriage (transient and infrastructure log patterns).
    public static func builtIn() -> RuleSet {
        var set = RuleSet(rules: [])
        set.includesBuiltIn = true
        return set
    }

    /// Loads a rule file: every rule needs an id, a known category and at least one pattern that compiles.
    public init(yaml: String, path: String) throws(RuleFileError) {
        let document: RuleFileDocument
        do {
            document = try YAMLDecoder().decode(RuleFileDocument.self, from: yaml)
        } catch {
            throw RuleFileError(path: path, message: "not a rule file: \(Self.describe(error))")
        }
        var rules: [Rule] = []
        var ids: Set<String> = []
        for entry in document.rules {
            guard entry.id.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil else {
                throw RuleFileError(path: path, message: "rule id '\(entry.id)' is not snake_case")
            }
            guard ids.insert(entry.id).inserted else { throw RuleFileError(path: path, message: "rule id '\(entry.id)' is used twice") }
            guard let category = Category(rawValue: entry.category) else {
                throw RuleFileError(path: path, message: "rule \(entry.id): unknown category '\(entry.category)' (one of \(Category.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard !entry.patterns.isEmpty else { throw RuleFileError(path: path, message: "rule \(entry.id) has no patterns") }
            var patterns: [Pattern] = []
            for pattern in entry.patterns {
                if let problem = Self.catastrophicShape(pattern) ?? Self.refusedFeature(pattern) {
                    throw RuleFileError(path: path, message: "rule \(entry.id): pattern /\(pattern)/ \(problem)")
                }
                do {
                    patterns.append(try Pattern(pattern))
                } catch {
                    throw RuleFileError(
                        path: path, message: "rule \(entry.id): pattern /\(pattern)/ does not compile: \(error.message) (at byte \(error.offset))")
                }
            }
            for literal in entry.contains ?? [] {
                if literal.isEmpty {
                    throw RuleFileError(path: path, message: "rule \(entry.id): contains: an empty literal would let every line through (leave contains: out instead)")
                }
                if literal.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                    throw RuleFileError(
                        path: path, message: "rule \(entry.id): contains: literal \(literal.debugDescription) has a control character (literals are matched within one line)")
                }
            }
            let window = entry.lines ?? 1
            guard (1...20).contains(window) else { throw RuleFileError(path: path, message: "rule \(entry.id): lines must be 1 to 20") }
            rules.append(Rule(
                id: entry.id, category: category, description: entry.description ?? entry.id,
                message: entry.message ?? entry.description ?? entry.id, patterns: patterns, window: window,
                keywords: (entry.contains ?? []).map { $0.lowercased() },
                matchExamples: entry.examples?.match ?? [], noMatchExamples: entry.examples?.noMatch ?? []))
        }
        ownRules = rules
    }

    /// PCRE2 features refused in rules (see `Docs/rules.md`): what could run away (recursion, subroutine calls,
    /// callouts), change the matching conventions the rules rely on (`(*…)` start-of-pattern options and
    /// backtracking verbs), or split a character (`\C`). nil when the pattern uses none of them.
    static func refusedFeature(_ pattern: String) -> String? {
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        var inClass = false
        while index < scalars.count {
            let scalar = scalars[index]
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            if scalar == "\\" {
                guard let next else { break }
                if next == "Q" {
                    // \Q…\E: literal text.
                    index += 2
                    while index < scalars.count, !(scalars[index] == "\\" && index + 1 < scalars.count && scalars[index + 1] == "E") { index += 1 }
                    index += 2
                    continue
                }
                if next == "C" { return "uses \\C (one byte of a character): refused" }
                if next == "g", index + 2 < scalars.count, scalars[index + 2] == "<" || scalars[index + 2] == "'" {
                    return "calls a group as a subroutine (\\g<…>): recursion is refused"
                }
                index += 2
                continue
            }
            if inClass {
                if scalar == "]" { inClass = false }
                index += 1
                continue
            }
            if scalar == "[" {
                inClass = true
                // A `]` first in the class (after an optional `^`) is a member, not its end; `[:alpha:]` has no `]` inside.
                index += 1
                if index < scalars.count, scalars[index] == "^" { index += 1 }
                if index < scalars.count, scalars[index] == "]" { index += 1 }
                continue
            }
            if scalar == "(", next == "*" {
                return "uses a (*…) verb or start-of-pattern option: refused (the matching conventions are fixed; see Docs/rules.md)"
            }
            if scalar == "(", next == "?", index + 2 < scalars.count {
                let third = scalars[index + 2]
                let fourth = index + 3 < scalars.count ? scalars[index + 3] : nil
                if third == "C" { return "uses a callout (?C…): refused" }
                if third == "R" || third == "&" || third.properties.numericType == .decimal
                    || ((third == "+" || third == "-") && fourth?.properties.numericType == .decimal)
                    || (third == "P" && fourth == ">")
                {
                    return "recurses or calls a group as a subroutine ((?R), (?1), (?&name)): refused"
                }
            }
            index += 1
        }
        return nil
    }

    /// Nested quantifiers (`(a+)+`, `(.*)*`) backtrack exponentially: refused when the file is loaded (the
    /// per-line time limit still bounds anything that slips through).
    static func catastrophicShape(_ pattern: String) -> String? {
        if pattern.range(of: #"\([^()]*[+*][^()]*\)[+*{]"#, options: .regularExpression) != nil {
            return "nests a repeated group inside a repetition (exponential backtracking); rewrite it without the outer repeat"
        }
        return nil
    }

    private static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        return String(text.split(whereSeparator: \.isNewline).first ?? "invalid YAML")
    }

    /// The first match of a rule's patterns (in order) in `subject` (a line or a window of lines, already cut to
    /// `maxLineBytes`): the rule's message with its groups, or nil; nil also when a pattern ran out of its step
    /// budget and no other matched (then `timedOut` is set).
    static func firstMatch(_ rule: Rule, in subject: UnsafeRawBufferPointer, matcher: PatternMatcher, timedOut: inout Bool) -> String? {
        for pattern in rule.patterns {
            switch matcher.match(pattern, subject) {
            case .noMatch: continue
            case .outOfTime: timedOut = true
            case .match(let ranges):
                let groups = ranges.map { range in range.map { String(decoding: UnsafeRawBufferPointer(rebasing: subject[$0]), as: UTF8.self) } }
                return message(rule, groups: groups)
            }
        }
        return nil
    }

    /// `firstMatch` on text (a rule file's example), cut as a log line is.
    static func firstMatch(_ rule: Rule, in text: String, matcher: PatternMatcher, timedOut: inout Bool) -> String? {
        var subject = text.utf8.count > maxLineBytes ? text.capped(bytes: maxLineBytes) : text
        return subject.withUTF8 { firstMatch(rule, in: UnsafeRawBufferPointer($0), matcher: matcher, timedOut: &timedOut) }
    }

    /// The rule's message with `$0`…`$9` replaced by the match and its groups (a group that did not take part:
    /// nothing), from `$9` down.
    public static func message(_ rule: Rule, groups: [String?]) -> String {
        var message = rule.message
        for index in stride(from: min(groups.count - 1, 9), through: 0, by: -1) {
            message = message.replacingOccurrences(of: "$\(index)", with: (groups[index] ?? "").trimmedWhitespace.description)
        }
        return message
    }

    /// Checks the rule file's own examples: every `match` example must match and no `no_match` example may.
    public func checkExamples() -> [String] {
        var failures: [String] = []
        let matcher = PatternMatcher()
        for rule in rules {
            for example in rule.matchExamples {
                var timedOut = false
                if Self.firstMatch(rule, in: example, matcher: matcher, timedOut: &timedOut) == nil {
                    failures.append("rule \(rule.id): example does not match: \(example.debugDescription)\(timedOut ? " (timed out)" : "")")
                }
            }
            for example in rule.noMatchExamples {
                var timedOut = false
                if Self.firstMatch(rule, in: example, matcher: matcher, timedOut: &timedOut) != nil {
                    failures.append("rule \(rule.id): no_match example matches: \(example.debugDescription)")
                }
            }
        }
        return failures
    }
}
