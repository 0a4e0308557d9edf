import BuildTriageCore
import Foundation
import Testing

@testable import BuildTriageReporters

/// The JSON report against `Schemas/report-v1.schema.json`, validated by python3's `jsonschema`
/// (Draft 2020-12). A missing python3 or jsonschema fails the test: the contract must be checked.
@Suite("JSON schema")
struct SchemaTests {
    static let schemaURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schemas/report-v1.schema.json")

    static let reports: [(String, TriageReport)] = [
        ("sample", Fixtures.sample()),
        ("hostile", Fixtures.hostile()),
        ("huge", Fixtures.huge(failures: 500)),
        ("clean", TriageReport(verdict: .clean, inputs: [], tests: TestCounts())),
    ]

    @Test(arguments: reports.map(\.0))
    func renderedJSONValidates(name: String) throws {
        let report = try #require(Self.reports.first { $0.0 == name }?.1)
        let json = JSONReporter().render(report, options: RenderOptions())
        let errors = try Self.validate(json)
        #expect(errors.isEmpty, "\(name): \(errors)")
    }

    @Test func schemaRejectsWhatTheContractForbids() throws {
        let json = JSONReporter().render(Fixtures.sample(), options: RenderOptions())
        var object = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        object["verdict"] = "maybe"
        var errors = try Self.validate(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        #expect(errors.contains("verdict"), "\(errors)")

        object = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        object.removeValue(forKey: "tests")
        errors = try Self.validate(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        #expect(errors.contains("tests"), "\(errors)")

        // A blocked recommendation with a command.
        object = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        var recommendations = try #require(object["recommendations"] as? [[String: Any]])
        recommendations[0]["blockedBy"] = ["StageNotRetryable"]
        object["recommendations"] = recommendations
        errors = try Self.validate(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        #expect(!errors.isEmpty)
    }

    /// An ignored input (nothing to analyze) validates with its note, and needs one, as an unreadable input does.
    @Test func ignoredInputsNeedTheirNote() throws {
        let ignored = InputRecord(
            path: "list-build-batches.json", kind: .unknown, status: .ignored,
            diagnostic: "list-build-batches.json: holds only batch or build ids: nothing to analyze")
        var report = TriageReport(verdict: .clean, inputs: [ignored], tests: TestCounts())
        #expect(try Self.validate(JSONReporter().render(report, options: RenderOptions())).isEmpty)
        report.inputs[0].diagnostic = nil
        #expect(try Self.validate(JSONReporter().render(report, options: RenderOptions())).contains("diagnostic"))
    }

    @Test func jsonOutputShape() {
        let json = JSONReporter().render(Fixtures.sample(), options: RenderOptions())
        #expect(json.hasSuffix("}\n"))
        #expect(!json.contains("\\/"))
        #expect(!json.contains("null"))
        #expect(json.contains("\"schemaVersion\" : 1"))
    }

    /// The schema's enums are the Swift enums' raw values (so neither drifts from the other).
    @Test func schemaEnumsMatchTheModel() throws {
        let schema = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: Self.schemaURL)) as? [String: Any])
        let defs = try #require(schema["$defs"] as? [String: Any])
        func enumValues(_ path: [String]) -> Set<String> {
            var node: Any? = defs
            for key in path { node = (node as? [String: Any])?[key] }
            return Set((node as? [String: Any])?["enum"] as? [String] ?? [])
        }
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set((properties["verdict"] as? [String: Any])?["enum"] as? [String] ?? []) == Set(Verdict.allCases.map(\.rawValue)))
        #expect(enumValues(["category"]) == Set(Category.allCases.map(\.rawValue)))
        #expect(enumValues(["inputKind"]) == Set(InputKind.allCases.map(\.rawValue)))
        #expect(enumValues(["input", "properties", "status"]) == ["ok", "error", "ignored"])
        #expect(enumValues(["subject", "properties", "kind"]) == Set(Subject.Kind.allCases.map(\.rawValue)))
        #expect(enumValues(["recommendation", "properties", "action"]) == Set(Action.allCases.map(\.rawValue)))
    }

    /// Runs jsonschema on `json`; returns the validation errors, one per line (empty when valid).
    static func validate(_ json: String) throws -> String {
        let script = """
            import json, sys
            try:
                import jsonschema
            except ImportError:
                print("python3 has no jsonschema module", file=sys.stderr)
                sys.exit(3)
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            for error in validator.iter_errors(json.load(open(sys.argv[2]))):
                print("/".join(str(p) for p in error.absolute_path) + ": " + error.message)
            """
        return try python(script, arguments: [schemaURL.path], input: json)
    }

    /// Runs a python3 script with `arguments` and then the path of a file holding `input`; returns stdout.
    /// Throws when python3 is missing or the script fails.
    static func python(_ script: String, arguments: [String], input: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("buildtriage-reporters-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let document = directory.appendingPathComponent("input")
        try Data(input.utf8).write(to: document)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments + [document.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidatorUnavailable(message: "python3 failed (\(process.terminationStatus)): " + String(decoding: err, as: UTF8.self))
        }
        return String(decoding: out, as: UTF8.self)
    }

    struct ValidatorUnavailable: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
