/// Why no retry command can be emitted for a target: each reason is one `blockedBy` entry of a
/// recommendation. Values are shown quoted and escaped, never with raw control characters.
public struct RetryValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Whether the target has no AWS command at all, or has one that the values make impossible.
    public enum Kind: String, Hashable, Sendable {
        /// A `job` target: evidence that belongs to no AWS resource; the remedy is to rerun the CI job.
        case noAWSTarget
        /// A value the API (or the aws CLI) would reject or misread; a blocker.
        case invalidValue
    }

    /// What went wrong.
    public var kind: Kind
    /// One human-readable reason per problem, in a stable order (target fields first, then options).
    public var reasons: [String]

    /// An error with the given reasons.
    public init(_ kind: Kind, reasons: [String]) {
        self.kind = kind
        self.reasons = reasons
    }

    /// All reasons as one line.
    public var reason: String { reasons.joined(separator: "; ") }

    /// Same as `reason`.
    public var description: String { reason }
}

/// Display helpers for values quoted in reasons (and in `collect`'s messages).
public enum Display {
    /// `value` in single quotes, with `\`, `'`, control, format and separator characters escaped
    /// (`\n`, `\t`, `\u{202E}`...), and cut after `limit` scalars.
    public static func quoted(_ value: String, limit: Int = 80) -> String {
        var out = "'"
        var count = 0
        for scalar in value.unicodeScalars {
            if count == limit {
                out += "…"
                break
            }
            count += 1
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case " ": out += " "
            default:
                if needsEscape(scalar) {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "'"
        if count == limit, value.unicodeScalars.count > limit {
            out += " (\(value.unicodeScalars.count) characters)"
        }
        return out
    }

    /// Control, format, separator, private-use, surrogate and unassigned scalars (the space excepted).
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator, .privateUse, .surrogate,
            .unassigned:
            true
        default:
            false
        }
    }
}
