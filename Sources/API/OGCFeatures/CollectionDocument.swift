import Events
import Foundation
import ReadModel

/// The JSON of one collection (`/collections/{c}`), as OGC API Features and Part 2 describe it,
/// with the catalogue's own metadata (three-domain labels, classification, source, update
/// frequency) as extra members.
enum CollectionDocument {
    static let gregorian = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"

    static func make(_ collection: ServedCollection, extent: ExtentCache.Extent?, base: String) -> [String: any Sendable] {
        let url = "\(base)/collections/\(collection.id)"
        let metadata = collection.metadata
        var document: [String: any Sendable] = [
            "id": collection.id, "title": collection.title, "description": collection.description, "keywords": collection.keywords,
            "itemType": "feature", "crs": SupportedCRS.uris, "storageCrs": SupportedCRS.cgcs2000.uri,
            "kind": collection.kind.rawValue, "classification": metadata.classification ?? "public",
            "properties": collection.fields.map { field -> [String: any Sendable] in
                var entry: [String: any Sendable] = ["name": field.name, "type": field.type]
                if let title = field.title { entry["title"] = title }
                return entry
            },
            "links": links(collection, url: url),
        ]
        for (key, value) in [
            ("domain", metadata.domain), ("industry", metadata.industry), ("theme", metadata.theme), ("source", metadata.source),
            ("updateFrequency", metadata.updateFrequency), ("classificationProperty", metadata.classificationProperty),
        ] {
            if let value { document[key] = value }
        }
        if let registeredAt = collection.registeredAt { document["created"] = Timestamp.format(registeredAt) }
        if let updatedAt = collection.updatedAt { document["updated"] = Timestamp.format(updatedAt) }
        if let extent = self.extent(extent) { document["extent"] = extent }
        return document
    }

    static func extent(_ extent: ExtentCache.Extent?) -> [String: any Sendable]? {
        guard let extent, extent.bbox != nil || extent.start != nil else { return nil }
        var document: [String: any Sendable] = [:]
        if let bbox = extent.bbox { document["spatial"] = ["bbox": [bbox], "crs": SupportedCRS.crs84.uri] as [String: any Sendable] }
        if extent.start != nil || extent.end != nil {
            let interval: [any Sendable] = [extent.start.map(Timestamp.format) ?? NSNull(), extent.end.map(Timestamp.format) ?? NSNull()]
            document["temporal"] = ["interval": [interval], "trs": gregorian] as [String: any Sendable]
        }
        return document
    }

    static func links(_ collection: ServedCollection, url: String) -> [[String: any Sendable]] {
        var links: [[String: any Sendable]] = [
            ["href": url, "rel": "self", "type": "application/json", "title": collection.title],
            ["href": "\(url)/items", "rel": "items", "type": "application/geo+json", "title": "Features"],
            ["href": "\(url)/items?f=gpkg", "rel": "enclosure", "type": "application/geopackage+sqlite3", "title": "All features as GeoPackage"],
            ["href": "\(url)/items?f=shp", "rel": "enclosure", "type": "application/zip", "title": "All features as zipped Shapefile"],
            ["href": "\(url)/items?f=csv", "rel": "enclosure", "type": "text/csv", "title": "All features as CSV (WKT)"],
            ["href": "\(url)/items?f=geojson", "rel": "enclosure", "type": "application/geo+json", "title": "All features as a GeoJSON file"],
            [
                "href": "\(url)/queryables", "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables", "type": "application/schema+json",
                "title": "Queryables",
            ],
            ["href": "\(url)/stats", "rel": "statistics", "type": "application/json", "title": "Statistics"],
            ["href": "\(url)/nearest", "rel": "nearest", "type": "application/geo+json", "title": "Nearest features"],
            ["href": "\(url)/intersect", "rel": "related", "type": "application/geo+json", "title": "Intersection with a geometry (POST)"],
        ]
        if collection.isBitemporal {
            links.append([
                "href": "\(url)/diff", "rel": "related", "type": "application/geo+json",
                "title": "Changes between two system times (diff?from=…&to=…); items take as_of=… for a past state",
            ])
        }
        return links
    }
}
