import Geodesy
import Testing

@Suite("CoordinateReferenceSystem")
struct CoordinateReferenceSystemTests {
    @Test(
        "parses the usual spellings",
        arguments: [
            ("EPSG:4326", 4326), ("epsg:4326", 4326), (" EPSG:4490 ", 4490), ("4490", 4490),
            ("urn:ogc:def:crs:EPSG::4547", 4547), ("http://www.opengis.net/def/crs/EPSG/0/3857", 3857),
            ("CRS84", 4326), ("urn:ogc:def:crs:OGC:1.3:CRS84", 4326),
            ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326),
        ])
    func parses(text: String, epsg: Int) throws {
        let crs = try #require(CoordinateReferenceSystem(parsing: text))
        #expect(crs.epsg == epsg)
        #expect(crs.description == "EPSG:\(epsg)")
    }

    @Test(
        "rejects what is not an EPSG code",
        arguments: ["EPSG:abc", "", "   ", "EPSG:", "EPSG:99999999", "EPSG:0", "EPSG:-4326", "WGS84", "EPSG:4326.5"])
    func rejects(text: String) {
        #expect(CoordinateReferenceSystem(parsing: text) == nil)
    }

    @Test("knows which CRSs are geographic")
    func geographic() {
        #expect(CoordinateReferenceSystem.wgs84.isGeographic)
        #expect(CoordinateReferenceSystem.cgcs2000.isGeographic)
        #expect(!CoordinateReferenceSystem.webMercator.isGeographic)
        #expect(!CoordinateReferenceSystem(epsg: 4547).isGeographic)
    }
}
