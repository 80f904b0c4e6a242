/// The reusable schemas and responses of the OpenAPI document (`components`).
enum OpenAPISchemas {
    typealias Object = [String: any Sendable]

    static func ref(_ name: String) -> Object { ["$ref": "#/components/schemas/\(name)"] }
    static let string: Object = ["type": "string"]
    static let anyObject: Object = ["type": "object", "additionalProperties": true]
    static let strings: Object = ["type": "array", "items": string]

    static let all: [String: Object] = [
        "Problem": [
            "type": "object", "description": "RFC 9457 problem details.", "required": ["type", "title", "status", "detail"],
            "properties": [
                "type": string, "title": string, "status": ["type": "integer"] as Object, "detail": string, "instance": string,
            ] as Object,
        ],
        "Link": [
            "type": "object", "required": ["href", "rel"],
            "properties": ["href": string, "rel": string, "type": string, "title": string] as Object,
        ],
        "Links": ["type": "array", "items": ref("Link")],
        "Geometry": [
            "type": "object", "nullable": true, "description": "A GeoJSON geometry (in the crs asked for; CRS84 by default).",
            "required": ["type"], "properties": ["type": string] as Object, "additionalProperties": true,
        ],
        "Feature": [
            "type": "object", "required": ["type", "geometry", "properties"],
            "properties": [
                "type": ["type": "string", "enum": ["Feature"]] as Object, "id": ["oneOf": [string, ["type": "integer"] as Object]] as Object,
                "geometry": ref("Geometry"), "properties": ["type": "object", "nullable": true, "additionalProperties": true] as Object,
                "links": ref("Links"),
            ] as Object,
        ],
        "FeatureCollection": [
            "type": "object", "required": ["type", "features"],
            "properties": [
                "type": ["type": "string", "enum": ["FeatureCollection"]] as Object,
                "features": ["type": "array", "items": ref("Feature")] as Object,
                "links": ref("Links"), "timeStamp": ["type": "string", "format": "date-time"] as Object,
                "numberMatched": ["type": "integer", "minimum": 0] as Object, "numberReturned": ["type": "integer", "minimum": 0] as Object,
            ] as Object,
        ],
        "LandingPage": [
            "type": "object", "required": ["links"], "properties": ["title": string, "description": string, "links": ref("Links")] as Object,
        ],
        "Conformance": ["type": "object", "required": ["conformsTo"], "properties": ["conformsTo": strings] as Object],
        "Collection": [
            "type": "object", "required": ["id", "links"],
            "properties": [
                "id": string, "title": string, "description": string, "keywords": strings, "links": ref("Links"), "extent": anyObject,
                "itemType": string, "crs": strings, "storageCrs": string,
                "kind": ["type": "string", "enum": ["entities", "sensors", "readings", "aggregates", "alerts"]] as Object,
                "classification": string, "domain": string, "industry": string, "theme": string, "source": string, "updateFrequency": string,
                "classificationProperty": [
                    "type": "string", "description": "The feature property holding each feature's own level (see classification_property).",
                ] as Object,
                "properties": ["type": "array", "items": anyObject] as Object,
            ] as Object,
        ],
        "Collections": [
            "type": "object", "required": ["collections", "links"],
            "properties": ["collections": ["type": "array", "items": ref("Collection")] as Object, "links": ref("Links"), "crs": strings] as Object,
        ],
        "CollectionMetadata": [
            "type": "object", "additionalProperties": false, "description": "Catalogue fields; in an edit, fields left out stay as they are.",
            "properties": [
                "id": string, "title": string, "description": string, "keywords": strings, "domain": string, "industry": string, "theme": string,
                "classification": ["type": "string", "enum": ["public", "government", "classified"]] as Object, "source": string,
                "update_frequency": string, "allow_outside_service_area": ["type": "boolean"] as Object,
                "classification_property": [
                    "type": "string",
                    "description":
                        "The feature property holding each feature's own level: public, government or classified (公开, 政务, 涉密). A feature above the caller's clearance is hidden on every read (items, exports, statistics, tiles, history, diff, replay, live); one without a level there has the collection's level, and one whose label names no level is seen only by classified callers. An empty string removes it.",
                ] as Object,
                "indexed": [
                    "type": "array", "items": string,
                    "description":
                        "String, integer, real or boolean properties that filters name often: each gets an index on (value, geometry), built in the background.",
                ] as Object,
                "properties": [
                    "type": "array",
                    "items": [
                        "type": "object", "required": ["name", "type"],
                        "properties": [
                            "name": string, "title": string,
                            "type": ["type": "string", "enum": ["string", "integer", "real", "boolean", "date", "dateTime"]] as Object,
                        ] as Object,
                    ] as Object,
                ] as Object,
            ] as Object,
        ],
        "Accepted": ["type": "object", "additionalProperties": true, "description": "The request was taken; the change follows asynchronously."],
        "Object": anyObject,
    ]

    static let responses: [String: Object] = [
        "BadRequest": problem("A parameter or body the client can fix; the detail says what to change."),
        "NotFound": problem("No such resource."),
        "Conflict": problem("Conflicts with what exists."),
        "MethodNotAllowed": problem("Not possible on this resource (features are edited only in entity collections)."),
        "PreconditionFailed": problem("If-Match names another version: the resource changed since it was read; nothing was changed."),
        "PreconditionRequired": problem("This change needs If-Match with the resource's ETag (optimistic locking)."),
        "Unprocessable": problem("Well-formed, but refused: a task definition its kind does not accept, or an edit the entity processor refused."),
        "TooLarge": problem(
            "Over a configured size limit: the request body (--max-request-bytes, 16 MiB by default; uploads --max-upload-bytes), or one event larger than the event log takes."
        ),
        "HeadersTooLarge": problem("The request's header section is over --max-header-bytes (32 KiB by default)."),
        "Unavailable": problem("A dependency (database, broker) is not reachable."),
        "ServerError": problem("An unexpected error; details are logged, not shown."),
        "Unauthorized": problem(
            "No credentials where the route needs them, or a bearer token that is not valid (unknown, forged, expired or revoked); WWW-Authenticate names the scheme."
        ),
        "Forbidden": problem("The caller's roles do not allow this (a collection above the caller's clearance answers 404 instead)."),
    ]

    static func problem(_ description: String) -> Object {
        ["description": description, "content": ["application/problem+json": ["schema": ref("Problem")] as Object] as Object]
    }
}
