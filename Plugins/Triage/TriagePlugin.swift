import Foundation
import PackagePlugin

/// `swift package triage [PATH…] [buildtriage analyze options…]`.
///
/// With paths, runs `buildtriage analyze` on them. With none, triages this package's tests: the xUnit reports
/// given with `--xunit`, else `.build/xunit.xml` / `.build/xunit-swift-testing.xml` when present (and
/// `--run-tests` is not given), else the reports of a fresh `swift test --parallel --xunit-output …`.
/// The plugin exits with buildtriage's exit code (0 clean, 1 fix/investigate, 2 retry, 3 wait, 4 unreadable
/// input, 64 usage).
@main
struct TriagePlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var extractor = ArgumentExtractor(arguments)
        let xunitPaths = extractor.extractOption(named: "xunit")
        let runTests = extractor.extractFlag(named: "run-tests") > 0
        let testArguments = extractor.extractOption(named: "test-arg")
        // SwiftPM's own convention for command plugins; triage has no use for a target selection.
        _ = extractor.extractOption(named: "target")
        _ = extractor.extractOption(named: "product")
        let forwarded = extractor.remainingArguments

        let buildtriage = try Self.buildtriage(packageManager: packageManager)
        if forwarded.contains("--help") || forwarded.contains("-h") {
            print(Self.usage)
            exit(Self.run(buildtriage, ["analyze", "--help"]))
        }

        let split = try CommandLineSplit(forwarded, options: AnalyzeOptions.load(from: buildtriage))
        var paths = split.paths
        if paths.contains("-") { throw TriagePluginError("'-' (standard input) cannot reach buildtriage through a plugin: run buildtriage itself") }
        if paths.isEmpty {
            paths = try Self.testReports(context: context, given: xunitPaths, runTests: runTests, testArguments: testArguments)
        } else if !xunitPaths.isEmpty || runTests {
            Diagnostics.warning("--xunit and --run-tests are ignored when paths are given")
        }
        exit(Self.run(buildtriage, ["analyze"] + split.options + ["--"] + paths))
    }

    static let usage = """
        USAGE: swift package [--allow-writing-to-package-directory] triage [PATH…] [--xunit FILE…] [--run-tests]
                             [--test-arg ARG…] [buildtriage analyze options]

        With PATHs, runs 'buildtriage analyze' on them. Without, triages this package's tests:
          --xunit FILE       an existing xUnit/JUnit report to triage (repeatable)
          --run-tests        run 'swift test' even when .build/xunit.xml is present
          --test-arg ARG     pass ARG to 'swift test' (repeatable), e.g. --test-arg --filter --test-arg MyTests
        Exits with buildtriage's exit code: 0 clean, 1 fix or investigate, 2 retry, 3 wait, 4 an input could not
        be read, 64 usage error.

        buildtriage analyze options:
        """

    /// Builds the `buildtriage` product (of this package, or of the dependency that lends the plugin) and returns it.
    static func buildtriage(packageManager: PackageManager) throws -> URL {
        let result = try packageManager.build(.product("buildtriage"), parameters: .init(configuration: .debug, logging: .concise))
        guard result.succeeded, let artifact = result.builtArtifacts.first(where: { $0.kind == .executable && $0.url.lastPathComponent == "buildtriage" }) else {
            FileHandle.standardError.write(Data(result.logText.utf8))
            throw TriagePluginError("cannot build buildtriage")
        }
        return artifact.url
    }

    /// The xUnit reports to triage when no path is given.
    static func testReports(context: PluginContext, given: [String], runTests: Bool, testArguments: [String]) throws -> [String] {
        if !given.isEmpty { return given }
        let names = ["xunit.xml", "xunit-swift-testing.xml"]
        let buildDirectory = scratchDirectory(context: context) ?? context.package.directoryURL.appending(path: ".build")
        let existing = names.map { buildDirectory.appending(path: $0).path(percentEncoded: false) }
            .filter { FileManager.default.fileExists(atPath: $0) }
        if !runTests && !existing.isEmpty {
            Diagnostics.remark("triaging the existing \(existing.joined(separator: ", ")) (--run-tests runs the tests instead)")
            return existing
        }

        let results = context.pluginWorkDirectoryURL.appending(path: "test-results")
        try FileManager.default.createDirectory(at: results, withIntermediateDirectories: true)
        for name in names { try? FileManager.default.removeItem(at: results.appending(path: name)) }
        let swift = try swiftExecutable(context: context)
        // `--parallel`: XCTest results reach the xUnit file only in parallel mode; swift-testing writes its own
        // `xunit-swift-testing.xml` beside it.
        var arguments = ["test", "--package-path", context.package.directoryURL.path(percentEncoded: false)]
        if let scratch = scratchDirectory(context: context) {
            // This `swift package` invocation holds the build directory's lock while the plugin runs, and builds
            // nothing meanwhile: without `--ignore-lock`, `swift test` would wait for it forever.
            arguments += ["--scratch-path", scratch.path(percentEncoded: false), "--ignore-lock"]
        }
        arguments += ["--parallel", "--xunit-output", results.appending(path: "xunit.xml").path(percentEncoded: false)] + testArguments
        Diagnostics.remark("running swift \(arguments.joined(separator: " "))")
        let status = run(swift, arguments, standardOutput: FileHandle.standardError)
        let reports = names.map { results.appending(path: $0).path(percentEncoded: false) }
            .filter { FileManager.default.fileExists(atPath: $0) }
        guard !reports.isEmpty else {
            Diagnostics.error("swift test exited with status \(status) and wrote no xUnit report: the build failed, or there are no tests")
            exit(status == 0 ? 4 : 1)
        }
        return reports
    }

    /// The build directory of this `swift package` invocation (`.build`, or its `--scratch-path`), so `swift test`
    /// reuses what is built: the plugin's work directory is `<scratch>/plugins/<plugin>/outputs`.
    static func scratchDirectory(context: PluginContext) -> URL? {
        let work = context.pluginWorkDirectoryURL.standardizedFileURL
        let parts = work.pathComponents
        guard parts.count > 4, parts[parts.count - 1] == "outputs", parts[parts.count - 3] == "plugins" else { return nil }
        return work.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `swift` from the toolchain running this plugin, else the first on PATH.
    static func swiftExecutable(context: PluginContext) throws -> URL {
        if let tool = try? context.tool(named: "swift") { return tool.url }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appending(path: "swift")
            if FileManager.default.isExecutableFile(atPath: candidate.path(percentEncoded: false)) { return candidate }
        }
        throw TriagePluginError("cannot find the 'swift' executable")
    }

    /// Runs an executable with inherited standard input and error; returns its exit status.
    static func run(_ executable: URL, _ arguments: [String], standardOutput: FileHandle = .standardOutput) -> Int32 {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = standardOutput
        // The plugin's standard input carries SwiftPM's messages: never hand it to a child.
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            Diagnostics.error("cannot run \(executable.path(percentEncoded: false)): \(error)")
            return 64
        }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }
}

/// The options of `buildtriage analyze`, read from its `--experimental-dump-help`, so the plugin always knows
/// which options take a value however the command line grows.
struct AnalyzeOptions {
    /// Spellings with the dashes, e.g. `--format`, `-f`.
    var takingValue: Set<String> = []
    var flags: Set<String> = []

    static func load(from buildtriage: URL) throws -> AnalyzeOptions {
        let process = Process()
        process.executableURL = buildtriage
        process.arguments = ["analyze", "--experimental-dump-help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let command = root["command"] as? [String: Any],
            let arguments = command["arguments"] as? [[String: Any]]
        else { throw TriagePluginError("cannot read the options of 'buildtriage analyze'") }
        var options = AnalyzeOptions()
        for argument in arguments {
            let spellings = (argument["names"] as? [[String: Any]] ?? []).compactMap { name -> String? in
                guard let value = name["name"] as? String else { return nil }
                return (name["kind"] as? String == "short" ? "-" : "--") + value
            }
            switch argument["kind"] as? String {
            case "option": options.takingValue.formUnion(spellings)
            case "flag": options.flags.formUnion(spellings)
            default: break
            }
        }
        return options
    }
}

/// A plugin command line split into buildtriage options (with their values) and paths.
struct CommandLineSplit {
    var options: [String] = []
    var paths: [String] = []

    init(_ arguments: [String], options known: AnalyzeOptions) throws {
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                paths += arguments[index...]
                break
            }
            guard argument.hasPrefix("-"), argument != "-" else {
                paths.append(argument)
                continue
            }
            options.append(argument)
            let name = String(argument.prefix { $0 != "=" })
            if known.takingValue.contains(name) && !argument.contains("=") {
                guard index < arguments.endIndex else { throw TriagePluginError("\(argument) needs a value") }
                options.append(arguments[index])
                index += 1
            } else if !known.takingValue.contains(name) && !known.flags.contains(name) {
                throw TriagePluginError("unknown option \(argument) (swift package triage --help lists them)")
            }
        }
    }
}

struct TriagePluginError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
