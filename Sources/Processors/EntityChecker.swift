import Events
import Foundation
import GeoVocabulary
import JSON
import Kafka

/// Checks one `raw.entities` record and makes it a `spatial.entities` record, or says why it cannot:
/// the event must match its schema, a geometry must be valid GeoJSON in longitude/latitude inside the
/// service area (unless its collection allows otherwise), and a change with only an address is placed
/// by the geocoder. Pure apart from the geocoder: the stage around it does the Kafka work.
public struct EntityChecker: Sendable {
    public static let stage = "processors.entities"

    private let serviceArea: BoundingBox
    private let geocoder: (any AddressGeocoder)?
    private let schema: JSONSchema?
    private let outputTopic: String

    public init(
        serviceArea: BoundingBox = .china, geocoder: (any AddressGeocoder)? = nil, schema: JSONSchema? = nil,
        outputTopic: String = Topics.spatialEntities
    ) {
        self.serviceArea = serviceArea
        self.geocoder = geocoder
        self.schema = schema
        self.outputTopic = outputTopic
    }

    public func check(_ message: KafkaMessage) -> Result<OutgoingRecord, ProcessingFailure> {
        let eventID = message.header("ce_id").flatMap(UUID.init(canonical:))
        do {
            return .success(try check(message.value))
        } catch {
            return .failure(ProcessingFailure(error, eventID: eventID))
        }
    }

    private func check(_ value: Data) throws -> OutgoingRecord {
        let json = try JSONPayload.object(value)
        try JSONPayload.validate(json, against: schema, schemaID: "shikong/entity/1")
        // One parse: the event is read from the JSON the schema was checked on.
        var event = try EntityEvent(json: json)
        switch event.type {
        case EntityEvent.retired:
            return try event.record(topic: outputTopic)
        case EntityEvent.upserted:
            break
        default:
            throw EventDecodingError("unknown entity event type \(event.type)")
        }
        guard event.data.properties?.members != nil else { throw EventDecodingError("data.properties must be a JSON object") }
        if let geometry = event.space.geometry {
            try GeoJSONCheck.validate(geometry)
            if event.data.outsideServiceAreaAllowed != true, let outside = GeoJSONCheck.firstPosition(of: geometry, outside: serviceArea) {
                throw EventDecodingError("position (\(outside.0), \(outside.1)) in EPSG:4490 lies outside the service area \(serviceArea)")
            }
        } else if let address = event.space.address, !address.isEmpty {
            guard let geocoder else {
                throw EventDecodingError("no geometry, only the address \"\(address)\", and no gazetteer is loaded to geocode it")
            }
            switch geocoder.geocode(address, asOf: event.data.validFrom) {
            case .failed(let reason):
                throw EventDecodingError("address \"\(address)\" could not be geocoded: \(reason)")
            case .found(let place):
                guard event.data.outsideServiceAreaAllowed == true || serviceArea.contains(longitude: place.longitude, latitude: place.latitude)
                else {
                    throw EventDecodingError("address \"\(address)\" lies outside the service area \(serviceArea)")
                }
                event.space.geometry = .object([
                    ("type", .string("Point")), ("coordinates", .array([.number(place.longitude), .number(place.latitude)])),
                ])
                event.space.adminCode = place.adminCodes.last
                event.space.precision = place.precision
            }
        } else {
            throw EventDecodingError("no geometry and no address")
        }
        if event.space.precision == nil { event.space.precision = "source" }
        return try event.record(topic: outputTopic)
    }
}

/// Structural checks of GeoJSON geometries.
enum GeoJSONCheck {
    static let types: Set<String> = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"]

    static func validate(_ geometry: JSONValue) throws(EventDecodingError) {
        guard let type = geometry["type"]?.string, types.contains(type) else {
            throw EventDecodingError("space.geometry is not a GeoJSON geometry (type \(geometry["type"]?.summary ?? "missing"))")
        }
        if type == "GeometryCollection" {
            guard let parts = geometry["geometries"]?.array else { throw EventDecodingError("a GeometryCollection needs geometries") }
            for part in parts { try validate(part) }
            return
        }
        guard let coordinates = geometry["coordinates"] else { throw EventDecodingError("a \(type) needs coordinates") }
        let depth = ["Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3][type]!
        try positions(coordinates, depth: depth, type: type)
    }

    private static func positions(_ value: JSONValue, depth: Int, type: String) throws(EventDecodingError) {
        guard let items = value.array else { throw EventDecodingError("\(type) coordinates must be arrays") }
        if depth == 0 {
            guard items.count >= 2, items.count <= 4, let x = items[0].number, let y = items[1].number, x.isFinite, y.isFinite else {
                throw EventDecodingError("\(type) positions must be [longitude, latitude] numbers")
            }
            guard (-180...180).contains(x), (-90...90).contains(y) else {
                throw EventDecodingError("position (\(x), \(y)) is not a longitude/latitude in degrees")
            }
            return
        }
        if items.isEmpty, depth > 0 { throw EventDecodingError("\(type) has empty coordinates") }
        for item in items { try positions(item, depth: depth - 1, type: type) }
    }

    /// The first position outside the bounds, if any.
    static func firstPosition(of geometry: JSONValue, outside bounds: BoundingBox) -> (Double, Double)? {
        var found: (Double, Double)?
        func visit(_ value: JSONValue) {
            guard found == nil, let items = value.array else { return }
            if items.count >= 2, let x = items[0].number, let y = items[1].number {
                if !bounds.contains(longitude: x, latitude: y) { found = (x, y) }
                return
            }
            for item in items { visit(item) }
        }
        visit(geometry["coordinates"] ?? .null)
        for part in geometry["geometries"]?.array ?? [] where found == nil { found = firstPosition(of: part, outside: bounds) }
        return found
    }
}
