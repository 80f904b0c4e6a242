import Access
import ArgumentParser
import Events
import Foundation
import GeoFormats
import GeoVocabulary
import Logging
import Platform
import ReadModel

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a collection's features to a GeoPackage, zipped Shapefile, CSV or GeoJSON file, now or as of a past time.",
        discussion: """
            The same export as GET /collections/{c}/items?f=gpkg|shp|csv|geojson: the current state, or with --as-of what the \
            platform knew then (entity collections and readings); --datetime picks valid time. Geometry is in CGCS2000 \
            (EPSG:4490) unless --crs names another (CRS84, EPSG:4326, 3857, 4491–4554). --filter takes CQL2 text, \
            as the API's filter parameter does.
            shikong export --collection buildings --format gpkg -o buildings.gpkg
            shikong export --collection buildings --as-of 2026-11-01T00:00:00+08:00 --crs EPSG:4547 --format shp -o buildings.shp.zip
            """)

    @Option(help: "The collection.")
    var collection: String
    @Option(help: "gpkg, shp (zipped), csv (WKT geometry), csv-lonlat or geojson.")
    var format: String
    @Option(name: [.customShort("o"), .long], help: "The file to write.")
    var output: String
    @Option(help: "System time: the state the platform knew then (RFC 3339).")
    var asOf: String?
    @Option(help: "Valid time: an instant or an interval start/end (RFC 3339, '..' for open).")
    var datetime: String?
    @Option(help: "The file's CRS (default EPSG:4490).")
    var crs: String?
    @Option(help: "A CQL2 text filter.")
    var filter: String?
    @Option(help: "At most this many features (default: the export limit, 1,000,000).")
    var limit: Int?
    @OptionGroup var options: ExternalServiceOptions
    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard ExportFormat(parsing: format) != nil else { throw ValidationError("--format must be gpkg, shp, csv, csv-lonlat or geojson") }
        if let asOf, Timestamp.parse(asOf) == nil { throw ValidationError("--as-of must be an RFC 3339 date-time") }
    }

    func run() async throws {
        let logger = logging.bootstrap("shikong.export")
        let configuration = try options.configuration()
        guard let format = ExportFormat(parsing: format) else { throw ValidationError("unknown --format") }
        var parameters: [(String, String)] = []
        if let asOf { parameters.append(("as_of", asOf)) }
        if let datetime { parameters.append(("datetime", datetime)) }
        if let crs { parameters.append(("crs", crs)) }
        if let filter { parameters.append(("filter", filter)) }
        if let limit { parameters.append(("limit", String(limit))) }
        let target = URL(fileURLWithPath: output)
        let (collectionID, crsRequested, given) = (collection, crs != nil, parameters)
        let limits = configuration.queryLimits
        let result = try await Pipeline.withDatabase(configuration.database, logger: logger) { client in
            let store = FeatureStore(client: client, limits: limits, logger: logger)
            do {
                // The operator's own machine, with the database's credentials: every collection.
                let served = try await Caller.$current.withValue(.system) { try await store.registry.collection(collectionID) }
                let request = try ItemRequest(given, collection: served, limits: store.limits, unlimited: true)
                return try await CollectionExporter(store: store).export(served, request, format: format, crsRequested: crsRequested)
            } catch let error as FeatureStoreError {
                throw ValidationError(error.message)
            } catch let error as ParameterError {
                throw ValidationError(error.message)
            }
        }
        defer { try? result.file.remove() }
        if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
        try FileManager.default.copyItem(at: result.file.url, to: target)
        print("wrote \(result.file.featureCount) features of \(collection) to \(output) (\(result.file.byteCount) bytes)")
        for rename in result.file.renamedFields { print("field renamed: \(rename)") }
        for (id, reason) in result.rejected.prefix(20) { print("not written: \(id): \(reason)") }
        if result.rejected.count > 20 { print("… and \(result.rejected.count - 20) more not written") }
    }
}
