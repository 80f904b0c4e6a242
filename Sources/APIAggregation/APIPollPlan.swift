import Crawler
import Events
import Foundation
import JSON
import Kafka

/// An API-poll definition checked: the URL, paths and mapping parsed, defaults filled in.
public struct APIPollPlan: Sendable {
    public let definition: APIPollDefinition
    public let url: URL
    let recordsPath: FieldPath?
    let mapping: CompiledMapping
    public let timeout: Duration
    public let maxBytes: Int

    public init(_ definition: APIPollDefinition) throws(APIPollDefinitionError) {
        self.definition = definition
        guard let url = URL(string: definition.url), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil
        else {
            throw APIPollDefinitionError("url: \(definition.url) is not an absolute http or https URL")
        }
        self.url = url
        recordsPath = try definition.records.map { path throws(APIPollDefinitionError) in try FieldPath(path) }
        mapping = try CompiledMapping(definition)
        let timeout = definition.timeoutSeconds ?? 30
        guard timeout.isFinite, (0.1...600).contains(timeout) else { throw APIPollDefinitionError("timeout_seconds must be from 0.1 to 600") }
        self.timeout = .milliseconds(Int64(timeout * 1_000))
        maxBytes = definition.maxBytes ?? 16 * 1_024 * 1_024
        guard (1_024...256 * 1_024 * 1_024).contains(maxBytes) else { throw APIPollDefinitionError("max_bytes must be from 1 KiB to 256 MiB") }
        if let schedule = definition.schedule, !(schedule.everySeconds.isFinite && schedule.everySeconds >= 1) {
            throw APIPollDefinitionError("schedule.every_seconds must be at least 1")
        }
        for (name, value) in definition.headers ?? [:]
        where name.isEmpty || name.contains(where: { $0 == ":" || $0.isWhitespace }) || value.contains("\n") {
            throw APIPollDefinitionError("headers: \(name) is not a header name")
        }
    }

    /// Parses a whole response and maps every record: either the records to publish and the ones
    /// refused (with reasons), or — when the response cannot be read at all — an error and nothing.
    public func map(_ body: [UInt8], taskID: String, polledAt: Date) throws(ResponseError) -> MappedResponse {
        let records = try ResponseRecords.parse(body, format: definition.format, records: recordsPath)
        var output: [MappedRecord] = []
        var refused: [RecordRefusal] = []
        for (index, record) in records.enumerated() {
            switch mapping.map(record, index: index, taskID: taskID, sourceURL: url.absoluteString, polledAt: polledAt) {
            case .success(let mapped): output.append(mapped)
            case .failure(let refusal): refused.append(refusal)
            }
        }
        return MappedResponse(records: output, refused: refused, total: records.count)
    }
}

/// What one response gave.
public struct MappedResponse: Sendable {
    public var records: [MappedRecord]
    public var refused: [RecordRefusal]
    public var total: Int
}

/// One record mapped: the Kafka record to publish, and its value as JSON for a dry run to show.
public struct MappedRecord: Sendable {
    public var record: OutgoingRecord
    public var preview: JSONValue
}

/// A record that could not be mapped: its position (0-based), the reason, and the record itself.
public struct RecordRefusal: Sendable, Error {
    public var index: Int
    public var reason: String
    public var record: JSONValue
}
