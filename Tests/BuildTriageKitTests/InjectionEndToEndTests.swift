import BuildTriageKit
import BuildTriageTestSupport
import Foundation
import Testing

/// Hostile values that come from INPUT FILES (a CodeBuild response, a JUnit report, a build log and a file name),
/// through `Triage.run` into every sink: shell lines, `--cli-input-json` files and their names, Markdown, HTML,
/// GitHub workflow commands, text. (`InjectionTests` checks the reporters on a hand-made report; this checks
/// that nothing on the way from a file undoes it.)
@Suite("Injection from input files")
struct InjectionEndToEndTests {
    /// Runs the pipeline over hostile inputs in a fresh directory; `MARK` in them is a path that must never be
    /// created.
    struct Run {
        let scratch: ScratchDirectory
        let mark: String
        let buildID: String
        let report: TriageReport
        let outputs: [OutputFormat: String]

        init() throws {
            scratch = try ScratchDirectory("injection")
            mark = scratch.url.appendingPathComponent("pwned").path
            // A valid build id (no white space; no `<`/`>`, which would make it a placeholder and block the retry)
            // full of syntax for every sink. `<script>` comes in through the messages, test names and a file name.
            buildID = "payments-api:$(touch${IFS}\(mark))`touch${IFS}\(mark)`;touch${IFS}\(mark)&x](javascript:alert(1))%0A::error::pwned/../../etc"
            let message = "<script>alert(1)</script>\n::error::injected\r\n](javascript:alert(1)) %0A::warning::x $(touch \(mark)) ../../etc/passwd `touch \(mark)` \u{1B}]8;;http://x\u{07}"
            func jsonString(_ text: String) -> String {
                String(decoding: try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes]).dropFirst().dropLast(), as: UTF8.self)
            }
            var builds = String(decoding: try Place.sample("infrastructure-fault-build/input/batch-get-builds.json"), as: UTF8.self)
            builds = builds.replacingOccurrences(of: "\"payments-api:2c9b7d3e-41f0-4a8e-b6d2-7e5f1a0c3d94\"", with: jsonString(buildID))
            builds = builds.replacingOccurrences(of: "\"Unable to pull customer's container image: toomanyrequests: Rate exceeded\"",
                                                 with: jsonString("Unable to pull customer's container image: toomanyrequests: Rate exceeded " + message))
            try scratch.write(Data(builds.utf8), to: "builds.json")

            func xml(_ text: String) -> String {
                text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                    .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "\n", with: "&#10;")
                    .replacingOccurrences(of: "\r", with: "&#13;").replacingOccurrences(of: "\u{1B}", with: "").replacingOccurrences(of: "\u{07}", with: "")
            }
            let junit = """
                <testsuite name="\(xml("suite<img src=x onerror=alert(1)>"))">
                <testcase classname="\(xml("](javascript:alert(1))"))" name="\(xml("<script>alert(1)</script>%0A::error::t"))">
                <flakyFailure message="\(xml(message))" type="\(xml("<img src=x onerror=alert(1)>"))">\(xml(message))</flakyFailure></testcase>
                </testsuite>
                """
            // A flaky test (failed, then passed): reported, and it does not turn the build's retry into a fix.
            try scratch.write(Data(junit.utf8), to: "junit.xml")

            let log = """
                [Container] 2026/11/20 14:02:00.000 Entering phase BUILD
                [Container] 2026/11/20 14:02:00.001 Running command $(touch \(mark)) <script>alert(1)</script> ](javascript:alert(1)) %0A::error::cmd
                \(message)
                [Container] 2026/11/20 14:02:09.000 Command did not exit successfully $(touch \(mark)) <script>alert(1)</script> ](javascript:alert(1)) %0A::error::cmd exit status 1
                [Container] 2026/11/20 14:02:09.001 Phase complete: BUILD State: FAILED
                [Container] 2026/11/20 14:02:09.002 Phase context status code: COMMAND_EXECUTION_ERROR Message: \(message.replacingOccurrences(of: "\n", with: " "))
                """
            try scratch.write(Data(log.utf8), to: "codebuild.log")
            // An unreadable input whose file name is hostile: its path reaches every report as a diagnostic.
            try scratch.write(Data([0x7F, 0x45, 0x4C, 0x46, 0, 0, 0]), to: "<img src=x onerror=alert(1)>](javascript:alert(1))%0A::error::name\n::error::nl$(touch${IFS}x).json")

            report = Triage.run(paths: [scratch.path])
            outputs = renderAll(report)
        }
    }

    @Test("the hostile values reach the report (so the checks below mean something)")
    func valuesReachTheReport() throws {
        let run = try Run()
        defer { run.scratch.cleanUp() }
        #expect(run.report.inputs.count == 4)
        let everything = String(decoding: try JSONEncoder().encode(run.report), as: UTF8.self)
        #expect(everything.contains("<script>alert(1)<\\/script>"))
        #expect(everything.contains("](javascript:alert(1))"))
        #expect(everything.contains("%0A::error::"))
        #expect(run.report.recommendations.contains { $0.target.id == run.buildID && $0.action == .retry })
        #expect(run.report.inputs.contains { $0.status == .error && $0.path.contains("<img") })
    }

    @Test("shell: the retry line runs aws with the id as one argument, and nothing else")
    func shell() throws {
        let run = try Run()
        defer { run.scratch.cleanUp() }
        let retry = try #require(run.report.recommendations.first { $0.target.id == run.buildID })
        let line = try #require(retry.shell)
        let argv = try #require(retry.command)
        let fake = try FakeAWS(in: run.scratch)
        #expect(fake.run(line) == 0)
        #expect(try fake.recordedArguments() == Array(argv.dropFirst()))
        #expect(!FileManager.default.fileExists(atPath: run.mark))
    }

    @Test("--cli-input-json: file names stay plain and inside the directory; the line runs nothing else")
    func cliInputJSONFiles() throws {
        let run = try Run()
        defer { run.scratch.cleanUp() }
        let directory = run.scratch.url.appendingPathComponent("cli-input")
        let commands = run.report.recommendations.filter { $0.action == .retry }.compactMap {
            try? RetryCommandBuilder.command(for: $0.target, options: RetryOptions()).get()
        }
        #expect(!commands.isEmpty)
        let files = try CLIInputFileWriter.write(commands: commands, to: directory)
        let listed = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(Set(listed) == Set(files.map(\.lastPathComponent)))
        for file in files {
            let name = file.lastPathComponent
            #expect(name.unicodeScalars.allSatisfy { "A"..."Z" ~= $0 || "a"..."z" ~= $0 || "0"..."9" ~= $0 || $0 == "." || $0 == "_" || $0 == "-" }, "\(name)")
            #expect(!name.hasPrefix(".") && !name.contains(".."), "\(name)")
            #expect(file.deletingLastPathComponent().standardizedFileURL.path == directory.resolvingSymlinksInPath().standardizedFileURL.path)
            // The file holds the id as data.
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: String]
            #expect(object?["id"] == run.buildID)
        }
        let fake = try FakeAWS(in: run.scratch)
        for (command, file) in zip(commands, files) {
            #expect(fake.run(command.cliInputJsonShellLine(filePath: file.path)) == 0)
            #expect(try fake.recordedArguments() == Array(command.cliInputJsonArgv(filePath: file.path).dropFirst()))
        }
        #expect(!FileManager.default.fileExists(atPath: run.mark))
        // Nothing was written outside the scratch directory's own files.
        #expect(!FileManager.default.fileExists(atPath: run.scratch.url.deletingLastPathComponent().appendingPathComponent("etc").path))
    }

    @Test("HTML: no element, attribute or link from the input")
    func html() throws {
        let run = try Run()
        defer { run.scratch.cleanUp() }
        let html = try #require(run.outputs[.html])
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("href="))
        #expect(!html.contains("\u{1B}") && !html.contains("\u{07}"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("default-src 'none'"))
    }

    @Test("Markdown: no link, tag or line start from the input outside code fences")
    func markdown() throws {
        let run = try Run()
        defer { run.scratch.cleanUp() }
        let markdown = try #require(run.outputs[.markdown])
        let (outside, _, unclosed) = markdownFences(markdown)
        #expect(!unclosed, "a fence was left open")
        let text = outside.joined(separator: "\n")
        #expect(!text.contains("]("))
        #expect(!text.contains("<script") && !text.contains("<img"))
        let tags = Set(text.matches(of: /<\/?([a-zA-Z]+)/).map { String($0.output.1) })
        #expect(tags.isSubset(of: ["details", "summary", "br"]), "\(tags)")
        for line in outside { #expect(!line.hasPrefix("::") && !line.hasPrefix("](") && !line.hasPrefix("\r"), "\(line)") }
        #expect(!markdown.contains("\r") && !markdown.contains("\u{1B}"))
    }

    @Test("GitHub: every line is one of the reporter's workflow commands; input newlines and %0A stay data")
    func github() throws {
        let run = try Run()
        defer { run.scratch.cleanUp() }
        let output = try #require(run.outputs[.github])
        #expect(!output.contains("\r"))
        let command = /^::(error|warning|notice)( ([a-z]+=[^,:]*)(,[a-z]+=[^,:]*)*)?::(.*)$/
        for line in output.split(separator: "\n") {
            #expect((try? command.wholeMatch(in: String(line))) != nil, "not a workflow command: \(line)")
        }
        #expect(output.contains("%250A::error::"))
        #expect(!output.contains("\n::error::injected"))
        #expect(!output.contains("\n::error::nl"))
    }

    @Test("text: no control characters but line breaks")
    func text() throws {
        let run = try Run()
        defer { run.scratch.cleanUp() }
        let text = try #require(run.outputs[.text])
        #expect(!text.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\n" })
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("::error::") })
    }
}

/// A fake `aws` on PATH that records its arguments, NUL-separated.
struct FakeAWS {
    let directory: URL
    let log: URL

    init(in scratch: ScratchDirectory) throws {
        directory = scratch.url.appendingPathComponent("fake-bin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        log = directory.appendingPathComponent("argv.log")
        try writeExecutable(
            "#!/bin/sh\n: > \"$ARGV_LOG\"\nfor a in \"$@\"; do printf '%s\\0' \"$a\" >> \"$ARGV_LOG\"; done\n",
            to: directory.appendingPathComponent("aws").path)
    }

    /// Runs `sh -c line` with only the fake and the system directories on PATH; returns the exit status.
    func run(_ line: String) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", line]
        process.environment = ["PATH": "\(directory.path):/usr/bin:/bin", "ARGV_LOG": log.path, "HOME": directory.path]
        process.currentDirectoryURL = directory
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func recordedArguments() throws -> [String] {
        var fields = try String(contentsOf: log, encoding: .utf8).split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
        if fields.last == "" { fields.removeLast() }
        return fields
    }
}
