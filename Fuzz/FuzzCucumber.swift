// libFuzzer target: the Cucumber JSON reader over the streaming byte-level JSON reader
// (`CucumberReader.read(bytes:)`), and the same bytes through `Ingestor.read(data:path:)` (the sniffer first, as
// for a real file). Build and run with `Fuzz/fuzz.sh cucumber SECONDS`.
import BuildTriageCore
import BuildTriageIngest
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCucumber(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))
    if let report = try? CucumberReader.read(bytes: bytes) {
        let counts = report.counts
        guard counts.total == counts.passed + counts.failed + counts.errored + counts.skipped,
            report.cases.count + report.passedIdentities.count == counts.total
        else { fatalError("inconsistent counts: \(counts)") }
        // Unknown statuses: eight named, one line for the rest, each one line.
        let notes = report.notes ?? []
        guard notes.count <= 9, notes.allSatisfy({ !$0.contains(where: \.isNewline) }) else { fatalError("notes: \(notes)") }
    }
    _ = Ingestor.read(data: Data(bytes), path: "cucumber.json")
    return 0
}
