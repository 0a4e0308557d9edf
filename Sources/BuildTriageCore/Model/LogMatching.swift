/// Something that looks at every line of a build log while the log streams by (the knowledge base's rules), so
/// that no log has to be held in memory for it. The log reader (in BuildTriageIngest) feeds it blocks of lines;
/// what it finds is kept in the log's model (`BuildLog.matches`).
public protocol LogMatcher: Sendable {
    /// Identifies what this matcher looks for: matches found by a matcher of another fingerprint do not count.
    var fingerprint: String { get }
    /// A scan of one log (used by one thread).
    func makeScan() -> any LogScan
}

/// The scan of one log: blocks in order, then `finish`.
public protocol LogScan: AnyObject {
    func scan(_ block: LogBlock)
    func finish() -> LogMatches
}

/// A block of consecutive lines of a log, valid only during the `scan` call that receives it.
public struct LogBlock {
    /// The block's bytes: the lines, each followed by its terminator (the last one may have none).
    public let bytes: UnsafeRawBufferPointer
    /// Each line's bytes in `bytes`, without its terminator (`\n`, or `\r\n`).
    public let lines: [Range<Int>]
    /// The number (1-based) of `lines[0]` in the log.
    public let firstLine: Int
    /// The lines that are not plain ASCII, by index in `lines`, as text (invalid UTF-8 replaced by U+FFFD, as the
    /// whole-file decoding did). ASCII lines are only bytes.
    public let texts: [Int: String]
    /// The lines cut at the reader's longest line (the rest of each skipped), by index in `lines`.
    public let cutLines: [Int]

    public init(bytes: UnsafeRawBufferPointer, lines: [Range<Int>], firstLine: Int, texts: [Int: String], cutLines: [Int]) {
        self.bytes = bytes
        self.lines = lines
        self.firstLine = firstLine
        self.texts = texts
        self.cutLines = cutLines
    }
}

/// What a matcher found in one log.
public struct LogMatches: Sendable, Hashable {
    /// One rule that matched: its message and the lines that matched (in order, at most a few).
    public struct Hit: Sendable, Hashable {
        public var rule: String
        public var message: String
        public var lines: [Line]

        public init(rule: String, message: String, lines: [Line]) {
            self.rule = rule
            self.message = message
            self.lines = lines
        }
    }

    /// A matching line: its number and its text as shown in evidence.
    public struct Line: Sendable, Hashable {
        public var number: Int
        public var text: String

        public init(number: Int, text: String) {
            self.number = number
            self.text = text
        }
    }

    /// A rule given up on after its patterns ran out of their budget on `lines` lines.
    public struct Dropped: Sendable, Hashable {
        public var rule: String
        public var lines: Int

        public init(rule: String, lines: Int) {
            self.rule = rule
            self.lines = lines
        }
    }

    public var fingerprint: String
    /// In rule order.
    public var hits: [Hit]
    /// In rule order.
    public var dropped: [Dropped]
    /// Lines longer than the matcher's longest subject, which patterns saw a prefix of; the first of them.
    public var longLines: Int
    public var firstLongLine: Int?
    /// Lines longer than the reader keeps, of which the rest was skipped; the first of them.
    public var cutLines: Int
    public var firstCutLine: Int?

    public init(
        fingerprint: String, hits: [Hit] = [], dropped: [Dropped] = [], longLines: Int = 0, firstLongLine: Int? = nil, cutLines: Int = 0,
        firstCutLine: Int? = nil
    ) {
        self.fingerprint = fingerprint
        self.hits = hits
        self.dropped = dropped
        self.longLines = longLines
        self.firstLongLine = firstLongLine
        self.cutLines = cutLines
        self.firstCutLine = firstCutLine
    }
}
