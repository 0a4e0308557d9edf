import BuildTriageCore
import BuildTriageRetry
import BuildTriageTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

private let executionId = "3137f7cb-7cf7-4a4b-9b8e-1234567890ab"

private func isAllowedName(_ name: String) -> Bool {
    name.unicodeScalars.allSatisfy { scalar in
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": true
        default: false
        }
    }
}

@Suite("--cli-input-json files")
struct CLIInputFileWriterTests {
    static let hostileTargets: [Target] = [
        .batch("../../etc/passwd"), .build("a/b"), .build("a_b"), .build("a?b"), .build("."), .build(".."), .build(""),
        .build(".hidden"), .build("-rf"), .build("ünï/cödé 🙂"), .build(String(repeating: "x", count: 300)),
        .build(String(repeating: "/", count: 300)), .job("job\n\u{0}"),
        .stage(pipeline: "P", stage: "S", execution: executionId), .stage(pipeline: "P", stage: "S", execution: nil),
        .stage(pipeline: "P/S", stage: "", execution: executionId),
    ]

    @Test("names use [A-Za-z0-9._-] only, fit in 120 characters, are never hidden, and stay distinct")
    func names() {
        var seen: [String: Target] = [:]
        for target in Self.hostileTargets {
            let name = CLIInputFileWriter.fileName(for: target)
            #expect(isAllowedName(name), "\(name)")
            #expect(name.count <= 120, "\(name)")
            #expect(name != "." && name != ".." && !name.hasPrefix(".") && !name.hasPrefix("-"), "\(name)")
            #expect(name.hasSuffix(".json"))
            #expect(CLIInputFileWriter.fileName(for: target) == name, "stable")
            if let other = seen[name] { Issue.record("\(target) and \(other) share \(name)") }
            seen[name] = target
        }
        #expect(CLIInputFileWriter.fileName(for: .build(String(repeating: "x", count: 300))).count == 120)
    }

    @Test("a name is readable and pinned (the hash must not change between runs)")
    func pinned() {
        let name = CLIInputFileWriter.fileName(for: .batch("codebuild-demo-project:e9c4f4df"))
        #expect(name.hasPrefix("batch-codebuild-demo-project_e9c4f4df-"))
        #expect(name.count == "batch-codebuild-demo-project_e9c4f4df-".count + 12 + ".json".count)
        #expect(
            CLIInputFileWriter.fileName(for: .stage(pipeline: "MyPipeline", stage: "Deploy", execution: executionId))
                .hasPrefix("stage-MyPipeline-Deploy-3137f7cb-7cf7-4a4b-9b8e-1234567890ab-"))
    }

    @Test("writes sorted-key JSON with a final newline inside the directory, creating it")
    func writes() throws {
        let base = try ScratchDirectory("writer")
        defer { base.cleanUp() }
        let directory = base.url.appendingPathComponent("nested/out")
        let commands = try [
            Target.batch("proj:b1"), .build("proj:../../x"), .stage(pipeline: "P", stage: "S", execution: executionId), .batch("proj:b1"),
        ].map { try RetryCommandBuilder.command(for: $0, options: RetryOptions()).get() }
        let urls = try CLIInputFileWriter.write(commands: commands, to: directory)
        #expect(urls.count == 4)
        #expect(urls[0] == urls[3])
        let resolved = URL(fileURLWithPath: directory.path).resolvingSymlinksInPath().path
        for (url, command) in zip(urls, commands) {
            #expect(url.deletingLastPathComponent().resolvingSymlinksInPath().path == resolved)
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text == command.cliInputJsonText)
            #expect(text.hasSuffix("}\n"))
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
            #expect(object == command.cliInputJson)
        }
        // Nothing else: no temporary files left behind.
        let listing = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(listing == Set(urls.map(\.lastPathComponent)).sorted())
        // Writing again replaces the files in place.
        #expect(try CLIInputFileWriter.write(commands: commands, to: directory) == urls)
    }

    @Test("a symbolic link at the destination is refused, and its target is untouched")
    func symlinkRefused() throws {
        let base = try ScratchDirectory("writer")
        defer { base.cleanUp() }
        let outside = try base.write("precious\n", to: "outside.txt")
        let directory = base.url.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let command = try RetryCommandBuilder.command(for: .build("proj:x"), options: RetryOptions()).get()
        let link = directory.appendingPathComponent(CLIInputFileWriter.fileName(for: command.target)).path
        #expect(symlink(outside, link) == 0)
        #expect(throws: CLIInputWriteError.refusedSymlink(path: link)) {
            try CLIInputFileWriter.write(commands: [command], to: directory)
        }
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == "precious\n")
        // A dangling link pointing outside is refused as well (nothing may be created through it).
        let dangling = base.url.appendingPathComponent("created-through-link").path
        #expect(unlink(link) == 0 && symlink(dangling, link) == 0)
        #expect(throws: CLIInputWriteError.refusedSymlink(path: link)) {
            try CLIInputFileWriter.write(commands: [command], to: directory)
        }
        #expect(!FileManager.default.fileExists(atPath: dangling))
    }

    @Test("a hard link to an outside file is replaced, never written through")
    func hardLink() throws {
        let base = try ScratchDirectory("writer")
        defer { base.cleanUp() }
        let outside = try base.write("precious\n", to: "outside.txt")
        let directory = base.url.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let command = try RetryCommandBuilder.command(for: .build("proj:x"), options: RetryOptions()).get()
        let path = directory.appendingPathComponent(CLIInputFileWriter.fileName(for: command.target)).path
        #expect(link(outside, path) == 0)
        _ = try CLIInputFileWriter.write(commands: [command], to: directory)
        #expect(try String(contentsOfFile: outside, encoding: .utf8) == "precious\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == command.cliInputJsonText)
    }

    @Test("a FIFO or a directory at the destination is refused without blocking")
    func nonRegular() throws {
        let base = try ScratchDirectory("writer")
        defer { base.cleanUp() }
        let command = try RetryCommandBuilder.command(for: .build("proj:x"), options: RetryOptions()).get()
        let path = base.url.appendingPathComponent(CLIInputFileWriter.fileName(for: command.target)).path
        #expect(mkfifo(path, 0o644) == 0)
        #expect(throws: CLIInputWriteError.notARegularFile(path: path)) {
            try CLIInputFileWriter.write(commands: [command], to: base.url)
        }
        #expect(unlink(path) == 0 && mkdir(path, 0o755) == 0)
        #expect(throws: CLIInputWriteError.notARegularFile(path: path)) {
            try CLIInputFileWriter.write(commands: [command], to: base.url)
        }
    }

    @Test("the directory may itself be a symbolic link: files land in its resolved target")
    func directoryLink() throws {
        let base = try ScratchDirectory("writer")
        defer { base.cleanUp() }
        let real = base.url.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        let alias = base.url.appendingPathComponent("alias")
        #expect(symlink(real.path, alias.path) == 0)
        let command = try RetryCommandBuilder.command(for: .batch("proj:b"), options: RetryOptions()).get()
        let urls = try CLIInputFileWriter.write(commands: [command], to: alias)
        #expect(urls.first?.deletingLastPathComponent().path == real.resolvingSymlinksInPath().path)
        #expect(FileManager.default.fileExists(atPath: real.appendingPathComponent(urls[0].lastPathComponent).path))
    }

    @Test("a file in place of the directory is an error")
    func notADirectory() throws {
        let base = try ScratchDirectory("writer")
        defer { base.cleanUp() }
        let file = try base.write("x", to: "file")
        let command = try RetryCommandBuilder.command(for: .batch("proj:b"), options: RetryOptions()).get()
        #expect(throws: CLIInputWriteError.self) {
            try CLIInputFileWriter.write(commands: [command], to: URL(fileURLWithPath: file))
        }
    }
}
