/// The OpenAPI 3.0 document of the whole platform API, served at `/api`. Every route the API
/// registers is described here; a test compares the routes in the sources with these paths, and
/// validates the document with openapi-spec-validator.
enum OpenAPIDocument {
    typealias Object = [String: any Sendable]

    static func make(serverURL: String) -> Object {
        [
            "openapi": "3.0.3",
            "info": [
                "title": "Shikong 时空 API", "version": "1.0.0",
                "description":
                    """
                Access: send `Authorization: Bearer <token>` (POST /auth/login, or an API key from shikong users token). Without a token, public \
                collections can be read (unless the server runs with --no-anonymous-reads); a collection above the caller's clearance answers 404, \
                a missing role 403, a bad, expired or revoked token 401. \
                OGC API Features (Parts 1–3) and OGC API Tiles (vector tiles) over sensor and entity collections in CGCS2000, the catalogue, time travel, imports and exports, \
                geocoding, measurement, dead letters and operations. Every 4xx/5xx is an RFC 9457 problem. Query strings are read as forms \
                write them (`+` is a space, `%2B` a plus). Limits, each answered with a problem naming it: request body --max-request-bytes \
                (413), header section --max-header-bytes (431), CQL2 filter --max-filter-bytes and 64 levels of nesting (400), JSON bodies \
                256 levels of nesting (400), page size --max-page-size (400).
                """,
            ] as Object,
            "servers": [["url": serverURL] as Object],
            "tags": [
                "Features", "Tiles", "Catalogue", "Time travel", "Imports", "Geocoding", "Measurement", "Live", "Tasks", "Sensor registry",
                "Operations", "Access", "Dashboard",
            ].map { ["name": $0] as Object },
            "paths": merged(paths, editingPaths).merging(livePaths) { described, _ in described }.merging(tilePaths) { described, _ in described }
                .merging(accessPaths) { described, _ in described },
            // Anonymous callers read public data (unless --no-anonymous-reads); everything else needs a bearer token.
            "security": [[:] as Object, ["bearer": [] as [String]] as Object],
            "components": [
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer", "description": "A token from POST /auth/login or an API key."] as Object
                ]
                    as Object,
                "parameters": OpenAPIParameters.all, "schemas": OpenAPISchemas.all.merging(OpenAPISchemas.live) { described, _ in described },
                "responses": OpenAPISchemas.responses,
            ] as Object,
        ]
    }

    static func parameters(_ names: [String]) -> [Object] { names.map(OpenAPIParameters.ref) }
    static let json = "application/json"
    static let geoJSON = "application/geo+json"

    /// An operation: its success answer (`code`, media types → schemas) and the problem answers.
    static func operation(
        _ id: String, _ summary: String, tag: String, parameters: [Object] = [], status: String = "200", description: String = "OK",
        content: [String: Object], body: Object? = nil, errors: [String] = ["400"]
    ) -> Object {
        var responses: Object = [
            status: content.isEmpty
                ? ["description": description] as Object
                : ["description": description, "content": content.mapValues { ["schema": $0] as Object } as Object] as Object,
            "500": ["$ref": "#/components/responses/ServerError"] as Object,
            "431": ["$ref": "#/components/responses/HeadersTooLarge"] as Object,
            "401": ["$ref": "#/components/responses/Unauthorized"] as Object,
            "403": ["$ref": "#/components/responses/Forbidden"] as Object,
        ]
        let names = [
            "400": "BadRequest", "404": "NotFound", "405": "MethodNotAllowed", "409": "Conflict", "412": "PreconditionFailed",
            "413": "TooLarge", "422": "Unprocessable", "428": "PreconditionRequired", "503": "Unavailable",
        ]
        for error in errors { if let name = names[error] { responses[error] = ["$ref": "#/components/responses/\(name)"] as Object } }
        var operation: Object = ["operationId": id, "summary": summary, "tags": [tag], "responses": responses]
        if !parameters.isEmpty { operation["parameters"] = parameters }
        if let body { operation["requestBody"] = body }
        return operation
    }

    static func jsonBody(_ schema: Object, required: Bool = true) -> Object {
        ["required": required, "content": [json: ["schema": schema] as Object] as Object]
    }

    static let object = OpenAPISchemas.ref("Object")
    static let featureCollection = OpenAPISchemas.ref("FeatureCollection")
    static let accepted = OpenAPISchemas.ref("Accepted")
    static let binary: Object = ["type": "string", "format": "binary"]
    static let itemParameters = [
        "collectionId", "bbox", "bbox-crs", "datetime", "as_of", "limit", "offset", "after", "crs", "filter", "filter-lang", "filter-crs", "sortby",
        "properties", "skipGeometry", "itemsFormat",
    ]
    static let liveParameters = [
        "collectionId", "bbox", "bbox-crs", "datetime", "filter", "filter-lang", "filter-crs", "properties", "since", "lastEventId",
    ]
    static func query(_ name: String, _ description: String, _ schema: Object = OpenAPISchemas.string, required: Bool = false) -> Object {
        OpenAPIParameters.query(name, description, schema: schema, required: required)
    }
    static let integer = OpenAPIParameters.integer
    static let number = OpenAPIParameters.number

    static let paths: Object = [
        "/": [
            "get": operation(
                "landingPage", "Landing page (JSON); a browser asking for text/html, or f=html, gets the map dashboard", tag: "Features",
                parameters: [query("f", "json or html.")], content: [json: OpenAPISchemas.ref("LandingPage"), "text/html": OpenAPISchemas.string],
                errors: [])
        ],
        "/conformance": [
            "get": operation("conformance", "Conformance classes", tag: "Features", content: [json: OpenAPISchemas.ref("Conformance")], errors: [])
        ],
        "/api": [
            "get": operation(
                "api", "This OpenAPI document", tag: "Operations", content: ["application/vnd.oai.openapi+json;version=3.0": object], errors: [])
        ],
        "/collections": [
            "get": operation(
                "collections", "Every collection", tag: "Features", parameters: parameters(["jsonFormat"]),
                content: [json: OpenAPISchemas.ref("Collections")]),
            "post": operation(
                "registerCollection", "Register an entity collection (through a catalogue event)", tag: "Catalogue", status: "202",
                description: "Accepted: the catalogue projection applies it shortly", content: [json: accepted],
                body: jsonBody(OpenAPISchemas.ref("CollectionMetadata")), errors: ["400", "409", "413", "503"]),
        ],
        "/collections/{collectionId}": [
            "get": operation(
                "collection", "One collection", tag: "Features", parameters: parameters(["collectionId", "jsonFormat"]),
                content: [json: OpenAPISchemas.ref("Collection")], errors: ["400", "404"]),
            "patch": operation(
                "editCollection", "Edit a collection's metadata (fields left out stay)", tag: "Catalogue", parameters: parameters(["collectionId"]),
                status: "202", description: "Accepted", content: [json: accepted], body: jsonBody(OpenAPISchemas.ref("CollectionMetadata")),
                errors: ["400", "404", "413", "503"]),
            "put": operation(
                "setCollection", "Set a collection's metadata (needs a title)", tag: "Catalogue", parameters: parameters(["collectionId"]),
                status: "202", description: "Accepted", content: [json: accepted], body: jsonBody(OpenAPISchemas.ref("CollectionMetadata")),
                errors: ["400", "404", "413", "503"]),
        ],
        "/collections/{collectionId}/queryables": [
            "get": operation(
                "queryables", "What filter, sortby and property=value may name (JSON Schema)", tag: "Features",
                parameters: parameters(["collectionId", "jsonFormat"]), content: ["application/schema+json": object], errors: ["400", "404"])
        ],
        "/collections/{collectionId}/items": [
            "get": operation(
                "items",
                "Features: a GeoJSON page (property=value filters on queryables too), or with f=gpkg|shp|csv|geojson the whole result as a file",
                tag: "Features", parameters: parameters(itemParameters),
                content: [
                    geoJSON: featureCollection, "application/geopackage+sqlite3": binary, "application/zip": binary, "text/csv": binary,
                ], errors: ["400", "404", "413"])
        ],
        "/collections/{collectionId}/items/{featureId}": [
            "get": operation(
                "item", "One feature", tag: "Features",
                parameters: parameters(["collectionId", "featureId", "crs", "as_of", "datetime", "properties", "skipGeometry"]),
                content: [geoJSON: OpenAPISchemas.ref("Feature")], errors: ["400", "404"])
        ],
        "/collections/{collectionId}/items/{featureId}/history": [
            "get": operation(
                "history", "Every version of an entity with valid and system time", tag: "Time travel",
                parameters: parameters(["collectionId", "featureId"]) + [
                    query("raw", "Every stored version, superseded ones too.", ["type": "boolean"])
                ],
                content: [geoJSON: featureCollection], errors: ["400", "404"])
        ],
        "/collections/{collectionId}/diff": [
            "get": operation(
                "diff", "What was added, removed and changed between two system times", tag: "Time travel",
                parameters: parameters(["collectionId"]) + [
                    query("from", "The earlier state (RFC 3339).", required: true), query("to", "The later state (RFC 3339).", required: true),
                    query("bbox", "Only entities intersecting west,south,east,north (EPSG:4490)."),
                    query("limit", "At most this many changes.", integer),
                    query("offset", "Changes to skip.", integer),
                ], content: [geoJSON: featureCollection], errors: ["400", "404"])
        ],
        "/collections/{collectionId}/stats": [
            "get": operation(
                "statistics", "Grouped aggregates (by admin region, grid cell, property values, time bucket) of the selected features",
                tag: "Features",
                parameters: parameters(["collectionId", "bbox", "bbox-crs", "datetime", "as_of", "filter", "filter-lang", "filter-crs"]) + [
                    query("group_by", "Comma-separated: admin, grid, or queryable names."),
                    query("time_bucket", "Buckets of observation or valid time: 15m, 1h, 1d, 1w …"),
                    query(
                        "tz",
                        "IANA time zone whose wall clock the buckets follow (default Asia/Shanghai: a day starts at Beijing midnight, a week on Monday). Rows give `time` in UTC and `local_time` with the zone's offset."
                    ),
                    query("agg", "Comma-separated: count, count(p), avg(p), min(p), max(p), sum(p), stddev(p); default count."),
                    query("grid_size", "Grid cell side in degrees (EPSG:4490), default 0.01.", number),
                    query("regions", "The entity collection of region polygons for group_by=admin."),
                    query("geometry", "Add each region's or cell's geometry to its row.", ["type": "boolean"]),
                ], content: [json: object], errors: ["400", "404"])
        ],
        "/collections/{collectionId}/nearest": [
            "get": operation(
                "nearest", "The features nearest a point, with geodesic distances (CGCS2000 ellipsoid)", tag: "Measurement",
                parameters: parameters(["collectionId"]) + [
                    query("lon", "Longitude.", number, required: true), query("lat", "Latitude.", number, required: true),
                    query("k", "How many.", integer), query("max_distance", "Metres.", number), query("crs", "CRS of lon/lat."),
                ], content: [geoJSON: featureCollection], errors: ["400", "404"])
        ],
        "/collections/{collectionId}/intersect": [
            "post": operation(
                "intersect", "Features intersecting a geometry, with the overlap's area or length", tag: "Measurement",
                parameters: parameters(["collectionId"]) + [
                    query("clip", "Return the clipped geometries.", ["type": "boolean"]), query("limit", "At most this many.", integer),
                    query("crs", "CRS of the posted geometry."),
                ], content: [geoJSON: featureCollection], body: jsonBody(OpenAPISchemas.ref("Geometry")), errors: ["400", "404", "413"])
        ],
        "/catalog": [
            "get": operation(
                "catalog", "Search collection metadata (OGC API Records-like)", tag: "Catalogue",
                parameters: [
                    query("q", "Words that must all occur in id, title, description, keywords, labels or source."),
                    query("keywords", "Any of these keywords, comma-separated."), query("bbox", "Extent intersects west,south,east,north (CRS84)."),
                    query("datetime", "Temporal extent intersects this instant or interval."), query("domain", "Domain label."),
                    query("industry", "Industry label."), query("theme", "Theme label."),
                    query("classification", "public, government or classified."), query("kind", "entities, sensors, readings, aggregates or alerts."),
                    query("limit", "At most this many records (1–1000).", integer), OpenAPIParameters.ref("jsonFormat"),
                ], content: [geoJSON: featureCollection])
        ],
        "/imports": [
            "post": operation(
                "startImport", "Upload a GIS file and import it into an entity collection", tag: "Imports",
                parameters: [
                    query("collection", "The entity collection.", required: true),
                    query("filename", "The file's name (its extension picks the format)."),
                    query("layer", "Layer of a multi-layer file."), query("crs", "CRS override."), query("id_field", "Stable id attribute."),
                    query("valid_from", "Valid time of the state (RFC 3339)."), query("valid_from_field", "Attribute holding valid time."),
                    query("mode", "full or append."), query("source", "The source's name."),
                    query("allow_outside", "Keep features outside the service area.", ["type": "boolean"]), query("domain", "Domain label."),
                    query("industry", "Industry label."), query("theme", "Theme label."),
                ], status: "202", description: "The import job started", content: [json: accepted],
                body: ["required": true, "content": ["application/octet-stream": ["schema": binary] as Object] as Object],
                errors: ["400", "413", "503"]),
            "get": operation(
                "imports", "Recent import jobs", tag: "Imports", parameters: [query("limit", "At most this many.", integer)], content: [json: object]),
        ],
        "/imports/{id}": [
            "get": operation(
                "importJob", "One import job and its counts", tag: "Imports", parameters: [OpenAPIParameters.path("id", "The job id.")],
                content: [json: object], errors: ["400", "404"])
        ],
        "/replay": [
            "get": operation(
                "replay", "Replay entity changes as server-sent events, at a chosen speed", tag: "Time travel",
                parameters: [
                    query("collections", "Comma-separated collections.", required: true), query("from", "Start (RFC 3339).", required: true),
                    query("to", "End (RFC 3339).", required: true), query("speed", "Time factor; 0 for as fast as possible.", number),
                    query("bbox", "Only changes intersecting west,south,east,north."),
                ], content: ["text/event-stream": OpenAPISchemas.string])
        ],
        "/collections/{collectionId}/live": [
            "get": operation(
                "live",
                "Follow a collection live (readings, sensors, aggregates, alerts, entity collections): Server-Sent Events (text/event-stream), or the same messages over a WebSocket upgrade on this path; the /items parameters select what is sent, evaluated per subscriber; every message carries the event id and a cursor (the SSE id); since (a time or a cursor) or Last-Event-ID start in the past (replayed from the archive, then live, with no gap and no duplicate); a subscriber that reads too slowly gets a gap message (missed count, cursor to resume) and the stream ends; heartbeats every 15 s. Channels and messages: /api/async",
                tag: "Live", parameters: parameters(liveParameters), content: ["text/event-stream": OpenAPISchemas.string],
                errors: ["400", "404", "503"])
        ],
        "/items/live": [
            "get": operation(
                "itemsLive", "Follow the placed crawl items live (as /collections/{collectionId}/live)", tag: "Live",
                parameters: parameters(Array(liveParameters.dropFirst())), content: ["text/event-stream": OpenAPISchemas.string],
                errors: ["400", "503"])
        ],
        "/api/async": [
            "get": operation(
                "asyncAPI", "AsyncAPI 2.6 description of the live channels and their messages", tag: "Live", content: [json: object], errors: [])
        ],
        "/geocode": [
            "get": operation(
                "geocode", "Address to CGCS2000 coordinates", tag: "Geocoding",
                parameters: [
                    query("q", "The address.", required: true), query("region", "Restrict to a region."),
                    query("as_of", "Administrative divisions as of this date."), query("crs", "Output CRS."),
                    query("min_score", "Lowest score returned.", number),
                ], content: [json: object], errors: ["400", "503"])
        ],
        "/reverse": [
            "get": operation(
                "reverse", "Coordinates to address and administrative divisions", tag: "Geocoding",
                parameters: [
                    query("lon", "Longitude.", number, required: true), query("lat", "Latitude.", number, required: true), query("crs", "Input CRS."),
                    query("as_of", "Divisions as of this date."),
                ], content: [json: object], errors: ["400", "503"])
        ],
        "/geocode/batch": [
            "post": operation(
                "geocodeBatch", "Geocode a CSV or JSON-lines file of addresses (a job)", tag: "Geocoding",
                parameters: [query("column", "The address column."), query("format", "csv or jsonlines.")], status: "202",
                description: "The job started", content: [json: accepted],
                body: [
                    "required": true,
                    "content": ["text/csv": ["schema": binary] as Object, "application/x-ndjson": ["schema": binary] as Object] as Object,
                ], errors: ["400", "413", "503"])
        ],
        "/geocode/batch/{job}": [
            "get": operation(
                "geocodeJob", "A batch geocoding job", tag: "Geocoding", parameters: [OpenAPIParameters.path("job", "The job id.")],
                content: [json: object], errors: ["404"])
        ],
        "/geocode/batch/{job}/results": [
            "get": operation(
                "geocodeResults", "A batch job's results", tag: "Geocoding",
                parameters: [OpenAPIParameters.path("job", "The job id."), query("f", "csv or geojson.")],
                content: ["text/csv": binary, geoJSON: featureCollection], errors: ["400", "404"])
        ],
        "/measure/distance": [
            "get": operation(
                "distance", "Geodesic distance and azimuth between two points on the CGCS2000 ellipsoid", tag: "Measurement",
                parameters: [
                    query("from", "lon,lat", required: true), query("to", "lon,lat", required: true), query("crs", "CRS of the points."),
                ], content: [json: object])
        ],
        "/measure": [
            "post": operation(
                "measure", "Geodesic length, area and perimeter of a GeoJSON geometry", tag: "Measurement",
                parameters: [query("crs", "CRS of the geometry.")], content: [json: object], body: jsonBody(OpenAPISchemas.ref("Geometry")),
                errors: ["400", "413"])
        ],
        "/buffer": [
            "post": operation(
                "buffer", "A geodesic buffer around a geometry", tag: "Measurement",
                parameters: [
                    query("distance", "Metres.", number, required: true), query("segments", "Segments per quarter circle.", integer),
                    query("crs", "CRS of the geometry."),
                ], content: [geoJSON: OpenAPISchemas.ref("Feature")], body: jsonBody(OpenAPISchemas.ref("Geometry")), errors: ["400", "413"])
        ],
        "/items": [
            "post": operation(
                "postItems", "Crawl items and thematic records as JSON lines (id, time, address and/or text, source_url or task) onto raw.items",
                tag: "Geocoding", status: "202", description: "Accepted: the items processor places them", content: [json: accepted],
                body: ["required": true, "content": ["application/x-ndjson": ["schema": binary] as Object] as Object], errors: ["400", "413", "503"]),
            "get": operation(
                "locatedItems", "Located items as GeoJSON (EPSG:4490)", tag: "Geocoding",
                parameters: [
                    query("bbox", "west,south,east,north (EPSG:4490)."), query("datetime", "The item's time: instant or interval."),
                    query("admin_code", "A division code or a prefix of one."), query("limit", "At most this many.", integer),
                    query("offset", "Items to skip.", integer),
                ], content: [geoJSON: featureCollection]),
        ],
        "/items/{id}": [
            "get": operation(
                "locatedItem", "One located item", tag: "Geocoding", parameters: [OpenAPIParameters.path("id", "The item id.")],
                content: [geoJSON: OpenAPISchemas.ref("Feature")], errors: ["404"])
        ],
        "/gazetteer/aliases": [
            "post": operation(
                "addAlias", "Add or replace an address or element alias (a gazetteer.changes event)", tag: "Geocoding", status: "202",
                description: "Accepted", content: [json: accepted], body: jsonBody(object), errors: ["400", "413", "503"]),
            "delete": operation(
                "removeAlias", "Remove an alias", tag: "Geocoding",
                parameters: [
                    query("kind", "address or element."), query("alias", "The alias.", required: true),
                    query("scope", "A division code it applies in."),
                ], status: "202", description: "Accepted", content: [json: accepted], errors: ["400", "503"]),
        ],
        "/gazetteer/divisions/{code}/rename": [
            "post": operation(
                "renameDivision", "Rename a division from a day on (the old name stays valid before it)", tag: "Geocoding",
                parameters: [OpenAPIParameters.path("code", "The division code.")], status: "202", description: "Accepted", content: [json: accepted],
                body: jsonBody(object), errors: ["400", "404", "413", "503"])
        ],
        "/gazetteer/changes": [
            "get": operation(
                "gazetteerChanges", "Gazetteer edits, newest first", tag: "Geocoding",
                parameters: [query("limit", "At most this many (1–1000).", integer)],
                content: [json: object])
        ],
        "/dlq": [
            "get": operation(
                "deadLetters",
                "Dead letters: what failed, where and why. Readings the MQTT bridge cannot append (over --max-payload-bytes, or refused by the broker) are dead letters of stage ingest.mqtt with partition and offset -1; their original bytes are kept in the database. Readings the spatialiser refuses (not UTF-8 JSON, nested deeper than 256, over --max-reading-values, a bad time, a missing field, …) are dead letters of stage processors.spatialiser.",
                tag: "Operations",
                parameters: [
                    query("status", "open or redriven."), query("stage", "The failing stage."), query("topic", "The source topic."),
                    query("limit", "At most this many.", integer), query("offset", "Letters to skip.", integer),
                ], content: [json: object])
        ],
        "/dlq/{id}": [
            "get": operation(
                "deadLetter", "One dead letter with its original bytes (also those kept in the database because the topic could not hold them)",
                tag: "Operations",
                parameters: [OpenAPIParameters.path("id", "The letter id.")],
                content: [json: object], errors: ["400", "404"])
        ],
        "/dlq/{id}/redrive": [
            "post": operation(
                "redrive", "Send a dead letter back to its topic, as it was or corrected", tag: "Operations",
                parameters: [OpenAPIParameters.path("id", "The letter id.")], status: "202", description: "Re-driven", content: [json: accepted],
                body: jsonBody(object, required: false), errors: ["400", "404", "409", "503"])
        ],
        "/metrics": [
            "get": operation(
                "metrics",
                "Prometheus metrics: the process's (HTTP requests per route template, method and status with a latency histogram, Kafka client, dependency reachability, data-directory space), consumer lag, task figures and every node's heartbeat age",
                tag: "Operations", content: ["text/plain": OpenAPISchemas.string], errors: [])
        ],
        "/health": [
            "get": operation(
                "health",
                "Readiness: 200 once every dependency this node needs (Kafka, PostgreSQL, MQTT, each reported in checks with status, reason and latency as a background probe last found it) is reachable and every stage of the process is connected (the MQTT bridge's subscriptions acknowledged, each processor and projection in its consumer group); 503 problem naming what is not ready and why",
                tag: "Operations", content: [json: object], errors: ["503"])
        ],
        "/nodes": [
            "get": operation(
                "nodes",
                "Every node of the platform from its heartbeat: roles, version, host, ports, partitions held with their lag, start and last heartbeat; state up, lost (no heartbeat within lost_after_seconds) or stopped",
                tag: "Operations", parameters: [query("state", "Only nodes in this state: up, lost or stopped.")], content: [json: object])
        ],
    ]
}
