import GeoVocabulary
import Testing

/// The one bbox, position, CRS-name and integer parser every route uses.
@Suite("Geometry vocabulary")
struct GeoVocabularyTests {
    @Test("bbox in its CRS's axis order, with heights, refused with words that help")
    func bbox() throws {
        #expect(try BoundingBox(parsing: "114.2,30.5,114.3,30.6") == BoundingBox(west: 114.2, south: 30.5, east: 114.3, north: 30.6))
        #expect(try BoundingBox(parsing: "114.2,30.5,0,114.3,30.6,10") == BoundingBox(west: 114.2, south: 30.5, east: 114.3, north: 30.6))
        let latitudeFirst = BoundingBox.Axes(swapped: true, geographic: true, crsName: "EPSG:4490")
        let box = try BoundingBox(parsing: "30.5,114.2,30.6,114.3", axes: latitudeFirst)
        #expect(box.west == 114.2 && box.corners(latitudeFirst) == [30.5, 114.2, 30.6, 114.3])
        for (text, phrase) in [("1,2,3", "four numbers"), ("10,0,5,1", "not a box"), ("0,0,200,1", "outside ±180°"), ("a,b,c,d", "four numbers")] {
            #expect(throws: ParameterError.self) { try BoundingBox(parsing: text) }
            do {
                _ = try BoundingBox(parsing: text)
            } catch {
                #expect(error.message.contains(phrase), "\(text): \(error.message)")
            }
        }
        #expect(BoundingBox.china.intersects(BoundingBox(west: 135, south: 50, east: 140, north: 60)))
        #expect(!BoundingBox.china.intersects(BoundingBox(west: 137, south: 50, east: 140, north: 60)))
    }

    @Test("CRS names in every spelling")
    func crs() {
        #expect(CRSIdentifier(parsing: "EPSG:4547")?.epsgCode == 4547)
        #expect(CRSIdentifier(parsing: "[EPSG:3857]")?.srid == 3857)
        #expect(CRSIdentifier(parsing: "https://www.opengis.net/def/crs/EPSG/0/4490") == .cgcs2000)
        #expect(CRSIdentifier(parsing: "urn:ogc:def:crs:OGC:1.3:CRS84") == .crs84)
        #expect(CRSIdentifier.crs84.srid == 4326)
        #expect(CRSIdentifier(parsing: "EPSG:abc") == nil && CRSIdentifier(parsing: "GCJ-02") == nil)
    }

    @Test("integers and positions")
    func numbers() throws {
        #expect(try IntegerParameter.parse(nil, name: "limit", default: 10, range: 1...100) == 10)
        #expect(try IntegerParameter.parse("7", name: "limit", default: 10, range: 1...100) == 7)
        #expect(throws: ParameterError("limit must be an integer from 1 to 100, not 0")) {
            try IntegerParameter.parse("0", name: "limit", default: 10, range: 1...100)
        }
        #expect(try Position(parsing: "114.3, 30.5", parameter: "from") == Position(x: 114.3, y: 30.5))
        #expect(throws: ParameterError.self) { try Position(parsing: "114.3", parameter: "from") }
    }
}
