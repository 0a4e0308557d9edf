import Dispatch

/// Runs async work to completion from synchronous code (the CLI's commands), on the global executor.
/// Never call it from a task: it blocks the calling thread.
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

/// Written by the task before it signals, read after the wait: the semaphore orders the two.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
