/// POSIX `sh` quoting for emitted command lines.
///
/// An argument made only of `[A-Za-z0-9_@%+=:,./-]` is left as is; anything else (including the empty
/// string) is wrapped in single quotes, where `sh` interprets nothing, and each `'` inside becomes `'\''`.
/// The result parses back into exactly the same argv in any POSIX shell. (A NUL cannot be part of an
/// argument at all; validated values never contain one.)
public enum ShellQuote {
    /// Whether `scalar` is in the alphabet that needs no quoting.
    public static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "@", "%", "+", "=", ":", ",", ".", "/", "-": true
        default: false
        }
    }

    /// One argument, quoted when needed.
    public static func quote(_ argument: String) -> String {
        if !argument.isEmpty, argument.unicodeScalars.allSatisfy(isSafe) { return argument }
        return "'" + argument.replacingAll("'", with: "'\\''") + "'"
    }

    /// An argv array as one line of `sh`.
    public static func line(_ argv: [String]) -> String {
        argv.map(quote).joined(separator: " ")
    }
}

extension String {
    /// Every occurrence of the scalar `target` replaced. Works on Unicode scalars, not characters: a `'`
    /// followed by a combining mark is one `Character` but still a quote to the shell.
    func replacingAll(_ target: Unicode.Scalar, with replacement: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if scalar == target { result.append(contentsOf: replacement.unicodeScalars) } else { result.append(scalar) }
        }
        return String(result)
    }
}
