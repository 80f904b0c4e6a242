import Events
import Foundation
import GeoFormats
import JSON
import Logging
import PostgresNIO

/// Writes the features of a collection (current state, an `as_of` state, any items filter) to a
/// GeoPackage, zipped Shapefile, CSV or GeoJSON file through GDAL, in EPSG:4490 or a requested CRS.
/// The HTTP API (`/collections/{c}/items?f=gpkg`) and `shikong export` both call it.
public struct CollectionExporter: Sendable {
    public let store: FeatureStore
    /// Features per batch handed to the writer thread.
    public var batchSize = 2_000

    public init(store: FeatureStore) {
        self.store = store
    }

    /// What an export made.
    public struct Result: Sendable {
        public var file: ExportedFile
        /// Features the format refused (a shapefile takes one geometry type), with the reason.
        public var rejected: [(id: String, reason: String)]
    }

    /// Exports what `request` selects (its `limit` caps the count; `crs` picks the file's CRS, with
    /// EPSG:4490 when the request named none). The file is in a new temporary directory unless
    /// `directory` is given; remove it with `ExportedFile.remove()`.
    public func export(
        _ collection: ServedCollection, _ request: ItemRequest, format: ExportFormat, crsRequested: Bool, directory: URL? = nil,
        fileName: String? = nil
    ) async throws -> Result {
        var options = WriteOptions(layerName: collection.id, fields: collection.fields.map(Self.definition))
        options.sourceCRS = .cgcs2000
        options.targetCRS = crsRequested ? CRS(epsg: Int(request.crs.srid)) : .cgcs2000
        options.directory = directory
        options.fileName = fileName
        let export = try await FeatureExport.start(format: format, options: options)
        let query = try ItemsStatement.export(collection, request)
        let fields = options.fields
        var batch: [Feature] = []
        var ids: [String] = []
        var rejected: [(id: String, reason: String)] = []
        func flush() async throws {
            guard !batch.isEmpty else { return }
            for rejection in try await export.write(batch) { rejected.append((ids[rejection.index], rejection.error.description)) }
            batch.removeAll(keepingCapacity: true)
            ids.removeAll(keepingCapacity: true)
        }
        try await store.evaluating {
            for try await (id, wkb, properties) in try await store.client.query(query, logger: store.logger).decode(
                (String, ByteBuffer?, String).self)
            {
                let geometry = wkb.map { Geometry(wkb: Data(buffer: $0)) }
                batch.append(Feature(properties: Self.properties(properties, fields: fields), geometry: geometry))
                ids.append(id)
                if batch.count >= batchSize { try await flush() }
            }
        }
        try await flush()
        return Result(file: try await export.finish(), rejected: rejected)
    }

    static func definition(_ property: CollectionProperty) -> FieldDefinition {
        let type: FieldType =
            switch property.type {
            case "integer": .integer
            case "real", "number": .real
            case "boolean": .boolean
            case "date": .date
            case "dateTime", "date-time", "datetime": .dateTime
            default: .string
            }
        return FieldDefinition(property.name, type)
    }

    /// JSON properties as typed values in the declared order; values of other types are coerced.
    static func properties(_ text: String, fields: [FieldDefinition]) -> Properties {
        guard case .object(let members)? = try? JSONParser.parse(text) else { return Properties() }
        var values: [String: JSONValue] = [:]
        for member in members { values[member.key] = member.value }
        var properties = Properties()
        for field in fields {
            let value: FieldValue
            switch values[field.name] {
            case nil, .null?: value = .null
            case .bool(let flag)?: value = .boolean(flag)
            case .number(let number)?:
                value = field.type == .integer && number.rounded() == number && abs(number) < 9e15 ? .integer(Int64(number)) : .real(number)
            case .string(let text)?: value = .string(text)
            case let other?: value = .string(Self.text(other))
            }
            properties.append(field.name, value.coerced(to: field.type) ?? .null)
        }
        return properties
    }

    static func text(_ value: JSONValue) -> String {
        (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? value.summary
    }
}
