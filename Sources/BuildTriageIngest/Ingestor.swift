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
    /// Largest build log read (a log is kept in memory for the knowledge base's patterns).
    public static let maxLogBytes = 512 * 1024 * 1024
    /// Largest standard input read.
    public static let maxStdinBytes = 512 * 1024 * 1024

    /// Reads standard input when a path is `-`; replaceable in tests.
    public var standardInput: @Sendable () -> Data

    public init(standardInput: @escaping @Sendable () -> Data = { FileHandle.standardInput.readDataToEndOfFile() }) {
        self.standardInput = standardInput
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
        let stdinData: Data? = jobs.contains { if case .stdin = $0 { true } else { false } } ? standardInput() : nil
        DispatchQueue.concurrentPerform(iterations: jobList.count) { index in
            let outcome: Ingested
            switch jobList[index] {
            case .file(let path): outcome = Self.read(path: path)
            case .stdin: outcome = Self.read(data: stdinData ?? Data(), path: "-")
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
                var status = stat()
                guard lstat(full, &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
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
    public static func read(path: String) -> Ingested {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return failure(path, .unknown, IngestError("cannot open the file (permission denied?)"))
        }
        defer { try? handle.close() }
        let head: Data
        do {
            head = try handle.read(upToCount: sniffBytes) ?? Data()
        } catch {
            return failure(path, .unknown, IngestError("cannot read the file: \(error.localizedDescription)"))
        }
        switch Sniffer.sniff(head) {
        case .xml:
            // Streamed from disk: a large report is never held in memory.
            do {
                return success(path, .junit(try JUnitReader.read(path: path)))
            } catch {
                return failure(path, .junit, error)
            }
        case .json, .text:
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            let limit = Sniffer.sniff(head) == .json ? AWSJSONReader.maxBytes : maxLogBytes
            if size > limit {
                return failure(path, .unknown, IngestError("file of \(size / 1_048_576) MiB is over the \(limit / 1_048_576) MiB limit for its kind"))
            }
            // Appended to the head rather than `head + rest`: one copy of the file fewer at the peak (a 400 MB log
            // peaked at 3.3 times its size).
            var data = head
            do {
                if let rest = try handle.readToEnd() { data.append(rest) }
            } catch {
                return failure(path, .unknown, IngestError("cannot read the file: \(error.localizedDescription)"))
            }
            return read(data: data, path: path)
        case .empty, .binary, .unknownText:
            return read(data: head, path: path)
        }
    }

    /// Reads bytes already in memory (standard input, or a small file).
    public static func read(data: Data, path: String) -> Ingested {
        switch Sniffer.sniff(data) {
        case .empty:
            return failure(path, .unknown, IngestError("empty file"))
        case .binary(let offset):
            return failure(path, .unknown, IngestError("binary content (NUL byte at offset \(offset)): not a report, response or log"))
        case .json:
            do {
                let document = try AWSJSONReader.read(data)
                return success(path, document)
            } catch {
                return failure(path, .unknown, error)
            }
        case .xml:
            do {
                return success(path, .junit(try JUnitReader.read(bytes: [UInt8](data))))
            } catch {
                return failure(path, .junit, error)
            }
        case .text:
            guard let text = String(validating: data, as: UTF8.self) ?? String(validatingUTF8Lossy: data) else {
                return failure(path, .buildLog, IngestError("not valid UTF-8 text"))
            }
            return success(path, .buildLog(BuildLogReader.read(text)))
        case .unknownText:
            return failure(
                path, .unknown,
                IngestError("not a recognised input: neither JSON (an AWS CLI response), XML (a JUnit report) nor a CodeBuild log"))
        }
    }

    static func success(_ path: String, _ document: Document) -> Ingested {
        Ingested(record: InputRecord(path: path, kind: document.kind, status: .ok), document: document)
    }

    static func failure(_ path: String, _ kind: InputKind, _ error: IngestError) -> Ingested {
        let kind = error.kind ?? kind
        let diagnostic = "\(path): \(error.description)".replacingControlCharacters()
        return Ingested(
            record: InputRecord(path: path, kind: kind, status: .error, diagnostic: diagnostic, line: error.line, column: error.column),
            document: nil)
    }
}

extension String {
    /// Decodes UTF-8 replacing invalid sequences, but only when they are rare (a log with a stray Latin-1
    /// byte is still a log; a file that is mostly invalid is not text).
    init?(validatingUTF8Lossy data: Data) {
        let decoded = String(decoding: data, as: UTF8.self)
        let replacements = decoded.unicodeScalars.lazy.filter { $0 == "\u{FFFD}" }.count
        guard replacements * 100 <= Swift.max(data.count, 1) else { return nil }
        self = decoded
    }

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
