import Foundation
import GeoFormats
import Testing

@Suite("CSV locations")
struct CSVTests {
    @Test("bad rows are failures with their row numbers; good and address-only rows come through")
    func badRows() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let csv = """
            id,名称,经度,纬度,地址
            1,好点,114.30,30.60,
            2,坏经度,abc,30.60,
            3,缺纬度,114.30,,
            4,只有地址,,,湖北省武汉市江汉区江汉路1号
            5,什么都没有,,,
            6,非数,nan,30.5,
            7,又一个好点,114.31,30.61,武昌区
            8,多余文字,114.3x,30.6,
            """
        let file = try directory.write("pois.csv", csv + "\n")
        let reader = try FeatureReader(path: file.path)
        let cursor = try reader.cursor()
        #expect(cursor.csvColumns == CSVLocationColumns(longitude: "经度", latitude: "纬度", wkt: nil, address: ["地址"]))
        #expect(reader.layers.first?.fields.map(\.name) == ["id", "名称", "地址"])
        #expect(reader.layers.first?.featureCount == nil)
        let results = try cursor.next(batch: 100)
        #expect(results.map(\.row) == Array(1...8))

        let features = results.compactMap(\.feature)
        #expect(features.map(\.row) == [1, 4, 7])
        #expect(features[0].geometry != nil && features[0].address == nil)
        #expect(features[1].needsGeocoding)
        #expect(features[1].address == "湖北省武汉市江汉区江汉路1号")
        #expect(features[2].address == "武昌区" && features[2].geometry != nil)
        #expect(features[0].properties.names == ["id", "名称", "地址"])

        let failures = results.compactMap(\.failure)
        #expect(failures.map(\.row) == [2, 3, 5, 6, 8])
        #expect(failures.allSatisfy { $0.file == file.path && $0.layer == "pois" })
        #expect(failures[0].reason.contains("'abc' in column '经度' is not a number"))
        #expect(failures[1].reason.contains("'经度' has a value but '纬度' is empty"))
        #expect(failures[2].reason.contains("no coordinates and no address"))
        #expect(failures[3].reason.contains("'nan'"))
        #expect(failures[4].reason.contains("'114.3x'"))
        #expect(failures[0].properties["名称"] == .string("坏经度"))
        #expect(try cursor.next() == nil)
    }

    @Test("a bad WKT value is a row failure with GDAL's reason; other rows read")
    func badWKT() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let csv = """
            name,geometry
            a,"POLYGON ((114.3 30.6, 114.4 30.6, 114.4 30.7, 114.3 30.6))"
            b,"POLYGON ((114.3 30.6, 114.4"
            c,"LINESTRING Z (114.3 30.6 1, 114.4 30.7 2)"
            """
        let file = try directory.write("shapes.csv", csv + "\n")
        let results = try FeatureReader(path: file.path).cursor().next(batch: 10)
        #expect(results.map(\.row) == [1, 2, 3])
        #expect(results[1].failure?.reason.contains("WKT in column 'geometry' cannot be parsed") == true)
        let line = try #require(results[2].feature?.geometry)
        #expect(line.type == GeometryType.lineString.with(z: true))
        #expect(try WKBCoordinates(line.wkb).positions == [[114.3, 30.6, 1], [114.4, 30.7, 2]])
        #expect(results[0].feature?.properties.names == ["name"])
    }

    @Test("configured column names, several address columns, and GB18030 text")
    func configuredColumns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let text = "编号,东经,北纬,省,市,街道\n1,114.3,30.6,湖北省,武汉市,江汉路\n2,,,湖北省,武汉市,中山大道\n"
        let utf8 = try directory.write("utf8.csv", text)
        let gbk = directory.file("gbk.csv")
        try GDALTools.check("sh", ["-c", "iconv -f UTF-8 -t GB18030 \"$0\" > \"$1\"", utf8.path, gbk.path])
        #expect(try Data(contentsOf: gbk) != Data(text.utf8))

        var options = ReadOptions()
        options.csv.longitudeColumns = ["东经"]
        options.csv.latitudeColumns = ["北纬"]
        options.csv.addressColumns = ["省", "市", "街道"]
        let results = try FeatureReader(path: gbk.path, options: options).cursor().next(batch: 10)
        let features = results.compactMap(\.feature)
        #expect(features.count == 2)
        #expect(features[0].geometry != nil)
        #expect(features[1].needsGeocoding)
        #expect(features[1].address == "湖北省武汉市中山大道")
        #expect(features[0].properties.names == ["编号", "省", "市", "街道"])
    }

    @Test("a CSV without any location column is refused with the names looked for")
    func noLocation() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("table.csv", "a,b\n1,2\n")
        let reader = try FeatureReader(path: file.path)
        #expect {
            try reader.cursor()
        } throws: { error in
            guard let error = error as? GeoFormatsError else { return false }
            return error.code == .noLocationColumns && error.message.contains("经度")
        }
    }

    @Test("types are detected from the first megabyte; a later value that does not fit keeps its text")
    func typeMismatchKeepsText() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Within the first megabyte, one "N/A" makes the whole column text.
        let small = try directory.write("small.csv", "lon,lat,population,code\n114.3,30.6,1200,\"0271\"\n114.3,30.6,N/A,\"0272\"\n")
        let few = try FeatureReader(path: small.path).cursor().next(batch: 10).compactMap(\.feature)
        #expect(few.map { $0.properties["population"] } == [.string("1200"), .string("N/A")])
        // Quoted numbers stay text, leading zeros and all.
        #expect(few.map { $0.properties["code"] } == [.string("0271"), .string("0272")])

        // Beyond it, the column is an integer and the odd value keeps its text rather than becoming null.
        var text = "lon,lat,population\n"
        let row = "114.3,30.6,1200\n"
        text += String(repeating: row, count: (1 << 20) / row.utf8.count + 10)
        text += "114.3,30.6,N/A\n"
        let large = try directory.write("large.csv", text)
        let reader = try FeatureReader(path: large.path)
        #expect(reader.layers.first?.fields.first { $0.name == "population" }?.type == .integer)
        let cursor = try reader.cursor()
        var last: Feature?
        var count = 0
        while let result = try cursor.next() {
            last = result.feature
            count += 1
        }
        #expect(last?.properties["population"] == .string("N/A"))
        #expect(last?.row == count)
    }
}
