import ArgumentParser
import Events
import Foundation
import Kafka
import Logging
import Platform
import ReadModel

/// The live layer's definitions from the command line: each command publishes the same events the
/// API does (`put` creates or replaces, `delete` removes) or reads the definitions projection
/// (`list`, `show`).
struct AggregationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregations", abstract: "Windowed aggregations over spatialised streams: list, show, put (create or replace) and delete.",
        discussion: """
            shikong aggregations put pm25-by-district.json      (a JSON object, or an array of them)
            shikong aggregations list
            shikong aggregations delete pm25-by-district
            Fields: see GET /api (AggregationDefinition) or the README's "Live layer".
            """,
        subcommands: [List.self, Show.self, Put.self, Delete.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions
        func run() async throws { try await listDefinitions(AggregationDefinition.self, options: options, logging: logging) }
    }

    struct Show: AsyncParsableCommand {
        @Argument(help: "The aggregation id.") var id: String
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions
        func run() async throws { try await showDefinition(AggregationDefinition.self, id: id, options: options, logging: logging) }
    }

    struct Put: AsyncParsableCommand {
        @Argument(help: "A JSON file (or - for standard input) with one definition or an array of them.") var file: String
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions
        func run() async throws { try await putDefinitions(AggregationDefinition.self, file: file, options: options, logging: logging) }
    }

    struct Delete: AsyncParsableCommand {
        @Argument(help: "The aggregation id.") var id: String
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions
        func run() async throws { try await deleteDefinition(AggregationDefinition.self, id: id, options: options, logging: logging) }
    }
}

struct GeofencesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geofences", abstract: "Drawn geofences (polygons in EPSG:4490 that rules name geofences/<id>): list, show, put and delete.",
        discussion: #"shikong geofences put depot.json   with {"id": "depot", "geometry": {"type": "Polygon", "coordinates": [[[114.3, 30.5], …]]}}"#,
        subcommands: [List.self, Show.self, Put.self, Delete.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions
        func run() async throws { try await listDefinitions(GeofenceDefinition.self, options: options, logging: logging) }
    }

    struct Show: AsyncParsableCommand {
        @Argument(help: "The fence id.") var id: String
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions
        func run() async throws { try await showDefinition(GeofenceDefinition.self, id: id, options: options, logging: logging) }
    }

    struct Put: AsyncParsableCommand {
        @Argument(help: "A JSON file (or - for standard input) with one fence or an array of them.") var file: String
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions
        func run() async throws { try await putDefinitions(GeofenceDefinition.self, file: file, options: options, logging: logging) }
    }

    struct Delete: AsyncParsableCommand {
        @Argument(help: "The fence id.") var id: String
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions
        func run() async throws { try await deleteDefinition(GeofenceDefinition.self, id: id, options: options, logging: logging) }
    }
}

struct AlertRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alert-rules",
        abstract: "Alert rules (enter, exit, inside, dwell on fences; CQL2 thresholds on readings or windows): list, show, put and delete.",
        discussion: """
            shikong alert-rules put district-entry.json
            with {"id": "district-entry", "kind": "enter", "subjects": {"prefix": "sensor:veh-"}, "fences": {"collection": "wuhan_districts"}}
            or {"id": "pm25-high", "kind": "threshold", "source": "aggregates", "condition": "avg_pm25 > 75", "for": 3, "clear": "avg_pm25 <= 60",
                "actions": [{"webhook": {"url": "https://example.org/hook", "secret": "…"}}, {"mqtt": {"topic": "alerts/pm25"}}]}
            A threshold condition is CQL2 text evaluated in memory against each reading (its values by name, sensor_id,
            observed_at, geometry) or each window (count, <statistic>_<value>, region, window_start, …); one that does not
            type-check is logged by the alerting processor as not applied.
            """,
        subcommands: [List.self, Show.self, Put.self, Delete.self, Acknowledge.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions
        func run() async throws { try await listDefinitions(AlertRule.self, options: options, logging: logging) }
    }

    struct Show: AsyncParsableCommand {
        @Argument(help: "The rule id.") var id: String
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions
        func run() async throws { try await showDefinition(AlertRule.self, id: id, options: options, logging: logging) }
    }

    struct Put: AsyncParsableCommand {
        @Argument(help: "A JSON file (or - for standard input) with one rule or an array of them.") var file: String
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions
        func run() async throws { try await putDefinitions(AlertRule.self, file: file, options: options, logging: logging) }
    }

    struct Delete: AsyncParsableCommand {
        @Argument(help: "The rule id.") var id: String
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions
        func run() async throws { try await deleteDefinition(AlertRule.self, id: id, options: options, logging: logging) }
    }

    struct Acknowledge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge an alert (an alert.acknowledged event).")
        @Argument(help: "The alert id.") var alert: String
        @Option(help: "Who acknowledges it.") var by = NSUserName()
        @Option(help: "A note.") var note: String?
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let logger = logging.bootstrap("shikong.alerts")
            guard let id = UUID(uuidString: alert) else { throw ValidationError("an alert id is a UUID, not \(alert)") }
            let configuration = try options.configuration()
            guard
                let summary = try await Pipeline.withDatabase(
                    configuration.database, logger: logger,
                    { client in
                        try await LiveDefinitionReads(client: client, logger: logger).alert(id)
                    })
            else { throw ValidationError("no alert \(alert)") }
            let now = Date()
            let event = AlertEvent(
                id: EventIDGenerator.shared.next(at: now), type: AlertEvent.acknowledged, source: "cli://alerts", occurredAt: now, recordedAt: now,
                geometry: nil,
                data: Alert(
                    alertID: id, rule: summary.rule, kind: summary.kind, subject: summary.subject, fence: summary.fence, severity: summary.severity,
                    status: summary.status == "cleared" ? "cleared" : "acknowledged", message: summary.message, evidence: .object([]), by: by,
                    note: note))
            try await publish([try event.record()], configuration: configuration)
            print("acknowledged \(alert)")
        }
    }
}

/// Publishes records in order and waits for the broker.
private func publish(_ records: [OutgoingRecord], configuration: PlatformConfiguration) async throws {
    let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: configuration.kafkaClient))
    defer { producer.close() }
    for record in records { _ = try await producer.send(record) }
}

private func putDefinitions<Definition: LiveDefinition>(
    _ type: Definition.Type, file: String, options: ExternalServiceOptions, logging: LoggingOptions
) async throws {
    _ = logging.bootstrap("shikong.definitions")
    let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
    let parsed = try JSONSerialization.jsonObject(with: data)
    let objects = (parsed as? [Any]) ?? [parsed]
    var definitions: [Definition] = []
    for (index, object) in objects.enumerated() {
        do {
            definitions.append(try DefinitionDecoding.decode(try JSONSerialization.data(withJSONObject: object)))
        } catch let error as EventDecodingError {
            throw ValidationError("\(file)\(objects.count > 1 ? " [\(index)]" : ""): \(error.reason)")
        }
    }
    let records = try definitions.map { try DefinitionChange.defined($0, source: "cli://\(Definition.kind.rawValue)").record() }
    try await publish(records, configuration: try options.configuration())
    for definition in definitions { print("published \(Definition.kind.definedType) \(definition.id)") }
}

private func deleteDefinition<Definition: LiveDefinition>(
    _ type: Definition.Type, id: String, options: ExternalServiceOptions, logging: LoggingOptions
) async throws {
    let logger = logging.bootstrap("shikong.definitions")
    let configuration = try options.configuration()
    let known = try await Pipeline.withDatabase(configuration.database, logger: logger) { client in
        try await LiveDefinitionReads(client: client, logger: logger).definition(kind: Definition.kind.rawValue, id: id)
    }
    guard known != nil else { throw ValidationError("no \(Definition.kind.rawValue) \(id)") }
    try await publish(
        [try DefinitionChange<Definition>.deleted(id, source: "cli://\(Definition.kind.rawValue)").record()], configuration: configuration)
    print("published \(Definition.kind.deletedType) \(id)")
}

private func listDefinitions<Definition: LiveDefinition>(_ type: Definition.Type, options: ExternalServiceOptions, logging: LoggingOptions)
    async throws
{
    let logger = logging.bootstrap("shikong.definitions")
    let configuration = try options.configuration()
    let stored = try await Pipeline.withDatabase(configuration.database, logger: logger) { client in
        try await LiveDefinitionReads(client: client, logger: logger).list(kind: Definition.kind.rawValue, limit: 1_000, offset: 0)
    }
    for definition in stored { print(try redacted(Definition.self, definition.definition)) }
    if stored.isEmpty { print("no \(Definition.kind.rawValue) definitions") }
}

private func showDefinition<Definition: LiveDefinition>(
    _ type: Definition.Type, id: String, options: ExternalServiceOptions, logging: LoggingOptions
) async throws {
    let logger = logging.bootstrap("shikong.definitions")
    let configuration = try options.configuration()
    guard
        let stored = try await Pipeline.withDatabase(
            configuration.database, logger: logger,
            { client in
                try await LiveDefinitionReads(client: client, logger: logger).definition(kind: Definition.kind.rawValue, id: id)
            })
    else { throw ValidationError("no \(Definition.kind.rawValue) \(id)") }
    print(try redacted(Definition.self, stored.definition))
}

/// A stored definition as one line of JSON, webhook secrets hidden.
private func redacted<Definition: LiveDefinition>(_ type: Definition.Type, _ text: String) throws -> String {
    var definition = try EventJSON.decoder().decode(Definition.self, from: Data(text.utf8))
    if let rule = definition as? AlertRule, let hidden = rule.redacted as? Definition { definition = hidden }
    return String(decoding: try EventJSON.encoder().encode(definition), as: UTF8.self)
}
