import Crawler
import Events
import Foundation
import JSON
import Kafka

/// A mapping ready to apply: each of our fields with the path that gives it, checked for the
/// target (readings need a sensor, a time, a position and values; items an address or a text;
/// entities an id and a geometry or position).
struct CompiledMapping: Sendable {
    let target: APIPollDefinition.Target
    let id: FieldPath?
    let time: FieldPath?
    let lon: FieldPath?
    let lat: FieldPath?
    let geometry: FieldPath?
    let address: FieldPath?
    let text: FieldPath?
    let title: FieldPath?
    let values: [(String, FieldPath)]
    let attributes: [(String, FieldPath)]
    let crs: String?
    let collection: String?
    let labels: [String: String]

    init(_ definition: APIPollDefinition) throws(APIPollDefinitionError) {
        let mapping = definition.mapping
        func path(_ name: String, _ text: String?) throws(APIPollDefinitionError) -> FieldPath? {
            guard let text else { return nil }
            do { return try FieldPath(text) } catch { throw APIPollDefinitionError("mapping.\(name): \(error.description)") }
        }
        func paths(_ name: String, _ table: [String: String]?) throws(APIPollDefinitionError) -> [(String, FieldPath)] {
            var result: [(String, FieldPath)] = []
            for (key, text) in (table ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard !key.isEmpty else { throw APIPollDefinitionError("mapping.\(name): a name is empty") }
                guard let compiled = try path("\(name).\(key)", text) else { continue }
                result.append((key, compiled))
            }
            return result
        }
        target = definition.produces
        id = try path(
            definition.produces == .readings ? "sensor_id" : "id", definition.produces == .readings ? mapping.sensorID ?? mapping.id : mapping.id)
        time = try path("time", mapping.time)
        lon = try path("lon", mapping.lon)
        lat = try path("lat", mapping.lat)
        geometry = try path("geometry", mapping.geometry ?? (definition.format == .geojson ? "geometry" : nil))
        address = try path("address", mapping.address)
        text = try path("text", mapping.text)
        title = try path("title", mapping.title)
        values = try paths("values", mapping.values)
        attributes = try paths("attributes", mapping.attributes)
        crs = definition.crs
        collection = definition.collection
        labels = definition.labels ?? [:]
        for key in labels.keys where !["domain", "industry", "theme"].contains(key) {
            throw APIPollDefinitionError("labels: \(key) is not a label; use domain, industry or theme")
        }
        switch target {
        case .readings:
            guard id != nil else { throw APIPollDefinitionError("mapping.sensor_id: readings need the path of the sensor's id") }
            guard time != nil else { throw APIPollDefinitionError("mapping.time: readings need the path of the observation time") }
            guard lon != nil, lat != nil else { throw APIPollDefinitionError("mapping.lon and mapping.lat: readings need a position") }
            guard !values.isEmpty else { throw APIPollDefinitionError("mapping.values: readings need at least one value (name → path)") }
        case .items:
            guard id != nil else { throw APIPollDefinitionError("mapping.id: items need the path of their id") }
            guard address != nil || text != nil else { throw APIPollDefinitionError("mapping: items need an address or a text path to be placed") }
        case .entities:
            guard id != nil else { throw APIPollDefinitionError("mapping.id: entities need the path of their id") }
            guard geometry != nil || (lon != nil && lat != nil) else {
                throw APIPollDefinitionError("mapping: entities need a geometry path, or lon and lat paths")
            }
            guard let collection, collection.range(of: "^[A-Za-z0-9_.-]{1,63}$", options: .regularExpression) != nil else {
                throw APIPollDefinitionError("collection: entities need a collection name (letters, digits, _ . -, up to 63)")
            }
            if let crs, !["EPSG:4326", "EPSG:4490"].contains(crs.uppercased()) {
                throw APIPollDefinitionError("crs: entity coordinates must be EPSG:4326 or EPSG:4490 (longitude, latitude)")
            }
        }
    }

    func map(_ record: JSONValue, index: Int, taskID: String, sourceURL: String, polledAt: Date) -> Result<MappedRecord, RecordRefusal> {
        do throws(RecordRefusal) {
            func refuse(_ reason: String) -> RecordRefusal { RecordRefusal(index: index, reason: reason, record: record) }
            func string(_ path: FieldPath?) -> String? {
                guard let path, let value = path.value(in: record) else { return nil }
                switch value {
                case .string(let text): return text.isEmpty ? nil : text
                case .number(let number): return JSONValue.format(number)
                case .bool(let flag): return String(flag)
                default: return nil
                }
            }
            func number(_ path: FieldPath, _ name: String) throws(RecordRefusal) -> Double {
                switch path.value(in: record) {
                case .number(let value)?: return value
                case .string(let text)?:
                    guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                        throw refuse("\(name) at \(path.text) is \"\(text)\", not a number")
                    }
                    return value
                case let other?: throw refuse("\(name) at \(path.text) is \(other.summary), not a number")
                case nil: throw refuse("\(name): nothing at \(path.text)")
                }
            }
            func date(_ path: FieldPath) throws(RecordRefusal) -> Date {
                switch path.value(in: record) {
                case .number(let value)?:
                    // Epoch milliseconds or seconds, told apart by size.
                    return Date(timeIntervalSince1970: value > 1e11 ? value / 1_000 : value)
                case .string(let text)?:
                    if let epoch = Double(text), epoch > 1e8 { return Date(timeIntervalSince1970: epoch > 1e11 ? epoch / 1_000 : epoch) }
                    guard let parsed = PageTime.parse(text, offsetSeconds: 8 * 3_600) else {
                        throw refuse("time at \(path.text) is \"\(text)\", not a time")
                    }
                    return parsed
                case let other?: throw refuse("time at \(path.text) is \(other.summary), not a time")
                case nil: throw refuse("time: nothing at \(path.text)")
                }
            }
            guard let id = string(id) else { throw refuse("no id at \(self.id?.text ?? "")") }
            switch target {
            case .readings:
                guard let time, let lon, let lat else { throw refuse("the mapping has no time or position") }
                let observed = try date(time)
                var values: [(String, JSONValue)] = []
                for (name, path) in self.values {
                    guard path.value(in: record) != nil, path.value(in: record) != .null else { continue }
                    values.append((name, .number(try number(path, "values.\(name)"))))
                }
                guard !values.isEmpty else { throw refuse("none of the mapped values is in the record") }
                var payload: [(String, JSONValue)] = [
                    ("sensor_id", .string(id)), ("ts", .string(Timestamp.format(observed))),
                    ("lon", .number(try number(lon, "lon"))), ("lat", .number(try number(lat, "lat"))),
                ]
                if let crs { payload.append(("crs", .string(crs))) }
                payload.append(("values", .object(values)))
                let value = JSONValue.object(payload)
                let bytes = Array(value.text.utf8)
                let source = "api-poll://\(taskID)"
                let metadata = EventMetadata(
                    id: EventIDGenerator.contentID(at: observed, content: Array(source.utf8) + [0] + bytes), type: "sensor.reading",
                    subject: "sensor:\(id)", source: source, occurredAt: observed, recordedAt: polledAt, schema: "shikong/sensor.reading.raw/1",
                    extensions: ["crs": crs ?? "EPSG:4326"])
                return .success(MappedRecord(record: metadata.record(topic: Topics.rawSensorReadings, value: Data(bytes)), preview: value))
            case .items:
                let published = try time.map { path throws(RecordRefusal) in try date(path) } ?? polledAt
                var line: [(String, JSONValue)] = [("id", .string(id)), ("time", .string(Timestamp.format(published)))]
                line.append(("source_url", .string(sourceURL)))
                line.append(("task", .string(taskID)))
                if let value = string(title) { line.append(("title", .string(value))) }
                let address = string(address)
                let text = string(text)
                guard address != nil || text != nil else { throw refuse("neither an address nor a text to place the item by") }
                if let address { line.append(("address", .string(address))) }
                if let text { line.append(("text", .string(text))) }
                if !labels.isEmpty { line.append(("labels", .object(labels.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))) }
                let attributeValues = attributes.compactMap { name, path in path.value(in: record).map { (name, $0) } }
                if !attributeValues.isEmpty { line.append(("attributes", .object(attributeValues))) }
                let value = JSONValue.object(line)
                let record = RawItems.record(
                    line: Data(value.text.utf8), lineNumber: index + 1, source: "api-poll://\(taskID)", receivedAt: polledAt)
                return .success(MappedRecord(record: record, preview: value))
            case .entities:
                let validFrom = try time.map { path throws(RecordRefusal) in try date(path) } ?? polledAt
                let geometry: JSONValue
                if let path = self.geometry, let given = path.value(in: record), given != .null {
                    guard case .object = given, given["type"]?.string != nil, given["coordinates"] != nil || given["geometries"] != nil else {
                        throw refuse("geometry at \(path.text) is not a GeoJSON geometry")
                    }
                    geometry = given
                } else if let lon, let lat {
                    geometry = .object([
                        ("type", .string("Point")), ("coordinates", .array([.number(try number(lon, "lon")), .number(try number(lat, "lat"))])),
                    ])
                } else {
                    throw refuse("no geometry at \(self.geometry?.text ?? "")")
                }
                let properties = JSONValue.object(attributes.compactMap { name, path in path.value(in: record).map { (name, $0) } })
                let hash = ContentHash.hex(Array((geometry.text + "\u{1F}" + properties.text).utf8))
                let collection = self.collection ?? ""
                let event = EntityEvent(
                    id: EventIDGenerator.contentID(at: validFrom, content: Array("\(collection)/\(id)/\(hash)".utf8)), type: EntityEvent.upserted,
                    source: "api-poll://\(taskID)", recordedAt: polledAt,
                    space: EntitySpace(geometry: geometry, sourceCRS: crs ?? "EPSG:4326", precision: "source"),
                    attributes: AttributeLabels(
                        domain: labels["domain"] ?? "base", industry: labels["industry"], theme: labels["theme"] ?? collection),
                    data: EntityData(collection: collection, entityID: id, validFrom: validFrom, properties: properties, contentHash: hash))
                do {
                    let record = try event.record(topic: Topics.rawEntities)
                    let preview = (try? JSONParser.parse(bytes: Array(record.value))) ?? .null
                    return .success(MappedRecord(record: record, preview: preview))
                } catch {
                    throw refuse("the entity could not be encoded: \(error)")
                }
            }
        } catch {
            return .failure(error)
        }
    }
}
