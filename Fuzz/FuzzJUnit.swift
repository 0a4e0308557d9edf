// libFuzzer target: the XML test-report readers over libxml2's SAX2 push parser — the JUnit reader
// (`JUnitReader.read(bytes:)`) and the reader chosen by the root element for every XML format
// (`XMLReportReader.read(bytes:)`: JUnit, NUnit 2/3, TRX, xUnit.net, TestNG). (The sniffer in front of them is
// covered by the json and log targets, which reach it through `Ingestor.read(data:path:)`.)
// Build and run with `Fuzz/fuzz.sh junit SECONDS`.
import BuildTriageCore
import BuildTriageIngest

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJUnit(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))
    _ = try? JUnitReader.read(bytes: bytes)
    if let report = try? XMLReportReader.read(bytes: bytes) { check(report) }
    return 0
}

/// What every reader promises: the buckets add up, every test is kept or hashed, and the notes on unknown outcome
/// values stay few (eight values named, one line for the rest), one line each.
func check(_ report: JUnitReport) {
    let counts = report.counts
    guard counts.total == counts.passed + counts.failed + counts.errored + counts.skipped,
        report.cases.count + report.passedIdentities.count == counts.total
    else { fatalError("inconsistent counts: \(counts), \(report.cases.count) cases kept, \(report.passedIdentities.count) passes") }
    let notes = report.notes ?? []
    guard notes.count <= 9, notes.allSatisfy({ !$0.contains(where: \.isNewline) }) else { fatalError("notes: \(notes)") }
}
