import CQL2
import Events
import Foundation
import ReadModel

/// What one subscriber asked for: a collection, the `/items` conditions (`bbox`, `filter`,
/// `datetime`, `name=value`), the properties to send, and where to start.
public struct LiveSubscription: Sendable {
    public enum Start: Sendable, Hashable {
        /// From the next event the process receives.
        case now
        /// From the first event recorded at or after this time, in each partition (replayed from the archive).
        case since(Date)
        /// Right after a cursor a message carried.
        case cursor(LiveCursor)
    }

    public let collection: ServedCollection
    public let source: any LiveSource
    /// Every one must match (the bbox test, property filters, `datetime`, `filter`).
    let filters: [CQL2Filter]
    /// The `bbox` in EPSG:4490, which the subscriber index keys it by and the archive pre-filters by.
    public let box: BoxBounds?
    /// `properties=`: the properties sent, or all.
    public let selection: Set<String>?
    public let start: Start
    /// The subscriber's clearance against each feature's own level, when the collection names one
    /// (taken from ``Caller/current`` when the subscription opens, as every read takes it).
    public let classification: FeatureClassification?

    /// Query parameters a subscription takes besides `name=value` property filters.
    public static let parameterNames: Set<String> = ["bbox", "bbox-crs", "datetime", "filter", "filter-lang", "filter-crs", "properties", "since"]

    /// Validates `parameters` for `collection`; `lastEventID` (the SSE `Last-Event-ID` header) is
    /// the cursor to resume from and wins over `since`.
    public init(_ parameters: [(String, String)], collection: ServedCollection, lastEventID: String? = nil, limits: QueryLimits) throws {
        guard let source = collection.source as? any LiveSource else {
            throw FeatureStoreError(.badRequest, "\(collection.id) cannot be followed live")
        }
        for (name, _) in parameters where ItemRequest.parameterNames.contains(name) && !Self.parameterNames.contains(name) {
            throw FeatureStoreError(
                .badRequest,
                "\(name) does not apply to a subscription; it takes \(Self.parameterNames.sorted().joined(separator: ", ")) and name=value filters")
        }
        let sinceText = parameters.first { $0.0 == "since" }?.1
        let request = try ItemRequest(parameters, collection: collection, limits: limits, extraParameters: ["since"])
        self.collection = collection
        self.source = source
        self.classification = FeatureClassification.current(collection)
        self.selection = request.properties.map { Set($0.names) }
        var filters: [CQL2Filter] = []
        var box: BoxBounds?
        let queryables = collection.queryables
        if let bbox = request.bbox {
            let corners = bbox.corners(request.bboxCRS.axes)
            let crs = request.bboxCRS.filterCRS
            filters.append(try CQL2Filter(.spatial(.intersects, .property("geometry"), .bbox(corners)), queryables: queryables, filterCRS: crs))
            let bounds = try CQL2Filter.storageBounds(ofBBox: corners, filterCRS: crs)
            box = BoxBounds(west: bounds.west, south: bounds.south, east: bounds.east, north: bounds.north)
        }
        if let datetime = request.datetime {
            guard let time = source.liveTime else { throw FeatureStoreError(.badRequest, "datetime does not apply to \(collection.id)") }
            var conditions: [CQL2Expression] = []
            if let start = datetime.start { conditions.append(.comparison(.greaterOrEqual, .property(time), .timestamp(Self.timestamp(start)))) }
            if let end = datetime.end { conditions.append(.comparison(.lessOrEqual, .property(time), .timestamp(Self.timestamp(end)))) }
            filters.append(try CQL2Filter(.and(conditions), queryables: queryables))
        }
        if let properties = request.propertyFilter { filters.append(try CQL2Filter(properties, queryables: queryables)) }
        if let filter = request.filter { filters.append(try CQL2Filter(filter, queryables: queryables, filterCRS: request.filterCRS.filterCRS)) }
        self.filters = filters
        self.box = box
        if let lastEventID, !lastEventID.isEmpty {
            start = .cursor(try Self.cursor(lastEventID, topics: source.liveTopics, parameter: "Last-Event-ID"))
        } else if let sinceText {
            if let date = Timestamp.parse(sinceText) {
                start = .since(date)
            } else {
                start = .cursor(try Self.cursor(sinceText, topics: source.liveTopics, parameter: "since"))
            }
        } else {
            start = .now
        }
    }

    /// Whether the subscriber receives `feature`: it is within the subscriber's clearance and every
    /// condition holds (a removal always goes: it carries an id and no properties).
    func matches(_ feature: LiveFeature) -> Bool {
        if feature.change == .removal { return true }
        if let classification, !classification.allows(feature.properties) { return false }
        return filters.allSatisfy { $0.evaluate(feature) }
    }

    static func timestamp(_ date: Date) -> CQL2Timestamp {
        CQL2Timestamp(microsecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1_000).rounded()) * 1_000)
    }

    static func cursor(_ text: String, topics: [String], parameter: String) throws -> LiveCursor {
        guard let cursor = LiveCursor(parsing: text) else {
            throw FeatureStoreError(
                .badRequest, "\(parameter) must be an RFC 3339 date-time or a cursor a message carried (topic@partition:offset,…), not \(text)")
        }
        if let other = cursor.positions.keys.first(where: { !topics.contains($0.topic) }) {
            throw FeatureStoreError(
                .badRequest, "\(parameter) names the topic \(other.topic); this collection follows \(topics.joined(separator: ", "))")
        }
        return cursor
    }
}
