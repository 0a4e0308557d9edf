import BuildTriageCore
import BuildTriageReporters
import Foundation
import Testing

/// `JSONReporter` writes the report itself, for speed and memory; `JSONEncoder` is the reference it must match.
struct JSONWriterTests {
    static func reference(_ report: TriageReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
    }

    /// Every optional member set, every escape, keys that sort differently by case and by UTF-8.
    static let full: TriageReport = {
        let tricky = "q\"b\\s/n\nr\rt\tb\u{08}f\u{0C}c\u{01}\u{1F}\u{7F} é 😀 \u{2028} <&>"
        let target = Target(kind: .stage, id: "p/Build", pipelineName: "p", stageName: tricky, pipelineExecutionId: "e-1")
        let finding = Finding(
            analyzer: "a", category: .collateral, subject: Subject(.buildGroup, tricky), message: tricky,
            evidence: [EvidenceLine(path: "x.json", line: 3, text: tricky), EvidenceLine(text: "")], target: target,
            scope: Subject(.build, "b"), rootSubject: Subject(.test, "t"), resolved: true, repeated: false)
        var withRoot = finding
        withRoot.rootCause = "root"
        return TriageReport(
            verdict: .retry,
            inputs: [
                InputRecord(path: tricky, kind: .junit, status: .error, diagnostic: tricky, line: 1, column: 2),
                InputRecord(path: "ok.json", kind: .codebuildBatch, status: .ok),
            ],
            tests: { var counts = TestCounts(); counts.add(.failed); counts.add(.passed); counts.flaky = 1; return counts }(),
            findings: [withRoot, Finding(analyzer: "b", category: .timeout, subject: Subject(.log, "l"), message: "", evidence: [])],
            recommendations: [
                Recommendation(
                    action: .retry, target: target, reason: tricky, blockedBy: ["x", tricky], command: ["aws", "--x"],
                    cliInputJson: ["b": "1", "B": "2", "a10": "3", "a9": tricky, "é": "5", "_": "6"], shell: "aws 'x'",
                    attempts: 2, findings: ["a", "b"]),
                Recommendation(action: .none, target: Target(kind: .job, id: "job"), reason: "r", blockedBy: [], command: [], cliInputJson: [:]),
            ],
            diagnostics: [tricky],
            timeline: [
                TimelineEntry(
                    lane: .buildGroup, owner: "o", name: tricky, status: "FAILED",
                    start: Timestamp(secondsSince1970: 1_700_000_000.5, utcOffsetSeconds: 3600),
                    end: Timestamp(secondsSince1970: 1_700_000_100), dependsOn: ["a", "b"]),
                TimelineEntry(lane: .stage, owner: "o", name: "n", status: nil, start: nil, end: nil, dependsOn: []),
            ])
    }()

    @Test func matchesJSONEncoderOnEveryMember() throws {
        #expect(JSONReporter().render(Self.full, options: RenderOptions()) == (try Self.reference(Self.full)))
    }

    @Test func matchesJSONEncoderOnAnEmptyReport() throws {
        let empty = TriageReport(verdict: .clean, inputs: [], tests: TestCounts())
        #expect(JSONReporter().render(empty, options: RenderOptions()) == (try Self.reference(empty)))
    }

    /// Arrays long enough to be written in concurrent pieces (over 4,096 elements, several rounds for the
    /// timeline), with every kind of element, match JSONEncoder, whole and streamed.
    @Test func longArraysWrittenInPiecesMatchJSONEncoder() throws {
        var report = Self.full
        let findings = report.findings
        let timeline = report.timeline
        report.findings = (0..<4_500).map { index in
            var finding = findings[index % findings.count]
            finding.id += "-\(index)"
            return finding
        }
        report.inputs = (0..<4_097).map { InputRecord(path: "p\($0)", kind: .junit, status: $0 % 3 == 0 ? .error : .ok, line: $0) }
        report.recommendations = Array(repeating: report.recommendations, count: 2_100).flatMap { $0 }
        report.timeline = (0..<40_000).map { index in
            var entry = timeline[index % timeline.count]
            entry.name += "\(index)"
            return entry
        }
        let expected = try Self.reference(report)
        #expect(JSONReporter().render(report, options: RenderOptions()) == expected)
        var streamed: [UInt8] = []
        JSONReporter().write(report, chunkBytes: 100_000) { streamed.append(contentsOf: $0) }
        #expect(String(decoding: streamed, as: UTF8.self) == expected)
    }

    @Test func streamedChunksAreTheRenderedBytes() {
        var streamed: [UInt8] = []
        var chunks = 0
        JSONReporter().write(Self.full, chunkBytes: 64) { chunk in
            streamed.append(contentsOf: chunk)
            chunks += 1
        }
        #expect(chunks > 1)
        #expect(String(decoding: streamed, as: UTF8.self) == JSONReporter().render(Self.full, options: RenderOptions()))
    }
}
