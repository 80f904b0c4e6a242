import ArgumentParser
import Events
import Foundation
import Gazetteer
import Kafka
import Projections

/// Operator edits of the gazetteer, published on `gazetteer.changes`: every running engine (API,
/// processors) follows the topic and applies them within about a second, without a restart.
struct GazetteerAliasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alias", abstract: "Add or remove address and element aliases in the running platform (events on gazetteer.changes).",
        subcommands: [Add.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add (or replace) an alias, or every alias of a CSV table (kind,alias,target[,scope]).",
            discussion: """
                shikong gazetteer alias add 武大 point:whu --scope 420100
                shikong gazetteer alias add 热干面老店 湖北省武汉市江汉区中山大道1号 --kind element
                shikong gazetteer alias add --file aliases.csv
                Targets: point:<address point id>, division:<code>, or a standard address.
                """)

        @Argument(help: "The alias text, e.g. 武大.")
        var alias: String?
        @Argument(help: "What it stands for: point:<id>, division:<code>, or an address.")
        var target: String?
        @Option(help: "address (an institution's common name) or element (a shop's nickname, a signature product).")
        var kind: String = "address"
        @Option(help: "Restrict the alias to a division, e.g. 420100.")
        var scope: String?
        @Option(help: "An alias table to publish instead (CSV: kind,alias,target[,scope]).")
        var file: String?
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            if file == nil && (alias == nil || target == nil) { throw ValidationError("give an alias and a target, or --file") }
            if Alias.Kind(rawValue: kind) == nil { throw ValidationError("--kind must be address or element, not \(kind)") }
        }

        func run() async throws {
            var changes: [GazetteerChange]
            if let file {
                changes = try OperatorTables.aliases(csv: try String(contentsOfFile: file, encoding: .utf8))
            } else if let alias, let target {
                let csv = "kind,alias,target,scope\n\(kind),\(alias),\(target),\(scope ?? "")\n"
                changes = try OperatorTables.aliases(csv: csv)
            } else {
                changes = []
            }
            _ = logging.bootstrap("shikong.gazetteer")
            try await publishGazetteerChanges(changes, options: options)
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an alias.")

        @Argument(help: "The alias text.")
        var alias: String
        @Option(help: "address or element.")
        var kind: String = "address"
        @Option(help: "The division the alias is restricted to, if any.")
        var scope: String?
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            if Alias.Kind(rawValue: kind) == nil { throw ValidationError("--kind must be address or element, not \(kind)") }
        }

        func run() async throws {
            _ = logging.bootstrap("shikong.gazetteer")
            let kind = Alias.Kind(rawValue: kind) ?? .address
            try await publishGazetteerChanges([.aliasRemoved(kind: kind, text: alias, scopeCode: scope)], options: options)
        }
    }
}

struct GazetteerRenameCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rename", abstract: "Rename a division from a day on; the old name stays valid before it (geocoding as_of an earlier day).",
        discussion: "shikong gazetteer rename 420600 襄阳市 --short-name 襄阳 --on 2010-12-09")

    @Argument(help: "The division code.")
    var code: String
    @Argument(help: "The new full name.")
    var name: String
    @Option(help: "The new short name.")
    var shortName: String?
    @Option(help: "The day (YYYY-MM-DD) the new name takes effect.")
    var on: String
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        if GazetteerDate(parsing: on) == nil { throw ValidationError("--on must be YYYY-MM-DD, not \(on)") }
    }

    func run() async throws {
        _ = logging.bootstrap("shikong.gazetteer")
        guard let day = GazetteerDate(parsing: on) else { return }
        let change = GazetteerChange.divisionRenamed(
            code: code, name: DivisionName(name: name, shortName: shortName, validity: Validity(from: day)), on: day)
        try await publishGazetteerChanges([change], options: options)
    }
}

/// Publishes changes on `gazetteer.changes` with fresh event ids, in order.
func publishGazetteerChanges(_ changes: [GazetteerChange], options: ExternalServiceOptions) async throws {
    let configuration = try options.configuration()
    let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: configuration.kafkaClient))
    defer { producer.close() }
    let now = Date()
    let records = try changes.map { change in
        try GazetteerChangeRecord.record(change, id: EventIDGenerator.shared.next(at: now), source: "cli://gazetteer", recordedAt: now)
    }
    // One at a time: the topic has one partition and every engine applies changes in this order.
    for record in records { _ = try await producer.send(record) }
    for change in changes { print("published \(change.eventType) \(change.subject)") }
}
