import BuildTriageCore
import BuildTriageTestSupport
import Foundation
import Testing

@testable import BuildTriageIngest

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `Ingestor.read(path:)` reads with plain POSIX calls: a regular file into one buffer of its size, anything else
/// (a FIFO, `<(…)`) to its end once. Each kind of content must come out the same whichever way it arrives.
@Suite("Ingestor reads files and pipes")
struct IngestorReadTests {
    private static let batch = #"{"buildBatch": {"id": "p:1", "buildBatchStatus": "FAILED", "buildGroups": []}}"#
    private static let junit = #"<testsuite name="s"><testcase name="a" classname="c"><failure message="boom"/></testcase></testsuite>"#

    /// Writes `bytes` into a FIFO at `path` from another thread while `body` reads it.
    private func throughFIFO<Result>(_ bytes: [UInt8], at path: String, _ body: () -> Result) throws -> Result {
        #expect(mkfifo(path, 0o600) == 0)
        let writer = Thread {
            let descriptor = open(path, O_WRONLY)
            guard descriptor >= 0 else { return }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                if written <= 0 { break }
                offset += written
            }
            close(descriptor)
        }
        writer.start()
        return body()
    }

    @Test("regular files of every size around the sniffed prefix read whole", arguments: [0, 1, 65_535, 65_536, 65_537, 300_000])
    func sizes(padding: Int) throws {
        let scratch = try ScratchDirectory("read-sizes")
        defer { scratch.cleanUp() }
        // Padding inside a string member the reader skips: the document is only valid if every byte arrived.
        let text = #"{"padding": ""# + String(repeating: "x", count: padding) + #"", "buildBatch": {"id": "p:1", "buildBatchStatus": "FAILED"}}"#
        let path = try scratch.write(Array(text.utf8), to: "batch.json")
        let read = Ingestor.read(path: path)
        #expect(read.record.status == .ok, "\(read.record.diagnostic ?? "")")
        guard case .codebuildBatches(let batches) = read.document else {
            Issue.record("not read as batches: \(String(describing: read.document))")
            return
        }
        #expect(batches.first?.id == "p:1")
    }

    @Test("a JSON response through a FIFO is read as from a file")
    func jsonThroughFIFO() throws {
        let scratch = try ScratchDirectory("read-fifo-json")
        defer { scratch.cleanUp() }
        // Larger than the sniffed prefix, so that the rest is read after the sniff.
        let text = #"{"padding": ""# + String(repeating: "y", count: 200_000) + "\", " + Self.batch.dropFirst()
        let read = try throughFIFO(Array(text.utf8), at: scratch.path("pipe")) { Ingestor.read(path: scratch.path("pipe")) }
        #expect(read.record.status == .ok, "\(read.record.diagnostic ?? "")")
        #expect(read.record.kind == .codebuildBatch)
    }

    @Test("a JUnit report through a FIFO is read in full (the sniffed prefix is not lost)")
    func junitThroughFIFO() throws {
        let scratch = try ScratchDirectory("read-fifo-xml")
        defer { scratch.cleanUp() }
        let read = try throughFIFO(Array(Self.junit.utf8), at: scratch.path("pipe")) { Ingestor.read(path: scratch.path("pipe")) }
        #expect(read.record.status == .ok, "\(read.record.diagnostic ?? "")")
        guard case .junit(let report) = read.document else {
            Issue.record("not read as JUnit: \(String(describing: read.document))")
            return
        }
        #expect(report.counts.failed == 1)
        #expect(report.cases.first?.name == "a")
    }

    @Test("an unreadable path says why, with the system's reason")
    func unreadable() throws {
        let scratch = try ScratchDirectory("read-missing")
        defer { scratch.cleanUp() }
        let missing = Ingestor.read(path: scratch.path("missing.json"))
        #expect(missing.record.status == .error)
        #expect(missing.record.diagnostic == "\(scratch.path("missing.json")): cannot open the file: No such file or directory")
        let directory = Ingestor.read(path: scratch.url.path)
        #expect(directory.record.diagnostic == "\(scratch.url.path): is a directory")
    }

    @Test("a directory walk finds regular files and links to them, skips hidden entries, sorted")
    func walk() throws {
        let scratch = try ScratchDirectory("read-walk")
        defer { scratch.cleanUp() }
        try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent("sub"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: scratch.url.appendingPathComponent(".hidden"), withIntermediateDirectories: true)
        try scratch.write(Array(Self.batch.utf8), to: "b.json")
        try scratch.write(Array(Self.batch.utf8), to: "sub/a.json")
        try scratch.write(Array(Self.batch.utf8), to: ".hidden/c.json")
        try scratch.write(Array(Self.batch.utf8), to: ".d.json")
        #expect(symlink(scratch.path("b.json"), scratch.path("link.json")) == 0)
        #expect(symlink(scratch.path("sub"), scratch.path("dirlink")) == 0)
        let files = try Ingestor.expand(scratch.url.path).get()
        #expect(files == ["b.json", "link.json", "sub/a.json"].map { scratch.path($0) })
    }
}
