/// Escaping of input-derived values for each sink. Every value that comes from an input goes through one
/// of these before it reaches the output.
package enum Escape {
    /// For a terminal: a tab becomes a space; other control characters (ESC sequences included), C1
    /// controls and bidirectional overrides become `�`, so an input cannot move the cursor, recolour or reorder the output.
    package static func terminal(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafeForTerminal) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(scalar == "\t" ? " " : isUnsafeForTerminal(scalar) ? "\u{FFFD}" : scalar)
        }
        return String(result)
    }

    private static func isUnsafeForTerminal(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// For HTML text and attribute values: `&<>"'` as entities; NUL and other C0 controls (except tab
    /// and line breaks) become `�`.
    package static func html(_ text: String) -> String {
        // Text with nothing to escape (the common case) is returned as it is. Bytes of multi-byte scalars are all
        // 0x80 or more, and such scalars are kept as they are, so a byte test is exact.
        if text.utf8.allSatisfy({ byte in
            byte >= 0x20 ? byte != 0x26 && byte != 0x3C && byte != 0x3E && byte != 0x22 && byte != 0x27 && byte != 0x7F
                : byte == 0x09 || byte == 0x0A || byte == 0x0D
        }) {
            return text
        }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// For Markdown text, table cells and the HTML of `<summary>` alike: one line (breaks → spaces), and
    /// every character Markdown or HTML gives a meaning to as a numeric entity, so a value cannot open a
    /// link, an image, emphasis, code, a table cell or a tag. Entities are decoded in text and in raw HTML
    /// blocks, so the same escaping holds inside and outside `<details>`.
    package static func markdown(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            let replacement: String? =
                switch scalar {
                case "&": "&amp;"
                case "<": "&lt;"
                case ">": "&gt;"
                case "\\": "&#92;"
                case "`": "&#96;"
                case "*": "&#42;"
                case "_": "&#95;"
                case "[": "&#91;"
                case "]": "&#93;"
                case "(": "&#40;"
                case ")": "&#41;"
                case "#": "&#35;"
                case "|": "&#124;"
                case "~": "&#126;"
                case "!": "&#33;"
                case "$": "&#36;"
                default: nil
                }
            if let replacement {
                result += replacement
                lastWasSpace = false
            } else if scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                // Line breaks, tabs and controls: one space, never a new Markdown line.
                if !lastWasSpace { result += " " }
                lastWasSpace = true
            } else {
                result.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        return result
    }

    /// The fence for a Markdown code block holding `content`: backticks, longer than any run inside.
    static func fence(for content: String) -> String {
        var longest = 0
        var run = 0
        for scalar in content.unicodeScalars {
            run = scalar == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        return String(repeating: "`", count: max(3, longest + 1))
    }

    /// For the message of a GitHub Actions workflow command: `%`, CR and LF encoded, so the value stays
    /// on the command's line; other control characters (NUL, ESC sequences), C1 controls and bidirectional
    /// overrides become `�`, as for a terminal (the runner's log is one), and a tab a space.
    static func githubData(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": result += "%25"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            case "\t": result += " "
            default: result.unicodeScalars.append(isUnsafeForTerminal(scalar) ? "\u{FFFD}" : scalar)
            }
        }
        return result
    }

    /// For a property value of a workflow command (`file=`, `title=`): the data escapes plus `:` and `,`,
    /// so a value can neither end the property list nor add a property.
    static func githubProperty(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in githubData(text).unicodeScalars {
            switch scalar {
            case ":": result += "%3A"
            case ",": result += "%2C"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
