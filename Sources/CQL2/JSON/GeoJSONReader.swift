import JSON

/// Reads a GeoJSON geometry object (RFC 7946 §3.1) into a ``CQL2Geometry``.
enum GeoJSONReader {
    static func geometry(_ json: JSONValue, at path: String, nesting: Int = 0) throws(CQL2Error) -> CQL2Geometry {
        guard case .object(let members) = json, case .string(let type) = json["type"] else {
            throw CQL2JSONParser.failure(.syntax, "a GeoJSON geometry needs a string \"type\"", path)
        }
        let allowed: Set<String> = type == "GeometryCollection" ? ["type", "geometries", "bbox"] : ["type", "coordinates", "bbox"]
        if let extra = members.first(where: { !allowed.contains($0.key) }) {
            throw CQL2JSONParser.failure(.syntax, "unexpected member \"\(extra.key)\" in a GeoJSON \(type)", path)
        }
        let geometry: CQL2Geometry
        if type == "GeometryCollection" {
            guard nesting < 8 else { throw CQL2JSONParser.failure(.syntax, "geometry collections nest too deeply", path) }
            guard case .array(let items) = json["geometries"] ?? .null else {
                throw CQL2JSONParser.failure(.syntax, "a GeometryCollection needs a \"geometries\" array", path)
            }
            var members: [CQL2Geometry] = []
            for (index, item) in items.enumerated() {
                members.append(try self.geometry(item, at: "\(path)/geometries/\(index)", nesting: nesting + 1))
            }
            geometry = .geometryCollection(members)
        } else {
            guard let coordinates = json["coordinates"] else {
                throw CQL2JSONParser.failure(.syntax, "a GeoJSON \(type) needs \"coordinates\"", path)
            }
            let at = path + "/coordinates"
            switch type {
            case "Point": geometry = .point(try position(coordinates, at: at))
            case "LineString", "MultiPoint":
                let positions = try list(coordinates, at: at) { (value, at) throws(CQL2Error) in try position(value, at: at) }
                geometry = type == "LineString" ? .lineString(positions) : .multiPoint(positions)
            case "Polygon", "MultiLineString":
                let lines = try list(coordinates, at: at) { (value, at) throws(CQL2Error) in
                    try list(value, at: at) { (value, at) throws(CQL2Error) in try position(value, at: at) }
                }
                geometry = type == "Polygon" ? .polygon(lines) : .multiLineString(lines)
            case "MultiPolygon":
                geometry = .multiPolygon(
                    try list(coordinates, at: at) { (value, at) throws(CQL2Error) in
                        try list(value, at: at) { (value, at) throws(CQL2Error) in
                            try list(value, at: at) { (value, at) throws(CQL2Error) in try position(value, at: at) }
                        }
                    })
            default:
                throw CQL2JSONParser.failure(
                    .syntax,
                    "unknown GeoJSON geometry type \"\(type)\"; expected Point, LineString, Polygon, MultiPoint, MultiLineString, MultiPolygon or GeometryCollection",
                    path)
            }
        }
        if nesting == 0 {
            do {
                try geometry.validate()
            } catch {
                throw CQL2JSONParser.failure(error.kind, "\(type): \(error.message)", path)
            }
        }
        return geometry
    }

    private static func position(_ json: JSONValue, at path: String) throws(CQL2Error) -> [Double] {
        guard case .array(let items) = json, items.count == 2 || items.count == 3 else {
            throw CQL2JSONParser.failure(.syntax, "a position must be an array of 2 or 3 numbers", path)
        }
        var numbers: [Double] = []
        for item in items {
            guard case .number(let number) = item else { throw CQL2JSONParser.failure(.syntax, "a position must hold numbers only", path) }
            numbers.append(number)
        }
        return numbers
    }

    private static func list<T>(_ json: JSONValue, at path: String, _ item: (JSONValue, String) throws(CQL2Error) -> T) throws(CQL2Error) -> [T] {
        guard case .array(let items) = json else { throw CQL2JSONParser.failure(.syntax, "expected an array of coordinates", path) }
        var result: [T] = []
        for (index, value) in items.enumerated() { result.append(try item(value, "\(path)/\(index)")) }
        return result
    }
}
