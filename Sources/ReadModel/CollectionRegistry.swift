import Access
import Database
import Events
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The collections the API serves: every row of the `collections` table (the catalogue
/// projection's) whose kind a registered ``CollectionSource`` serves, with `sensors` and `readings`
/// built in even before their registration events are projected. Read from the database at most every `refreshInterval`; a request for an unknown id
/// re-reads at once (at most once a second), so a collection registered a moment ago is found.
///
/// The lookups are scoped to ``Caller/current``: a collection whose classification is above the
/// caller's clearance is not listed and not found (a 404, as if it did not exist), so every route
/// that reads a collection through here is filtered the same way.
public final class CollectionRegistry: Sendable {
    struct Snapshot: Sendable {
        var collections: [String: ServedCollection] = [:]
        var order: [String] = []
        var loadedAt: ContinuousClock.Instant?
    }

    public let client: PostgresClient
    public let sources: SourceRegistry
    public let refreshInterval: Duration
    private let logger: Logger
    private let state = Mutex(Snapshot())
    private let refreshing = Mutex<Task<Void, Never>?>(nil)

    public init(client: PostgresClient, sources: SourceRegistry = .standard, refreshInterval: Duration = .seconds(5), logger: Logger) {
        self.client = client
        self.sources = sources
        self.refreshInterval = refreshInterval
        self.logger = logger
        let builtIn = CollectionRegistration.builtIn.compactMap { registration in
            Self.source(of: registration.data, in: sources).map { ServedCollection(metadata: Self.resolved(registration.data), source: $0) }
        }
        state.withLock { snapshot in
            for collection in builtIn { snapshot.collections[collection.id] = collection }
            snapshot.order = builtIn.map(\.id)
        }
    }

    /// Every collection the current caller may see, in catalogue order (built-ins first, then by id).
    public func all() async -> [ServedCollection] {
        await refreshIfStale(force: false)
        let caller = Caller.current
        return state.withLock { snapshot in
            snapshot.order.compactMap { snapshot.collections[$0] }.filter { caller.sees(classification: $0.metadata.classification) }
        }
    }

    /// The collection `id`, or a 404 error naming where to look (also when the current caller may not see it).
    public func collection(_ id: String) async throws(FeatureStoreError) -> ServedCollection {
        let caller = Caller.current
        guard let found = await unscopedCollection(id), caller.sees(classification: found.metadata.classification) else {
            throw FeatureStoreError(.notFound, "no collection \(id); GET /collections lists them")
        }
        return found
    }

    /// The collection `id` whoever asks, or `nil`: for the access check itself, which decides
    /// between 404, 403 and going on.
    public func unscopedCollection(_ id: String) async -> ServedCollection? {
        await refreshIfStale(force: false)
        if let found = state.withLock({ $0.collections[id] }) { return found }
        await refreshIfStale(force: true)
        return state.withLock { $0.collections[id] }
    }

    /// Whether `id` names a collection, visible to the caller or not (re-reading the table first).
    public func contains(_ id: String) async -> Bool {
        await refreshIfStale(force: true)
        return state.withLock { $0.collections[id] != nil }
    }

    /// Re-reads the table now (after a write through the catalogue, in tests).
    public func reload() async {
        await load()
    }

    private func refreshIfStale(force: Bool) async {
        let loadedAt = state.withLock { $0.loadedAt }
        let now = ContinuousClock.now
        if let loadedAt {
            let age = now - loadedAt
            if force ? age < .seconds(1) : age < refreshInterval { return }
        }
        // One load at a time; everyone waits for it.
        let task = refreshing.withLock { running -> Task<Void, Never> in
            if let running { return running }
            let task = Task { await self.load() }
            running = task
            return task
        }
        await task.value
        refreshing.withLock { $0 = nil }
    }

    private func load() async {
        do {
            let rows = try await client.rows(
                """
                SELECT id, kind, title, description, keywords, domain, industry, theme, classification, source, update_frequency,
                    allow_outside_service_area, properties::text, registered_at, updated_at, classification_property
                FROM collections ORDER BY id
                """, logger: logger)
            let discovered = try await discover()
            var loaded: [ServedCollection] = []
            let decoder = JSONDecoder()
            for row in rows {
                let (
                    id, kind, title, description, keywords, domain, industry, theme, classification, source, frequency, allowOutside, properties,
                    registeredAt, updatedAt, classificationProperty
                ) = try row.decode(
                    (String, String, String, String, [String], String?, String?, String?, String, String?, String?, Bool, String, Date, Date, String?)
                        .self)
                guard let served = sources.source(SourceKind(rawValue: kind)) else {
                    logger.warning("collection of a kind no source serves; not served", metadata: ["collection": "\(id)", "kind": "\(kind)"])
                    continue
                }
                let fields = (try? decoder.decode([CollectionProperty].self, from: Data(properties.utf8))) ?? []
                let metadata = CollectionMetadata(
                    id: id, kind: CollectionMetadata.Kind(rawValue: kind), title: title, description: description, keywords: keywords,
                    domain: domain, industry: industry, theme: theme, classification: classification, classificationProperty: classificationProperty,
                    source: source, updateFrequency: frequency, allowOutsideServiceArea: allowOutside, properties: fields)
                loaded.append(
                    ServedCollection(
                        metadata: Self.resolved(metadata), source: served, discovered: discovered[served.kind] ?? [], registeredAt: registeredAt,
                        updatedAt: updatedAt))
            }
            let builtIn = CollectionRegistration.builtIn.map(\.data)
            let sources = self.sources
            state.withLock { snapshot in
                var collections: [String: ServedCollection] = [:]
                for metadata in builtIn {
                    guard let source = Self.source(of: metadata, in: sources) else { continue }
                    collections[metadata.id] = ServedCollection(
                        metadata: Self.resolved(metadata), source: source, discovered: discovered[source.kind] ?? [])
                }
                for collection in loaded { collections[collection.id] = collection }
                let builtInIDs = builtIn.map(\.id)
                snapshot.collections = collections
                snapshot.order = builtInIDs + collections.keys.filter { !builtInIDs.contains($0) }.sorted()
                snapshot.loadedAt = .now
            }
        } catch {
            logger.warning("collections not read; serving the last list", metadata: ["error": "\(String(reflecting: error))"])
            state.withLock { $0.loadedAt = .now }
        }
    }

    /// What each source's discovery query finds (one run per distinct statement).
    private func discover() async throws -> [SourceKind: [String]] {
        var found: [SourceKind: [String]] = [:]
        var byStatement: [String: [String]] = [:]
        for source in sources.all {
            guard let query = source.discovery else { continue }
            if let known = byStatement[query.sql] {
                found[source.kind] = known
                continue
            }
            let names = try await client.rows(query, logger: logger).map { try $0.decode(String.self) }
            byStatement[query.sql] = names
            found[source.kind] = names
        }
        return found
    }

    /// The collection that `/items` reads (crawl items placed by the gazetteer); not in the catalogue.
    public var locatedItems: ServedCollection? {
        sources.source(.locatedItems).map {
            ServedCollection(metadata: Self.resolved(CollectionMetadata(id: LocatedItemSource.collectionID, title: "Located items")), source: $0)
        }
    }

    static func source(of metadata: CollectionMetadata, in sources: SourceRegistry) -> (any CollectionSource)? {
        sources.source(SourceKind(rawValue: (metadata.kind ?? .entities).rawValue))
    }

    /// Fills defaults: kind entities, title = id, public classification.
    static func resolved(_ metadata: CollectionMetadata) -> CollectionMetadata {
        var metadata = metadata
        metadata.kind = metadata.kind ?? .entities
        metadata.title = metadata.title ?? metadata.id
        metadata.description = metadata.description ?? ""
        metadata.keywords = metadata.keywords ?? []
        metadata.classification = metadata.classification ?? "public"
        metadata.allowOutsideServiceArea = metadata.allowOutsideServiceArea ?? false
        metadata.properties = metadata.properties ?? []
        return metadata
    }
}
