import Events
import Foundation
import JSON
import Kafka

/// Places one raw item (`crawl.item` on `raw.items`) on the map, or says why it cannot: the address is
/// geocoded, and when there is none (or it cannot be placed) place names are extracted from the text.
/// The item's time is the date the gazetteer is read as of, so an item from 2005 about 襄樊市 is placed.
/// Pure apart from the geocoder: the stage around it does the Kafka work.
public struct ItemLocator: Sendable {
    public typealias Failure = ProcessingFailure

    public static let stage = "processors.items"
    /// Labels of items that carry none.
    public static let defaultLabels = AttributeLabels(domain: "web", theme: "general")

    private let geocoder: any FreeTextGeocoder
    private let outputTopic: String
    private let schema: JSONSchema?

    /// `schema` is the raw topic's value schema from the catalogue: a payload must match it as well as
    /// carry what the locator needs.
    public init(geocoder: any FreeTextGeocoder, outputTopic: String = Topics.spatialItems, schema: JSONSchema? = nil) {
        self.geocoder = geocoder
        self.outputTopic = outputTopic
        self.schema = schema
    }

    public func locate(_ message: KafkaMessage) -> Result<OutgoingRecord, Failure> {
        ProcessingFailure.catching(message) { metadata in try locate(metadata: metadata, payload: message.value).record(topic: outputTopic) }
    }

    func locate(metadata: EventMetadata, payload: Data) throws -> LocatedItemEvent {
        let json = try JSONPayload.object(payload)
        let item = try RawItem(json: json)
        try JSONPayload.validate(json, against: schema, schemaID: metadata.schema)
        let data = ItemData(
            itemID: item.id, sourceURL: item.sourceURL, task: item.task, title: item.title, address: item.address, text: item.text,
            attributes: item.attributes)
        let space = try place(data, at: item.time)
        let labels = AttributeLabels(
            domain: item.labels["domain"] ?? Self.defaultLabels.domain, industry: item.labels["industry"],
            theme: item.labels["theme"] ?? Self.defaultLabels.theme)
        return LocatedItemEvent(
            id: metadata.id, subject: "item:\(item.id)", source: metadata.source, occurredAt: item.time, recordedAt: metadata.recordedAt,
            space: space, attributes: labels, data: data)
    }

    /// Places an item again from what it said, with the gazetteer as it is now: what a rebuild of the
    /// located-items projection does after a gazetteer fix. Throws the reason when it no longer places.
    public func relocate(_ event: LocatedItemEvent) throws(EventDecodingError) -> LocatedItemEvent {
        var placed = event
        placed.space = try place(event.data, at: event.occurredAt)
        return placed
    }

    /// The address first; the text when there is no address or the address cannot be placed.
    private func place(_ data: ItemData, at time: Date) throws(EventDecodingError) -> ItemSpace {
        var reasons: [String] = []
        if let address = data.address {
            switch geocoder.geocode(address, asOf: time) {
            case .found(let place): return Self.space(place, method: "address")
            case .failed(let reason): reasons.append("address \"\(address)\": \(reason)")
            }
        }
        if let text = data.text {
            switch geocoder.geocode(freeText: text, asOf: time) {
            case .found(let place): return Self.space(place, method: "text")
            case .failed(let reason): reasons.append("text: \(reason)")
            }
        }
        throw EventDecodingError("cannot place the item: " + reasons.joined(separator: "; "))
    }

    private static func space(_ place: Geocoded, method: String) -> ItemSpace {
        ItemSpace(
            geometry: PointGeometry(longitude: place.longitude, latitude: place.latitude), method: method, standardAddress: place.address,
            adminCodes: place.adminCodes, precision: place.precision, score: place.score)
    }
}
