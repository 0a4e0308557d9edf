import Foundation

/// Where a piece of evidence (a report, a log, a test case) belongs: the target it counts against and the
/// build group or build it came from.
public struct Attribution: Sendable, Hashable {
    public var target: Target
    public var scope: Subject?
    /// The source version the evidence was built from, when known (for cross-report flaky detection).
    public var sourceVersion: String?
    /// The CodeBuild build the evidence came from, when known (a group's current attempt when only the group is
    /// named): which attempt it belongs to.
    public var buildID: String?

    public init(target: Target, scope: Subject?, sourceVersion: String?, buildID: String? = nil) {
        self.target = target
        self.scope = scope
        self.sourceVersion = sourceVersion
        self.buildID = buildID
    }
}

/// A value computed on first use and kept, safely from any thread (the context is `Sendable`): the context's
/// indexes that most runs never need. `@unchecked Sendable` because of its mutable cache: `computed` is only read
/// and written with `lock` held.
private final class LazyValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var computed: Value?

    func value(_ make: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let computed { return computed }
        let made = make()
        computed = made
        return made
    }
}

/// A document of the run with its path.
public struct Sourced<Value: Sendable>: Sendable {
    public var value: Value
    public var path: String
}

/// The run's evidence, indexed for analyzers: batches and builds de-duplicated (latest snapshot wins), groups
/// joined to builds, pipeline actions joined to CodeBuild builds, and every report and log attributed to a
/// target by Docs/decisions.md's rules.
public struct AnalysisContext: Sendable {
    public let input: TriageInput
    public let retryBudget: Int
    public let batches: [Sourced<BuildBatch>]
    public let builds: [Sourced<Build>]
    public let pipelineStates: [Sourced<PipelineState>]
    public let pipelineExecutions: [Sourced<PipelineExecution>]
    public let executionSummaries: [Sourced<PipelineExecutionSummary>]
    public let actionExecutions: [Sourced<ActionExecutionDetail>]
    public let definitions: [Sourced<PipelineDeclaration>]
    public let junitReports: [Sourced<JUnitReport>]
    public let logs: [Sourced<BuildLog>]
    public let testCases: [Sourced<CodeBuildTestCase>]
    public let reports: [Sourced<CodeBuildReport>]
    /// EventBridge events among the inputs: what started the triage.
    public let events: [Sourced<EventBridgeEvent>]
    /// `manifest.json` files of `buildtriage collect` among the inputs.
    public let collectManifests: [Sourced<CollectManifest>]
    /// Findings of the analyzers that ran before (fallback analyzers see the primary ones).
    public var priorFindings: [Finding] = []
    /// Every build group of every batch (those with an identifier), computed once: most analyzers walk them.
    /// Each is a few indexes and the fields analyzers filter on, not a copy of its batch.
    package let groups: [GroupRef]
    /// Where each batch's groups start in `groups` (one more entry than `batches`: the end).
    private let groupStarts: [Int]
    /// The target of each batch of `batches` (same index), computed once.
    package let batchTargets: [Target]

    private let buildIndex: [String: Int]
    /// batch target → index in `batches` (the first batch with that target), built on first use: the decision
    /// engine knows each batch target's index, and hashing every target of a run of batches showed in profiles.
    private let batchIndexBox = LazyValue<[Target: Int]>()
    private var batchIndex: [Target: Int] {
        batchIndexBox.value {
            var index: [Target: Int] = [:]
            index.reserveCapacity(batchTargets.count)
            for (batch, target) in batchTargets.enumerated() {
                // The first batch with a target wins (one hash when targets are distinct, as they nearly always are).
                if let first = index.updateValue(batch, forKey: target) { index[target] = first }
            }
            return index
        }
    }
    /// build id → (batch index, group identifier), built on first use: a run of batches alone never asks, and
    /// building it parses every ARN of every attempt of every group.
    private let groupOfBuildIndex = LazyValue<[String: (Int, String)]>()
    private var groupOfBuild: [String: (Int, String)] {
        groupOfBuildIndex.value { Self.groupOfBuild(batches) }
    }
    /// CodeBuild build id → the pipeline stage whose action ran it
    private let stageOfBuild: [String: Target]
    private var attributions: [String: Attribution]
    /// subject id → (source version or "", report path) of every plain pass
    private var passes: [String: [(String, String)]]
    /// Indexes for attribution by path, built once when the run has evidence files (attributing each path by a
    /// scan of every build and group was quadratic in a run with thousands of both).
    private var pathIndex: PathIndex?
    /// report ARN → index in `reports` (the first report with that ARN)
    private let reportIndex: [String: Int]

    public init(input: TriageInput, retryBudget: Int = 2) {
        self.input = input
        self.retryBudget = retryBudget
        var batches: [Sourced<BuildBatch>] = []
        var builds: [Sourced<Build>] = []
        var states: [Sourced<PipelineState>] = []
        var executions: [Sourced<PipelineExecution>] = []
        var summaries: [Sourced<PipelineExecutionSummary>] = []
        var actions: [Sourced<ActionExecutionDetail>] = []
        var definitions: [Sourced<PipelineDeclaration>] = []
        var junit: [Sourced<JUnitReport>] = []
        var logs: [Sourced<BuildLog>] = []
        var testCases: [Sourced<CodeBuildTestCase>] = []
        var reports: [Sourced<CodeBuildReport>] = []
        var events: [Sourced<EventBridgeEvent>] = []
        var manifests: [Sourced<CollectManifest>] = []
        var batchCount = 0
        for source in input.documents {
            if case .codebuildBatches(let list) = source.document { batchCount += list.count }
        }
        batches.reserveCapacity(batchCount)
        for source in input.documents {
            let path = source.path
            switch source.document {
            // By index: each batch copied once, from the list into its `Sourced` (a loop variable was a second copy).
            case .codebuildBatches(let list): for index in list.indices { batches.append(Sourced(value: list[index], path: path)) }
            case .codebuildBuilds(let list): builds += list.map { Sourced(value: $0, path: path) }
            case .codebuildTestCases(let list): testCases += list.map { Sourced(value: $0, path: path) }
            case .codebuildReports(let list): reports += list.map { Sourced(value: $0, path: path) }
            case .codepipelineState(let state): states.append(Sourced(value: state, path: path))
            case .codepipelineExecution(let execution): executions.append(Sourced(value: execution, path: path))
            case .codepipelineExecutions(let list): summaries += list.map { Sourced(value: $0, path: path) }
            case .codepipelineActionExecutions(let list): actions += list.map { Sourced(value: $0, path: path) }
            case .codepipelineDefinition(let definition): definitions.append(Sourced(value: definition, path: path))
            case .junit(let report): junit.append(Sourced(value: report, path: path))
            case .buildLog(let log): logs.append(Sourced(value: log, path: path))
            case .eventbridgeEvent(let event): events.append(Sourced(value: event, path: path))
            case .collectManifest(let manifest): manifests.append(Sourced(value: manifest, path: path))
            }
        }
        // The closures take indexes, not values: a value parameter copied the whole batch (a retain per field).
        self.batches = Self.latest(batches, id: { batches[$0].value.id }, recency: { Self.recency(ofBatch: batches[$0].value) })
        self.builds = Self.latest(builds, id: { builds[$0].value.id }, recency: { Self.recency(ofBuild: builds[$0].value) })
        self.pipelineStates = states
        self.pipelineExecutions = executions
        self.executionSummaries = summaries
        self.actionExecutions = actions
        self.definitions = definitions
        self.junitReports = junit
        self.logs = logs
        self.testCases = testCases
        self.reports = reports
        self.events = events
        self.collectManifests = manifests

        var buildIndex: [String: Int] = [:]
        buildIndex.reserveCapacity(self.builds.count)
        for (index, build) in self.builds.enumerated() {
            if let id = build.value.id ?? build.value.arn.flatMap(Self.buildID(fromARN:)) { buildIndex[id] = index }
        }
        self.buildIndex = buildIndex

        var stageOfBuild: [String: Target] = [:]
        let knownPipeline = Self.singlePipelineName(states: states, executions: executions, definitions: definitions)
        for state in states {
            let pipeline = state.value.pipelineName ?? knownPipeline ?? ""
            for stage in state.value.stageStates ?? [] {
                guard let stageName = stage.stageName else { continue }
                for action in stage.actionStates ?? [] {
                    if let external = action.latestExecution?.externalExecutionId {
                        stageOfBuild[Self.buildID(fromARN: external) ?? external] = .stage(
                            pipeline: pipeline, stage: stageName, execution: stage.latestExecution?.pipelineExecutionId)
                    }
                }
            }
        }
        for action in actions {
            guard let external = action.value.output?.executionResult?.externalExecutionId, let stage = action.value.stageName else { continue }
            let id = Self.buildID(fromARN: external) ?? external
            if stageOfBuild[id] == nil {
                stageOfBuild[id] = .stage(pipeline: knownPipeline ?? "", stage: stage, execution: action.value.pipelineExecutionId)
            }
        }
        self.stageOfBuild = stageOfBuild

        // One walk of every batch's groups: the group references, the batch targets and indexes, and which
        // group ran each build (current and prior attempts).
        var groups: [GroupRef] = []
        var batchTargets: [Target] = []
        batchTargets.reserveCapacity(self.batches.count)
        var groupCount = 0
        for batch in self.batches { groupCount += batch.value.buildGroups?.count ?? 0 }
        groups.reserveCapacity(groupCount)
        var groupStarts: [Int] = []
        groupStarts.reserveCapacity(self.batches.count + 1)
        for index in self.batches.indices {
            // Fields read through the array: `let batch = self.batches[index].value` copied the whole batch.
            let target = Target.batch(
                self.batches[index].value.id ?? self.batches[index].value.arn.flatMap(Self.buildID(fromARN:)) ?? self.batches[index].path)
            batchTargets.append(target)
            groupStarts.append(groups.count)
            guard let buildGroups = self.batches[index].value.buildGroups else { continue }
            for groupIndex in buildGroups.indices {
                guard let identifier = buildGroups[groupIndex].identifier else { continue }
                let current = buildGroups[groupIndex].currentBuildSummary
                groups.append(GroupRef(
                    batchIndex: index, groupIndex: groupIndex, identifier: identifier, status: current?.buildStatus,
                    priorCount: buildGroups[groupIndex].priorBuildSummaryList?.count ?? 0,
                    ignoresFailure: buildGroups[groupIndex].ignoreFailure == true, currentARN: current?.arn))
            }
        }
        groupStarts.append(groups.count)
        self.groups = groups
        self.groupStarts = groupStarts
        self.batchTargets = batchTargets

        var reportIndex: [String: Int] = [:]
        for (index, report) in reports.enumerated() {
            if let arn = report.value.arn, reportIndex[arn] == nil { reportIndex[arn] = index }
        }
        self.reportIndex = reportIndex
        self.attributions = [:]
        self.passes = [:]
        self.pathIndex = nil

        // Attribution needs the indexes above; computed on a fully built value.
        let paths = Set(junit.map(\.path) + logs.map(\.path) + testCases.map(\.path) + reports.map(\.path))
        guard !paths.isEmpty else { return }
        self.pathIndex = PathIndex(self)
        var attributions: [String: Attribution] = [:]
        for path in paths {
            if let attribution = self.attribution(forPath: path) { attributions[path] = attribution }
        }
        var passes: [String: [(String, String)]] = [:]
        self.attributions = attributions
        for report in junit {
            let version = attributions[report.path]?.sourceVersion ?? ""
            for testCase in report.value.cases where testCase.outcome == .passed {
                passes[testCase.subjectID, default: []].append((version, report.path))
            }
        }
        for testCase in testCases where testCase.value.outcome == .passed {
            let version = self.attribution(for: testCase.value, path: testCase.path)?.sourceVersion ?? ""
            passes[testCase.value.subjectID, default: []].append((version, testCase.path))
        }
        self.passes = passes
    }

    /// Which group ran each build (current and prior attempts; a later one wins).
    private static func groupOfBuild(_ batches: [Sourced<BuildBatch>]) -> [String: (Int, String)] {
        var groupOfBuild: [String: (Int, String)] = [:]
        for (batchIndex, batch) in batches.enumerated() {
            for group in batch.value.buildGroups ?? [] {
                guard let identifier = group.identifier else { continue }
                if let arn = group.currentBuildSummary?.arn, let id = Self.buildID(fromARN: arn) { groupOfBuild[id] = (batchIndex, identifier) }
                for summary in group.priorBuildSummaryList ?? [] {
                    if let arn = summary.arn, let id = Self.buildID(fromARN: arn) { groupOfBuild[id] = (batchIndex, identifier) }
                }
            }
        }
        return groupOfBuild
    }

    /// Whether any pipeline action in the inputs ran a CodeBuild build (else no build has a stage).
    package var hasBuildStages: Bool { !stageOfBuild.isEmpty }

    /// What attribution by path looks up: build ids and their uuids, the first group of each identifier, and
    /// the sole failure of the run (each computed once, not once per path).
    private struct PathIndex: Sendable {
        /// uuid (the last `:`-separated part of a build id) → the build ids that end with it
        var idsByUUID: [String: [String]] = [:]
        /// group identifier → index in `groups` of the first group with it
        var firstGroup: [String: Int] = [:]
        var soleFailure: Attribution?

        init(_ context: AnalysisContext) {
            // The builds of the run, and those its batches list (a group's earlier attempts too: a report saved
            // under an earlier attempt's build id belongs to that attempt).
            for id in Set(context.buildIndex.keys).union(context.groupOfBuild.keys) {
                let uuid = id.split(separator: ":").last.map(String.init) ?? id
                idsByUUID[uuid, default: []].append(id)
            }
            for (index, ref) in context.groups.enumerated() where firstGroup[ref.identifier] == nil {
                firstGroup[ref.identifier] = index
            }
            soleFailure = context.soleFailure
        }
    }

    // MARK: Identity

    /// `arn:aws:codebuild:region:account:build/project:uuid` → `project:uuid` (also `build-batch/`); an id that
    /// is not an ARN is returned as it is when it looks like `project:id`.
    public static func buildID(fromARN value: String) -> String? {
        // One pass over the bytes, stopping only at colons: the first `:build-batch/` wins, else the first
        // `:build/` (called for every ARN of every batch).
        let offset: Int?? = value.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            idOffset(in: bytes)
        }
        switch offset {
        case .some(let found?):
            let utf8 = value.utf8
            return String(value[utf8.index(utf8.startIndex, offsetBy: found)...])
        case .some(nil):
            return value.hasPrefix("arn:") ? nil : value
        case nil:
            for marker in [Self.batchMarker, Self.buildMarker] {
                if let end = Self.end(of: marker, in: value) { return String(value[end...]) }
            }
            return value.hasPrefix("arn:") ? nil : value
        }
    }

    /// Where the id starts after the first `:build-batch/`, else after the first `:build/`.
    @inline(__always)
    private static func idOffset(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let count = bytes.count
        guard count >= 7, let base = bytes.baseAddress else { return nil }
        var firstBuild: Int?
        var index = 0
        let ones: UInt64 = 0x0101_0101_0101_0101
        while index + 7 <= count {
            // Eight bytes at a time while none is a colon.
            if index + 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) ^ (ones &* 0x3A)
                if (word &- ones) & ~word & (ones &* 0x80) == 0 {
                    index += 8
                    continue
                }
            }
            // ":build/" is 7 bytes: a colon any later cannot start either marker.
            if base[index] == 0x3A, base[index + 1] == 0x62, base[index + 2] == 0x75, base[index + 3] == 0x69,
                base[index + 4] == 0x6C, base[index + 5] == 0x64
            {
                let next = base[index + 6]
                if next == 0x2F {
                    if firstBuild == nil { firstBuild = index + 7 }
                } else if next == 0x2D, index + 13 <= count, base[index + 7] == 0x62, base[index + 8] == 0x61,
                    base[index + 9] == 0x74, base[index + 10] == 0x63, base[index + 11] == 0x68, base[index + 12] == 0x2F
                {
                    return index + 13
                }
            }
            index += 1
        }
        return firstBuild
    }

    private static let batchMarker = Array(":build-batch/".utf8)
    private static let buildMarker = Array(":build/".utf8)

    /// Where the first occurrence of an ASCII `marker` ends in `value`: a byte search (called for every ARN of
    /// every batch, so `firstRange(of:)`'s Character comparisons showed in profiles).
    package static func end(of marker: [UInt8], in value: String) -> String.Index? {
        let utf8 = value.utf8
        let offset = utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            guard bytes.count >= marker.count, let first = marker.first else { return nil }
            var start = 0
            while start <= bytes.count - marker.count {
                if bytes[start] == first {
                    var matched = 1
                    while matched < marker.count, bytes[start + matched] == marker[matched] { matched += 1 }
                    if matched == marker.count { return start + marker.count }
                }
                start += 1
            }
            return nil
        }
        switch offset {
        case .some(let found?): return utf8.index(utf8.startIndex, offsetBy: found)
        case .some(nil): return nil
        case nil: return value.firstRange(of: String(decoding: marker, as: UTF8.self))?.upperBound
        }
    }

    /// The batch's target.
    public func target(of batch: BuildBatch, path: String) -> Target {
        // (`batchTargets` holds it for each batch of the run.)
        .batch(batch.id ?? batch.arn.flatMap(Self.buildID(fromARN:)) ?? path)
    }

    /// The batch whose target is `target` (the first one), if the run has it: a lookup, not a scan.
    public func batch(of target: Target) -> BuildBatch? {
        batchIndex[target].map { batches[$0].value }
    }

    /// The index in `batches` of the batch whose target is `target` (the first one), if the run has it: callers
    /// that need a few fields read them through `batches` rather than copying the batch.
    package func batchIndex(of target: Target) -> Int? {
        batchIndex[target]
    }

    /// The target a build counts against: the pipeline stage that ran it, the batch it belongs to, or itself.
    public func target(ofBuildID id: String) -> Target {
        if let stage = stageOfBuild[id] { return stage }
        if let (batchIndex, _) = groupOfBuild[id] { return batchTargets[batchIndex] }
        return .build(id)
    }

    /// The build group a build id ran for, if a batch in the run lists it.
    public func group(ofBuildID id: String) -> (batch: BuildBatch, group: String)? {
        groupOfBuild[id].map { (batches[$0.0].value, $0.1) }
    }

    /// Whether a batch in the run lists the build (`group(ofBuildID:) != nil` without copying the batch).
    package func hasGroup(ofBuildID id: String) -> Bool {
        groupOfBuild[id] != nil
    }

    /// The build with this id, if the run has it.
    public func build(id: String) -> Sourced<Build>? {
        buildIndex[id].map { builds[$0] }
    }

    /// The build that ran a group's current attempt, if the run has it.
    public func currentBuild(of group: BuildGroup) -> Sourced<Build>? {
        group.currentBuildSummary?.arn.flatMap(Self.buildID(fromARN:)).flatMap { build(id: $0) }
    }

    /// The pipeline stage whose action ran this CodeBuild build.
    public func stage(ofBuildID id: String) -> Target? { stageOfBuild[id] }

    /// The subject a build is reported under: its build group when a batch lists it, else the build.
    public func subject(ofBuildID id: String) -> Subject {
        if let (_, group) = groupOfBuild[id] { return Subject(.buildGroup, group) }
        return Subject(.build, id)
    }

    // MARK: Attribution

    /// Where an evidence file belongs (Docs/decisions.md, "Evidence attribution"), or nil for the CI job itself.
    public func attribution(forPath path: String) -> Attribution? {
        if let known = attributions[path] { return known }
        let index = pathIndex ?? PathIndex(self)
        let components = Set(path.split(separator: "/").map(String.init))
        // A component naming a build id (or its uuid) wins over one naming a group; among several, the
        // smallest id (the order in which the builds were once scanned).
        var bestID: String?
        for component in components {
            if buildIndex[component] != nil || groupOfBuild[component] != nil, bestID.map({ component < $0 }) ?? true { bestID = component }
            for id in index.idsByUUID[component] ?? [] where bestID.map({ id < $0 }) ?? true { bestID = id }
        }
        if let bestID { return attribution(forBuildID: bestID) }
        // Else the first group (in batch and group order) whose identifier is a component.
        var first: Int?
        for component in components {
            if let found = index.firstGroup[component], first.map({ found < $0 }) ?? true { first = found }
        }
        if let first {
            let ref = groups[first]
            if let buildID = ref.currentBuildID, self.build(id: buildID) != nil {
                return attribution(forBuildID: buildID)
            }
            return Attribution(
                target: batchTargets[ref.batchIndex], scope: Subject(.buildGroup, ref.identifier),
                sourceVersion: batches[ref.batchIndex].value.resolvedSourceVersion ?? batches[ref.batchIndex].value.sourceVersion,
                buildID: ref.currentBuildID)
        }
        return index.soleFailure
    }

    /// The attribution of a CodeBuild report: the build its `executionId` names, else by path.
    public func attribution(for report: CodeBuildReport, path: String) -> Attribution? {
        if let execution = report.executionId, let id = Self.buildID(fromARN: execution),
            build(id: id) != nil || groupOfBuild[id] != nil || stageOfBuild[id] != nil
        {
            return attribution(forBuildID: id)
        }
        return attribution(forPath: path)
    }

    /// The attribution of a CodeBuild test case: through its report, else by path.
    public func attribution(for testCase: CodeBuildTestCase, path: String) -> Attribution? {
        if let arn = testCase.reportArn, let report = reportIndex[arn] {
            return attribution(for: reports[report].value, path: path)
        }
        return attribution(forPath: path)
    }

    public func attribution(forBuildID id: String) -> Attribution {
        let build = self.build(id: id)?.value
        let version = build?.resolvedSourceVersion ?? build?.sourceVersion ?? groupOfBuild[id].flatMap { batches[$0.0].value.resolvedSourceVersion }
        return Attribution(target: target(ofBuildID: id), scope: subject(ofBuildID: id), sourceVersion: version, buildID: id)
    }

    /// When exactly one build (or build group) failed in the run, evidence that names none belongs to it.
    private var soleFailure: Attribution? {
        var failed: [Attribution] = []
        for build in builds where build.value.buildStatus.map(Self.isFailure) == true {
            if let id = build.value.id { failed.append(attribution(forBuildID: id)) }
        }
        for (batchIndex, batch) in batches.enumerated() {
            for group in batch.value.buildGroups ?? [] {
                guard let identifier = group.identifier, let status = group.currentBuildSummary?.buildStatus, Self.isFailure(status),
                    group.ignoreFailure != true
                else { continue }
                if let id = group.currentBuildSummary?.arn.flatMap(Self.buildID(fromARN:)), self.build(id: id) != nil { continue }
                failed.append(
                    Attribution(
                        target: target(of: batch.value, path: batches[batchIndex].path), scope: Subject(.buildGroup, identifier),
                        sourceVersion: batch.value.resolvedSourceVersion,
                        buildID: group.currentBuildSummary?.arn.flatMap(Self.buildID(fromARN:))))
            }
        }
        let distinct = Set(failed.map { $0.scope })
        return distinct.count == 1 ? failed.first : nil
    }

    // MARK: Tests

    /// Whether a test passed in another report (or test-case list) of the same source version in this run.
    /// Evidence whose source version is unknown is taken to be of the same version.
    public func passedElsewhere(_ subjectID: String, sourceVersion: String?, excluding path: String) -> Bool {
        func sameVersion(_ other: String) -> Bool { other.isEmpty || sourceVersion == nil || other == sourceVersion }
        if let entries = passes[subjectID], entries.contains(where: { $0.1 != path && sameVersion($0.0) }) { return true }
        let hash = TestIdentity.hash(subjectID)
        for report in junitReports where report.path != path && report.value.passedIdentities.sortedContains(hash) {
            if sameVersion(attributions[report.path]?.sourceVersion ?? "") { return true }
        }
        return false
    }

    /// The paths of the reports (and test-case lists) in which a test passed, of the same source version, other
    /// than `path` (each once, in input order; evidence whose source version is unknown is taken to be of the same
    /// version): where the attempts that passed it can be looked up.
    public func passLocations(of subjectID: String, sourceVersion: String?, excluding path: String) -> [String] {
        func sameVersion(_ other: String) -> Bool { other.isEmpty || sourceVersion == nil || other == sourceVersion }
        var paths: [String] = []
        for entry in passes[subjectID] ?? [] where entry.1 != path && sameVersion(entry.0) && !paths.contains(entry.1) {
            paths.append(entry.1)
        }
        let hash = TestIdentity.hash(subjectID)
        for report in junitReports where report.path != path && report.value.passedIdentities.sortedContains(hash) {
            if sameVersion(attributions[report.path]?.sourceVersion ?? ""), !paths.contains(report.path) { paths.append(report.path) }
        }
        return paths
    }

    /// Statuses that mean the build did not succeed on its own.
    public static func isFailure(_ status: OpenEnum<StatusType>) -> Bool {
        switch status.known {
        case .failed, .fault, .timedOut: true
        default: false
        }
    }

    // MARK: Helpers

    private static func recency(ofBatch batch: borrowing BuildBatch) -> (Double, Int) {
        let phaseStart = batch.phases?.compactMap { $0.startTime?.secondsSince1970 }.max() ?? 0
        return (max(phaseStart, batch.endTime?.secondsSince1970 ?? 0), batch.phases?.count ?? 0)
    }

    private static func recency(ofBuild build: borrowing Build) -> (Double, Int) {
        let phaseStart = build.phases?.compactMap { $0.startTime?.secondsSince1970 }.max() ?? 0
        return (max(phaseStart, build.endTime?.secondsSince1970 ?? 0), build.phases?.count ?? 0)
    }

    /// One entry per id (the most recent snapshot), in first-seen order; entries without an id are all kept
    /// (after the others). Indexes, not copies: when every id is distinct and present, `items` is returned as is.
    private static func latest<T>(_ items: [Sourced<T>], id: (Int) -> String?, recency: (Int) -> (Double, Int)) -> [Sourced<T>] {
        var order: [Int] = []
        var best: [String: Int] = [:]
        best.reserveCapacity(items.count)
        var anonymous: [Int] = []
        var replaced = false
        for index in items.indices {
            guard let key = id(index) else {
                anonymous.append(index)
                continue
            }
            if let current = best[key] {
                replaced = true
                if recency(index) >= recency(current) { best[key] = index }
            } else {
                order.append(index)
                best[key] = index
            }
        }
        if !replaced, anonymous.isEmpty { return items }
        var result: [Sourced<T>] = []
        result.reserveCapacity(order.count + anonymous.count)
        for first in order {
            result.append(items[best[id(first)!]!])
        }
        for index in anonymous { result.append(items[index]) }
        return result
    }

    private static func singlePipelineName(
        states: [Sourced<PipelineState>], executions: [Sourced<PipelineExecution>], definitions: [Sourced<PipelineDeclaration>]
    ) -> String? {
        let names = Set(states.compactMap(\.value.pipelineName) + executions.compactMap(\.value.pipelineName) + definitions.compactMap(\.value.name))
        return names.count == 1 ? names.first : nil
    }
}

/// A build group in its batch, as analyzers walk them: where it is (indexes into the context's `batches` and the
/// batch's `buildGroups`) and the fields analyzers filter on, so that walking every group copies no batch.
package struct GroupRef: Sendable {
    package var batchIndex: Int
    package var groupIndex: Int
    package var identifier: String
    /// The current attempt's status.
    package var status: OpenEnum<StatusType>?
    /// `status`'s known case, if any.
    package var knownStatus: StatusType?
    /// How many earlier attempts the group lists.
    package var priorCount: Int
    /// `ignoreFailure: true`
    package var ignoresFailure: Bool
    /// The ARN of the current attempt, if any.
    package var currentARN: String?
    /// The build id of the current attempt (from its ARN), if any: parsed when asked (most groups never are).
    package var currentBuildID: String? { currentARN.flatMap(AnalysisContext.buildID(fromARN:)) }

    package init(
        batchIndex: Int, groupIndex: Int, identifier: String, status: OpenEnum<StatusType>?, priorCount: Int, ignoresFailure: Bool,
        currentARN: String?
    ) {
        self.batchIndex = batchIndex
        self.groupIndex = groupIndex
        self.identifier = identifier
        self.status = status
        self.knownStatus = status?.known
        self.priorCount = priorCount
        self.ignoresFailure = ignoresFailure
        self.currentARN = currentARN
    }
}

extension AnalysisContext {
    /// The indexes in `groups` of the groups of `batches[batchIndex]`.
    package func groupRange(ofBatch batchIndex: Int) -> Range<Int> {
        groupStarts[batchIndex]..<groupStarts[batchIndex + 1]
    }

    /// The group a reference points at.
    package func group(_ ref: GroupRef) -> BuildGroup {
        batches[ref.batchIndex].value.buildGroups![ref.groupIndex]
    }

    /// The batch a reference's group belongs to.
    package func batch(_ ref: GroupRef) -> BuildBatch {
        batches[ref.batchIndex].value
    }

    /// A group's `dependsOn`, read in place (not through a copy of the group).
    package func dependsOn(_ ref: GroupRef) -> [String]? {
        batches[ref.batchIndex].value.buildGroups![ref.groupIndex].dependsOn
    }

    /// A group's `priorBuildSummaryList`, read in place.
    package func priorAttempts(_ ref: GroupRef) -> [BuildSummary]? {
        batches[ref.batchIndex].value.buildGroups![ref.groupIndex].priorBuildSummaryList
    }

    /// A group's `currentBuildSummary`, read in place.
    package func currentAttempt(_ ref: GroupRef) -> BuildSummary? {
        batches[ref.batchIndex].value.buildGroups![ref.groupIndex].currentBuildSummary
    }

    /// The path of the batch a reference's group belongs to.
    package func batchPath(_ ref: GroupRef) -> String {
        batches[ref.batchIndex].path
    }
}
