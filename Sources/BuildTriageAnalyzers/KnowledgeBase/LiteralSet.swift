import CVectorscan

/// Literals searched for all at once, ASCII case ignored: a Vectorscan block-mode database (Teddy/FDR literal
/// matchers, SIMD), scanned once over each block of a log for every rule's `contains:` literals.
final class LiteralSet: @unchecked Sendable {
    // Immutable after init; Vectorscan documents a database as shareable between threads (each scan has its own
    // scratch): hence @unchecked Sendable.
    private let database: OpaquePointer
    /// The length of each literal, by id.
    let lengths: [Int]

    /// nil when there is nothing to search for, or when Vectorscan refuses (then every line is a candidate).
    init?(_ literals: [[UInt8]]) {
        guard !literals.isEmpty else { return nil }
        var database: OpaquePointer?
        var error: UnsafeMutablePointer<hs_compile_error_t>?
        let flags = [UInt32](repeating: UInt32(HS_FLAG_CASELESS), count: literals.count)
        let ids = literals.indices.map { UInt32($0) }
        let lengths = literals.map(\.count)
        let copies = literals.map { literal -> UnsafeMutablePointer<CChar> in
            let copy = UnsafeMutablePointer<CChar>.allocate(capacity: max(literal.count, 1))
            for (index, byte) in literal.enumerated() { copy[index] = CChar(bitPattern: byte) }
            return copy
        }
        defer { copies.forEach { $0.deallocate() } }
        let expressions: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
        let status = hs_compile_lit_multi(
            expressions, flags, ids, lengths, UInt32(literals.count), UInt32(HS_MODE_BLOCK), nil, &database, &error)
        if let error { hs_free_compile_error(error) }
        guard status == HS_SUCCESS, let database else { return nil }
        self.database = database
        self.lengths = lengths
    }

    deinit { hs_free_database(database) }

    /// A scanner of its own (Vectorscan's scratch space is per thread).
    func makeScanner() -> Scanner? {
        var scratch: OpaquePointer?
        guard hs_alloc_scratch(database, &scratch) == HS_SUCCESS, let scratch else { return nil }
        return Scanner(set: self, scratch: scratch)
    }

    final class Scanner {
        let set: LiteralSet
        private let scratch: OpaquePointer
        /// Matches of the last scan: the literal's id and the offset just past its end, in order of that offset.
        fileprivate(set) var hits: [(id: UInt32, end: Int)] = []

        fileprivate init(set: LiteralSet, scratch: OpaquePointer) {
            self.set = set
            self.scratch = scratch
        }

        deinit { hs_free_scratch(scratch) }

        /// Every occurrence of every literal in `bytes`, into `hits`.
        func scan(_ bytes: UnsafeRawBufferPointer) -> [(id: UInt32, end: Int)] {
            hits.removeAll(keepingCapacity: true)
            guard let base = bytes.baseAddress, bytes.count > 0 else { return hits }
            // Blocks are a few MiB: well within hs_scan's 32-bit length.
            precondition(bytes.count <= Int(UInt32.max), "a log block over 4 GiB")
            let context = Unmanaged.passUnretained(self).toOpaque()
            hs_scan(set.database, base.assumingMemoryBound(to: CChar.self), UInt32(bytes.count), 0, scratch, { id, _, to, _, context in
                let scanner = Unmanaged<Scanner>.fromOpaque(context!).takeUnretainedValue()
                scanner.hits.append((id, Int(to)))
                return 0
            }, context)
            if !hits.isEmpty, !zip(hits, hits.dropFirst()).allSatisfy({ $0.end <= $1.end }) {
                hits.sort { $0.end < $1.end }
            }
            return hits
        }
    }
}
