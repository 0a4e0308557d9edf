import BuildTriageCore

/// `TestIdentity.hash` computed incrementally over UTF-8 bytes (FNV-1a), so that a reader can hash a passing test's
/// subject id from its attribute bytes without building Strings.
struct IdentityHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    mutating func mix(_ bytes: some Collection<UInt8>) {
        for byte in bytes { mix(byte) }
    }

    @inline(__always)
    mutating func mix(_ byte: UInt8) {
        value ^= UInt64(byte)
        value &*= 0x0000_0100_0000_01b3
    }

    /// The hash of `owner.name` (or `name` alone when `owner` is empty), as `TestIdentity.subjectID` joins them.
    static func of(owner: some Collection<UInt8>, name: some Collection<UInt8>) -> UInt64 {
        var hash = IdentityHash()
        if !owner.isEmpty {
            hash.mix(owner)
            hash.mix(UInt8(ascii: "."))
        }
        hash.mix(name)
        return hash.value
    }
}

/// What every test-report reader fills: the counts (every test as written), the tests that are not plain passes
/// kept whole, and the plain passes kept as identity hashes, so that memory stays flat however large the report.
struct TestReportBuilder {
    var kind: InputKind
    var counts = TestCounts()
    var cases: [JUnitTestCase] = []
    var passedIdentities: [UInt64] = []
    var suiteCount = 0
    /// Outcome values the format does not define, for the report's notes.
    var unknownOutcomes: UnknownValues

    /// `outcomeAttribute` names where the format writes a test's outcome (`outcome`, `result`, `status`).
    init(kind: InputKind, outcomeAttribute: String) {
        self.kind = kind
        unknownOutcomes = UnknownValues(attribute: outcomeAttribute, countedAs: "errored")
    }

    /// A plain pass, known by its identity's hash.
    @inline(__always)
    mutating func pass(hash: UInt64) {
        counts.add(.passed)
        passedIdentities.append(hash)
    }

    /// The outcome `table` gives the attribute value in `slot`: errored when the value is missing or unknown, and an
    /// unknown one is noted.
    mutating func outcome(_ table: ValueTable<TestOutcome>, _ attributes: borrowing XMLAttributeValues, _ slot: Int) -> TestOutcome {
        if let known = table.match(attributes, slot) { return known }
        if attributes.isPresent(slot) {
            attributes.withBytes(slot) { unknownOutcomes.add($0) }
        } else {
            unknownOutcomes.addMissing()
        }
        return .errored
    }

    /// Any test: counted, and kept whole unless it is a plain pass.
    mutating func add(_ testCase: JUnitTestCase) {
        if testCase.outcome == .passed, testCase.reruns.isEmpty {
            pass(hash: TestIdentity.hash(testCase.subjectID))
        } else {
            counts.add(testCase.outcome)
            cases.append(testCase)
        }
    }

    mutating func finish(root: String) -> JUnitReport {
        Self.radixSort(&passedIdentities)
        Self.trim(&cases)
        return JUnitReport(
            kind: kind, root: root, suiteCount: suiteCount, counts: counts, cases: cases, passedIdentities: passedIdentities,
            notes: unknownOutcomes.notes(format: Self.formatName(kind)))
    }

    /// How the notes name a format.
    static func formatName(_ kind: InputKind) -> String {
        switch kind {
        case .nunit2: "NUnit 2"
        case .nunit3: "NUnit 3"
        case .trx: "TRX"
        case .xunit: "xUnit.net"
        case .testng: "TestNG"
        case .cucumber: "Cucumber"
        default: kind.rawValue
        }
    }

    /// Keeps the cases at their exact count: the array grew by doubling, and a report's cases stay in memory for
    /// the whole analysis (≈ 450 bytes a case: 1.2 MB of spare capacity on 5,434 failing cases of a 100 MB report).
    static func trim(_ cases: inout [JUnitTestCase]) {
        guard cases.capacity > cases.count + cases.count / 16 else { return }
        var exact: [JUnitTestCase] = []
        exact.reserveCapacity(cases.count)
        exact.append(contentsOf: cases)
        cases = exact
    }

    /// A test's class and name from its full name and its class (NUnit's `fullname` and `classname`, xUnit.net's
    /// `name` and `type`): the name after `class.` when the full name starts with it, else the full name alone.
    static func split(fullName: String, owner: String?) -> (classname: String?, name: String) {
        if let owner, !owner.isEmpty, fullName.hasPrefix(owner + "."), fullName.count > owner.count + 1 {
            return (owner, String(fullName.dropFirst(owner.count + 1)))
        }
        return (nil, fullName)
    }

    /// Trimmed text, nil when there is none (white space only).
    static func text(_ bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self).trimmedWhitespace
        return text.isEmpty ? nil : String(text)
    }

    /// A failure record from captured message and stack-trace bytes (capped as JUnit's).
    static func failure(_ kind: TestFailure.Kind, type: String?, message: [UInt8], details: [UInt8]) -> TestFailure {
        TestFailure(
            kind: kind, type: type,
            message: text(message)?.capped(bytes: JUnitLimits.messageBytes),
            details: text(details)?.capped(bytes: JUnitLimits.detailBytes))
    }

    /// Sorts hashes ascending: an LSD radix sort, a byte a pass (about a quarter of the comparison sort's cost on
    /// half a million identities; the result is the same, the values being plain integers).
    static func radixSort(_ values: inout [UInt64]) {
        guard values.count > 64 else {
            values.sort()
            return
        }
        // Sorted in an exact-size copy: `values` grew by doubling and may hold twice its count (4 MB unused on
        // half a million identities, kept for the rest of the run otherwise).
        let count = values.count
        var sorted = [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = values.withUnsafeBufferPointer { buffer.initialize(fromContentsOf: $0) }
        }
        values = []
        var scratch = [UInt64](repeating: 0, count: count)
        // All eight histograms in one pass, then one scatter a byte.
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 8 * 256)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0, count: 8 * 256)
        sorted.withUnsafeMutableBufferPointer { source in
            scratch.withUnsafeMutableBufferPointer { target in
                for value in source {
                    for pass in 0..<8 { counts[pass &* 256 &+ Int(truncatingIfNeeded: value >> UInt64(pass &* 8)) & 0xFF] &+= 1 }
                }
                var from = source.baseAddress!
                var to = target.baseAddress!
                for pass in 0..<8 {
                    let histogram = counts + pass * 256
                    var offset = 0
                    for bucket in 0..<256 {
                        let size = histogram[bucket]
                        histogram[bucket] = offset
                        offset &+= size
                    }
                    let shift = UInt64(pass * 8)
                    for index in 0..<count {
                        let value = from[index]
                        let bucket = Int(truncatingIfNeeded: value >> shift) & 0xFF
                        to[histogram[bucket]] = value
                        histogram[bucket] &+= 1
                    }
                    swap(&from, &to)
                }
                // Eight passes: the sorted values are back in `source`.
            }
        }
        values = sorted
    }
}

/// Outcome values a reader met that its format does not define: the tests that carry them are counted as
/// Docs/formats.md says, and the report's notes name each value, so that no value is mapped silently. A few
/// distinct values are named; the tests with any other are counted together (a file cannot flood the report).
struct UnknownValues {
    static let maxNamed = 8
    /// Bytes of a value kept for its note.
    static let maxValueBytes = 64

    /// Where the values are written (`outcome`, `status`…) and what their carriers count as (`errored`).
    let attribute: String
    let countedAs: String
    /// What carries a value: `test`, or `step or hook` (Cucumber's statuses belong to steps).
    let carrier: (one: String, many: String)
    private var named: [(value: [UInt8], count: Int)] = []
    private var others = 0
    /// Carriers without the attribute at all.
    private var missing = 0

    init(attribute: String, countedAs: String, carrier: (one: String, many: String) = ("test", "tests")) {
        self.attribute = attribute
        self.countedAs = countedAs
        self.carrier = carrier
    }

    mutating func add(_ value: UnsafeBufferPointer<UInt8>) {
        let kept = value.prefix(Self.maxValueBytes)
        if let index = named.firstIndex(where: { $0.value.elementsEqual(kept) }) {
            named[index].count += 1
        } else if named.count < Self.maxNamed {
            named.append((Array(kept), 1))
        } else {
            others += 1
        }
    }

    /// A carrier without the attribute (counted as `countedAs` too).
    mutating func addMissing() {
        missing += 1
    }

    /// One line a value (and one for the others), in the order they were met, then one for the carriers without
    /// a value; nil when there is none.
    func notes(format: String) -> [String]? {
        guard !named.isEmpty || missing > 0 else { return nil }
        var notes = named.map { value, count in
            // Shown as written, control characters replaced: a note is one line.
            let shown = String(decoding: value, as: UTF8.self).map { $0.isNewline || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true ? "\u{FFFD}" : $0 }
            return "\(count) \(count == 1 ? carrier.one : carrier.many) with \(attribute)=\"\(String(shown))\", which \(format) does not define: counted as \(countedAs)"
        }
        if others > 0 {
            notes.append("\(others) more \(others == 1 ? carrier.one : carrier.many) with other values of \(attribute) that \(format) does not define: counted as \(countedAs)")
        }
        if missing > 0 {
            notes.append("\(missing) \(missing == 1 ? carrier.one : carrier.many) without \(attribute): counted as \(countedAs)")
        }
        return notes
    }
}

/// The text a reader keeps from inside a test (a message, a stack trace, its output), a buffer a `Slot`: one element
/// at a time is captured (the text directly inside it, capped), into its slot's buffer, which keeps what it
/// collected until `removeAll()` (a slot's elements met twice add up, within the one cap).
struct TextCapture<Slot: RawRepresentable & CaseIterable> where Slot.RawValue == Int {
    private var buffers: [[UInt8]] = Array(repeating: [], count: Slot.allCases.count)
    /// The slot being captured (its raw value), -1 when none is.
    private var active = -1
    private var depth = -1
    private var limit = 0

    var isActive: Bool { active >= 0 }

    /// What the slot's elements held.
    subscript(slot: Slot) -> [UInt8] { buffers[slot.rawValue] }

    /// Starts capturing the element at `depth` into `slot`, keeping at most `limit` bytes in it (a little more: the
    /// cap on the finished text decides where it is cut).
    mutating func start(_ slot: Slot, depth: Int, limit: Int) {
        active = slot.rawValue
        self.depth = depth
        self.limit = limit + 4
    }

    /// Hands the parser's current text to the slot being captured, if it is directly inside the captured element.
    @inline(__always)
    mutating func text(depth: Int, parser: XMLPushParser) {
        if active >= 0, depth == self.depth + 1 { parser.appendText(to: &buffers[active], limit: limit) }
    }

    /// The slot whose element ends at `depth`, if it is the one captured (the capture stops).
    mutating func end(depth: Int) -> Slot? {
        guard active >= 0, depth == self.depth else { return nil }
        defer { active = -1 }
        return Slot(rawValue: active)
    }

    mutating func append(_ byte: UInt8, to slot: Slot) {
        buffers[slot.rawValue].append(byte)
    }

    mutating func removeAll(_ slot: Slot) {
        buffers[slot.rawValue].removeAll(keepingCapacity: true)
    }

    /// Empties every slot (keeping the buffers' capacity: a test after a test allocates nothing).
    mutating func removeAll() {
        for index in buffers.indices where !buffers[index].isEmpty { buffers[index].removeAll(keepingCapacity: true) }
    }
}

/// Attribute values compared with known words, ASCII case-insensitively.
struct ValueTable<Value: Sendable>: Sendable {
    private let entries: [([UInt8], Value)]

    init(_ pairs: [(String, Value)]) {
        entries = pairs.map { (Array($0.0.lowercased().utf8), $0.1) }
    }

    func match(_ bytes: UnsafeBufferPointer<UInt8>) -> Value? {
        for (word, value) in entries where word.count == bytes.count {
            var equal = true
            for index in 0..<word.count {
                var byte = bytes[index]
                if byte >= 0x41, byte <= 0x5A { byte |= 0x20 }
                if byte != word[index] {
                    equal = false
                    break
                }
            }
            if equal { return value }
        }
        return nil
    }

    /// The value in `slot` of `attributes`, matched; nil when absent or unknown.
    func match(_ attributes: borrowing XMLAttributeValues, _ slot: Int) -> Value? {
        attributes.withBytes(slot) { match($0) }
    }
}
