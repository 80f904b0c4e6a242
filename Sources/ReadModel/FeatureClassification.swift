import Access
import JSON
import Foundation

/// Per-feature classification (R-SEC-1, issue 13): a collection whose metadata names a
/// `classification_property` gives each feature the level that property holds (`public`,
/// `government`, `classified`, or 公开, 政务, 涉密). A caller sees a feature whose level is at most
/// their clearance. A feature without a label there (missing, null or empty) has the collection's
/// level — which the caller has passed already, or the collection itself would be hidden. A label
/// that names no level (a misspelling, a number) fails closed: only classified callers see it.
///
/// Every read applies it: ``ReadPlan`` adds ``condition(properties:builder:)`` to each plan
/// (items, single items, counts, exports, statistics, tiles, nearest, intersect); history, diff
/// and replay call the same SQL function (`shikong_feature_hidden`); live subscriptions test each
/// event with ``allows(_:)``.
public struct FeatureClassification: Sendable, Hashable {
    /// The feature property holding each feature's level.
    public let property: String
    /// The caller's clearance.
    public let clearance: Clearance

    public init(property: String, clearance: Clearance) {
        self.property = property
        self.clearance = clearance
    }

    /// What ``Caller/current`` may not see of `collection`'s features; `nil` when it may see them
    /// all (no classification property, or classified clearance).
    public static func current(_ collection: ServedCollection) -> FeatureClassification? {
        of(collection, for: Caller.current)
    }

    /// What `caller` may not see of `collection`'s features; `nil` when it may see them all.
    public static func of(_ collection: ServedCollection, for caller: Caller) -> FeatureClassification? {
        guard let property = collection.metadata.classificationProperty, !property.isEmpty, caller.clearance < .classified else { return nil }
        return FeatureClassification(property: property, clearance: caller.clearance)
    }

    /// The labels of the levels up to the clearance: a feature holding any other label is hidden.
    public var visibleLabels: [String] { Clearance.allCases.filter { $0 <= clearance }.flatMap(\.labels) }

    /// The SQL condition a feature must meet to be seen; `properties` is the `jsonb` expression of
    /// a feature's properties (``SourceRelation/properties``).
    public func condition(properties: String, builder: inout SQLBuilder) -> String {
        "NOT shikong_feature_hidden(\(properties), \(builder.bind(property)), \(builder.bind(visibleLabels))::text[])"
    }

    /// Whether a feature with these properties may be seen (the live subscriptions' test, the same
    /// rule as the SQL one).
    public func allows(_ properties: [(key: String, value: JSONValue)]) -> Bool {
        switch properties.first(where: { $0.key == property })?.value {
        case nil, .null?:
            return true
        case .string(let label)?:
            // Spaces only, as the SQL rule's btrim.
            if label.trimmingCharacters(in: CharacterSet(charactersIn: " ")).isEmpty { return true }
            return Clearance(featureLabel: label).map { $0 <= clearance } ?? false
        default:
            return false
        }
    }

    /// What a tile cache key holds of the caller: their clearance when it hides features of `collection`.
    public static func cacheKey(_ collection: ServedCollection) -> String { current(collection)?.clearance.description ?? "" }
}
