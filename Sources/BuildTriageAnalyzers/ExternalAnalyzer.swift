public import BuildTriageCore
import Foundation

/// An analyzer in any language: an executable that reads the run's model as JSON on standard input and writes
/// findings as JSON on standard output (protocol `buildtriage-plugin/1`, documented in the README).
///
/// A plugin is not trusted to behave: it runs with no shell and a time limit, its output is read up to a size
/// limit, and everything it can get wrong — not starting, crashing, hanging, printing garbage, speaking another
/// protocol version, sending a malformed finding — becomes a one-line diagnostic naming it. The run's other
/// results stand; a malformed finding is dropped without dropping the plugin's other findings.
public struct ExternalAnalyzer: Sendable {
    public static let protocolVersion = "buildtriage-plugin/1"
    /// The executable as given: a path (with a `/`) or a name looked up on `PATH`.
    public var executable: String
    /// Seconds the plugin has, from start to exit.
    public var timeout: Double
    /// Largest answer read from the plugin.
    public static let maxOutputBytes = 16 * 1024 * 1024
    /// Findings kept from one plugin; the rest are dropped with a diagnostic.
    public static let maxFindings = 10_000
    static let maxMessageBytes = 2_000
    static let maxEvidenceLines = 20
    static let maxEvidenceBytes = 1_000
    static let maxIDCharacters = 1_024
    static let maxDiagnostics = 20

    public init(executable: String, timeout: Double = 30) {
        self.executable = executable
        self.timeout = timeout
    }

    /// The plugin's name in diagnostics, and its analyzer id unless it names one: the executable's base name
    /// without extension, in snake_case (`Samples/plugins/out-of-memory.py` → `out_of_memory`).
    public var name: String {
        let base = executable.split(separator: "/").last.map(String.init) ?? executable
        let stem = base.split(separator: ".").first.map(String.init) ?? base
        return Self.snakeCase(stem) ?? "plugin"
    }

    public struct Outcome: Sendable {
        public var findings: [Finding]
        public var diagnostics: [String]
    }

    /// What the plugin reads on stdin.
    public struct Request: Codable, Sendable {
        public var `protocol`: String
        /// Every input's record and the typed model of every input that was read.
        public var input: TriageInput
        /// What the built-in analyzers found (before the fallback analyzers and root-cause resolution).
        public var findings: [Finding]
    }

    /// What every plugin of a run reads on stdin: encoded once, however many plugins there are.
    static func request(for context: AnalysisContext, findings: [Finding]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Request(protocol: protocolVersion, input: context.input, findings: findings))
    }

    /// Runs the plugin with `request` (from `request(for:findings:)`) on its stdin.
    func run(_ context: AnalysisContext, request: Data) -> Outcome {
        let label = "plugin \(name)"
        guard let path = resolvedPath() else {
            return Outcome(findings: [], diagnostics: ["\(label): cannot run \(executable): not an executable file (nor a command on PATH)"])
        }
        let child = ChildProcess(
            executable: path, input: request, timeout: .milliseconds(Int64(max(0, timeout) * 1000)), killGrace: .seconds(1),
            maxOutputBytes: Self.maxOutputBytes)
        let outcome = child.run()
        if let problem = Self.problem(with: outcome, timeout: timeout) {
            return Outcome(findings: [], diagnostics: ["\(label): \(problem); its findings are ignored"])
        }
        return interpret(outcome.stdout, context: context, label: label)
    }

    /// Reads a plugin's answer. Internal for tests.
    func interpret(_ output: Data, context: AnalysisContext, label: String) -> Outcome {
        let response: Response
        do {
            response = try JSONDecoder().decode(Response.self, from: output)
        } catch {
            let head = String(decoding: output.prefix(80), as: UTF8.self)
            let shown = head.isEmpty ? "nothing" : "\"\(Self.oneLine(head, limit: 80))\""
            return Outcome(findings: [], diagnostics: ["\(label): its output is not a buildtriage-plugin/1 answer (printed \(shown)); its findings are ignored"])
        }
        guard response.protocol == Self.protocolVersion else {
            return Outcome(
                findings: [],
                diagnostics: ["\(label): speaks \"\(Self.oneLine(response.protocol, limit: 60))\", not \(Self.protocolVersion); its findings are ignored"])
        }
        var diagnostics = (response.diagnostics ?? []).prefix(Self.maxDiagnostics).map { "\(label): \(Self.oneLine($0, limit: 500))" }
        let analyzer = response.analyzer.flatMap { Self.isSnakeCase($0) ? $0 : nil } ?? name
        if let claimed = response.analyzer, claimed != analyzer {
            diagnostics.append("\(label): analyzer id \"\(Self.oneLine(claimed, limit: 60))\" is not snake_case; \"\(analyzer)\" is used")
        }
        var findings: [Finding] = []
        var rejected: [String] = []
        for (index, slot) in response.findings.enumerated() {
            guard findings.count < Self.maxFindings else {
                diagnostics.append("\(label): \(response.findings.count - index) findings over the limit of \(Self.maxFindings) were dropped")
                break
            }
            switch slot.result {
            case .success(let proposed):
                switch finding(from: proposed, analyzer: analyzer, context: context) {
                case .success(let finding): findings.append(finding)
                case .failure(let reason): rejected.append("finding #\(index + 1) ignored: \(reason)")
                }
            case .failure(let reason):
                rejected.append("finding #\(index + 1) ignored: \(reason)")
            }
        }
        diagnostics += rejected.prefix(Self.maxDiagnostics).map { "\(label): \($0)" }
        if rejected.count > Self.maxDiagnostics {
            diagnostics.append("\(label): \(rejected.count - Self.maxDiagnostics) more findings ignored")
        }
        return Outcome(findings: findings, diagnostics: diagnostics)
    }

    // MARK: Validation

    private func finding(from proposed: ProposedFinding, analyzer: String, context: AnalysisContext) -> Result<Finding, Reason> {
        let subject = proposed.subject
        guard !subject.id.isEmpty, subject.id.count <= Self.maxIDCharacters else { return .failure(Reason("subject id is empty or too long")) }
        let message = proposed.message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !message.isEmpty else { return .failure(Reason("message is empty")) }
        for target in [proposed.target].compactMap({ $0 }) {
            guard !target.id.isEmpty, target.id.count <= Self.maxIDCharacters else { return .failure(Reason("target id is empty or too long")) }
            if target.kind == .stage, target.pipelineName?.isEmpty != false || target.stageName?.isEmpty != false {
                return .failure(Reason("a stage target needs pipelineName and stageName"))
            }
        }
        let evidence = (proposed.evidence ?? []).prefix(Self.maxEvidenceLines).map { line in
            EvidenceLine(path: line.path, line: line.line.flatMap { $0 > 0 ? $0 : nil }, text: line.text.capped(bytes: Self.maxEvidenceBytes))
        }
        var target = proposed.target
        var scope = proposed.scope
        if target == nil, let attribution = attribution(of: subject, evidence: evidence, context: context) {
            target = attribution.target
            scope = scope ?? (attribution.scope == subject ? nil : attribution.scope)
        }
        return .success(
            Finding(
                analyzer: analyzer, category: proposed.category, subject: subject, message: message.capped(bytes: Self.maxMessageBytes),
                evidence: Array(evidence), target: target, scope: scope, rootSubject: proposed.rootSubject, resolved: proposed.resolved,
                repeated: proposed.repeated))
    }

    /// Where a plugin finding with no target belongs, by the same rules as built-in evidence: the build its
    /// subject names, the batch of the build group it names, else the first evidence path's attribution.
    private func attribution(of subject: Subject, evidence: [EvidenceLine], context: AnalysisContext) -> Attribution? {
        switch subject.kind {
        case .build:
            let id = AnalysisContext.buildID(fromARN: subject.id) ?? subject.id
            if context.build(id: id) != nil || context.group(ofBuildID: id) != nil || context.stage(ofBuildID: id) != nil {
                return context.attribution(forBuildID: id)
            }
        case .buildGroup:
            if let ref = context.groups.first(where: { $0.identifier == subject.id }) {
                return Attribution(target: context.target(of: ref), scope: subject, sourceVersion: nil)
            }
        default:
            break
        }
        for path in evidence.compactMap(\.path) {
            if let attribution = context.attribution(forPath: path) { return attribution }
        }
        return nil
    }

    // MARK: Running

    private func resolvedPath() -> String? {
        if executable.contains("/") { return ChildProcess.isExecutableFile(executable) ? executable : nil }
        return ChildProcess.findExecutable(named: executable)
    }

    private static func problem(with outcome: ChildProcess.Outcome, timeout: Double) -> String? {
        let stderr = oneLine(String(decoding: outcome.stderr.prefix(2_000), as: UTF8.self), limit: 200)
        let said = stderr.isEmpty ? "" : " (stderr: \(stderr))"
        if let launchError = outcome.launchError { return oneLine(launchError, limit: 300) }
        if outcome.timedOut { return "no answer within \(formatted(timeout)) s, so it was stopped" }
        if outcome.killedBySignal { return "it crashed (signal \(outcome.exitStatus ?? 0))\(said)" }
        if let status = outcome.exitStatus, status != 0 { return "it exited with status \(status)\(said)" }
        if outcome.stdoutTruncated { return "it printed more than \(maxOutputBytes / 1024 / 1024) MiB" }
        return nil
    }

    // MARK: Text

    static func isSnakeCase(_ text: String) -> Bool {
        text.wholeMatch(of: /[a-z][a-z0-9]*(_[a-z0-9]+)*/) != nil && text.count <= 64
    }

    static func snakeCase(_ text: String) -> String? {
        var words: [String] = []
        var current = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        var result = words.joined(separator: "_")
        if let first = result.first, first.isNumber { result = "plugin_" + result }
        result = String(result.prefix(64))
        while result.hasSuffix("_") { result.removeLast() }
        return isSnakeCase(result) ? result : nil
    }

    /// One line, control characters replaced, at most `limit` bytes of UTF-8 (`capped(bytes:)`).
    static func oneLine(_ text: String, limit: Int) -> String {
        let flat = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : $0 }))
        return flat.trimmingCharacters(in: .whitespaces).capped(bytes: limit)
    }

    private static func formatted(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

// MARK: - The answer's shape

/// Why a finding was refused.
private struct Reason: Error {
    var text: String
    init(_ text: String) { self.text = text }
}

extension Reason: CustomStringConvertible {
    var description: String { text }
}

/// What the plugin writes on stdout.
private struct Response: Decodable {
    var `protocol`: String
    var analyzer: String?
    var findings: [Slot]
    var diagnostics: [String]?

    private enum CodingKeys: String, CodingKey {
        case `protocol`, analyzer, findings, diagnostics
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        `protocol` = (try? container.decode(String.self, forKey: .protocol)) ?? "(none)"
        analyzer = try? container.decodeIfPresent(String.self, forKey: .analyzer)
        findings = (try? container.decodeIfPresent([Slot].self, forKey: .findings)) ?? []
        diagnostics = (try? container.decodeIfPresent([String].self, forKey: .diagnostics)) ?? nil
    }
}

/// One element of `findings`: decoded on its own, so one malformed finding does not hide the others.
private struct Slot: Decodable {
    var result: Result<ProposedFinding, Reason>

    init(from decoder: any Decoder) throws {
        do {
            result = .success(try ProposedFinding(from: decoder))
        } catch let error as DecodingError {
            result = .failure(Reason(Self.describe(error)))
        } catch {
            result = .failure(Reason("\(error)"))
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        /// The key path inside the finding (`evidence[0].text`), without the leading `findings[N]`.
        func path(_ keys: [any CodingKey]) -> String {
            let inside = keys.drop { $0.intValue == nil }.dropFirst()
            let names = inside.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }
            let joined = names.joined()
            return joined.isEmpty ? "the finding" : String(joined.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context): return "\(path(context.codingPath)) has the wrong type"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) is null"
        case .dataCorrupted(let context) where context.codingPath.last?.stringValue == "category":
            return "category is not one of \(Category.allCases.map(\.rawValue).joined(separator: ", "))"
        case .dataCorrupted(let context) where context.codingPath.last?.stringValue == "kind":
            return "\(path(context.codingPath)) is not a known kind"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)) is not valid (\(ExternalAnalyzer.oneLine(context.debugDescription, limit: 120)))"
        @unknown default: return "it is not valid"
        }
    }
}

/// A finding as a plugin proposes it: no id (BuildTriage makes ids), no root cause (resolved from `rootSubject`).
private struct ProposedFinding: Decodable {
    var category: Category
    var subject: Subject
    var message: String
    var evidence: [ProposedEvidence]?
    var target: Target?
    var scope: Subject?
    var rootSubject: Subject?
    var resolved: Bool?
    var repeated: Bool?
}

private struct ProposedEvidence: Decodable {
    var path: String?
    var line: Int?
    var text: String
}
