public import BuildTriageCore

/// The built-in analyzers, sorted by id. Guarded by tests: ids unique and snake_case, every analyzer has
/// triggering and non-triggering examples.
public enum AnalyzerRegistry {
    public static let builtIn: [any Analyzer] = [
        BuildFailureAnalyzer(),
        ClientErrorAnalyzer(),
        CollateralAnalyzer(),
        FlakyBuildGroupAnalyzer(),
        FlakyFailureAnalyzer(),
        FlakyTestAnalyzer(),
        IgnoredGroupAnalyzer(),
        InfrastructureAnalyzer(),
        KnowledgeBaseAnalyzer(),
        PipelineActionAnalyzer(),
        StoppedAnalyzer(),
        TestFailureAnalyzer(),
        TimeoutAnalyzer(),
    ]

    /// The descriptions of every built-in analyzer.
    public static var descriptions: [AnalyzerDescription] {
        builtIn.map { type(of: $0).description }
    }
}
