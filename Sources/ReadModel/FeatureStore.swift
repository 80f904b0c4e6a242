import CQL2
import Foundation
import Logging
import PostgresNIO

/// The collections of the read model, as the query API and `shikong export` use them: the
/// catalogue (``CollectionRegistry``), their extents, items as GeoJSON text, statistics and exports.
/// Every read is planned by ``ReadPlan`` from the collection's ``CollectionSource``.
public struct FeatureStore: Sendable {
    public let client: PostgresClient
    public let registry: CollectionRegistry
    public let extents: ExtentCache
    public let limits: QueryLimits
    let logger: Logger

    public init(
        client: PostgresClient, sources: SourceRegistry = .standard, limits: QueryLimits = QueryLimits(), refreshInterval: Duration = .seconds(5),
        logger: Logger
    ) {
        self.client = client
        self.limits = limits
        self.logger = logger
        self.registry = CollectionRegistry(client: client, sources: sources, refreshInterval: refreshInterval, logger: logger)
        self.extents = ExtentCache(client: client, logger: logger)
    }

    /// One page of features, in the order asked for.
    public func page(_ collection: ServedCollection, _ request: ItemRequest) async throws -> FeaturePage {
        let query = try ItemsStatement.page(collection, request)
        var keys: [String] = []
        var features: [String] = []
        keys.reserveCapacity(request.limit + 1)
        features.reserveCapacity(request.limit + 1)
        try await evaluating {
            for try await (key, feature) in try await client.query(query, logger: logger).decode((String, String).self) {
                keys.append(key)
                features.append(feature)
            }
        }
        let hasMore = features.count > request.limit
        if hasMore {
            features.removeLast()
            keys.removeLast()
        }
        return FeaturePage(features: features, keys: keys, hasMore: hasMore)
    }

    /// One feature as GeoJSON text, or `nil`.
    public func feature(_ collection: ServedCollection, id: String, _ request: ItemRequest) async throws -> String? {
        guard let query = try ItemsStatement.single(collection, id: id, request) else { return nil }
        var found: String?
        try await evaluating {
            for try await (_, feature) in try await client.query(query, logger: logger).decode((String, String).self) { found = feature }
        }
        return found
    }

    /// Runs `body`, turning PostgreSQL's data errors (a filter it cannot evaluate) into client errors.
    func evaluating(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            if let clientError = CQL2Error.evaluation(error) { throw clientError }
            throw error
        }
    }
}

/// Features of one page, as GeoJSON text, with their keys.
public struct FeaturePage: Sendable {
    public var features: [String]
    public var keys: [String]
    /// Whether more features follow this page.
    public var hasMore: Bool
}

extension FeatureStore {
    /// Grouped aggregates as JSON objects (text), at most `limits.maximumStatisticsRows`; `truncated`
    /// says more groups exist.
    public func statistics(_ collection: ServedCollection, _ request: StatisticsRequest) async throws -> (rows: [String], truncated: Bool) {
        var regions: ServedCollection?
        if request.groups.contains(.admin), let name = request.regions {
            let regionCollection = try await registry.collection(name)
            guard regionCollection.source.capabilities.regions else {
                throw FeatureStoreError(.badRequest, "regions must be an entity collection of polygons, not \(name)")
            }
            regions = regionCollection
        }
        let query = try StatisticsStatement.make(collection, request, regions: regions, maximumRows: limits.maximumStatisticsRows)
        var rows: [String] = []
        try await evaluating {
            for try await row in try await client.query(query, logger: logger).decode(String.self) { rows.append(row) }
        }
        let truncated = rows.count > limits.maximumStatisticsRows
        if truncated { rows.removeLast() }
        return (rows, truncated)
    }
}
