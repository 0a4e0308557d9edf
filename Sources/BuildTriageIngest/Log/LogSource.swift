import CZlib
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a log's bytes come from, read in blocks: a file descriptor (a file, a pipe, standard input), bytes
/// already read, or either of those through zlib.
public protocol LogByteSource {
    /// Fills the start of `buffer`; 0 at the end.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int
}

/// `read(2)` on a descriptor, retried on EINTR.
struct DescriptorSource: LogByteSource {
    let descriptor: Int32

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let got = posixReadBytes(descriptor, base, buffer.count)
            if got >= 0 { return got }
            if errno == EINTR { continue }
            throw IngestError("cannot read the file: \(String(cString: strerror(errno)))")
        }
    }
}

/// Bytes already in memory, then (optionally) the rest from another source: the sniffed head of a file, then the file.
struct PrefixedSource<Rest: LogByteSource>: LogByteSource {
    var prefix: Data
    var offset = 0
    var rest: Rest?

    init(_ prefix: Data, then rest: Rest?) {
        self.prefix = prefix
        self.rest = rest
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        if offset < prefix.count {
            let count = min(buffer.count, prefix.count - offset)
            prefix.withUnsafeBytes { bytes in
                buffer.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
            }
            offset += count
            return count
        }
        guard rest != nil else { return 0 }
        return try rest!.read(into: buffer)
    }
}

/// Inflates a gzip (or zlib) stream from another source; concatenated gzip members are read one after another,
/// as `gzip -d` does.
final class GzipSource<Compressed: LogByteSource>: LogByteSource {
    private var compressed: Compressed
    private var stream = z_stream()
    private let input: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    private var finished = false

    init(_ compressed: Compressed) throws(IngestError) {
        self.compressed = compressed
        input = .allocate(byteCount: 256 * 1024, alignment: 16)
        guard buildtriage_inflateInit(&stream) == Z_OK else {
            input.deallocate()
            throw IngestError("cannot start zlib")
        }
    }

    deinit {
        inflateEnd(&stream)
        input.deallocate()
    }

    /// Whether `head` starts with the gzip magic bytes.
    static func isGzip(_ head: Data) -> Bool { head.count >= 2 && head[head.startIndex] == 0x1F && head[head.startIndex + 1] == 0x8B }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(IngestError) -> Int {
        guard !finished, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        stream.next_out = base.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(min(buffer.count, Int(UInt32.max)))
        while stream.avail_out > 0 {
            if stream.avail_in == 0 && !inputEnded {
                let got = try compressed.read(into: input)
                if got == 0 {
                    inputEnded = true
                } else {
                    stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = uInt(got)
                }
            }
            let produced = buffer.count - Int(stream.avail_out)
            if stream.avail_in == 0 && inputEnded {
                // No more input: what was inflated so far is all there is. A stream cut short is an error.
                if produced > 0 { return produced }
                throw IngestError("the gzip stream ends early (truncated file)")
            }
            let status = inflate(&stream, Z_NO_FLUSH)
            switch status {
            case Z_STREAM_END:
                // Another member may follow (`cat a.gz b.gz`); anything else after the end is not read.
                if stream.avail_in == 0 {
                    let got = try compressed.read(into: input)
                    if got == 0 {
                        finished = true
                        return buffer.count - Int(stream.avail_out)
                    }
                    stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.avail_in = uInt(got)
                }
                guard stream.next_in.pointee == 0x1F else {
                    finished = true
                    return buffer.count - Int(stream.avail_out)
                }
                inflateReset(&stream)
            case Z_OK, Z_BUF_ERROR:
                continue
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw IngestError("not a valid gzip stream: \(message)")
            }
        }
        return buffer.count
    }
}

/// `read(2)`, named apart from the sources' `read`.
func posixReadBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
