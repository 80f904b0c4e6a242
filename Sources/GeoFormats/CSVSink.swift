import CGDAL
import Foundation

/// Writes CSV (RFC 4180, UTF-8 with a byte-order mark, CRLF) so that `FeatureReader` reads it back with
/// the same types: integers and reals bare (reals keep a decimal point), strings always quoted (so text
/// that looks like a number stays text), dates and date-times in ISO 8601, booleans as `true`/`false`,
/// nulls empty. Geometry is a first `WKT` column in full precision, or `lon`/`lat` (`x`/`y` when
/// projected) columns for points.
final class CSVSink: FeatureSink {
    let renamedFields: [FieldRename] = []
    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private let geometry: CSVGeometryEncoding
    private let url: URL

    static let flushSize = 1 << 20

    init(url: URL, fields: [FieldDefinition], geometry: CSVGeometryEncoding, geographic: Bool) throws(GeoFormatsError) {
        self.url = url
        self.geometry = geometry
        guard FileManager.default.createFile(atPath: url.path, contents: nil), let handle = FileHandle(forWritingAtPath: url.path) else {
            throw GeoFormatsError(.create, "cannot create \(url.path)")
        }
        self.handle = handle
        let geometryColumns =
            switch geometry {
            case .wkt: ["WKT"]
            case .lonLat: geographic ? ["lon", "lat"] : ["x", "y"]
            }
        buffer.append(contentsOf: [0xEF, 0xBB, 0xBF])
        append(line: (geometryColumns + fields.map(\.name)).map(Self.headerCell))
    }

    deinit {
        abandon()
    }

    func abandon() {
        try? handle?.close()
        handle = nil
    }

    func write(values: [FieldValue], geometry handle: OGRGeometryH?, fid: Int64?, capture: CPLCapture, warnings: inout WarningLog)
        throws(GeoFormatsError)
    {
        defer { if let handle { OGR_G_DestroyGeometry(handle) } }
        var cells: [String] = []
        switch geometry {
        case .wkt:
            if let handle {
                let wkb = GeometryExport.geometry(from: handle, includeGeoJSON: false).wkb
                do throws(WKTWriter.Malformed) {
                    cells.append("\"" + (try WKTWriter.wkt(from: wkb)) + "\"")
                } catch {
                    throw GeoFormatsError(.featureRejected, "the geometry cannot be written as WKT")
                }
            } else {
                cells.append("")
            }
        case .lonLat:
            if let handle {
                guard OGR_GT_Flatten(OGR_G_GetGeometryType(handle)) == wkbPoint, OGR_G_IsEmpty(handle) == 0 else {
                    throw GeoFormatsError(
                        .featureRejected, "CSV with lon/lat columns holds points only; this is a \(GeometryType(ogr: OGR_G_GetGeometryType(handle)))")
                }
                cells += [WKTWriter.number(OGR_G_GetX(handle, 0)), WKTWriter.number(OGR_G_GetY(handle, 0))]
            } else {
                cells += ["", ""]
            }
        }
        cells += values.map(Self.cell)
        append(line: cells)
        if buffer.count >= Self.flushSize { try flush() }
    }

    func finish(capture: CPLCapture, warnings: inout WarningLog) throws(GeoFormatsError) {
        try flush()
        do {
            try handle?.close()
        } catch {
            throw GeoFormatsError(.write, "closing \(url.lastPathComponent) failed: \(error)")
        }
        handle = nil
    }

    private func append(line cells: [String]) {
        buffer.append(contentsOf: cells.joined(separator: ",").utf8)
        buffer.append(contentsOf: [13, 10])
    }

    private func flush() throws(GeoFormatsError) {
        guard let handle else { throw GeoFormatsError(.closed, "the CSV writer is finished") }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw GeoFormatsError(.write, "writing \(url.lastPathComponent) failed: \(error)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func headerCell(_ name: String) -> String {
        name.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? quoted(name) : name
    }

    static func cell(_ value: FieldValue) -> String {
        switch value {
        case .null: ""
        case .string(let text): quoted(text)
        case .integer(let number): String(number)
        case .real(let number): number.isFinite ? number.description : quoted(number.description)
        case .boolean(let flag): flag ? "true" : "false"
        case .date(let date): date.description
        case .dateTime(let time): time.description
        }
    }
}
