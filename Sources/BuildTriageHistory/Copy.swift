import BuildTriageCore
import SQLKit

extension HistoryStore {
    /// The runs `runs` as they were recorded: outcomes with their tests' names and messages, and findings.
    func runRecords(_ runs: [RunInfo]) async throws -> [RunRecord] {
        guard !runs.isEmpty else { return [] }
        struct Stored {
            var test: UInt64
            var status: OutcomeStatus
            var failedAttempts: Int
            var message: UInt64?
        }
        var stored: [Int64: [Stored]] = [:]
        var tests: Set<UInt64> = []
        var messages: Set<UInt64> = []
        let rows = try await database.select().columns("test", "run", "status", "failed_attempts", "message").from("bt_outcomes")
            .where("run", .in, runs.map(\.rowID)).all()
        for row in rows {
            guard let status = OutcomeStatus(rawValue: try row.decode(column: "status", as: Int.self)) else { continue }
            let outcome = Stored(
                test: UInt64(bitPattern: try row.decode(column: "test", as: Int64.self)), status: status,
                failedAttempts: try row.decode(column: "failed_attempts", as: Int.self),
                message: try row.decode(column: "message", as: Int64?.self).map { UInt64(bitPattern: $0) })
            tests.insert(outcome.test)
            if let message = outcome.message { messages.insert(message) }
            stored[try row.decode(column: "run", as: Int64.self), default: []].append(outcome)
        }
        let names = try await self.tests(Array(tests))
        let texts = try await self.messages(Array(messages))
        let findings = try await findingCounts(of: runs.map(\.rowID))
        return runs.map { run in
            let outcomes = (stored[run.rowID] ?? []).map { outcome in
                let info = names[outcome.test]
                return RecordedOutcome(
                    test: outcome.test, name: info?.name, suite: info?.suite, file: info?.file, status: outcome.status,
                    failedAttempts: outcome.failedAttempts, message: outcome.message.flatMap { texts[$0] })
            }
            return RunRecord(
                key: run.id, commit: run.commit, branch: run.branch, startedAt: run.startedAt, verdict: run.verdict,
                findingCounts: findings[run.rowID] ?? [:], outcomes: outcomes)
        }
    }

    /// Copies every run of `source` into this store, a run at a time, each in its own transaction: a run already
    /// here under the same id is replaced, so copying twice gives the same store. Errors reading `source` go through
    /// `sourceError` (so that they name the source, not this store). Returns the number of runs copied.
    @discardableResult
    public func copy(from source: HistoryStore, sourceError: (any Error) -> any Error = { $0 }) async throws -> Int {
        func read<T>(_ body: () async throws -> T) async throws -> T {
            do { return try await body() } catch { throw sourceError(error) }
        }
        let runs = try await read { try await source.runs() }
        var copied = 0
        // A few runs at a time: the outcomes of one chunk are in memory at once.
        for chunk in runs.chunked(20) {
            for record in try await read({ try await source.runRecords(Array(chunk)) }) {
                try await self.record(record)
                copied += 1
            }
        }
        return copied
    }
}
