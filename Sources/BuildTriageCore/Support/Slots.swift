/// One result per iteration of a `concurrentPerform`: each iteration writes its own slot (distinct memory, no
/// array copy-on-write involved), and the slots are read after `concurrentPerform` returns. `@unchecked Sendable`:
/// no two threads touch the same slot, and `concurrentPerform` returning orders the writes before the reads.
package final class Slots<Value>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Value?>
    package let count: Int

    package init(count: Int) {
        self.count = count
        storage = .allocate(capacity: max(count, 1))
        storage.initialize(repeating: nil, count: count)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    package subscript(index: Int) -> Value? {
        get { storage[index] }
        set {
            precondition(index >= 0 && index < count)
            storage[index] = newValue
        }
    }

    /// The value of a slot, moved out.
    package func take(_ index: Int) -> Value {
        precondition(index >= 0 && index < count)
        // Moved out, the slot left nil (reading then assigning nil copied the value, then released it).
        let value = (storage + index).move()
        (storage + index).initialize(to: nil)
        return value!
    }
}
