import BuildTriageKit
import Foundation
import Testing

/// Shell completions and the help text the manual page is generated from, as a user gets them.
@Suite struct CompletionAndHelpTests {
    static let shells = ["bash", "zsh", "fish"]

    @Test(arguments: shells)
    func completionScriptNamesTheSubcommandsAndOptions(_ shell: String) throws {
        let run = try Binary.run(["--generate-completion-script", shell], in: SamplesTests.packageRoot)
        #expect(run.status == 0, "\(String(decoding: run.stderr, as: UTF8.self))")
        let script = String(decoding: run.stdout, as: UTF8.self)
        // fish names options without their dashes (`-l 'format'`).
        let options = shell == "fish" ? ["'format'", "'retry-budget'"] : ["--format", "--retry-budget"]
        for word in ["analyze", "retry", "analyzers", "markdown"] + options {
            #expect(script.contains(word), "the \(shell) completion script does not mention \(word)")
        }
    }

    @Test func bashCompletionScriptParses() throws {
        let bash = URL(fileURLWithPath: "/bin/bash")
        guard FileManager.default.isExecutableFile(atPath: bash.path) else { return }
        let run = try Binary.run(["--generate-completion-script", "bash"], in: SamplesTests.packageRoot)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("buildtriage-completion-\(UUID().uuidString).bash")
        defer { try? FileManager.default.removeItem(at: file) }
        try run.stdout.write(to: file)
        let check = Process()
        check.executableURL = bash
        check.arguments = ["-n", file.path]
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
    }

    /// The root help (and so the manual page's DESCRIPTION) lists every exit code the tool can return.
    @Test func helpListsEveryExitCode() throws {
        let run = try Binary.run(["--help"], in: SamplesTests.packageRoot)
        #expect(run.status == 0)
        let lines = String(decoding: run.stdout, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for code in TriageExitCode.allCases {
            #expect(lines.contains { $0.hasPrefix("\(code.rawValue) ") }, "--help does not explain exit code \(code.rawValue)")
        }
        #expect(lines.contains("Examples:"))
    }
}
