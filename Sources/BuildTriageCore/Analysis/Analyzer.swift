/// When an analyzer runs: `primary` analyzers read the evidence; `fallback` analyzers run after them and see
/// their findings (to classify what nothing else explained).
public enum AnalyzerStage: String, Sendable, Hashable, Codable {
    case primary, fallback
}

/// One example input for an analyzer: files as a user would pass them, and what must (or must not) be found.
public struct AnalyzerExample: Sendable {
    /// Relative path → file content. Paths matter: evidence is attributed by path components.
    public var files: [(path: String, content: String)]
    /// For a triggering example: the (category, subject id) pairs this analyzer must report, at least.
    /// For a non-triggering example: ignored (the analyzer must report nothing).
    public var expect: [(Category, String)]
    public var file: StaticString
    public var line: UInt

    public init(
        _ files: [(path: String, content: String)], expect: [(Category, String)] = [],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        self.files = files
        self.expect = expect
        self.file = file
        self.line = line
    }
}

/// What an analyzer is: its stable id, what it looks for, the categories it can emit, and its own examples.
public struct AnalyzerDescription: Sendable {
    /// snake_case, stable: it is written into every finding.
    public var id: String
    public var summary: String
    public var categories: [Category]
    public var stage: AnalyzerStage
    public var triggeringExamples: [AnalyzerExample]
    public var nonTriggeringExamples: [AnalyzerExample]

    public init(
        id: String, summary: String, categories: [Category], stage: AnalyzerStage = .primary,
        triggeringExamples: [AnalyzerExample], nonTriggeringExamples: [AnalyzerExample]
    ) {
        self.id = id
        self.summary = summary
        self.categories = categories
        self.stage = stage
        self.triggeringExamples = triggeringExamples
        self.nonTriggeringExamples = nonTriggeringExamples
    }
}

/// Classifies failures: reads the run's evidence (through the context's indexes) and returns findings.
/// An analyzer is one type in one file, pure, and brings its own examples.
public protocol Analyzer: Sendable {
    /// The analyzer's id, summary, categories and examples.
    static var description: AnalyzerDescription { get }
    /// Findings for everything this analyzer recognises in the run.
    func analyze(_ context: AnalysisContext) -> [Finding]
}

extension Analyzer {
    /// The analyzer's id.
    public var id: String { Self.description.id }
}
