import Foundation
import SQLKit

/// The rows of an `INSERT … SELECT`, sent as one JSON text parameter that the database unpacks itself: SQLite's
/// `json_each`, PostgreSQL's `json_array_elements`. A run of 500,000 outcomes is a few dozen parameters instead of
/// 2.5 million, each of which SQLKit would encode, bind and convert one by one. The text is a bound parameter like
/// any other: nothing in it is ever read as SQL.
///
/// Each row is a JSON array, `[[1, "a", null], …]`; rows of a single field are a flat array, `[1, 2, …]`, which the
/// database reads without parsing each element again (most outcomes are a plain pass: only the test's key). Columns
/// that are the same in every row (the run's key, bound once; constants) are given as expressions.
struct JSONRows: SQLExpression {
    enum Kind: Sendable { case integer, text }

    /// Where a column's values come from.
    enum Column {
        /// The row's field at this index, of this kind.
        case field(Int, Kind)
        /// The same expression for every row.
        case expression(any SQLExpression)
    }

    let columns: [Column]
    let fields: Int
    let json: String

    /// The same rows, with `expression` as their first column.
    func leading(_ expression: any SQLExpression) -> JSONRows {
        JSONRows(columns: [.expression(expression)] + columns, fields: fields, json: json)
    }

    /// The same rows, with `expressions` as their last columns.
    func trailing(_ expressions: [any SQLExpression]) -> JSONRows {
        JSONRows(columns: columns + expressions.map { .expression($0) }, fields: fields, json: json)
    }

    func serialize(to serializer: inout SQLSerializer) {
        let sqlite = serializer.dialect.name == "sqlite"
        let flat = fields == 1
        serializer.write("SELECT ")
        for (position, column) in columns.enumerated() {
            if position > 0 { serializer.write(", ") }
            switch column {
            case .expression(let expression):
                expression.serialize(to: &serializer)
            case .field(let index, let kind):
                switch (sqlite, flat) {
                case (true, true): serializer.write("value")
                case (true, false): serializer.write("value ->> \(index)")
                case (false, true): serializer.write(kind == .integer ? "e::bigint" : "e")
                case (false, false): serializer.write(kind == .integer ? "(e ->> \(index))::bigint" : "e ->> \(index)")
                }
            }
        }
        if sqlite {
            // `WHERE true` keeps SQLite from reading a following `ON CONFLICT` as a join constraint.
            serializer.write(" FROM json_each(")
            SQLBind(json).serialize(to: &serializer)
            serializer.write(") WHERE true")
        } else {
            serializer.write(flat ? " FROM json_array_elements_text(" : " FROM json_array_elements(")
            SQLBind(json).serialize(to: &serializer)
            serializer.write("::json) AS e")
        }
    }
}

/// Writes rows as JSON arrays of integers, strings and nulls (a single-field row as the bare value), and cuts them
/// into texts of at most `rowsPerText` rows.
struct JSONRowsWriter {
    let kinds: [JSONRows.Kind]
    let rowsPerText: Int
    private(set) var texts: [String] = []
    private var buffer: [UInt8] = []
    private var rows = 0
    private var inRow = false
    private var flat: Bool { kinds.count == 1 }

    init(_ kinds: [JSONRows.Kind], rowsPerText: Int = 20_000) {
        self.kinds = kinds
        self.rowsPerText = rowsPerText
    }

    mutating func row(_ body: (inout JSONRowsWriter) -> Void) {
        buffer.append(buffer.isEmpty ? UInt8(ascii: "[") : UInt8(ascii: ","))
        if !flat { buffer.append(UInt8(ascii: "[")) }
        inRow = false
        body(&self)
        if !flat { buffer.append(UInt8(ascii: "]")) }
        rows += 1
        if rows == rowsPerText { flush() }
    }

    private mutating func separate() {
        if inRow { buffer.append(UInt8(ascii: ",")) }
        inRow = true
    }

    mutating func integer(_ value: Int64) {
        separate()
        // Digits straight into the buffer (last first, then turned round): this runs for every outcome of a run.
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = buffer.count
        repeat {
            buffer.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        buffer[start...].reverse()
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

    /// The texts, the last one included, as rows whose columns are the fields in order.
    mutating func finish() -> [JSONRows] {
        flush()
        let columns = kinds.enumerated().map { JSONRows.Column.field($0.offset, $0.element) }
        return texts.map { JSONRows(columns: columns, fields: kinds.count, json: $0) }
    }

    private mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.append(UInt8(ascii: "]"))
        texts.append(String(decoding: buffer, as: UTF8.self))
        buffer.removeAll(keepingCapacity: true)
        rows = 0
    }
}

/// A test's outcomes as one text, `run * 8 + status` for each, comma-separated: SQLite's `group_concat`,
/// PostgreSQL's `string_agg`. Reading one row per test instead of one per outcome spares decoding hundreds of
/// thousands of rows, value by value, in `flaky`.
struct PackedOutcomes: SQLExpression {
    func serialize(to serializer: inout SQLSerializer) {
        if serializer.dialect.name == "sqlite" {
            serializer.write("group_concat(run * 8 + status, ',')")
        } else {
            serializer.write("string_agg((run * 8 + status)::text, ',')")
        }
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
