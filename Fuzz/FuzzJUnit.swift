// libFuzzer target: the JUnit reader over libxml2's pull reader (`JUnitReader.read(bytes:)`). (The sniffer in
// front of it is covered by the json and log targets, which reach it through `Ingestor.read(data:path:)`.)
// Build and run with `Fuzz/fuzz.sh junit SECONDS`.
import BuildTriageCore
import BuildTriageIngest

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJUnit(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))
    _ = try? JUnitReader.read(bytes: bytes)
    return 0
}
