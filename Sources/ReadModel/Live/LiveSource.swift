import CQL2
import Foundation
import JSON

/// A ``CollectionSource`` whose collections can be followed live (`/collections/{c}/live`): it
/// names the topics whose events change its features, and turns one event into the feature it makes,
/// with the properties `/items` shows and the values its queryables have, so the same `bbox`,
/// `filter`, `datetime` and `properties` apply to a subscription as to a query.
///
/// **Adding a live kind of collection** (aggregates, alerts, …): conform its source to this
/// protocol; the live hub follows ``liveTopics`` and the subscriptions of its collections work with
/// no other change.
public protocol LiveSource: CollectionSource {
    /// The topics whose events make or change features of this kind of collection.
    var liveTopics: [String] { get }
    /// The queryable a subscription's `datetime` applies to (as `/items` applies it), or `nil`.
    var liveTime: String? { get }
    /// The projection whose tables `/items` reads for this kind of collection (its positions are
    /// where a subscription starting now begins, so that a snapshot plus the stream miss nothing).
    var liveProjection: String { get }
    /// The feature `event` makes in `collection`, or `nil` when the event is not about it.
    func liveFeature(_ event: LiveEvent, in collection: ServedCollection) -> LiveFeature?
}

/// An event as live subscriptions see it, from the Kafka tail or from the archive, with its position.
public struct LiveEvent: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var id: UUID
    public var type: String
    public var subject: String
    /// When the platform recorded it (system time), as written in the event.
    public var recordedAt: Date
    /// The value, parsed; `nil` when it is not JSON.
    public var value: JSONValue?

    public init(topic: String, partition: Int32, offset: Int64, id: UUID, type: String, subject: String, recordedAt: Date, value: JSONValue?) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.id = id
        self.type = type
        self.subject = subject
        self.recordedAt = recordedAt
        self.value = value
    }
}

/// The feature one event makes: what a subscriber receives (GeoJSON, as `/items` renders it) and
/// what its filters read (``CQL2Feature``).
public struct LiveFeature: Sendable, CQL2Feature {
    /// What the event does to the feature.
    public enum Change: String, Sendable {
        /// The feature now is (or also is) this.
        case upsert
        /// The feature is gone (an entity retired): no geometry nor properties to filter, so it goes
        /// to every subscriber of the collection.
        case removal
    }

    public var id: String
    public var change: Change
    /// EPSG:4490, longitude first.
    public var geometry: CQL2Geometry?
    /// The properties, in order, as `/items` shows them.
    public var properties: [(key: String, value: JSONValue)]
    /// Raw values of the queryables, read through their types by ``value(of:)``.
    var inputs: [String: JSONValue]
    let queryables: Queryables
    let geometryQueryable: String

    /// `inputs` maps queryable names to JSON values (converted as ``CQL2Value/init(json:as:)`` does).
    public init(
        id: String, change: Change = .upsert, geometry: CQL2Geometry?, properties: [(key: String, value: JSONValue)],
        inputs: [String: JSONValue], queryables: Queryables, geometryQueryable: String = "geometry"
    ) {
        self.id = id
        self.change = change
        self.geometry = geometry
        self.properties = properties
        self.inputs = inputs
        self.queryables = queryables
        self.geometryQueryable = geometryQueryable
    }

    public func value(of name: String) -> CQL2Value? {
        if name == geometryQueryable { return geometry.map(CQL2Value.geometry) }
        guard let input = inputs[name], let type = queryables[name]?.type else { return nil }
        return CQL2Value(json: input, as: type)
    }

    /// West, south, east, north of the geometry (EPSG:4490), or `nil` without one.
    public var bounds: (west: Double, south: Double, east: Double, north: Double)? {
        guard let geometry else { return nil }
        var box: (Double, Double, Double, Double)?
        geometry.forEachPosition { x, y in
            if let b = box { box = (min(b.0, x), min(b.1, y), max(b.2, x), max(b.3, y)) } else { box = (x, y, x, y) }
        }
        return box.map { (west: $0.0, south: $0.1, east: $0.2, north: $0.3) }
    }

    /// `{"type":"Feature","id":…,"geometry":…,"properties":…}`, with only `selection`'s properties
    /// when there is one.
    public func geoJSON(selecting selection: Set<String>? = nil) -> String {
        var text = #"{"type":"Feature","id":"#
        JSONValue.writeString(id, into: &text)
        text += #","geometry":"# + (geometry.map { Self.geoJSON($0).text } ?? "null")
        let members = selection.map { names in properties.filter { names.contains($0.key) } } ?? properties
        text += #","properties":"# + JSONValue.object(members).text + "}"
        return text
    }

    static func geoJSON(_ geometry: CQL2Geometry) -> JSONValue {
        func position(_ p: [Double]) -> JSONValue { .array(p.map(JSONValue.number)) }
        func line(_ l: [[Double]]) -> JSONValue { .array(l.map(position)) }
        func rings(_ r: [[[Double]]]) -> JSONValue { .array(r.map(line)) }
        let (type, coordinates): (String, JSONValue)
        switch geometry {
        case .point(let p): (type, coordinates) = ("Point", position(p))
        case .lineString(let l): (type, coordinates) = ("LineString", line(l))
        case .multiPoint(let l): (type, coordinates) = ("MultiPoint", line(l))
        case .polygon(let r): (type, coordinates) = ("Polygon", rings(r))
        case .multiLineString(let r): (type, coordinates) = ("MultiLineString", rings(r))
        case .multiPolygon(let p): (type, coordinates) = ("MultiPolygon", .array(p.map(rings)))
        case .geometryCollection(let members):
            return .object([("type", .string("GeometryCollection")), ("geometries", .array(members.map(geoJSON)))])
        }
        return .object([("type", .string(type)), ("coordinates", coordinates)])
    }
}
