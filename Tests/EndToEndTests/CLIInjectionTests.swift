import Foundation
import Testing

/// `buildtriage retry --write-cli-input-json DIR` on a response whose build id is hostile: the files land in
/// DIR under plain names, and the printed lines, run by `sh` with a fake `aws`, pass the file and run nothing
/// else.
@Suite struct CLIInjectionTests {
    @Test func writeCLIInputJSONWithHostileIDs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("buildtriage-cli-injection-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let mark = directory.appendingPathComponent("pwned").path
        let hostileID = "payments-api:$(touch${IFS}\(mark))`touch${IFS}\(mark)`;touch${IFS}\(mark)/../../../etc/x](javascript:alert(1))%0A::error::pwned"
        var builds = try String(contentsOf: SamplesTests.samples.appendingPathComponent("infrastructure-fault-build/input/batch-get-builds.json"), encoding: .utf8)
        let quoted = String(decoding: try JSONSerialization.data(withJSONObject: [hostileID], options: [.withoutEscapingSlashes]).dropFirst().dropLast(), as: UTF8.self)
        builds = builds.replacingOccurrences(of: "\"payments-api:2c9b7d3e-41f0-4a8e-b6d2-7e5f1a0c3d94\"", with: quoted)
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("input"), withIntermediateDirectories: true)
        try Data(builds.utf8).write(to: directory.appendingPathComponent("input/builds.json"))

        let run = try Binary.run(["retry", "input", "--write-cli-input-json", "out"], in: directory)
        #expect(run.status == 2, "\(String(decoding: run.stderr, as: UTF8.self))")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("out").path)
        #expect(files.count == 1)
        for name in files {
            #expect(name.unicodeScalars.allSatisfy { "A"..."Z" ~= $0 || "a"..."z" ~= $0 || "0"..."9" ~= $0 || $0 == "." || $0 == "_" || $0 == "-" }, "\(name)")
            #expect(!name.hasPrefix("."))
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("out/\(name)"))) as? [String: String]
            #expect(object?["id"] == hostileID)
        }
        // Only `input` and `out` exist: nothing was written beside or above them.
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)) == ["input", "out"])

        // Run the printed lines with a fake aws that records its arguments.
        let bin = directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let log = directory.appendingPathComponent("argv.log").path
        // Written by a child sh: a descriptor open for writing here, inherited by a process another test spawns,
        // would make the exec fail with "Text file busy".
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = [
            "-c", "printf '%s' \"$1\" > \"$2\" && chmod 755 \"$2\"", "sh",
            "#!/bin/sh\n: > \"$ARGV_LOG\"\nfor a in \"$@\"; do printf '%s\\0' \"$a\" >> \"$ARGV_LOG\"; done\n",
            bin.appendingPathComponent("aws").path,
        ]
        try writer.run()
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        let lines = String(decoding: run.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 1)
        for line in lines {
            let shell = Process()
            shell.executableURL = URL(fileURLWithPath: "/bin/sh")
            shell.arguments = ["-c", String(line)]
            shell.environment = ["PATH": "\(bin.path):/usr/bin:/bin", "ARGV_LOG": log, "HOME": directory.path]
            shell.currentDirectoryURL = directory
            try shell.run()
            shell.waitUntilExit()
            #expect(shell.terminationStatus == 0)
            let argv = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\u{0}").map(String.init)
            #expect(argv.first == "codebuild")
            #expect(argv.contains { $0.hasPrefix("file://") && $0.hasSuffix(".json") && !$0.contains("..") })
        }
        #expect(!FileManager.default.fileExists(atPath: mark))
    }
}
