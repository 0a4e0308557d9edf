// libFuzzer target: the CodeBuild log reader and the knowledge base's matcher. Build and run with
// `Fuzz/fuzz.sh log SECONDS`.
//
// 1. The input's bytes as a log: `BuildLogReader.read` on them decoded as UTF-8 (lossily), and `Ingestor.read`
//    streaming them by the built-in rules (Vectorscan and PCRE2) — nothing may crash or hang.
// 2. Random rules over a random log: the first 8 bytes seed the rules (patterns from a small grammar, literals,
//    `lines:` windows, messages with groups); the rest, mapped onto a small alphabet (letters, digits, spaces,
//    `\r`, `\n`, ANSI escapes, a few non-ASCII letters), is the log. The streamed matches must be those of the old
//    NSRegularExpression matcher (`OldMatcher`, compiled in from the tests) wherever it finished in time.
import BuildTriageAnalyzers
import BuildTriageCore
import BuildTriageIngest
import Foundation

let builtInMatcher = RuleSet.builtIn().matcher()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLog(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let buffer = UnsafeRawBufferPointer(start: data, count: size)
    let text = String(decoding: buffer, as: UTF8.self)
    let log = BuildLogReader.read(text)
    if let kept = log.text {
        for number in stride(from: 1, through: log.lineCount, by: 1) { _ = kept.line(number) }
    }
    _ = Ingestor.read(data: Data(buffer), path: "fuzz.log", logs: Ingestor.LogReading(matcher: builtInMatcher, keepText: false))
    compareWithTheOldMatcher(buffer)
    return 0
}

/// SplitMix64: the rules drawn from the input's first bytes.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let words = ["error", "Err", "time", "out", "a", "ab", "é", "É", "x1", "9", " "]
let logAlphabet: [String] = [
    "error", "ERROR", "Err", "time", "out", "timeout", "a", "b", "ab", "é", "É", "ü", "x1", "9", "42", " ", " ", "  ", "\t", "\r", "\n", "\n",
    "\n", "\u{1B}[31m", "\u{1B}[0m", "-", ":", ".", "_", "(", ")", "[Container] 2024/01/15 10:00:00.1 Running command make\n",
]

/// A pattern from a small grammar that NSRegularExpression (ICU) and PCRE2 read alike.
func atom(_ random: inout SplitMix, depth: Int) -> String {
    switch Int.random(in: 0..<12, using: &random) {
    case 0, 1, 2: return NSRegularExpression.escapedPattern(for: words.randomElement(using: &random)!)
    case 3: return ["\\d", "\\w", "\\s", "\\b", "."].randomElement(using: &random)!
    case 4: return ["[a-e]", "[^ ]", "[0-9xX]", "[éÉ]"].randomElement(using: &random)!
    case 5: return ["^", "$"].randomElement(using: &random)!
    case 6 where depth < 2: return "(" + sequence(&random, depth: depth + 1) + ")"
    case 7 where depth < 2: return "(" + sequence(&random, depth: depth + 1) + "|" + sequence(&random, depth: depth + 1) + ")"
    case 8 where depth < 2: return "(?:" + sequence(&random, depth: depth + 1) + ")"
    default: return NSRegularExpression.escapedPattern(for: words.randomElement(using: &random)!)
    }
}

func sequence(_ random: inout SplitMix, depth: Int) -> String {
    (0..<Int.random(in: 1...3, using: &random)).map { _ in
        let piece = atom(&random, depth: depth)
        // Quantifiers on single atoms only: a repeated group is refused as a nested quantifier anyway.
        guard !piece.hasPrefix("("), piece != "^", piece != "$", piece != "\\b" else { return piece }
        return piece + ["", "", "", "?", "*", "+", "{1,3}"].randomElement(using: &random)!
    }.joined()
}

func yamlQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

func compareWithTheOldMatcher(_ buffer: UnsafeRawBufferPointer) {
    guard buffer.count >= 8 else { return }
    var random = SplitMix(state: buffer.prefix(8).reduce(0) { $0 << 8 | UInt64($1) })
    var yaml = "rules:\n"
    for index in 0..<Int.random(in: 1...3, using: &random) {
        let patterns = (0..<Int.random(in: 1...2, using: &random)).map { _ in
            (Bool.random(using: &random) ? "(?i)" : "") + sequence(&random, depth: 0)
        }
        yaml += "  - id: r\(index)\n    category: infrastructure\n    message: \(yamlQuoted("found $1 in $0"))\n"
        yaml += "    patterns: [\(patterns.map(yamlQuoted).joined(separator: ", "))]\n"
        if Int.random(in: 0..<3, using: &random) == 0 { yaml += "    lines: \(Int.random(in: 2...3, using: &random))\n" }
        if Bool.random(using: &random) {
            let literals = (0..<Int.random(in: 1...2, using: &random)).map { _ in words.randomElement(using: &random)!.lowercased() }
            yaml += "    contains: [\(literals.filter { $0 != " " }.map(yamlQuoted).joined(separator: ", "))]\n"
        }
    }
    guard let rules = try? RuleSet(yaml: yaml, path: "fuzz.yml") else { return }
    var text = "[Container] 2024/01/15 10:00:00.1 Entering phase BUILD\n"
    for byte in buffer.dropFirst(8) { text += logAlphabet[Int(byte) % logAlphabet.count] }
    let outcome = Ingestor.read(data: Data(text.utf8), path: "fuzz.log", logs: Ingestor.LogReading(matcher: rules.matcher(), keepText: false))
    guard case .buildLog(let log)? = outcome.document, let expected = OldMatcher.matches(rules.rules, in: text) else { return }
    let found = log.matches?.hits ?? []
    if found != expected {
        fatalError("the new matcher differs from the old one\nrules:\n\(yaml)\nlog: \(text.debugDescription)\nnew: \(found)\nold: \(expected)")
    }
}
