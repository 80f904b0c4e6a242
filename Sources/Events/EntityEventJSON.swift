import Foundation
import JSON

/// `EntityEvent` as JSON, written and read with the project's own JSON module: an import passes
/// every feature through the entity processor (read and written) and the entity projection (read),
/// and a rebuild reads every archived change; Foundation's coders cost several times the rest of
/// that work. The text has the keys `EventJSON.encoder()` writes, sorted the same way, so the
/// Codable path reads it too.
extension EntityEvent {
    /// Reads an event from parsed JSON; throws the reason a dead letter carries.
    public init(json: JSONValue) throws(EventDecodingError) {
        func fail(_ reason: String) -> EventDecodingError { EventDecodingError("not an entity event: \(reason)") }
        func text(_ value: JSONValue?, _ name: String) throws(EventDecodingError) -> String {
            guard let text = value?.string else { throw fail("\(name) is missing or not a string") }
            return text
        }
        func optionalText(_ value: JSONValue?, _ name: String) throws(EventDecodingError) -> String? {
            guard let value, !value.isNull else { return nil }
            guard let text = value.string else { throw fail("\(name) is not a string") }
            return text
        }
        func time(_ value: JSONValue?, _ name: String) throws(EventDecodingError) -> Date {
            guard let date = Timestamp.parse(try text(value, name)) else { throw fail("\(name) is not an RFC 3339 date-time") }
            return date
        }
        func optional(_ value: JSONValue?) -> JSONValue? {
            guard let value, !value.isNull else { return nil }
            return value
        }
        guard json.members != nil else { throw fail("the event is not a JSON object") }
        guard let id = UUID(canonical: try text(json["id"], "id")) else { throw fail("id is not a UUID") }
        guard let space = json["space"], space.members != nil else { throw fail("space is missing or not an object") }
        guard let attributes = json["attributes"], attributes.members != nil else { throw fail("attributes is missing or not an object") }
        guard let data = json["data"], data.members != nil else { throw fail("data is missing or not an object") }
        var origin: ImportOrigin?
        if let value = optional(data["origin"]) {
            guard let job = UUID(canonical: try text(value["job"], "data.origin.job")) else { throw fail("data.origin.job is not a UUID") }
            guard let row = value["row"]?.number, row == row.rounded(), abs(row) < 1e15 else { throw fail("data.origin.row is not an integer") }
            origin = ImportOrigin(
                job: job, file: try text(value["file"], "data.origin.file"), layer: try optionalText(value["layer"], "data.origin.layer"),
                row: Int(row))
        }
        var allowed: Bool?
        if let value = optional(data["outside_service_area_allowed"]) {
            guard let flag = value.bool else { throw fail("data.outside_service_area_allowed is not a boolean") }
            allowed = flag
        }
        self.id = id
        self.type = try text(json["type"], "type")
        self.subject = try text(json["subject"], "subject")
        self.source = try text(json["source"], "source")
        self.occurredAt = try time(json["occurred_at"], "occurred_at")
        self.recordedAt = try time(json["recorded_at"], "recorded_at")
        self.schema = try text(json["schema"], "schema")
        self.space = EntitySpace(
            geometry: optional(space["geometry"]), sourceCRS: try optionalText(space["source_crs"], "space.source_crs"),
            address: try optionalText(space["address"], "space.address"), adminCode: try optionalText(space["admin_code"], "space.admin_code"),
            precision: try optionalText(space["precision"], "space.precision"))
        self.space.crs = try text(space["crs"], "space.crs")
        self.attributes = AttributeLabels(
            domain: try text(attributes["domain"], "attributes.domain"), industry: try optionalText(attributes["industry"], "attributes.industry"),
            theme: try text(attributes["theme"], "attributes.theme"))
        self.data = EntityData(
            collection: try text(data["collection"], "data.collection"), entityID: try text(data["entity_id"], "data.entity_id"),
            validFrom: try time(data["valid_from"], "data.valid_from"), properties: optional(data["properties"]),
            contentHash: try optionalText(data["content_hash"], "data.content_hash"), origin: origin,
            reason: try optionalText(data["reason"], "data.reason"), outsideServiceAreaAllowed: allowed)
    }

    /// Reads an event from its JSON bytes.
    public init(jsonBytes: Data) throws(EventDecodingError) {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes: Array(jsonBytes))
        } catch {
            throw EventDecodingError("not an entity event: \(error)")
        }
        try self.init(json: json)
    }

    /// The event as JSON bytes, keys sorted as `EventJSON.encoder()` sorts them.
    public var jsonBytes: Data {
        var output = ""
        output.reserveCapacity(1_024)
        output += #"{"attributes":{"domain":"#
        JSONValue.writeString(attributes.domain, into: &output)
        if let industry = attributes.industry {
            output += #","industry":"#
            JSONValue.writeString(industry, into: &output)
        }
        output += #","theme":"#
        JSONValue.writeString(attributes.theme, into: &output)
        output += #"},"data":{"collection":"#
        JSONValue.writeString(data.collection, into: &output)
        if let hash = data.contentHash {
            output += #","content_hash":"#
            JSONValue.writeString(hash, into: &output)
        }
        output += #","entity_id":"#
        JSONValue.writeString(data.entityID, into: &output)
        if let origin = data.origin {
            output += #","origin":{"file":"#
            JSONValue.writeString(origin.file, into: &output)
            output += #","job":""# + origin.job.uuidString + #"""#
            if let layer = origin.layer {
                output += #","layer":"#
                JSONValue.writeString(layer, into: &output)
            }
            output += #","row":"# + String(origin.row) + "}"
        }
        if let allowed = data.outsideServiceAreaAllowed { output += #","outside_service_area_allowed":"# + (allowed ? "true" : "false") }
        if let properties = data.properties { output += #","properties":"# + properties.text }
        if let reason = data.reason {
            output += #","reason":"#
            JSONValue.writeString(reason, into: &output)
        }
        output += #","valid_from":""# + Timestamp.format(data.validFrom) + #""},"id":""# + id.uuidString
        output += #"","occurred_at":""# + Timestamp.format(occurredAt) + #"","recorded_at":""# + Timestamp.format(recordedAt)
        output += #"","schema":"#
        JSONValue.writeString(schema, into: &output)
        output += #","source":"#
        JSONValue.writeString(source, into: &output)
        output += #","space":{"#
        var first = true
        func member(_ name: String, _ value: String?) {
            guard let value else { return }
            output += (first ? "" : ",") + "\"\(name)\":"
            first = false
            JSONValue.writeString(value, into: &output)
        }
        member("address", space.address)
        member("admin_code", space.adminCode)
        member("crs", space.crs)
        if let geometry = space.geometry {
            output += #","geometry":"# + geometry.text
        }
        member("precision", space.precision)
        member("source_crs", space.sourceCRS)
        output += #"},"subject":"#
        JSONValue.writeString(subject, into: &output)
        output += #","type":"#
        JSONValue.writeString(type, into: &output)
        output += "}"
        return Data(output.utf8)
    }
}
