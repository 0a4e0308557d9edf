public import BuildTriageCore

extension OutputFormat {
    /// The reporter that writes this format. Exhaustive: a format without a reporter does not compile.
    public var reporter: any Reporter {
        switch self {
        case .text: TextReporter()
        case .json: JSONReporter()
        case .markdown: MarkdownReporter()
        case .github: GitHubActionsReporter()
        case .html: HTMLReporter()
        }
    }
}
