/// A point in time from an AWS response, as the AWS CLI printed it: epoch seconds (a JSON number with any
/// number of decimals, CLI v1's default) or an ISO-8601 string with any offset (CLI v2, or v1 with
/// `cli_timestamp_format = iso8601`). The offset is kept so that a report can show the time as written.
public struct Timestamp: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSince1970: Double
    /// The UTC offset the input was written with, in seconds; nil for epoch numbers and `Z`-less local times.
    public var utcOffsetSeconds: Int?

    public init(secondsSince1970: Double, utcOffsetSeconds: Int? = nil) {
        self.secondsSince1970 = secondsSince1970
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.secondsSince1970 < rhs.secondsSince1970 }

    /// The times a timestamp may hold: years 0001 to 9999 (what ISO-8601's four-digit year can write). An epoch
    /// number outside them is not a time (`1e300` in an input once crashed the formatting below).
    public static let validSeconds: ClosedRange<Double> = -62_135_596_800...253_402_300_799.999

    /// The UTC calendar fields `iso8601` shows, the time clamped to `validSeconds` and rounded to the millisecond.
    var utcFields: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millis: Int) {
        let seconds = secondsSince1970.isNaN ? 0 : min(max(secondsSince1970, Self.validSeconds.lowerBound), Self.validSeconds.upperBound)
        let totalMillis = (seconds * 1000).rounded()
        var days = Int((totalMillis / 86_400_000).rounded(.down))
        var millisOfDay = Int(totalMillis - Double(days) * 86_400_000)
        if millisOfDay < 0 { millisOfDay += 86_400_000; days -= 1 }
        let (year, month, day) = Self.civil(fromDays: days)
        return (year, month, day, millisOfDay / 3_600_000, millisOfDay / 60_000 % 60, millisOfDay / 1000 % 60, millisOfDay % 1000)
    }

    /// ISO-8601 in UTC with milliseconds, e.g. `2020-10-21T17:26:23.099Z`: one stable form for reports.
    /// A value outside `validSeconds` (only code can make one) is shown clamped to it.
    public var iso8601: String {
        let (year, month, day, hour, minute, second, millis) = utcFields
        if (0...9999).contains(year) {
            // The common case, without interpolation: `yyyy-MM-ddTHH:mm:ss.SSSZ` written digit by digit.
            return String(unsafeUninitializedCapacity: 24) { buffer in
                var position = 0
                func digits(_ value: Int, _ width: Int) {
                    var divisor = 1
                    for _ in 1..<width { divisor *= 10 }
                    while divisor > 0 {
                        buffer[position] = UInt8(ascii: "0") + UInt8(value / divisor % 10)
                        position += 1
                        divisor /= 10
                    }
                }
                func literal(_ character: Unicode.Scalar) {
                    buffer[position] = UInt8(ascii: character)
                    position += 1
                }
                digits(year, 4); literal("-"); digits(month, 2); literal("-"); digits(day, 2); literal("T")
                digits(hour, 2); literal(":"); digits(minute, 2); literal(":"); digits(second, 2); literal(".")
                digits(millis, 3); literal("Z")
                return position
            }
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(millis, 3))Z"
    }

    public var description: String { iso8601 }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM]` (a space is accepted for `T`). A time with no
    /// zone is taken as UTC, which is what the AWS CLI means when it prints one.
    public init?(iso8601 text: some StringProtocol) {
        guard let parsed = Array(text.utf8).withUnsafeBufferPointer({ Timestamp(iso8601UTF8: $0) }) else { return nil }
        self = parsed
    }

    /// `init?(iso8601:)` on the text's UTF-8 bytes (the JSON reader passes them without making a String).
    package init?(iso8601UTF8 bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        func number(_ width: Int) -> Int? {
            guard index + width <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + width] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += width
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2) else { return nil }
        guard index < bytes.count, bytes[index] == 84 || bytes[index] == 116 || bytes[index] == 32 else { return nil }
        index += 1
        guard let hour = number(2), expect(58), let minute = number(2), expect(58), let second = number(2) else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60 else { return nil }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 46 || bytes[index] == 44 {
            index += 1
            var scale = 0.1
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 9 { fraction += Double(bytes[index] - 48) * scale; scale /= 10 }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
        }
        var offset: Int?
        if index < bytes.count {
            let sign = bytes[index]
            if sign == 90 || sign == 122 {
                offset = 0
                index += 1
            } else if sign == 43 || sign == 45 {
                index += 1
                guard let offsetHours = number(2) else { return nil }
                _ = expect(58)
                guard let offsetMinutes = number(2), offsetHours < 24, offsetMinutes < 60 else { return nil }
                offset = (offsetHours * 3600 + offsetMinutes * 60) * (sign == 45 ? -1 : 1)
            } else {
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        let days = Self.days(fromCivil: year, month, day)
        let local = Double(days) * 86_400 + Double(hour * 3600 + minute * 60 + second) + fraction
        self.init(secondsSince1970: local - Double(offset ?? 0), utcOffsetSeconds: offset)
    }

    // Howard Hinnant's civil-calendar algorithms: exact for every proleptic Gregorian date.
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

private func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

extension Timestamp: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(Double.self), Self.validSeconds.contains(seconds) {
            self.init(secondsSince1970: seconds)
        } else if let text = try? container.decode(String.self), let parsed = Timestamp(iso8601: text) {
            self = parsed
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected epoch seconds or an ISO-8601 timestamp")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}
