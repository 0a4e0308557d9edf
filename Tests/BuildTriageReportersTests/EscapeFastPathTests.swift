import BuildTriageCore
import Testing

@testable import BuildTriageReporters

/// `Escape.html` and `Describe.oneLine` return text that needs no change as it is; these check that the
/// shortcut and the scalar-by-scalar loop agree on text with and without anything to change.
@Suite struct EscapeFastPathTests {
    static let samples = [
        "", "plain text", "a & b", "<tag>", "\"quoted\"", "it's", "tab\there", "line\nbreak", "cr\rlf", "bell\u{07}", "del\u{7F}",
        "é ü 漢字 😀", "漢字 & <b>", "nel\u{85}x", "ls\u{2028}ps\u{2029}", "vt\u{0B}ff\u{0C}", "  spaces  ", "e\u{301}", "\u{1F}",
        String(repeating: "long line without specials ", count: 100), String(repeating: "x\n", count: 700),
    ]

    /// The loop `Escape.html` runs on text that has something to escape.
    static func referenceHTML(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            default: if scalar.value < 0x20 || scalar.value == 0x7F { result += "\u{FFFD}" } else { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }

    /// The loop `Describe.oneLine` runs on text that has a line break or a tab.
    static func referenceOneLine(_ text: String, bytes: Int) -> String {
        var result = ""
        var lastWasSpace = false
        for scalar in text.capped(bytes: bytes).unicodeScalars {
            if ["\n", "\r", "\t", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) {
                if !lastWasSpace { result.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                result.unicodeScalars.append(scalar)
                lastWasSpace = scalar == " "
            }
        }
        return result
    }

    @Test func htmlMatchesTheScalarLoop() {
        for text in Self.samples {
            #expect(Escape.html(text) == Self.referenceHTML(text), "\(text.debugDescription)")
        }
    }

    @Test func oneLineMatchesTheScalarLoop() {
        for text in Self.samples {
            for bytes in [1000, 10, 3] {
                #expect(Describe.oneLine(text, bytes: bytes) == Self.referenceOneLine(text, bytes: bytes), "\(text.debugDescription) \(bytes)")
            }
        }
    }
}
