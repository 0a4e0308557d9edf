public import BuildTriageCore

/// The machine-readable report (Docs/decisions.md, schemaVersion 1; `Schemas/report-v1.schema.json`): the
/// `TriageReport` as `JSONEncoder` encodes it with sorted keys, pretty-printed, slashes unescaped, nil members
/// omitted, and a trailing newline — written by `JSONReportWriter`, which produces the same bytes without
/// building them all in memory first.
public struct JSONReporter: Reporter {
    /// `--format json`.
    public static let format = OutputFormat.json

    /// The reporter (it has no configuration).
    public init() {}

    /// Renders the whole report (pure: same report and options, same text).
    public func render(_ report: TriageReport, options: RenderOptions) -> String {
        var writer = JSONReportWriter()
        writer.write(report)
        writer.finish()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The same bytes as `render`, handed to `sink` in chunks of about `chunkBytes` as they are written, so that a
    /// large report is never held whole in memory.
    public func write(_ report: TriageReport, chunkBytes: Int = 1 << 20, to sink: (UnsafeRawBufferPointer) -> Void) {
        withoutActuallyEscaping(sink) { sink in
            var writer = JSONReportWriter(chunkBytes: chunkBytes, sink: sink)
            writer.write(report)
            writer.finish()
        }
    }
}
