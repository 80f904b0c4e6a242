import Events
import Foundation
import JSON

/// A sensor reading as published over MQTT (schema `shikong/sensor.reading.raw/1`, see `topics/`),
/// read where the feed's mapping says its parts are. Reading is strict about what it needs and says
/// exactly what is wrong.
struct RawReading {
    var sensorID: String?
    var time: Date
    var x: Double
    var y: Double
    var crs: String?
    var values: [String: Double]
    /// Units the payload gives, by value name.
    var units: [String: String]

    private static let reserved: Set<String> = ["sensor_id", "ts", "lon", "lat", "crs", "values", "units"]
    /// Observation times a reading may carry: from 1970 to the end of year 9999 (RFC 3339's range),
    /// in epoch milliseconds.
    static let plausibleMilliseconds: ClosedRange<Double> = 0...253_402_300_799_999

    /// `maximumValues` bounds the readings one message may carry: a message with an absurd shape
    /// (thousands of values) is refused rather than stored.
    init(json: JSONValue, mapping: ReadingMapping = ReadingMapping(), maximumValues: Int = ReadingSpatialiser.defaultMaximumValues)
        throws(EventDecodingError)
    {
        guard let members = json.members else { throw EventDecodingError("payload is not a JSON object") }
        func member(_ field: String) -> JSONValue? { ReadingMapping.resolve(mapping.pointer(field), in: json) }
        func describe(_ field: String) -> String {
            let pointer = mapping.pointer(field)
            return ReadingMapping.defaults[field] == pointer ? String(pointer.dropFirst()) : "\(field) (at \(pointer))"
        }
        func number(_ field: String) throws(EventDecodingError) -> Double {
            guard let value = member(field) else { throw EventDecodingError("missing field \(describe(field))") }
            guard let number = value.number, number.isFinite else { throw EventDecodingError("field \(describe(field)) is not a number") }
            return number
        }
        func text(_ field: String) throws(EventDecodingError) -> String? {
            guard let value = member(field) else { return nil }
            guard let text = value.string, !text.isEmpty else { throw EventDecodingError("field \(describe(field)) must be a non-empty string") }
            return text
        }
        sensorID = try text("sensor_id")
        switch member("time") {
        case nil:
            throw EventDecodingError("missing field \(describe("time") == "time" ? "ts" : describe("time"))")
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
        } else if mapping.pointers["values"] == nil {
            for (name, value) in members where !Self.reserved.contains(name) {
                if let number = value.number { values[name] = number }
            }
            guard values.count <= maximumValues else { throw Self.tooMany(values.count, maximumValues) }
        }
        guard !values.isEmpty else { throw EventDecodingError("no measured values (expected a values object or numeric fields)") }
        self.values = values
        var units: [String: String] = [:]
        if let given = member("units") {
            guard let entries = given.members, entries.count <= maximumValues else {
                throw EventDecodingError("units must be an object of UCUM units by value name")
            }
            for (name, unit) in entries {
                guard let text = unit.string else { throw EventDecodingError("units.\(name) must be a UCUM unit such as \"ug/m3\"") }
                units[name] = text
            }
        }
        self.units = units
    }

    private static func tooMany(_ count: Int, _ maximum: Int) -> EventDecodingError {
        EventDecodingError("the reading has \(count) values, more than the limit of \(maximum) (--max-reading-values)")
    }
}
