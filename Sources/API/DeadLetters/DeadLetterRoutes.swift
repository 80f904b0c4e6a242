import Events
import Foundation
import GeoVocabulary
import Hummingbird
import Kafka
import Logging
import NIOCore
import ReadModel

/// The dead-letter queue: `GET /dlq` lists dead letters (newest first) with the stage, the reason and
/// the original bytes; `GET /dlq/{id}` shows one; `POST /dlq/{id}/redrive` re-submits one to the
/// topic it failed on, as it was or with a corrected value.
struct DeadLetterRoutes: Sendable {
    let context: APIContext
    let logger: Logger

    static let maximumLimit = 1_000

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/dlq") { request, _ in
            let parameters = request.uri.queryParameters
            let limit = try IntegerParameter.parse(parameters.get("limit"), name: "limit", default: 50, range: 1...Self.maximumLimit)
            let offset = try IntegerParameter.offset(parameters.get("offset"))
            let status = parameters.get("status")
            if let status, !["open", "redriven"].contains(status) { throw Problem.badRequest("status must be open or redriven, not \(status)") }
            let stage = parameters.get("stage")
            let topic = parameters.get("topic")
            let letters = try await reads.list(status: status, stage: stage, topic: topic, limit: limit + 1, offset: offset)
            let items = letters.map { Self.describe($0, base: request.baseURL) }
            let more = items.count > limit
            var links: [[String: any Sendable]] = [["href": "\(request.baseURL)/dlq", "rel": "self", "type": "application/json"]]
            if more {
                var next = ["limit=\(limit)", "offset=\(offset + limit)"]
                if let status { next.append("status=\(status)") }
                if let stage { next.append("stage=\(stage.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? stage)") }
                if let topic { next.append("topic=\(topic.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? topic)") }
                links.append(["href": "\(request.baseURL)/dlq?\(next.joined(separator: "&"))", "rel": "next", "type": "application/json"])
            }
            return try json(["items": Array(items.prefix(limit)), "numberReturned": min(items.count, limit), "links": links])
        }
        router.get("/dlq/:id") { request, requestContext in
            let row = try await letter(try identifier(requestContext))
            return try json(Self.describe(row, base: request.baseURL))
        }
        router.post("/dlq/:id/redrive") { request, requestContext in
            let row = try await letter(try identifier(requestContext))
            let correction = try await Correction(request, limit: context.queryLimits.maximumRequestBody)
            guard let producer = context.producer else {
                throw Problem(.serviceUnavailable, detail: "this API process has no Kafka producer; run it with the platform (shikong serve or up)")
            }
            let now = Date()
            var headers = Self.headers(row.headers)
            let value = correction?.value ?? Data(buffer: row.original)
            var redrivenAs = row.eventID ?? EventIDGenerator.shared.next(at: now)
            if correction != nil {
                redrivenAs = EventIDGenerator.shared.next(at: now)
                headers.removeAll { $0.key == "ce_id" }
                headers.append(KafkaHeader(key: "ce_id", string: redrivenAs.uuidString.lowercased()))
            }
            headers.removeAll { $0.key == "ce_redriveof" }
            headers.append(KafkaHeader(key: "ce_redriveof", string: row.id.uuidString.lowercased()))
            let delivery = try await producer.send(
                OutgoingRecord(topic: row.topic, key: row.key.map { Data(buffer: $0) }, value: value, headers: headers))
            let redrive = DeadLetterRedrive(id: row.id, redrivenAs: redrivenAs, corrected: correction != nil, redrivenAt: now, delivery: delivery)
            try await producer.send(try redrive.record(topic: Topics.deadLetters))
            return try json(
                [
                    "id": row.id.uuidString.lowercased(), "redriven_as": redrivenAs.uuidString.lowercased(), "corrected": correction != nil,
                    "topic": delivery.topic, "partition": Int(delivery.partition), "offset": delivery.offset,
                ], status: .accepted)
        }
    }

    private func identifier(_ requestContext: some RequestContext) throws -> UUID {
        let text = try requestContext.parameters.require("id")
        guard let id = UUID(uuidString: text) else { throw Problem.notFound("no dead letter \(text); ids are UUIDs") }
        return id
    }

    private func letter(_ id: UUID) async throws -> DeadLetterReads.Letter {
        if let letter = try await reads.letter(id) { return letter }
        throw Problem.notFound("no dead letter \(id.uuidString.lowercased())")
    }

    private var reads: DeadLetterReads { DeadLetterReads(client: context.reader, logger: logger) }

    private static func describe(_ row: DeadLetterReads.Letter, base: String) -> [String: any Sendable] {
        let id = row.id.uuidString.lowercased()
        var item: [String: any Sendable] = [
            "id": id, "stage": row.stage, "reason": row.reason, "failed_at": Timestamp.format(row.failedAt), "topic": row.topic,
            "partition": row.partition, "offset": row.offset, "status": row.status, "redrive_count": row.redriveCount,
            "headers": (try? JSONSerialization.jsonObject(with: Data(row.headers.utf8))) as? [String: String] ?? [:],
            "original": bytes(Data(buffer: row.original)),
            "links": [
                ["href": "\(base)/dlq/\(id)", "rel": "self", "type": "application/json"],
                ["href": "\(base)/dlq/\(id)/redrive", "rel": "redrive", "method": "POST"],
            ],
        ]
        if let eventID = row.eventID { item["event_id"] = eventID.uuidString.lowercased() }
        if let key = row.key { item["key"] = bytes(Data(buffer: key)) }
        if let redrivenAt = row.redrivenAt { item["redriven_at"] = Timestamp.format(redrivenAt) }
        if let redrivenAs = row.redrivenAs { item["redriven_as"] = redrivenAs.uuidString.lowercased() }
        return item
    }

    /// Bytes as base64, and as text too when they are UTF-8.
    private static func bytes(_ data: Data) -> [String: any Sendable] {
        var value: [String: any Sendable] = ["base64": data.base64EncodedString(), "length": data.count]
        if let text = String(data: data, encoding: .utf8) { value["text"] = text }
        return value
    }

    private static func headers(_ text: String) -> [KafkaHeader] {
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String] ?? [:]
        return object.sorted { $0.key < $1.key }.map { KafkaHeader(key: $0.key, string: $0.value) }
    }

    /// A corrected value in the request body: `{"value": "<text>"}` or `{"value_base64": "…"}`; an
    /// empty body re-drives the original bytes.
    struct Correction {
        var value: Data

        init?(_ request: Request, limit: Int) async throws {
            let body = try await request.body.collect(upTo: limit)
            guard body.readableBytes > 0 else { return nil }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] else {
                throw Problem.badRequest(#"the body must be a JSON object: {"value": "<corrected text>"} or {"value_base64": "…"}, or empty"#)
            }
            if let text = object["value"] as? String {
                value = Data(text.utf8)
            } else if let encoded = object["value_base64"] as? String {
                guard let data = Data(base64Encoded: encoded) else { throw Problem.badRequest("value_base64 is not valid base64") }
                value = data
            } else {
                throw Problem.badRequest(#"the body needs "value" (text) or "value_base64"; send no body to re-drive the original bytes"#)
            }
        }
    }
}
