import Foundation
import GeoFormats
import Gazetteer

extension GeocodeResultWriters {
    /// CSV, GeoJSON and GeoPackage (`f=gpkg`, written by GDAL): what the platform's API serves.
    public static var withGeoPackage: GeocodeResultWriters {
        var writers = standard
        writers.register("gpkg", contentType: ExportFormat.geoPackage.contentType, fileExtension: ExportFormat.geoPackage.fileExtension) {
            try GeocodeGeoPackage.write($0, $1)
        }
        return writers
    }

    /// The output names (`f=` values) known.
    public var formats: [String] { names }

    /// Writes results in the named format; nil when the name is not registered.
    public func write(_ format: String, _ table: GeocodeTable, _ results: [GeocodeResult]) throws -> Data? {
        try writers[format]?.write(table, results)
    }
}

/// Batch geocoding results as a GeoPackage: one point layer `geocoded` in EPSG:4490 with the input
/// columns and the `gz_*` result columns (score, lon and lat as reals); rows that failed have no
/// geometry and say why in `gz_failure`.
enum GeocodeGeoPackage {
    static let realColumns: Set<String> = ["gz_lon", "gz_lat", "gz_score"]

    /// Runs on the calling thread from start to finish, as GDAL writers require.
    static func write(_ table: GeocodeTable, _ results: [GeocodeResult]) throws -> Data {
        let columns = table.columns + GeocodeOutput.resultColumns
        let fields = columns.map { FieldDefinition($0, realColumns.contains($0) ? .real : .string) }
        let writer = try FeatureWriter(format: .geoPackage, options: WriteOptions(layerName: "geocoded", fields: fields, geometryType: .point))
        for (index, (row, result)) in zip(table.rows, results).enumerated() {
            var properties: [Property] = []
            for (column, value) in zip(columns, row + GeocodeOutput.resultFields(result)) {
                if realColumns.contains(column) {
                    properties.append(Property(column, Double(value).map { .real($0) } ?? .null))
                } else {
                    properties.append(Property(column, .string(value)))
                }
            }
            let geometry = result.isSuccess ? result.point.map { Geometry(wkb: pointWKB(lon: $0.lon, lat: $0.lat)) } : nil
            try writer.write(Feature(properties: Properties(properties), geometry: geometry, row: index + 1))
        }
        let file = try writer.finish()
        defer { try? file.remove() }
        return try file.data()
    }

    /// An ISO WKB point, little-endian.
    static func pointWKB(lon: Double, lat: Double) -> Data {
        var data = Data([1])
        withUnsafeBytes(of: UInt32(1).littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: lon.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: lat.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        return data
    }
}
