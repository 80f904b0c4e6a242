import Events
import Foundation
import JSON

/// A diff as GeoJSON: a FeatureCollection whose features carry `change` (added, removed, changed),
/// the attribute-level changes and whether the geometry changed, with a `summary` of the counts.
public enum EntityDiffGeoJSON {
    public static func render(_ diff: EntityTimeTravel.Diff, from: Date, to: Date, collection: String) -> String {
        let features = diff.changes.map { change -> String in
            var properties: [(String, JSONValue)] = [("change", .string(change.kind.rawValue)), ("entity_id", .string(change.entityID))]
            if change.kind == .changed {
                properties.append(
                    (
                        "attributes_changed",
                        .object(change.attributeChanges.map { ($0.name, .object([("from", $0.before ?? .null), ("to", $0.after ?? .null)])) })
                    ))
                properties.append(("geometry_changed", .bool(change.geometryChanged)))
                if change.geometryChanged { properties.append(("geometry_before", change.before.flatMap { try? JSONParser.parse($0) } ?? .null)) }
            }
            properties.append(("attributes", (change.kind == .removed ? change.propertiesBefore : change.propertiesAfter) ?? .object([])))
            let geometry = (change.kind == .removed ? change.before : change.after) ?? "null"
            return
                #"{"type":"Feature","id":\#(JSONValue.string(change.entityID).text),"geometry":\#(geometry),"properties":\#(JSONValue.object(properties).text)}"#
        }
        let summary = JSONValue.object([
            ("added", .number(Double(diff.added))), ("removed", .number(Double(diff.removed))), ("changed", .number(Double(diff.changed))),
        ])
        return
            #"{"type":"FeatureCollection","collection":\#(JSONValue.string(collection).text),"from":"\#(Timestamp.format(from))","to":"\#(Timestamp.format(to))","summary":\#(summary.text),"numberReturned":\#(features.count),"features":[\#(features.joined(separator: ","))]}"#
    }

}
