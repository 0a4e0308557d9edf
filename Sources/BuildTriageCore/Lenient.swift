/// A decoded field that never fails its parent: a missing key, a `null` or a value of the wrong type all
/// decode as `nil`. AWS responses are decoded with this on every field, because the CLI prints whatever the
/// service sent (wrong types included) and a post-mortem must read the rest of the file all the same.
@propertyWrapper
public struct Lenient<Value: Codable & Sendable>: Sendable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }
}

extension Lenient: Equatable where Value: Equatable {}
extension Lenient: Hashable where Value: Hashable {}

extension Lenient: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try? container.decode(Value.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

/// A decoded list whose bad elements are skipped rather than failing the list (and its parent): one
/// malformed build in a `batch-get-builds` response does not hide the other ninety-nine.
@propertyWrapper
public struct LenientList<Element: Codable & Sendable>: Sendable {
    public var wrappedValue: [Element]?

    public init(wrappedValue: [Element]?) {
        self.wrappedValue = wrappedValue
    }
}

extension LenientList: Equatable where Element: Equatable {}
extension LenientList: Hashable where Element: Hashable {}

/// The elements of an array that decode as `Element`; the others are skipped. Fails only when the value is not an
/// array. The one lenient list decoding: `LenientList` and the shapes' `lenientList(_:forKey:)` both read through it.
struct LenientElements<Element: Decodable>: Decodable {
    var elements: [Element] = []

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        if let count = container.count { elements.reserveCapacity(min(count, 4096)) }
        while !container.isAtEnd {
            if let element = try? container.decode(Element.self) {
                elements.append(element)
            } else if (try? container.decode(Skipped.self)) == nil {
                break
            }
        }
    }
}

/// Consumes one JSON value of any shape without keeping it.
private struct Skipped: Decodable {
    init(from decoder: any Decoder) throws {}
}

extension LenientList: Codable {
    public init(from decoder: any Decoder) throws {
        wrappedValue = (try? LenientElements<Element>(from: decoder))?.elements
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension KeyedDecodingContainer {
    public func decode<Value>(_: Lenient<Value>.Type, forKey key: Key) throws -> Lenient<Value> {
        guard contains(key) else { return Lenient(wrappedValue: nil) }
        return Lenient(wrappedValue: try? decodeIfPresent(Value.self, forKey: key))
    }

    public func decode<Element>(_: LenientList<Element>.Type, forKey key: Key) throws -> LenientList<Element> {
        guard contains(key), (try? decodeNil(forKey: key)) == false else { return LenientList(wrappedValue: nil) }
        return (try? decode(LenientList<Element>.self.Wrapped.self, forKey: key)).map { LenientList(wrappedValue: $0.wrappedValue) }
            ?? LenientList(wrappedValue: nil)
    }
}

extension LenientList {
    /// The list decoded through its own `init(from:)`: lets the keyed overload above avoid recursing into itself.
    public struct Wrapped: Decodable {
        let wrappedValue: [Element]?
        public init(from decoder: any Decoder) throws {
            wrappedValue = try LenientList(from: decoder).wrappedValue
        }
    }
}

extension KeyedEncodingContainer {
    public mutating func encode<Value>(_ value: Lenient<Value>, forKey key: Key) throws {
        try encodeIfPresent(value.wrappedValue, forKey: key)
    }

    public mutating func encode<Element>(_ value: LenientList<Element>, forKey key: Key) throws {
        try encodeIfPresent(value.wrappedValue, forKey: key)
    }
}
