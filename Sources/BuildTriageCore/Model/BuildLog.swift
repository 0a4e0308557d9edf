/// A plain-text CodeBuild build log, with the agent's `[Container]` lines turned into events.
/// Line numbers are 1-based and point into the log as given.
public struct BuildLog: Sendable, Hashable, Codable {
    /// `Entering phase X` and `Phase complete: X State: Y`.
    public struct PhaseEvent: Sendable, Hashable, Codable {
        public var line: Int
        public var phase: String
        /// nil for `Entering phase`; the state for `Phase complete`.
        public var state: String?

        public init(line: Int, phase: String, state: String?) {
            self.line = line
            self.phase = phase
            self.state = state
        }
    }

    /// `Phase context status code: C Message: M`.
    public struct Context: Sendable, Hashable, Codable {
        public var line: Int
        public var code: String
        public var message: String

        public init(line: Int, code: String, message: String) {
            self.line = line
            self.code = code
            self.message = message
        }
    }

    /// `Running command X`, with the failure of that command when one followed.
    public struct Command: Sendable, Hashable, Codable {
        public var line: Int
        public var command: String
        public var phase: String?
        public var exitStatus: Int?
        public var failureLine: Int?

        public init(line: Int, command: String, phase: String?, exitStatus: Int? = nil, failureLine: Int? = nil) {
            self.line = line
            self.command = command
            self.phase = phase
            self.exitStatus = exitStatus
            self.failureLine = failureLine
        }
    }

    public var lineCount: Int
    public var phases: [PhaseEvent]
    public var contexts: [Context]
    public var commands: [Command]
    /// The log's lines, when they were kept: for external analyzers (whose protocol hands them the text) and for
    /// a knowledge base that did not see the log stream by. A log streamed for the CLI without plugins keeps none.
    public var text: LogText?
    /// What the knowledge base's rules found while the log streamed by (nil: the log was read without them).
    public var matches: LogMatches?

    public init(lineCount: Int, phases: [PhaseEvent], contexts: [Context], commands: [Command], text: LogText?, matches: LogMatches? = nil) {
        self.lineCount = lineCount
        self.phases = phases
        self.contexts = contexts
        self.commands = commands
        self.text = text
        self.matches = matches
    }

    enum CodingKeys: String, CodingKey {
        case lineCount, phases, contexts, commands, text
    }

    /// The form external analyzers read (`buildtriage-plugin/1`): the events and, when kept, the text. The
    /// knowledge base's matches are its own and are not part of it.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lineCount, forKey: .lineCount)
        try container.encode(phases, forKey: .phases)
        try container.encode(contexts, forKey: .contexts)
        try container.encode(commands, forKey: .commands)
        try container.encodeIfPresent(text, forKey: .text)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            lineCount: try container.decode(Int.self, forKey: .lineCount), phases: try container.decode([PhaseEvent].self, forKey: .phases),
            contexts: try container.decode([Context].self, forKey: .contexts), commands: try container.decode([Command].self, forKey: .commands),
            text: try container.decodeIfPresent(LogText.self, forKey: .text))
    }

    /// The phases that completed in a state other than `SUCCEEDED`.
    public var failedPhases: [PhaseEvent] {
        phases.filter { ($0.state.map { $0 != "SUCCEEDED" }) ?? false }
    }

    /// The commands that exited non-zero.
    public var failedCommands: [Command] { commands.filter { $0.exitStatus != nil } }
}

/// The text of a log, kept as one string with line offsets (not one allocation per line).
public struct LogText: Sendable, Hashable, Codable {
    public let storage: String
    private let starts: [String.Index]

    public init(_ storage: String) {
        self.storage = storage
        var starts: [String.Index] = [storage.startIndex]
        var index = storage.utf8.startIndex
        let end = storage.utf8.endIndex
        while let newline = storage.utf8[index..<end].firstIndex(of: 10) {
            index = storage.utf8.index(after: newline)
            if index < end { starts.append(index) }
        }
        if storage.isEmpty { starts = [] }
        self.starts = starts
    }

    public var lineCount: Int { starts.count }

    /// Line `number` (1-based) without its line terminator.
    public func line(_ number: Int) -> Substring {
        let start = starts[number - 1]
        var end = number < starts.count ? starts[number] : storage.endIndex
        let utf8 = storage.utf8
        if end > start, utf8[utf8.index(before: end)] == 10 { end = utf8.index(before: end) }
        if end > start, utf8[utf8.index(before: end)] == 13 { end = utf8.index(before: end) }
        return storage[start..<end]
    }

    /// The UTF-8 byte offsets of line `number` (1-based) in `storage`, without its line terminator: the bytes of
    /// `line(number)`.
    public func lineUTF8Range(_ number: Int) -> Range<Int> {
        let utf8 = storage.utf8
        let start = starts[number - 1]
        var end = number < starts.count ? starts[number] : storage.endIndex
        if end > start, utf8[utf8.index(before: end)] == 10 { end = utf8.index(before: end) }
        if end > start, utf8[utf8.index(before: end)] == 13 { end = utf8.index(before: end) }
        return utf8.distance(from: utf8.startIndex, to: start)..<utf8.distance(from: utf8.startIndex, to: end)
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(storage)
    }

    public static func == (lhs: LogText, rhs: LogText) -> Bool { lhs.storage == rhs.storage }
    public func hash(into hasher: inout Hasher) { hasher.combine(storage) }
}
