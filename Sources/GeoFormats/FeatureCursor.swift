import CGDAL

/// Reads one layer feature by feature, transforming each geometry to the target CRS.
///
/// Every call returns either a feature or a `RowFailure` (bad geometry, bad coordinate text, a failed
/// transformation, out of bounds, a CSV row without location) and reading goes on; `nil` ends the layer.
/// Like its reader, a cursor stays on the reader's thread.
public final class FeatureCursor {
    /// The layer being read.
    public let layer: LayerInfo
    /// The CRS the coordinates are read in: the override, else the file's, else the assumed one.
    public let sourceCRS: CRS
    /// Whether `sourceCRS` came from `ReadOptions.assumedCRS` because the file declares none.
    public let sourceCRSIsAssumed: Bool
    /// The CRS of the returned geometries.
    public let targetCRS: CRS
    /// For CSV: the columns the locations come from.
    public let csvColumns: CSVLocationColumns?

    private let reader: FeatureReader
    private let handle: OGRLayerH
    private let decoder: FieldDecoder
    private let locator: CSVLocator?
    private let transformation: CoordinateTransformation?
    private let capture = CPLCapture()
    private var row = 0
    private var finished = false
    /// A feature read together with the report of a record skipped before it.
    private var pending: ReadResult?

    init(reader: FeatureReader, layer handle: OGRLayerH, info: LayerInfo) throws(GeoFormatsError) {
        self.reader = reader
        self.handle = handle
        self.layer = info
        let options = reader.options
        guard let definition = OGR_L_GetLayerDefn(handle) else {
            throw GeoFormatsError(.layer, "\(reader.path): layer '\(info.name)' has no definition")
        }
        var decoder = FieldDecoder(definition: definition, text: reader.text, pairOriginals: reader.driver == "CSV")
        if reader.driver == "CSV" {
            guard let locator = CSVLocator(decoder: decoder, options: options.csv) else {
                throw GeoFormatsError(
                    .noLocationColumns,
                    "\(reader.path): no coordinate, WKT or address column; looked for longitude \(options.csv.longitudeColumns), "
                        + "latitude \(options.csv.latitudeColumns), WKT \(options.csv.wktColumns), address \(options.csv.addressColumns)")
            }
            decoder.exclude(locator.geometryColumns)
            self.locator = locator
            self.csvColumns = locator.columns
        } else {
            self.locator = nil
            self.csvColumns = nil
        }
        self.decoder = decoder

        let source: SpatialReference
        if let override = options.sourceCRS {
            source = try SpatialReference(override)
            sourceCRSIsAssumed = false
        } else if let declared = SpatialReference(cloning: OGR_L_GetSpatialRef(handle)) {
            source = declared
            sourceCRSIsAssumed = false
        } else {
            source = try SpatialReference(options.assumedCRS)
            sourceCRSIsAssumed = true
        }
        sourceCRS = options.sourceCRS ?? (sourceCRSIsAssumed ? options.assumedCRS : info.declaredCRS ?? source.identified())
        if let targetCRS = options.targetCRS {
            let target = try SpatialReference(targetCRS)
            transformation = source.isSame(as: target) ? nil : try CoordinateTransformation(from: source, to: target)
            self.targetCRS = targetCRS
        } else {
            transformation = nil
            targetCRS = sourceCRS
        }
        OGR_L_ResetReading(handle)
    }

    deinit {
        reader.cursorFinished(layer: layer.name)
    }

    /// The file, as given to the reader.
    public var path: String { reader.path }

    /// The next row, or `nil` at the end of the layer. Rows that cannot be read are `.failure` results;
    /// this throws only when the cursor is misused: from another thread (`.wrongThread`) or after its
    /// reader was closed (`.closed`).
    public func next() throws(GeoFormatsError) -> ReadResult? {
        try reader.affinity.check("FeatureCursor")
        if let pending {
            self.pending = nil
            return pending
        }
        guard !finished else { return nil }
        guard reader.dataset != nil else { throw GeoFormatsError(.closed, "\(reader.path) was closed while reading '\(layer.name)'") }
        let feature = capture.run { OGR_L_GetNextFeature(handle) }
        guard let feature else {
            finished = true
            guard let problem = capture.failureSummary else { return nil }
            row += 1
            return .failure(failure(reason: "reading stopped: \(problem)", fid: nil, properties: Properties()))
        }
        defer { OGR_F_Destroy(feature) }
        row += 1
        if let problem = capture.failureSummary {
            // A driver that skips an unreadable record (GeoJSONSeq skips a bad line) reports it while
            // returning the next, whole, feature: report the skipped record, then hand out the feature.
            if locator != nil || OGR_F_GetGeometryRef(feature) != nil {
                let skipped = failure(reason: "a record GDAL could not read was skipped: \(problem)", fid: nil, properties: Properties())
                row += 1
                pending = result(for: feature)
                return .failure(skipped)
            }
            return .failure(failure(reason: problem, fid: fid(of: feature), properties: decoder.properties(of: feature)))
        }
        return result(for: feature)
    }

    /// The feature or failure this OGR feature makes, at the current row.
    private func result(for feature: OGRFeatureH) -> ReadResult {
        let fid = fid(of: feature)
        let properties = decoder.properties(of: feature)
        var address: String?
        var owned: OGRGeometryH?
        var geometry: OGRGeometryH?
        var missing = "the feature has no geometry (null, empty or unreadable in the source)"
        if let locator {
            switch locator.locate(feature, decoder: decoder) {
            case .geometry(let handle):
                owned = handle
                geometry = handle
            case .addressOnly(let text):
                address = text
            case .nothing(let reason):
                missing = reason
            case .failure(let reason):
                return .failure(failure(reason: reason, fid: fid, properties: properties))
            }
            if address == nil {
                address = locator.address(of: feature, decoder: decoder)
            }
        } else {
            geometry = OGR_F_GetGeometryRef(feature)
        }
        defer { if let owned { OGR_G_DestroyGeometry(owned) } }

        guard let geometry else {
            if address == nil, !reader.options.allowMissingGeometry {
                return .failure(failure(reason: missing, fid: fid, properties: properties))
            }
            return .feature(Feature(properties: properties, geometry: nil, fid: fid, row: row, address: address))
        }
        switch convert(geometry) {
        case .success(let converted):
            return .feature(Feature(properties: properties, geometry: converted, fid: fid, row: row, address: address))
        case .failure(let reason):
            return .failure(failure(reason: reason.message, fid: fid, properties: properties))
        }
    }

    private func fid(of feature: OGRFeatureH) -> Int64? {
        let value = OGR_F_GetFID(feature)
        return value == Int64(OGRNullFID) ? nil : Int64(value)
    }

    /// Up to `count` rows; fewer only at the end of the layer.
    public func next(batch count: Int) throws(GeoFormatsError) -> [ReadResult] {
        var results: [ReadResult] = []
        results.reserveCapacity(count)
        while results.count < count, let result = try next() {
            results.append(result)
        }
        return results
    }

    /// Transforms in place (the geometry belongs to this row) and exports.
    private func convert(_ geometry: OGRGeometryH) -> Result<Geometry, GeoFormatsError> {
        if let transformation {
            let result = capture.run { OGR_G_Transform(geometry, transformation.handle) }
            guard result == OGRERR_NONE else {
                return .failure(
                    GeoFormatsError(
                        .crs, "cannot transform the geometry from \(sourceCRS) to \(targetCRS): \(capture.summary ?? "PROJ gave no result")"))
            }
        }
        let converted = GeometryExport.geometry(from: geometry, includeGeoJSON: reader.options.includeGeoJSON)
        if let envelope = converted.envelope {
            guard envelope.isFinite else {
                return .failure(GeoFormatsError(.crs, "the geometry has coordinates that are not finite numbers after transformation"))
            }
            if let check = reader.options.boundsCheck, let reason = check.check(envelope) {
                return .failure(GeoFormatsError(.crs, reason))
            }
        }
        return .success(converted)
    }

    private func failure(reason: String, fid: Int64?, properties: Properties) -> RowFailure {
        RowFailure(file: reader.path, layer: layer.name, row: row, fid: fid, reason: reason, properties: properties)
    }
}
