import Events
import Foundation
import JSON

/// A sensor reading as published over MQTT (schema `shikong/sensor.reading.raw/1`, see `topics/`).
/// Reading is strict about what it needs and says exactly what is wrong.
struct RawReading {
    var sensorID: String?
    var time: Date
    var x: Double
    var y: Double
    var crs: String?
    var values: [String: Double]

    private static let reserved: Set<String> = ["sensor_id", "ts", "lon", "lat", "crs", "values"]
    /// Observation times a reading may carry: from 1970 to the end of year 9999 (RFC 3339's range),
    /// in epoch milliseconds.
    static let plausibleMilliseconds: ClosedRange<Double> = 0...253_402_300_799_999

    /// `maximumValues` bounds the readings one message may carry: a message with an absurd shape
    /// (thousands of values) is refused rather than stored.
    init(json: JSONValue, maximumValues: Int = ReadingSpatialiser.defaultMaximumValues) throws(EventDecodingError) {
        guard let members = json.members else { throw EventDecodingError("payload is not a JSON object") }
        func member(_ name: String) -> JSONValue? { members.first { $0.key == name }?.value }
        func number(_ name: String) throws(EventDecodingError) -> Double {
            guard let value = member(name) else { throw EventDecodingError("missing field \(name)") }
            guard let number = value.number, number.isFinite else { throw EventDecodingError("field \(name) is not a number") }
            return number
        }
        func text(_ name: String) throws(EventDecodingError) -> String? {
            guard let value = member(name) else { return nil }
            guard let text = value.string, !text.isEmpty else { throw EventDecodingError("field \(name) must be a non-empty string") }
            return text
        }
        sensorID = try text("sensor_id")
        switch member("ts") {
        case nil:
            throw EventDecodingError("missing field ts")
        case .string(let text)?:
            guard let date = Timestamp.parse(text), Self.plausibleMilliseconds.contains(date.timeIntervalSince1970 * 1_000) else {
                throw EventDecodingError("ts \"\(text.prefix(64))\" is not an RFC 3339 date-time between 1970 and 9999")
            }
            time = date
        case .number(let milliseconds)? where Self.plausibleMilliseconds.contains(milliseconds):
            time = Date(timeIntervalSince1970: milliseconds / 1_000)
        default:
            throw EventDecodingError("ts is neither an RFC 3339 date-time nor epoch milliseconds between 1970 and 9999")
        }
        x = try number("lon")
        y = try number("lat")
        crs = try text("crs")
        var values: [String: Double] = [:]
        if let nested = member("values") {
            guard let entries = nested.members else { throw EventDecodingError("values must be an object of numbers") }
            guard entries.count <= maximumValues else { throw Self.tooMany(entries.count, maximumValues) }
            for (name, value) in entries {
                guard let number = value.number else { throw EventDecodingError("values must be an object of numbers") }
                values[name] = number
            }
        } else {
            for (name, value) in members where !Self.reserved.contains(name) {
                if let number = value.number { values[name] = number }
            }
            guard values.count <= maximumValues else { throw Self.tooMany(values.count, maximumValues) }
        }
        guard !values.isEmpty else { throw EventDecodingError("no measured values (expected a values object or numeric fields)") }
        self.values = values
    }

    private static func tooMany(_ count: Int, _ maximum: Int) -> EventDecodingError {
        EventDecodingError("the reading has \(count) values, more than the limit of \(maximum) (--max-reading-values)")
    }
}
