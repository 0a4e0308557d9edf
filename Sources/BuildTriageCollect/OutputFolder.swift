import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The folder `collect` writes into. File names are made from ids with `[A-Za-z0-9._-]` only (anything else
/// becomes `_`), are never hidden, and stay inside the folder; a name used twice gets a numbered suffix rather
/// than replacing an earlier response of this run.
struct OutputFolder {
    let url: URL
    private var used: Set<String> = []

    init(_ url: URL) throws {
        self.url = url
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A file name for `parts` joined by `-`, with `ext`, unique in this run.
    mutating func name(_ parts: [String], ext: String, subfolder: String? = nil) -> String {
        var base = parts.map(Self.safe).filter { !$0.isEmpty }.joined(separator: "-")
        if base.count > 150 { base = String(base.prefix(150)) }
        if base.isEmpty || base.hasPrefix(".") { base = "x" + base }
        let prefix = subfolder.map { "\($0)/" } ?? ""
        var candidate = "\(prefix)\(base).\(ext)"
        var counter = 2
        while used.contains(candidate) {
            candidate = "\(prefix)\(base)-\(counter).\(ext)"
            counter += 1
        }
        used.insert(candidate)
        return candidate
    }

    /// `[A-Za-z0-9._-]` of `value`, others as `_`; an ARN is reduced to its resource part.
    static func safe(_ value: String) -> String {
        var value = value
        if value.hasPrefix("arn:"), let slash = value.firstIndex(of: "/") { value = String(value[value.index(after: slash)...]) }
        return String(
            String.UnicodeScalarView(
                value.unicodeScalars.map { scalar in
                    switch scalar {
                    case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": scalar
                    default: "_"
                    }
                }))
    }

    /// Writes `data` to `relative` (a name from `name`), replacing the file atomically.
    func write(_ data: Data, to relative: String) throws {
        let target = url.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: target, options: .atomic)
    }
}
