public import BuildTriageCore
import Foundation

/// The machine-readable report (DECISIONS.md, schemaVersion 1; `Schemas/report-v1.schema.json`): the
/// `TriageReport` encoded with sorted keys, pretty-printed, slashes unescaped, nil members omitted, and a
/// trailing newline.
public struct JSONReporter: Reporter {
    /// `--format json`.
    public static let format = OutputFormat.json

    /// The reporter (it has no configuration).
    public init() {}

    /// Renders the whole report (pure: same report and options, same text).
    public func render(_ report: TriageReport, options: RenderOptions) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(report), as: UTF8.self) + "\n"
        } catch {
            // Unreachable with the report's types (no non-finite numbers are encoded as numbers); still
            // valid JSON that names the problem rather than a crash.
            return "{\n  \"error\" : \"the report could not be encoded\",\n  \"schemaVersion\" : \(report.schemaVersion)\n}\n"
        }
    }
}
