import Events
import JSON
import ReadModel

/// What a connection sends, the same JSON object over SSE (as `data:`, with the cursor as `id:`
/// and the kind as `event:`) and over WebSocket (one text frame each).
public enum LiveFrame: Sendable {
    /// A feature an event made; `body` holds its `event`, `change` and `feature` members.
    case feature(body: String, cursor: LiveCursor)
    /// The replay reached the live tail; what follows is live.
    case live(cursor: LiveCursor)
    /// Nothing to send for a while; `cursor` is where the subscriber is when known.
    case heartbeat(cursor: LiveCursor?)
    /// The subscriber read too slowly: `missed` matching events were not sent; resume from `resume`.
    case gap(missed: Int, resume: LiveCursor)
    /// The subscription cannot go on (`detail` says why); resume from `resume` when given.
    case failure(detail: String, resume: LiveCursor?)

    public var kind: String {
        switch self {
        case .feature: "feature"
        case .live: "live"
        case .heartbeat: "heartbeat"
        case .gap: "gap"
        case .failure: "error"
        }
    }

    public var cursor: LiveCursor? {
        switch self {
        case .feature(_, let cursor), .live(let cursor): cursor
        case .heartbeat(let cursor): cursor
        case .gap(_, let resume): resume
        case .failure(_, let resume): resume
        }
    }

    /// The message as one line of JSON.
    public var json: String {
        var text = #"{"kind":""# + kind + #"""#
        if let cursor { text += #","cursor":"# + Self.string(cursor.description) }
        switch self {
        case .feature(let body, _): text += "," + body
        case .gap(let missed, _): text += #","missed":\#(missed)"#
        case .failure(let detail, _): text += #","detail":"# + Self.string(detail)
        case .live, .heartbeat: break
        }
        return text + "}"
    }

    /// The Server-Sent Events form: features are plain messages; the others are named events.
    /// A heartbeat is a comment, with an `id:` (which moves the client's Last-Event-ID without an
    /// event) when the cursor is known.
    public var serverSentEvent: String {
        switch self {
        case .heartbeat(let cursor):
            return ": heartbeat\n" + (cursor.map { "id: \($0)\n\n" } ?? "\n")
        case .feature:
            return "id: \(cursor?.description ?? "")\ndata: \(json)\n\n"
        default:
            return (cursor.map { "id: \($0)\n" } ?? "") + "event: \(kind)\ndata: \(json)\n\n"
        }
    }

    private static func string(_ text: String) -> String {
        var output = ""
        JSONValue.writeString(text, into: &output)
        return output
    }
}

/// The members of a feature message that do not depend on the subscriber's place.
enum LiveMessageBody {
    static func render(_ event: LiveEvent, _ feature: LiveFeature, selection: Set<String>?) -> String {
        var text = #""event":{"id":""# + event.id.uuidString.lowercased() + #"","type":"#
        JSONValue.writeString(event.type, into: &text)
        text += #","recorded_at":""# + Timestamp.format(event.recordedAt) + #""},"change":""# + feature.change.rawValue + #"","feature":"#
        return text + feature.geoJSON(selecting: selection)
    }
}
