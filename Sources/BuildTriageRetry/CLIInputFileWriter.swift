public import BuildTriageCore
public import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why `--write-cli-input-json DIR` could not write a file.
public enum CLIInputWriteError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The directory could not be created or resolved.
    case cannotCreateDirectory(path: String, reason: String)
    /// The path exists and is not a directory.
    case notADirectory(path: String)
    /// A file name would leave the directory (never produced by `fileName(for:)`; checked all the same).
    case outsideDirectory(name: String)
    /// The destination exists as a symbolic link; it is neither followed nor replaced.
    case refusedSymlink(path: String)
    /// The destination exists and is not a regular file (a directory, a FIFO...).
    case notARegularFile(path: String)
    /// A system call failed while writing.
    case writeFailed(path: String, reason: String)

    /// One line for a diagnostic.
    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let reason): "cannot create directory \(path): \(reason)"
        case .notADirectory(let path): "\(path) is not a directory"
        case .outsideDirectory(let name): "file name \(Display.quoted(name)) would leave the output directory"
        case .refusedSymlink(let path): "refusing to write \(path): it is a symbolic link"
        case .notARegularFile(let path): "refusing to write \(path): it exists and is not a regular file"
        case .writeFailed(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}

/// Writes `--cli-input-json` files, one per command, into one directory and nowhere else.
public enum CLIInputFileWriter {
    /// Longest file name produced, `.json` included.
    public static let maxFileNameLength = 120

    /// A file name for `target` made of `[A-Za-z0-9._-]` only: `<kind>-<ids>-<hash>.json`, where every other
    /// character becomes `_` (runs collapsed), the readable part is cut so the whole name fits in
    /// `maxFileNameLength`, and `<hash>` (12 hex digits of a 64-bit FNV-1a of all the target's fields) keeps
    /// distinct targets apart even when their readable parts coincide. Never empty, `.`, `..`, or hidden.
    public static func fileName(for target: Target) -> String {
        let fields: [String] =
            switch target.kind {
            case .stage: [target.pipelineName ?? target.id, target.stageName ?? "", target.pipelineExecutionId ?? ""]
            default: [target.id]
            }
        let identity = [target.kind.rawValue, target.id, target.pipelineName ?? "\u{0}", target.stageName ?? "\u{0}",
                        target.pipelineExecutionId ?? "\u{0}"].joined(separator: "\u{1F}")
        let hash = String(fnv1a64(identity) >> 16, radix: 16)
        let suffix = "-" + String(repeating: "0", count: 12 - hash.count) + hash + ".json"
        var readable = sanitize(([target.kind.rawValue] + fields).joined(separator: "-"))
        let room = maxFileNameLength - suffix.count
        if readable.unicodeScalars.count > room {
            readable = String(String.UnicodeScalarView(readable.unicodeScalars.prefix(room)))
        }
        while let last = readable.unicodeScalars.last, last == "_" || last == "-" || last == "." {
            readable.unicodeScalars.removeLast()
        }
        if readable.isEmpty { readable = "target" }
        return readable + suffix
    }

    /// Writes each command's `cliInputJsonText` (sorted keys, final newline) to `directory/fileName(for:)`,
    /// creating the directory when needed, and returns the files' URLs in the order of `commands` (a
    /// repeated target is written once and listed each time).
    ///
    /// Safety: the directory is resolved (`realpath`) once; names contain no `/` and are never `.` or `..`, so
    /// every file lies directly inside it. An existing symbolic link at a destination is refused, as is any
    /// non-regular file. Content goes to a new temporary file (`O_CREAT|O_EXCL|O_NOFOLLOW`) in the directory,
    /// then `rename(2)` puts it in place: rename replaces a directory entry and never follows a link or writes
    /// through a hard link, even if one appears between the check and the write.
    public static func write(commands: [RetryCommand], to directory: URL) throws(CLIInputWriteError) -> [URL] {
        let root = try resolvedDirectory(directory)
        var written: [String: URL] = [:]
        var urls: [URL] = []
        for command in commands {
            let name = fileName(for: command.target)
            if let url = written[name] {
                urls.append(url)
                continue
            }
            guard isPlainName(name) else { throw .outsideDirectory(name: name) }
            let path = root + "/" + name
            try writeFile(Data(command.cliInputJsonText.utf8), to: path, in: root)
            let url = URL(fileURLWithPath: path)
            written[name] = url
            urls.append(url)
        }
        return urls
    }

    // MARK: - Pieces

    static func sanitize(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let keep: Bool =
                switch scalar {
                case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": true
                default: false
                }
            let mapped: Unicode.Scalar = keep ? scalar : "_"
            if mapped == "_", out.last == "_" { continue }
            out.append(mapped)
        }
        while let first = out.first, first == "." || first == "-" || first == "_" { out.removeFirst() }
        return String(out)
    }

    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.hasPrefix(".") && !name.contains("/")
            && !name.unicodeScalars.contains("\u{0}")
    }

    static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    private static func resolvedDirectory(_ directory: URL) throws(CLIInputWriteError) -> String {
        let path = directory.path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreateDirectory(path: path, reason: "\(error.localizedDescription)")
        }
        guard let resolved = realpath(path, nil) else {
            throw .cannotCreateDirectory(path: path, reason: errnoText())
        }
        defer { free(resolved) }
        let root = String(cString: resolved)
        var info = stat()
        guard stat(root, &info) == 0 else { throw .cannotCreateDirectory(path: path, reason: errnoText()) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .notADirectory(path: path) }
        return root == "/" ? "" : root
    }

    private static func writeFile(_ data: Data, to path: String, in root: String) throws(CLIInputWriteError) {
        var info = stat()
        if lstat(path, &info) == 0 {
            let type = info.st_mode & S_IFMT
            if type == S_IFLNK { throw .refusedSymlink(path: path) }
            if type != S_IFREG { throw .notARegularFile(path: path) }
        } else if errno != ENOENT {
            throw .writeFailed(path: path, reason: errnoText())
        }
        let temporary = root + "/.buildtriage-" + UUID().uuidString + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .writeFailed(path: temporary, reason: errnoText()) }
        var failure: String?
        data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = posixWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errnoText()
                    return
                }
                offset += n
            }
        }
        if close(fd) != 0, failure == nil { failure = errnoText() }
        if failure == nil, rename(temporary, path) != 0 { failure = errnoText() }
        if let failure {
            unlink(temporary)
            throw .writeFailed(path: path, reason: failure)
        }
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// `write(2)`, out of reach of `CLIInputFileWriter.write` which shadows it inside the type.
private func posixWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
