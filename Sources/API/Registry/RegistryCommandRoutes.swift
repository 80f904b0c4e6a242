import Events
import Foundation
import Hummingbird
import JSON
import Kafka
import Logging
import ReadModel

/// Changing the sensor registry, each change a `RegistryEvent` on `sensors.registry` with the editor
/// as its source: `POST /things`, `PUT`/`PATCH`/`DELETE /things/{id}` (deleting a thing deletes its
/// datastreams), `POST /datastreams`, `PUT`/`PATCH`/`DELETE /datastreams/{id}`. `PATCH` is a JSON
/// merge patch of the document. `POST /registry` registers many at once (`{"things": [...],
/// "datastreams": [...]}`), leaving out those registered already as given. A datastream's thing must
/// exist, and a thing has one datastream per observed property. The answer waits (up to 5 s) for
/// the registry projection, like task changes.
///
/// These are write routes: they are registered on their own route group, for access control to wrap.
struct RegistryCommandRoutes: Sendable {
    let reads: RegistryReads
    let producer: KafkaProducer?
    let maximumBody: Int
    let logger: Logger

    static let thingExample = #"{"id": "wh-001", "name": "Station 1", "location": {"type": "Point", "coordinates": [114.32, 30.55]}}"#
    static let datastreamExample =
        #"{"id": "wh-001.pm25", "thing": "wh-001", "observed_property": "pm25", "unit": "ug/m3", "minimum": 0, "maximum": 1000, "labels": {"domain": "iot", "theme": "air-quality"}}"#

    func addRoutes(to router: RouterGroup<some RequestContext>) {
        router.post("/things") { request, _ in
            let body = try await EditRequest.object(request, limit: maximumBody, example: Self.thingExample)
            let thing = try RegistryDocument.thing(body, id: nil)
            if let (_, deleted) = try await reads.thing(thing.id), !deleted {
                throw Problem(.conflict, detail: "thing \(thing.id) exists; change it with PUT or PATCH /things/\(thing.id)")
            }
            return try await publish([RegistryEvent(thing: thing, editor: try EditRequest.editor(request))], request: request, created: true)
        }
        router.put("/things/:thing") { request, context in
            let current = try await existingThing(try context.parameters.require("thing"))
            let body = try await EditRequest.object(request, limit: maximumBody, example: Self.thingExample)
            let thing = try RegistryDocument.thing(body, id: current.id)
            return try await publish([RegistryEvent(thing: thing, editor: try EditRequest.editor(request))], request: request)
        }
        router.patch("/things/:thing") { request, context in
            let current = try await existingThing(try context.parameters.require("thing"))
            let patch = try await EditRequest.object(request, limit: maximumBody, example: #"{"name": "Wuchang station 1"}"#)
            let merged = EditRequest.mergePatch(.object(RegistryDocument.members(of: current)), patch)
            let thing = try RegistryDocument.thing(merged, id: current.id)
            return try await publish([RegistryEvent(thing: thing, editor: try EditRequest.editor(request))], request: request)
        }
        router.delete("/things/:thing") { request, context in
            let thing = try await existingThing(try context.parameters.require("thing"))
            let editor = try EditRequest.editor(request)
            let streams = try await reads.datastreams(thing: thing.id, limit: 10_000, offset: 0)
            let events =
                streams.map { RegistryEvent(datastream: $0.value, deleted: true, editor: editor) } + [
                    RegistryEvent(thing: thing, deleted: true, editor: editor)
                ]
            return try await publish(events, request: request)
        }
        router.post("/datastreams") { request, _ in
            let body = try await EditRequest.object(request, limit: maximumBody, example: Self.datastreamExample)
            let stream = try RegistryDocument.datastream(body, id: nil)
            if let (_, deleted) = try await reads.datastream(stream.id), !deleted {
                throw Problem(.conflict, detail: "datastream \(stream.id) exists; change it with PUT or PATCH /datastreams/\(stream.id)")
            }
            try await checkPlace(stream)
            return try await publish([RegistryEvent(datastream: stream, editor: try EditRequest.editor(request))], request: request, created: true)
        }
        router.put("/datastreams/:datastream") { request, context in
            let current = try await existingDatastream(try context.parameters.require("datastream"))
            let body = try await EditRequest.object(request, limit: maximumBody, example: Self.datastreamExample)
            let stream = try RegistryDocument.datastream(body, id: current.id)
            try await checkPlace(stream)
            return try await publish([RegistryEvent(datastream: stream, editor: try EditRequest.editor(request))], request: request)
        }
        router.patch("/datastreams/:datastream") { request, context in
            let current = try await existingDatastream(try context.parameters.require("datastream"))
            let patch = try await EditRequest.object(request, limit: maximumBody, example: #"{"maximum": 2000}"#)
            let merged = EditRequest.mergePatch(.object(RegistryDocument.members(of: current)), patch)
            let stream = try RegistryDocument.datastream(merged, id: current.id)
            try await checkPlace(stream)
            return try await publish([RegistryEvent(datastream: stream, editor: try EditRequest.editor(request))], request: request)
        }
        router.post("/registry") { request, _ in
            let editor = try EditRequest.editor(request)
            let body = try await EditRequest.object(
                request, limit: maximumBody, example: #"{"things": [\#(Self.thingExample)], "datastreams": [\#(Self.datastreamExample)]}"#)
            try EditRequest.refuseUnknown(body, allowed: ["things", "datastreams"])
            var events: [RegistryEvent] = []
            var things = Set<String>()
            var unchanged = 0
            for (index, item) in (body["things"]?.array ?? []).enumerated() {
                let thing: Thing
                do { thing = try RegistryDocument.thing(item, id: nil) } catch let problem as Problem { throw Self.at("things", index, problem) }
                things.insert(thing.id)
                if let (stored, deleted) = try await reads.thing(thing.id), !deleted, stored.value == thing { unchanged += 1; continue }
                events.append(RegistryEvent(thing: thing, editor: editor))
            }
            var places = Set<String>()
            for (index, item) in (body["datastreams"]?.array ?? []).enumerated() {
                let stream: Datastream
                do { stream = try RegistryDocument.datastream(item, id: nil) } catch let problem as Problem {
                    throw Self.at("datastreams", index, problem)
                }
                guard places.insert("\(stream.thing)\u{1F}\(stream.observedProperty)").inserted else {
                    throw Problem(.conflict, detail: "datastreams[\(index)]: a second datastream of \(stream.thing) for \(stream.observedProperty)")
                }
                if !things.contains(stream.thing) {
                    do { try await checkPlace(stream) } catch let problem as Problem { throw Self.at("datastreams", index, problem) }
                }
                if let (stored, deleted) = try await reads.datastream(stream.id), !deleted, stored.value == stream { unchanged += 1; continue }
                events.append(RegistryEvent(datastream: stream, editor: editor))
            }
            guard let producer else {
                throw Problem(.serviceUnavailable, detail: "this API process has no Kafka producer; run it with the platform (shikong serve or up)")
            }
            _ = try await producer.sendAll(try events.map { try $0.record() })
            var projected = true
            if let last = events.last {
                let (table, id) = last.thing.map { ("things", $0.id) } ?? ("datastreams", last.datastream?.id ?? "")
                projected = try await reads.waitForChange(last.id, table: table, id: id, timeout: EditRequest.wait(request, standard: .seconds(10)))
            }
            return TaskDocument.response(
                .object([("registered", .number(Double(events.count))), ("unchanged", .number(Double(unchanged)))]),
                status: projected ? .ok : .accepted)
        }
        router.delete("/datastreams/:datastream") { request, context in
            let stream = try await existingDatastream(try context.parameters.require("datastream"))
            return try await publish([RegistryEvent(datastream: stream, deleted: true, editor: try EditRequest.editor(request))], request: request)
        }
    }

    private static func at(_ list: String, _ index: Int, _ problem: Problem) -> Problem {
        Problem(problem.status, detail: "\(list)[\(index)]: \(problem.detail)")
    }

    private func existingThing(_ id: String) async throws -> Thing {
        guard let (stored, deleted) = try await reads.thing(id), !deleted else { throw Problem.notFound("no thing \(id); GET /things lists them") }
        return stored.value
    }

    private func existingDatastream(_ id: String) async throws -> Datastream {
        guard let (stored, deleted) = try await reads.datastream(id), !deleted else {
            throw Problem.notFound("no datastream \(id); GET /datastreams lists them")
        }
        return stored.value
    }

    /// A datastream's thing must exist, and no other datastream of it may measure the same property.
    private func checkPlace(_ stream: Datastream) async throws {
        guard let (_, deleted) = try await reads.thing(stream.thing), !deleted else {
            throw Problem(.unprocessableContent, detail: "thing \(stream.thing) is not registered; POST /things first")
        }
        if let other = try await reads.datastream(thing: stream.thing, observedProperty: stream.observedProperty), other.value.id != stream.id {
            throw Problem(
                .conflict, detail: "thing \(stream.thing) already has datastream \(other.value.id) for \(stream.observedProperty); change that one")
        }
    }

    private func publish(_ events: [RegistryEvent], request: Request, created: Bool = false) async throws -> Response {
        guard let producer else {
            throw Problem(.serviceUnavailable, detail: "this API process has no Kafka producer; run it with the platform (shikong serve or up)")
        }
        _ = try await producer.sendAll(try events.map { try $0.record() })
        guard let last = events.last else { return TaskDocument.response(.object([])) }
        let (table, id, path) =
            last.thing.map { ("things", $0.id, "/things/\($0.id)") } ?? (
                "datastreams", last.datastream?.id ?? "", "/datastreams/\(last.datastream?.id ?? "")"
            )
        logger.info("registry change published", metadata: ["subject": "\(last.subject)", "type": "\(last.type)", "editor": "\(last.editor)"])
        let location = request.url(path)
        let projected = try await reads.waitForChange(last.id, table: table, id: id, timeout: EditRequest.wait(request, standard: .seconds(5)))
        var body: [(key: String, value: JSONValue)] = [
            ("event_id", .string(last.id.uuidString.lowercased())), ("type", .string(last.type)), ("href", .string(location)),
        ]
        if let thing = last.thing { body.append(("thing", .object(RegistryDocument.members(of: thing)))) }
        if let stream = last.datastream { body.append(("datastream", .object(RegistryDocument.members(of: stream)))) }
        return TaskDocument.response(.object(body), status: projected ? (created ? .created : .ok) : .accepted, location: location)
    }
}
