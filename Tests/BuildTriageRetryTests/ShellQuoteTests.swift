import BuildTriageRetry
import BuildTriageTestSupport
import Foundation
import Testing

/// Strings a shell would love to interpret.
let hostileStrings: [String] = [
    "", " ", "plain", "two words", "it's", "'", "''", "\"", "\\", "\\'", "$HOME", "${HOME}", "$(touch pwned)",
    "`touch pwned`", "a;b", "a|b", "a&b", "a&&b", "a>b", "a<b", "*", "?", "[a]", "~", "~root", "#comment", "!",
    "!!", "a\nb", "a\tb", "\r", "-n", "--", "-e", "%s", "\\0", "x=y", "{a,b}", "ü", "日本語", "🙂", "e\u{301}",
    "'\u{301}", "\u{202E}rtl", "a\u{1B}[31mred", "../../etc/passwd", "$'\\x41'", "\"$(id)\"", "'$(id)'",
    String(repeating: "'", count: 50), "trailing\\", "a\u{7F}b",
]

@Suite("Shell quoting")
struct ShellQuoteTests {
    @Test("safe words stay bare, everything else is single-quoted")
    func quoting() {
        #expect(ShellQuote.quote("abc-DEF_0.9/x:y,z@w%v+u=t") == "abc-DEF_0.9/x:y,z@w%v+u=t")
        #expect(ShellQuote.quote("") == "''")
        #expect(ShellQuote.quote("a b") == "'a b'")
        #expect(ShellQuote.quote("it's") == "'it'\\''s'")
        #expect(ShellQuote.quote("$(x)") == "'$(x)'")
        #expect(ShellQuote.quote("~") == "'~'")
        #expect(ShellQuote.quote("ü") == "'ü'")
        // A quote followed by a combining mark is one Character but still a quote to sh.
        #expect(ShellQuote.quote("'\u{301}") == "''\\''\u{301}'")
        #expect(ShellQuote.line(["aws", "a b", ""]) == "aws 'a b' ''")
    }

    @Test("sh parses every quoted line back into exactly the same argv", arguments: ["/bin/sh", "/bin/bash", "/usr/bin/dash"])
    func roundTrip(shell: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: shell), "\(shell) is missing")
        let directory = try ScratchDirectory("quote")
        defer { directory.cleanUp() }
        let line = ShellQuote.line(["printf", "%s\\0"] + hostileStrings)
        let result = Shell.run(line, shell: shell, environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path], directory: directory.url)
        #expect(result.succeeded, "\(result.stderr)")
        #expect(Shell.nulFields(result.stdout) == hostileStrings)
        #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("pwned").path))
    }
}
