/// Builds a log's text from its events, keeping at most `maxBytes`: the head and the tail of the log, with a
/// line that says where and how much was cut. The middle is dropped as it streams by, so memory stays bounded
/// whatever the log's size.
struct LogAssembler {
    let maxBytes: Int
    private var head: [String] = []
    private var headBytes = 0
    private var headFull = false
    private var tail: [String] = []
    private var tailStart = 0
    private var tailBytes = 0
    private(set) var totalBytes = 0
    private(set) var totalLines = 0
    private(set) var droppedBytes = 0
    private(set) var droppedLines = 0

    init(maxBytes: Int) {
        self.maxBytes = max(maxBytes, 0)
    }

    /// One CloudWatch event's message (a trailing newline is dropped: each event is a line).
    mutating func append(_ message: String) {
        // By bytes: "\r\n" is one Character, so `hasSuffix("\n")` would not see it.
        var bytes = Substring(message).utf8[...]
        if bytes.last == UInt8(ascii: "\n") { bytes = bytes.dropLast() }
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        let text = String(Substring(bytes))
        let size = text.utf8.count + 1
        totalBytes += size
        totalLines += 1
        if !headFull, headBytes + size <= maxBytes / 2 {
            head.append(text)
            headBytes += size
            return
        }
        headFull = true
        tail.append(text)
        tailBytes += size
        let tailBudget = maxBytes - maxBytes / 2
        while tailBytes > tailBudget, tailStart < tail.count {
            let dropped = tail[tailStart].utf8.count + 1
            tailBytes -= dropped
            droppedBytes += dropped
            droppedLines += 1
            tailStart += 1
        }
        if tailStart > 4096, tailStart * 2 > tail.count {
            tail.removeFirst(tailStart)
            tailStart = 0
        }
    }

    /// Whether something was cut.
    var wasCut: Bool { droppedLines > 0 }

    /// The note that replaces the cut lines.
    var cutNote: String? {
        guard wasCut else { return nil }
        return "[buildtriage collect] \(droppedLines) lines (\(droppedBytes) bytes) cut here, after line \(head.count): "
            + "the log has \(totalLines) lines (\(totalBytes) bytes) and --max-log-bytes \(maxBytes) keeps its head and tail"
    }

    /// The text: head, the note when something was cut, tail.
    var text: String {
        var lines = head
        if let cutNote { lines.append(cutNote) }
        lines += tail[tailStart...]
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }
}
