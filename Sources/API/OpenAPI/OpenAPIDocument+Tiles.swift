extension OpenAPIDocument {
    static let mvt = "application/vnd.mapbox-vector-tile"
    static let html = "text/html"

    static func pathParameter(_ name: String, _ description: String) -> Object { OpenAPIParameters.path(name, description) }

    static let tileAddress: [Object] = [
        pathParameter("tileMatrixSetId", "WebMercatorQuad or CGCS2000Quad."), pathParameter("z", "Zoom level (tile matrix)."),
        pathParameter("x", "Column (tileCol)."), pathParameter("y", "Row (tileRow), from the top."),
    ]

    /// OGC API Tiles and the dashboard.
    static let tilePaths: Object = [
        "/tileMatrixSets": [
            "get": operation("tileMatrixSets", "The tile matrix sets tiles are served in", tag: "Tiles", content: [json: object], errors: [])
        ],
        "/tileMatrixSets/{tileMatrixSetId}": [
            "get": operation(
                "tileMatrixSet", "A tile matrix set (OGC TMS 2.0 JSON)", tag: "Tiles", parameters: [pathParameter("tileMatrixSetId", "Its id.")],
                content: [json: object], errors: ["404"])
        ],
        "/collections/{collectionId}/tiles": [
            "get": operation(
                "collectionTilesets", "The vector tilesets of a collection, one per tile matrix set", tag: "Tiles",
                parameters: parameters(["collectionId"]), content: [json: object], errors: ["404"])
        ],
        "/collections/{collectionId}/tiles/{tileMatrixSetId}": [
            "get": operation(
                "collectionTileset", "A tileset's metadata: the URL template of its tiles, its layer and properties", tag: "Tiles",
                parameters: parameters(["collectionId"]) + [pathParameter("tileMatrixSetId", "Its id.")], content: [json: object],
                errors: ["404"])
        ],
        "/collections/{collectionId}/tiles/{tileMatrixSetId}/{z}/{x}/{y}": [
            "get": operation(
                "collectionTile",
                "A Mapbox vector tile of the collection (one layer named after it; the property id is the feature id). Cached until its features change; below zoom 14 lines and polygons are simplified to half a pixel; a tile over --max-tile-features holds a uniform sample of its features, the same at every zoom, and says so in Shikong-Tile-Thinned and Shikong-Tile-Level (one feature in 4^level)",
                tag: "Tiles",
                parameters: parameters(["collectionId"]) + tileAddress
                    + parameters(["datetime", "as_of", "filter", "filter-lang", "filter-crs", "properties"]),
                content: [mvt: binary], errors: ["400", "404"])
        ],
        "/tiles": [
            "get": operation("datasetTilesets", "The dataset's vector tilesets: the basemap", tag: "Tiles", content: [json: object], errors: [])
        ],
        "/tiles/{tileMatrixSetId}": [
            "get": operation(
                "datasetTileset", "The basemap tileset's metadata", tag: "Tiles", parameters: [pathParameter("tileMatrixSetId", "Its id.")],
                content: [json: object], errors: ["404"])
        ],
        "/tiles/{tileMatrixSetId}/{z}/{x}/{y}": [
            "get": operation(
                "datasetTile",
                "A basemap tile: layers boundaries (polygons) and labels (points) of provinces, cities (zoom 5+) and counties (zoom 7+), from the gazetteer",
                tag: "Tiles", parameters: tileAddress, content: [mvt: binary], errors: ["404"])
        ],
        "/map": [
            "get": operation(
                "dashboard", "The map dashboard (Chinese; English on a switch)", tag: "Dashboard", content: [html: OpenAPISchemas.string], errors: [])
        ],
        "/map/{file}": [
            "get": operation(
                "dashboardFile", "A file of the dashboard (app.css, index.html)", tag: "Dashboard",
                parameters: [pathParameter("file", "The file name.")],
                content: ["text/css": OpenAPISchemas.string, html: OpenAPISchemas.string], errors: ["404"])
        ],
        "/map/js/{file}": [
            "get": operation(
                "dashboardScript", "A JavaScript module of the dashboard", tag: "Dashboard", parameters: [pathParameter("file", "The file name.")],
                content: ["text/javascript": OpenAPISchemas.string], errors: ["404"])
        ],
        "/map/vendor/{file}": [
            "get": operation(
                "dashboardLibrary", "MapLibre GL JS (maplibre-gl.js, maplibre-gl.css) as installed (PyPI maplibre), never part of the repository",
                tag: "Dashboard", parameters: [pathParameter("file", "The file name.")],
                content: ["text/javascript": OpenAPISchemas.string, "text/css": OpenAPISchemas.string], errors: ["404"])
        ],
        "/map/glyphs/{fontstack}/{range}": [
            "get": operation(
                "dashboardGlyphs", "Empty glyph ranges: the map draws Chinese labels with the browser's fonts", tag: "Dashboard",
                parameters: [pathParameter("fontstack", "Font names."), pathParameter("range", "e.g. 0-255.pbf")],
                content: ["application/x-protobuf": binary], errors: ["404"])
        ],
    ]
}
