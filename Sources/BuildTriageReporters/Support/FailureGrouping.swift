import BuildTriageCore

/// Findings of one category that say the same thing about different subjects, rendered as one entry.
struct FindingGroup: Sendable {
    /// At least one finding, in report order; the first one stands for the group.
    var members: [Finding]

    var representative: Finding { members[0] }
    var count: Int { members.count }
    var category: Category { members[0].category }

    /// Up to `limit` distinct subject ids after the representative's, in report order.
    func otherSubjects(limit: Int) -> [String] {
        var seen: Set<String> = [representative.subject.id]
        var result: [String] = []
        for member in members.dropFirst() where result.count < limit {
            if seen.insert(member.subject.id).inserted { result.append(member.subject.id) }
        }
        return result
    }
}

/// Collapses findings whose messages differ only in numbers, ids and their own subject, so that 5,000
/// identical failures become one entry with a count.
enum FailureGrouping {
    /// Bytes of a message considered when normalizing: longer messages are compared on their beginning.
    static let normalizedPrefixBytes = 4096

    /// Groups `findings` by category and normalized message; groups come in the order of their first member.
    static func group(_ findings: [Finding]) -> [FindingGroup] {
        var groups: [FindingGroup] = []
        var index: [Key: Int] = [:]
        for finding in findings {
            let key = key(finding)
            if let position = index[key] {
                groups[position].members.append(finding)
            } else {
                index[key] = groups.count
                groups.append(FindingGroup(members: [finding]))
            }
        }
        return groups
    }

    /// The message with the subject's id (and a test's own name) removed, UUIDs and hex ids → `#`, digit
    /// runs → `#`, white space collapsed.
    static func normalize(_ message: String, subject: Subject) -> String {
        var bytes = Array(message.utf8.prefix(normalizedPrefixBytes))
        bytes = removing(Array(subject.id.utf8), from: bytes)
        if subject.kind == .test, let dot = subject.id.utf8.lastIndex(of: UInt8(ascii: ".")) {
            let name = Array(subject.id.utf8[subject.id.utf8.index(after: dot)...])
            bytes = removing(name, from: bytes)
        }
        return String(decoding: masked(bytes), as: UTF8.self)
    }

    /// What look-alike findings share: the category and the normalized message.
    struct Key: Hashable {
        var category: Category
        var message: String
    }

    static func key(_ finding: Finding) -> Key {
        Key(category: finding.category, message: normalize(finding.message, subject: finding.subject))
    }

    /// `haystack` with every whole-word occurrence of `needle` (not inside a longer alphanumeric run)
    /// replaced by `<>`. Needles shorter than three bytes are left alone: they would match too much.
    private static func removing(_ needle: [UInt8], from haystack: [UInt8]) -> [UInt8] {
        guard needle.count >= 3, needle.count <= haystack.count else { return haystack }
        var result: [UInt8] = []
        result.reserveCapacity(haystack.count)
        var index = 0
        let last = haystack.count - needle.count
        while index < haystack.count {
            if index <= last, haystack[index] == needle[0], haystack[index..<index + needle.count].elementsEqual(needle),
                index == 0 || !isAlphanumeric(haystack[index - 1]) || !isAlphanumeric(needle[0]),
                index + needle.count == haystack.count || !isAlphanumeric(haystack[index + needle.count])
                    || !isAlphanumeric(needle[needle.count - 1])
            {
                result.append(contentsOf: [UInt8(ascii: "<"), UInt8(ascii: ">")])
                index += needle.count
            } else {
                result.append(haystack[index])
                index += 1
            }
        }
        return result
    }

    private static func masked(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        var pendingSpace = false
        func emit(_ byte: UInt8) {
            if pendingSpace, !result.isEmpty { result.append(UInt8(ascii: " ")) }
            pendingSpace = false
            result.append(byte)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if isSpace(byte) {
                pendingSpace = true
                index += 1
            } else if isAlphanumeric(byte) {
                var end = index
                while end < bytes.count, isAlphanumeric(bytes[end]) { end += 1 }
                if isUUID(bytes, at: index) {
                    emit(UInt8(ascii: "#"))
                    index += 36
                    continue
                }
                let token = bytes[index..<end]
                if isHexID(token) {
                    emit(UInt8(ascii: "#"))
                } else {
                    var inDigits = false
                    for byte in token {
                        if isDigit(byte) {
                            if !inDigits { emit(UInt8(ascii: "#")) }
                            inDigits = true
                        } else {
                            emit(byte)
                            inDigits = false
                        }
                    }
                }
                index = end
            } else {
                emit(byte)
                index += 1
            }
        }
        return result
    }

    /// A token of six or more hex digits with at least one digit (`3f2a9c1e`), or `0x…`.
    private static func isHexID(_ token: ArraySlice<UInt8>) -> Bool {
        if token.count > 2, token.first == UInt8(ascii: "0"), token[token.startIndex + 1] | 0x20 == UInt8(ascii: "x") {
            return token.dropFirst(2).allSatisfy(isHexDigit)
        }
        return token.count >= 6 && token.allSatisfy(isHexDigit) && token.contains(where: isDigit)
    }

    /// `8-4-4-4-12` hex digits starting at `start`, not followed by another alphanumeric.
    private static func isUUID(_ bytes: [UInt8], at start: Int) -> Bool {
        guard start + 36 <= bytes.count else { return false }
        for offset in 0..<36 {
            let byte = bytes[start + offset]
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return false }
            } else if !isHexDigit(byte) {
                return false
            }
        }
        return start + 36 == bytes.count || !isAlphanumeric(bytes[start + 36])
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || (9...13).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (48...57).contains(byte) }
    private static func isHexDigit(_ byte: UInt8) -> Bool { isDigit(byte) || (97...102).contains(byte | 0x20) }
    private static func isAlphanumeric(_ byte: UInt8) -> Bool { isDigit(byte) || (97...122).contains(byte | 0x20) }
}
