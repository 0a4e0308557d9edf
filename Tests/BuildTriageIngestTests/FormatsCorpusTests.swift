import BuildTriageCore
import Foundation
import Testing

@testable import BuildTriageIngest

/// Every row of `Tests/Corpus/formats/expected.tsv`: real NUnit 2/3, TRX, xUnit.net, TestNG and Cucumber files
/// written by other projects, read by content (the name is never looked at) into exact counts and the right kind.
@Suite struct FormatsCorpusTests {
    static let folder = Attack.corpus.appendingPathComponent("formats")

    struct Row: CustomTestStringConvertible, Sendable {
        var path: String
        var kind: String
        var counts: [Int]
        var lenientEmpty: Bool
        var testDescription: String { path }
    }

    static var rows: [Row] {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("expected.tsv"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return Row(
                path: fields[0], kind: fields[1], counts: fields[2...6].map { Int($0) ?? -1 },
                lenientEmpty: fields.count > 7 && fields[7].contains("lenient:empty-array"))
        }
    }

    @Test func everyFileIsListed() {
        #expect(Self.rows.count == 48)
    }

    @Test(arguments: rows)
    func counts(_ row: Row) throws {
        let path = Self.folder.appendingPathComponent(row.path).path
        // Read from disk (streamed) and from memory (standard input): the same result.
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        for read in [Ingestor.read(path: path), Ingestor.read(data: data, path: "-")] {
            if row.lenientEmpty, read.record.status == .error { continue }
            #expect(read.record.status == .ok, "\(row.path): \(read.record.diagnostic ?? "")")
            #expect(read.record.kind.rawValue == row.kind, "\(row.path)")
            guard case .junit(let report)? = read.document else {
                Issue.record("\(row.path): no test report")
                continue
            }
            let counts = report.counts
            #expect([counts.total, counts.passed, counts.failed, counts.errored, counts.skipped] == row.counts, "\(row.path)")
            // Every test is either kept or a passing identity.
            #expect(report.cases.count + report.passedIdentities.count == counts.total, "\(row.path)")
        }
    }
}
