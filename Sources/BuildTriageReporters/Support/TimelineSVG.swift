import BuildTriageCore

/// The report's timeline as inline SVG, computed here so that it renders without JavaScript: one lane per
/// kind (batch phases, build groups, build phases, stages, actions), one row per entry, bars coloured by
/// status (CSS classes `s-…`), dependency arrows between build groups (`dependsOn`). Owners whose times
/// are far apart (a pipeline run and a build from another day) get separate charts, each with its own axis.
enum TimelineSVG {
    /// Rows drawn at most over all charts; the rest are counted under them.
    static let rowLimit = 1500

    static let labelWidth = 260
    static let chartWidth = 760
    static let rowHeight = 20
    static let laneHeaderHeight = 24
    static let axisHeight = 28

    /// One chart: its start time (for the caption) and its SVG.
    struct Chart {
        var origin: Timestamp?
        var svg: String
    }

    /// The charts for a timeline (none when it is empty).
    static func render(_ timeline: [TimelineEntry]) -> [Chart] {
        let shown = Array(timeline.prefix(rowLimit))
        return clusters(shown).enumerated().map { index, entries in chart(entries, id: index + 1) }
    }

    /// Entries split by owner into groups whose time ranges are close (gap below an hour, or below the
    /// longer range), in order of first appearance within each group.
    static func clusters(_ entries: [TimelineEntry]) -> [[TimelineEntry]] {
        guard !entries.isEmpty else { return [] }
        var owners: [String] = []
        var range: [String: (low: Double, high: Double)] = [:]
        var seen: Set<String> = []
        for entry in entries {
            if seen.insert(entry.owner).inserted { owners.append(entry.owner) }
            for time in [entry.start, entry.end].compactMap({ $0?.secondsSince1970 }) {
                let current = range[entry.owner] ?? (time, time)
                range[entry.owner] = (min(current.low, time), max(current.high, time))
            }
        }
        let timed = owners.filter { range[$0] != nil }.sorted { (range[$0]!.low, $0) < (range[$1]!.low, $1) }
        var clusterOf: [String: Int] = [:]
        var bounds: [(low: Double, high: Double)] = []
        for owner in timed {
            let ownerRange = range[owner]!
            if let last = bounds.last {
                let slack = max(3600, last.high - last.low, ownerRange.high - ownerRange.low)
                if ownerRange.low <= last.high + slack {
                    bounds[bounds.count - 1] = (last.low, max(last.high, ownerRange.high))
                    clusterOf[owner] = bounds.count - 1
                    continue
                }
            }
            clusterOf[owner] = bounds.count
            bounds.append(ownerRange)
        }
        var result = Array(repeating: [TimelineEntry](), count: max(bounds.count, 1))
        for entry in entries { result[clusterOf[entry.owner] ?? 0].append(entry) }
        return result
    }

    /// One SVG chart for entries sharing a time axis.
    static func chart(_ shown: [TimelineEntry], id: Int) -> Chart {
        let lanes: [TimelineEntry.Lane] = [.batchPhase, .buildGroup, .buildPhase, .stage, .action]
        let times = shown.flatMap { [$0.start, $0.end].compactMap { $0 } }
        let originTime = times.min()
        let origin = originTime?.secondsSince1970 ?? 0
        let last = times.max()?.secondsSince1970 ?? origin
        let span = max(last - origin, 1)
        func x(_ time: Timestamp) -> Int {
            labelWidth + Int(((time.secondsSince1970 - origin) / span * Double(chartWidth)).rounded())
        }

        struct Bar {
            var y: Int
            var startX: Int
            var endX: Int
            /// Drawn as a waiting box: the group did not start.
            var pending = false
        }
        // Where a build group that never started would have started: after the groups it waits for.
        var groupTimes: [String: (start: Timestamp?, end: Timestamp?)] = [:]
        for entry in shown where entry.lane == .buildGroup && groupTimes[entry.owner + "\u{0}" + entry.name] == nil {
            groupTimes[entry.owner + "\u{0}" + entry.name] = (entry.start, entry.end)
        }
        // After the bars of the groups it waits for, where they are drawn already (a group that did not start
        // either is a box, not a time), else after their times.
        func waitingX(_ entry: TimelineEntry, drawn: [String: Bar]) -> Int {
            let ends = (entry.dependsOn ?? []).compactMap { dependency -> Int? in
                let key = entry.owner + "\u{0}" + dependency
                if let bar = drawn[key] { return bar.endX + 16 }
                guard let times = groupTimes[key], let time = times.end ?? times.start else { return nil }
                return x(time) + 16
            }
            return min(ends.max() ?? labelWidth, labelWidth + chartWidth - 10)
        }
        // A group requested before a group it depends on started, or waiting for a group that never ran, never
        // ran itself: CodeBuild reports `requestedOn` (and STOPPED) for dependents cancelled while waiting.
        var groupEntries: [String: TimelineEntry] = [:]
        for entry in shown where entry.lane == .buildGroup && groupEntries[entry.owner + "\u{0}" + entry.name] == nil {
            groupEntries[entry.owner + "\u{0}" + entry.name] = entry
        }
        var notStarted: [String: Bool] = [:]
        func neverStarted(_ entry: TimelineEntry) -> Bool {
            guard entry.lane == .buildGroup else { return false }
            guard entry.end == nil, let start = entry.start?.secondsSince1970 else { return entry.start == nil && entry.end == nil }
            let key = entry.owner + "\u{0}" + entry.name
            if let known = notStarted[key] { return known }
            notStarted[key] = false  // a dependency cycle ends here
            let result = (entry.dependsOn ?? []).contains { dependency in
                guard let waitedFor = groupEntries[entry.owner + "\u{0}" + dependency] else { return false }
                if let dependencyStart = waitedFor.start?.secondsSince1970, dependencyStart > start { return true }
                return neverStarted(waitedFor)
            }
            notStarted[key] = result
            return result
        }

        var body = ""
        var groupBars: [String: Bar] = [:]  // "owner\u{0}name" of build groups
        var arrows: [(from: String, to: String)] = []
        var y = axisHeight
        for lane in lanes {
            let entries = shown.filter { $0.lane == lane }
            guard !entries.isEmpty else { continue }
            body += "<text class=\"lane\" x=\"4\" y=\"\(y + 16)\">\(Escape.html(title(lane)))</text>\n"
            body += "<line class=\"sep\" x1=\"0\" y1=\"\(y + 2)\" x2=\"\(labelWidth + chartWidth)\" y2=\"\(y + 2)\"/>\n"
            y += laneHeaderHeight
            let owners = Set(entries.map(\.owner))
            for entry in entries {
                let status = entry.status ?? "no status"
                var label = entry.name
                if owners.count > 1, lane != .buildGroup, lane != .stage { label = "\(entry.owner) · \(entry.name)" }
                let shortLabel = label.count > 38 ? String(label.prefix(37)) + "…" : label
                var tooltip = "\(label): \(status)"
                if let start = entry.start { tooltip += ", \(start.iso8601)" }
                if let end = entry.end { tooltip += " → \(end.iso8601)" }
                if let start = entry.start, let end = entry.end { tooltip += " (\(duration(end.secondsSince1970 - start.secondsSince1970)))" }
                body += "<g><title>\(Escape.html(tooltip))</title>"
                body += "<text class=\"label\" x=\"12\" y=\"\(y + 14)\">\(Escape.html(shortLabel))</text>"
                let bar: Bar
                let statusClass = statusClass(entry.status)
                if neverStarted(entry) || entry.start == nil {
                    let waiting = lane == .buildGroup ? waitingX(entry, drawn: groupBars) : labelWidth
                    body += "<rect class=\"pending\" x=\"\(waiting)\" y=\"\(y + 5)\" width=\"10\" height=\"\(rowHeight - 10)\"/>"
                    // To the right of the box, or to its left near the end of the chart.
                    let left = waiting + 180 > labelWidth + chartWidth
                    let note = entry.start == nil ? "not started" : "did not start"
                    body += "<text class=\"na\(left ? " end" : "")\" x=\"\(left ? waiting - 6 : waiting + 14)\" y=\"\(y + 14)\">\(Escape.html(status)), \(note)</text>"
                    bar = Bar(y: y + rowHeight / 2, startX: waiting, endX: waiting + 10, pending: true)
                } else if let start = entry.start, let end = entry.end {
                    let startX = x(start)
                    let width = max(x(end) - startX, 2)
                    body += "<rect class=\"bar \(statusClass)\" x=\"\(startX)\" y=\"\(y + 3)\" width=\"\(width)\" height=\"\(rowHeight - 6)\" rx=\"2\"/>"
                    bar = Bar(y: y + rowHeight / 2, startX: startX, endX: startX + width)
                } else if let start = entry.start, statusClass == "s-running" {
                    // Still running: an open bar to the end of the chart.
                    let startX = x(start)
                    let width = max(labelWidth + chartWidth - startX, 2)
                    body += "<rect class=\"bar \(statusClass) open\" x=\"\(startX)\" y=\"\(y + 3)\" width=\"\(width)\" height=\"\(rowHeight - 6)\" rx=\"2\"/>"
                    bar = Bar(y: y + rowHeight / 2, startX: startX, endX: startX + width)
                } else {
                    // A start with no end (a final phase, a group whose end was not reported): a tick.
                    let startX = entry.start.map(x) ?? labelWidth
                    body += "<rect class=\"bar \(statusClass)\" x=\"\(startX)\" y=\"\(y + 3)\" width=\"4\" height=\"\(rowHeight - 6)\"/>"
                    if let status = entry.status {
                        // To the right of the tick, or to its left near the end of the chart.
                        let left = startX + 180 > labelWidth + chartWidth
                        body += "<text class=\"na\(left ? " end" : "")\" x=\"\(left ? startX - 6 : startX + 8)\" y=\"\(y + 14)\">\(Escape.html(status)), no end time</text>"
                    }
                    bar = Bar(y: y + rowHeight / 2, startX: startX, endX: startX + 4)
                }
                body += "</g>\n"
                if lane == .buildGroup {
                    let key = entry.owner + "\u{0}" + entry.name
                    if groupBars[key] == nil { groupBars[key] = bar }
                    for dependency in entry.dependsOn ?? [] { arrows.append((entry.owner + "\u{0}" + dependency, key)) }
                }
                y += rowHeight
            }
        }

        // Dependency arrows: from the dependency's end into the dependent's start when it started after;
        // otherwise from the dependency's start, down and into the dependent's start.
        var arrowPaths = ""
        for arrow in arrows {
            guard let from = groupBars[arrow.from], let to = groupBars[arrow.to] else { continue }
            let path: String
            if to.pending {
                // Into the top (or bottom) of a group's waiting box, along the gap between rows: never through the
                // box's label, which sits beside it on its own row.
                let down = to.y >= from.y
                let gap = from.y + (down ? rowHeight / 2 : -rowHeight / 2)
                let center = (to.startX + to.endX) / 2
                path = "M\(from.endX) \(from.y) V\(gap) H\(center) V\(to.y + (down ? -6 : 6))"
            } else if to.startX >= from.endX + 12 {
                let out = from.endX + 6
                path = "M\(from.endX) \(from.y) H\(out) V\(to.y) H\(to.startX)"
            } else {
                let side = max(labelWidth + 2, min(from.startX, to.startX) - 6)
                path = "M\(from.startX) \(from.y) H\(side) V\(to.y) H\(to.startX)"
            }
            arrowPaths += "<path class=\"dep\" d=\"\(path)\" marker-end=\"url(#arrow\(id))\"/>\n"
        }

        var axis = ""
        let step = tickStep(span)
        var tick = 0.0
        while tick <= span + 0.001 {
            let tickX = labelWidth + Int((tick / span * Double(chartWidth)).rounded())
            axis += "<line class=\"tick\" x1=\"\(tickX)\" y1=\"\(axisHeight - 6)\" x2=\"\(tickX)\" y2=\"\(y)\"/>"
            axis += "<text class=\"axis\" x=\"\(tickX)\" y=\"\(axisHeight - 10)\">+\(duration(tick))</text>\n"
            tick += step
        }

        let height = y + 8
        let width = labelWidth + chartWidth + 40  // room for the last tick's label and arrows past the end
        var svg = "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"Timeline\">\n"
        svg += "<defs><marker id=\"arrow\(id)\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0 L8 4 L0 8 z\" class=\"arrowhead\"/></marker></defs>\n"
        svg += axis + body + arrowPaths + "</svg>\n"
        return Chart(origin: originTime, svg: svg)
    }

    static func title(_ lane: TimelineEntry.Lane) -> String {
        switch lane {
        case .batchPhase: "Batch phases"
        case .buildGroup: "Build groups"
        case .buildPhase: "Build phases"
        case .stage: "Pipeline stages"
        case .action: "Pipeline actions"
        }
    }

    /// `s-ok`, `s-failed`, `s-fault`, `s-timeout`, `s-stopped`, `s-running` or `s-other`, from CodeBuild
    /// (`SUCCEEDED`, `TIMED_OUT`) or CodePipeline (`Succeeded`, `InProgress`) spellings.
    static func statusClass(_ status: String?) -> String {
        let key = (status ?? "").uppercased().filter { $0 != "_" }
        switch key {
        case "SUCCEEDED", "SUCCEEDEDWITHWARNINGS": return "s-ok"
        case "FAILED", "CLIENTERROR": return "s-failed"
        case "FAULT": return "s-fault"
        case "TIMEDOUT": return "s-timeout"
        case "STOPPED", "STOPPING", "CANCELLED", "SUPERSEDED", "ABANDONED": return "s-stopped"
        case "INPROGRESS", "QUEUED", "PENDING", "SUBMITTED", "PROVISIONING", "STARTED": return "s-running"
        default: return "s-other"
        }
    }

    /// `45s`, `3m05s`, `1h02m`.
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m\(twoDigits(total % 60))s" }
        return "\(total / 3600)h\(twoDigits(total / 60 % 60))m"
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// A round tick interval giving at most about eight ticks.
    static func tickStep(_ span: Double) -> Double {
        let steps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]
        return steps.first { span / $0 <= 8 } ?? (span / 8).rounded(.up)
    }
}
