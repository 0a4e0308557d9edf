public import BuildTriageCore
import BuildTriageReporters
import Foundation

/// What the HTML page charts, computed from the judgement and the runs' findings.
public struct HistoryTrends: Sendable {
    public struct Day: Sendable, Hashable {
        /// Seconds since 1970 at 00:00 UTC.
        public var start: Int64
        public var runs: Int
        /// Runs with at least one flaky failure.
        public var flakyRuns: Int
        /// Failed runs (verdict not clean) by the categories of their findings.
        public var failedByCategory: [Category: Int]
        /// Failed runs a retry rescued (a later run of the commit passed) and quarantine would have.
        public var rescuedByRetry: Int
        public var rescuedByQuarantine: Int
    }

    public enum Cell: Sendable, Hashable { case passed, failed, flakyAttempt, skipped, absent }

    public var days: [Day]
    /// The top flaky tests, each with its last runs (oldest first).
    public var strips: [(id: String, cells: [Cell])]

    public static let empty = HistoryTrends(days: [], strips: [])

    public static let stripRuns = 60
    public static let topTests = 10

    public static func make(report: FlakyReport, judgement: HistoryJudgement, store: HistoryStore) async throws -> HistoryTrends {
        let runs = judgement.runs
        let findings = try await store.findingCounts()
        var failingTests: [[UInt64]] = Array(repeating: [], count: runs.count)
        var flakyAttempt = Array(repeating: false, count: runs.count)
        for (test, list) in judgement.observations {
            for observation in list where observation.status.failedInTheEnd { failingTests[observation.run].append(test) }
            for observation in list where observation.status == .flakyInRun { flakyAttempt[observation.run] = true }
        }
        let flakyHashes = Set(judgement.verdicts.filter { $0.value.kind == .flaky }.map(\.key))
        var flakyRun = Array(repeating: false, count: runs.count)
        for verdict in judgement.verdicts.values where verdict.kind == .flaky { for run in verdict.flakyRuns { flakyRun[run] = true } }
        // A failed run is rescued by a retry when a later run of the same commit had no failing test.
        var lastCleanOfCommit: [String: Int] = [:]
        for (index, run) in runs.enumerated() where failingTests[index].isEmpty { if let commit = run.commit { lastCleanOfCommit[commit] = index } }
        var days: [Int64: Day] = [:]
        for (index, run) in runs.enumerated() {
            let start = run.startedAt - ((run.startedAt % 86_400) + 86_400) % 86_400
            var day = days[start] ?? Day(start: start, runs: 0, flakyRuns: 0, failedByCategory: [:], rescuedByRetry: 0, rescuedByQuarantine: 0)
            day.runs += 1
            if flakyRun[index] { day.flakyRuns += 1 }
            let failed = !failingTests[index].isEmpty || (run.verdict.map { $0 != .clean } ?? false)
            if failed {
                let categories = findings[run.rowID].map { Array($0.keys) } ?? (failingTests[index].isEmpty ? [] : [.testFailure])
                for category in categories { day.failedByCategory[category, default: 0] += 1 }
                if let commit = run.commit, let clean = lastCleanOfCommit[commit], clean > index { day.rescuedByRetry += 1 }
                if !failingTests[index].isEmpty, failingTests[index].allSatisfy(flakyHashes.contains) { day.rescuedByQuarantine += 1 }
            }
            days[start] = day
        }
        var strips: [(String, [Cell])] = []
        let hashByName = Dictionary(judgement.verdicts.keys.map { (judgement.name(of: $0), $0) }, uniquingKeysWith: { first, _ in first })
        let window = max(0, runs.count - stripRuns)..<runs.count
        for test in report.tests.prefix(topTests) {
            guard let hash = hashByName[test.id] else { continue }
            var cells = Array(repeating: Cell.absent, count: window.count)
            for observation in judgement.observations[hash] ?? [] where window.contains(observation.run) {
                cells[observation.run - window.lowerBound] =
                    switch observation.status {
                    case .passed: .passed
                    case .failed, .errored: .failed
                    case .flakyInRun: .flakyAttempt
                    case .skipped: .skipped
                    }
            }
            strips.append((test.id, cells))
        }
        return HistoryTrends(days: days.values.sorted { $0.start < $1.start }, strips: strips)
    }
}

extension FlakyRendering {
    /// One self-contained page: no script, no external resource; charts are inline SVG.
    public static func html(_ report: FlakyReport, trends: HistoryTrends) -> String {
        var body = "<h1>Flaky tests</h1>\n<p>\(report.tests.count) flaky and \(report.broken.count) broken test\(report.broken.count == 1 ? "" : "s") in \(Escape.html(window(report))).</p>\n"
        body += "<h2>Flake rate over time</h2>\n" + lineChart(trends.days.map { ($0.start, $0.runs == 0 ? 0 : Double($0.flakyRuns) / Double($0.runs)) })
        body += "<h2>Top flaky tests</h2>\n"
        for (id, cells) in trends.strips { body += "<div class=\"strip\"><code>\(Escape.html(id))</code>\n\(strip(cells))</div>\n" }
        body += "<p class=\"legend\"><span class=\"k passed\"></span>passed <span class=\"k failed\"></span>failed <span class=\"k flaky\"></span>flaky attempt (failed, then passed in the run) <span class=\"k skipped\"></span>skipped</p>\n"
        body += "<h2>Failed runs per day, by category</h2>\n" + stackedBars(trends.days)
        body += "<h2>Runs rescued</h2>\n" + rescued(trends.days)
        body += "<h2>Flaky tests</h2>\n<table><tr><th>Test</th><th>Flake rate</th><th>Failed / runs</th><th>Commits</th><th>Last flaky run</th><th>Last failure</th></tr>\n"
        for test in report.tests {
            body += "<tr><td><code>\(Escape.html(test.id))</code></td><td>\(percent(test.flakeRate))</td><td>\(test.failures) / \(test.runs)</td><td>\(test.flakyCommits.count)</td><td>\(Escape.html(test.lastFlakyRun.at))</td><td>\(Escape.html(test.lastFailureMessage ?? ""))</td></tr>\n"
        }
        body += "</table>\n"
        if !report.broken.isEmpty {
            body += "<h2>Broken tests</h2>\n<table><tr><th>Test</th><th>Broken since</th><th>First failing run</th><th>Failing runs</th></tr>\n"
            for test in report.broken {
                body += "<tr><td><code>\(Escape.html(test.id))</code></td><td><code>\(Escape.html(short(test.since)))</code></td><td>\(Escape.html(test.firstFailingRun.id)) (\(Escape.html(test.firstFailingRun.at)))</td><td>\(test.failingRuns)</td></tr>\n"
            }
            body += "</table>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Flaky tests</title>
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <style>
            body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
            svg{display:block;margin:.5em 0}.passed{fill:#2e7d32;background:#2e7d32}.failed{fill:#c62828;background:#c62828}.flaky{fill:#f9a825;background:#f9a825}
            .skipped{fill:#9e9e9e;background:#9e9e9e}.absent{fill:#eee}.k{display:inline-block;width:10px;height:10px;margin:0 .3em 0 1em}
            .line{fill:none;stroke:#c62828;stroke-width:2}.axis{stroke:#999}text{font-size:11px;fill:#555}
            </style></head><body>
            \(body)</body></html>
            """
    }

    static let categoryColours: [Category: String] = [
        .testFailure: "#c62828", .flaky: "#f9a825", .infrastructure: "#1565c0", .timeout: "#6a1b9a", .buildFailure: "#4e342e",
        .clientError: "#00838f", .collateral: "#9e9e9e", .stopped: "#616161", .ignored: "#bdbdbd",
    ]

    static func lineChart(_ points: [(Int64, Double)]) -> String {
        guard !points.isEmpty else { return "<p>No runs.</p>\n" }
        let width = 720.0, height = 160.0
        let top = max(points.map(\.1).max() ?? 0, 0.01)
        let step = points.count > 1 ? width / Double(points.count - 1) : 0
        let path = points.enumerated().map { index, point in
            String(format: "%@%.1f,%.1f", index == 0 ? "M" : " L", Double(index) * step + 40, height - point.1 / top * (height - 20) + 5)
        }.joined()
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width) + 60)" height="\(Int(height) + 30)" role="img" aria-label="Share of runs with a flaky failure, per day">
            <line class="axis" x1="40" y1="\(Int(height) + 5)" x2="\(Int(width) + 40)" y2="\(Int(height) + 5)"/><text x="0" y="12">\(percent(top))</text><text x="0" y="\(Int(height) + 5)">0%</text>
            <text x="40" y="\(Int(height) + 22)">\(HistoryDates.day(points.first!.0))</text><text x="\(Int(width) - 40)" y="\(Int(height) + 22)">\(HistoryDates.day(points.last!.0))</text>
            <path class="line" d="\(path)"/></svg>

            """
    }

    static func strip(_ cells: [HistoryTrends.Cell]) -> String {
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(cells.count * 9)\" height=\"14\" role=\"img\" aria-label=\"Last runs\">"
        for (index, cell) in cells.enumerated() {
            let name =
                switch cell {
                case .passed: "passed"
                case .failed: "failed"
                case .flakyAttempt: "flaky"
                case .skipped: "skipped"
                case .absent: "absent"
                }
            svg += "<rect class=\"\(name)\" x=\"\(index * 9)\" y=\"1\" width=\"7\" height=\"12\"><title>\(name)</title></rect>"
        }
        return svg + "</svg>"
    }

    static func stackedBars(_ days: [HistoryTrends.Day]) -> String {
        guard !days.isEmpty else { return "<p>No runs.</p>\n" }
        let height = 140.0
        let top = Double(max(days.map { $0.failedByCategory.values.reduce(0, +) }.max() ?? 0, 1))
        let bar = max(3, min(20, 720 / days.count))
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(days.count * (bar + 1) + 10)\" height=\"\(Int(height) + 10)\" role=\"img\" aria-label=\"Failed runs per day by category\">"
        for (index, day) in days.enumerated() {
            var y = height
            for category in Category.allCases {
                guard let count = day.failedByCategory[category], count > 0 else { continue }
                let h = Double(count) / top * (height - 10)
                y -= h
                svg += String(format: "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%@\"><title>%@: %d %@</title></rect>", index * (bar + 1), y, bar, h, categoryColours[category] ?? "#777", HistoryDates.day(day.start), count, category.rawValue)
            }
        }
        svg += "</svg>\n<p class=\"legend\">" + Category.allCases.map { "<span class=\"k\" style=\"background:\(categoryColours[$0] ?? "#777")\"></span>\($0.rawValue)" }.joined(separator: " ") + "</p>\n"
        return svg
    }

    static func rescued(_ days: [HistoryTrends.Day]) -> String {
        let retry = days.reduce(0) { $0 + $1.rescuedByRetry }
        let quarantine = days.reduce(0) { $0 + $1.rescuedByQuarantine }
        let height = 100.0
        let top = Double(max(days.map { max($0.rescuedByRetry, $0.rescuedByQuarantine) }.max() ?? 0, 1))
        var svg = "<p>\(retry) failed run\(retry == 1 ? "" : "s") passed when retried on the same commit; quarantining the flaky tests would have turned \(quarantine) failed run\(quarantine == 1 ? "" : "s") green.</p>\n"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(days.count * 9 + 10)\" height=\"\(Int(height) + 10)\" role=\"img\" aria-label=\"Runs rescued per day\">"
        for (index, day) in days.enumerated() {
            let r = Double(day.rescuedByRetry) / top * height
            let q = Double(day.rescuedByQuarantine) / top * height
            svg += String(format: "<rect class=\"passed\" x=\"%d\" y=\"%.1f\" width=\"4\" height=\"%.1f\"><title>retry: %d</title></rect>", index * 9, height - r, r, day.rescuedByRetry)
            svg += String(format: "<rect class=\"flaky\" x=\"%d\" y=\"%.1f\" width=\"4\" height=\"%.1f\"><title>quarantine: %d</title></rect>", index * 9 + 4, height - q, q, day.rescuedByQuarantine)
        }
        return svg + "</svg>\n<p class=\"legend\"><span class=\"k passed\"></span>rescued by a retry <span class=\"k flaky\"></span>rescued by quarantine</p>\n"
    }
}
