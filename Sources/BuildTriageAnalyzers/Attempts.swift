import BuildTriageCore

/// The attempt a piece of evidence belongs to (Docs/decisions.md, "The order of attempts"): what it is an attempt
/// of (a build group of a batch, a CodeBuild project, or the CI job) and where it stands among that thing's
/// attempts. Never the order of the files: only the group's attempts (prior build summaries by request time, the
/// current one last), the build number, the build's start time and the report's creation time order them.
struct Attempt: Equatable {
    /// What the evidence is an attempt of: `group <batch> <identifier>`, `project <name>`, `build <id>` or `job`.
    var lineage: String
    /// Position among the group's attempts (0: the first prior attempt), when a batch lists the build.
    var groupAttempt: Int?
    var buildNumber: Int64?
    var buildStart: Double?
    /// When the CodeBuild report was created.
    var reportCreated: Double?
    /// The build the evidence came from, when known (for messages).
    var buildID: String?

    /// Whether this is a later attempt of the same thing than `other`. The first order key that both know and
    /// that differs decides; false when the two are of different things or nothing tells them apart.
    func isLater(than other: Attempt) -> Bool {
        guard lineage == other.lineage else { return false }
        let keys: [(Double?, Double?)] = [
            (groupAttempt.map(Double.init), other.groupAttempt.map(Double.init)),
            (buildNumber.map(Double.init), other.buildNumber.map(Double.init)),
            (buildStart, other.buildStart),
            (reportCreated, other.reportCreated),
        ]
        for case (let mine?, let theirs?) in keys where mine != theirs {
            return mine > theirs
        }
        return false
    }

    /// `build p:uuid (#42)`, or `a later report` when no build is known.
    var label: String {
        guard let buildID else { return "a later report" }
        return "build \(buildID)" + (buildNumber.map { " (#\($0))" } ?? "")
    }
}

/// The attempts of evidence files, each computed once (a run with many flaky tests asks for the same reports).
struct AttemptIndex {
    let context: AnalysisContext
    private var byPath: [String: Attempt] = [:]
    /// path → the first CodeBuild test case read from it, built on first use.
    private var firstTestCase: [String: CodeBuildTestCase]?

    init(_ context: AnalysisContext) {
        self.context = context
    }

    /// The attempt of the report, log or test-case list at `path`.
    mutating func attempt(ofPath path: String) -> Attempt {
        if let known = byPath[path] { return known }
        if firstTestCase == nil {
            var first: [String: CodeBuildTestCase] = [:]
            for testCase in context.testCases where first[testCase.path] == nil { first[testCase.path] = testCase.value }
            firstTestCase = first
        }
        let attempt =
            if let testCase = firstTestCase?[path] {
                self.attempt(of: testCase, path: path)
            } else {
                Self.attempt(context.attribution(forPath: path), reportCreated: nil, in: context)
            }
        byPath[path] = attempt
        return attempt
    }

    /// The attempt of a CodeBuild test case: its report's build and creation time.
    func attempt(of testCase: CodeBuildTestCase, path: String) -> Attempt {
        let report = testCase.reportArn.flatMap { arn in context.reports.first { $0.value.arn == arn } }
        return Self.attempt(
            context.attribution(for: testCase, path: path), reportCreated: report?.value.created?.secondsSince1970, in: context)
    }

    static func attempt(_ attribution: Attribution?, reportCreated: Double?, in context: AnalysisContext) -> Attempt {
        guard let attribution else { return Attempt(lineage: "job", reportCreated: reportCreated) }
        guard let id = attribution.buildID else {
            let lineage = attribution.scope.map { "\($0.kind.rawValue) \(attribution.target.id) \($0.id)" } ?? "job"
            return Attempt(lineage: lineage, reportCreated: reportCreated)
        }
        let build = context.build(id: id)?.value
        var attempt = Attempt(
            lineage: "build \(id)", buildNumber: build?.buildNumber, buildStart: build?.startTime?.secondsSince1970,
            reportCreated: reportCreated, buildID: id)
        if let (batch, identifier) = context.group(ofBuildID: id), let group = batch.buildGroups?.first(where: { $0.identifier == identifier }) {
            // The group's attempts: prior summaries by request time (a stable sort), then the current one.
            let prior = (group.priorBuildSummaryList ?? []).enumerated().sorted {
                ($0.element.requestedOn?.secondsSince1970 ?? 0, $0.offset) < ($1.element.requestedOn?.secondsSince1970 ?? 0, $1.offset)
            }.map(\.element)
            let ids = (prior + [group.currentBuildSummary].compactMap { $0 }).map { $0.arn.flatMap(AnalysisContext.buildID(fromARN:)) }
            attempt.lineage = "group \(batch.id ?? "") \(identifier)"
            attempt.groupAttempt = ids.lastIndex(of: id)
        } else if let build {
            attempt.lineage = "project \(build.projectName ?? id.split(separator: ":").first.map(String.init) ?? id)"
        }
        return attempt
    }
}
