import BuildTriageIngest
import BuildTriageKit
import BuildTriageTestSupport
import Foundation
import Testing

/// Hostile and broken JSON: each ends with a diagnostic or a sane result, in bounded time and memory, through
/// the reader and through the whole pipeline and every reporter.
@Suite("JSON attacks")
struct JSONAttackTests {
    /// Reads `data` as the file `name` through the whole pipeline and every reporter.
    private func pipeline(_ data: Data, name: String = "input.json") throws -> (TriageReport, [OutputFormat: String]) {
        let scratch = try ScratchDirectory("json-attack")
        defer { scratch.cleanUp() }
        let path = try scratch.write(data, to: name)
        let report = Triage.run(paths: [path])
        return (report, renderAll(report))
    }

    @Test("100,000-deep nesting: a diagnostic, fast, no stack overflow", arguments: [
        "{\"builds\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}",
        "{\"buildBatches\":[{\"id\":\"p:1\",\"phases\":" + String(repeating: "{\"a\":", count: 100_000) + "1"
            + String(repeating: "}", count: 100_000) + "}]}",
        String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
        "{\"builds\":" + String(repeating: "[", count: 100_000),
    ])
    func deepNesting(json: String) throws {
        let (read, elapsed) = timed { Ingestor.read(data: Data(json.utf8), path: "deep.json") }
        #expect(elapsed < .seconds(5))
        if read.record.status == .error {
            let diagnostic = try #require(read.record.diagnostic)
            #expect(diagnostic.hasPrefix("deep.json: "))
            #expect(diagnostic.utf8.count < 500)
        }
        let (report, outputs) = try pipeline(Data(json.utf8))
        #expect(report.inputs.count == 1)
        #expect(outputs.values.allSatisfy { !$0.isEmpty })
    }

    /// Number fields of a real batch and a real pipeline state, each set to a huge or odd number.
    static let oddNumbers = [
        "1e400", "-1e400", String(repeating: "9", count: 400), "-" + String(repeating: "9", count: 400), "1e308", "-1e308",
        "9223372036854775807", "-9223372036854775808", "18446744073709551616", "0.000000000000000000000000001e-400", "1E+2",
    ]

    @Test("huge numbers in every number field: no crash, the rest is read", arguments: oddNumbers)
    func hugeNumbers(number: String) throws {
        for sample in ["seed-batch-failed/input/batch-get-build-batches.json", "stage-retry-budget-spent/input/get-pipeline-state.json",
                       "timeout-first-retry/input/builds.json", "pipeline-superseded/input/list-pipeline-executions.json"] {
            let text = String(decoding: try Place.sample(sample), as: UTF8.self)
            // Every JSON number in the file (ids and ISO timestamps are strings and stay), replaced textually.
            let replaced = text.replacing(/([:\[,]\s*)-?\d+(\.\d+)?([eE][+-]?\d+)?(?=\s*[,}\]])/) { $0.output.1 + number }
            #expect(replaced != text, "\(sample) has number fields")
            let (report, outputs) = try pipeline(Data(replaced.utf8))
            #expect(report.inputs.first?.status == .ok, "\(sample): \(report.inputs.first?.diagnostic ?? "")")
            // The rest of the file is still read: the same subjects as without the numbers.
            let (original, _) = try pipeline(Data(text.utf8))
            #expect(Set(report.findings.map(\.subject.id)) == Set(original.findings.map(\.subject.id)), "\(sample) with \(number)")
            #expect(outputs.values.allSatisfy { !$0.isEmpty })
            // Timestamps stay four-digit-year ISO-8601.
            if let json = outputs[.json] {
                #expect(!json.contains("Z\"") || json.matches(of: /"(-?\d+)-\d\d-\d\dT/).allSatisfy { $0.output.1.count == 4 })
            }
        }
    }

    /// Found by the fuzzer (`Fuzz/fuzz.sh json`): an epoch timestamp past `Int.max` milliseconds trapped in
    /// `Timestamp.iso8601` (`Int(Double)` out of range) as soon as the document was encoded.
    @Test("fuzz regression: an epoch timestamp of 2.9e27 seconds")
    func hugeEpochTimestamp() throws {
        let json = #"{"pipelineExecutionSummaries": [{"lastUpdateTime": 2938921429223372036854775807.6456, "startTime": 1496945471.5645, "status": "Succeeded"}]}"#
        let read = Ingestor.read(data: Data(json.utf8), path: "t.json")
        #expect(read.record.status == .ok)
        guard case .codepipelineExecutions(let executions)? = read.document else {
            Issue.record("not read as pipeline executions")
            return
        }
        #expect(executions.first?.lastUpdateTime == nil)
        #expect(executions.first?.startTime?.iso8601 == "2017-06-08T18:11:11.565Z")
        #expect(throws: Never.self) { try JSONEncoder().encode(executions) }
        #expect(Timestamp(secondsSince1970: 1e300).iso8601 == "9999-12-31T23:59:59.999Z")
        #expect(Timestamp(secondsSince1970: -.infinity).iso8601 == "0001-01-01T00:00:00.000Z")
        #expect(Timestamp(secondsSince1970: .nan).iso8601 == "1970-01-01T00:00:00.000Z")
        _ = try pipeline(Data(json.utf8))
    }

    /// Found reading the decision engine while writing the tests above: the stage retry counts were added with
    /// a trapping `+`.
    @Test("stage retry counts of Int.max: no overflow")
    func retryCountsOverflow() throws {
        var text = String(decoding: try Place.sample("stage-retry-budget-spent/input/get-pipeline-state.json"), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"autoStageRetryAttempt\": 1", with: "\"autoStageRetryAttempt\": 9223372036854775807")
        text = text.replacingOccurrences(of: "\"manualStageRetryAttempt\": 1", with: "\"manualStageRetryAttempt\": 9223372036854775807")
        let (report, _) = try pipeline(Data(text.utf8))
        #expect(report.inputs.first?.status == .ok)
        #expect(report.recommendations.allSatisfy { $0.action != .retry })
    }

    @Test("duplicate keys: read without a crash, one of the values kept")
    func duplicateKeys() throws {
        let json = #"{"builds": [{"id": "p:first", "id": "p:second", "buildStatus": "FAILED", "buildStatus": "SUCCEEDED"}], "builds": [{"id": "p:third", "buildStatus": "FAULT"}]}"#
        let read = Ingestor.read(data: Data(json.utf8), path: "dup.json")
        if read.record.status == .ok, case .codebuildBuilds(let builds)? = read.document {
            #expect(builds.count == 1)
            #expect(["p:first", "p:second", "p:third"].contains(builds.first?.id ?? ""))
        } else {
            #expect(read.record.diagnostic?.hasPrefix("dup.json: ") == true)
        }
        _ = try pipeline(Data(json.utf8))
    }

    @Test("lone surrogates and NUL escapes in strings", arguments: [#""\ud800""#, #""\udc00x""#, #""a\ud800\u0041""#, #""\u0000""#, #""\ud83d\ude00""#])
    func loneSurrogates(value: String) throws {
        let json = #"{"builds": [{"id": "p:1", "buildStatus": "FAILED", "projectName": VALUE, "phases": [{"phaseType": "BUILD", "phaseStatus": "FAILED", "contexts": [{"statusCode": "COMMAND_EXECUTION_ERROR", "message": VALUE}]}]}]}"#
            .replacingOccurrences(of: "VALUE", with: value)
        let read = Ingestor.read(data: Data(json.utf8), path: "s.json")
        if read.record.status == .error {
            #expect(read.record.diagnostic?.hasPrefix("s.json: ") == true)
        }
        let (report, outputs) = try pipeline(Data(json.utf8))
        #expect(report.inputs.count == 1)
        // A NUL never reaches a report.
        for (format, output) in outputs { #expect(!output.unicodeScalars.contains("\u{0}"), "\(format)") }
    }

    @Test("a 1 GiB JSON file (sparse) is refused by its size, without being read")
    func oneGigabyte() throws {
        let scratch = try ScratchDirectory("sparse")
        defer { scratch.cleanUp() }
        let path = scratch.url.appendingPathComponent("huge.json").path
        // `{"builds": ["` then a hole: the file claims 1 GiB and holds 13 bytes.
        try Data("{\"builds\": [\"".utf8).write(to: URL(fileURLWithPath: path))
        #expect(truncate(path, 1 << 30) == 0)
        let (read, elapsed) = timed { Ingestor.read(path: path) }
        #expect(elapsed < .seconds(1))
        #expect(read.record.status == .error)
        #expect(read.record.diagnostic == "\(path): file of 1024 MiB is over the 256 MiB limit for its kind", "\(read.record.diagnostic ?? "")")
        // A file just over the limit is refused the same way; one at it is read (and here found truncated).
        #expect(truncate(path, off_t(AWSJSONReader.maxBytes) + 1) == 0)
        #expect(Ingestor.read(path: path).record.diagnostic?.contains("over the 256 MiB limit") == true)
        // The same bytes in memory (standard input) are refused by the reader before decoding.
        let big = Data(count: AWSJSONReader.maxBytes + 1)
        #expect(throws: IngestError.self) { try AWSJSONReader.read(big) }
    }

    @Test("a wrong type at every field path of real responses: no crash, the rest is still read", arguments: [
        "seed-batch-failed/input/batch-get-build-batches.json", "infrastructure-fault-build/input/batch-get-builds.json",
        "stage-retry-budget-spent/input/get-pipeline-state.json", "codebuild-test-reports/input/describe-test-cases.json",
        "pipeline-not-latest/input/list-action-executions.json",
    ])
    func wrongTypes(sample: String) throws {
        let data = try Place.sample(sample)
        let tree = try JSONSerialization.jsonObject(with: data)
        let original = Ingestor.read(data: data, path: "x.json")
        let originalLeaves = try JSONTree.leaves(payload(original.document))
        #expect(originalLeaves.count > 10, "the comparison below has values to compare")
        var mutations = 0
        for path in JSONTree.paths(in: tree) {
            let value = try #require(JSONTree.value(at: path, in: tree))
            for wrong in JSONTree.wrongTypes(for: value) {
                mutations += 1
                let mutated = try JSONSerialization.data(withJSONObject: JSONTree.replacing(path, in: tree, with: wrong))
                let read = Ingestor.read(data: mutated, path: "x.json")
                let where_ = path.map(\.description).joined()
                // Only the top-level member that says what the file is can make it unreadable.
                if path.count == 1, read.record.status == .error {
                    #expect(read.record.diagnostic?.hasPrefix("x.json: ") == true, "\(where_)")
                    continue
                }
                #expect(read.record.status == .ok, "\(where_) = \(wrong): \(read.record.diagnostic ?? "")")
                #expect(read.document?.kind == original.document?.kind, "\(where_)")
                // Every other value is read as before. Skipped: the mutated value, everything below it, and (when
                // it is a list element, which a lenient list may drop) the whole list.
                let excluded = path.last.map { if case .index = $0 { Array(path.dropLast()) } else { path } } ?? path
                let leaves = try JSONTree.leaves(payload(read.document))
                for (leafPath, text) in originalLeaves where !startsWith(leafPath, excluded, payloadFor: original.document) {
                    if leaves[leafPath] != text {
                        Issue.record("\(sample): \(where_) = \(wrong) changed \(leafPath.map(\.description).joined()): \(text) → \(leaves[leafPath] ?? "missing")")
                        break
                    }
                }
            }
        }
        #expect(mutations > 50)
        // And the whole pipeline copes with one of each.
        for path in JSONTree.paths(in: tree).prefix(40) {
            let value = try #require(JSONTree.value(at: path, in: tree))
            let mutated = try JSONSerialization.data(withJSONObject: JSONTree.replacing(path, in: tree, with: JSONTree.wrongTypes(for: value)[0]))
            _ = try pipeline(mutated)
        }
    }

    // MARK: Helpers

    /// The document's payload encoded as a JSON tree (its members named as in the response).
    private func payload(_ document: Document?) throws -> Any {
        let encoder = JSONEncoder()
        let data: Data
        switch document {
        case .codebuildBatches(let value)?: data = try encoder.encode(value)
        case .codebuildBuilds(let value)?: data = try encoder.encode(value)
        case .codebuildTestCases(let value)?: data = try encoder.encode(value)
        case .codebuildReports(let value)?: data = try encoder.encode(value)
        case .codepipelineState(let value)?: data = try encoder.encode(value)
        case .codepipelineExecution(let value)?: data = try encoder.encode(value)
        case .codepipelineExecutions(let value)?: data = try encoder.encode(value)
        case .codepipelineActionExecutions(let value)?: data = try encoder.encode(value)
        case .codepipelineDefinition(let value)?: data = try encoder.encode(value)
        default: return [String: Any]()
        }
        return try JSONSerialization.jsonObject(with: data)
    }

    /// Whether a payload leaf lies under the response path `prefix`. A list response's payload is the list
    /// itself (the response's single top-level member is dropped); a state response's payload is the response.
    private func startsWith(_ leaf: [JSONTree.Step], _ prefix: [JSONTree.Step], payloadFor document: Document?) -> Bool {
        var prefix = prefix
        switch document {
        case .codepipelineState?: break
        default: prefix = Array(prefix.dropFirst())
        }
        return leaf.starts(with: prefix)
    }

    private func timed<T>(_ body: () throws -> T) rethrows -> (T, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try body()
        return (result, clock.now - start)
    }
}
