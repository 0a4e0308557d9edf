@testable import BuildTriageHistory
import BuildTriageTestSupport
import Foundation

/// The stores every store-level test runs against: a SQLite file always; a PostgreSQL server too when
/// `BUILDTRIAGE_TEST_POSTGRES_URL` names one, once the store opens PostgreSQL (see `available`).
enum TestStore: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    /// SQLite only for now: the store does not open `postgres://` locations yet (issue 15; `HistoryStore.open` says
    /// so in one place). When it does, this becomes `[.sqlite, .postgres]` whenever `BUILDTRIAGE_TEST_POSTGRES_URL`
    /// is set, which `.ci/run` does.
    static var available: [TestStore] { [.sqlite] }

    var testDescription: String { rawValue }

    /// A fresh, empty, migrated store, and what removes it.
    func make() async throws -> (HistoryStore, @Sendable () async -> Void) {
        switch self {
        case .sqlite:
            let scratch = try ScratchDirectory("history")
            let store = try await HistoryStore.open(.sqlite(path: scratch.path("history.sqlite")), access: .write)!
            return (store, { await store.close(); scratch.cleanUp() })
        case .postgres:
            let url = ProcessInfo.processInfo.environment["BUILDTRIAGE_TEST_POSTGRES_URL"] ?? ""
            let store = try await HistoryStore.open(.postgres(url: url), access: .write)!
            return (store, { await store.close() })
        }
    }
}

import Testing
