import CQL2
import Events
import Foundation
import Logging
import PostgresNIO
import Database
import Synchronization

/// Keeps one index per queryable that a collection's metadata lists as `indexed`: a GiST index on
/// (the queryable's SQL expression, geometry) over that collection's rows of `entity_current`. A
/// filter such as `category = '学校' AND S_INTERSECTS(geometry, BBOX(…))` then reads only the rows
/// that match both, instead of every row in the bbox scattered over the heap.
///
/// Indexes are built with `CREATE INDEX CONCURRENTLY` (writes go on meanwhile) and dropped the same
/// way when a collection no longer lists the property. Who asks: `PATCH /collections/{c}` with
/// `{"indexed": ["category"]}`; who builds: the projection stage (`shikong up` or `shikong project`),
/// which calls `reconcile()` every few seconds.
public final class QueryableIndexes: Sendable {
    /// Names of the indexes this keeps (so it never touches another index).
    static let prefix = "entity_current_q_"
    /// Queryable types an index can hold (casts of the others depend on session settings).
    static let indexableTypes: Set<Queryable.ValueType> = [.string, .integer, .number, .boolean]

    let client: PostgresClient
    let logger: Logger
    /// Collection and property pairs already warned about, so a wrong name is logged once.
    private let warned = Mutex<Set<String>>([])

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// One wanted index: its name and the SQL expression it indexes.
    struct Wanted: Hashable {
        var name: String
        var collection: String
        var property: String
        var expression: String
    }

    /// Creates the missing indexes and drops those no collection wants any more; returns the names
    /// created and dropped.
    @discardableResult
    public func reconcile() async throws -> (created: [String], dropped: [String]) {
        let wanted = try await self.wanted()
        let existing = Set(
            try await client.rows(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'entity_current' AND starts_with(indexname, \(Self.prefix))",
                logger: logger
            ).map { try $0.decode(String.self) })
        var created: [String] = []
        for index in wanted.sorted(by: { $0.name < $1.name }) where !existing.contains(index.name) {
            logger.notice(
                "building the index of an indexed queryable", metadata: ["collection": "\(index.collection)", "property": "\(index.property)"])
            // The identifier and the collection literal are quoted by PostgreSQL's own format(); the
            // expression is the queryable's, written by the server from the property name.
            let statement = try await client.rows(
                """
                SELECT format('CREATE INDEX CONCURRENTLY IF NOT EXISTS %I ON entity_current USING gist ((%s), geom) WHERE collection = %L',
                              \(index.name)::text, \(index.expression)::text, \(index.collection)::text)
                """, logger: logger
            ).first?.decode(String.self)
            guard let statement else { continue }
            do {
                try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                created.append(index.name)
            } catch {
                // A failed concurrent build leaves an invalid index behind: drop it, try again later.
                logger.warning("index not built", metadata: ["index": "\(index.name)", "error": "\(String(reflecting: error))"])
                try? await drop(index.name)
            }
        }
        var dropped: [String] = []
        for name in existing.subtracting(wanted.map(\.name)).sorted() {
            try await drop(name)
            dropped.append(name)
        }
        return (created, dropped)
    }

    private func drop(_ name: String) async throws {
        guard
            let statement = try await client.rows("SELECT format('DROP INDEX CONCURRENTLY IF EXISTS %I', \(name)::text)", logger: logger).first?
                .decode(String.self)
        else { return }
        try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
    }

    /// The indexes the entity collections' metadata asks for.
    func wanted() async throws -> Set<Wanted> {
        let rows = try await client.rows(
            "SELECT id, properties::text, indexed FROM collections WHERE kind = 'entities' AND cardinality(indexed) > 0", logger: logger)
        var wanted: Set<Wanted> = []
        let decoder = JSONDecoder()
        for row in rows {
            let (collection, propertiesText, indexed) = try row.decode((String, String, [String]).self)
            let fields = (try? decoder.decode([CollectionProperty].self, from: Data(propertiesText.utf8))) ?? []
            let queryables = EntitySource.queryables(fields)
            for property in indexed {
                guard let queryable = queryables[property], Self.indexableTypes.contains(queryable.type), let expression = queryable.sqlExpression
                else {
                    guard warned.withLock({ $0.insert("\(collection)\u{1F}\(property)").inserted }) else { continue }
                    logger.warning(
                        "an indexed queryable must be a string, integer, real or boolean property of the collection; not indexed",
                        metadata: ["collection": "\(collection)", "property": "\(property)"])
                    continue
                }
                wanted.insert(
                    Wanted(
                        name: Self.name(collection: collection, property: property), collection: collection, property: property,
                        expression: expression))
            }
        }
        return wanted
    }

    /// `entity_current_q_` and a hash of collection and property: stable, and a valid identifier.
    static func name(collection: String, property: String) -> String {
        prefix + ContentHash.hex(Array("\(collection)\u{1F}\(property)".utf8))
    }
}
