// libFuzzer target: the CodeBuild log reader (`BuildLogReader.read`) on the input decoded as UTF-8 (lossily),
// and the same bytes through `Ingestor.read(data:path:)`. Build and run with `Fuzz/fuzz.sh log SECONDS`.
import BuildTriageCore
import BuildTriageIngest
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLog(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let buffer = UnsafeRawBufferPointer(start: data, count: size)
    let text = String(decoding: buffer, as: UTF8.self)
    let log = BuildLogReader.read(text)
    // Touch every line the reader indexed, as the knowledge base does.
    for number in stride(from: 1, through: log.lineCount, by: 1) { _ = log.text.line(number) }
    _ = Ingestor.read(data: Data(buffer), path: "fuzz.log")
    return 0
}
