import CQL2
import Foundation
import GeoVocabulary

/// The query parameters of `GET /items` (crawl items placed by the gazetteer), as an items request
/// over the located-items source: `bbox` (EPSG:4490 longitude/latitude), `datetime` (the item's
/// time, instant or interval), `admin_code` (a division code or a prefix of one), `limit` and
/// `offset`; newest first.
public struct LocatedItemsRequest: Sendable {
    public static let defaultLimit = 10
    public static let maximumLimit = 10_000

    public var items: ItemRequest
    public var adminCode: String?

    /// `parameters`: decoded name/value pairs; other names are ignored.
    public init(_ parameters: [(String, String)], collection: ServedCollection) throws {
        let values = Dictionary(parameters, uniquingKeysWith: { first, _ in first })
        var items = ItemRequest(
            limit: try IntegerParameter.parse(values["limit"], name: "limit", default: Self.defaultLimit, range: 1...Self.maximumLimit),
            offset: try IntegerParameter.offset(values["offset"]))
        if let text = values["bbox"] { items.bbox = try BoundingBox(parsing: text) }
        if let text = values["datetime"] { items.datetime = try QueryTime(parsing: text, parameter: "datetime") }
        adminCode = values["admin_code"]
        if let adminCode {
            guard !adminCode.isEmpty, adminCode.allSatisfy(\.isNumber) else {
                throw FeatureStoreError(.badRequest, "admin_code must be a division code or a prefix of one (digits), not \(adminCode)")
            }
            items.propertyFilter = .like(.property("admin_code"), pattern: .string(adminCode + "%"))
        }
        items.sortBy = try SortBy(parsing: "-occurred_at", queryables: collection.queryables)
        items.carried = parameters.filter { ["bbox", "datetime", "admin_code"].contains($0.0) }
        self.items = items
    }
}
