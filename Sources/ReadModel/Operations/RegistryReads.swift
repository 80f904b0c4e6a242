import Events
import Foundation
import JSON
import Logging
import PostgresNIO

/// Reads of the registry projection (`things`, `datastreams`): what `/things` and `/datastreams` show.
public struct RegistryReads: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// A registry row with when and by whom it last changed.
    public struct Stored<Value: Sendable>: Sendable {
        public var value: Value
        public var eventID: UUID
        public var editor: String
        public var updatedAt: Date
    }

    private static let thingColumns = "id, name, description, ST_X(geom), ST_Y(geom), properties::text, event_id, editor, updated_at"
    private static let datastreamColumns =
        "id, thing, name, description, observed_property, unit, minimum, maximum, domain, industry, theme, crs, event_id, editor, updated_at"

    public func things(limit: Int, offset: Int) async throws -> [Stored<Thing>] {
        try await things(
            client.rows(
                "SELECT \(unescaped: Self.thingColumns) FROM things WHERE NOT deleted ORDER BY id LIMIT \(limit) OFFSET \(offset)", logger: logger))
    }

    /// The thing `id`, deleted or not (`deleted` says which).
    public func thing(_ id: String) async throws -> (thing: Stored<Thing>, deleted: Bool)? {
        let rows = try await client.rows("SELECT \(unescaped: Self.thingColumns), deleted FROM things WHERE id = \(id)", logger: logger)
        guard let row = rows.first, let thing = try things([row]).first else { return nil }
        return (thing, try row.makeRandomAccess()["deleted"].decode(Bool.self))
    }

    public func datastreams(thing: String?, limit: Int, offset: Int) async throws -> [Stored<Datastream>] {
        try await datastreams(
            client.rows(
                """
                SELECT \(unescaped: Self.datastreamColumns) FROM datastreams
                WHERE NOT deleted AND (\(thing)::text IS NULL OR thing = \(thing)) ORDER BY id LIMIT \(limit) OFFSET \(offset)
                """, logger: logger))
    }

    /// The datastream `id`, deleted or not.
    public func datastream(_ id: String) async throws -> (datastream: Stored<Datastream>, deleted: Bool)? {
        let rows = try await client.rows("SELECT \(unescaped: Self.datastreamColumns), deleted FROM datastreams WHERE id = \(id)", logger: logger)
        guard let row = rows.first, let stream = try datastreams([row]).first else { return nil }
        return (stream, try row.makeRandomAccess()["deleted"].decode(Bool.self))
    }

    /// The live datastream of `thing` measuring `observedProperty`, if any.
    public func datastream(thing: String, observedProperty: String) async throws -> Stored<Datastream>? {
        try await datastreams(
            client.rows(
                """
                SELECT \(unescaped: Self.datastreamColumns) FROM datastreams
                WHERE NOT deleted AND thing = \(thing) AND observed_property = \(observedProperty) LIMIT 1
                """, logger: logger)
        ).first
    }

    /// Waits until the projection holds `event` (or a later change) for the thing or datastream.
    public func waitForChange(_ event: UUID, table: String, id: String, timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let query: PostgresQuery =
                table == "things"
                ? "SELECT event_id FROM things WHERE id = \(id)" : "SELECT event_id FROM datastreams WHERE id = \(id)"
            if let row = try await client.rows(query, logger: logger).first, try row.decode(UUID.self) >= event { return true }
            try await Task.sleep(for: .milliseconds(25))
        }
        return false
    }

    private func things(_ rows: [PostgresRow]) throws -> [Stored<Thing>] {
        try rows.map { row in
            let (id, name, description, x, y, properties, event, editor, updated) = try row.decode(
                (String, String, String, Double?, Double?, String, UUID, String, Date).self)
            let location = x.flatMap { x in y.map { PointGeometry(longitude: x, latitude: $0) } }
            return Stored(
                value: Thing(
                    id: id, name: name, description: description.isEmpty ? nil : description, location: location,
                    properties: try? JSONParser.parse(properties)),
                eventID: event, editor: editor, updatedAt: updated)
        }
    }

    private func datastreams(_ rows: [PostgresRow]) throws -> [Stored<Datastream>] {
        try rows.map { row in
            let (id, thing, name, description, property, unit, minimum, maximum, domain, industry, theme, crs, event, editor, updated) =
                try row.decode(
                    (String, String, String, String, String, String, Double?, Double?, String, String?, String, String?, UUID, String, Date).self)
            return Stored(
                value: Datastream(
                    id: id, thing: thing, name: name, description: description.isEmpty ? nil : description, observedProperty: property, unit: unit,
                    minimum: minimum, maximum: maximum, labels: AttributeLabels(domain: domain, industry: industry, theme: theme), crs: crs),
                eventID: event, editor: editor, updatedAt: updated)
        }
    }
}
