import Events
import Foundation
import GeoVocabulary
import Hummingbird
import JSON
import Logging
import NIOCore
import ReadModel

/// Scenario replay (R-AN-3): `GET /replay?collections=…&bbox=…&from=T1&to=T2&speed=N` streams the
/// events of those collections in that extent and interval, in event-time order, as Server-Sent
/// Events, at N times real speed (`speed=0`: as fast as the client reads). Events come from the
/// archive; `sensors` or `readings` names the sensor readings, any other name an entity collection.
struct ReplayRoute: Sendable {
    let context: APIContext
    /// For the collections' feature classification (the access gate has checked the collections themselves).
    let registry: CollectionRegistry
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
            let bbox = try parameters.get("bbox").map { text throws(ParameterError) in try BoundingBox(parsing: text) }
            // The caller's clearance against the features' own levels, taken now: the body is written
            // after the handler returns, outside the caller's scope.
            var classifications: [String: FeatureClassification] = [:]
            for name in names {
                if let collection = await registry.unscopedCollection(name), let classification = FeatureClassification.current(collection) {
                    classifications[name] = classification
                }
            }
            // Readings carry fixed properties and no level of their own: a classification property
            // on the sensor collections leaves them out of a replay for callers below classified.
            let sensors =
                (names.contains("sensors") || names.contains("readings")) && classifications["sensors"] == nil && classifications["readings"] == nil
            let entityCollections = names.filter { $0 != "sensors" && $0 != "readings" }
            let query = ArchiveReplay(
                from: from, to: to, bbox: bbox, sensors: sensors, entityCollections: entityCollections, classifications: classifications)
            let body = ResponseBody { [context, logger] writer in
                var cursor: (Date, UUID)?
                var previous: Date?
                let pacing = ContinuousClock.now
                var sent = 0
                while true {
                    let page = try await query.page(after: cursor, client: context.reader, logger: logger)
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
                    guard let last = page.last, page.count == ArchiveReplay.pageSize else { break }
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
