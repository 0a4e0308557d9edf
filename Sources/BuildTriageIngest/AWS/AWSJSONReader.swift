public import BuildTriageCore
public import Foundation

/// Reads an AWS CLI JSON response and decides, from its top-level keys, which command printed it.
public enum AWSJSONReader {
    /// Largest JSON document read: real responses are a few megabytes at most (100 builds per call).
    public static let maxBytes = 256 * 1024 * 1024

    /// Decodes a response into a typed document, or says clearly why not.
    ///
    /// The bytes are read in place by `AWSResponseFastReader`, which builds the same document as the Codable path
    /// below at a fraction of the cost; whatever it does not read itself (invalid or unusual JSON, a response with
    /// nothing to analyze) goes to the Codable path, which decides and words the diagnostic.
    public static func read(_ data: Data) throws(IngestError) -> Document {
        guard data.count <= maxBytes else { throw tooLarge(data) }
        if let document = data.withUnsafeBytes({ AWSResponseFastReader.read($0) }) { return document }
        return try readWithDecoder(data)
    }

    /// `read` through JSONDecoder and the models' Codable conformances only: the reference the fast reader is
    /// tested against, and its fallback.
    package static func readWithDecoder(_ data: Data) throws(IngestError) -> Document {
        guard data.count <= maxBytes else { throw tooLarge(data) }
        do {
            let probe = try JSONDecoder().decode(Probe.self, from: data)
            switch probe.result {
            case .document(let document): return document
            case .unsupported(let message): throw IngestError(message)
            case .nothingToAnalyze(let message): throw IngestError(message, nothingToAnalyze: true)
            }
        } catch let error as IngestError {
            throw error
        } catch {
            throw syntaxError(in: data, fallback: error)
        }
    }

    private static func tooLarge(_ data: Data) -> IngestError {
        IngestError("JSON document of \(data.count / 1_048_576) MiB is larger than any AWS response (limit \(maxBytes / 1_048_576) MiB)")
    }

    /// JSONDecoder on Linux says only "not valid JSON"; JSONSerialization says where.
    static func syntaxError(in data: Data, fallback: any Error) -> IngestError {
        if case DecodingError.typeMismatch(_, let context) = fallback, context.codingPath.isEmpty {
            return IngestError("JSON document is not an object: not an AWS CLI response")
        }
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let description = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            let message = "invalid JSON: " + description.trimmedWhitespace.trimmingSuffix(".")
            if let offset = characterOffset(in: description) {
                let (line, column) = position(ofByte: offset, in: data)
                return IngestError(message.replacingOccurrences(of: " around character \(offset)", with: ""), line: line, column: column)
            }
            if description.contains("end of file") || description.contains("Unexpected end") {
                let (line, column) = position(ofByte: data.count, in: data)
                return IngestError("invalid JSON: the document ends early (truncated?)", line: line, column: column)
            }
            return IngestError(message)
        }
        return IngestError("invalid JSON: \(fallback)")
    }

    private static func characterOffset(in description: String) -> Int? {
        guard let range = description.range(of: "around character ") else { return nil }
        return Int(description[range.upperBound...].prefix { $0.isNumber })
    }

    /// 1-based line and column of a byte offset.
    static func position(ofByte offset: Int, in data: Data) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        let end = min(offset, data.count)
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            for index in 0..<end where bytes[index] == 10 {
                line += 1
                lineStart = index + 1
            }
        }
        return (line, end - lineStart + 1)
    }
}

extension StringProtocol {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : String(self)
    }
}

/// A coding key for any member name.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Decides the response kind from the top-level members and decodes only that shape.
private struct Probe: Decodable {
    enum Result {
        case document(Document)
        case unsupported(String)
        /// A well-formed response that holds only ids: the input is ignored, with this note.
        case nothingToAnalyze(String)
    }

    let result: Result

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        func has(_ key: String) -> Bool { container.contains(AnyKey(key)) }
        func list<T: Decodable & Sendable & Encodable>(_ key: String, _: T.Type, _ what: String) throws -> [T] {
            guard let list = try container.decode(LenientList<T>.self, forKey: AnyKey(key)).wrappedValue else {
                throw IngestError("'\(key)' is not a list of \(what)")
            }
            return list
        }
        func object<T: Decodable & Sendable & Encodable>(_ key: String, _: T.Type, _ what: String) throws -> T {
            guard let value = try container.decode(Lenient<T>.self, forKey: AnyKey(key)).wrappedValue else {
                throw IngestError("'\(key)' is not \(what)")
            }
            return value
        }

        if has("buildBatch") {
            result = .document(.codebuildBatches([try object("buildBatch", BuildBatch.self, "a batch build")]))
        } else if has("buildBatches") {
            result = .document(.codebuildBatches(try list("buildBatches", BuildBatch.self, "batch builds")))
        } else if has("builds") {
            result = .document(.codebuildBuilds(try list("builds", Build.self, "builds")))
        } else if has("build") {
            result = .document(.codebuildBuilds([try object("build", Build.self, "a build")]))
        } else if has("testCases") {
            result = .document(.codebuildTestCases(try list("testCases", CodeBuildTestCase.self, "test cases")))
        } else if has("reports") {
            result = .document(.codebuildReports(try list("reports", CodeBuildReport.self, "reports")))
        } else if has("stageStates") {
            result = .document(.codepipelineState(try PipelineState(from: decoder)))
        } else if has("pipelineExecution") {
            result = .document(.codepipelineExecution(try object("pipelineExecution", PipelineExecution.self, "a pipeline execution")))
        } else if has("pipelineExecutionSummaries") {
            result = .document(.codepipelineExecutions(try list("pipelineExecutionSummaries", PipelineExecutionSummary.self, "pipeline executions")))
        } else if has("actionExecutionDetails") {
            result = .document(.codepipelineActionExecutions(try list("actionExecutionDetails", ActionExecutionDetail.self, "action executions")))
        } else if has("pipeline") {
            result = .document(.codepipelineDefinition(try object("pipeline", PipelineDeclaration.self, "a pipeline declaration")))
        } else if has("buildBatchStatus") {
            // A bare batch, as printed with `--query buildBatch` or `--query 'buildBatches[0]'`.
            result = .document(.codebuildBatches([try BuildBatch(from: decoder)]))
        } else if has("buildStatus"), has("id") {
            // A bare build, as printed with `--query 'builds[0]'`.
            result = .document(.codebuildBuilds([try Build(from: decoder)]))
        } else if has("ids") {
            result = .nothingToAnalyze(
                "holds only batch or build ids (list-build-batches / list-builds-for-project): nothing to analyze; "
                    + "save `aws codebuild batch-get-build-batches --ids …` (for builds, `aws codebuild batch-get-builds --ids …`) and pass that instead")
        } else if has("pipelineExecutionId"), container.allKeys.count == 1 {
            result = .nothingToAnalyze(
                "is the reply of retry-stage-execution or start-pipeline-execution (an execution id only): "
                    + "nothing to analyze; save `aws codepipeline get-pipeline-state` instead")
        } else {
            let keys = container.allKeys.map(\.stringValue).sorted().prefix(6).joined(separator: ", ")
            result = .unsupported("JSON with members {\(keys)} is not an AWS CodeBuild or CodePipeline response that BuildTriage reads")
        }
    }
}
