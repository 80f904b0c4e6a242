import ReadModel

/// The reusable parameters of the OpenAPI document (`components/parameters`).
enum OpenAPIParameters {
    typealias Object = [String: any Sendable]

    static func query(_ name: String, _ description: String, schema: Object = ["type": "string"], required: Bool = false, explode: Bool? = nil)
        -> Object
    {
        var parameter: Object = ["name": name, "in": "query", "description": description, "required": required, "schema": schema]
        if let explode {
            parameter["style"] = "form"
            parameter["explode"] = explode
        }
        return parameter
    }

    static func path(_ name: String, _ description: String, example: String? = nil) -> Object {
        var parameter: Object = ["name": name, "in": "path", "description": description, "required": true, "schema": ["type": "string"] as Object]
        if let example { parameter["example"] = example }
        return parameter
    }

    static func header(_ name: String, _ description: String, required: Bool = false) -> Object {
        ["name": name, "in": "header", "description": description, "required": required, "schema": ["type": "string"] as Object]
    }

    static let integer: Object = ["type": "integer"]
    static let number: Object = ["type": "number"]
    static let crsSchema: Object = ["type": "string", "format": "uri", "enum": SupportedCRS.uris]

    /// Name → parameter; operations refer to them as `#/components/parameters/<name>`.
    static let all: [String: Object] = [
        "collectionId": path("collectionId", "The collection id (GET /collections lists them).", example: "sensors"),
        "featureId": path("featureId", "The feature id: sensor id, reading event id or entity id."),
        "bbox": query(
            "bbox", "Only features intersecting this box: minx,miny,maxx,maxy (six numbers with heights), in bbox-crs axis order (CRS84: lon,lat).",
            schema: ["type": "array", "minItems": 4, "maxItems": 6, "items": number], explode: false),
        "bbox-crs": query("bbox-crs", "The CRS of bbox (default CRS84).", schema: crsSchema),
        "datetime": query(
            "datetime",
            "Valid time (entities) or observation time (sensors, readings): an RFC 3339 instant, or an interval start/end with '..' for an open end."
        ),
        "as_of": query("as_of", "System time (entity collections, readings): the state the platform knew then, RFC 3339."),
        "limit": query(
            "limit", "Features per page (default 10, at most the configured maximum, 10,000 unless changed).",
            schema: ["type": "integer", "minimum": 1, "maximum": 10_000, "default": 10]),
        "offset": query("offset", "Features to skip (prev links use it).", schema: ["type": "integer", "minimum": 0, "default": 0]),
        "after": query("after", "Keyset cursor from a next link: the page starts after this id (default order only)."),
        "crs": query("crs", "The CRS of the response geometries (default CRS84); the Content-Crs header names it.", schema: crsSchema),
        "filter": query("filter", "A CQL2 filter in filter-lang over the queryables (GET /collections/{collectionId}/queryables)."),
        "filter-lang": query("filter-lang", "cql2-text (default) or cql2-json.", schema: ["type": "string", "enum": ["cql2-text", "cql2-json"]]),
        "filter-crs": query("filter-crs", "The CRS of the filter's geometry literals (default CRS84).", schema: crsSchema),
        "sortby": query(
            "sortby", "Sort keys: queryable names, '-' before a name for descending, comma-separated.",
            schema: ["type": "array", "items": ["type": "string"] as Object], explode: false),
        "properties": query(
            "properties", "Only these properties in each feature, comma-separated.",
            schema: ["type": "array", "items": ["type": "string"] as Object], explode: false),
        "skipGeometry": query("skipGeometry", "Leave geometries out.", schema: ["type": "boolean", "default": false]),
        "itemsFormat": query(
            "f", "json/geojson page (default), or the whole result as a file: gpkg, shp (zipped), csv, csv-lonlat, geojson.",
            schema: ["type": "string", "enum": ["json", "gpkg", "shp", "csv", "csv-lonlat", "geojson"]]),
        "jsonFormat": query("f", "The response format: json.", schema: ["type": "string", "enum": ["json"]]),
        "since": query(
            "since",
            "Start in the past: an RFC 3339 date-time (every event recorded since then, per partition) or a cursor a message carried (topic@partition:offset,…), to resume right after it."
        ),
        "lastEventId": [
            "name": "Last-Event-ID", "in": "header", "required": false, "schema": ["type": "string"] as Object,
            "description": "The cursor of the last message received (EventSource sends it when it reconnects); wins over since.",
        ] as Object,
    ]

    static func ref(_ name: String) -> Object { ["$ref": "#/components/parameters/\(name)"] }
}
