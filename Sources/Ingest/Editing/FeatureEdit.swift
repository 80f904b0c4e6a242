import Events
import Foundation
import JSON

/// Feature edits through the API (OGC API Features Part 4) as entity events, the same events an
/// import makes: an upsert carries the whole new state (geometry in EPSG:4490, properties, the
/// content hash an import compares with), a deletion retires the entity. The editor is the source
/// (`user:<name>`), so histories say who changed what; the entity processor checks an edit as it
/// checks an imported row.
public enum FeatureEdit {
    /// The hash of what a version holds — the one an import computes, so a re-import of the same
    /// content is recognised as unchanged whichever way it came in.
    public static func contentHash(geometry: JSONValue?, properties: JSONValue) -> String {
        ContentHash.hex(Array(((geometry?.text ?? "null") + "\u{1F}" + properties.text).utf8))
    }

    public static func upsert(
        collection: String, entityID: String, geometry: JSONValue, sourceCRS: String, properties: JSONValue, labels: AttributeLabels,
        validFrom: Date, editor: String, allowOutsideServiceArea: Bool, at now: Date = Date()
    ) -> EntityEvent {
        EntityEvent(
            id: EventIDGenerator.shared.next(at: now), type: EntityEvent.upserted, source: TaskEvent.source(editor: editor), recordedAt: now,
            space: EntitySpace(geometry: geometry, sourceCRS: sourceCRS), attributes: labels,
            data: EntityData(
                collection: collection, entityID: entityID, validFrom: validFrom, properties: properties,
                contentHash: contentHash(geometry: geometry, properties: properties), outsideServiceAreaAllowed: allowOutsideServiceArea ? true : nil)
        )
    }

    public static func retire(
        collection: String, entityID: String, labels: AttributeLabels, validFrom: Date, editor: String, at now: Date = Date()
    ) -> EntityEvent {
        EntityEvent(
            id: EventIDGenerator.shared.next(at: now), type: EntityEvent.retired, source: TaskEvent.source(editor: editor), recordedAt: now,
            space: EntitySpace(geometry: nil), attributes: labels,
            data: EntityData(collection: collection, entityID: entityID, validFrom: validFrom, reason: "deleted by \(editor) through the API"))
    }
}
