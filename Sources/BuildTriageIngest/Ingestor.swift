public import BuildTriageCore
public import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads every input of a run: files, directories (walked recursively, hidden entries skipped) and `-` for
/// standard input. Each input's kind is decided from its content. An input that cannot be read becomes a
/// record with `status: error` and a one-line diagnostic; the others are read all the same.
public struct Ingestor: Sendable {
    /// Bytes looked at to decide what a file is.
    static let sniffBytes = 64 * 1024
    /// Largest standard input or decompressed file read whole (JSON and XML that are not in a regular file). Build
    /// logs have no limit: they are streamed.
    public static let maxStdinBytes = 512 * 1024 * 1024

    /// Reads standard input when a path is `-`: nil (the default) streams descriptor 0; tests give the bytes.
    public var standardInput: (@Sendable () -> Data)?
    /// How build logs are read: the knowledge base's matcher they stream by, and whether their text is kept.
    public var logs: LogReading

    public init(standardInput: (@Sendable () -> Data)? = nil, logs: LogReading = LogReading()) {
        self.standardInput = standardInput
        self.logs = logs
    }

    /// How build logs are read.
    public struct LogReading: Sendable {
        /// Sees every line as the log streams by (the knowledge base's rules); nil: none.
        public var matcher: (any LogMatcher)?
        /// Whether the log's text is kept in the model (memory grows with the log). External analyzers read it,
        /// and a knowledge base that did not see the log stream by matches it afterwards.
        public var keepText: Bool

        public init(matcher: (any LogMatcher)? = nil, keepText: Bool = true) {
            self.matcher = matcher
            self.keepText = keepText
        }
    }

    /// Expands the paths and reads every file, in parallel; the result is in a stable order (the order of the
    /// arguments, each directory's files sorted by path).
    public func ingest(paths: [String], progress: (@Sendable (Int, Int) -> Void)? = nil) -> TriageInput {
        var jobs: [Job] = []
        var records: [Int: InputRecord] = [:]
        for path in paths {
            if path == "-" {
                jobs.append(.stdin)
                continue
            }
            switch Self.expand(path) {
            case .success(let files): jobs.append(contentsOf: files.map(Job.file))
            case .failure(let error):
                records[jobs.count] = InputRecord(path: path, kind: .unknown, status: .error, diagnostic: "\(path): \(error.message)")
                jobs.append(.failed)
            }
        }

        let jobList = jobs
        let results = Mutex<[Int: Ingested]>([:])
        let done = Atomic<Int>(0)
        let readsStdin = jobs.contains { if case .stdin = $0 { true } else { false } }
        let stdinData: Data? = readsStdin ? standardInput?() : nil
        let logs = self.logs
        DispatchQueue.concurrentPerform(iterations: jobList.count) { index in
            let outcome: Ingested
            switch jobList[index] {
            case .file(let path): outcome = Self.read(path: path, logs: logs)
            case .stdin:
                outcome = stdinData.map { Self.read(data: $0, path: "-", logs: logs) } ?? Self.read(descriptor: 0, path: "-", logs: logs)
            case .failed: return
            }
            results.withLock { $0[index] = outcome }
            let finished = done.add(1, ordering: .relaxed).newValue
            progress?(finished, jobList.count)
        }

        var input = TriageInput()
        let collected = results.withLock { $0 }
        for index in jobs.indices {
            if let record = records[index] {
                input.inputs.append(record)
            } else if let outcome = collected[index] {
                input.inputs.append(outcome.record)
                if let document = outcome.document {
                    input.documents.append(SourcedDocument(path: outcome.record.path, document: document))
                }
            }
        }
        return input
    }

    enum Job: Sendable {
        case file(String)
        case stdin
        case failed
    }

    /// One input's record and, when it was read, its document.
    public struct Ingested: Sendable {
        public var record: InputRecord
        public var document: Document?
    }

    /// The regular files under a path: the path itself for a file; for a directory, every file below it that
    /// is not hidden (no component starting with `.`), sorted. Symbolic links to directories are not followed.
    static func expand(_ path: String) -> Result<[String], IngestError> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(IngestError("no such file or directory"))
        }
        guard isDirectory.boolValue else { return .success([path]) }
        // A POSIX walk (FileManager's enumerator and resource values cost ~250k instructions a file): names that
        // start with `.` are skipped, directories are entered, symbolic links are not followed into directories
        // but count when they point to a regular file; files the walk cannot open are left out.
        guard let top = opendir(path) else { return .failure(IngestError("cannot list the directory")) }
        closedir(top)
        var files: [String] = []
        let prefix = path.hasSuffix("/") ? path : path + "/"
        var pending = [""]  // directories still to list, relative to `prefix`; one open at a time
        while let relative = pending.popLast() {
            guard let directory = opendir(prefix + relative) else { continue }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                }
                guard !name.hasPrefix(".") else { continue }
                let child = relative + name
                let full = prefix + child
                // The entry's type from the directory itself (no `lstat` a file); only file systems that do not
                // record it (`DT_UNKNOWN`) cost a call.
                var type = mode_t(0)
                switch entry.pointee.d_type {
                case UInt8(DT_REG): type = S_IFREG
                case UInt8(DT_DIR): type = S_IFDIR
                case UInt8(DT_LNK): type = S_IFLNK
                case UInt8(DT_UNKNOWN):
                    var status = stat()
                    guard lstat(full, &status) == 0 else { continue }
                    type = status.st_mode & S_IFMT
                default: break
                }
                switch type {
                case S_IFREG:
                    files.append(full)
                case S_IFDIR:
                    pending.append(child + "/")
                case S_IFLNK:
                    if Self.isRegularFile(full) { files.append(full) }
                default:
                    break
                }
            }
        }
        return .success(files.sorted())
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    /// Reads one file, deciding its kind from its first bytes.
    ///
    /// Plain POSIX calls: one `open`, one `fstat` and, for a regular file, reads of exactly its size into one
    /// buffer that becomes the `Data` without a copy (Foundation's `FileHandle` and `attributesOfItem` cost more
    /// than decoding a 10 KB response). An XML test report or a Cucumber report in a regular file is streamed from
    /// disk instead, so a large one is never held in memory, and so is a build log, from any file (a FIFO, `<(…)`, standard input)
    /// and through zlib when gzip-compressed. Anything else is read to its end once.
    public static func read(path: String, logs: LogReading = LogReading()) -> Ingested {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return failure(path, .unknown, IngestError("cannot open the file: \(String(cString: strerror(errno)))"))
        }
        defer { close(descriptor) }
        return read(descriptor: descriptor, path: path, logs: logs)
    }

    /// Reads an open file (or standard input, descriptor 0), as `read(path:)` does.
    public static func read(descriptor: Int32, path: String, logs: LogReading = LogReading()) -> Ingested {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            return failure(path, .unknown, IngestError("cannot read the file: \(String(cString: strerror(errno)))"))
        }
        let isRegular = (status.st_mode & S_IFMT) == S_IFREG
        if (status.st_mode & S_IFMT) == S_IFDIR { return failure(path, .unknown, IngestError("is a directory")) }

        let size = isRegular ? Int(status.st_size) : nil
        let head: Data
        do {
            // A regular file shorter than the sniffed prefix is read whole here, into a buffer of its size.
            head = try readUp(to: sniffBytes, from: descriptor, expected: size.map { $0 + 1 })
        } catch {
            return failure(path, .unknown, error)
        }
        if GzipSource<DescriptorSource>.isGzip(head) {
            return readGzip(head: head, descriptor: descriptor, path: path, logs: logs)
        }
        let content = Sniffer.sniff(head)
        let limit: Int
        switch content {
        case .xml:
            guard isRegular, path != "-" else { break }
            let head = [UInt8](head)
            do {
                return success(path, .junit(try XMLReportReader.read(path: path, head: head)))
            } catch {
                return failure(path, XMLReportReader.guessedKind(head), error)
            }
        case .json:
            // An array is no AWS response: a Cucumber report, streamed from disk.
            guard isRegular, path != "-", Sniffer.startsWithArray(head) else { break }
            do {
                return success(path, .junit(try CucumberReader.read(path: path)))
            } catch {
                return failure(path, .unknown, error)
            }
        case .text:
            var source = PrefixedSource(head, then: DescriptorSource(descriptor: descriptor))
            return readLog(&source, path: path, logs: logs)
        case .empty, .binary, .unknownText:
            return read(data: head, path: path, logs: logs)
        }
        limit = content == .json ? AWSJSONReader.maxBytes : maxStdinBytes
        if let size, size > limit {
            return failure(path, .unknown, IngestError("file of \(size / 1_048_576) MiB is over the \(limit / 1_048_576) MiB limit for its kind"))
        }
        guard head.count == sniffBytes else { return read(data: head, path: path, logs: logs) }
        // The rest is appended to the head rather than `head + rest`: one copy of the file fewer at the peak (a
        // 400 MB log peaked at 3.3 times its size).
        var data = head
        do {
            let rest = try readUp(to: limit + 1 - head.count, from: descriptor, expected: size.map { max($0 - head.count, 0) + 1 })
            if !rest.isEmpty { data.append(rest) }
        } catch {
            return failure(path, .unknown, error)
        }
        if data.count > limit {
            return failure(path, .unknown, IngestError("input of more than \(limit / 1_048_576) MiB is over the \(limit / 1_048_576) MiB limit for its kind"))
        }
        return read(data: data, path: path, logs: logs)
    }

    /// A gzip-compressed file: a build log is streamed through zlib; anything else is inflated whole (up to the
    /// limit for standard input) and read as if it had not been compressed.
    static func readGzip(head: Data, descriptor: Int32, path: String, logs: LogReading) -> Ingested {
        do {
            let inflated = try GzipSource(PrefixedSource(head, then: DescriptorSource(descriptor: descriptor)))
            var decompressedHead = Data()
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: sniffBytes, alignment: 16)
            defer { chunk.deallocate() }
            while decompressedHead.count < sniffBytes {
                let got = try inflated.read(into: UnsafeMutableRawBufferPointer(rebasing: chunk[..<(sniffBytes - decompressedHead.count)]))
                if got == 0 { break }
                decompressedHead.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<got]))
            }
            if Sniffer.sniff(decompressedHead) == .text {
                var source = PrefixedSource(decompressedHead, then: inflated)
                return readLog(&source, path: path, logs: logs)
            }
            var data = decompressedHead
            while data.count <= maxStdinBytes {
                let got = try inflated.read(into: chunk)
                if got == 0 { break }
                data.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[..<got]))
            }
            if data.count > maxStdinBytes {
                return failure(path, .unknown, IngestError("decompressed input of more than \(maxStdinBytes / 1_048_576) MiB is over the limit for its kind"))
            }
            return read(data: data, path: path, logs: logs)
        } catch {
            return failure(path, .unknown, error)
        }
    }

    /// Streams a build log (see `BuildLogReader.read(from:matcher:keepText:)`).
    static func readLog(_ source: inout some LogByteSource, path: String, logs: LogReading) -> Ingested {
        do {
            return success(path, .buildLog(try BuildLogReader.read(from: &source, matcher: logs.matcher, keepText: logs.keepText)))
        } catch {
            return failure(path, .buildLog, error)
        }
    }

    /// Reads from `descriptor` until end of file or `limit` bytes, into one buffer sized for `expected` bytes
    /// (grown when the file turns out longer), handed to `Data` without a copy.
    static func readUp(to limit: Int, from descriptor: Int32, expected: Int? = nil) throws(IngestError) -> Data {
        guard limit > 0 else { return Data() }
        var capacity = min(limit, max(expected ?? limit, 4096))
        guard var buffer = malloc(capacity) else { throw IngestError("out of memory reading the file") }
        var count = 0
        while count < limit {
            if count == capacity {
                // Longer than announced (a growing file, a pipe): double, up to the limit.
                let grown = min(limit, capacity * 2)
                guard let larger = realloc(buffer, grown) else {
                    free(buffer)
                    throw IngestError("out of memory reading the file")
                }
                buffer = larger
                capacity = grown
            }
            let got = posixReadBytes(descriptor, buffer + count, capacity - count)
            if got < 0 {
                if errno == EINTR { continue }
                let message = String(cString: strerror(errno))
                free(buffer)
                throw IngestError("cannot read the file: \(message)")
            }
            if got == 0 { break }
            count += got
        }
        guard count > 0 else {
            free(buffer)
            return Data()
        }
        return Data(bytesNoCopy: buffer, count: count, deallocator: .free)
    }

    /// Reads bytes already in memory (standard input, or a small file).
    public static func read(data: Data, path: String, logs: LogReading = LogReading()) -> Ingested {
        switch Sniffer.sniff(data) {
        case .empty:
            return failure(path, .unknown, IngestError("empty file"))
        case .binary(let offset):
            return failure(path, .unknown, IngestError("binary content (NUL byte at offset \(offset)): not a report, response or log"))
        case .json:
            var data = data
            if let bigEndian = Sniffer.utf16BigEndian(data) {
                // UTF-16 JSON (Windows PowerShell's redirections write it): read as UTF-8.
                var transcoder = UTF16ToUTF8(bigEndian: bigEndian)
                var bytes: [UInt8] = []
                do {
                    try transcoder.transcode(ArraySlice(data.dropFirst(2)), final: true, into: &bytes)
                } catch {
                    return failure(path, .unknown, error)
                }
                data = Data(bytes)
            }
            if Sniffer.startsWithArray(data) {
                do {
                    return success(path, .junit(try CucumberReader.read(bytes: [UInt8](data))))
                } catch {
                    return failure(path, .unknown, error)
                }
            }
            do {
                let document = try AWSJSONReader.read(data)
                return success(path, document)
            } catch {
                return failure(path, .unknown, error)
            }
        case .xml:
            let bytes = [UInt8](data)
            do {
                return success(path, .junit(try XMLReportReader.read(bytes: bytes)))
            } catch {
                return failure(path, XMLReportReader.guessedKind(bytes), error)
            }
        case .text:
            var source = PrefixedSource<DescriptorSource>(data, then: nil)
            return readLog(&source, path: path, logs: logs)
        case .unknownText:
            return failure(
                path, .unknown,
                IngestError("not a recognised input: neither JSON (an AWS CLI response, a Cucumber report), XML (a test report) nor a CodeBuild log"))
        }
    }

    static func success(_ path: String, _ document: Document) -> Ingested {
        Ingested(record: InputRecord(path: path, kind: document.kind, status: .ok), document: document)
    }

    static func failure(_ path: String, _ kind: InputKind, _ error: IngestError) -> Ingested {
        let kind = error.kind ?? kind
        let diagnostic = "\(path): \(error.description)".replacingControlCharacters()
        return Ingested(
            record: InputRecord(
                path: path, kind: kind, status: error.nothingToAnalyze ? .ignored : .error, diagnostic: diagnostic, line: error.line,
                column: error.column),
            document: nil)
    }
}


extension String {
    /// One line, printable: control characters (newlines included) shown as `\u{…}` escapes.
    func replacingControlCharacters() -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            if scalar.properties.generalCategory == .control {
                result += scalar == "\n" ? "\\n" : scalar == "\t" ? " " : "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
