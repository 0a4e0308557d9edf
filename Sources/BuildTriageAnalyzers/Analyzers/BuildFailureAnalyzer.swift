import BuildTriageCore
import BuildTriageRetry

/// The fallback: a build, build group, pipeline action or batch that failed and that no other analyzer
/// explained. Its evidence is what there is: the failed phase and its context (`COMMAND_EXECUTION_ERROR`),
/// and the failing command and exit status from an attributed log.
struct BuildFailureAnalyzer: Analyzer {
    static let description = AnalyzerDescription(
        id: "build_failure",
        summary: "failed builds, groups, actions and batches that nothing else explains (COMMAND_EXECUTION_ERROR, non-zero exits)",
        categories: [.buildFailure],
        stage: .fallback,
        triggeringExamples: [
            AnalyzerExample(
                [("builds.json", Example.build("FAILED", phases: [("BUILD", "FAILED", "COMMAND_EXECUTION_ERROR", "Error while executing command: make. Reason: exit status 2")]))],
                expect: [(.buildFailure, "proj:aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee")]),
            AnalyzerExample(
                [("build.log", "[Container] 2024/01/15 10:00:00.1 Entering phase BUILD\n[Container] 2024/01/15 10:00:00.2 Running command make\nmake: *** [all] Error 2\n[Container] 2024/01/15 10:00:01.0 Command did not exit successfully make exit status 2\n[Container] 2024/01/15 10:00:01.0 Phase complete: BUILD State: FAILED\n")],
                expect: [(.buildFailure, "build.log")]),
        ],
        nonTriggeringExamples: [
            AnalyzerExample([
                ("batch.json", Example.batch("FAILED", groups: [Example.group("linux_small", "FAILED")])),
                ("reports/linux_small/junit.xml", Example.junit([#"<testcase classname="a.B" name="t"><failure message="boom"/></testcase>"#])),
            ]),
            AnalyzerExample([("builds.json", Example.build("SUCCEEDED", phases: [("BUILD", "SUCCEEDED", nil, nil)]))]),
        ])

    func analyze(_ context: AnalysisContext) -> [Finding] {
        // The subjects and scopes of the failures found so far, and those whose only evidence is flaky tests
        // (`flaky_failure` reports them): none of them is a failure that nothing explains.
        let explained = FailureExplanations(context.priorFindings).covered
        var findings: [Finding] = []
        var covered: Set<Subject> = []

        // The logs of each scope, in log order, grouped once (filtering every log for every failed build or
        // group was quadratic in a run with thousands of both).
        var logsByScope: [Subject: [Int]] = [:]
        for (index, log) in context.logs.enumerated() {
            if let scope = context.attribution(forPath: log.path)?.scope { logsByScope[scope, default: []].append(index) }
        }
        func logEvidence(for subject: Subject) -> [EvidenceLine] {
            (logsByScope[subject] ?? []).map { context.logs[$0] }.flatMap { log in
                log.value.failedCommands.map { command in
                    EvidenceLine(path: log.path, line: command.failureLine ?? command.line, text: "command `\(command.command)` exited with status \(command.exitStatus ?? -1)\(command.phase.map { " in \($0)" } ?? "")")
                }
            }
        }

        // group identifier → its first group, made when a failed build ran for a group.
        var groupByIdentifier: [String: Int]?
        for build in context.builds where build.value.buildStatus == .failed {
            let (subject, target) = context.place(of: build)
            guard !explained.contains(subject), !covered.contains(subject) else { continue }
            // An earlier attempt of a group (the order of attempts, never of the files): history when a later
            // attempt succeeded (resolved), and left to the current attempt when that one is in the inputs.
            var later: String?
            if subject.kind == .buildGroup, let id = build.value.id {
                if groupByIdentifier == nil {
                    var first: [String: Int] = [:]
                    for index in context.groups.indices where first[context.groups[index].identifier] == nil { first[context.groups[index].identifier] = index }
                    groupByIdentifier = first
                }
                if let index = groupByIdentifier?[subject.id], let current = context.groups[index].currentBuildID, current != id {
                    if context.groups[index].knownStatus == .succeeded {
                        later = current
                    } else if context.build(id: current)?.value.buildStatus.map(AnalysisContext.isFailure) == true {
                        continue
                    }
                }
            }
            covered.insert(subject)
            let failed = (build.value.phases ?? []).filter { $0.phaseStatus.map { $0.known != .succeeded } ?? false && $0.phaseType?.known != .completed }
            let detail = failed.map { describe($0.meaningfulContexts) }.first { !$0.isEmpty }
            let outcome = later.map { "; its later attempt \($0) succeeded" } ?? "; no test report or known log pattern explains it"
            findings.append(Finding(
                analyzer: Self.description.id, category: .buildFailure, subject: subject,
                message: "\(subject.id) failed in \(failed.first?.phaseType?.rawValue ?? "an unknown phase")\(detail.map { " — \($0)" } ?? "")\(outcome)",
                evidence: failed.flatMap { evidence($0, owner: "build \(build.value.id ?? "")", path: build.path) } + logEvidence(for: subject),
                target: target, resolved: later == nil ? nil : true))
        }
        // The evidence files attributed to each group or build, for messages that say what there was.
        var evidenceByScope: [Subject: [String]] = [:]
        if context.groups.contains(where: { $0.knownStatus == .failed }) {
            var seen: Set<String> = []
            let paths = context.junitReports.map(\.path) + context.logs.map(\.path) + context.testCases.map(\.path) + context.reports.map(\.path)
            for path in paths where seen.insert(path).inserted {
                if let scope = context.attribution(forPath: path)?.scope { evidenceByScope[scope, default: []].append(path) }
            }
        }
        for index in context.groups.indices where context.groups[index].knownStatus == .failed && !context.groups[index].ignoresFailure {
            let ref = context.groups[index]
            let subject = Subject(.buildGroup, ref.identifier)
            guard !explained.contains(subject), covered.insert(subject).inserted else { continue }
            findings.append(Finding(
                analyzer: Self.description.id, category: .buildFailure, subject: subject,
                message: Self.groupMessage(ref, evidence: evidenceByScope[subject] ?? [], context: context),
                evidence: [EvidenceLine(path: context.batchPath(ref), text: "build group \(ref.identifier): FAILED")] + logEvidence(for: subject),
                target: context.target(of: ref)))
        }
        for action in context.pipelineActions where action.status == .failed {
            let subject = Subject(.action, action.actionID)
            let joined = action.externalExecutionId.flatMap(AnalysisContext.buildID(fromARN:)).map { context.subject(ofBuildID: $0) }
            if explained.contains(subject) || joined.map({ explained.contains($0) || covered.contains($0) }) == true { continue }
            let details = action.details
            findings.append(Finding(
                analyzer: Self.description.id, category: .buildFailure, subject: subject,
                message: "action \(subject.id) failed\(details.isEmpty ? "" : ": \(details)")\(action.externalExecutionId.map { " (external execution \($0); add its `batch-get-builds` output to see why)" } ?? "")",
                evidence: [EvidenceLine(path: action.path, text: "\(subject.id) Failed\(details.isEmpty ? "" : " — \(details)")")], target: action.target))
        }
        // The subjects of the findings so far, kept as a set as findings are added (each log was compared with
        // every finding).
        var findingSubjects = context.logs.isEmpty ? [] : Set(findings.map(\.subject))
        for log in context.logs {
            let (target, scope, _) = context.targetAndScope(forPath: log.path)
            let subject = Subject(.log, log.path)
            if let scope, explained.contains(scope) || covered.contains(scope) { continue }
            guard !explained.contains(subject), scope.map({ !findingSubjects.contains($0) }) ?? true else { continue }
            let failedCommands = log.value.failedCommands
            let failedPhases = log.value.failedPhases.filter { $0.state == "FAILED" }
            guard !failedCommands.isEmpty || !failedPhases.isEmpty else { continue }
            let command = failedCommands.first
            findings.append(Finding(
                analyzer: Self.description.id, category: .buildFailure, subject: subject,
                message: command.map { "command `\($0.command)` exited with status \($0.exitStatus ?? -1)\($0.phase.map { " in \($0)" } ?? "")" }
                    ?? "phase \(failedPhases[0].phase) failed",
                evidence: failedCommands.map { EvidenceLine(path: log.path, line: $0.failureLine ?? $0.line, text: "Command did not exit successfully \($0.command) exit status \($0.exitStatus ?? -1)") }
                    + log.value.contexts.filter { !$0.code.isEmpty }.map { EvidenceLine(path: log.path, line: $0.line, text: "\($0.code): \($0.message)") },
                target: target, scope: scope))
            findingSubjects.insert(subject)
        }
        for execution in context.pipelineExecutions where execution.value.status == .failed {
            let id = execution.value.pipelineExecutionId ?? execution.path
            let hasStage = context.pipelineStates.contains { state in
                (state.value.stageStates ?? []).contains { $0.latestExecution?.pipelineExecutionId == id }
            }
            guard !hasStage else { continue }
            findings.append(Finding(
                analyzer: Self.description.id, category: .buildFailure, subject: Subject(.pipelineExecution, id),
                message: "pipeline execution \(id) failed\(execution.value.statusSummary.map { ": \($0)" } ?? ""); save `aws codepipeline get-pipeline-state` to see which stage and action",
                evidence: [EvidenceLine(path: execution.path, text: "pipeline execution \(id): Failed")], target: nil))
        }
        return findings
    }

    /// Why a failed group is unexplained, truthfully: "no build details, test report or log" only when the run
    /// has none for it; otherwise what it has, and what would tell more.
    static func groupMessage(_ ref: GroupRef, evidence paths: [String], context: AnalysisContext) -> String {
        // The id comes from the input: quoted for a shell.
        let save = "save `aws codebuild batch-get-builds --ids \(ref.currentBuildID.map(ShellQuote.quote) ?? "<its build id>")` (its phases name the failed command)"
        guard !paths.isEmpty else {
            return "\(ref.identifier) FAILED; the run has no build details, test report or log that says why (\(save), and its reports and log)"
        }
        let shown = paths.prefix(3).map { path -> String in
            if let report = context.junitReports.first(where: { $0.path == path }) {
                let counts = report.value.counts
                return "test report \(path) (\(counts.total) tests: \(counts.passed) passed, \(counts.failed + counts.errored) failed, \(counts.skipped) skipped)"
            }
            if context.logs.contains(where: { $0.path == path }) { return "log \(path) (no failed command or known error in it)" }
            return "\(path) (no failure in it)"
        }
        let more = paths.count > 3 ? " and \(paths.count - 3) more" : ""
        return "\(ref.identifier) FAILED, and what the run has for it does not say why: \(shown.joined(separator: "; "))\(more); there are no build details: \(save), and its full log"
    }
}
