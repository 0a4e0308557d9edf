import CPCRE2

/// A rule's pattern, compiled by PCRE2 (JIT when the machine has it) in the dialect `Docs/rules.md` describes:
/// UTF-8 with Unicode classes (`\w`, `\d`, `\b`, `(?i)` as in ICU, which NSRegularExpression was), `^` and `$`
/// at every line end, and any Unicode newline as a line end (so `.` stops at `\r`, as it did).
public final class Pattern: @unchecked Sendable {
    /// The pattern as the rule file wrote it.
    public let source: String
    /// Capturing groups in the pattern.
    public let captureCount: Int
    // Immutable after init and only read by `pcre2_match` (which PCRE2 documents as thread-safe for a shared
    // compiled pattern): hence @unchecked Sendable.
    fileprivate let code: OpaquePointer

    /// Backtracking steps a pattern may take on one line (or window) before it is abandoned: the per-line limit,
    /// counted in steps rather than milliseconds so that the outcome does not depend on the machine's load.
    /// About 10 to 50 ms of matching on today's machines.
    public static let stepLimit: UInt32 = 5_000_000

    /// Why `source` cannot be compiled: PCRE2's message and the offset it names.
    public struct CompileError: Error {
        public var message: String
        public var offset: Int
    }

    public init(_ source: String) throws(CompileError) {
        self.source = source
        let context = pcre2_compile_context_create_8(nil)
        defer { pcre2_compile_context_free_8(context) }
        pcre2_set_newline_8(context, UInt32(PCRE2_NEWLINE_ANY))
        var errorCode: Int32 = 0
        var errorOffset = 0
        let options = PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE | PCRE2_NEVER_BACKSLASH_C
        let compiled = source.utf8.withContiguousStorageIfAvailable { bytes in
            pcre2_compile_8(bytes.baseAddress, bytes.count, options, &errorCode, &errorOffset, context)
        } ?? Array(source.utf8).withUnsafeBufferPointer { bytes in
            pcre2_compile_8(bytes.baseAddress, bytes.count, options, &errorCode, &errorOffset, context)
        }
        guard let compiled else {
            var buffer = [UInt8](repeating: 0, count: 256)
            let length = pcre2_get_error_message_8(errorCode, &buffer, buffer.count)
            throw CompileError(message: length > 0 ? String(decoding: buffer.prefix(Int(length)), as: UTF8.self) : "error \(errorCode)", offset: errorOffset)
        }
        code = compiled
        // No JIT (an unsupported machine, or a pattern the JIT refuses): the interpreter gives the same answers.
        _ = pcre2_jit_compile_8(code, PCRE2_JIT_COMPLETE)
        var count: UInt32 = 0
        pcre2_pattern_info_8(code, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
        captureCount = Int(count)
    }

    deinit { pcre2_code_free_8(code) }
}

/// The outcome of one pattern on one subject.
enum PatternResult {
    case noMatch
    /// The match and the groups, each as its byte range in the subject (nil: the group did not take part), up to 9.
    case match([Range<Int>?])
    /// The step limit (or PCRE2's memory limits) ran out before an answer.
    case outOfTime
}

/// The per-thread state PCRE2 needs to match: one match block sized for the largest pattern, and the limits.
final class PatternMatcher {
    private let matchData: OpaquePointer
    private let context: OpaquePointer
    private let unset = buildtriage_pcre2_unset()

    init() {
        // Ten pairs: the match and groups 1 to 9, all a message can name.
        matchData = pcre2_match_data_create_8(10, nil)
        context = pcre2_match_context_create_8(nil)
        pcre2_set_match_limit_8(context, Pattern.stepLimit)
        pcre2_set_depth_limit_8(context, Pattern.stepLimit)
        pcre2_set_heap_limit_8(context, 64 * 1024)  // KiB
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
    }

    /// `pattern` on `subject` (valid UTF-8: the log reader guarantees it, so PCRE2 does not check it again).
    func match(_ pattern: Pattern, _ subject: UnsafeRawBufferPointer) -> PatternResult {
        var empty: UInt8 = 0
        let status = withUnsafePointer(to: &empty) { empty in
            pcre2_match_8(
                pattern.code, subject.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? empty, subject.count, 0, PCRE2_NO_UTF_CHECK, matchData, context)
        }
        if status == PCRE2_ERROR_NOMATCH { return .noMatch }
        if status < 0 { return .outOfTime }
        let ovector = pcre2_get_ovector_pointer_8(matchData)!
        let groups = min(pattern.captureCount, 9)
        var ranges: [Range<Int>?] = []
        ranges.reserveCapacity(groups + 1)
        for index in 0...groups {
            let start = ovector[2 * index]
            let end = ovector[2 * index + 1]
            // A group past the highest one set (`status` counts up to it) is unset too.
            ranges.append(start == unset || index >= Int(status) || end < start ? nil : start..<end)
        }
        return .match(ranges)
    }
}
