import BuildTriageCore
import Foundation
import Testing

@testable import BuildTriageIngest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Helpers shared by the hostile-input suites.
enum Attack {
    /// A DOCTYPE whose `&lol9;` would expand to a billion `lol`s (ten levels of ten references), ending with a
    /// newline; the document follows it.
    static let laughsDTD = """
        <!DOCTYPE testsuite [
          <!ENTITY lol "lol">
          <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
          <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
          <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
          <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
          <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
          <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
          <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
        ]>

        """

    /// `Tests/Corpus` of this package.
    static let corpus: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Corpus")

    /// `Samples/` of this package.
    static let samples: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Samples")

    /// Everything an ingested input yields, as text: its record and its document, for "never appears" checks.
    static func everything(_ ingested: Ingestor.Ingested) -> String {
        let encoder = JSONEncoder()
        let record = (try? encoder.encode(ingested.record)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let document = ingested.document.map { String(describing: $0) } ?? ""
        return record + "\n" + document
    }

    /// Runs `body` and returns the CPU time the calling thread spent in it. The reads these guards time are
    /// synchronous, so this is their cost, whatever else the machine runs: a wall-clock bound failed whenever
    /// the parallel test suite (or another build) loaded the two cores.
    static func timed<T>(_ body: () throws -> T) rethrows -> (T, Duration) {
        let start = threadCPUTime()
        let result = try body()
        return (result, threadCPUTime() - start)
    }

    /// CPU time used so far by the calling thread.
    private static func threadCPUTime() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }

    /// Everything written to this process's stderr while `body` runs (fd 2 is pointed at a temporary file).
    static func capturingStandardError<T>(_ body: () throws -> T) rethrows -> (T, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)").path
        let file = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let saved = dup(2)
        fflush(nil)
        dup2(file, 2)
        defer {
            fflush(nil)
            dup2(saved, 2)
            close(saved)
            close(file)
            unlink(path)
        }
        let result = try body()
        fflush(nil)
        let written = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return (result, written)
    }
}

/// A TCP listener on 127.0.0.1 (an ephemeral port) that never answers: tells whether anything tried to connect.
final class LocalListener {
    let port: UInt16
    private let socketDescriptor: Int32

    init() throws {
        #if canImport(Glibc) || canImport(Musl)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        socketDescriptor = descriptor
    }

    deinit { close(socketDescriptor) }

    /// How many connections are waiting (each is accepted and closed).
    func connections() -> Int {
        var count = 0
        while true {
            let client = accept(socketDescriptor, nil, nil)
            guard client >= 0 else { return count }
            close(client)
            count += 1
        }
    }
}
