import Foundation
import Geodesy
import Testing

@Suite("CoordinateTransformer")
struct CoordinateTransformerTests {
    let transformer = CoordinateTransformer()

    /// Wuhan, in CGCS2000 / 3-degree Gauss-Kruger CM 114E (EPSG:4547), easting then northing; from
    /// `echo "30.60 114.30" | cs2cs -d 6 EPSG:4490 EPSG:4547`.
    static let wuhanGK = (x: 528_770.237_256, y: 3_386_666.250_562)

    @Test("WGS 84 to CGCS2000 keeps the position to 1e-6 degrees")
    func wgs84ToCGCS2000() throws {
        let output = try transformer.transform(x: 114.30, y: 30.60, from: .wgs84, to: .cgcs2000)
        #expect(abs(output.x - 114.30) < 1e-6)
        #expect(abs(output.y - 30.60) < 1e-6)
    }

    @Test("WGS 84 to CGCS2000 agrees with cs2cs", .enabled(if: CommandLineProj.cs2cs != nil))
    func agreesWithCS2CS() throws {
        let output = try transformer.transform(x: 114.30, y: 30.60, from: .wgs84, to: .cgcs2000)
        // cs2cs uses the authority axis order: latitude first for EPSG:4326 and EPSG:4490.
        let reference = try CommandLineProj.cs2cs(from: "EPSG:4326", to: "EPSG:4490", 30.60, 114.30)
        #expect(abs(output.y - reference.0) < 1e-9)
        #expect(abs(output.x - reference.1) < 1e-9)
    }

    @Test("CGCS2000 to Gauss-Kruger CM 114E agrees with cs2cs", .enabled(if: CommandLineProj.cs2cs != nil))
    func gaussKrugerAgreesWithCS2CS() throws {
        let output = try transformer.transform(
            x: 114.30, y: 30.60, from: .cgcs2000, to: CoordinateReferenceSystem(epsg: 4547))
        // EPSG:4547 is northing first.
        let reference = try CommandLineProj.cs2cs(from: "EPSG:4490", to: "EPSG:4547", 30.60, 114.30)
        #expect(abs(output.x - reference.1) < 1e-6)
        #expect(abs(output.y - reference.0) < 1e-6)
    }

    @Test("Gauss-Kruger CM 114E (EPSG:4547) round trips through CGCS2000")
    func gaussKrugerRoundTrip() throws {
        let gk = CoordinateReferenceSystem(epsg: 4547)
        let geographic = try transformer.transform(x: Self.wuhanGK.x, y: Self.wuhanGK.y, from: gk, to: .cgcs2000)
        #expect(abs(geographic.x - 114.30) < 1e-8)
        #expect(abs(geographic.y - 30.60) < 1e-8)
        let back = try transformer.transform(x: geographic.x, y: geographic.y, from: .cgcs2000, to: gk)
        #expect(abs(back.x - Self.wuhanGK.x) < 1e-6)
        #expect(abs(back.y - Self.wuhanGK.y) < 1e-6)
    }

    @Test("Gauss-Kruger zone 38 (EPSG:4526) carries the zone in the false easting and round trips")
    func gaussKrugerZonePrefix() throws {
        // EPSG:4526 is CGCS2000 / 3-degree Gauss-Kruger zone 38: central meridian 114E, x_0 = 38,500,000 m.
        let zone38 = CoordinateReferenceSystem(epsg: 4526)
        let projected = try transformer.transform(x: 114.30, y: 30.60, from: .cgcs2000, to: zone38)
        #expect(abs(projected.x - (38_000_000 + Self.wuhanGK.x)) < 1e-5)
        #expect(abs(projected.y - Self.wuhanGK.y) < 1e-5)
        let geographic = try transformer.transform(x: projected.x, y: projected.y, from: zone38)
        let back = try transformer.transform(x: geographic.x, y: geographic.y, from: .cgcs2000, to: zone38)
        #expect(abs(back.x - projected.x) < 1e-6)
        #expect(abs(back.y - projected.y) < 1e-6)
    }

    @Test("Web Mercator Beijing comes out near 116.41, 39.90")
    func webMercator() throws {
        // From `echo "39.9042 116.4074" | cs2cs -d 3 EPSG:4326 EPSG:3857`.
        let output = try transformer.transform(x: 12_958_412.493, y: 4_852_030.635, from: .webMercator)
        #expect(abs(output.x - 116.4074) < 1e-6)
        #expect(abs(output.y - 39.9042) < 1e-6)
    }

    @Test("the identity transform leaves the position alone")
    func identity() throws {
        let output = try transformer.transform(x: 114.30, y: 30.60, from: .cgcs2000, to: .cgcs2000)
        #expect(output.x == 114.30)
        #expect(output.y == 30.60)
    }

    @Test("an EPSG code PROJ does not know throws")
    func unknownCode() {
        let unknown = CoordinateReferenceSystem(epsg: 1025)
        #expect(!transformer.isKnown(unknown))
        #expect(transformer.isKnown(.cgcs2000))
        #expect(throws: GeodesyError.self) { try transformer.transform(x: 114.30, y: 30.60, from: unknown) }
        #expect(throws: GeodesyError.self) { try transformer.transform(x: 114.30, y: 30.60, from: .wgs84, to: unknown) }
    }

    @Test(
        "non-finite input throws",
        arguments: [
            (Double.nan, 30.60), (114.30, .nan), (.infinity, 30.60), (-.infinity, 30.60), (114.30, .infinity),
            (114.30, -.infinity),
        ])
    func nonFinite(x: Double, y: Double) {
        for source in [CoordinateReferenceSystem.wgs84, .cgcs2000, CoordinateReferenceSystem(epsg: 4547)] {
            #expect(throws: GeodesyError.self, "from \(source)") { try transformer.transform(x: x, y: y, from: source) }
        }
    }

    @Test(
        "non-finite Web Mercator input throws",
        arguments: [
            (Double.nan, 4_852_030.0), (12_958_412.0, .nan), (.infinity, 4_852_030.0), (12_958_412.0, .infinity),
        ])
    func nonFiniteWebMercator(x: Double, y: Double) {
        #expect(throws: GeodesyError.self) { try transformer.transform(x: x, y: y, from: .webMercator) }
    }

    // PROJ's inverse Mercator maps a northing of -infinity to the South Pole instead of failing.
    @Test("a Web Mercator northing of -infinity throws")
    func negativeInfiniteNorthing() {
        #expect(throws: GeodesyError.self) {
            try transformer.transform(x: 12_958_412.0, y: -.infinity, from: .webMercator)
        }

    }

    @Test("the transformer still works after an error")
    func recoversAfterError() throws {
        _ = try? transformer.transform(x: .nan, y: .nan, from: .wgs84)
        let output = try transformer.transform(x: 114.30, y: 30.60, from: .wgs84)
        #expect(abs(output.x - 114.30) < 1e-6)
    }

    @Test("one transformer can be shared by concurrent tasks")
    func concurrentUse() async throws {
        let transformer = self.transformer
        let expected = try transformer.transform(
            x: Self.wuhanGK.x, y: Self.wuhanGK.y, from: CoordinateReferenceSystem(epsg: 4547))
        try await withThrowingTaskGroup(of: (x: Double, y: Double).self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var last = (x: 0.0, y: 0.0)
                    for _ in 0..<200 {
                        last = try transformer.transform(
                            x: Self.wuhanGK.x, y: Self.wuhanGK.y, from: CoordinateReferenceSystem(epsg: 4547))
                    }
                    return last
                }
            }
            for try await output in group {
                #expect(output == expected)
            }
        }
    }
}
