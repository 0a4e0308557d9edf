/// The known values of an AWS enumeration, as its service model lists them.
public protocol KnownValues: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {
    /// Stores `OpenEnum(rawValue:)` at `field` (an `OpenEnum<Self>?`): lets a reader that knows the enumeration only by
    /// its metatype (`ShapeValue.openEnum`) store a value without generic code.
    static func storeOpenEnum(_ rawValue: String, at field: UnsafeMutableRawPointer)
}

/// An enumeration value from an AWS response: one of the model's known cases, or the raw string the service
/// really sent (`CLIENT_ERROR`, `RETRY`, `PENDING`, `no_artifacts`... appear in real output although the
/// model does not list them). Decoding never fails on an unexpected value.
public enum OpenEnum<Known: KnownValues>: Hashable, Sendable, CustomStringConvertible {
    case known(Known)
    case unknown(String)

    public init(rawValue: String) {
        if let known = Known(rawValue: rawValue) {
            self = .known(known)
        } else {
            self = .unknown(rawValue)
        }
    }

    /// The value exactly as it appeared in the input.
    @inlinable public var rawValue: String {
        switch self {
        case .known(let value): value.rawValue
        case .unknown(let raw): raw
        }
    }

    /// The known case, or nil for a value outside the model.
    @inlinable public var known: Known? {
        if case .known(let value) = self { return value }
        return nil
    }

    public var description: String { rawValue }


}

extension OpenEnum: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(rawValue: try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// `status == .failed` for an optional open value: false when absent or unknown. Inlinable, so that callers in
/// other modules get it specialized (the generic version cost ~2k instructions a comparison).
@inlinable public func == <Known: KnownValues>(lhs: OpenEnum<Known>?, rhs: Known) -> Bool {
    lhs?.known == rhs
}

@inlinable public func != <Known: KnownValues>(lhs: OpenEnum<Known>?, rhs: Known) -> Bool {
    lhs?.known != rhs
}
