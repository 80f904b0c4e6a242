import ArgumentParser
import Foundation
import GeoFormats

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write N point features with a few attributes scattered over Wuhan (CGCS2000 coordinates).")

    @Option(help: "Number of points.")
    var points = 1_000_000

    @Option(help: "CRS of the file: EPSG:4490 (degrees) or e.g. EPSG:4547 (Gauss-Kruger metres, so reading transforms).")
    var crs = "EPSG:4490"

    @Option(help: "Format: gpkg, csv (WKT), csv-lonlat, geojson, shp.")
    var format = "gpkg"

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 2026

    @Option(
        help: """
            A later edition of the same file, for re-import and diff benchmarks: with N > 0, 1% of the points \
            get a new value, 0.1% move by about 50 m, 0.1% are left out and 0.1% new ones are added (N varies which).
            """)
    var revision = 0

    @Argument(help: "Output file; the extension follows the format.")
    var output: String

    func run() throws {
        guard let exportFormat = ExportFormat(parsing: format) else { throw ValidationError("unknown format \(format)") }
        guard let target = CRS(parsing: crs) else { throw ValidationError("unknown CRS \(crs)") }
        let url = URL(fileURLWithPath: output)
        var options = WriteOptions(
            layerName: "wuhan_points",
            fields: [
                FieldDefinition("id", .integer), FieldDefinition("名称", .string), FieldDefinition("类别", .string),
                FieldDefinition("数值", .real), FieldDefinition("日期", .date),
            ],
            geometryType: .point)
        options.targetCRS = target
        options.directory = url.deletingLastPathComponent()
        options.fileName = url.deletingPathExtension().lastPathComponent.replacingOccurrences(of: ".shp", with: "")
        let categories = ["学校", "医院", "商店", "公园", "地铁站", "餐馆", "银行", "酒店"]
        var random = SplitMix64(state: seed)
        let writer = try FeatureWriter(format: exportFormat, options: options)
        let start = Date()
        for index in 0..<points {
            // Wuhan's municipal extent, roughly.
            let longitude = 113.70 + random.unit() * 1.35
            let latitude = 29.97 + random.unit() * 1.40
            let day = Int(random.next() % 28) + 1
            let properties: Properties = [
                "id": .integer(Int64(index + 1)),
                "名称": .string("兴趣点\(index + 1)"),
                "类别": .string(categories[Int(random.next() % UInt64(categories.count))]),
                "数值": .real((random.unit() * 10_000).rounded() / 100),
                "日期": .date(CivilDate(year: 2024, month: Int(random.next() % 12) + 1, day: day)),
            ]
            let edit = revision > 0 ? Self.edit(index, revision: revision) : .none
            switch edit {
            case .none: try writer.write(Feature(properties: properties, geometry: point(longitude, latitude)))
            case .omit: continue
            case .revalue:
                var revised = properties
                revised["数值"] = .real(Double(revision) + Double(index % 100) / 100)
                try writer.write(Feature(properties: revised, geometry: point(longitude, latitude)))
            case .move: try writer.write(Feature(properties: properties, geometry: point(longitude + 0.0005, latitude + 0.0003)))
            }
        }
        if revision > 0 {
            for extra in 0..<(points / 1_000) {
                let properties: Properties = [
                    "id": .integer(Int64(points + revision * points + extra + 1)), "名称": .string("新增点\(revision)-\(extra + 1)"),
                    "类别": .string(categories[extra % categories.count]), "数值": .real(Double(extra % 100)),
                    "日期": .date(CivilDate(year: 2025, month: 1, day: 1)),
                ]
                try writer.write(Feature(properties: properties, geometry: point(113.70 + random.unit() * 1.35, 29.97 + random.unit() * 1.40)))
            }
        }
        let file = try writer.finish()
        let seconds = Date().timeIntervalSince(start)
        print("wrote \(file.url.path) (\(file.byteCount / 1_048_576) MiB, \(target)): \(formatRate(file.featureCount, seconds))")
        for warning in file.warnings { print("warning: \(warning)") }
    }

    enum Edit { case none, revalue, move, omit }

    /// Which features a revision changes: a fixed share of them, picked by a hash of index and revision.
    static func edit(_ index: Int, revision: Int) -> Edit {
        var mix = SplitMix64(state: UInt64(index) &* 0x1000_0001 &+ UInt64(revision))
        switch mix.next() % 1_000 {
        case 0..<10: return .revalue
        case 10: return .move
        case 11: return .omit
        default: return .none
        }
    }

    /// A 2D point as little-endian ISO WKB.
    func point(_ x: Double, _ y: Double) -> Geometry {
        var wkb = Data([1, 1, 0, 0, 0])
        wkb.reserveCapacity(21)
        withUnsafeBytes(of: x.bitPattern.littleEndian) { wkb.append(contentsOf: $0) }
        withUnsafeBytes(of: y.bitPattern.littleEndian) { wkb.append(contentsOf: $0) }
        return Geometry(wkb: wkb)
    }
}
