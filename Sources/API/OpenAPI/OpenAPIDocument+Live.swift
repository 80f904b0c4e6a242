extension OpenAPIDocument {
    /// The live layer: aggregation definitions, drawn geofences, alert rules and alert acknowledgement.
    /// (Windows and alerts themselves are the `aggregates` and `alerts` collections.)
    static let livePaths: Object = [
        "/aggregations": [
            "get": operation(
                "aggregations", "Aggregation definitions (windowed aggregates over spatialised streams)", tag: "Live",
                parameters: [query("limit", "At most this many (1–1000).", integer), query("offset", "Definitions to skip.", integer)],
                content: [json: object]),
            "post": operation(
                "createAggregation", "Define an aggregation (an aggregation.defined event)", tag: "Live", status: "202", description: "Accepted",
                content: [json: accepted], body: jsonBody(OpenAPISchemas.ref("AggregationDefinition")), errors: ["400", "409", "413", "503"]),
        ],
        "/aggregations/{id}": [
            "get": operation(
                "aggregation", "One aggregation definition", tag: "Live", parameters: [definitionID], content: [json: object], errors: ["404"]),
            "put": operation(
                "replaceAggregation", "Create or replace an aggregation (its windows in progress start afresh)", tag: "Live",
                parameters: [definitionID], status: "202", description: "Accepted", content: [json: accepted],
                body: jsonBody(OpenAPISchemas.ref("AggregationDefinition")), errors: ["400", "413", "503"]),
            "delete": operation(
                "deleteAggregation", "Delete an aggregation", tag: "Live", parameters: [definitionID], status: "202", description: "Accepted",
                content: [json: accepted], errors: ["404", "503"]),
        ],
        "/geofences": [
            "get": operation(
                "geofences", "Drawn geofences (rules name them geofences/<id>)", tag: "Live",
                parameters: [query("limit", "At most this many (1–1000).", integer), query("offset", "Fences to skip.", integer)],
                content: [json: object]),
            "post": operation(
                "createGeofence", "Draw a geofence: a Polygon or MultiPolygon in EPSG:4490", tag: "Live", status: "202", description: "Accepted",
                content: [json: accepted], body: jsonBody(OpenAPISchemas.ref("GeofenceDefinition")), errors: ["400", "409", "413", "503"]),
        ],
        "/geofences/{id}": [
            "get": operation("geofence", "One drawn geofence", tag: "Live", parameters: [definitionID], content: [json: object], errors: ["404"]),
            "put": operation(
                "replaceGeofence", "Create or replace a drawn geofence", tag: "Live", parameters: [definitionID], status: "202",
                description: "Accepted", content: [json: accepted], body: jsonBody(OpenAPISchemas.ref("GeofenceDefinition")),
                errors: ["400", "413", "503"]),
            "delete": operation(
                "deleteGeofence", "Delete a drawn geofence", tag: "Live", parameters: [definitionID], status: "202", description: "Accepted",
                content: [json: accepted], errors: ["404", "503"]),
        ],
        "/alert-rules": [
            "get": operation(
                "alertRules", "Alert rules (webhook secrets not shown)", tag: "Live",
                parameters: [query("limit", "At most this many (1–1000).", integer), query("offset", "Rules to skip.", integer)],
                content: [json: object]),
            "post": operation(
                "createAlertRule", "Define an alert rule: enter, exit, inside, dwell (geofences) or threshold (CQL2)", tag: "Live", status: "202",
                description: "Accepted", content: [json: accepted], body: jsonBody(OpenAPISchemas.ref("AlertRule")),
                errors: ["400", "409", "413", "503"]),
        ],
        "/alert-rules/{id}": [
            "get": operation("alertRule", "One alert rule", tag: "Live", parameters: [definitionID], content: [json: object], errors: ["404"]),
            "put": operation(
                "replaceAlertRule", "Create or replace an alert rule (its memory of subjects starts afresh)", tag: "Live",
                parameters: [definitionID], status: "202", description: "Accepted", content: [json: accepted],
                body: jsonBody(OpenAPISchemas.ref("AlertRule")), errors: ["400", "413", "503"]),
            "delete": operation(
                "deleteAlertRule", "Delete an alert rule", tag: "Live", parameters: [definitionID], status: "202", description: "Accepted",
                content: [json: accepted], errors: ["404", "503"]),
        ],
        "/alerts/{id}/acknowledge": [
            "post": operation(
                "acknowledgeAlert", "Acknowledge an alert (an alert.acknowledged event)", tag: "Live",
                parameters: [OpenAPIParameters.path("id", "The alert id (a UUID).")], status: "202", description: "Accepted",
                content: [json: accepted],
                body: jsonBody(
                    ["type": "object", "properties": ["by": OpenAPISchemas.string, "note": OpenAPISchemas.string] as Object] as Object,
                    required: false), errors: ["400", "404", "409", "413", "503"])
        ],
    ]

    static let definitionID = OpenAPIParameters.path("id", "The definition id: letters, digits, '_', '-', '.'.", example: "pm25-by-district")
}

extension OpenAPISchemas {
    /// Schemas of the live layer's definitions (`components/schemas`).
    static let live: [String: Object] = [
        "AggregationDefinition": [
            "type": "object", "required": ["window"],
            "description":
                "A windowed aggregation: tumbling (advance = size) or hopping windows on event time, grouped by sensor, region, grid, theme and/or property.",
            "properties": [
                "id": string, "title": string, "description": string, "input": string, "event_type": string,
                "window": ["type": "object", "required": ["size"], "properties": ["size": span, "advance": span] as Object] as Object,
                "group_by": ["type": "array", "items": ["type": "string", "enum": ["sensor", "region", "grid", "theme", "property"]] as Object]
                    as Object,
                "regions": string, "region_level": ["type": "string", "enum": ["province", "city", "county"]] as Object,
                "grid_size": ["type": "number"] as Object, "values": strings,
                "statistics": [
                    "type": "array", "items": ["type": "string", "enum": ["count", "sum", "avg", "min", "max", "stddev", "p50", "p95"]] as Object,
                ]
                    as Object,
                "bbox": ["type": "array", "items": ["type": "number"] as Object, "minItems": 4, "maxItems": 4] as Object,
                "subject_prefix": string, "allowed_lateness": span, "correction_horizon": span, "idle_timeout": span, "output": string,
            ] as Object,
        ],
        "GeofenceDefinition": [
            "type": "object", "required": ["geometry"],
            "properties": ["id": string, "title": string, "geometry": ref("Geometry"), "properties": anyObject] as Object,
        ],
        "AlertRule": [
            "type": "object", "required": ["kind"],
            "properties": [
                "id": string, "title": string, "kind": ["type": "string", "enum": ["enter", "exit", "inside", "dwell", "threshold"]] as Object,
                "severity": ["type": "string", "enum": ["info", "warning", "critical"]] as Object,
                "subjects": ["type": "object", "properties": ["prefix": string, "ids": strings] as Object] as Object,
                "fences": ["type": "object", "properties": ["collection": string, "ids": strings] as Object] as Object,
                "dwell": span, "source": ["type": "string", "enum": ["readings", "aggregates"]] as Object, "aggregation": string,
                "condition": string, "for": ["type": "integer", "minimum": 1] as Object, "clear": string,
                "clear_for": ["type": "integer", "minimum": 1] as Object,
                "actions": ["type": "array", "items": anyObject] as Object,
            ] as Object,
        ],
    ]

    static let span: Object = ["type": "string", "description": "A time span: 500ms, 30s, 1m, 2h, 1d.", "example": "1m"]
}
