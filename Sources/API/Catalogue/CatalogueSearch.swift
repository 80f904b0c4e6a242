import Events
import Foundation
import GeoVocabulary
import ReadModel

/// `GET /catalog` parameters: free text `q`, `keywords` (any of them), `bbox` (CRS84), `datetime`
/// (instant or interval), and the labels `domain`, `industry`, `theme`, `classification`, `kind`.
/// The catalogue is small (hundreds of collections), so the search runs over the registry's list.
struct CatalogueSearch: Sendable {
    var terms: [String] = []
    var keywords: [String] = []
    var bbox: BoundingBox?
    var datetime: QueryTime?
    var labels: [(name: String, value: String)] = []
    var limit = 100

    static let labelNames = ["domain", "industry", "theme", "classification", "kind"]
    static let parameterNames: Set<String> = Set(["q", "keywords", "bbox", "datetime", "limit", "f"] + labelNames)

    init(_ parameters: [(String, String)]) throws {
        for (name, value) in parameters {
            switch name {
            case "q": terms = value.lowercased().split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            case "keywords": keywords = value.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            case "bbox": bbox = try BoundingBox(parsing: value, axes: SupportedCRS.crs84.axes)
            case "datetime": datetime = try QueryTime(parsing: value, parameter: "datetime")
            case "limit": limit = try IntegerParameter.parse(value, name: "limit", default: limit, range: 1...1_000)
            case "f": guard value == "json" else { throw Problem.badRequest("f=\(value) is not offered here; use f=json") }
            case _ where Self.labelNames.contains(name): labels.append((name, value.lowercased()))
            default:
                throw Problem.badRequest("unknown parameter \(name); /catalog takes \(Self.parameterNames.sorted().joined(separator: ", "))")
            }
        }
    }

    /// Whether `collection` (with its cached extent) matches every given criterion.
    func matches(_ collection: ServedCollection, extent: ExtentCache.Extent?) -> Bool {
        let metadata = collection.metadata
        let fields =
            [collection.id, collection.title, collection.description, metadata.domain, metadata.industry, metadata.theme, metadata.source]
            .compactMap { $0?.lowercased() } + collection.keywords.map { $0.lowercased() }
        for term in terms where !fields.contains(where: { $0.contains(term) }) { return false }
        if !keywords.isEmpty && !collection.keywords.contains(where: { keywords.contains($0.lowercased()) }) { return false }
        for label in labels {
            let value: String? =
                switch label.name {
                case "domain": metadata.domain
                case "industry": metadata.industry
                case "theme": metadata.theme
                case "classification": metadata.classification
                default: collection.kind.rawValue
                }
            if value?.lowercased() != label.value { return false }
        }
        if let bbox {
            guard let box = extent?.bbox, box.count == 4, BoundingBox(west: box[0], south: box[1], east: box[2], north: box[3]).intersects(bbox)
            else { return false }
        }
        if let datetime {
            guard let extent, extent.start != nil || extent.end != nil else { return false }
            if let end = datetime.end, let start = extent.start, start > end { return false }
            if let start = datetime.start, let end = extent.end, end < start { return false }
        }
        return true
    }

    /// A collection as an OGC API Records record (a GeoJSON feature whose geometry is its extent).
    static func record(_ collection: ServedCollection, extent: ExtentCache.Extent?, base: String) -> [String: any Sendable] {
        let metadata = collection.metadata
        var geometry: any Sendable = NSNull()
        if let box = extent?.bbox, box.count == 4 {
            geometry =
                [
                    "type": "Polygon",
                    "coordinates": [[[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]], [box[0], box[1]]]],
                ] as [String: any Sendable]
        }
        var properties: [String: any Sendable] = [
            "type": "dataset", "title": collection.title, "description": collection.description, "keywords": collection.keywords,
            "kind": collection.kind.rawValue, "classification": metadata.classification ?? "public",
            "themes": [
                [
                    "scheme": "https://shikong.example/three-domain",
                    "concepts": [metadata.domain, metadata.industry, metadata.theme].compactMap { $0 }.map { ["id": $0] },
                ] as [String: any Sendable]
            ],
        ]
        for (key, value) in [
            ("domain", metadata.domain), ("industry", metadata.industry), ("theme", metadata.theme), ("source", metadata.source),
            ("updateFrequency", metadata.updateFrequency),
        ] {
            if let value { properties[key] = value }
        }
        if let registeredAt = collection.registeredAt { properties["created"] = Timestamp.format(registeredAt) }
        if let updatedAt = collection.updatedAt { properties["updated"] = Timestamp.format(updatedAt) }
        var time: any Sendable = NSNull()
        if let extent, extent.start != nil || extent.end != nil {
            time = ["interval": [extent.start.map(Timestamp.format) ?? "..", extent.end.map(Timestamp.format) ?? ".."]] as [String: any Sendable]
        }
        let url = "\(base)/collections/\(collection.id)"
        return [
            "type": "Feature", "id": collection.id, "geometry": geometry, "time": time, "properties": properties,
            "links": [
                ["href": url, "rel": "collection", "type": "application/json", "title": collection.title],
                ["href": "\(url)/items", "rel": "items", "type": "application/geo+json"],
            ],
        ]
    }
}
