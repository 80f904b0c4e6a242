import Events
import Foundation
import Hummingbird
import JSON
import Logging
import NIOCore
import PostgresNIO
import Projections

/// Scenario replay (R-AN-3): `GET /replay?collections=…&bbox=…&from=T1&to=T2&speed=N` streams the
/// events of those collections in that extent and interval, in event-time order, as Server-Sent
/// Events, at N times real speed (`speed=0`: as fast as the client reads). Events come from the
/// archive; `sensors` or `readings` names the sensor readings, any other name an entity collection.
struct ReplayRoute: Sendable {
    let context: APIContext
    let logger: Logger

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/replay") { request, _ in
            let parameters = request.uri.queryParameters
            guard let names = parameters.get("collections")?.split(separator: ",").map(String.init), !names.isEmpty else {
                throw Problem.badRequest("collections is required: a comma-separated list, e.g. collections=sensors,buildings")
            }
            guard let from = parameters.get("from").flatMap(Timestamp.parse), let to = parameters.get("to").flatMap(Timestamp.parse), from <= to
            else {
                throw Problem.badRequest("from and to must be RFC 3339 date-times with from <= to (event time)")
            }
            let speedText = parameters.get("speed") ?? "1"
            guard let speed = speedText == "max" ? 0 : Double(speedText), speed >= 0, speed.isFinite else {
                throw Problem.badRequest("speed must be a number of times real time (0 or max: as fast as possible), not \(speedText)")
            }
            let bbox = try parameters.get("bbox").map(EntityHistoryRoutes.bbox)
            let sensors = names.contains("sensors") || names.contains("readings")
            let entityPrefixes = names.filter { $0 != "sensors" && $0 != "readings" }.map { "entity:\($0)/" }
            let query = ReplayQuery(from: from, to: to, bbox: bbox, sensors: sensors, entityPrefixes: entityPrefixes)
            let body = ResponseBody { [context, logger] writer in
                var cursor: (Date, UUID)?
                var previous: Date?
                let pacing = ContinuousClock.now
                var sent = 0
                while true {
                    let page = try await query.page(after: cursor, client: context.database, logger: logger)
                    for event in page {
                        if speed > 0, let previous {
                            let gap = event.occurredAt.timeIntervalSince(previous) / speed
                            if gap > 0 { try await Task.sleep(for: .milliseconds(Int64(min(gap, 3_600) * 1_000))) }
                        }
                        previous = event.occurredAt
                        try await writer.write(
                            ByteBuffer(string: "id: \(event.id.uuidString.lowercased())\nevent: \(event.type)\ndata: \(event.data)\n\n"))
                        sent += 1
                    }
                    guard let last = page.last, page.count == ReplayQuery.pageSize else { break }
                    cursor = (last.occurredAt, last.id)
                }
                let elapsed = ContinuousClock.now - pacing
                try await writer.write(
                    ByteBuffer(string: "event: end\ndata: {\"events\":\(sent),\"seconds\":\(Double(elapsed.components.seconds))}\n\n"))
                try await writer.finish(nil)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
        }
    }
}

/// One page of archived events for a replay, in (event time, id) order.
struct ReplayQuery: Sendable {
    static let pageSize = 1_000
    var from: Date
    var to: Date
    var bbox: (west: Double, south: Double, east: Double, north: Double)?
    var sensors: Bool
    var entityPrefixes: [String]

    struct Event: Sendable {
        var id: UUID
        var type: String
        var occurredAt: Date
        var data: String
    }

    func page(after cursor: (Date, UUID)?, client: PostgresClient, logger: Logger) async throws -> [Event] {
        let (afterTime, afterID) = (cursor.map { Timestamp.format($0.0) }, cursor?.1)
        let rows = try await client.rows(
            """
            SELECT event_id, type, occurred_at, convert_from(value, 'UTF8') FROM event_archive
            WHERE occurred_at >= \(Timestamp.format(from))::timestamptz AND occurred_at <= \(Timestamp.format(to))::timestamptz
              AND ((\(sensors) AND topic = \(Topics.spatialEvents) AND type = 'sensor.reading')
                   OR (topic = \(Topics.spatialEntities) AND split_part(subject, '/', 1) || '/' = ANY(\(entityPrefixes)::text[])))
              AND (\(bbox?.west)::float8 IS NULL OR geom && ST_MakeEnvelope(\(bbox?.west), \(bbox?.south), \(bbox?.east), \(bbox?.north), 4490))
              AND (\(afterTime)::timestamptz IS NULL OR (occurred_at, event_id) > (\(afterTime)::timestamptz, \(afterID)))
            ORDER BY occurred_at, event_id LIMIT \(Self.pageSize)
            """, logger: logger)
        return try rows.map { row in
            let (id, type, occurred, data) = try row.decode((UUID, String, Date, String).self)
            return Event(id: id, type: type, occurredAt: occurred, data: data.replacingOccurrences(of: "\n", with: " "))
        }
    }
}
