import ArgumentParser
import Events
import Foundation
import Ingest
import Kafka
import Logging
import Platform
import GeoVocabulary
import Projections
import ReadModel

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a GIS file into an entity collection: GeoJSON, Shapefile (.shp or .shp.zip), GeoPackage, GML, KML, CSV.",
        discussion: """
            Each feature becomes an entity.upserted event (geometry in EPSG:4490, three-domain labels); features equal to the \
            entity's current version are skipped, so re-running an import changes nothing. With --mode full (the default) \
            entities this source imported before and no longer holds become entity.retired. Rows that cannot be read go to \
            the dead-letter topic with file, row and reason (GET /dlq). CSV: lon/lat (x/y, 经度/纬度) or WKT columns; rows with \
            only an address column are geocoded by the entity processor when a gazetteer is loaded.
            The projection applies the events a moment after the command ends; GET /imports/{job} shows the counts.
            """)

    @Argument(help: "The file to import.")
    var file: String
    @Option(help: "The entity collection (letters, digits, _ - .).")
    var collection: String
    @Option(help: "The layer, for files with several.")
    var layer: String?
    @Option(help: "The coordinates' CRS when the file does not say or says wrong: EPSG:4547, 3857, GCJ-02, BD-09 …")
    var crs: String?
    @Option(help: "The attribute holding each entity's stable id (default: the feature id, else the row number).")
    var idField: String?
    @Option(help: "Valid time of the imported state (RFC 3339; default: now).")
    var validFrom: String?
    @Option(help: "The attribute holding each feature's valid time instead.")
    var validFromField: String?
    @Option(help: "full: the file is the whole source, entities missing from it are retired; append: nothing is retired.")
    var mode: String = "full"
    @Option(
        help: """
            The source the file is an edition of (default: the collection — one dataset, one collection): a full import retires what \
            the source held before and this edition no longer holds, whatever the file is called. Name sources when several feed one \
            collection; each is compared only with itself.
            """)
    var source: String?
    @Flag(help: "Keep features outside the service area (otherwise they are dead letters).")
    var allowOutside = false
    @Option(help: "Attribute domain label (three-domain identification).")
    var domain = "base"
    @Option(help: "Industry label.")
    var industry: String?
    @Option(help: "Theme label (default: the collection name).")
    var theme: String?
    @Option(name: .customLong("address-column"), help: "CSV column(s) with the address (repeatable).")
    var addressColumns: [String] = []
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard EntityImport.Mode(rawValue: mode) != nil else { throw ValidationError("--mode must be full or append") }
        if let validFrom, Timestamp.parse(validFrom) == nil { throw ValidationError("--valid-from must be an RFC 3339 date-time") }
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("\(file) does not exist") }
    }

    func run() async throws {
        let logger = logging.bootstrap("shikong.import")
        let configuration = try options.configuration()
        var plan = EntityImport(file: URL(fileURLWithPath: file), collection: collection)
        plan.layer = layer
        plan.crs = crs
        plan.idField = idField
        plan.validFrom = validFrom.flatMap(Timestamp.parse)
        plan.validFromField = validFromField
        plan.mode = EntityImport.Mode(rawValue: mode) ?? .full
        if let source { plan.sourceName = source }
        plan.allowOutsideServiceArea = allowOutside
        plan.labels = AttributeLabels(domain: domain, industry: industry, theme: theme ?? collection)
        if !addressColumns.isEmpty { plan.addressColumns = addressColumns }
        let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(client: configuration.kafkaClient), logger: logger)
        defer { producer.close() }
        let area = configuration.serviceArea
        let bar = ProgressBar(total: 0, label: "importing \(plan.fileName)")
        let importing = plan
        let report = try await Pipeline.withDatabase(configuration.database, logger: logger) { client in
            try await EntityImporter(
                producer: producer, baseline: EntityBaseline(client: client, logger: logger),
                serviceArea: area,
                logger: logger
            ).run(importing) { counts, total in bar.update(counts.read, total: total ?? counts.read) }
        }
        bar.finish()
        let counts = report.counts
        print(
            "job \(report.job.uuidString.lowercased()): \(counts.read) rows read (CRS \(report.sourceCRS)): \(counts.upserted) upserted, "
                + "\(counts.unchanged) unchanged, \(counts.retired) retired, \(counts.failed) failed (see GET /dlq)\n\(report.summary)")
    }
}

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changed in an entity collection between two times: added, removed and changed entities, attribute by attribute.",
        discussion:
            "Each side is what the platform knew at that time about what was valid then. --json prints the GeoJSON of GET /collections/{c}/diff.")

    @Option(help: "The entity collection.")
    var collection: String
    @Option(help: "The earlier time (RFC 3339).")
    var from: String
    @Option(help: "The later time (RFC 3339).")
    var to: String
    @Option(help: "Only entities intersecting west,south,east,north (EPSG:4490).")
    var bbox: String?
    @Option(help: "At most this many changes are listed (the summary counts them all).")
    var limit = 1_000
    @Flag(help: "Print GeoJSON instead of a table.")
    var json = false
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap("shikong.diff")
        guard let from = Timestamp.parse(from), let to = Timestamp.parse(to) else {
            throw ValidationError("--from and --to must be RFC 3339 date-times")
        }
        var box: BoundingBox?
        if let bbox {
            do throws(ParameterError) {
                box = try BoundingBox(parsing: bbox, parameter: "--bbox")
            } catch {
                throw ValidationError(error.message)
            }
        }
        let configuration = try options.configuration()
        let area = box
        let diff = try await Pipeline.withDatabase(configuration.database, logger: logger) { client in
            try await EntityTimeTravel(client: client, logger: logger).diff(collection: collection, from: from, to: to, bbox: area, limit: limit)
        }
        if json {
            print(EntityDiffGeoJSON.render(diff, from: from, to: to, collection: collection))
            return
        }
        print(
            "\(collection) from \(Timestamp.format(from)) to \(Timestamp.format(to)): \(diff.added) added, \(diff.removed) removed, \(diff.changed) changed"
        )
        var table = [["entity", "change", "what"]]
        for change in diff.changes {
            var what = change.attributeChanges.map { "\($0.name): \($0.before?.text ?? "—") → \($0.after?.text ?? "—")" }
            if change.kind == .changed, change.geometryChanged { what.append("geometry") }
            table.append([change.entityID, change.kind.rawValue, what.joined(separator: "; ")])
        }
        if !diff.changes.isEmpty { print(render(table)) }
    }
}
