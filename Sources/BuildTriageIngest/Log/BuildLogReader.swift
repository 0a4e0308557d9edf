public import BuildTriageCore
import Foundation

/// Reads a plain-text CodeBuild build log: the agent's `[Container] <date> <time> …` lines become phase,
/// context and command events with their line numbers; the text is kept for the knowledge base.
public enum BuildLogReader {
    /// Whether `prefix` (the first bytes of a file) looks like a CodeBuild log.
    public static func looksLikeBuildLog(_ prefix: Substring) -> Bool {
        prefix.contains("[Container] ") || prefix.contains("Entering phase ") || prefix.contains("Phase complete: ")
            || prefix.contains("Waiting for agent ping")
    }

    /// Longest line kept: a longer line is cut there (at a character boundary) and the rest of it skipped, so
    /// that a log without newlines cannot fill memory. The knowledge base counts the lines cut.
    public static let maxLineBytes = 1 << 20
    /// Bytes read at once (and the most held, with the longest line kept).
    static let blockBytes = 4 << 20

    /// Reads a log held in a string: its text is kept in the model.
    public static func read(_ text: String, matcher: (any LogMatcher)? = nil) -> BuildLog {
        var source = PrefixedSource<DescriptorSource>(Data(text.utf8), then: nil)
        // Reading memory cannot fail, and the text is valid UTF-8.
        guard var log = try? read(from: &source, matcher: matcher, keepText: false) else {
            return BuildLog(lineCount: 0, phases: [], contexts: [], commands: [], text: LogText(text))
        }
        log.text = LogText(text)
        return log
    }

    /// Streams a log: one pass over blocks of lines, in bounded memory whatever the size. The agent's lines become
    /// events; every line goes by `matcher` (the knowledge base); the text is kept only when `keepText` is set.
    /// Invalid UTF-8 is replaced, as long as it is rare (at most 1 byte in 100), else the log is refused.
    public static func read(from source: inout some LogByteSource, matcher: (any LogMatcher)?, keepText: Bool) throws(IngestError) -> BuildLog {
        var reader = StreamingLogReader(scan: matcher?.makeScan(), keepText: keepText)
        try reader.run(&source)
        return try reader.finish()
    }
    /// The message of an agent line: `[Container] 2020/10/21 17:26:23.099 Entering phase BUILD` →
    /// `Entering phase BUILD`. nil for other lines (the user's own command output).
    static func agentMessage(_ line: Substring) -> Substring? {
        guard let markerEnd = endOfContainerMarker(in: line) else { return nil }
        var rest = line[markerEnd...]
        // Skip the date and time stamps when present (`2020/10/21 17:26:23.099`).
        for _ in 0..<2 {
            guard let first = rest.first, first.isNumber, let space = rest.firstIndex(of: " ") else { break }
            rest = rest[rest.index(after: space)...]
        }
        return rest
    }
}

/// The agent's events, from its lines in order.
struct AgentEvents {
    var phases: [BuildLog.PhaseEvent] = []
    var contexts: [BuildLog.Context] = []
    var commands: [BuildLog.Command] = []
    var currentPhase: String?
    var openCommand: Int?

    mutating func line(_ raw: Substring, number: Int) {
        guard let body = BuildLogReader.agentMessage(raw) else { return }
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
}

private let containerMarker = Array("[Container] ".utf8)

/// Where the first `[Container] ` in `line` ends: a byte search (`firstRange(of:)` compares Characters, and
/// runs on every line of the log).
private func endOfContainerMarker(in line: Substring) -> Substring.Index? {
    let utf8 = line.utf8
    let offset = utf8.withContiguousStorageIfAvailable { bytes -> Int? in
        let count = containerMarker.count
        guard bytes.count >= count else { return nil }
        var start = 0
        while start <= bytes.count - count {
            if bytes[start] == 0x5B {  // "["
                var matched = 1
                while matched < count, bytes[start + matched] == containerMarker[matched] { matched += 1 }
                if matched == count { return start + count }
            }
            start += 1
        }
        return nil
    }
    switch offset {
    case .some(let found?): return utf8.index(utf8.startIndex, offsetBy: found)
    case .some(nil): return nil
    case nil: return line.firstRange(of: "[Container] ")?.upperBound
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
