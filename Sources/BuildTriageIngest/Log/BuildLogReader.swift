public import BuildTriageCore

/// Reads a plain-text CodeBuild build log: the agent's `[Container] <date> <time> …` lines become phase,
/// context and command events with their line numbers; the text is kept for the knowledge base.
public enum BuildLogReader {
    /// Whether `prefix` (the first bytes of a file) looks like a CodeBuild log.
    public static func looksLikeBuildLog(_ prefix: Substring) -> Bool {
        prefix.contains("[Container] ") || prefix.contains("Entering phase ") || prefix.contains("Phase complete: ")
            || prefix.contains("Waiting for agent ping")
    }

    public static func read(_ text: String) -> BuildLog {
        let logText = LogText(text)
        var phases: [BuildLog.PhaseEvent] = []
        var contexts: [BuildLog.Context] = []
        var commands: [BuildLog.Command] = []
        var currentPhase: String?
        var openCommand: Int?

        for number in stride(from: 1, through: logText.lineCount, by: 1) {
            let raw = logText.line(number)
            guard let body = agentMessage(raw) else { continue }
            if let phase = body.after("Entering phase ") {
                let name = String(phase.trimmedWhitespace)
                currentPhase = name
                phases.append(.init(line: number, phase: name, state: nil))
            } else if let rest = body.after("Phase complete: ") {
                // `Phase complete: BUILD State: FAILED`
                let parts = rest.components(separatedBy: " State: ")
                let name = String(parts[0].trimmedWhitespace)
                let state = parts.count > 1 ? String(parts[1].trimmedWhitespace) : nil
                phases.append(.init(line: number, phase: name, state: state))
            } else if let rest = body.after("Phase context status code: ") {
                // `Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: …`
                let parts = rest.components(separatedBy: " Message: ")
                let code = String(parts[0].trimmedWhitespace)
                let message = parts.count > 1 ? parts.dropFirst().joined(separator: " Message: ").trimmedWhitespace : ""
                contexts.append(.init(line: number, code: code, message: String(message)))
            } else if let command = body.after("Running command ") {
                commands.append(.init(line: number, command: String(command.trimmedWhitespace), phase: currentPhase))
                openCommand = commands.count - 1
            } else if let rest = body.after("Command did not exit successfully ") {
                // `Command did not exit successfully npm test exit status 1`
                let status = rest.components(separatedBy: " exit status ")
                let exitStatus = status.count > 1 ? Int(status.last!.trimmedWhitespace) : nil
                let failed = String(status[0].trimmedWhitespace)
                if let index = commands.lastIndex(where: { $0.command == failed && $0.exitStatus == nil }) ?? openCommand {
                    commands[index].exitStatus = exitStatus ?? -1
                    commands[index].failureLine = number
                } else {
                    commands.append(.init(line: number, command: failed, phase: currentPhase, exitStatus: exitStatus ?? -1, failureLine: number))
                }
                openCommand = nil
            }
        }
        return BuildLog(lineCount: logText.lineCount, phases: phases, contexts: contexts, commands: commands, text: logText)
    }

    private static let containerMarker = Array("[Container] ".utf8)

    /// The message of an agent line: `[Container] 2020/10/21 17:26:23.099 Entering phase BUILD` →
    /// `Entering phase BUILD`. nil for other lines (the user's own command output).
    static func agentMessage(_ line: Substring) -> Substring? {
        // On UTF-8 bytes: `firstRange(of:)` builds a search table on every call, which on every line of a
        // 400 MB log took most of the read.
        let utf8 = line.utf8
        var from = utf8.startIndex
        var found: Substring.Index?
        while let open = utf8[from...].firstIndex(of: UInt8(ascii: "[")) {
            if utf8[open...].starts(with: containerMarker) {
                found = utf8.index(open, offsetBy: containerMarker.count)
                break
            }
            from = utf8.index(after: open)
        }
        guard let found else { return nil }
        var rest = line[found...]
        // Skip the date and time stamps when present (`2020/10/21 17:26:23.099`).
        for _ in 0..<2 {
            guard let first = rest.first, first.isNumber, let space = rest.firstIndex(of: " ") else { break }
            rest = rest[rest.index(after: space)...]
        }
        return rest
    }
}

extension Substring {
    fileprivate func after(_ prefix: String) -> Substring? {
        hasPrefix(prefix) ? self[index(startIndex, offsetBy: prefix.count)...] : nil
    }
}

extension Substring {
    fileprivate func components(separatedBy separator: String) -> [Substring] {
        var parts: [Substring] = []
        var rest = self[...]
        while let range = rest.firstRange(of: separator) {
            parts.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        parts.append(rest)
        return parts
    }
}
