import BuildTriageCore
import BuildTriageIngest
import Foundation
import Testing

@testable import BuildTriageAnalyzers

/// Every analyzer's own examples, run through the real ingest: triggering examples must yield the expected
/// (category, subject) findings from that analyzer; non-triggering examples must yield none from it.
@Suite struct AnalyzerExampleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var analyzerID: String
        var example: AnalyzerExample
        var triggering: Bool
        var index: Int
        var testDescription: String { "\(analyzerID) \(triggering ? "triggering" : "non-triggering") #\(index)" }
    }

    static let cases: [Case] = AnalyzerRegistry.descriptions.flatMap { description in
        description.triggeringExamples.enumerated().map { Case(analyzerID: description.id, example: $1, triggering: true, index: $0) }
            + description.nonTriggeringExamples.enumerated().map { Case(analyzerID: description.id, example: $1, triggering: false, index: $0) }
    }

    /// Files read through the real ingest, in the order given.
    static func input(_ files: [(path: String, content: String)]) -> TriageInput {
        var input = TriageInput()
        for (path, content) in files {
            let read = Ingestor.read(data: Data(content.utf8), path: path)
            input.inputs.append(read.record)
            if let document = read.document { input.documents.append(SourcedDocument(path: path, document: document)) }
        }
        return input
    }

    static func findings(for example: AnalyzerExample) -> (TriageInput, [Finding]) {
        let input = input(example.files)
        return (input, AnalysisEngine.analyze(input).findings)
    }

    @Test(arguments: cases)
    func example(_ testCase: Case) {
        let (input, findings) = Self.findings(for: testCase.example)
        let location = SourceLocation(
            fileID: "\(testCase.example.file)", filePath: "\(testCase.example.file)", line: Int(testCase.example.line), column: 1)
        #expect(input.inputs.allSatisfy { $0.status == .ok }, "example inputs must be readable: \(input.inputs.compactMap(\.diagnostic))", sourceLocation: location)
        let mine = findings.filter { $0.analyzer == testCase.analyzerID || $0.analyzer.hasPrefix(testCase.analyzerID + ":") }
        if testCase.triggering {
            for (category, subject) in testCase.example.expect {
                #expect(
                    mine.contains { $0.category == category && $0.subject.id == subject },
                    "expected \(category.rawValue) on \(subject); got \(mine.map { "\($0.category.rawValue) \($0.subject.id)" })",
                    sourceLocation: location)
            }
            #expect(!testCase.example.expect.isEmpty, "a triggering example names what it triggers", sourceLocation: location)
        } else {
            #expect(mine.isEmpty, "expected nothing from \(testCase.analyzerID); got \(mine.map(\.message))", sourceLocation: location)
        }
    }

    @Test func registryIsSortedUniqueAndEveryAnalyzerHasExamples() {
        let ids = AnalyzerRegistry.descriptions.map(\.id)
        #expect(ids == ids.sorted(), "the registry is kept sorted by id")
        #expect(Set(ids).count == ids.count, "ids are unique")
        for description in AnalyzerRegistry.descriptions {
            #expect(description.id.allSatisfy { $0.isLowercase || $0 == "_" }, "\(description.id) is snake_case")
            #expect(!description.triggeringExamples.isEmpty, "\(description.id) has triggering examples")
            #expect(!description.nonTriggeringExamples.isEmpty, "\(description.id) has non-triggering examples")
            #expect(!description.categories.isEmpty)
        }
        // Every category can be produced by some analyzer.
        let covered = Set(AnalyzerRegistry.descriptions.filter { $0.id != "knowledge_base" }.flatMap(\.categories))
        #expect(covered == Set(Category.allCases))
    }

    @Test func builtInRulesPassTheirOwnExamples() {
        let rules = RuleSet.builtIn()
        #expect(rules.rules.count >= 6)
        #expect(rules.checkExamples().isEmpty, "\(rules.checkExamples())")
    }

    @Test func badRuleFilesAreRefusedWithAReason() {
        let cases: [(String, String)] = [
            ("rules: [", "not a rule file"),
            ("rules:\n  - id: Bad-Id\n    category: infrastructure\n    patterns: ['x']\n", "snake_case"),
            ("rules:\n  - id: a\n    category: weather\n    patterns: ['x']\n", "unknown category"),
            ("rules:\n  - id: a\n    category: infrastructure\n    patterns: ['(']\n", "does not compile"),
            ("rules:\n  - id: a\n    category: infrastructure\n    patterns: ['(a+)+b']\n", "exponential"),
            ("rules:\n  - id: a\n    category: infrastructure\n    patterns: []\n", "no patterns"),
        ]
        for (yaml, reason) in cases {
            do {
                _ = try RuleSet(yaml: yaml, path: "r.yml")
                Issue.record("accepted: \(yaml)")
            } catch {
                #expect(error.description.contains(reason), "\(error.description)")
            }
        }
    }

    @Test func aSlowPatternIsCutOffNotHung() throws {
        // Not a nested quantifier, so it loads; alternation backtracking on a long line is bounded by the time limit.
        let rules = try RuleSet(yaml: "rules:\n  - id: slow\n    category: infrastructure\n    patterns: ['^(a|aa|aaa|aaaa)*$']\n", path: "slow.yml")
        let log = "[Container] 2024/01/15 10:00:00.1 Entering phase BUILD\n" + String(repeating: String(repeating: "a", count: 4000) + "b\n", count: 5)
        var input = TriageInput()
        let read = Ingestor.read(data: Data(log.utf8), path: "build.log")
        input.documents.append(SourcedDocument(path: "build.log", document: try #require(read.document)))
        let start = Date()
        let (_, diagnostics) = KnowledgeBaseAnalyzer(rules: rules).run(AnalysisContext(input: input))
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(diagnostics.contains { $0.contains("ran out of time") })
    }
}
