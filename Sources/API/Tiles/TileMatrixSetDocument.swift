import ReadModel

/// The JSON of tile matrix sets (OGC Two Dimensional Tile Matrix Set 2.0) and the conformance
/// classes of OGC API Tiles the API implements.
enum TileMatrixSetDocument {
    typealias Object = [String: any Sendable]

    /// Metres per degree on the CGCS2000 ellipsoid's equator (the scale of a geographic set).
    static let metresPerDegree = 2 * Double.pi * 6_378_137 / 360
    /// The standard rendering pixel, 0.28 mm.
    static let pixel = 0.000_28

    static func summary(_ set: TileMatrixSet, base: String) -> Object {
        var summary: Object = [
            "id": set.id, "title": set.title, "crs": set.crs,
            "links": [["href": "\(base)/tileMatrixSets/\(set.id)", "rel": "self", "type": "application/json", "title": set.title] as Object],
        ]
        if let uri = uri(set) { summary["uri"] = uri }
        return summary
    }

    static func uri(_ set: TileMatrixSet) -> String? {
        set.layout == .webMercator ? "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad" : nil
    }

    static func make(_ set: TileMatrixSet, base: String) -> Object {
        let matrices: [Object] = (0...set.maximumZoom).map { zoom in
            let origin = set.bounds(zoom: 0, column: 0, row: 0)
            let cellSize: Double
            let scale: Double
            let point: [Double]
            switch set.layout {
            case .webMercator:
                cellSize = (origin.east - origin.west) / 256 / Double(1 << zoom)
                scale = cellSize / pixel
                point = [origin.west, origin.north]
            case .geographic:
                cellSize = 180 / 256 / Double(1 << zoom)
                scale = cellSize * metresPerDegree / pixel
                point = [90, -180]
            }
            return [
                "id": String(zoom), "scaleDenominator": scale, "cellSize": cellSize, "cornerOfOrigin": "topLeft", "pointOfOrigin": point,
                "tileWidth": 256, "tileHeight": 256, "matrixWidth": set.matrixWidth(zoom), "matrixHeight": set.matrixHeight(zoom),
            ]
        }
        var document: Object = [
            "id": set.id, "title": set.title, "crs": set.crs, "orderedAxes": set.layout == .webMercator ? ["X", "Y"] : ["Lat", "Lon"],
            "tileMatrices": matrices,
            "links": [["href": "\(base)/tileMatrixSets/\(set.id)", "rel": "self", "type": "application/json", "title": set.title] as Object],
        ]
        if let uri = uri(set) {
            document["uri"] = uri
            document["wellKnownScaleSet"] = "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible"
        }
        return document
    }

    /// OGC API Tiles 1.0 and TMS 2.0 classes.
    static let conformance = [
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/dataset-tilesets",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/datetime",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
        "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
        "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
        "http://www.opengis.net/spec/tms/2.0/conf/tilesetmetadata",
        "http://www.opengis.net/spec/tms/2.0/conf/json-tilesetmetadata",
    ]

    /// A tileset's metadata (TMS 2.0 tileset metadata, JSON): where its tiles are and what they hold.
    static func tileset(
        title: String, tilesURL: String, set: TileMatrixSet, base: String, layers: [Object], query: String = "", description: String
    ) -> Object {
        let suffix = query.isEmpty ? "" : "?\(query)"
        var tileset: Object = [
            "title": title, "description": description, "dataType": "vector", "crs": set.crs,
            "tileMatrixSetId": set.id,
            "links": [
                ["href": "\(tilesURL)/\(set.id)\(suffix)", "rel": "self", "type": "application/json", "title": title] as Object,
                [
                    "href": "\(base)/tileMatrixSets/\(set.id)", "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
                    "type": "application/json", "title": set.title,
                ] as Object,
                [
                    "href": "\(tilesURL)/\(set.id)/{tileMatrix}/{tileCol}/{tileRow}\(suffix)", "rel": "item",
                    "type": "application/vnd.mapbox-vector-tile", "templated": true, "title": "Mapbox vector tiles",
                ] as Object,
            ],
            "layers": layers,
        ]
        if let uri = uri(set) { tileset["tileMatrixSetURI"] = uri }
        return tileset
    }
}
