import CGDAL

/// An owned `OGRSpatialReferenceH` in traditional GIS axis order (x/longitude first).
final class SpatialReference {
    let handle: OGRSpatialReferenceH

    /// Builds the CRS, failing with GDAL's message when GDAL does not know it.
    init(_ crs: CRS) throws(GeoFormatsError) {
        GDALLibrary.ensureRegistered()
        guard let handle = OSRNewSpatialReference(nil) else {
            throw GeoFormatsError(.crs, "cannot allocate a spatial reference")
        }
        let capture = CPLCapture()
        let result = capture.run { OSRSetFromUserInput(handle, crs.definition) }
        guard result == OGRERR_NONE else {
            OSRRelease(handle)
            throw GeoFormatsError(.crs, "unknown CRS \(crs): \(capture.summary ?? "GDAL cannot build it")")
        }
        OSRSetAxisMappingStrategy(handle, OAMS_TRADITIONAL_GIS_ORDER)
        self.handle = handle
    }

    /// A copy of a layer's CRS (the layer keeps its own).
    init?(cloning source: OGRSpatialReferenceH?) {
        guard let source, let clone = OSRClone(source) else { return nil }
        OSRSetAxisMappingStrategy(clone, OAMS_TRADITIONAL_GIS_ORDER)
        self.handle = clone
    }

    deinit {
        OSRRelease(handle)
    }

    /// Whether both describe the same CRS, ignoring axis order and names.
    func isSame(as other: SpatialReference) -> Bool {
        OSRIsSame(handle, other.handle) != 0
    }

    /// The CRS as a value: its EPSG code when it has one or matches one with high confidence, and WKT2.
    func identified() -> CRS {
        let wkt = exportWKT2() ?? ""
        return CRS(definition: wkt, epsg: epsgCode())
    }

    /// The EPSG code of the CRS itself or of its single best match (confidence ≥ 90 %).
    func epsgCode() -> Int? {
        if let authority = OSRGetAuthorityName(handle, nil), String(cString: authority).uppercased() == "EPSG",
            let code = OSRGetAuthorityCode(handle, nil)
        {
            return Int(String(cString: code))
        }
        var count: Int32 = 0
        var confidences: UnsafeMutablePointer<Int32>?
        let capture = CPLCapture()
        guard let matches = capture.run({ OSRFindMatches(handle, nil, &count, &confidences) }) else { return nil }
        defer {
            OSRFreeSRSArray(matches)
            VSIFree(confidences)
        }
        guard count > 0, let confidences else { return nil }
        let confident = (0..<Int(count)).filter { confidences[$0] >= 90 }
        guard let best = confident.max(by: { confidences[$0] < confidences[$1] }),
            confident.filter({ confidences[$0] == confidences[best] }).count == 1,
            let match = matches[best],
            let authority = OSRGetAuthorityName(match, nil), String(cString: authority).uppercased() == "EPSG",
            let code = OSRGetAuthorityCode(match, nil)
        else { return nil }
        return Int(String(cString: code))
    }

    /// WKT2 (2019) text.
    func exportWKT2() -> String? {
        var text: UnsafeMutablePointer<CChar>?
        let options = CStringList(["FORMAT=WKT2_2019"])
        let result = options.withPointer { OSRExportToWktEx(handle, &text, $0) }
        defer { VSIFree(text) }
        guard result == OGRERR_NONE, let text else { return nil }
        return String(cString: text)
    }
}

/// A transformation between two spatial references, or none when they are the same CRS.
final class CoordinateTransformation {
    let handle: OGRCoordinateTransformationH

    init(from source: SpatialReference, to target: SpatialReference) throws(GeoFormatsError) {
        let capture = CPLCapture()
        guard let handle = capture.run({ OCTNewCoordinateTransformation(source.handle, target.handle) }) else {
            throw GeoFormatsError(
                .crs,
                "no transformation from \(source.identified()) to \(target.identified()): \(capture.summary ?? "GDAL/PROJ found none")")
        }
        self.handle = handle
    }

    deinit {
        OCTDestroyCoordinateTransformation(handle)
    }
}
