/// What an input file is, decided from its content (never from its name).
public enum InputKind: String, Codable, Hashable, Sendable, CaseIterable {
    case codebuildBatch = "codebuild-batch"
    case codebuildBuilds = "codebuild-builds"
    case codebuildTestCases = "codebuild-test-cases"
    case codebuildReports = "codebuild-reports"
    case codepipelineState = "codepipeline-state"
    case codepipelineExecution = "codepipeline-execution"
    case codepipelineExecutions = "codepipeline-executions"
    case codepipelineActionExecutions = "codepipeline-action-executions"
    case codepipelineDefinition = "codepipeline-definition"
    case junit
    /// Test reports of the other formats CodeBuild report groups accept (and xUnit.net's), read into the same
    /// model as JUnit (`Document.junit`); see Docs/formats.md.
    case nunit2, nunit3, trx, xunit, testng, cucumber
    case buildLog = "build-log"
    /// An EventBridge event (CodeBuild or CodePipeline state change): says which event started the triage.
    case eventbridgeEvent = "eventbridge-event"
    /// The `manifest.json` of a folder written by `buildtriage collect`.
    case collectManifest = "collect-manifest"
    /// Content that is none of the above (or could not be read far enough to tell).
    case unknown
}

/// Whether an input was read: `ok`; `error` when it could not be (the verdict may miss something); `ignored` when it
/// was read but holds nothing to analyze (only ids, as `list-build-batches` prints): its diagnostic names the
/// command whose output would help.
public enum InputStatus: String, Codable, Hashable, Sendable {
    case ok, error, ignored
}

/// One input as the report lists it.
public struct InputRecord: Codable, Hashable, Sendable {
    public var path: String
    public var kind: InputKind
    public var status: InputStatus
    /// One line: what is wrong (or, for an ignored input, why and what to save instead), naming the path (and
    /// line/column where known). nil when the input was read.
    public var diagnostic: String?
    /// Where the problem is, 1-based, when the parser knows.
    public var line: Int?
    public var column: Int?

    public init(path: String, kind: InputKind, status: InputStatus, diagnostic: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.path = path
        self.kind = kind
        self.status = status
        self.diagnostic = diagnostic
        self.line = line
        self.column = column
    }
}

/// The typed content of one input that was read.
public enum Document: Sendable, Hashable {
    case codebuildBatches([BuildBatch])
    case codebuildBuilds([Build])
    case codebuildTestCases([CodeBuildTestCase])
    case codebuildReports([CodeBuildReport])
    case codepipelineState(PipelineState)
    case codepipelineExecution(PipelineExecution)
    case codepipelineExecutions([PipelineExecutionSummary])
    case codepipelineActionExecutions([ActionExecutionDetail])
    case codepipelineDefinition(PipelineDeclaration)
    case junit(JUnitReport)
    case buildLog(BuildLog)
    case eventbridgeEvent(EventBridgeEvent)
    case collectManifest(CollectManifest)

    public var kind: InputKind {
        switch self {
        case .codebuildBatches: .codebuildBatch
        case .codebuildBuilds: .codebuildBuilds
        case .codebuildTestCases: .codebuildTestCases
        case .codebuildReports: .codebuildReports
        case .codepipelineState: .codepipelineState
        case .codepipelineExecution: .codepipelineExecution
        case .codepipelineExecutions: .codepipelineExecutions
        case .codepipelineActionExecutions: .codepipelineActionExecutions
        case .codepipelineDefinition: .codepipelineDefinition
        case .junit(let report): report.kind
        case .buildLog: .buildLog
        case .eventbridgeEvent: .eventbridgeEvent
        case .collectManifest: .collectManifest
        }
    }
}

extension Document: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, content
    }

    /// `{"kind": "<input kind>", "content": <the typed model>}`: the form external analyzers read.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .codebuildBatches(let value): try container.encode(value, forKey: .content)
        case .codebuildBuilds(let value): try container.encode(value, forKey: .content)
        case .codebuildTestCases(let value): try container.encode(value, forKey: .content)
        case .codebuildReports(let value): try container.encode(value, forKey: .content)
        case .codepipelineState(let value): try container.encode(value, forKey: .content)
        case .codepipelineExecution(let value): try container.encode(value, forKey: .content)
        case .codepipelineExecutions(let value): try container.encode(value, forKey: .content)
        case .codepipelineActionExecutions(let value): try container.encode(value, forKey: .content)
        case .codepipelineDefinition(let value): try container.encode(value, forKey: .content)
        case .junit(let value): try container.encode(value, forKey: .content)
        case .buildLog(let value): try container.encode(value, forKey: .content)
        case .eventbridgeEvent(let value): try container.encode(value, forKey: .content)
        case .collectManifest(let value): try container.encode(value, forKey: .content)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(InputKind.self, forKey: .kind)
        switch kind {
        case .codebuildBatch: self = .codebuildBatches(try container.decode([BuildBatch].self, forKey: .content))
        case .codebuildBuilds: self = .codebuildBuilds(try container.decode([Build].self, forKey: .content))
        case .codebuildTestCases: self = .codebuildTestCases(try container.decode([CodeBuildTestCase].self, forKey: .content))
        case .codebuildReports: self = .codebuildReports(try container.decode([CodeBuildReport].self, forKey: .content))
        case .codepipelineState: self = .codepipelineState(try container.decode(PipelineState.self, forKey: .content))
        case .codepipelineExecution: self = .codepipelineExecution(try container.decode(PipelineExecution.self, forKey: .content))
        case .codepipelineExecutions:
            self = .codepipelineExecutions(try container.decode([PipelineExecutionSummary].self, forKey: .content))
        case .codepipelineActionExecutions:
            self = .codepipelineActionExecutions(try container.decode([ActionExecutionDetail].self, forKey: .content))
        case .codepipelineDefinition: self = .codepipelineDefinition(try container.decode(PipelineDeclaration.self, forKey: .content))
        case .junit, .nunit2, .nunit3, .trx, .xunit, .testng, .cucumber:
            var report = try container.decode(JUnitReport.self, forKey: .content)
            report.kind = kind
            self = .junit(report)
        case .buildLog: self = .buildLog(try container.decode(BuildLog.self, forKey: .content))
        case .eventbridgeEvent: self = .eventbridgeEvent(try container.decode(EventBridgeEvent.self, forKey: .content))
        case .collectManifest: self = .collectManifest(try container.decode(CollectManifest.self, forKey: .content))
        case .unknown:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "a document of kind unknown holds nothing")
        }
    }
}

/// A document with the input it came from.
public struct SourcedDocument: Codable, Sendable, Hashable {
    /// The input's path as given (or `-` for standard input).
    public var path: String
    public var document: Document

    public init(path: String, document: Document) {
        self.path = path
        self.document = document
    }
}

/// Everything read in one run: every input's record (read or not) and the documents of those that were read.
/// This is the one typed model that analyzers receive.
public struct TriageInput: Codable, Sendable, Hashable {
    public var inputs: [InputRecord]
    public var documents: [SourcedDocument]

    public init(inputs: [InputRecord] = [], documents: [SourcedDocument] = []) {
        self.inputs = inputs
        self.documents = documents
    }

    /// Test counts over every test report (JUnit and the other formats) and CodeBuild test-case list (before any flaky judgement).
    public var testCounts: TestCounts {
        var counts = TestCounts()
        for source in documents {
            switch source.document {
            case .junit(let report):
                counts = counts + report.counts
            case .codebuildTestCases(let cases):
                for testCase in cases { counts.add(testCase.outcome) }
            default:
                break
            }
        }
        return counts
    }
}

extension CodeBuildTestCase {
    /// The outcome by Docs/decisions.md's precedence; `UNKNOWN` and unlisted statuses count as skipped (not run).
    public var outcome: TestOutcome {
        switch status?.known {
        case .succeeded: .passed
        case .failed: .failed
        case .error: .errored
        case .skipped, .unknown, nil: .skipped
        }
    }

    /// The subject id of the test: `<prefix>.<name>`, without repeating a prefix the name already starts with.
    public var subjectID: String {
        let name = name ?? ""
        guard let prefix, !prefix.isEmpty else { return name }
        return name.hasPrefix(prefix + ".") ? name : "\(prefix).\(name)"
    }
}
