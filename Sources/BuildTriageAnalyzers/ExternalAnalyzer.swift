public import BuildTriageCore
import Foundation

/// An analyzer in any language: an executable that reads the run's model as JSON on standard input and writes
/// findings as JSON on standard output (protocol `buildtriage-plugin/1`, documented in the README).
public struct ExternalAnalyzer: Sendable {
    public static let protocolVersion = "buildtriage-plugin/1"
    public var executable: String
    public var timeout: Double
    /// Largest answer read from the plugin.
    public static let maxOutputBytes = 16 * 1024 * 1024

    public init(executable: String, timeout: Double = 30) {
        self.executable = executable
        self.timeout = timeout
    }

    public struct Outcome: Sendable {
        public var findings: [Finding]
        public var diagnostics: [String]
    }

    public func run(_ input: TriageInput) -> Outcome {
        Outcome(findings: [], diagnostics: ["plugin \(executable): external analyzers are not available yet"])
    }
}
