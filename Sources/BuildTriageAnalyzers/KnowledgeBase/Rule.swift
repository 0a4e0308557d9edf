public import BuildTriageCore
public import Foundation
import Yams

/// One knowledge-base rule: regular expressions over build-log lines that classify a failure.
public struct Rule: Sendable {
    public var id: String
    public var category: Category
    public var description: String
    /// The finding's message; `$1`…`$9` are replaced by the first pattern's capture groups, `$0` by the match.
    public var message: String
    /// A rule matches when any pattern matches within `window` consecutive lines (1: a single line).
    public var patterns: [NSRegularExpression]
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
    /// Time one pattern may spend on one line (or window) before it is abandoned.
    public static let perLineTimeLimit: TimeInterval = 0.05
    /// Lines kept with a finding.
    public static let maxEvidence = 5

    public init(rules: [Rule]) {
        ownRules = rules
    }

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
            var patterns: [NSRegularExpression] = []
            for pattern in entry.patterns {
                if let problem = Self.catastrophicShape(pattern) {
                    throw RuleFileError(path: path, message: "rule \(entry.id): pattern /\(pattern)/ \(problem)")
                }
                do {
                    patterns.append(try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]))
                } catch {
                    throw RuleFileError(path: path, message: "rule \(entry.id): pattern /\(pattern)/ does not compile")
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

    /// The first match of a rule in `text` (a line or a window of lines), or nil; nil also when the time
    /// limit ran out (then `timedOut` is set).
    static func firstMatch(_ rule: Rule, in text: String, timedOut: inout Bool) -> (pattern: NSRegularExpression, match: NSTextCheckingResult)? {
        let subject = text.utf8.count > maxLineBytes ? text.capped(bytes: maxLineBytes) : text
        let range = NSRange(subject.startIndex..., in: subject)
        for pattern in rule.patterns {
            var found: NSTextCheckingResult?
            var expired = false
            let start = DispatchTime.now().uptimeNanoseconds
            pattern.enumerateMatches(in: subject, options: [.reportProgress], range: range) { result, _, stop in
                if let result {
                    found = result
                    stop.pointee = true
                } else if Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 > perLineTimeLimit {
                    expired = true
                    stop.pointee = true
                }
            }
            if expired { timedOut = true }
            if let found { return (pattern, found) }
        }
        return nil
    }

    /// The rule's message with `$0`…`$9` replaced by the match and its groups.
    static func message(_ rule: Rule, match: NSTextCheckingResult, in text: String) -> String {
        let subject = text.utf8.count > maxLineBytes ? text.capped(bytes: maxLineBytes) : text
        var message = rule.message
        for index in stride(from: min(match.numberOfRanges - 1, 9), through: 0, by: -1) {
            let range = match.range(at: index)
            let value = range.location == NSNotFound ? "" : (Range(range, in: subject).map { String(subject[$0]) } ?? "")
            message = message.replacingOccurrences(of: "$\(index)", with: value.trimmedWhitespace.description)
        }
        return message
    }

    /// Checks the rule file's own examples: every `match` example must match and no `no_match` example may.
    public func checkExamples() -> [String] {
        var failures: [String] = []
        for rule in rules {
            for example in rule.matchExamples {
                var timedOut = false
                if Self.firstMatch(rule, in: example, timedOut: &timedOut) == nil {
                    failures.append("rule \(rule.id): example does not match: \(example.debugDescription)\(timedOut ? " (timed out)" : "")")
                }
            }
            for example in rule.noMatchExamples {
                var timedOut = false
                if Self.firstMatch(rule, in: example, timedOut: &timedOut) != nil {
                    failures.append("rule \(rule.id): no_match example matches: \(example.debugDescription)")
                }
            }
        }
        return failures
    }
}
