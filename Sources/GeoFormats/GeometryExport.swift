import CGDAL
import Foundation

/// Turns an OGR geometry into the module's `Geometry`.
enum GeometryExport {
    static func geometry(from handle: OGRGeometryH, includeGeoJSON: Bool) -> Geometry {
        let size = OGR_G_WkbSizeEx(handle)
        var wkb = Data(count: size)
        wkb.withUnsafeMutableBytes { buffer in
            _ = OGR_G_ExportToIsoWkb(handle, wkbNDR, buffer.baseAddress?.assumingMemoryBound(to: UInt8.self))
        }
        return Geometry(wkb: wkb, envelope: envelope(of: handle), geoJSON: includeGeoJSON ? geoJSON(of: handle) : nil)
    }

    static func envelope(of handle: OGRGeometryH) -> Envelope? {
        guard OGR_G_IsEmpty(handle) == 0 else { return nil }
        var box = OGREnvelope()
        OGR_G_GetEnvelope(handle, &box)
        return Envelope(minX: box.MinX, minY: box.MinY, maxX: box.MaxX, maxY: box.MaxY)
    }

    static func geoJSON(of handle: OGRGeometryH) -> String? {
        guard let text = OGR_G_ExportToJson(handle) else { return nil }
        defer { VSIFree(text) }
        return String(cString: text)
    }

    /// Parses WKB (ISO, extended or OGR's 2.5D flavour). The caller owns the result.
    static func ogrGeometry(from wkb: Data) -> (OGRGeometryH?, String?) {
        let capture = CPLCapture()
        var geometry: OGRGeometryH?
        let result: OGRErr = capture.run {
            wkb.withUnsafeBytes { buffer in OGR_G_CreateFromWkbEx(buffer.baseAddress, nil, &geometry, buffer.count) }
        }
        guard result == OGRERR_NONE, let geometry else {
            return (nil, "the WKB cannot be parsed: " + (capture.summary ?? "OGR error \(result)"))
        }
        return (geometry, nil)
    }
}

extension Geometry {
    /// GeoJSON geometry text for WKB, by GDAL. Safe from any thread: it touches no dataset.
    public func makeGeoJSON() throws(GeoFormatsError) -> String {
        GDALLibrary.ensureRegistered()
        let (handle, error) = GeometryExport.ogrGeometry(from: wkb)
        guard let handle else { throw GeoFormatsError(.featureRejected, error ?? "the WKB cannot be parsed") }
        defer { OGR_G_DestroyGeometry(handle) }
        guard let text = GeometryExport.geoJSON(of: handle) else {
            throw GeoFormatsError(.featureRejected, "GDAL cannot write this geometry as GeoJSON")
        }
        return text
    }
}
