import CQL2
import Foundation

/// The one place a read of a collection is planned: the collection's source relation at the
/// request's times, then the request's own conditions (bbox, `datetime` on a time column, property
/// filters, the CQL2 filter), every value bound through one ``SQLBuilder``. Items pages, single
/// items, exports, statistics, tiles, nearest and intersect all select `FROM \(from)\(whereClause)`, so a
/// condition that must hold for every read of a collection is added here once: the caller's
/// clearance against each feature's own level (``FeatureClassification``).
public struct ReadPlan: Sendable {
    public let collection: ServedCollection
    public let relation: SourceRelation
    public var builder: SQLBuilder
    /// The source's conditions, then the request's.
    public var conditions: [String]

    /// The plan of an items request (also what an export or a statistics request selects).
    public init(_ collection: ServedCollection, _ request: ItemRequest, builder: SQLBuilder = SQLBuilder()) throws {
        self.init(collection, time: SourceTime(asOf: request.asOf, datetime: request.datetime), builder: builder)
        if let bbox = request.bbox {
            let crs = request.bboxCRS
            let translator = CQL2Translator(queryables: collection.queryables, filterCRS: crs.filterCRS)
            conditions.append(
                try translator.translate(.spatial(.intersects, .property("geometry"), .bbox(bbox.corners(crs.axes))), into: &self.builder.binds))
        }
        if let datetime = request.datetime, let column = relation.observedAt {
            if let start = datetime.startText { conditions.append("\(column) >= \(self.builder.bind(start))::timestamptz") }
            if let end = datetime.endText { conditions.append("\(column) <= \(self.builder.bind(end))::timestamptz") }
        }
        if let expression = request.propertyFilter {
            conditions.append(try CQL2Translator(queryables: collection.queryables).translate(expression, into: &self.builder.binds))
        }
        if let expression = request.filter {
            let translator = CQL2Translator(queryables: collection.queryables, filterCRS: request.filterCRS.filterCRS)
            conditions.append(try translator.translate(expression, into: &self.builder.binds))
        }
    }

    /// The plan of a plain read of the collection at `time` (the current state by default): the
    /// source's own conditions and the caller's clearance.
    public init(_ collection: ServedCollection, time: SourceTime = .current, builder: SQLBuilder = SQLBuilder()) {
        var builder = builder
        let relation = collection.source.relation(collection, time: time, builder: &builder)
        self.collection = collection
        self.builder = builder
        self.relation = relation
        self.conditions = relation.conditions
        // The caller's clearance against each feature's own level, when the collection names one.
        if let classification = FeatureClassification.current(collection) {
            conditions.append(classification.condition(properties: relation.properties, builder: &self.builder))
        }
    }

    /// The `FROM` target.
    public var from: String { relation.relation }

    /// ` WHERE …` with every condition, or nothing.
    public var whereClause: String { conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ") }

    /// `SELECT <columns> FROM <relation> WHERE <conditions>`.
    public func select(_ columns: String) -> String { "SELECT \(columns) FROM \(from)\(whereClause)" }
}
