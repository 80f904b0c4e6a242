import Access
import Events
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The spatial and temporal extent of each collection, computed in the background and kept for
/// `maximumAge`: a request never waits for it, and never pays for a scan. A collection asked about
/// for the first time has no extent until its computation finishes (usually well under a second;
/// seconds for ten million features). A collection whose features carry levels
/// (``FeatureClassification``) has one extent per clearance, of the features that clearance sees.
public final class ExtentCache: Sendable {
    /// A collection's extent: `bbox` in EPSG:4490 (west, south, east, north), `interval` in valid or
    /// observation time (either end may be open).
    public struct Extent: Sendable, Hashable {
        public var bbox: [Double]?
        public var start: Date?
        public var end: Date?
    }

    struct Entry {
        var extent: Extent?
        var computedAt: ContinuousClock.Instant?
        var running = false
    }

    public let maximumAge: Duration
    /// How long an extent without a bounding box is kept.
    static let emptyRetry: Duration = .seconds(2)
    private let client: PostgresClient
    private let logger: Logger
    private let entries = Mutex<[String: Entry]>([:])

    public init(client: PostgresClient, maximumAge: Duration = .seconds(300), logger: Logger) {
        self.client = client
        self.maximumAge = maximumAge
        self.logger = logger
    }

    /// The cached extent (maybe `nil`); starts a refresh when there is none or it is old.
    public func extent(of collection: ServedCollection) -> Extent? {
        let now = ContinuousClock.now
        let caller = Caller.current
        let key = Self.key(collection)
        let (extent, start) = entries.withLock { entries -> (Extent?, Bool) in
            var entry = entries[key] ?? Entry()
            // An empty collection is asked about again soon: its first features usually follow its registration.
            let age = entry.extent?.bbox == nil ? Self.emptyRetry : maximumAge
            let stale = entry.computedAt.map { now - $0 > age } ?? true
            let start = stale && !entry.running
            if start { entry.running = true }
            entries[key] = entry
            return (entry.extent, start)
        }
        if start {
            // In the background, as the caller: the extent of what they may see.
            Task.detached(priority: .background) { await Caller.$current.withValue(caller) { await self.compute(collection, key: key) } }
        }
        return extent
    }

    /// Computes now and waits (for tests and the catalogue).
    public func refresh(_ collection: ServedCollection) async {
        let key = Self.key(collection)
        entries.withLock { $0[key, default: Entry()].running = true }
        await compute(collection, key: key)
    }

    /// The collection, and the clearance when its features carry levels.
    static func key(_ collection: ServedCollection) -> String {
        let clearance = FeatureClassification.cacheKey(collection)
        return clearance.isEmpty ? collection.id : "\(collection.id) \(clearance)"
    }

    /// The source's own extent query; for a collection whose features carry levels, the extent of
    /// the features ``Caller/current`` sees, through ``ReadPlan``.
    static func query(_ collection: ServedCollection) -> PostgresQuery {
        guard FeatureClassification.current(collection) != nil else { return collection.source.extentQuery(collection) }
        let plan = ReadPlan(collection)
        let end = collection.isBitemporal ? "NULL::timestamptz" : "max(\(plan.relation.bucketTime))"
        return plan.builder.query(
            """
            SELECT ST_XMin(e)::float8, ST_YMin(e)::float8, ST_XMax(e)::float8, ST_YMax(e)::float8, lo, hi
            FROM (\(plan.select("ST_Extent(geom) AS e, min(\(plan.relation.bucketTime)) AS lo, \(end) AS hi"))) AS s
            """)
    }

    private func compute(_ collection: ServedCollection, key: String) async {
        let query = Self.query(collection)
        var extent: Extent?
        do {
            for try await (west, south, east, north, start, end) in try await client.query(query, logger: logger).decode(
                (Double?, Double?, Double?, Double?, Date?, Date?).self)
            {
                var bbox: [Double]?
                if let west, let south, let east, let north { bbox = [west, south, east, north] }
                extent = Extent(bbox: bbox, start: start, end: end)
            }
        } catch {
            logger.warning("extent not computed", metadata: ["collection": "\(collection.id)", "error": "\(String(reflecting: error))"])
        }
        let computed = extent
        entries.withLock { entries in
            entries[key] = Entry(extent: computed ?? entries[key]?.extent, computedAt: .now, running: false)
        }
    }
}
