import Testing

@testable import BuildTriageAnalyzers

/// The pattern dialect of rule files (Docs/rules.md): what is refused at load time, with the rule, the pattern
/// and the reason in the error; and what PCRE2 features load.
@Suite struct RuleDialectTests {
    static func rule(_ pattern: String, contains: String? = nil) -> String {
        let literal = contains.map { "    contains: [\($0)]\n" } ?? ""
        return "rules:\n  - id: my_rule\n    category: infrastructure\n\(literal)    patterns: ['\(pattern)']\n"
    }

    @Test("refused patterns: the error names the file, the rule, the pattern and the reason", arguments: [
        (#"a\Cb"#, "\\C"),
        (#"x(?C1)y"#, "callout"),
        (#"(*LIMIT_MATCH=100000000)a+"#, "(*…) verb"),
        (#"(*UTF)x"#, "(*…) verb"),
        (#"a(*SKIP)b"#, "(*…) verb"),
        (#"(a|b(?R))"#, "recurses"),
        (#"(a)(?1)"#, "recurses"),
        (#"(?<n>a)(?&n)"#, "recurses"),
        (#"(?P<n>a)(?P>n)"#, "recurses"),
        (#"(a)\g<1>"#, "subroutine"),
        (#"(a+)+b"#, "exponential"),
        (#"(.*)*x"#, "exponential"),
        (#"(unclosed"#, "does not compile: missing closing parenthesis"),
        (#"a{2,1}"#, "does not compile"),
        (#"\p{NotAProperty}"#, "does not compile"),
    ])
    func refusedPattern(pattern: String, reason: String) {
        do {
            _ = try RuleSet(yaml: Self.rule(pattern), path: "mine.yml")
            Issue.record("accepted: \(pattern)")
        } catch {
            #expect(error.description.hasPrefix("mine.yml: rule my_rule: pattern /\(pattern)/ "), "\(error.description)")
            #expect(error.description.contains(reason), "\(error.description)")
        }
    }

    @Test("refused literals: empty, or with a control character", arguments: [
        ("\"\"", "empty literal"),
        ("\"a\\tb\"", "control character"),
        ("\"x\\ny\"", "control character"),
    ])
    func refusedLiteral(literals: String, reason: String) {
        do {
            _ = try RuleSet(yaml: Self.rule("x", contains: literals), path: "mine.yml")
            Issue.record("accepted: \(literals)")
        } catch {
            #expect(error.description.hasPrefix("mine.yml: rule my_rule: contains: "), "\(error.description)")
            #expect(error.description.contains(reason), "\(error.description)")
        }
    }

    @Test("allowed: classes, Unicode properties, lookaround, backreferences, named groups, (?i), escapes in classes", arguments: [
        #"\berror\b"#, #"(?i)connection reset"#, #"\p{Lu}\w+"#, #"(?<=npm )ERR!"#, #"(?!warn)\w+: failed"#, #"(\w)\1"#,
        #"(?<code>\d{3}) Service"#, #"(?P<x>a)(?P=x)"#, #"[(*]C"#, #"[\]C(?]"#, #"\Q(*SKIP)\E"#, #"a{2,5}"#, #"^\s*$"#, #"x(?#comment)y"#,
    ])
    func allowedPattern(pattern: String) throws {
        let set = try RuleSet(yaml: Self.rule(pattern), path: "mine.yml")
        #expect(set.rules.first?.patterns.first?.source == pattern)
    }
}
