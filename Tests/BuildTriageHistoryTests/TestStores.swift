@testable import BuildTriageHistory
import BuildTriageTestSupport
import Foundation

/// The stores every store-level test runs against: a SQLite file always; a PostgreSQL server too when
/// `BUILDTRIAGE_TEST_POSTGRES_URL` names one (add its opener here when PostgreSQL lands).
enum TestStore: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    static var available: [TestStore] {
        ProcessInfo.processInfo.environment["BUILDTRIAGE_TEST_POSTGRES_URL"].map { _ in [.sqlite, .postgres] } ?? [.sqlite]
    }

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
