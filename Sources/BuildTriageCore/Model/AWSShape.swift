// An AWS response shape is declared once: a struct of optional stored properties and, beside it, its member table
// (`AWSShape.members`: JSON key, key path, kind of value). Both readers walk that one table: the models' `Codable`
// conformance below (JSONDecoder, the fallback and the reference) and the byte-level reader in BuildTriageIngest
// (`FastJSONCursor.shape`). A member missing from the table is read by neither; `AWSShapeTests` checks that every
// stored property of every shape is in its table, under its own name, in declaration order.
//
// Reading is lenient everywhere: a missing member, a `null` or a value of the wrong type reads as nil and never fails
// the parent; a list's elements that are not objects are skipped; an enumeration value outside the model is kept
// (`OpenEnum.unknown`).

/// A response shape of the AWS CLI's JSON: every member optional, read leniently through `members`.
public protocol AWSShape: Codable, Hashable, Sendable {
    /// Every member absent.
    init()
    /// The members read, in declaration order.
    static var members: ShapeMembers<Self> { get }
    /// `members` without its type parameter: what the readers walk (a reader that knows a nested shape only by its
    /// metatype reaches it without instantiating generic metadata).
    static var table: ShapeTable { get }
    /// Stores at `field` (a `Self?`) an empty value that `fill` completes in place, given its address. With
    /// `readList`, lets a reader that knows the shape only by its metatype build nested values without generic code.
    static func readObject<E: Error>(into field: UnsafeMutableRawPointer, _ fill: (UnsafeMutableRawPointer) throws(E) -> Void) throws(E)
    /// Stores at `field` (a `[Self]?`) the list `elements` makes: it calls `add` once an element, with a closure that
    /// completes an empty element in place.
    static func readList<E: Error>(
        into field: UnsafeMutableRawPointer,
        _ elements: (_ add: (_ fill: (UnsafeMutableRawPointer) throws(E) -> Void) throws(E) -> Void) throws(E) -> Void
    ) throws(E)
}

extension AWSShape {
    public static var table: ShapeTable { members.table }

    public static func readObject<E: Error>(into field: UnsafeMutableRawPointer, _ fill: (UnsafeMutableRawPointer) throws(E) -> Void) throws(E) {
        var value = Self()
        try withUnsafeMutableBytes(of: &value) { (bytes: UnsafeMutableRawBufferPointer) throws(E) in try fill(bytes.baseAddress!) }
        field.assumingMemoryBound(to: Self?.self).pointee = value
    }

    public static func readList<E: Error>(
        into field: UnsafeMutableRawPointer,
        _ elements: (_ add: (_ fill: (UnsafeMutableRawPointer) throws(E) -> Void) throws(E) -> Void) throws(E) -> Void
    ) throws(E) {
        var list: [Self] = []
        try elements { (fill: (UnsafeMutableRawPointer) throws(E) -> Void) throws(E) in
            var value = Self()
            try withUnsafeMutableBytes(of: &value) { (bytes: UnsafeMutableRawBufferPointer) throws(E) in try fill(bytes.baseAddress!) }
            list.append(value)
        }
        // In a buffer of its size, as the Codable path makes it (it reserves the element count): the slack left by
        // appending (9 build groups in room for 16) would stay for the whole run.
        field.assumingMemoryBound(to: [Self]?.self).pointee = list.capacity > list.count ? list.withUnsafeBufferPointer { Array($0) } : list
    }
}

extension KnownValues {
    public static func storeOpenEnum(_ rawValue: String, at field: UnsafeMutableRawPointer) {
        field.assumingMemoryBound(to: OpenEnum<Self>?.self).pointee = OpenEnum(rawValue: rawValue)
    }
}

/// What a member holds, as far as reading goes.
public enum ShapeValue: Sendable {
    case string, int, int64, bool, timestamp
    /// `[String]`: nil unless every element is a string.
    case strings
    /// `[String: String]` / `[String: Int]`: nil unless every value has the type.
    case stringMap, intMap
    /// `OpenEnum<Known>`.
    case openEnum(any KnownValues.Type)
    /// Another shape: nil unless an object.
    case object(any AWSShape.Type)
    /// A list of another shape: nil unless an array; elements that do not read as the shape are skipped.
    case list(any AWSShape.Type)
}

/// One member of a shape: its JSON key, what it holds and where it is stored.
public struct ShapeMember<Shape: AWSShape>: Sendable {
    public let name: String
    public let value: ShapeValue
    /// The stored property's byte offset in `Shape` (`MemoryLayout.offset(of:)`): the readers store through it, typed
    /// as the key path that made the member says.
    public let offset: Int

    private init<Value>(_ name: String, _ value: ShapeValue, _ path: WritableKeyPath<Shape, Value?>) {
        guard let offset = MemoryLayout<Shape>.offset(of: path) else {
            preconditionFailure("\(Shape.self).\(name) is not a stored property")
        }
        self.name = name
        self.value = value
        self.offset = offset
    }

    public static func string(_ name: String, _ path: WritableKeyPath<Shape, String?>) -> Self { Self(name, .string, path) }
    public static func int(_ name: String, _ path: WritableKeyPath<Shape, Int?>) -> Self { Self(name, .int, path) }
    public static func int64(_ name: String, _ path: WritableKeyPath<Shape, Int64?>) -> Self { Self(name, .int64, path) }
    public static func bool(_ name: String, _ path: WritableKeyPath<Shape, Bool?>) -> Self { Self(name, .bool, path) }
    public static func timestamp(_ name: String, _ path: WritableKeyPath<Shape, Timestamp?>) -> Self { Self(name, .timestamp, path) }
    public static func strings(_ name: String, _ path: WritableKeyPath<Shape, [String]?>) -> Self { Self(name, .strings, path) }
    public static func stringMap(_ name: String, _ path: WritableKeyPath<Shape, [String: String]?>) -> Self { Self(name, .stringMap, path) }
    public static func intMap(_ name: String, _ path: WritableKeyPath<Shape, [String: Int]?>) -> Self { Self(name, .intMap, path) }

    public static func openEnum<Known>(_ name: String, _ path: WritableKeyPath<Shape, OpenEnum<Known>?>) -> Self {
        Self(name, .openEnum(Known.self), path)
    }

    public static func object<Member: AWSShape>(_ name: String, _ path: WritableKeyPath<Shape, Member?>) -> Self {
        Self(name, .object(Member.self), path)
    }

    public static func list<Element: AWSShape>(_ name: String, _ path: WritableKeyPath<Shape, [Element]?>) -> Self {
        Self(name, .list(Element.self), path)
    }
}

/// A shape's member table, as declared.
public struct ShapeMembers<Shape: AWSShape>: Sendable, ExpressibleByArrayLiteral {
    public let members: [ShapeMember<Shape>]
    public let table: ShapeTable

    public init(arrayLiteral members: ShapeMember<Shape>...) {
        self.members = members
        table = ShapeTable(members.map { ShapeTable.Member(name: $0.name, value: $0.value, offset: $0.offset) })
    }
}

/// A member table without the shape's type, its keys indexed for matching raw UTF-8 bytes. A class: a reader takes
/// it once an object, and its arrays are then read in place.
public final class ShapeTable: Sendable {
    public struct Member: Sendable {
        public let name: String
        public let value: ShapeValue
        public let offset: Int
    }

    public let members: [Member]
    /// `members`' names, matched on bytes by the byte-level reader, and their values and offsets by index.
    package let names: UTF8Names
    package let values: [ShapeValue]
    package let offsets: [Int]

    init(_ members: [Member]) {
        self.members = members
        names = UTF8Names(members.map(\.name))
        values = members.map(\.value)
        offsets = members.map(\.offset)
    }
}

// MARK: Codable, through the member table

/// A coding key for any member name.
public struct AnyCodingKey: CodingKey, Sendable {
    public var stringValue: String
    public var intValue: Int? { nil }
    public init(_ string: String) { stringValue = string }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

extension AWSShape {
    /// Lenient: fails only when the value is not an object.
    public init(from decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        let members = Self.table.members
        withUnsafeMutableBytes(of: &self) { shape in
            for member in members {
                Self.decode(member.value, AnyCodingKey(member.name), from: container, into: shape.baseAddress! + member.offset)
            }
        }
    }

    private static func decode(
        _ value: ShapeValue, _ key: AnyCodingKey, from container: KeyedDecodingContainer<AnyCodingKey>, into field: UnsafeMutableRawPointer
    ) {
        func store<Value: Decodable>(_: Value.Type) {
            field.assumingMemoryBound(to: Value?.self).pointee = container.lenientValue(Value.self, forKey: key)
        }
        func storeEnum<Known: KnownValues>(_: Known.Type) { store(OpenEnum<Known>.self) }
        func storeList<Element: AWSShape>(_: Element.Type) {
            field.assumingMemoryBound(to: [Element]?.self).pointee = container.lenientList(Element.self, forKey: key)
        }
        switch value {
        case .string: store(String.self)
        case .int: store(Int.self)
        case .int64: store(Int64.self)
        case .bool: store(Bool.self)
        case .timestamp: store(Timestamp.self)
        case .strings: store([String].self)
        case .stringMap: store([String: String].self)
        case .intMap: store([String: Int].self)
        case .openEnum(let known): storeEnum(known)
        case .object(let shape): store(shape)
        case .list(let shape): storeList(shape)
        }
    }

    /// Absent members are left out, as `encodeIfPresent` does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyCodingKey.self)
        try withUnsafeBytes(of: self) { shape in
            for member in Self.table.members {
                let field = shape.baseAddress! + member.offset
                let key = AnyCodingKey(member.name)
                func encode<Value: Encodable>(_: Value.Type) throws {
                    try container.encodeIfPresent(field.assumingMemoryBound(to: Value?.self).pointee, forKey: key)
                }
                func encodeEnum<Known: KnownValues>(_: Known.Type) throws { try encode(OpenEnum<Known>.self) }
                func encodeList<Element: AWSShape>(_: Element.Type) throws { try encode([Element].self) }
                switch member.value {
                case .string: try encode(String.self)
                case .int: try encode(Int.self)
                case .int64: try encode(Int64.self)
                case .bool: try encode(Bool.self)
                case .timestamp: try encode(Timestamp.self)
                case .strings: try encode([String].self)
                case .stringMap: try encode([String: String].self)
                case .intMap: try encode([String: Int].self)
                case .openEnum(let known): try encodeEnum(known)
                case .object(let shape): try encode(shape)
                case .list(let shape): try encodeList(shape)
                }
            }
        }
    }
}

extension KeyedDecodingContainer {
    /// A member read leniently: nil when absent, `null` or of another type.
    public func lenientValue<Value: Decodable>(_: Value.Type, forKey key: Key) -> Value? {
        guard contains(key) else { return nil }
        return try? decodeIfPresent(Value.self, forKey: key)
    }

    /// A list member read leniently: nil unless an array; elements that do not decode are skipped rather than failing
    /// the list (one malformed build in a `batch-get-builds` response does not hide the other ninety-nine).
    public func lenientList<Element: Decodable>(_: Element.Type, forKey key: Key) -> [Element]? {
        guard contains(key), (try? decodeNil(forKey: key)) == false else { return nil }
        return (try? decode(LenientElements<Element>.self, forKey: key))?.elements
    }
}

// MARK: Names matched on bytes

/// A list of names prepared for matching raw UTF-8 bytes: a candidate is compared by its length and its first eight
/// bytes before any byte-by-byte comparison. At most 64 names (a reader keeps the names seen in one `UInt64`).
package final class UTF8Names: Sendable {
    @usableFromInline let characters: [UInt8]
    @usableFromInline let starts: [Int]
    @usableFromInline let lengths: [Int]
    @usableFromInline let heads: [UInt64]

    package init(_ names: [String]) {
        precondition(names.count <= 64)
        var characters: [UInt8] = []
        var starts: [Int] = []
        for name in names {
            starts.append(characters.count)
            characters.append(contentsOf: name.utf8)
        }
        self.characters = characters
        self.starts = starts
        lengths = names.map { $0.utf8.count }
        heads = names.map { name in Array(name.utf8).withUnsafeBufferPointer { UTF8Names.head($0.baseAddress!, $0.count) } }
    }

    /// The first (up to) eight bytes of a name, little-endian, zero-padded.
    @inlinable @inline(__always) static func head(_ start: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        if length >= 8 { return UnsafeRawPointer(start).loadUnaligned(as: UInt64.self).littleEndian }
        var head: UInt64 = 0
        for offset in 0..<length { head |= UInt64(start[offset]) << (8 * UInt64(offset)) }
        return head
    }

    /// The index of the name spelled by these bytes.
    @inlinable @inline(__always) package func index(of key: UnsafePointer<UInt8>, _ length: Int) -> Int? {
        let head = Self.head(key, length)
        for index in lengths.indices where lengths[index] == length && heads[index] == head {
            let start = starts[index]
            var offset = 8
            while offset < length, key[offset] == characters[start + offset] { offset += 1 }
            if offset >= length { return index }
        }
        return nil
    }

    package static let none = UTF8Names([])
}
