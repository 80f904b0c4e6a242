import Foundation
import JSON

/// The JSON of a spatialised `sensor.reading` (`SpatialEvent<SensorReading>`), written and read
/// without Foundation's coders: every reading passes through both on the way to PostGIS, and
/// `JSONEncoder`/`JSONDecoder` cost about ten times what the rest of a stage does per event. The
/// text is the one `EventJSON.encoder()` writes (sorted keys, RFC 3339 times), so either side may
/// still use the Codable path.
public enum SensorReadingEventJSON {
    /// The event as JSON bytes, keys sorted as `EventJSON.encoder()` sorts them.
    public static func encode(_ event: SpatialEvent<SensorReading>) -> Data {
        var output = ""
        output.reserveCapacity(512)
        output += #"{"attributes":{"domain":"#
        JSONValue.writeString(event.attributes.domain, into: &output)
        if let industry = event.attributes.industry {
            output += #","industry":"#
            JSONValue.writeString(industry, into: &output)
        }
        output += #","theme":"#
        JSONValue.writeString(event.attributes.theme, into: &output)
        output += #"},"data":{"sensor_id":"#
        JSONValue.writeString(event.data.sensorID, into: &output)
        output += #","values":{"#
        for (index, name) in event.data.values.keys.sorted().enumerated() {
            if index > 0 { output += "," }
            JSONValue.writeString(name, into: &output)
            output += ":"
            output += JSONValue.format(event.data.values[name]!)
        }
        output += #"}},"id":""#
        output += event.id.uuidString
        output += #"","occurred_at":""#
        output += Timestamp.format(event.occurredAt)
        output += #"","recorded_at":""#
        output += Timestamp.format(event.recordedAt)
        output += #"","schema":"#
        JSONValue.writeString(event.schema, into: &output)
        output += #","source":"#
        JSONValue.writeString(event.source, into: &output)
        output += #","space":{"crs":"#
        JSONValue.writeString(event.space.crs, into: &output)
        output += #","geometry":{"coordinates":"#
        writeNumbers(event.space.geometry.coordinates, into: &output)
        output += #","type":"#
        JSONValue.writeString(event.space.geometry.type, into: &output)
        output += #"},"source_coordinates":"#
        writeNumbers(event.space.sourceCoordinates, into: &output)
        output += #","source_crs":"#
        JSONValue.writeString(event.space.sourceCRS, into: &output)
        output += #"},"subject":"#
        JSONValue.writeString(event.subject, into: &output)
        output += #","type":"#
        JSONValue.writeString(event.type, into: &output)
        output += "}"
        return Data(output.utf8)
    }

    /// What a projection needs of a spatialised reading, read in one parse.
    public struct Decoded: Sendable {
        public var id: UUID
        public var sensorID: String
        public var occurredAt: Date
        public var recordedAt: Date
        public var source: String
        public var longitude: Double
        public var latitude: Double
        /// The `values` object as JSON text (numbers only).
        public var valuesJSON: String
    }

    /// Reads a spatialised reading; throws the reason a dead letter carries when it is not one.
    public static func decode(_ bytes: Data) throws(EventDecodingError) -> Decoded {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes: Array(bytes))
        } catch {
            throw EventDecodingError("not a spatialised sensor.reading: \(error)")
        }
        func text(_ value: JSONValue?, _ name: String) throws(EventDecodingError) -> String {
            guard let text = value?.string else { throw EventDecodingError("not a spatialised sensor.reading: \(name) is missing or not a string") }
            return text
        }
        func time(_ value: JSONValue?, _ name: String) throws(EventDecodingError) -> Date {
            guard let date = Timestamp.parse(try text(value, name)) else {
                throw EventDecodingError("not a spatialised sensor.reading: \(name) is not an RFC 3339 date-time")
            }
            return date
        }
        guard let id = UUID(canonical: try text(json["id"], "id")) else {
            throw EventDecodingError("not a spatialised sensor.reading: id is not a UUID")
        }
        let space = json["space"]
        let data = json["data"]
        guard space?["crs"]?.string == "EPSG:4490", let coordinates = space?["geometry"]?["coordinates"]?.array, coordinates.count == 2,
            let longitude = coordinates[0].number, let latitude = coordinates[1].number
        else { throw EventDecodingError("geometry must be a point in EPSG:4490") }
        guard let values = data?["values"], let members = values.members, members.allSatisfy({ $0.value.number != nil }) else {
            throw EventDecodingError("not a spatialised sensor.reading: data.values must be an object of numbers")
        }
        return Decoded(
            id: id, sensorID: try text(data?["sensor_id"], "data.sensor_id"), occurredAt: try time(json["occurred_at"], "occurred_at"),
            recordedAt: try time(json["recorded_at"], "recorded_at"), source: try text(json["source"], "source"), longitude: longitude,
            latitude: latitude, valuesJSON: values.text)
    }

    private static func writeNumbers(_ numbers: [Double], into output: inout String) {
        output += "["
        for (index, number) in numbers.enumerated() {
            if index > 0 { output += "," }
            output += JSONValue.format(number)
        }
        output += "]"
    }
}
