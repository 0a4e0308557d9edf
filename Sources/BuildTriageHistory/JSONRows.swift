import Foundation
import SQLKit

/// The rows of an `INSERT … SELECT`, sent as one JSON text parameter that the database unpacks itself: SQLite's
/// `json_each`, PostgreSQL's `json_array_elements`. A run of 500,000 outcomes is a few dozen parameters instead of
/// 2.5 million, each of which SQLKit would encode, bind and convert one by one. The text is a bound parameter like
/// any other: nothing in it is ever read as SQL.
///
/// Columns are numbered from the JSON arrays: `[[1, "a", null], …]` gives three columns. Leading expressions (the
/// run's key, bound once) come before them.
struct JSONRows: SQLExpression {
    enum Kind: Sendable { case integer, text }

    let kinds: [Kind]
    let leading: [any SQLExpression]
    let json: String

    /// The same rows after `expressions`.
    func leading(_ expressions: any SQLExpression...) -> JSONRows {
        JSONRows(kinds: kinds, leading: leading + expressions, json: json)
    }

    func serialize(to serializer: inout SQLSerializer) {
        let sqlite = serializer.dialect.name == "sqlite"
        serializer.write("SELECT ")
        var first = true
        for expression in leading {
            if !first { serializer.write(", ") }
            first = false
            expression.serialize(to: &serializer)
        }
        for (index, kind) in kinds.enumerated() {
            if !first { serializer.write(", ") }
            first = false
            if sqlite {
                serializer.write("value ->> \(index)")
            } else {
                serializer.write(kind == .integer ? "(e ->> \(index))::bigint" : "e ->> \(index)")
            }
        }
        if sqlite {
            // `WHERE true` keeps SQLite from reading a following `ON CONFLICT` as a join constraint.
            serializer.write(" FROM json_each(")
            SQLBind(json).serialize(to: &serializer)
            serializer.write(") WHERE true")
        } else {
            serializer.write(" FROM json_array_elements(")
            SQLBind(json).serialize(to: &serializer)
            serializer.write("::json) AS e")
        }
    }
}

/// Writes rows as JSON arrays of integers, strings and nulls, and cuts them into texts of at most `rowsPerText` rows.
struct JSONRowsWriter {
    let kinds: [JSONRows.Kind]
    let rowsPerText: Int
    private(set) var texts: [String] = []
    private var buffer: [UInt8] = []
    private var rows = 0
    private var inRow = false

    init(_ kinds: [JSONRows.Kind], rowsPerText: Int = 20_000) {
        self.kinds = kinds
        self.rowsPerText = rowsPerText
    }

    mutating func row(_ body: (inout JSONRowsWriter) -> Void) {
        buffer.append(buffer.isEmpty ? UInt8(ascii: "[") : UInt8(ascii: ","))
        buffer.append(UInt8(ascii: "["))
        inRow = false
        body(&self)
        buffer.append(UInt8(ascii: "]"))
        rows += 1
        if rows == rowsPerText { flush() }
    }

    private mutating func separate() {
        if inRow { buffer.append(UInt8(ascii: ",")) }
        inRow = true
    }

    mutating func integer(_ value: Int64) {
        separate()
        buffer.append(contentsOf: String(value).utf8)
    }

    mutating func integer(_ value: Int64?) {
        if let value { integer(value) } else { null() }
    }

    mutating func null() {
        separate()
        buffer.append(contentsOf: "null".utf8)
    }

    mutating func text(_ value: String?) {
        guard let value else { return null() }
        separate()
        buffer.append(UInt8(ascii: "\""))
        for byte in StoredText.clean(value).utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): buffer.append(contentsOf: #"\\"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                buffer.append(contentsOf: #"\u00"#.utf8)
                buffer.append(hex[Int(byte >> 4)])
                buffer.append(hex[Int(byte & 0xF)])
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// The texts, the last one included.
    mutating func finish() -> [JSONRows] {
        flush()
        return texts.map { JSONRows(kinds: kinds, leading: [], json: $0) }
    }

    private mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.append(UInt8(ascii: "]"))
        texts.append(String(decoding: buffer, as: UTF8.self))
        buffer.removeAll(keepingCapacity: true)
        rows = 0
    }
}

/// Text as the store keeps it. PostgreSQL's text cannot hold NUL, so NUL is stored as U+2400 (␀, the symbol for
/// it) by both stores alike; a test keeps its identity, which is the hash of its name as the report wrote it.
enum StoredText {
    static func clean(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacingOccurrences(of: "\u{0}", with: "\u{2400}") : text
    }

    static func clean(_ text: String?) -> String? { text.map(clean) }
}
