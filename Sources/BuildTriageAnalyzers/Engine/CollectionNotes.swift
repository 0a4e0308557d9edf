public import BuildTriageCore

/// The report's notes on how the inputs came to be: the EventBridge event that started the triage, and what a
/// partial `buildtriage collect` folder is missing (from its `manifest.json`). They never change a decision:
/// the verdict is the inputs', and the notes say what it may not have seen.
public enum CollectionNotes {
    /// One line per event, then one per missing piece of each manifest.
    public static func notes(for context: AnalysisContext) -> [String] {
        var notes: [String] = []
        for event in context.events {
            notes.append("triage started by \(event.value.summary) (\(event.path))")
        }
        for manifest in context.collectManifests where manifest.value.status != .complete || !manifest.value.failures.isEmpty {
            let value = manifest.value
            let failedCalls = value.calls.filter { $0.error != nil }.count
            notes.append(
                "the collection is \(value.status.rawValue) (\(manifest.path)): \(failedCalls) of \(value.calls.count) aws calls failed; "
                    + "the verdict cannot see what is missing")
            for failure in value.failures {
                let ids = failure.ids.isEmpty ? "" : " " + failure.ids.joined(separator: " ")
                notes.append("missing: \(failure.missing) (\(failure.operation)\(ids): \(failure.code): \(failure.message))")
            }
        }
        return notes.map { $0.replacingOccurrences(of: "\n", with: " ") }
    }
}
