/// Reads a WKT geometry literal (`POINT(…)`, `POLYGON Z ((…))`, …) from cql2-text tokens.
struct WKTReader {
    static let tags: Set<String> = ["POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"]

    let tokens: [CQL2Token]
    var index: Int
    private var nesting = 0

    init(tokens: [CQL2Token], index: Int) {
        self.tokens = tokens
        self.index = index
    }

    mutating func geometry() throws(CQL2Error) -> CQL2Geometry {
        let start = tokens[index]
        guard let tag = start.keyword, Self.tags.contains(tag) else {
            throw CQL2Error(.syntax, "expected a WKT geometry (POINT, LINESTRING, POLYGON, …), found \(start.quoted)", position: start.position)
        }
        index += 1
        var hasZ = false
        if tokens[index].keyword == "Z" {
            hasZ = true
            index += 1
        }
        if tokens[index].keyword == "EMPTY" {
            throw CQL2Error(.unsupported, "empty geometries (\(tag) EMPTY) are not supported", position: tokens[index].position)
        }
        let geometry: CQL2Geometry
        switch tag {
        case "POINT": geometry = .point(try parenthesised { (reader: inout WKTReader) throws(CQL2Error) in try reader.position() })
        case "LINESTRING": geometry = .lineString(try positions())
        case "POLYGON": geometry = .polygon(try rings())
        case "MULTIPOINT":
            // Both MULTIPOINT((1 2),(3 4)) and the common MULTIPOINT(1 2, 3 4).
            geometry = .multiPoint(
                try list { (reader: inout WKTReader) throws(CQL2Error) in
                    if reader.tokens[reader.index].isSymbol("(") {
                        return try reader.parenthesised { (inner: inout WKTReader) throws(CQL2Error) in try inner.position() }
                    }
                    return try reader.position()
                })
        case "MULTILINESTRING": geometry = .multiLineString(try list { (reader: inout WKTReader) throws(CQL2Error) in try reader.positions() })
        case "MULTIPOLYGON": geometry = .multiPolygon(try list { (reader: inout WKTReader) throws(CQL2Error) in try reader.rings() })
        default:
            nesting += 1
            guard nesting <= 8 else { throw CQL2Error(.syntax, "geometry collections nest too deeply", position: start.position) }
            geometry = .geometryCollection(try list { (reader: inout WKTReader) throws(CQL2Error) in try reader.geometry() })
            nesting -= 1
        }
        if hasZ, geometry.positions.contains(where: { $0.count != 3 }) {
            throw CQL2Error(.syntax, "\(tag) Z needs three coordinates (x y z) in every position", position: start.position)
        }
        do {
            try geometry.validate()
        } catch {
            throw CQL2Error(error.kind, "\(tag): \(error.message)", position: start.position)
        }
        return geometry
    }

    private mutating func rings() throws(CQL2Error) -> [[[Double]]] {
        try list { (reader: inout WKTReader) throws(CQL2Error) in try reader.positions() }
    }

    private mutating func positions() throws(CQL2Error) -> [[Double]] {
        try list { (reader: inout WKTReader) throws(CQL2Error) in try reader.position() }
    }

    /// `x y` or `x y z`.
    private mutating func position() throws(CQL2Error) -> [Double] {
        var coordinates: [Double] = []
        while true {
            var sign = 1.0
            if case .symbol(let symbol) = tokens[index].kind, symbol == "-" || symbol == "+" {
                sign = symbol == "-" ? -1 : 1
                index += 1
            }
            guard case .number(let value, _) = tokens[index].kind else {
                if coordinates.isEmpty {
                    throw CQL2Error(.syntax, "expected a coordinate, found \(tokens[index].quoted)", position: tokens[index].position)
                }
                break
            }
            coordinates.append(sign * value)
            index += 1
        }
        guard coordinates.count <= 3 else {
            throw CQL2Error(.syntax, "a position has \(coordinates.count) coordinates; write x y or x y z", position: tokens[index].position)
        }
        guard coordinates.count >= 2 else {
            throw CQL2Error(.syntax, "a position needs at least two coordinates (x y)", position: tokens[index].position)
        }
        return coordinates
    }

    /// `( item, item, … )`.
    private mutating func list<T>(_ item: (inout WKTReader) throws(CQL2Error) -> T) throws(CQL2Error) -> [T] {
        try parenthesised { (reader: inout WKTReader) throws(CQL2Error) in
            var items = [try item(&reader)]
            while reader.tokens[reader.index].isSymbol(",") {
                reader.index += 1
                items.append(try item(&reader))
            }
            return items
        }
    }

    private mutating func parenthesised<T>(_ body: (inout WKTReader) throws(CQL2Error) -> T) throws(CQL2Error) -> T {
        try expect("(")
        let value = try body(&self)
        try expect(")")
        return value
    }

    private mutating func expect(_ symbol: String) throws(CQL2Error) {
        guard tokens[index].isSymbol(symbol) else {
            throw CQL2Error(.syntax, "expected '\(symbol)' in the geometry, found \(tokens[index].quoted)", position: tokens[index].position)
        }
        index += 1
    }
}
