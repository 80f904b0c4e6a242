import Foundation

/// Writes geocoded tables: the input columns followed by the result columns, as CSV or GeoJSON.
/// (GeoPackage output is added through the GDAL module: see ``GeocodeOutput/Format``.)
public enum GeocodeOutput {
    /// Output formats. A GeoPackage writer plugs in beside these once the GDAL module exists: it
    /// takes the same (table, results) pairs and ``resultColumns``/``resultFields(_:)``.
    public enum Format: String, Sendable, CaseIterable {
        case csv
        case geoJSON = "geojson"

        public var contentType: String {
            switch self {
            case .csv: "text/csv; charset=utf-8"
            case .geoJSON: "application/geo+json"
            }
        }
    }

    /// The columns appended to every row.
    public static let resultColumns = [
        "gz_status", "gz_standard_address", "gz_province", "gz_city", "gz_county", "gz_township", "gz_village", "gz_lon", "gz_lat",
        "gz_precision", "gz_point_precision", "gz_score", "gz_failure", "gz_notes",
    ]

    /// The result fields of one row, aligned with ``resultColumns``.
    public static func resultFields(_ result: GeocodeResult) -> [String] {
        [
            result.isSuccess ? "ok" : "failed", result.standardAddress ?? "", result.code(at: .province) ?? "", result.code(at: .city) ?? "",
            result.code(at: .county) ?? "", result.code(at: .township) ?? "", result.code(at: .village) ?? "",
            result.point.map { String(format: "%.7f", $0.lon) } ?? "", result.point.map { String(format: "%.7f", $0.lat) } ?? "",
            result.precision?.description ?? "", result.pointPrecision?.description ?? "", String(result.score),
            result.failure.map { "\($0.code): \($0.description)" } ?? "", result.notes.joined(separator: "; "),
        ]
    }

    public static func write(_ table: GeocodeTable, _ results: [GeocodeResult], as format: Format) -> Data {
        switch format {
        case .csv: csv(table, results)
        case .geoJSON: geoJSON(table, results)
        }
    }

    static func csv(_ table: GeocodeTable, _ results: [GeocodeResult]) -> Data {
        var text = (table.columns + resultColumns).map(CSVReader.escape).joined(separator: ",") + "\n"
        for (row, result) in zip(table.rows, results) {
            text += (row + resultFields(result)).map(CSVReader.escape).joined(separator: ",") + "\n"
        }
        return Data(text.utf8)
    }

    static func geoJSON(_ table: GeocodeTable, _ results: [GeocodeResult]) -> Data {
        var features: [[String: Any]] = []
        features.reserveCapacity(results.count)
        for (row, result) in zip(table.rows, results) {
            var properties: [String: Any] = [:]
            for (column, value) in zip(table.columns, row) { properties[column] = value }
            for (column, value) in zip(resultColumns, resultFields(result)) { properties[column] = value }
            properties["gz_score"] = result.score
            let geometry: Any = result.point.map { ["type": "Point", "coordinates": [$0.lon, $0.lat]] as [String: Any] } ?? NSNull()
            features.append(["type": "Feature", "geometry": geometry, "properties": properties])
        }
        let collection: [String: Any] = [
            "type": "FeatureCollection", "crs": ["type": "name", "properties": ["name": "urn:ogc:def:crs:EPSG::4490"]], "features": features,
        ]
        return (try? JSONSerialization.data(withJSONObject: collection, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}
