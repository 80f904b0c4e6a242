/// The AsyncAPI 2.6 description of the live channels, served at `/api/async`: one channel per
/// kind of path (`/collections/{collectionId}/live`, `/items/live`), over Server-Sent Events or a
/// WebSocket upgrade, and the messages both carry.
enum AsyncAPIDocument {
    typealias Object = [String: any Sendable]

    static func make(serverURL: String) -> Object {
        let webSocketURL = serverURL.replacingOccurrences(of: "http://", with: "ws://").replacingOccurrences(of: "https://", with: "wss://")
        let bindings: Object = [
            "ws": [
                "method": "GET",
                "query": [
                    "type": "object",
                    "properties": [
                        "bbox": ["type": "string", "description": "west,south,east,north in bbox-crs (default CRS84)"] as Object,
                        "bbox-crs": string, "datetime": string, "filter": string, "filter-lang": string, "filter-crs": string,
                        "properties": string,
                        "since": ["type": "string", "description": "RFC 3339 date-time, or a cursor to resume after"] as Object,
                    ] as Object,
                ] as Object,
            ] as Object
        ]
        let subscribe: Object = [
            "summary": "Features of the collection as events change them; control messages on the way",
            "message": ["oneOf": ["feature", "live", "heartbeat", "gap", "error"].map { ["$ref": "#/components/messages/\($0)"] as Object }]
                as Object,
        ]
        return [
            "asyncapi": "2.6.0",
            "info": [
                "title": "Shikong 时空 live subscriptions", "version": "1.0.0",
                "description": """
                Follow any collection with the /items parameters (bbox, bbox-crs, datetime, filter, filter-lang, filter-crs, \
                properties, name=value), evaluated on the server per subscriber. A plain GET gets Server-Sent Events (text/event-stream: \
                features as unnamed events, the others as named events; the cursor is the SSE id, so EventSource resumes by itself with \
                Last-Event-ID); a WebSocket upgrade on the same path gets the same JSON objects as text frames (and pings). since=T \
                replays every event recorded since T, and since=<cursor> (or Last-Event-ID) resumes right after a message, from the event \
                archive, then hands over to the live tail with no gap and no duplicate. Without since, a subscription starts where the \
                collection's projection has reached, so the events /items does not show yet come first: a snapshot of /items read after \
                the first message, with the stream winning for every feature it touches, misses nothing. A subscriber that reads too slowly gets, once its \
                buffer is full, a gap message with the number of matching events it missed and the cursor to resume from, and the \
                connection ends; reconnecting with that cursor replays what was missed.
                """,
            ] as Object,
            "servers": [
                "sse": ["url": serverURL, "protocol": "http", "description": "Server-Sent Events"] as Object,
                "websocket": ["url": webSocketURL, "protocol": "ws", "description": "WebSocket upgrade on the same paths"] as Object,
            ] as Object,
            "defaultContentType": "application/json",
            "channels": [
                "/collections/{collectionId}/live": [
                    "parameters": ["collectionId": ["description": "A collection (GET /collections)", "schema": string] as Object] as Object,
                    "bindings": bindings, "subscribe": subscribe,
                ] as Object,
                "/items/live": ["bindings": bindings, "subscribe": subscribe] as Object,
            ] as Object,
            "components": ["messages": messages] as Object,
        ]
    }

    private static let string: Object = ["type": "string"]
    private static let cursor: Object = [
        "type": "string", "description": "Where the subscriber is: topic@partition:next offset,… (also the SSE id)",
        "example": "spatial.events@0:1204,1:998,2:1310",
    ]

    private static func message(_ kind: String, _ summary: String, _ properties: Object, required: [String]) -> Object {
        var all = properties
        all["kind"] = ["type": "string", "const": kind] as Object
        all["cursor"] = cursor
        return [
            "name": kind, "summary": summary,
            "payload": ["type": "object", "required": ["kind"] + required, "properties": all] as Object,
        ]
    }

    private static let messages: Object = [
        "feature": message(
            "feature", "A feature an event made (SSE: an unnamed event)",
            [
                "event": [
                    "type": "object",
                    "properties": ["id": ["type": "string", "format": "uuid"] as Object, "type": string, "recorded_at": string] as Object,
                ] as Object,
                "change": [
                    "type": "string", "enum": ["upsert", "removal"], "description": "removal: the feature is gone (sent to every subscriber)",
                ]
                    as Object,
                "feature": ["type": "object", "description": "A GeoJSON Feature as /items renders it (CRS84)"] as Object,
            ], required: ["cursor", "event", "change", "feature"]),
        "live": message("live", "The replay is over: what follows is live (SSE event: live)", [:], required: ["cursor"]),
        "heartbeat": message(
            "heartbeat", "Nothing to send for a while (SSE: a comment, with an id when the cursor is known; WebSocket: this and pings)", [:],
            required: []),
        "gap": message(
            "gap", "The subscriber read too slowly: missed matching events were not sent; the connection ends, resume from cursor (SSE event: gap)",
            ["missed": ["type": "integer", "minimum": 1] as Object], required: ["cursor", "missed"]),
        "error": message(
            "error", "The subscription cannot go on; detail says why (SSE event: error)", ["detail": string], required: ["detail"]),
    ]
}
