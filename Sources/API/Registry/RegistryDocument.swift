import Events
import Foundation
import Geodesy
import JSON
import ReadModel

/// Things and datastreams as the API reads and writes them (SensorThings-like, snake_case):
///
/// ```json
/// {"id": "wh-420106-001", "name": "Wuchang station 1", "location": {"type": "Point", "coordinates": [114.32, 30.55]},
///  "crs": "EPSG:4326", "properties": {"operator": "武汉市生态环境局"}}
/// {"id": "wh-420106-001.pm25", "thing": "wh-420106-001", "observed_property": "pm25", "unit": "ug/m3",
///  "minimum": 0, "maximum": 1000, "labels": {"domain": "iot", "industry": "environment", "theme": "air-quality"}}
/// ```
enum RegistryDocument {
    static let thingFields: Set<String> = ["id", "name", "description", "location", "crs", "properties"]
    static let datastreamFields: Set<String> = [
        "id", "thing", "name", "description", "observed_property", "unit", "minimum", "maximum", "labels", "crs",
    ]

    static func thing(_ stored: RegistryReads.Stored<Thing>, base: String) -> JSONValue {
        let thing = stored.value
        var members = Self.members(of: thing)
        members.append(("editor", .string(stored.editor)))
        members.append(("updated_at", .string(Timestamp.format(stored.updatedAt))))
        members.append(
            (
                "links",
                .array([
                    TaskDocument.link("\(base)/things/\(thing.id)", "self"),
                    TaskDocument.link("\(base)/datastreams?thing=\(thing.id)", "datastreams"),
                ])
            ))
        return .object(members)
    }

    static func members(of thing: Thing) -> [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = [("id", .string(thing.id)), ("name", .string(thing.name))]
        if let description = thing.description { members.append(("description", .string(description))) }
        if let location = thing.location {
            members.append(("location", .object([("type", .string("Point")), ("coordinates", .array(location.coordinates.map(JSONValue.number)))])))
            members.append(("crs", .string("EPSG:4490")))
        }
        members.append(("properties", thing.properties ?? .object([])))
        return members
    }

    static func datastream(_ stored: RegistryReads.Stored<Datastream>, base: String) -> JSONValue {
        var members = Self.members(of: stored.value)
        members.append(("editor", .string(stored.editor)))
        members.append(("updated_at", .string(Timestamp.format(stored.updatedAt))))
        members.append(
            (
                "links",
                .array([
                    TaskDocument.link("\(base)/datastreams/\(stored.value.id)", "self"),
                    TaskDocument.link("\(base)/things/\(stored.value.thing)", "thing"),
                ])
            ))
        return .object(members)
    }

    static func members(of stream: Datastream) -> [(key: String, value: JSONValue)] {
        var members: [(key: String, value: JSONValue)] = [
            ("id", .string(stream.id)), ("thing", .string(stream.thing)), ("name", .string(stream.name)),
        ]
        if let description = stream.description { members.append(("description", .string(description))) }
        members.append(("observed_property", .string(stream.observedProperty)))
        members.append(("unit", .string(stream.unit)))
        if let minimum = stream.minimum { members.append(("minimum", .number(minimum))) }
        if let maximum = stream.maximum { members.append(("maximum", .number(maximum))) }
        var labels: [(key: String, value: JSONValue)] = [("domain", .string(stream.labels.domain))]
        if let industry = stream.labels.industry { labels.append(("industry", .string(industry))) }
        labels.append(("theme", .string(stream.labels.theme)))
        members.append(("labels", .object(labels)))
        if let crs = stream.crs { members.append(("crs", .string(crs))) }
        return members
    }

    /// A thing from a request body; its location is taken to EPSG:4490 from `crs` (default EPSG:4326).
    static func thing(_ body: JSONValue, id: String?) throws -> Thing {
        try EditRequest.refuseUnknown(body, allowed: thingFields)
        let id = try self.id(body, path: id, what: "thing")
        let name = try text(body["name"], "name") ?? id
        var location: PointGeometry?
        if let value = body["location"], !value.isNull {
            let coordinates = value["coordinates"]?.array ?? value.array
            guard value["type"] == nil || value["type"]?.string == "Point", let coordinates, coordinates.count >= 2,
                let x = coordinates[0].number, let y = coordinates[1].number, x.isFinite, y.isFinite
            else {
                throw Problem.badRequest(#"location is a GeoJSON Point: {"type": "Point", "coordinates": [114.32, 30.55]}"#)
            }
            let crsText = try text(body["crs"], "crs") ?? "EPSG:4326"
            guard let crs = CoordinateReferenceSystem(parsing: crsText) else {
                throw Problem.badRequest("crs \(crsText) is not a CRS the platform transforms")
            }
            let position: (x: Double, y: Double)
            do {
                position = try CoordinateTransformer().transform(x: x, y: y, from: crs, to: .cgcs2000)
            } catch {
                throw Problem.badRequest("location (\(x), \(y)) in \(crsText): \(error.message)")
            }
            location = PointGeometry(longitude: position.x, latitude: position.y)
        }
        if let properties = body["properties"], !properties.isNull, properties.members == nil {
            throw Problem.badRequest("properties must be a JSON object")
        }
        return Thing(
            id: id, name: name, description: try text(body["description"], "description"), location: location, properties: body["properties"])
    }

    /// A datastream from a request body.
    static func datastream(_ body: JSONValue, id: String?) throws -> Datastream {
        try EditRequest.refuseUnknown(body, allowed: datastreamFields)
        let id = try self.id(body, path: id, what: "datastream")
        guard let thing = try text(body["thing"], "thing") else { throw Problem.badRequest("thing is required: the id of the thing it belongs to") }
        guard let property = try text(body["observed_property"], "observed_property") else {
            throw Problem.badRequest("observed_property is required: the value name its readings carry, e.g. pm25")
        }
        guard let unit = try text(body["unit"], "unit") else { throw Problem.badRequest("unit is required, in UCUM: e.g. ug/m3, km/h, Cel, %") }
        if let problem = UCUM.problem(unit) { throw Problem.badRequest("unit: \(problem)") }
        let minimum = try number(body["minimum"], "minimum")
        let maximum = try number(body["maximum"], "maximum")
        if let minimum, let maximum, minimum > maximum { throw Problem.badRequest("minimum \(minimum) is above maximum \(maximum)") }
        guard let labels = body["labels"], let domain = labels["domain"]?.string, let theme = labels["theme"]?.string, !domain.isEmpty, !theme.isEmpty
        else {
            throw Problem.badRequest(#"labels are required: {"domain": "iot", "industry": "environment", "theme": "air-quality"}"#)
        }
        let crs = try text(body["crs"], "crs")
        if let crs, CoordinateReferenceSystem(parsing: crs) == nil { throw Problem.badRequest("crs \(crs) is not a CRS the platform transforms") }
        return Datastream(
            id: id, thing: thing, name: try text(body["name"], "name") ?? "\(thing) \(property)",
            description: try text(body["description"], "description"),
            observedProperty: property, unit: unit, minimum: minimum, maximum: maximum,
            labels: AttributeLabels(domain: domain, industry: labels["industry"]?.string, theme: theme), crs: crs)
    }

    private static func id(_ body: JSONValue, path: String?, what: String) throws -> String {
        let named = try text(body["id"], "id")
        if let path, let named, named != path { throw Problem.badRequest("the body's id \(named) differs from the \(what) \(path) in the path") }
        guard let id = path ?? named else { throw Problem.badRequest("a new \(what) needs an id") }
        if let problem = PlatformTask.problem(withID: id) { throw Problem.badRequest(problem.replacingOccurrences(of: "task", with: what)) }
        return id
    }

    private static func text(_ value: JSONValue?, _ name: String) throws -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.string, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Problem.badRequest("\(name) must be a non-empty string")
        }
        return text
    }

    private static func number(_ value: JSONValue?, _ name: String) throws -> Double? {
        guard let value, !value.isNull else { return nil }
        guard let number = value.number, number.isFinite else { throw Problem.badRequest("\(name) must be a number") }
        return number
    }
}
