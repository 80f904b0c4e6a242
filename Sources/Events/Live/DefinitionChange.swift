import Foundation
import Kafka

/// A definition created or replaced (`<kind>.defined`, carrying the whole definition) or deleted
/// (`<kind>.deleted`), as JSON in the value of the kind's topic. Keyed by `<kind>:<id>`, so the
/// changes of one definition stay in order; the latest one wins.
public struct DefinitionChange<Definition: LiveDefinition>: Codable, Sendable {
    public var id: UUID
    public var type: String
    public var subject: String
    /// Who asked, e.g. `api://aggregations`, `cli://alert-rules`, `shikong://demo`.
    public var source: String
    public var occurredAt: Date
    public var recordedAt: Date
    /// The definition's id.
    public var definitionID: String
    /// The definition, for `<kind>.defined`; `nil` for a deletion.
    public var definition: Definition?
    public var schema: String

    /// A `<kind>.defined` event with a fresh time-ordered id.
    public static func defined(_ definition: Definition, source: String, at date: Date = Date()) -> DefinitionChange {
        DefinitionChange(
            id: EventIDGenerator.shared.next(at: date), type: Definition.kind.definedType, subject: Definition.kind.subject(definition.id),
            source: source, occurredAt: date, recordedAt: date, definitionID: definition.id, definition: definition,
            schema: "shikong/\(Definition.kind.definedType)/1")
    }

    /// A `<kind>.deleted` event with a fresh time-ordered id.
    public static func deleted(_ definitionID: String, source: String, at date: Date = Date()) -> DefinitionChange {
        DefinitionChange(
            id: EventIDGenerator.shared.next(at: date), type: Definition.kind.deletedType, subject: Definition.kind.subject(definitionID),
            source: source, occurredAt: date, recordedAt: date, definitionID: definitionID, definition: nil,
            schema: "shikong/\(Definition.kind.deletedType)/1")
    }

    public var isDeletion: Bool { definition == nil }

    enum CodingKeys: String, CodingKey {
        case id, type, subject, source, data, schema
        case occurredAt = "occurred_at"
        case recordedAt = "recorded_at"
    }

    private struct Deleted: Codable {
        var id: String
    }

    public init(
        id: UUID, type: String, subject: String, source: String, occurredAt: Date, recordedAt: Date, definitionID: String, definition: Definition?,
        schema: String
    ) {
        self.id = id
        self.type = type
        self.subject = subject
        self.source = source
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.definitionID = definitionID
        self.definition = definition
        self.schema = schema
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        type = try container.decode(String.self, forKey: .type)
        subject = try container.decode(String.self, forKey: .subject)
        source = try container.decode(String.self, forKey: .source)
        occurredAt = try container.decode(Date.self, forKey: .occurredAt)
        recordedAt = try container.decode(Date.self, forKey: .recordedAt)
        schema = try container.decode(String.self, forKey: .schema)
        if type == Definition.kind.definedType {
            let definition = try container.decode(Definition.self, forKey: .data)
            self.definition = definition
            definitionID = definition.id
        } else if type == Definition.kind.deletedType {
            definition = nil
            definitionID = try container.decode(Deleted.self, forKey: .data).id
        } else {
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container,
                debugDescription: "type \(type) is neither \(Definition.kind.definedType) nor \(Definition.kind.deletedType)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(subject, forKey: .subject)
        try container.encode(source, forKey: .source)
        try container.encode(occurredAt, forKey: .occurredAt)
        try container.encode(recordedAt, forKey: .recordedAt)
        try container.encode(schema, forKey: .schema)
        if let definition {
            try container.encode(definition, forKey: .data)
        } else {
            try container.encode(Deleted(id: definitionID), forKey: .data)
        }
    }

    /// The Kafka record on the kind's topic.
    public func record(topic: String = Definition.kind.topic) throws -> OutgoingRecord {
        let metadata = EventMetadata(
            id: id, type: type, subject: subject, source: source, occurredAt: occurredAt, recordedAt: recordedAt, schema: schema)
        return metadata.record(topic: topic, value: try EventJSON.encoder().encode(self))
    }

    /// Reads a record of the kind's topic; the reason is fit for a dead letter.
    public static func decode(_ message: KafkaMessage) throws(EventDecodingError) -> DefinitionChange {
        do {
            return try EventJSON.decoder().decode(DefinitionChange.self, from: message.value)
        } catch {
            throw EventDecodingError("not a \(Definition.kind.rawValue) definition event: \(error)")
        }
    }
}
