import CGDAL

/// Finds each CSV row's location: a WKT value, a lon/lat pair, or failing both, address text.
struct CSVLocator {
    enum Location {
        /// A geometry the caller owns and must destroy.
        case geometry(OGRGeometryH)
        case addressOnly(String)
        /// Neither coordinates nor address: why, for a row failure unless missing geometry is allowed.
        case nothing(String)
        case failure(String)
    }

    let longitude: FieldDecoder.Column?
    let latitude: FieldDecoder.Column?
    let wkt: FieldDecoder.Column?
    let address: [FieldDecoder.Column]
    let separator: String

    /// Picks the columns by the options' candidate names; `nil` when the CSV has no location column at all.
    init?(decoder: FieldDecoder, options: CSVOptions) {
        func first(_ candidates: [String]) -> FieldDecoder.Column? {
            candidates.lazy.compactMap { decoder.allColumns[$0.lowercased()] }.first
        }
        let longitude = first(options.longitudeColumns)
        let latitude = first(options.latitudeColumns)
        let hasPair = longitude != nil && latitude != nil && longitude?.index != latitude?.index
        self.longitude = hasPair ? longitude : nil
        self.latitude = hasPair ? latitude : nil
        self.wkt = first(options.wktColumns)
        var seen = Set<Int32>()
        self.address = options.addressColumns.compactMap { decoder.allColumns[$0.lowercased()] }.filter { seen.insert($0.index).inserted }
        self.separator = options.addressSeparator
        if self.longitude == nil, wkt == nil, address.isEmpty { return nil }
    }

    /// The coordinate and WKT columns, which are not returned as properties.
    var geometryColumns: Set<Int32> {
        Set([longitude?.index, latitude?.index, wkt?.index].compactMap { $0 })
    }

    var columns: CSVLocationColumns {
        CSVLocationColumns(longitude: longitude?.name, latitude: latitude?.name, wkt: wkt?.name, address: address.map(\.name))
    }

    func locate(_ feature: OGRFeatureH, decoder: FieldDecoder) -> Location {
        if let wkt, let text = nonEmpty(decoder.sourceText(of: wkt, in: feature)) {
            return parseWKT(text, column: wkt.name)
        }
        if let longitude, let latitude {
            let x = nonEmpty(decoder.sourceText(of: longitude, in: feature))
            let y = nonEmpty(decoder.sourceText(of: latitude, in: feature))
            switch (x, y) {
            case (let x?, let y?):
                guard let lon = Double(x), lon.isFinite else {
                    return .failure("\(quoted(x)) in column '\(longitude.name)' is not a number")
                }
                guard let lat = Double(y), lat.isFinite else {
                    return .failure("\(quoted(y)) in column '\(latitude.name)' is not a number")
                }
                let point = OGR_G_CreateGeometry(wkbPoint)
                OGR_G_SetPoint_2D(point, 0, lon, lat)
                guard let point else { return .failure("cannot create a point") }
                return .geometry(point)
            case (_?, nil):
                return .failure("column '\(longitude.name)' has a value but '\(latitude.name)' is empty")
            case (nil, _?):
                return .failure("column '\(latitude.name)' has a value but '\(longitude.name)' is empty")
            case (nil, nil):
                break
            }
        }
        if let text = address(of: feature, decoder: decoder) { return .addressOnly(text) }
        return .nothing("no coordinates and no address (columns \(describeColumns))")
    }

    /// The non-empty address values joined, `nil` when there are none.
    func address(of feature: OGRFeatureH, decoder: FieldDecoder) -> String? {
        let parts = address.compactMap { nonEmpty(decoder.sourceText(of: $0, in: feature)) }
        return parts.isEmpty ? nil : parts.joined(separator: separator)
    }

    private var describeColumns: String {
        let names = [longitude?.name, latitude?.name, wkt?.name].compactMap { $0 } + address.map(\.name)
        return names.map { "'\($0)'" }.joined(separator: ", ")
    }

    private func parseWKT(_ text: String, column: String) -> Location {
        let capture = CPLCapture()
        var geometry: OGRGeometryH?
        let result: OGRErr = capture.run {
            text.withCString { start in
                var cursor: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(mutating: start)
                return OGR_G_CreateFromWkt(&cursor, nil, &geometry)
            }
        }
        guard result == OGRERR_NONE, let geometry else {
            let detail = capture.summary.map { ": \($0)" } ?? ""
            return .failure("WKT in column '\(column)' cannot be parsed (\(quoted(text)))\(detail)")
        }
        return .geometry(geometry)
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    private func quoted(_ text: String) -> String {
        "'" + (text.count > 60 ? String(text.prefix(57)) + "..." : text) + "'"
    }
}
