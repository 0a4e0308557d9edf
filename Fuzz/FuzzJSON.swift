// libFuzzer target: the AWS CLI JSON reader, reached through `Ingestor.read(data:path:)` so that the sniffer
// decides first, as for a real file; the document read is then encoded back to JSON, as the JSON reporter does
// (which formats every timestamp). Build and run with `Fuzz/fuzz.sh json SECONDS`.
import BuildTriageCore
import BuildTriageIngest
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let read = Ingestor.read(data: Data(bytes: data, count: size), path: "fuzz.json")
    if let document = read.document { encode(document) }
    return 0
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
    }
}
