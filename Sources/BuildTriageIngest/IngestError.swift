public import BuildTriageCore

/// Why an input could not be read: becomes the input's one-line diagnostic (the path is added by the caller).
public struct IngestError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    /// 1-based position of the problem, when the parser knows it.
    public var line: Int?
    public var column: Int?
    /// The kind the input was recognised as before the problem, if any.
    public var kind: InputKind?
    /// The input was read, but holds nothing to analyze (a response of only ids): it is listed as `ignored`, not
    /// as an input that could not be read.
    public var nothingToAnalyze: Bool

    public init(_ message: String, line: Int? = nil, column: Int? = nil, kind: InputKind? = nil, nothingToAnalyze: Bool = false) {
        self.message = message
        self.line = line
        self.column = column
        self.kind = kind
        self.nothingToAnalyze = nothingToAnalyze
    }

    public var description: String {
        switch (line, column) {
        case (let line?, let column?): "line \(line), column \(column): \(message)"
        case (let line?, nil): "line \(line): \(message)"
        default: message
        }
    }
}
