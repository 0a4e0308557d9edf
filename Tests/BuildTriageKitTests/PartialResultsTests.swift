import BuildTriageKit
import BuildTriageTestSupport
import Foundation
import Testing

/// A run over many inputs where some are broken: the broken ones become diagnostics naming their path, and
/// they change nothing in what the good ones yield.
@Suite("Partial results")
struct PartialResultsTests {
    /// Real sample inputs and the id in each that is varied from copy to copy.
    static let templates: [(file: String, id: String, ext: String)] = [
        ("seed-batch-failed/input/batch-get-build-batches.json", "8f14e45f-ceea-4e7a-9d6b-2f1c3b7a9e01", "json"),
        ("infrastructure-fault-build/input/batch-get-builds.json", "2c9b7d3e-41f0-4a8e-b6d2-7e5f1a0c3d94", "json"),
        ("timeout-first-retry/input/builds.json", "6d0c8e2a-9b1f-4c3d-8e7f-a1b2c3d4e5f6", "json"),
        ("junit-test-failures/input/pytest/junit.xml", "tests.test_pricing", "xml"),
        ("junit-test-failures/input/target/surefire-reports/TEST-com.example.cart.CartServiceTest.xml", "com.example.cart.CartServiceTest", "xml"),
        ("build-log-command-failure/input/codebuild.log", "[Container]", "log"),
    ]

    @Test("1,000 inputs, 10% broken: the good ones yield exactly what they yield alone; exit code 4")
    func thousandInputs() throws {
        let scratch = try ScratchDirectory("partial")
        defer { scratch.cleanUp() }
        let sources = try Self.templates.map { (text: String(decoding: try Place.sample($0.file), as: UTF8.self), id: $0.id, ext: $0.ext) }
        var good: [String] = []
        var broken: [String: String] = [:]  // path → how it was broken
        var random = SystemRandomNumberGenerator()
        for index in 0..<1000 {
            let template = sources[index % sources.count]
            // A distinct id per copy, of the same shape as the original.
            let suffix = String(format: "%012x", index)
            let variedID = template.ext == "log" ? template.id : String(template.id.dropLast(12)) + suffix
            let text = template.text.replacingOccurrences(of: template.id, with: variedID)
            let name = String(format: "in-%04d.%@", index, template.ext)
            if index % 10 == 7 {
                // Broken: truncated JSON, malformed XML or binary, in turn.
                let bytes: Data
                let how: String
                switch (index / 10) % 3 {
                case 0:
                    let json = sources[index % 3].text
                    bytes = Data(json.utf8.prefix(json.utf8.count / 2))
                    how = "truncated JSON"
                case 1:
                    bytes = Data("<testsuite name=\"s\"><testcase name=\"t\"><failure>x</testcase></testsuite>\n".utf8)
                    how = "malformed XML"
                default:
                    bytes = Data((0..<2048).map { _ in UInt8.random(in: 0...255, using: &random) } + [0])
                    how = "binary"
                }
                broken[try scratch.write(bytes, to: name)] = how
            } else {
                good.append(try scratch.write(Data(text.utf8), to: name))
            }
        }
        #expect(good.count == 900)
        #expect(broken.count == 100)

        let all = Triage.run(paths: [scratch.path])
        let goodOnly = Triage.run(paths: good.sorted())

        #expect(all.inputs.count == 1000)
        #expect(goodOnly.inputs.allSatisfy { $0.status == .ok })
        #expect(all.findings == goodOnly.findings)
        #expect(all.recommendations == goodOnly.recommendations)
        #expect(all.tests == goodOnly.tests)
        #expect(all.verdict == goodOnly.verdict)
        #expect(!all.findings.isEmpty)

        let records = Dictionary(uniqueKeysWithValues: all.inputs.map { ($0.path, $0) })
        for (path, how) in broken {
            let record = try #require(records[path], "\(path) is listed")
            #expect(record.status == .error, "\(how) \(path)")
            #expect(record.diagnostic?.hasPrefix(path + ": ") == true, "\(how): \(record.diagnostic ?? "")")
        }
        for path in good { #expect(records[path]?.status == .ok, "\(path): \(records[path]?.diagnostic ?? "")") }

        #expect(TriageExitCode.forReport(all) == .unreadableInput)
        #expect(TriageExitCode.forReport(goodOnly) != .unreadableInput)
    }
}
