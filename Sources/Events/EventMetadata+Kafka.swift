import Foundation
import Kafka

extension EventMetadata {
    private static let core: Set<String> = [
        "ce_specversion", "ce_id", "ce_type", "ce_subject", "ce_source", "ce_time", "ce_recordedat",
        "ce_dataschema", "content-type",
    ]

    /// CloudEvents Kafka binary-mode headers.
    public var kafkaHeaders: [KafkaHeader] {
        var headers = [
            KafkaHeader(key: "ce_specversion", string: "1.0"),
            KafkaHeader(key: "ce_id", string: id.lowercasedString),
            KafkaHeader(key: "ce_type", string: type),
            KafkaHeader(key: "ce_subject", string: subject),
            KafkaHeader(key: "ce_source", string: source),
            KafkaHeader(key: "ce_time", string: Timestamp.format(occurredAt)),
            KafkaHeader(key: "ce_recordedat", string: Timestamp.format(recordedAt)),
            KafkaHeader(key: "ce_dataschema", string: schema),
            KafkaHeader(key: "content-type", string: contentType),
        ]
        for (name, value) in extensions.sorted(by: { $0.key < $1.key }) {
            headers.append(KafkaHeader(key: "ce_\(name)", string: value))
        }
        return headers
    }

    /// Reads the envelope from a consumed record's headers.
    public init(kafkaMessage message: KafkaMessage) throws(EventDecodingError) {
        func required(_ name: String) throws(EventDecodingError) -> String {
            guard let value = message.header(name), !value.isEmpty else {
                throw EventDecodingError("envelope header \(name) is missing")
            }
            return value
        }
        guard let id = UUID(canonical: try required("ce_id")) else { throw EventDecodingError("ce_id is not a UUID") }
        guard let occurredAt = Timestamp.parse(try required("ce_time")) else { throw EventDecodingError("ce_time is not RFC 3339") }
        guard let recordedAt = Timestamp.parse(try required("ce_recordedat")) else {
            throw EventDecodingError("ce_recordedat is not RFC 3339")
        }
        var extensions: [String: String] = [:]
        for header in message.headers where header.key.hasPrefix("ce_") && !Self.core.contains(header.key) {
            extensions[String(header.key.dropFirst(3))] = String(decoding: header.value, as: UTF8.self)
        }
        self.init(
            id: id, type: try required("ce_type"), subject: try required("ce_subject"), source: try required("ce_source"),
            occurredAt: occurredAt, recordedAt: recordedAt, schema: try required("ce_dataschema"),
            contentType: message.header("content-type") ?? "application/octet-stream", extensions: extensions)
    }

    /// A record on `topic` keyed by the subject, so one subject's events stay in order.
    public func record(topic: String, value: Data) -> OutgoingRecord {
        OutgoingRecord(
            topic: topic, key: Data(subject.utf8), value: value, headers: kafkaHeaders,
            timestampMilliseconds: Timestamp.epochMilliseconds(recordedAt))
    }
}
