import Foundation
import GeoVocabulary

/// What a projection changed, as its tables announce it on the PostgreSQL channel
/// ``TileChange/channel`` when their transaction commits (triggers of migration 11): the kind of
/// collection, the collection (none: every collection of that kind), the area the changed features
/// covered before and after (none: anywhere) and the earliest system time the change affects (a
/// tile `as_of` an earlier time still holds). `{"all": true}` (a rebuilt projection swapped in)
/// changes everything.
public struct TileChange: Sendable, Hashable {
    /// The notification channel the projection tables' triggers use.
    public static let channel = "shikong_tile_changes"

    public var all = false
    public var kind: SourceKind?
    public var collection: String?
    public var area: BoundingBox?
    public var since: Date?

    public init(all: Bool = false, kind: SourceKind? = nil, collection: String? = nil, area: BoundingBox? = nil, since: Date? = nil) {
        self.all = all
        self.kind = kind
        self.collection = collection
        self.area = area
        self.since = since
    }

    /// Everything changed.
    public static let everything = TileChange(all: true)

    /// Reads a notification's payload; a payload it cannot read changes everything (safe).
    public init(payload: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else {
            self = .everything
            return
        }
        all = object["all"] as? Bool ?? false
        kind = (object["kind"] as? String).map(SourceKind.init(rawValue:))
        collection = object["collection"] as? String
        if let box = object["bbox"] as? [Double], box.count == 4 {
            area = BoundingBox(west: box[0], south: box[1], east: box[2], north: box[3])
        }
        since = (object["since"] as? Double).map { Date(timeIntervalSince1970: $0) }
        if kind == nil && collection == nil { all = true }
    }

    /// Whether a cached tile of `collection` (of `kind`) covering `tileArea`, read `as_of` `asOf`,
    /// may show what changed.
    func affects(collection tileCollection: String, kind tileKind: SourceKind, area tileArea: BoundingBox, asOf: Date?) -> Bool {
        if all { return true }
        if let collection, collection != tileCollection { return false }
        if collection == nil, let kind, kind != tileKind { return false }
        if let area, area.east < tileArea.west || area.west > tileArea.east || area.north < tileArea.south || area.south > tileArea.north {
            return false
        }
        // What was known at an earlier system time does not change.
        if let asOf, let since, asOf < since { return false }
        return true
    }
}
