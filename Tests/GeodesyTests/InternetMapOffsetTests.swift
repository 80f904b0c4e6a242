import Foundation
import Geodesy
import Testing

@Suite("GCJ-02 and BD-09")
struct InternetMapOffsetTests {
    /// Published test vectors of the `coordtransform` library (test/app.js), input (116.404, 39.915).
    static let input = (lon: 116.404, lat: 39.915)

    @Test("WGS 84 → GCJ-02 reproduces the published vector")
    func forwardGCJ02() {
        let output = InternetMapOffset.gcj02(fromWGS84: Self.input.lon, Self.input.lat)
        #expect(abs(output.lon - 116.410_244_499_169_38) < 1e-12)
        #expect(abs(output.lat - 39.916_404_281_501_64) < 1e-12)
    }

    @Test("GCJ-02 → BD-09 reproduces the published vector")
    func forwardBD09() {
        let output = InternetMapOffset.bd09(fromGCJ02: Self.input.lon, Self.input.lat)
        #expect(abs(output.lon - 116.410_369_493_710_29) < 1e-12)
        #expect(abs(output.lat - 39.921_336_993_510_21) < 1e-12)
    }

    @Test("the inverses agree with the published one-step approximations to their accuracy (1e-5°)")
    func inversesNearPublishedApproximations() {
        let wgs = InternetMapOffset.wgs84(fromGCJ02: Self.input.lon, Self.input.lat)
        #expect(abs(wgs.lon - 116.397_755_500_830_61) < 2e-5)
        #expect(abs(wgs.lat - 39.913_595_718_498_36) < 2e-5)
        let gcj = InternetMapOffset.gcj02(fromBD09: Self.input.lon, Self.input.lat)
        #expect(abs(gcj.lon - 116.397_627_291_193_15) < 2e-5)
        #expect(abs(gcj.lat - 39.908_656_739_576_31) < 2e-5)
    }

    @Test("the GCJ-02 inverse is exact where the one-step approximation is not")
    func inverseBeatsApproximation() {
        let gcj = InternetMapOffset.gcj02(fromWGS84: Self.input.lon, Self.input.lat)
        let back = InternetMapOffset.wgs84(fromGCJ02: gcj.lon, gcj.lat)
        #expect(abs(back.lon - Self.input.lon) < 1e-9)
        #expect(abs(back.lat - Self.input.lat) < 1e-9)
    }

    @Test("round trips over a 0.5° grid of China are better than 1e-9° (inverse requirement: 1e-6°)")
    func roundTripGrid() {
        var worst = 0.0
        var count = 0
        for lonStep in 0...((135 - 73) * 2) {
            for latStep in 0...((54 - 18) * 2) {
                let lon = 73.0 + Double(lonStep) * 0.5 + 0.123
                let lat = 18.0 + Double(latStep) * 0.5 + 0.071
                for offset in InternetMapOffset.allCases {
                    let shifted = offset.fromWGS84(lon: lon, lat: lat)
                    let back = offset.toWGS84(lon: shifted.lon, lat: shifted.lat)
                    worst = max(worst, abs(back.lon - lon), abs(back.lat - lat))
                    count += 1
                }
            }
        }
        #expect(count > 18_000)
        #expect(worst < 1e-9, "worst round-trip error \(worst)°")
    }

    @Test("the offsets are of the expected size inside China (GCJ-02: tens to hundreds of metres)")
    func offsetSize() {
        // Wuhan, Beijing, Urumqi, Haikou.
        for (lon, lat) in [(114.30, 30.60), (116.40, 39.90), (87.62, 43.82), (110.33, 20.03)] {
            let gcj = InternetMapOffset.gcj02(fromWGS84: lon, lat)
            let metres = hypot((gcj.lon - lon) * 111_320 * cos(lat * .pi / 180), (gcj.lat - lat) * 110_574)
            #expect(metres > 50 && metres < 1_000, "offset at \(lon), \(lat) is \(metres) m")
            let bd = InternetMapOffset.bd09.fromWGS84(lon: lon, lat: lat)
            #expect(bd != gcj)
        }
    }

    @Test(
        "GCJ-02 leaves points outside China unchanged",
        arguments: [(2.35, 48.86), (-74.0, 40.7), (139.69, 35.69), (151.2, -33.87), (72.0, 30.0), (100.0, 0.5)])
    func outsideChina(lon: Double, lat: Double) {
        #expect(InternetMapOffset.isOutsideChina(lon: lon, lat: lat))
        let forward = InternetMapOffset.gcj02(fromWGS84: lon, lat)
        #expect(forward.lon == lon && forward.lat == lat)
        let inverse = InternetMapOffset.wgs84(fromGCJ02: lon, lat)
        #expect(inverse.lon == lon && inverse.lat == lat)
    }

    @Test("non-finite input passes through without looping")
    func nonFinite() {
        #expect(InternetMapOffset.wgs84(fromGCJ02: .nan, 30).lon.isNaN)
        #expect(InternetMapOffset.gcj02(fromBD09: .infinity, 30).lon.isInfinite)
    }
}

@Suite("CoordinateTransformer with GCJ-02 and BD-09")
struct OffsetTransformerTests {
    let transformer = CoordinateTransformer()

    @Test("parses GCJ-02 and BD-09 spellings", arguments: ["GCJ-02", "gcj02", "GCJ_02", " gcj-02 "])
    func parsesGCJ(text: String) throws {
        let crs = try #require(CoordinateReferenceSystem(parsing: text))
        #expect(crs == .gcj02)
        #expect(crs.description == "GCJ-02")
        #expect(crs.isGeographic)
        #expect(crs != .wgs84)
    }

    @Test("parses BD-09 spellings", arguments: ["BD-09", "bd09", "BD09LL", "bd_09"])
    func parsesBD(text: String) throws {
        #expect(try #require(CoordinateReferenceSystem(parsing: text)) == .bd09)
    }

    @Test("GCJ-02 → EPSG:4490 is the GCJ-02 inverse followed by PROJ's WGS 84 → CGCS2000")
    func gcjToCGCS2000() throws {
        let gcj = InternetMapOffset.gcj02(fromWGS84: 114.30, 30.60)
        let output = try transformer.transform(x: gcj.lon, y: gcj.lat, from: .gcj02, to: .cgcs2000)
        let viaWGS = try transformer.transform(x: 114.30, y: 30.60, from: .wgs84, to: .cgcs2000)
        #expect(abs(output.x - viaWGS.x) < 1e-9)
        #expect(abs(output.y - viaWGS.y) < 1e-9)
    }

    @Test("EPSG:4490 → BD-09 → EPSG:4490 round trips, and BD-09 → GCJ-02 is the published rotation")
    func bdRoundTrip() throws {
        let bd = try transformer.transform(x: 114.30, y: 30.60, from: .cgcs2000, to: .bd09)
        #expect(abs(bd.x - 114.30) > 1e-3)
        let back = try transformer.transform(x: bd.x, y: bd.y, from: .bd09, to: .cgcs2000)
        #expect(abs(back.x - 114.30) < 1e-9)
        #expect(abs(back.y - 30.60) < 1e-9)
        let gcj = try transformer.transform(x: 116.404, y: 39.915, from: .bd09, to: .gcj02)
        let direct = InternetMapOffset.gcj02(fromBD09: 116.404, 39.915)
        #expect(abs(gcj.x - direct.lon) < 1e-12 && abs(gcj.y - direct.lat) < 1e-12)
    }

    @Test("GCJ-02 → a projected CRS goes through WGS 84")
    func gcjToGaussKruger() throws {
        let gcj = InternetMapOffset.gcj02(fromWGS84: 114.30, 30.60)
        let gk = CoordinateReferenceSystem(epsg: 4547)
        let output = try transformer.transform(x: gcj.lon, y: gcj.lat, from: .gcj02, to: gk)
        let reference = try transformer.transform(x: 114.30, y: 30.60, from: .wgs84, to: gk)
        #expect(abs(output.x - reference.x) < 1e-4 && abs(output.y - reference.y) < 1e-4)
        #expect(transformer.isKnown(.gcj02) && transformer.isKnown(.bd09))
    }

    @Test("GCJ-02 input that is not in degrees, or not finite, throws")
    func invalidInput() {
        #expect(throws: GeodesyError.self) { try transformer.transform(x: 528_770, y: 3_386_666, from: .gcj02) }
        #expect(throws: GeodesyError.self) { try transformer.transform(x: .nan, y: 30, from: .bd09) }
    }
}
