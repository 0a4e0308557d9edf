import Foundation
import Testing

/// `--output PATH`: a regular file is replaced atomically; a device, FIFO or symbolic link is written through,
/// never replaced (seen: `--output /dev/null` once turned /dev/null into a regular file for the whole machine).
@Suite(.serialized) struct OutputFileTests {
    static let sample = SamplesTests.samples.appendingPathComponent("seed-batch-failed")

    static func fileType(_ path: String) -> FileAttributeType? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
    }

    @Test func devNullStaysADevice() throws {
        #expect(Self.fileType("/dev/null") == .typeCharacterSpecial)
        let run = try Binary.run(["analyze", "input", "--format", "json", "--output", "/dev/null"], in: Self.sample)
        #expect(run.status == 1)
        #expect(Self.fileType("/dev/null") == .typeCharacterSpecial, "/dev/null was replaced")
    }

    @Test func aSymbolicLinkIsWrittenThroughAndAFileIsReplaced() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("buildtriage-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let real = directory.appendingPathComponent("real.json")
        try Data(String(repeating: "x", count: 100_000).utf8).write(to: real)
        let link = directory.appendingPathComponent("link.json")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: real.path)

        _ = try Binary.run(["analyze", "input", "--format", "json", "--output", link.path], in: Self.sample)
        #expect(Self.fileType(link.path) == .typeSymbolicLink)
        let written = try Data(contentsOf: real)
        #expect((try? JSONSerialization.jsonObject(with: written)) != nil, "the old, longer content was truncated")

        let plain = directory.appendingPathComponent("plain.json")
        _ = try Binary.run(["analyze", "input", "--format", "json", "--output", plain.path], in: Self.sample)
        #expect(Self.fileType(plain.path) == .typeRegular)
        #expect(try Data(contentsOf: plain) == written)
    }
}
