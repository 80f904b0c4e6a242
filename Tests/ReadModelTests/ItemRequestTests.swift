import CQL2
import Events
import Foundation
import GeoVocabulary
import Testing

@testable import ReadModel

/// The items request's parameters: what is accepted, what is refused and how, and that values end
/// up as bound parameters, never in the SQL text.
@Suite("Item requests")
struct ItemRequestTests {
    static let places = ServedCollection(
        metadata: CollectionRegistry.resolved(
            CollectionMetadata(
                id: "places", kind: .entities,
                properties: [
                    CollectionProperty(name: "name", type: "string"), CollectionProperty(name: "floors", type: "integer"),
                    CollectionProperty(name: "opened", type: "date"),
                ])), source: EntitySource())

    static func request(_ query: String, unlimited: Bool = false) throws -> ItemRequest {
        let pairs = query.split(separator: "&").map { part -> (String, String) in
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            return (pieces[0], (pieces.count > 1 ? pieces[1] : "").removingPercentEncoding ?? "")
        }
        return try ItemRequest(pairs, collection: places, limits: QueryLimits(), unlimited: unlimited)
    }

    static func refusal(_ query: String) -> String? {
        do {
            _ = try request(query)
            return nil
        } catch let error as FeatureStoreError {
            return error.message
        } catch let error as CQL2Error {
            return error.message
        } catch let error as ParameterError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test(
        "refuses what it cannot do, saying what would work",
        arguments: [
            ("limit=0", "limit must be an integer from 1 to 10000"), ("limit=10001", "10000"), ("bbox=1,2,3", "four numbers"),
            ("bbox=10,0,5,1", "not a box"), ("bbox=0,0,200,1", "outside ±180°"), ("crs=EPSG:9999", "not a CRS this server offers"),
            ("bbox-crs=EPSG:3857", "bbox-crs needs a bbox"), ("colour=red", "unknown parameter colour"), ("floors=many", "floors is a number"),
            ("opened=yesterday", "YYYY-MM-DD"), ("datetime=2026-13-01", "RFC 3339"), ("datetime=../..", "open at both ends"),
            ("datetime=2026-02-01/2026-01-01", "ends before it starts"), ("as_of=2026-01-01/2026-02-01", "one instant"),
            ("limit=5&limit=6", "given twice"), ("sortby=colour", "colour"), ("properties=colour", "colour"),
            ("filter-lang=cql2-json", "need a filter"),
            ("skipGeometry=maybe", "true or false"),
        ])
    func refusals(query: String, phrase: String) {
        let message = Self.refusal(query)
        #expect(message?.contains(phrase) == true, "\(query): \(message ?? "accepted")")
    }

    @Test("parses bbox in the axis order of its CRS, times, and keeps what paging links repeat")
    func parses() throws {
        let request = try Self.request("bbox=30.5,114.2,30.6,114.3&bbox-crs=EPSG:4490&datetime=2026-01-01/..&floors=3&limit=20&offset=40&f=json")
        #expect(request.bbox == BoundingBox(west: 114.2, south: 30.5, east: 114.3, north: 30.6))
        #expect(request.bbox?.corners(request.bboxCRS.axes) == [30.5, 114.2, 30.6, 114.3])
        #expect(request.bboxCRS.srid == 4490 && request.bboxCRS.swapsAxes)
        #expect(request.datetime?.start == Timestamp.parse("2026-01-01T00:00:00Z") && request.datetime?.end == nil)
        #expect(request.limit == 20 && request.offset == 40)
        #expect(request.carried.map(\.0) == ["bbox", "bbox-crs", "datetime", "floors"])
        #expect(try Self.request("f=gpkg", unlimited: true).limit == QueryLimits().maximumExportFeatures)
    }

    @Test(
        "CRS names in every spelling clients use",
        arguments: [
            ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", Int32(4326), false), ("CRS84", 4326, false), ("EPSG:4490", 4490, true),
            ("urn:ogc:def:crs:EPSG::4326", 4326, true), ("[EPSG:3857]", 3857, false), ("http://www.opengis.net/def/crs/EPSG/0/4547", 4547, true),
        ])
    func crsNames(text: String, srid: Int32, swapped: Bool) throws {
        let crs = try SupportedCRS(parsing: text, parameter: "crs")
        #expect(crs.srid == srid && crs.swapsAxes == swapped)
    }

    @Test("values are bound parameters: a hostile value never reaches the SQL text")
    func boundValues() throws {
        let hostile = "x'); DROP TABLE entity_current; --"
        let encoded = hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let filter =
            "name = '\(hostile.replacingOccurrences(of: "'", with: "''"))'".addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        for query in ["name=\(encoded)", "filter=\(filter)", "after=\(encoded)", "properties=name&sortby=-floors&name=\(encoded)"] {
            let request = try Self.request(query)
            let page = try ItemsStatement.page(Self.places, request)
            #expect(!page.sql.contains("DROP TABLE"), "\(query): \(page.sql)")
            #expect(page.binds.count >= 2)
        }
        let statistics = try StatisticsRequest(
            [("group_by", "name"), ("agg", "count,max(floors)"), ("name", hostile)], collection: Self.places, limits: QueryLimits(),
            defaultRegions: nil)
        let statement = try StatisticsStatement.make(Self.places, statistics, regions: nil, maximumRows: 10)
        #expect(!statement.sql.contains("DROP TABLE"))
    }

    @Test(
        "statistics parameters",
        arguments: [
            ("time_bucket=15m", nil), ("time_bucket=2x", "time_bucket"), ("agg=avg(name)", "needs a number"), ("agg=median(floors)", "median"),
            ("group_by=admin", "regions"), ("group_by=grid&grid_size=0", "grid_size"), ("group_by=name,floors", nil), ("agg=min(opened)", nil),
            ("time_bucket=1d&tz=Asia/Shanghai", nil), ("time_bucket=1d&tz=UTC", nil), ("time_bucket=1d&tz=Europe/Berlin", nil),
            ("time_bucket=1d&tz=GMT+8", "tz"), ("time_bucket=1d&tz=Mars/Olympus", "tz"), ("time_bucket=1d&tz=Asia/Shanghai'--", "tz"),
        ] as [(String, String?)])
    func statistics(query: String, phrase: String?) {
        let pairs = query.split(separator: "&").map { part -> (String, String) in
            let pieces = part.split(separator: "=", maxSplits: 1).map(String.init)
            return (pieces[0], pieces[1])
        }
        do {
            _ = try StatisticsRequest(pairs, collection: Self.places, limits: QueryLimits(), defaultRegions: nil)
            #expect(phrase == nil, "\(query) was accepted")
        } catch let error as FeatureStoreError {
            #expect(phrase.map { error.message.contains($0) } == true, "\(query): \(error.message)")
        } catch {
            Issue.record("\(query): \(error)")
        }
    }
}
