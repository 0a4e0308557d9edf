public import BuildTriageCore
public import BuildTriageRetry
import Dispatch

/// Configuration of one analysis.
public struct AnalysisConfiguration: Sendable {
    /// Earlier attempts after which a target is `investigate` rather than `retry` (Docs/decisions.md: 2).
    public var retryBudget: Int
    public var retryOptions: RetryOptions
    /// Knowledge-base rules: the built-in ones plus any `--rules` files.
    public var rules: RuleSet
    /// External analyzers (`--plugin`).
    public var plugins: [ExternalAnalyzer]
    /// What adjusts the findings before the decision with knowledge from outside the run (history, quarantine).
    public var refiners: [any FindingRefiner]

    public init(
        retryBudget: Int = 2, retryOptions: RetryOptions = RetryOptions(), rules: RuleSet = .builtIn(), plugins: [ExternalAnalyzer] = [],
        refiners: [any FindingRefiner] = []
    ) {
        self.retryBudget = retryBudget
        self.retryOptions = retryOptions
        self.rules = rules
        self.plugins = plugins
        self.refiners = refiners
    }
}

/// Adjusts the findings of a run, before the decision, with knowledge the run's files do not hold: the history
/// of earlier runs (a failing test known as flaky), a quarantine list. Returns diagnostics.
public protocol FindingRefiner: Sendable {
    func refine(_ findings: inout [Finding], context: AnalysisContext) -> [String]
}

/// What an analysis found and decided.
public struct AnalysisResult: Sendable {
    public var findings: [Finding]
    public var recommendations: [Recommendation]
    public var verdict: Verdict
    public var tests: TestCounts
    public var diagnostics: [String]
}

/// Runs every analyzer over the run's evidence, resolves root causes and decides per target.
public enum AnalysisEngine {
    public static func analyze(_ input: TriageInput, configuration: AnalysisConfiguration = AnalysisConfiguration()) -> AnalysisResult {
        var context = AnalysisContext(input: input, retryBudget: configuration.retryBudget)
        var diagnostics = CollectionNotes.notes(for: context)
        // What the test-report readers noted about a file's content (outcome values its format does not define).
        for report in context.junitReports {
            diagnostics += (report.value.notes ?? []).map { "\(report.path): \($0)" }
        }
        var findings: [Finding] = []
        let knowledgeBase = KnowledgeBaseAnalyzer(rules: configuration.rules)
        // The primary analyzers are independent (pure, reading the same context): they run concurrently, each
        // into its own slot, and their findings are appended in registry order, as if run one after another.
        let primaries = AnalyzerRegistry.builtIn.filter { type(of: $0).description.stage == .primary }
        let outputs = Slots<([Finding], [String])>(count: primaries.count)
        DispatchQueue.concurrentPerform(iterations: primaries.count) { [context] index in
            let analyzer = primaries[index]
            outputs[index] = analyzer is KnowledgeBaseAnalyzer ? knowledgeBase.run(context) : (analyzer.analyze(context), [])
        }
        for index in primaries.indices {
            let (found, problems) = outputs.take(index)
            append(found, to: &findings)
            diagnostics += problems
        }
        if !configuration.plugins.isEmpty {
            do {
                let request = try ExternalAnalyzer.request(for: context, findings: findings)
                for plugin in configuration.plugins {
                    let outcome = plugin.run(context, request: request)
                    findings += outcome.findings
                    diagnostics += outcome.diagnostics
                }
            } catch {
                diagnostics.append("plugins: the model could not be encoded (\(error)); no plugin was run")
            }
        }
        // The fallback analyzers see the findings so far; theirs are appended once the context lets go of the
        // array, so that it is not copied (appending to a shared array copies it).
        context.priorFindings = findings
        var fallbackFindings: [Finding] = []
        for analyzer in AnalyzerRegistry.builtIn where type(of: analyzer).description.stage == .fallback {
            append(analyzer.analyze(context), to: &fallbackFindings)
        }
        context.priorFindings = []
        if !fallbackFindings.isEmpty { append(fallbackFindings, to: &findings) }
        for refiner in configuration.refiners { diagnostics += refiner.refine(&findings, context: context) }
        // Moved in: passing the variable kept a second reference, so that finalize's first mutation copied every
        // finding (and the original array was destroyed on the assignment).
        findings = finalize(consume findings)
        let engine = DecisionEngine(retryBudget: configuration.retryBudget, retryOptions: configuration.retryOptions)
        let recommendations = engine.decide(context, findings: findings)
        var tests = input.testCounts
        tests.flaky = Set(findings.filter { $0.category == .flaky && $0.subject.kind == .test }.map(\.subject.id)).count
        return AnalysisResult(
            findings: findings, recommendations: recommendations, verdict: Verdict(strongestOf: recommendations.map(\.action)),
            tests: tests, diagnostics: diagnostics)
    }

    /// Appends `found`, taking the array itself when there is nothing yet, else moving its findings (no copy of
    /// thousands of findings: `+=` copied each, a retain per field, then released the source's, a release per
    /// field).
    private static func append(_ found: consuming [Finding], to findings: inout [Finding]) {
        if findings.isEmpty {
            findings = found
            return
        }
        var source = found
        guard !source.isEmpty else { return }
        findings.reserveCapacity(findings.count + source.count)
        // Each finding is moved out and its slot refilled with a finding that holds no object (empty Strings are
        // stored inline, the empty array is a static), so that the source array destroys placeholders only.
        let placeholder = Self.placeholder
        source.withUnsafeMutableBufferPointer { source in
            guard let base = source.baseAddress else { return }
            for index in 0..<source.count {
                findings.append((base + index).move())
                (base + index).initialize(to: placeholder)
            }
        }
    }

    private static let placeholder = Finding(id: "", analyzer: "", category: .ignored, subject: Subject(.log, ""), message: "")

    /// Unique ids, root causes resolved from root subjects, and a stable order (target, category, subject).
    static func finalize(_ findings: consuming [Finding]) -> [Finding] {
        // In place: the array is the caller's, moved in.
        var result = findings
        var seen: [String: Int] = [:]
        seen.reserveCapacity(result.count)
        for index in result.indices {
            let count = seen[result[index].id, default: 0] + 1
            seen[result[index].id] = count
            if count > 1 { result[index].id += "#\(count)" }
        }
        // Findings by subject and by scope, so that each root is a lookup rather than a scan of every finding.
        // (Only when some finding has a root subject.)
        if result.contains(where: { $0.rootSubject != nil }) {
            var bySubjectOrScope: [Subject: [Int]] = [:]
            for index in result.indices where result[index].category != .collateral && result[index].category != .stopped {
                bySubjectOrScope[result[index].subject, default: []].append(index)
                if let scope = result[index].scope, scope != result[index].subject { bySubjectOrScope[scope, default: []].append(index) }
            }
            for index in result.indices {
                guard let root = result[index].rootSubject else { continue }
                // The first candidate with the smallest (not the subject itself, category), as `min(by:)` picks it,
                // compared in place rather than on copies of the findings.
                var best: Int?
                for candidate in bySubjectOrScope[root] ?? [] {
                    guard let current = best else {
                        best = candidate
                        continue
                    }
                    if (result[candidate].subject == root ? 0 : 1, result[candidate].category) < (result[current].subject == root ? 0 : 1, result[current].category) {
                        best = candidate
                    }
                }
                result[index].rootCause = best.map { result[$0].id }
            }
        }
        // Keys packed once per finding into one buffer and compared with memcmp (the sort copied a key of four
        // Strings per comparison, and compared each String twice: `!=`, then `<`). Keys with non-ASCII Strings
        // are compared as Strings.
        let order = PackedSortKeys.order(count: result.count, bytesPerKey: 128) { packed, index in
            packed.append(result[index].target?.kind.rawValue ?? "~")
            packed.append(result[index].target?.id ?? "")
            packed.append(byte: UInt8(result[index].category.rank + 1))
            packed.append(result[index].subject.kind.rawValue)
            packed.append(result[index].subject.id)
            packed.append(result[index].id)
        } fallback: {
            let keys = result.map(SortKey.init)
            return keys.withUnsafeBufferPointer { keys in
                result.indices.sorted { SortKey.precedes(keys[$0], keys[$1]) }
            }
        }
        // Permuted in place by swaps (`order.map { result[$0] }` held two arrays of findings at once, and moving
        // through a temporary copied each finding): position `i` receives the finding that was at `order[i]`.
        result.permute(by: order)
        return result
    }

    /// (target kind, target id, category rank, subject kind, subject id, finding id), compared as a tuple.
    private struct SortKey {
        let targetKind: String
        let targetID: String
        let rank: Int
        let subjectKind: Subject.Kind
        let subjectID: String
        let id: String

        init(_ finding: Finding) {
            targetKind = finding.target?.kind.rawValue ?? "~"
            targetID = finding.target?.id ?? ""
            rank = finding.category.rank
            subjectKind = finding.subject.kind
            subjectID = finding.subject.id
            id = finding.id
        }

        static func precedes(_ lhs: borrowing SortKey, _ rhs: borrowing SortKey) -> Bool {
            if lhs.targetKind != rhs.targetKind { return lhs.targetKind < rhs.targetKind }
            if lhs.targetID != rhs.targetID { return lhs.targetID < rhs.targetID }
            if lhs.rank != rhs.rank { return lhs.rank < rhs.rank }
            if lhs.subjectKind != rhs.subjectKind { return lhs.subjectKind.rawValue < rhs.subjectKind.rawValue }
            if lhs.subjectID != rhs.subjectID { return lhs.subjectID < rhs.subjectID }
            return lhs.id < rhs.id
        }
    }
}
