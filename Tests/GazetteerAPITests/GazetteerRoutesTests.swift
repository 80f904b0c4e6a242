@testable import API
import Foundation
import GeoFormats
import Gazetteer
import Geodesy
import Hummingbird
import HummingbirdTesting
import Testing

/// The gazetteer routes, served in process by Hummingbird's test client, over a small gazetteer of
/// Wuhan built from changes.
@Suite("Gazetteer HTTP routes")
struct GazetteerRoutesTests {
    static let gazetteer: Gazetteer = {
        var changes: [GazetteerChange] = [
            .divisionUpserted(Division(code: "420000", level: .province, parentCode: nil, names: [DivisionName(name: "湖北省", shortName: "湖北")])),
            .divisionUpserted(Division(code: "420100", level: .city, parentCode: "420000", names: [DivisionName(name: "武汉市", shortName: "武汉")])),
            .divisionUpserted(Division(code: "420111", level: .county, parentCode: "420100", names: [DivisionName(name: "洪山区", shortName: "洪山")])),
            .divisionUpserted(
                Division(code: "420111001", level: .township, parentCode: "420111", names: [DivisionName(name: "珞南街道", shortName: "珞南")])),
            .divisionUpserted(Division(code: "110000", level: .province, parentCode: nil, names: [DivisionName(name: "北京市", shortName: "北京")])),
            .divisionUpserted(Division(code: "110105", level: .county, parentCode: "110000", names: [DivisionName(name: "朝阳区", shortName: "朝阳")])),
            .centerSet(code: "110105", point: GeoPoint(lon: 116.44, lat: 39.92)),
        ]
        let square = [
            GeoPoint(lon: 114.30, lat: 30.45), GeoPoint(lon: 114.50, lat: 30.45), GeoPoint(lon: 114.50, lat: 30.60),
            GeoPoint(lon: 114.30, lat: 30.60),
        ]
        changes.append(.boundarySet(code: "420111", boundary: Boundary(polygons: [[square]])))
        changes.append(
            .addressPointUpserted(
                AddressPoint(id: "hust", standardAddress: "湖北省武汉市洪山区珞喻路1037号", name: "华中科技大学", point: GeoPoint(lon: 114.414, lat: 30.513))))
        return Gazetteer(changes: changes)
    }()

    func withApp(
        writers: GeocodeResultWriters = .standard, _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let router = Router()
        router.add(middleware: ProblemMiddleware())
        GazetteerRoutes(engine: GazetteerEngine(Self.gazetteer), writers: writers).addRoutes(to: router)
        try await Application(router: router).test(.router, body)
    }

    static func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]) ?? [:]
    }

    @Test("GET /geocode answers with codes, point, precision and score")
    func geocode() async throws {
        try await withApp { client in
            let query = "武汉市洪山区珞南街道".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
            try await client.execute(uri: "/geocode?q=\(query)", method: .get) { response in
                #expect(response.status == .ok)
                let body = Self.json(response.body)
                let admin = body["admin"] as? [[String: Any]]
                #expect(admin?.last?["code"] as? String == "420111001")
                #expect((body["score"] as? Double ?? 0) > 0.5)
                #expect(body["point"] != nil)
            }
        }
    }

    @Test("GET /geocode failures are problems naming the reason")
    func geocodeFailures() async throws {
        try await withApp { client in
            try await client.execute(uri: "/geocode", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            let gibberish = "啊啊啊啊".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
            try await client.execute(uri: "/geocode?q=\(gibberish)", method: .get) { response in
                #expect(response.status == .unprocessableContent)
                #expect((Self.json(response.body)["type"] as? String)?.hasSuffix("no_place_found") == true)
            }
            let beijing = "北京市朝阳区".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
            try await client.execute(uri: "/geocode?q=\(beijing)&region=420100", method: .get) { response in
                #expect(response.status == .unprocessableContent)
                #expect((Self.json(response.body)["type"] as? String)?.hasSuffix("outside_region") == true)
            }
            try await client.execute(uri: "/geocode?q=x&as_of=yesterday", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test("GET /reverse in EPSG:4490 and GCJ-02, and its failures")
    func reverse() async throws {
        try await withApp { client in
            try await client.execute(uri: "/reverse?lon=114.4141&lat=30.5131", method: .get) { response in
                #expect(response.status == .ok)
                let body = Self.json(response.body)
                #expect((body["admin"] as? [[String: Any]])?.last?["code"] as? String == "420111")
                #expect((body["nearest"] as? [String: Any])?["id"] as? String == "hust")
            }
            let gcj = InternetMapOffset.gcj02(fromWGS84: 114.40, 30.50)
            try await client.execute(uri: "/reverse?lon=\(gcj.lon)&lat=\(gcj.lat)&crs=GCJ-02", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/reverse?lon=2.35&lat=48.86", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/reverse?lon=abc&lat=30", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/reverse?lon=114&lat=30&crs=MARS", method: .get) { response in
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test("POST /geocode/batch runs a job whose results download as CSV and GeoJSON")
    func batch() async throws {
        try await withApp { client in
            let csv = "id,addr\n1,武汉市洪山区珞南街道\n2,啊啊啊\n3,华中科技大学\n"
            var location = ""
            try await client.execute(
                uri: "/geocode/batch?column=addr", method: .post, headers: [.contentType: "text/csv"], body: ByteBuffer(string: csv)
            ) { response in
                #expect(response.status == .accepted)
                location = Self.json(response.body)["self"] as? String ?? ""
            }
            let path = location.replacingOccurrences(of: "http://localhost", with: "")
            #expect(path.hasPrefix("/geocode/batch/"))
            var finished = false
            for _ in 0..<200 where !finished {
                try await client.execute(uri: path, method: .get) { response in
                    finished = Self.json(response.body)["status"] as? String == "finished"
                }
                if !finished { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(finished)
            try await client.execute(uri: path + "/results?f=csv", method: .get) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                #expect(text.hasPrefix("id,addr,gz_status"))
                #expect(text.contains("420111001"))
                #expect(text.split(separator: "\n").count == 4)
            }
            try await client.execute(uri: path + "/results?f=geojson", method: .get) { response in
                #expect((Self.json(response.body)["features"] as? [Any])?.count == 3)
            }
            try await client.execute(uri: path + "/results?f=gpkg", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/geocode/batch?column=address", method: .post, body: ByteBuffer(string: csv)) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/geocode/batch/nope", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("batch results download as a GeoPackage that GDAL reads back: points in EPSG:4490, failures without geometry")
    func batchGeoPackage() async throws {
        try await withApp(writers: .withGeoPackage) { client in
            let csv = "id,addr\n1,武汉市洪山区珞南街道\n2,啊啊啊\n3,华中科技大学\n"
            var path = ""
            try await client.execute(
                uri: "/geocode/batch?column=addr", method: .post, headers: [.contentType: "text/csv"], body: ByteBuffer(string: csv)
            ) { response in
                path = (Self.json(response.body)["self"] as? String ?? "").replacingOccurrences(of: "http://localhost", with: "")
            }
            var finished = false
            for _ in 0..<200 where !finished {
                try await client.execute(uri: path, method: .get) { finished = Self.json($0.body)["status"] as? String == "finished" }
                if !finished { try await Task.sleep(for: .milliseconds(20)) }
            }
            var bytes = Data()
            try await client.execute(uri: path + "/results?f=gpkg", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/geopackage+sqlite3")
                bytes = Data(buffer: response.body)
            }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("geocoded-\(UUID().uuidString).gpkg")
            try bytes.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            var options = ReadOptions()
            options.allowMissingGeometry = true
            let reader = try FeatureReader(path: file.path, options: options)
            defer { reader.close() }
            let layer = try #require(reader.layers.first)
            #expect(layer.name == "geocoded")
            #expect(layer.geometryType.flat == .point)
            #expect(layer.declaredCRS?.epsg == 4490)
            #expect(layer.fields.first { $0.name == "gz_score" }?.type == .real)
            let cursor = try reader.cursor()
            var rows: [String: Feature] = [:]
            while let result = try cursor.next() {
                if let feature = result.feature, case .string(let id)? = feature.properties["id"] { rows[id] = feature }
            }
            #expect(rows.count == 3)
            #expect(rows["1"]?.properties["gz_township"] == .string("420111001"))
            #expect(rows["1"]?.geometry != nil)
            #expect(rows["2"]?.geometry == nil)
            #expect(rows["2"]?.properties["gz_status"] == .string("failed"))
            #expect(rows["3"]?.geometry?.envelope.map { abs($0.minX - 114.414) < 1e-6 && abs($0.minY - 30.513) < 1e-6 } == true)
        }
    }
}
