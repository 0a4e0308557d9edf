import BuildTriageTestSupport
import Foundation
import Testing

/// Build logs through the CLI: on standard input, plain and gzip-compressed, larger than a read block.
@Suite struct LogStreamTests {
    static let directory = SamplesTests.samples.appendingPathComponent("build-log-transient")

    /// A log of about `megabytes` MB whose transient error (a Docker Hub pull rate limit) is in the middle.
    static func log(megabytes: Int) -> (data: Data, plantedLine: Int) {
        var planted = 0
        var text = "[Container] 2024/01/15 10:00:00.1 Entering phase BUILD\n[Container] 2024/01/15 10:00:00.2 Running command docker build .\n"
        let filler = String(repeating: "\u{1B}[32mstep\u{1B}[0m building layer, progress 10%\rprogress 90% — ok\n", count: 1_000)
        let count = megabytes * 1_000_000 / filler.utf8.count
        for index in 0..<count {
            text += filler
            if index == count / 2 {
                planted = 2 + (index + 1) * 1_000 + 1
                text += "Error response from daemon: toomanyrequests: You have reached your pull rate limit.\n"
            }
        }
        text += "[Container] 2024/01/15 10:00:09.0 Command did not exit successfully docker build . exit status 1\n"
        text += "[Container] 2024/01/15 10:00:09.1 Phase complete: BUILD State: FAILED\n"
        return (Data(text.utf8), planted)
    }

    func finding(_ stdout: Data) throws -> [String: Any] {
        let json = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
        #expect((json["inputs"] as? [[String: Any]])?.first?["status"] as? String == "ok")
        let findings = json["findings"] as? [[String: Any]] ?? []
        return try #require(findings.first { $0["analyzer"] as? String == "knowledge_base:docker_pull_rate_limit" })
    }

    @Test("a 6 MB log on standard input, plain and gzip-compressed: the same finding, on the same line")
    func logOnStdin() throws {
        let (log, planted) = Self.log(megabytes: 6)
        let plain = try Binary.run(["analyze", "-", "--format", "json"], in: Self.directory, stdin: log)
        let compressed = try Binary.run(["analyze", "-", "--format", "json"], in: Self.directory, stdin: try gzipped(log))
        let fromPlain = try finding(plain.stdout)
        let fromGzip = try finding(compressed.stdout)
        let line = ((fromPlain["evidence"] as? [[String: Any]])?.first?["line"] as? Int) ?? 0
        #expect(line == planted)
        #expect(((fromGzip["evidence"] as? [[String: Any]])?.first?["line"] as? Int) == line)
        #expect(plain.status == compressed.status)
    }
}
