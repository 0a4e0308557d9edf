import BuildTriageCore
import BuildTriageReporters
import Foundation
import SQLKit

extension HistoryJudgement {
    /// No history yet.
    public static let empty = HistoryJudgement(runs: [], verdicts: [:], observations: [:], tests: [:], messages: [:])
}

extension HistoryStore {
    /// `stats`, with the size of a SQLite file (and its WAL) where the store is one.
    public func statsWithSize() async throws -> HistoryStats {
        var stats = try await stats()
        if database.dialect.name == "sqlite" {
            let sizes = [location, location + "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int64 }
            stats.bytes = sizes.reduce(0, +)
        } else {
            // The tables with their indexes and TOAST, as the server counts them.
            var bytes: Int64 = 0
            for table in Schema.tables {
                bytes += try await database.select()
                    .column(SQLFunction("pg_total_relation_size", args: SQLLiteral.string(table)), as: "n")
                    .first(decodingColumn: "n", as: Int64.self) ?? 0
            }
            stats.bytes = bytes
        }
        return stats
    }
}

/// `flaky`, `quarantine` and `history stats` as text, JSON, Markdown and HTML. Pure.
public enum FlakyRendering {
    /// Pretty JSON, keys sorted (stable output).
    public static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func json(_ report: FlakyReport) -> String { encode(report) }

    static func percent(_ rate: Double) -> String {
        String(format: "%.1f%%", rate * 100)
    }

    static func short(_ commit: String?) -> String { commit.map { String($0.prefix(12)) } ?? "?" }

    static func window(_ report: FlakyReport) -> String {
        var parts = ["\(report.runs) run\(report.runs == 1 ? "" : "s")"]
        if let branch = report.branch { parts.append("on \(branch)") }
        if let since = report.since { parts.append("since \(since)") }
        return parts.joined(separator: " ")
    }

    public static func text(_ report: FlakyReport) -> String {
        var lines: [String] = []
        lines.append("\(report.tests.count) flaky test\(report.tests.count == 1 ? "" : "s") in \(window(report))")
        for test in report.tests {
            lines.append("  \(percent(test.flakeRate).leftPadded(6))  \(test.failures)/\(test.runs)  \(Escape.terminal(test.id))")
            var detail = "      on \(test.flakyCommits.count) commit\(test.flakyCommits.count == 1 ? "" : "s"), last \(test.lastFlakyRun.at) (run \(Escape.terminal(test.lastFlakyRun.id)))"
            if let file = test.file ?? test.suite { detail += ", in \(Escape.terminal(file))" }
            lines.append(detail)
            if let message = test.lastFailureMessage { lines.append("      \(Escape.terminal(message))") }
        }
        if !report.broken.isEmpty {
            lines.append("")
            lines.append("\(report.broken.count) broken test\(report.broken.count == 1 ? "" : "s") (failing in every run since a commit: fix, do not retry)")
            for test in report.broken {
                lines.append("  \(Escape.terminal(test.id)): broken since \(short(test.since)) (run \(Escape.terminal(test.firstFailingRun.id)), \(test.firstFailingRun.at)), \(test.failingRuns) failing run\(test.failingRuns == 1 ? "" : "s")")
            }
        }
        return lines.joined(separator: "\n")
    }

    public static func markdown(_ report: FlakyReport) -> String {
        var lines = ["## Flaky tests", "", "\(report.tests.count) flaky test\(report.tests.count == 1 ? "" : "s") in \(Escape.markdown(window(report))): each failed and passed on the same commit.", ""]
        if !report.tests.isEmpty {
            lines.append("| Test | Flake rate | Failed / runs | Commits | Last flaky run | Last failure |")
            lines.append("|---|---:|---:|---:|---|---|")
            for test in report.tests {
                lines.append("| `\(Escape.markdown(test.id))` | \(percent(test.flakeRate)) | \(test.failures) / \(test.runs) | \(test.flakyCommits.count) | \(Escape.markdown(test.lastFlakyRun.at)) | \(Escape.markdown(test.lastFailureMessage ?? "")) |")
            }
            lines.append("")
        }
        if !report.broken.isEmpty {
            lines.append("### Broken tests")
            lines.append("")
            lines.append("| Test | Broken since | First failing run | Failing runs |")
            lines.append("|---|---|---|---:|")
            for test in report.broken {
                lines.append("| `\(Escape.markdown(test.id))` | `\(Escape.markdown(short(test.since)))` | \(Escape.markdown(test.firstFailingRun.id)) (\(Escape.markdown(test.firstFailingRun.at))) | \(test.failingRuns) |")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    public static func text(_ stats: HistoryStats) -> String {
        var lines = [
            "history \(Escape.terminal(stats.location)) (schema \(stats.schemaVersion))",
            "  runs      \(stats.runs)",
            "  tests     \(stats.tests) (\(stats.namedTests) named)",
            "  outcomes  \(stats.outcomes)",
            "  messages  \(stats.messages)",
        ]
        if let oldest = stats.oldestRun { lines.append("  oldest    \(HistoryDates.iso8601(oldest))") }
        if let newest = stats.newestRun { lines.append("  newest    \(HistoryDates.iso8601(newest))") }
        if let bytes = stats.bytes {
            let perOutcome = stats.outcomes > 0 ? String(format: " (%.1f bytes an outcome)", Double(bytes) / Double(stats.outcomes)) : ""
            lines.append("  size      \(bytes) bytes\(perOutcome)")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
