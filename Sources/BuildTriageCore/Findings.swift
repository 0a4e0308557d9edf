/// What kind of failure a finding describes (Docs/decisions.md, "Failure categories").
public enum Category: String, Codable, Hashable, Sendable, CaseIterable, Comparable {
    case clientError = "client-error"
    case infrastructure
    case timeout
    case collateral
    case flaky
    case testFailure = "test-failure"
    case buildFailure = "build-failure"
    case stopped
    case ignored

    /// Order for reports: what needs a person first.
    public var rank: Int {
        // The position in `allCases` (a switch: a dictionary lookup here cost ~900 instructions a comparison).
        switch self {
        case .clientError: 0
        case .infrastructure: 1
        case .timeout: 2
        case .collateral: 3
        case .flaky: 4
        case .testFailure: 5
        case .buildFailure: 6
        case .stopped: 7
        case .ignored: 8
        }
    }
    public static func < (lhs: Category, rhs: Category) -> Bool { lhs.rank < rhs.rank }
}

/// What a finding is about.
public struct Subject: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case batch
        case buildGroup = "build-group"
        case build, stage, action, test, log
        case pipelineExecution = "pipeline-execution"
    }

    public var kind: Kind
    public var id: String

    public init(_ kind: Kind, _ id: String) {
        self.kind = kind
        self.id = id
    }
}

/// A line of evidence: where a finding's claim can be checked.
public struct EvidenceLine: Codable, Hashable, Sendable {
    public var path: String?
    /// 1-based line in `path`, where known.
    public var line: Int?
    public var text: String

    public init(path: String? = nil, line: Int? = nil, text: String) {
        self.path = path
        self.line = line
        self.text = text
    }
}

/// What a retry would act on: a batch build, a build, a pipeline stage of one execution, or — for evidence
/// that belongs to no AWS resource — the CI job that produced it (`job`: "rerun the job", no command).
public struct Target: Codable, Hashable, Sendable, Comparable {
    public enum Kind: String, Codable, Hashable, Sendable {
        case batch, build, stage, job
    }

    public var kind: Kind
    public var id: String
    public var pipelineName: String?
    public var stageName: String?
    public var pipelineExecutionId: String?

    public init(kind: Kind, id: String, pipelineName: String? = nil, stageName: String? = nil, pipelineExecutionId: String? = nil) {
        self.kind = kind
        self.id = id
        self.pipelineName = pipelineName
        self.stageName = stageName
        self.pipelineExecutionId = pipelineExecutionId
    }

    public static func batch(_ id: String) -> Target { Target(kind: .batch, id: id) }
    public static func build(_ id: String) -> Target { Target(kind: .build, id: id) }
    public static func job(_ id: String) -> Target { Target(kind: .job, id: id) }
    public static func stage(pipeline: String, stage: String, execution: String?) -> Target {
        Target(kind: .stage, id: "\(pipeline)/\(stage)", pipelineName: pipeline, stageName: stage, pipelineExecutionId: execution)
    }

    public static func < (lhs: Target, rhs: Target) -> Bool {
        (lhs.kind.rawValue, lhs.id, lhs.pipelineExecutionId ?? "") < (rhs.kind.rawValue, rhs.id, rhs.pipelineExecutionId ?? "")
    }
}

/// One classified failure.
public struct Finding: Codable, Hashable, Sendable {
    /// Stable within a report: `<analyzer>:<subject kind>:<subject id>`, suffixed when needed.
    public var id: String
    /// The snake_case id of the analyzer (or rule, or external plugin) that made it.
    public var analyzer: String
    public var category: Category
    public var subject: Subject
    /// The id of the finding that caused this one (collateral failures).
    public var rootCause: String?
    public var message: String
    public var evidence: [EvidenceLine]
    /// The target the finding counts against, when it belongs to one.
    public var target: Target?
    /// The build group or build the evidence was attributed to, when it is not the subject itself
    /// (a failing test in `reports/linux_small/junit.xml` has scope `build-group linux_small`).
    public var scope: Subject?
    /// For collateral findings: the subject whose failure caused this one; `rootCause` is resolved from it.
    public var rootSubject: Subject?
    /// The subject passed in the end (a test that passed on a rerun, a group that succeeded on a later
    /// attempt): reported, but it calls for no action.
    public var resolved: Bool?
    /// The same failure happened in an earlier attempt (a second timeout calls for a person, not a retry).
    public var repeated: Bool?
    /// The test is quarantined (`analyze --quarantine`): reported, but its failure does not decide the verdict.
    public var quarantined: Bool?

    public init(
        id: String? = nil, analyzer: String, category: Category, subject: Subject, rootCause: String? = nil,
        message: String, evidence: [EvidenceLine] = [], target: Target? = nil, scope: Subject? = nil,
        rootSubject: Subject? = nil, resolved: Bool? = nil, repeated: Bool? = nil, quarantined: Bool? = nil
    ) {
        self.id = id ?? "\(analyzer):\(subject.kind.rawValue):\(subject.id)"
        self.analyzer = analyzer
        self.category = category
        self.subject = subject
        self.rootCause = rootCause
        self.message = message
        self.evidence = evidence
        self.target = target
        self.scope = scope
        self.rootSubject = rootSubject
        self.resolved = resolved
        self.repeated = repeated
        self.quarantined = quarantined
    }
}

/// What to do about one target.
public enum Action: String, Codable, Hashable, Sendable, CaseIterable {
    case wait, retry, fix, investigate, none
}

/// The run's overall verdict: the strongest action over all targets.
public enum Verdict: String, Codable, Hashable, Sendable, CaseIterable, Comparable {
    case clean, wait, retry, investigate, fix

    public init(strongestOf actions: some Sequence<Action>) {
        var verdict = Verdict.clean
        for action in actions {
            let candidate: Verdict =
                switch action {
                case .none: .clean
                case .wait: .wait
                case .retry: .retry
                case .investigate: .investigate
                case .fix: .fix
                }
            verdict = max(verdict, candidate)
        }
        self = verdict
    }

    public static func < (lhs: Verdict, rhs: Verdict) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The recommendation for one target.
public struct Recommendation: Codable, Hashable, Sendable {
    public var action: Action
    public var target: Target
    public var reason: String
    /// Why a retry cannot work; present only when something blocks it.
    public var blockedBy: [String]?
    /// The retry as an argv array (`aws`, `codebuild`, ...), for `retry` with no blocker.
    public var command: [String]?
    /// The same request as `--cli-input-json` content.
    public var cliInputJson: [String: String]?
    /// The command as one POSIX-shell line, quoted so that no value can inject anything.
    public var shell: String?
    /// Earlier attempts counted against the retry budget.
    public var attempts: Int?
    /// The ids of the findings under this target.
    public var findings: [String]

    public init(
        action: Action, target: Target, reason: String, blockedBy: [String]? = nil, command: [String]? = nil,
        cliInputJson: [String: String]? = nil, shell: String? = nil, attempts: Int? = nil, findings: [String] = []
    ) {
        self.action = action
        self.target = target
        self.reason = reason
        self.blockedBy = blockedBy
        self.command = command
        self.cliInputJson = cliInputJson
        self.shell = shell
        self.attempts = attempts
        self.findings = findings
    }
}
