import Events
import Foundation

/// A sensor reading as published over MQTT (schema `shikong/sensor.reading.raw/1`, see `topics/`).
/// Decoding is strict about what it needs and says exactly what is wrong.
struct RawReading: Decodable {
    var sensorID: String?
    var time: Date
    var x: Double
    var y: Double
    var crs: String?
    var values: [String: Double]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private static let reserved: Set<String> = ["sensor_id", "ts", "lon", "lat", "crs", "values"]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        func number(_ name: String) throws -> Double {
            guard container.contains(Key(name)) else { throw EventDecodingError("missing field \(name)") }
            guard let value = try? container.decode(Double.self, forKey: Key(name)), value.isFinite else {
                throw EventDecodingError("field \(name) is not a number")
            }
            return value
        }
        func text(_ name: String) throws -> String? {
            guard container.contains(Key(name)) else { return nil }
            guard let value = try? container.decode(String.self, forKey: Key(name)), !value.isEmpty else {
                throw EventDecodingError("field \(name) must be a non-empty string")
            }
            return value
        }
        sensorID = try text("sensor_id")
        guard container.contains(Key("ts")) else { throw EventDecodingError("missing field ts") }
        if let text = try? container.decode(String.self, forKey: Key("ts")) {
            guard let date = Timestamp.parse(text) else { throw EventDecodingError("ts \"\(text)\" is not an RFC 3339 date-time") }
            time = date
        } else if let milliseconds = try? container.decode(Double.self, forKey: Key("ts")), milliseconds.isFinite {
            time = Date(timeIntervalSince1970: milliseconds / 1_000)
        } else {
            throw EventDecodingError("ts is neither an RFC 3339 date-time nor epoch milliseconds")
        }
        x = try number("lon")
        y = try number("lat")
        crs = try text("crs")
        if container.contains(Key("values")) {
            guard let nested = try? container.decode([String: Double].self, forKey: Key("values")) else {
                throw EventDecodingError("values must be an object of numbers")
            }
            values = nested
        } else {
            var values: [String: Double] = [:]
            for key in container.allKeys where !Self.reserved.contains(key.stringValue) {
                if let value = try? container.decode(Double.self, forKey: key) { values[key.stringValue] = value }
            }
            self.values = values
        }
        guard !values.isEmpty else { throw EventDecodingError("no measured values (expected a values object or numeric fields)") }
        if let bad = values.first(where: { !$0.value.isFinite }) { throw EventDecodingError("value \(bad.key) is not finite") }
    }
}
