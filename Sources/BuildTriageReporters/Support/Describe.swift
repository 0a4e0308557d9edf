import BuildTriageCore

/// Wording shared by the reporters. Returns raw (unescaped) text: each sink escapes it for its context.
enum Describe {
    /// What the verdict means, in one sentence.
    static func meaning(_ verdict: Verdict) -> String {
        switch verdict {
        case .fix: "a retry would fail the same way: fix the cause first"
        case .investigate: "a retry is blocked or would not help: a person should look"
        case .retry: "every failure looks transient: retry"
        case .wait: "still running: wait before acting"
        case .clean: "nothing failed"
        }
    }

    /// `Verdict: fix. A retry would fail the same way: fix the cause first.`
    static func verdictSentence(_ verdict: Verdict) -> String {
        "Verdict: \(verdict.rawValue). " + sentence(meaning(verdict))
    }

    /// `4 targets: 2 to fix, 1 to retry.` (or `No targets.`).
    static func countsSentence(_ report: TriageReport) -> String {
        sentence(actionCounts(report))
    }

    /// `4 inputs could not be read: the verdict covers only what was read.`, when any could not.
    static func caveat(_ report: TriageReport) -> String? {
        let unreadable = report.inputs.reduce(0) { $0 + ($1.status == .error ? 1 : 0) }
        guard unreadable > 0 else { return nil }
        return "\(unreadable) \(unreadable == 1 ? "input" : "inputs") could not be read: the verdict covers only what was read."
    }

    /// The heading of the inputs that were read but hold nothing to analyze (status `ignored`).
    static let ignoredTitle = "inputs ignored, nothing to analyze"

    /// An unreadable input's diagnostic without the path in front (the reporters show the path already).
    static func diagnostic(_ input: InputRecord) -> String? {
        guard let diagnostic = input.diagnostic else { return nil }
        for prefix in [input.path + ": ", input.path + ":"] where diagnostic.hasPrefix(prefix) && diagnostic.count > prefix.count {
            return String(diagnostic.dropFirst(prefix.count))
        }
        return diagnostic
    }

    /// The text with its first letter capitalized and a full stop.
    static func sentence(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst() + "."
    }

    /// How many targets got each action, strongest first: `1 target to fix, 2 to retry`.
    static func actionCounts(_ report: TriageReport) -> String {
        var counts: [Action: Int] = [:]
        for recommendation in report.recommendations { counts[recommendation.action, default: 0] += 1 }
        let parts = Action.allCases.sorted { $0.strength < $1.strength }.compactMap { action -> String? in
            guard let count = counts[action], count > 0 else { return nil }
            return "\(count) \(phrase(action))"
        }
        guard !parts.isEmpty else { return "no targets" }
        let total = report.recommendations.count
        return "\(total) \(total == 1 ? "target" : "targets"): " + parts.joined(separator: ", ")
    }

    private static func phrase(_ action: Action) -> String {
        switch action {
        case .fix: "to fix"
        case .investigate: "to investigate"
        case .retry: "to retry"
        case .wait: "to wait for"
        case .none: "with nothing to do"
        }
    }

    /// `batch <id>`, `build <id>`, `stage <pipeline>/<stage> (execution <id>)`, `job <id>`.
    static func target(_ target: Target) -> String {
        var text = "\(target.kind.rawValue) \(target.id)"
        if let execution = target.pipelineExecutionId { text += " (execution \(execution))" }
        return text
    }

    /// The exact command: the recommendation's shell line, or its argv quoted for `sh`.
    static func command(_ recommendation: Recommendation) -> String? {
        if let shell = recommendation.shell, !shell.isEmpty { return shell }
        guard let argv = recommendation.command, !argv.isEmpty else { return nil }
        return argv.map(shellQuote).joined(separator: " ")
    }

    /// POSIX `sh` quoting: safe arguments as they are, anything else in single quotes (`'` → `'\''`).
    static func shellQuote(_ argument: String) -> String {
        let safe = !argument.isEmpty && argument.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "A"..."Z", "a"..."z", "0"..."9", "_", "@", "%", "+", "=", ":", ",", ".", "/", "-": true
            default: false
            }
        }
        if safe { return argument }
        var quoted = "'"
        for scalar in argument.unicodeScalars {
            if scalar == "'" { quoted += "'\\''" } else { quoted.unicodeScalars.append(scalar) }
        }
        return quoted + "'"
    }

    /// Whether a finding's message already starts with its subject id (`linux_large was stopped…`), in
    /// which case reporters do not repeat the subject in front of it.
    static func messageNamesSubject(_ finding: Finding) -> Bool {
        let id = finding.subject.id
        guard !id.isEmpty, finding.message.hasPrefix(id) else { return false }
        let rest = finding.message.unicodeScalars.dropFirst(id.unicodeScalars.count)
        guard let next = rest.first else { return true }
        return next == " " || next == ":" || next == "," || next == "(" || next == ";"
    }

    /// Locations to show for a finding's evidence: nil where it repeats the previous line's location.
    static func locations(_ evidence: some Sequence<EvidenceLine>) -> [String?] {
        var previous: String?
        return evidence.map { line in
            let location = Self.location(line)
            defer { previous = location }
            return location == previous ? nil : location
        }
    }

    /// `120 total, 100 passed, 15 failed, 2 errored, 3 skipped, 1 flaky`.
    static func tests(_ counts: TestCounts) -> String {
        "\(counts.total) total, \(counts.passed) passed, \(counts.failed) failed, \(counts.errored) errored, "
            + "\(counts.skipped) skipped, \(counts.flaky) flaky"
    }

    /// `path:line`, `path`, or nil when the evidence names no file.
    static func location(_ evidence: EvidenceLine) -> String? {
        guard let path = evidence.path, !path.isEmpty else { return nil }
        guard let line = evidence.line else { return path }
        return "\(path):\(line)"
    }

    /// The first `limit` non-blank lines of an evidence text (a failure message's first lines), each capped.
    static func lines(_ text: String, limit: Int, bytes: Int = 400) -> [String] {
        var result: [String] = []
        for line in text.split(whereSeparator: \.isNewline) where result.count < limit {
            let trimmed = line.trimmedWhitespace
            if !trimmed.isEmpty { result.append(String(trimmed).capped(bytes: bytes)) }
        }
        return result
    }

    /// A value on one line: line breaks and tabs become spaces, capped.
    static func oneLine(_ text: String, bytes: Int = 1000) -> String {
        let capped = text.capped(bytes: bytes)
        // Plain ASCII with no line break or tab (the common case) is returned as it is: the loop below would
        // copy it scalar by scalar unchanged.
        if capped.utf8.allSatisfy({ $0 < 0x80 && ($0 < 0x09 || $0 > 0x0D) }) { return capped }
        var result = ""
        result.unicodeScalars.reserveCapacity(min(text.utf8.count, bytes + 4))
        var lastWasSpace = false
        for scalar in capped.unicodeScalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\t" || scalar == "\u{0B}" || scalar == "\u{0C}"
                || scalar == "\u{85}" || scalar == "\u{2028}" || scalar == "\u{2029}"
            {
                if !lastWasSpace { result.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                result.unicodeScalars.append(scalar)
                lastWasSpace = scalar == " "
            }
        }
        return result
    }

    /// `ids.joined`, with `+N more` when `total` exceeds what is listed.
    static func examples(_ ids: [String], total: Int) -> String {
        var text = ids.map { $0.capped(bytes: 200) }.joined(separator: ", ")
        if total > ids.count { text += (ids.isEmpty ? "" : ", ") + "+\(total - ids.count) more" }
        return text
    }
}
