import Foundation
import Testing

/// The progress line (`reading N/M files` on standard error) is for a person at a terminal: never in a pipe,
/// never in CI, and shown on a terminal only when many files are read.
@Suite struct ProgressLineTests {
    static let fileCount = 60

    /// A directory of `fileCount` small JUnit reports (one failing test each), removed by the caller.
    static func manyReports() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("progress-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for index in 0..<fileCount {
            let xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="suite\(index)" tests="2" failures="1"><testcase classname="com.example.S\(index)" name="ok"/>\
                <testcase classname="com.example.S\(index)" name="fails"><failure message="expected 1 but was 2"/></testcase></testsuite>
                """
            try Data(xml.utf8).write(to: directory.appendingPathComponent("TEST-\(index).xml"))
        }
        return directory
    }

    @Test func absentWhenStandardErrorIsAPipe() throws {
        let directory = try Self.manyReports()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Not CI, a capable terminal type: only the pipe keeps the line away.
        let run = try Binary.run(["analyze", ".", "--format", "json"], in: directory, environment: ["TERM": "xterm-256color"], removing: ["CI"])
        #expect(run.status == 1)
        let stderr = String(decoding: run.stderr, as: UTF8.self)
        #expect(!stderr.contains("reading"), "progress on a pipe: \(stderr.debugDescription)")
        #expect(!stderr.contains("\u{1B}"), "escape sequences on a pipe: \(stderr.debugDescription)")
        let json = try #require(try JSONSerialization.jsonObject(with: run.stdout) as? [String: Any])
        #expect((json["inputs"] as? [Any])?.count == Self.fileCount)
    }

    /// `script` (util-linux) runs the CLI on a pseudo-terminal; what the terminal shows comes back on its
    /// standard output. Skipped where `script` is missing.
    static let script = ["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) }

    func onTerminal(_ arguments: [String], in directory: URL, environment: [String: String] = [:], removing: [String] = []) throws -> (Int32, String) {
        let command = ([Binary.url.path] + arguments).map(Self.quote).joined(separator: " ")
        let run = try Binary.run(
            ["-q", "-e", "-c", command, "/dev/null"], in: directory, executable: URL(fileURLWithPath: Self.script!),
            environment: environment, removing: removing)
        return (run.status, String(decoding: run.stdout, as: UTF8.self))
    }

    static func quote(_ argument: String) -> String { "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    @Test(.enabled(if: script != nil, "util-linux `script` is not installed"))
    func shownOnATerminalWhenManyFilesAreRead() throws {
        let directory = try Self.manyReports()
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = ["analyze", ".", "--format", "json", "--output", directory.appendingPathComponent("report.json").path]
        let (status, screen) = try onTerminal(arguments, in: directory, environment: ["TERM": "xterm-256color"], removing: ["CI"])
        #expect(status == 1, "\(screen)")
        #expect(screen.contains("reading 25/\(Self.fileCount) files"), "no progress line on a terminal: \(screen.debugDescription)")
        #expect(screen.contains("reading \(Self.fileCount)/\(Self.fileCount) files"))
        // The line is erased at the end: the last thing written is the clear-line sequence.
        #expect(screen.hasSuffix("\r\u{1B}[K"), "\(screen.debugDescription)")
    }

    @Test(.enabled(if: script != nil, "util-linux `script` is not installed"))
    func absentOnATerminalInCI() throws {
        let directory = try Self.manyReports()
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = ["analyze", ".", "--format", "json", "--output", directory.appendingPathComponent("report.json").path]
        let (status, screen) = try onTerminal(arguments, in: directory, environment: ["TERM": "xterm-256color", "CI": "true"])
        #expect(status == 1)
        #expect(!screen.contains("reading"), "progress in CI: \(screen.debugDescription)")
    }

    @Test(.enabled(if: script != nil, "util-linux `script` is not installed"))
    func absentOnATerminalForAFewFiles() throws {
        let directory = Self.samplesDirectory("junit-test-failures")
        let (status, screen) = try onTerminal(["analyze", "input", "--format", "json", "--output", "/dev/null"], in: directory,
                                              environment: ["TERM": "xterm-256color"], removing: ["CI"])
        #expect(status == 1)
        #expect(!screen.contains("reading"), "progress for a few files: \(screen.debugDescription)")
    }

    static func samplesDirectory(_ name: String) -> URL { SamplesTests.samples.appendingPathComponent(name) }
}
