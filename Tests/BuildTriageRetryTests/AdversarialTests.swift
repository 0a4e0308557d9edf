import BuildTriageCore
import BuildTriageRetry
import Foundation
import Testing

private let executionId = "3137f7cb-7cf7-4a4b-9b8e-1234567890ab"

/// Hostile names and ids: invalid ones must yield no command; valid ones must reach `aws` exactly as meant,
/// through `sh`, and run nothing else.
@Suite("Adversarial values")
struct AdversarialTests {
    /// Each contains `MARK`, replaced by a path that must never be created.
    static let hostileNames: [String] = [
        "$(touch MARK)", "`touch MARK`", "a;touch MARK", "a|touch MARK", "a&&touch MARK", "x'; touch MARK; '",
        "x\"; touch MARK; \"", "a\ntouch MARK", "Deploy Prod MARK", "../MARK", "MARK/../x", "Déploy-MARK",
        "MARK\u{202E}", "MARK\u{0}", "$HOME-MARK", "MARK*", "MARK>x", "~MARK", "MARK\u{00A0}",
        String(repeating: "M", count: 101), "",
    ]

    @Test("invalid pipeline names, stage names and execution ids give no command", arguments: hostileNames)
    func invalidStageValues(name: String) {
        let value = name.replacingOccurrences(of: "MARK", with: "/tmp/pwned")
        let targets: [Target] = [
            .stage(pipeline: value, stage: "Deploy", execution: executionId),
            .stage(pipeline: "Pipeline", stage: value, execution: executionId),
            .stage(pipeline: "Pipeline", stage: "Deploy", execution: value),
        ]
        for target in targets {
            guard case .failure(let error) = RetryCommandBuilder.command(for: target, options: RetryOptions()) else {
                Issue.record("a command was built for \(target)")
                continue
            }
            #expect(error.kind == .invalidValue)
            #expect(!error.reason.unicodeScalars.contains { $0.properties.generalCategory == .control })
        }
    }

    @Test("ids with white space, control characters or placeholders give no command")
    func invalidIds() {
        for id in ["$(touch /tmp/pwned)", "p:a\nb", "p:a b", "p:\u{0}", "<project-name>:<batch-ID>", "file:///etc/passwd"] {
            for target in [Target.batch(id), Target.build(id)] {
                if case .success(let command) = RetryCommandBuilder.command(for: target, options: RetryOptions()) {
                    Issue.record("a command was built: \(command.argv)")
                }
            }
        }
    }

    /// Valid build ids full of shell syntax (build ids are `NonEmptyString`), and valid names that start with
    /// a dash.
    static let validTargets: [Target] = [
        .build("proj:abc$(touch${IFS}MARK)"), .build("proj:`touch${IFS}MARK`"), .batch("proj:a;touch${IFS}MARK;b"),
        .batch("proj:'q'\"dq\"\\"), .build("proj:../../MARK"), .build("proj:ünï-códe-🙂"), .build("-proj:x"),
        .batch("proj:$HOME*?[a]~{a,b}#!"), .build("proj:a|b&c^MARK"),
        .stage(pipeline: "-pipe", stage: "@stage.1_-", execution: executionId),
        .stage(pipeline: String(repeating: "P", count: 100), stage: "..", execution: executionId),
    ]

    @Test("valid but odd values reach aws exactly as intended through sh", arguments: validTargets)
    func throughTheShell(target: Target) throws {
        let fake = try FakeAWS()
        defer { fake.directory.cleanUp() }
        let mark = fake.directory.url.appendingPathComponent("pwned").path
        var target = target
        target.id = target.id.replacingOccurrences(of: "MARK", with: mark)
        let options = RetryOptions(region: "us-east-1", profile: "-dash", idempotencyToken: "-tok", endpointURL: "http://127.0.0.1:9/$x")
        let command = try RetryCommandBuilder.command(for: target, options: options).get()

        let result = Shell.run(command.shellLine, environment: fake.environment, directory: fake.directory.url)
        #expect(result.succeeded, "\(result.stderr)")
        #expect(try fake.recordedArguments() == Array(command.argv.dropFirst()))
        #expect(!FileManager.default.fileExists(atPath: mark))

        // The --cli-input-json form, with a hostile file path.
        let path = fake.directory.url.appendingPathComponent("in $(touch \(mark)) 'q'.json").path
        let fileLine = command.cliInputJsonShellLine(filePath: path)
        let fileResult = Shell.run(fileLine, environment: fake.environment, directory: fake.directory.url)
        #expect(fileResult.succeeded, "\(fileResult.stderr)")
        #expect(try fake.recordedArguments() == Array(command.cliInputJsonArgv(filePath: path).dropFirst()))
        #expect(!FileManager.default.fileExists(atPath: mark))
    }
}
