import ArgumentParser
import BuildTriageKit
import Foundation

/// `--history` and `--quarantine` of `analyze` and `retry`: history is used only when named.
struct AnalysisHistoryOptions: ParsableArguments {
    static let unavailable = "history unavailable"

    @Option(name: .long, help: ArgumentHelp("A history to judge failing tests by: a SQLite file or a postgres:// URL (default: $BUILDTRIAGE_HISTORY; none).", valueName: "location"))
    var history: String?

    @Option(name: .long, help: ArgumentHelp("A file of quarantined test ids (buildtriage quarantine's output): their failures do not fail the verdict.", valueName: "file"))
    var quarantine: String?

    /// Adds the history and quarantine refiners; returns the report's notes. When the history cannot be used, the
    /// run is analyzed without it, and one line says so on standard error.
    func refine(_ configuration: inout AnalysisConfiguration, for input: TriageInput) -> [String] {
        var notes: [String] = []
        if let quarantine {
            if let text = try? String(contentsOfFile: quarantine, encoding: .utf8) {
                configuration.refiners.append(QuarantineRefiner(tests: QuarantineRefiner.parse(text)))
            } else {
                notes.append("quarantine file \(quarantine): cannot be read; nothing was quarantined")
            }
        }
        let environment = ProcessInfo.processInfo.environment
        do {
            guard let location = try HistoryLocation.resolve(option: history, environment: environment, orDefault: false) else { return notes }
            let timeout = HistoryStore.busyTimeout(environment: environment)
            let refiner: HistoryRefiner? = try runBlocking {
                guard let store = try await HistoryStore.open(location, access: .read, timeout: timeout) else { return nil }
                do {
                    let refiner = try await Triage.historyRefiner(for: input, store: store)
                    await store.close()
                    return refiner
                } catch {
                    await store.close()
                    throw HistoryStore.describe(error, location: location, timeout: timeout)
                }
            }
            if let refiner { configuration.refiners.append(refiner) }
        } catch {
            let line = "\(Self.unavailable): \(error); analyzed without it"
            FileHandle.standardError.write(Data("buildtriage: \(line)\n".utf8))
            notes.append(line)
        }
        return notes
    }
}

/// `--history` of `record`, `flaky`, `quarantine` and `history`: default `.buildtriage/history.sqlite`.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The history: a SQLite file or a postgres:// URL (default: $BUILDTRIAGE_HISTORY, else .buildtriage/history.sqlite).", valueName: "location"))
    var history: String?

    var location: HistoryLocation {
        get throws(HistoryError) {
            try HistoryLocation.resolve(option: history, environment: ProcessInfo.processInfo.environment, orDefault: true)!
        }
    }

    /// Opens the store and runs `body` on it; a store that cannot be used exits 6 with one line. For reading, a
    /// missing store is an empty history (`body` gets nil).
    func with<T: Sendable>(_ access: HistoryAccess, _ body: @escaping @Sendable (HistoryStore?) async throws -> T) throws -> T {
        let location = try StoreOptions.exitingOnFailure { try self.location }
        return try StoreOptions.run { try await StoreOptions.using(location, access, body) }
    }

    /// Opens `location`, runs `body` on it and closes it; an error is described as the store's, in one line.
    static func using<T: Sendable>(
        _ location: HistoryLocation, _ access: HistoryAccess, _ body: @Sendable (HistoryStore?) async throws -> T
    ) async throws -> T {
        let store = try await HistoryStore.open(location, access: access, timeout: timeout)
        do {
            let result = try await body(store)
            await store?.close()
            return result
        } catch {
            await store?.close()
            throw HistoryStore.describe(error, location: location, timeout: timeout)
        }
    }

    static var timeout: Double { HistoryStore.busyTimeout(environment: ProcessInfo.processInfo.environment) }

    /// Runs history work from a command: a `HistoryError` is printed as one line and exits 6.
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        try exitingOnFailure { try runBlocking(body) }
    }

    static func exitingOnFailure<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as HistoryError {
            FileHandle.standardError.write(Data("buildtriage: \(error)\n".utf8))
            throw ExitCode(TriageExitCode.historyUnusable.rawValue)
        }
    }
}
