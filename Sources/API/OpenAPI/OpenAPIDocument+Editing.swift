/// The OpenAPI description of tasks, the sensor registry and feature edits (OGC API Features Part 4).
extension OpenAPIDocument {
    /// `base` with `extra` added; operations of a path both describe are merged.
    static func merged(_ base: Object, _ extra: Object) -> Object {
        base.merging(extra) { described, added in
            guard let described = described as? Object, let added = added as? Object else { return described }
            return described.merging(added) { first, _ in first }
        }
    }

    static let editor = OpenAPIParameters.header(
        "Shikong-Editor", "Who makes the change; recorded as the source of its event (user:<name>) and in the history. Default anonymous.")
    static let prefer = OpenAPIParameters.header(
        "Prefer",
        "wait=N (RFC 7240): how many seconds (at most 300) to wait for the change to be applied before answering 202 with its event id; default 10 (tasks and the registry 5)."
    )
    static let ifMatch = OpenAPIParameters.header("If-Match", "The ETag (version) the change is based on; another version answers 412.")
    static let ifMatchRequired = OpenAPIParameters.header(
        "If-Match", "The ETag (version) of the feature the change is based on: required (428 without), 412 when it changed since.", required: true)
    static let contentCrs = OpenAPIParameters.header(
        "Content-Crs", "The CRS of the body's geometry, <http://www.opengis.net/def/crs/EPSG/0/N> (default CRS84); axis order as the CRS defines it.")
    static let validFrom = query("valid_from", "When the edit takes effect in the world (RFC 3339); default now.")
    static let taskID = OpenAPIParameters.path("taskId", "The task id.")
    static let thingID = OpenAPIParameters.path("thingId", "The thing id (the sensor id its readings carry).")
    static let datastreamID = OpenAPIParameters.path("datastreamId", "The datastream id.")
    static let feature = OpenAPISchemas.ref("Feature")

    static func taskChange(_ id: String, _ summary: String, body: Object? = nil, errors: [String] = ["400", "404", "412", "413", "422", "503"])
        -> Object
    {
        operation(
            id, summary, tag: "Tasks", parameters: [taskID, editor, prefer, ifMatch], content: [json: object], body: body, errors: errors)
    }

    static let editingPaths: Object = [
        "/tasks": [
            "get": operation(
                "tasks", "Tasks (MQTT feeds, crawls, API polls), deleted ones only with state=deleted", tag: "Tasks",
                parameters: [
                    query("kind", "Only this kind, e.g. mqtt-feed."), query("state", "active, paused or deleted."),
                    query("limit", "At most this many (1–1000).", integer), query("offset", "Tasks to skip.", integer),
                ], content: [json: object]),
            "post": operation(
                "addTask",
                "Add a task: {kind, id?, name?, definition, owner?, state?}; the definition is checked by its kind (mqtt-feed: topic_filter, crs, binding, mapping, units, labels, expected_interval_seconds, silent_after_intervals; crawl: seeds, allowed_hosts, include, exclude, max_depth, max_pages, page_types with CSS/XPath field rules, schedule, min_delay_seconds, timeout_seconds, max_page_bytes, max_redirects, time_zone, labels; api-poll: url, format json/geojson/csv, records, produces readings/items/entities, mapping, collection, crs, headers, schedule — checked against a live sample of the endpoint). A task.added event; 201 once projected, else 202",
                tag: "Tasks", parameters: [editor, prefer], status: "201",
                description: "Added (202 with the event id if the projection is slower than 5 s)",
                content: [json: object], body: jsonBody(object), errors: ["400", "409", "413", "422", "503"]),
        ],
        "/tasks/{taskId}": [
            "get": operation(
                "task", "A task, with its version as ETag", tag: "Tasks", parameters: [taskID], content: [json: object], errors: ["404"]),
            "patch": taskChange(
                "changeTask", "Change a task's name, owner or definition (a JSON merge patch of the definition): task.changed", body: jsonBody(object)
            ),
            "delete": taskChange("deleteTask", "Delete a task for good (its history stays): task.deleted; its runners stop"),
        ],
        "/tasks/{taskId}/pause": [
            "post": taskChange(
                "pauseTask", "Pause a task: task.paused; its runners stop without losing what was in flight", errors: ["404", "412", "503"])
        ],
        "/tasks/{taskId}/resume": [
            "post": taskChange("resumeTask", "Resume a paused task: task.resumed", errors: ["404", "412", "503"])
        ],
        "/tasks/{taskId}/history": [
            "get": operation(
                "taskHistory", "Every change of a task: version, type, editor, prefer, time and the task after it", tag: "Tasks",
                parameters: [taskID],
                content: [json: object], errors: ["404"])
        ],
        "/tasks/{taskId}/status": [
            "get": operation(
                "taskStatus",
                "Live figures from every process running the task: messages, bytes and errors per second (last 10 s), last message and error, dead letters of its events, kind-specific details (an MQTT feed's subscription and silent sensors; a crawl's or API poll's current and last run with counts by outcome, and a crawl's latest failed URLs with their HTTP status and reason)",
                tag: "Tasks", parameters: [taskID], content: [json: object], errors: ["404"])
        ],
        "/things": [
            "get": operation(
                "things", "Things (stations) of the sensor registry", tag: "Sensor registry",
                parameters: [query("limit", "At most this many.", integer), query("offset", "Things to skip.", integer)], content: [json: object]),
            "post": operation(
                "addThing", "Register a thing: {id, name?, description?, location (GeoJSON Point), crs?, properties?}", tag: "Sensor registry",
                parameters: [editor, prefer], status: "201", description: "Registered", content: [json: object], body: jsonBody(object),
                errors: ["400", "409", "413", "503"]),
        ],
        "/things/{thingId}": [
            "get": operation("thing", "A thing", tag: "Sensor registry", parameters: [thingID], content: [json: object], errors: ["404"]),
            "put": operation(
                "replaceThing", "Replace a thing", tag: "Sensor registry", parameters: [thingID, editor, prefer], content: [json: object],
                body: jsonBody(object),
                errors: ["400", "404", "413", "503"]),
            "patch": operation(
                "changeThing", "Change a thing (JSON merge patch)", tag: "Sensor registry", parameters: [thingID, editor, prefer],
                content: [json: object],
                body: jsonBody(object), errors: ["400", "404", "413", "503"]),
            "delete": operation(
                "deleteThing", "Delete a thing and its datastreams", tag: "Sensor registry", parameters: [thingID, editor, prefer],
                content: [json: object],
                errors: ["404", "503"]),
        ],
        "/datastreams": [
            "get": operation(
                "datastreams", "Datastreams of the sensor registry", tag: "Sensor registry",
                parameters: [
                    query("thing", "Only this thing's."), query("limit", "At most this many.", integer),
                    query("offset", "Datastreams to skip.", integer),
                ], content: [json: object]),
            "post": operation(
                "addDatastream",
                "Register a datastream: {id, thing, observed_property (the value name), unit (UCUM), minimum?, maximum?, labels {domain, industry?, theme}, crs?, name?}",
                tag: "Sensor registry", parameters: [editor, prefer], status: "201", description: "Registered", content: [json: object],
                body: jsonBody(object),
                errors: ["400", "409", "413", "422", "503"]),
        ],
        "/datastreams/{datastreamId}": [
            "get": operation(
                "datastream", "A datastream", tag: "Sensor registry", parameters: [datastreamID], content: [json: object], errors: ["404"]),
            "put": operation(
                "replaceDatastream", "Replace a datastream", tag: "Sensor registry", parameters: [datastreamID, editor, prefer],
                content: [json: object],
                body: jsonBody(object), errors: ["400", "404", "409", "413", "422", "503"]),
            "patch": operation(
                "changeDatastream", "Change a datastream (JSON merge patch)", tag: "Sensor registry", parameters: [datastreamID, editor, prefer],
                content: [json: object], body: jsonBody(object), errors: ["400", "404", "409", "413", "422", "503"]),
            "delete": operation(
                "deleteDatastream", "Delete a datastream", tag: "Sensor registry", parameters: [datastreamID, editor, prefer],
                content: [json: object],
                errors: ["404", "503"]),
        ],
        "/registry": [
            "post": operation(
                "registerMany", "Register many things and datastreams: {things: [...], datastreams: [...]}; those registered as given are left out",
                tag: "Sensor registry", parameters: [editor, prefer], content: [json: object], body: jsonBody(object),
                errors: ["400", "409", "413", "422", "503"])
        ],
        "/collections/{collectionId}/items": [
            "post": operation(
                "createFeature",
                "Create a feature in an entity collection (OGC API Features Part 4): a GeoJSON Feature (its id, else a new one) → entity.upserted with the editor as source; 201 with Location and ETag once projected",
                tag: "Features", parameters: parameters(["collectionId"]) + [editor, prefer, contentCrs, validFrom], status: "201",
                description: "Created",
                content: [geoJSON: feature],
                body: ["required": true, "content": [geoJSON: ["schema": feature] as Object, json: ["schema": feature] as Object] as Object],
                errors: ["400", "404", "405", "409", "413", "422", "503"])
        ],
        "/collections/{collectionId}/items/{featureId}": [
            "put": operation(
                "replaceFeature", "Replace a feature (entity.upserted); needs If-Match", tag: "Features",
                parameters: parameters(["collectionId", "featureId"]) + [editor, prefer, ifMatchRequired, contentCrs, validFrom],
                content: [geoJSON: feature],
                body: ["required": true, "content": [geoJSON: ["schema": feature] as Object] as Object],
                errors: ["400", "404", "405", "412", "413", "422", "428", "503"]),
            "patch": operation(
                "updateFeature", "Change a feature: properties as a JSON merge patch, geometry replaced when given (entity.upserted); needs If-Match",
                tag: "Features", parameters: parameters(["collectionId", "featureId"]) + [editor, prefer, ifMatchRequired, contentCrs, validFrom],
                content: [geoJSON: feature],
                body: ["required": true, "content": ["application/merge-patch+json": ["schema": object] as Object] as Object],
                errors: ["400", "404", "405", "412", "413", "422", "428", "503"]),
            "delete": operation(
                "deleteFeature", "Delete a feature (entity.retired; its history stays); needs If-Match", tag: "Features",
                parameters: parameters(["collectionId", "featureId"]) + [editor, prefer, ifMatchRequired, validFrom], status: "204",
                description: "Deleted",
                content: [:], errors: ["404", "405", "412", "422", "428", "503"]),
        ],
    ]
}
