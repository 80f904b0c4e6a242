import CQL2
import Events
import Foundation
import GeoVocabulary
import Testing

@testable import ReadModel

/// How reads are planned from a collection's source, without a database: every kind of collection
/// goes through its registered source, every value is bound, and the source alone decides the
/// relation, the key and the time semantics.
@Suite("Read planning")
struct ReadPlanTests {
    static func collection(_ kind: CollectionMetadata.Kind, id: String) throws -> ServedCollection {
        let source = try #require(SourceRegistry.standard.source(SourceKind(rawValue: kind.rawValue)))
        let metadata = CollectionRegistry.resolved(
            CollectionMetadata(id: id, kind: kind, properties: [CollectionProperty(name: "name", type: "string")]))
        return ServedCollection(metadata: metadata, source: source, discovered: ["pm25"])
    }

    @Test("every catalogue kind and the located items have a registered source")
    func registry() {
        for kind in CollectionMetadata.Kind.allCases {
            #expect(SourceRegistry.standard.source(SourceKind(rawValue: kind.rawValue))?.kind.rawValue == kind.rawValue)
        }
        #expect(SourceRegistry.standard.source(.locatedItems) is LocatedItemSource)
        #expect(SourceRegistry.standard.source(.alerts) is AlertSource && SourceRegistry.standard.source(.aggregates) is AggregateSource)
        #expect(SourceRegistry.standard.source(SourceKind(rawValue: "subscriptions")) == nil)
    }

    @Test("each source picks its relation and key; as_of switches entities to their versions")
    func relations() throws {
        let cases: [(CollectionMetadata.Kind, String, String)] = [
            (.entities, "entity_current", "entity_id"), (.sensors, "sensors_latest", "sensor_id"), (.readings, "sensor_readings", "event_id"),
        ]
        for (kind, relation, key) in cases {
            let plan = ReadPlan(try Self.collection(kind, id: "c"))
            #expect(plan.from == relation && plan.relation.key == key)
        }
        let past = ReadPlan(try Self.collection(.entities, id: "c"), time: SourceTime(asOf: Date(timeIntervalSince1970: 0)))
        #expect(past.from.contains("FROM entity_versions") && past.from.contains("system @>"))
        #expect(!past.from.contains("DISTINCT ON"))
        let interval = try QueryTime(parsing: "2026-01-01/2026-02-01", parameter: "datetime")
        let latest = ReadPlan(try Self.collection(.entities, id: "c"), time: SourceTime(datetime: interval))
        #expect(latest.from.contains("SELECT DISTINCT ON (entity_id)") && latest.from.hasSuffix("ORDER BY entity_id, lower(valid) DESC) AS versions"))
        let readings = ReadPlan(try Self.collection(.readings, id: "readings"), time: SourceTime(asOf: Date(timeIntervalSince1970: 0)))
        #expect(readings.conditions.contains { $0.hasPrefix("recorded_at <= $") })
    }

    @Test("a request's conditions follow the source's own, with every value bound")
    func conditions() throws {
        let collection = try Self.collection(.entities, id: "it's")
        let request = try ItemRequest(
            [("bbox", "114.2,30.5,114.3,30.6"), ("name", "x'); DROP TABLE t; --"), ("filter", "name LIKE 'a%'")], collection: collection,
            limits: QueryLimits())
        let plan = try ReadPlan(collection, request)
        #expect(plan.conditions.first == "collection = $1")
        #expect(plan.conditions.count == 4)
        let query = plan.builder.query(plan.select("*"))
        #expect(!query.sql.contains("DROP") && !query.sql.contains("it's"))
        #expect(query.binds.count >= 6)
    }

    @Test("sensor sources describe the values sensors report; located items sort newest first")
    func schemas() throws {
        let sensors = try Self.collection(.sensors, id: "sensors")
        #expect(sensors.queryables["pm25"] != nil && sensors.fields.contains { $0.name == "pm25" })
        #expect(sensors.propertyNames == ["sensor_id", "observed_at", "event_id", "values"])
        let readings = try Self.collection(.readings, id: "readings")
        #expect(readings.queryables["recorded_at"] != nil && readings.source.capabilities.systemTime)
        #expect(!sensors.source.capabilities.systemTime)

        let items = ServedCollection(
            metadata: CollectionRegistry.resolved(CollectionMetadata(id: LocatedItemSource.collectionID)), source: LocatedItemSource())
        let request = try LocatedItemsRequest([("admin_code", "4201"), ("limit", "3"), ("ignored", "x")], collection: items)
        let page = try ItemsStatement.page(items, request.items)
        #expect(page.sql.contains("FROM located_items") && page.sql.contains("ORDER BY (occurred_at) DESC, item_id"))
        #expect(page.sql.contains("LIKE") && !page.sql.contains("4201"))
        #expect(page.sql.contains("ST_AsGeoJSON(geom, 7, 0)"))
        #expect(throws: FeatureStoreError.self) { try LocatedItemsRequest([("admin_code", "42x")], collection: items) }
    }

    @Test("exports flatten sensor values; statistics group by a region collection's own relation")
    func exportsAndStatistics() throws {
        let sensors = try Self.collection(.sensors, id: "sensors")
        let export = try ItemsStatement.export(sensors, ItemRequest([], collection: sensors, limits: QueryLimits(), unlimited: true))
        #expect(export.sql.contains(#"- 'values') || "values""#))
        let places = try Self.collection(.entities, id: "places")
        let regions = try Self.collection(.entities, id: "districts")
        let request = try StatisticsRequest(
            [("group_by", "admin"), ("regions", "districts"), ("geometry", "true")], collection: places, limits: QueryLimits(), defaultRegions: nil)
        let statement = try StatisticsStatement.make(places, request, regions: regions, maximumRows: 100)
        #expect(statement.sql.contains("LEFT JOIN LATERAL (SELECT entity_id::text AS region_id"))
        #expect(!statement.sql.contains("districts") && !statement.sql.contains("places"))
    }
}
