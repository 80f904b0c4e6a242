import Foundation
import Hummingbird
import JSON
import ReadModel

/// `GET /collections/{c}/stats`: grouped aggregates of the features an items request would select
/// (see ``StatisticsRequest`` for `group_by`, `time_bucket`, `tz`, `agg`, `grid_size`, `regions`, `geometry`).
struct StatisticsRoutes: Sendable {
    let store: FeatureStore
    /// The collection of admin regions `group_by=admin` uses when the request names none.
    let defaultRegions: String?

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/collections/:collection/stats") { request, context in
            let collection = try await store.registry.collection(try context.parameters.require("collection"))
            let parameters = QueryString.parameters(request).filter { $0.0 != "f" || $0.1 == "json" }
            let statistics = try StatisticsRequest(parameters, collection: collection, limits: store.limits, defaultRegions: defaultRegions)
            let (rows, truncated) = try await store.statistics(collection, statistics)
            let groups = statistics.groups.map { group -> String in
                switch group {
                case .admin: "admin"
                case .grid: "grid"
                case .property(let name): name
                }
            }
            let head: [(String, JSONValue)] = [
                ("collection", .string(collection.id)), ("group_by", .array(groups.map(JSONValue.string))),
                ("time_bucket", statistics.timeBucket.map(JSONValue.string) ?? .null),
                ("tz", statistics.timeBucket == nil ? .null : .string(statistics.timeZone)),
                ("aggregates", .array(statistics.aggregates.map { .string($0.name) })), ("numberOfRows", .number(Double(rows.count))),
                ("truncated", .bool(truncated)),
            ]
            let prefix = String(JSONValue.object(head).text.dropLast())
            return text(prefix + #","rows":[\#(rows.joined(separator: ","))]}"#, contentType: "application/json")
        }
    }
}
