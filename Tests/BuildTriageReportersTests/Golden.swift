import BuildTriageTestSupport
import Foundation
import Testing

/// Compares rendered output with a stored expected file under `Goldens/`. The file is (re)written only
/// when the environment says `UPDATE_GOLDENS=1`; then the test records it and passes with a notice.
/// A mismatch never rewrites anything.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Goldens")

    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDENS"] == "1" }

    /// Exact comparison (or structural for JSON: both sides decoded and compared as values).
    static func check(_ actual: String, _ name: String, json: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name)
        if updating {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            print("◇ Golden \(name) recorded (UPDATE_GOLDENS=1): review the diff before committing.")
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("missing golden \(url.path): run with UPDATE_GOLDENS=1 to record it", sourceLocation: sourceLocation)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        if json {
            let expectedValue = try JSONDecoder().decode(JSONValue.self, from: data)
            let actualValue = try JSONDecoder().decode(JSONValue.self, from: Data(actual.utf8))
            #expect(actualValue == expectedValue, "JSON differs from golden \(name) (UPDATE_GOLDENS=1 to re-record)", sourceLocation: sourceLocation)
        } else if actual != expected {
            Issue.record("output differs from golden \(name) (UPDATE_GOLDENS=1 to re-record):\n\(firstDifference(actual, expected))", sourceLocation: sourceLocation)
        }
    }
}

/// Any JSON value, for structural comparison.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }
}
