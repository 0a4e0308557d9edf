// libFuzzer target: the AWS CLI JSON reader, reached through `Ingestor.read(data:path:)` so that the sniffer
// decides first, as for a real file; the document read is then encoded back to JSON, as the JSON reporter does
// (which formats every timestamp). The reader's byte-level path must also give exactly what the Codable path
// (`AWSJSONReader.readWithDecoder`) gives, for any input: a difference stops the fuzzer like a crash.
// Build and run with `Fuzz/fuzz.sh json SECONDS`.
import BuildTriageCore
import BuildTriageIngest
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let read = Ingestor.read(data: bytes, path: "fuzz.json")
    if let document = read.document { encode(document) }
    let fast = outcome(bytes, AWSJSONReader.read)
    let decoder = outcome(bytes, AWSJSONReader.readWithDecoder)
    if fast != decoder {
        fatalError("AWSJSONReader.read and readWithDecoder differ:\nfast: \(fast)\ndecoder: \(decoder)")
    }
    return 0
}

private func outcome(_ data: Data, _ read: (Data) throws(IngestError) -> Document) -> Result<Document, IngestError> {
    do throws(IngestError) { return .success(try read(data)) } catch { return .failure(error) }
}

private func encode(_ document: Document) {
    let encoder = JSONEncoder()
    switch document {
    case .codebuildBatches(let value): _ = try? encoder.encode(value)
    case .codebuildBuilds(let value): _ = try? encoder.encode(value)
    case .codebuildTestCases(let value): _ = try? encoder.encode(value)
    case .codebuildReports(let value): _ = try? encoder.encode(value)
    case .codepipelineState(let value): _ = try? encoder.encode(value)
    case .codepipelineExecution(let value): _ = try? encoder.encode(value)
    case .codepipelineExecutions(let value): _ = try? encoder.encode(value)
    case .codepipelineActionExecutions(let value): _ = try? encoder.encode(value)
    case .codepipelineDefinition(let value): _ = try? encoder.encode(value)
    case .junit(let value): _ = try? encoder.encode(value)
    case .buildLog(let value): _ = try? encoder.encode(value)
    case .eventbridgeEvent(let value): _ = try? encoder.encode(value)
    case .collectManifest(let value): _ = try? encoder.encode(value)
    }
}
