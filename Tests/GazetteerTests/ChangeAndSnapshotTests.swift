import Foundation
import Gazetteer
import Testing

@Suite("Changes, loaders and snapshots")
struct ChangeAndSnapshotTests {
    @Test("the fixture loads the expected numbers of divisions")
    func counts() {
        let counts = Fixture.gazetteer.counts
        #expect(counts[.province] == 33)
        #expect(counts[.city] == 333)
        // The MCA list's 2,845 counties are current; the counties JioNLP lists with a code the MCA list
        // no longer has (merged away since) are historic.
        let counties = Fixture.gazetteer.divisions.filter { $0.level == .county }
        #expect(counties.filter(\.validity.isCurrent).count == 2845)
        #expect(counties.filter { !$0.validity.isCurrent }.count == 11)
        #expect(counts[.county] == counties.count)
        #expect((counts[.township] ?? 0) > 1_000)
        #expect((counts[.village] ?? 0) > 2_500)
        #expect(Fixture.gazetteer.boundaries.count == 13)
    }

    @Test(
        "short names",
        arguments: [
            ("湖北省", "湖北"), ("武汉市", "武汉"), ("洪山区", "洪山"), ("恩施土家族苗族自治州", "恩施"), ("长阳土家族自治县", "长阳"), ("神农架林区", "神农架"),
            ("内蒙古自治区", "内蒙古"), ("广西壮族自治区", "广西"), ("新疆维吾尔自治区", "新疆"), ("海西蒙古族藏族自治州", "海西"),
        ])
    func shortNames(_ name: String, _ short: String) throws {
        let division = try #require(Fixture.gazetteer.divisions.first { $0.currentName == name })
        #expect(division.names.last?.shortName == short)
    }

    @Test("township short names strip 街道/镇/乡 and ethnic words")
    func townshipShortNames() throws {
        let json = #"{"divisions": [[3, "420322", "", "郧西县"], [4, "420322202", "420322", "湖北口回族乡"], [4, "420322100", "420322", "城关镇"]]}"#
        let changes = try DivisionLoaders.mcaDivisions(json: Data(json.utf8))
        let gazetteer = Gazetteer(changes: changes)
        #expect(gazetteer.division(code: "420322202")?.names.last?.shortName == "湖北口")
        #expect(gazetteer.division(code: "420322100")?.names.last?.shortName == "城关")
        #expect(gazetteer.geocode("郧西县湖北口乡").code(at: .township) == "420322202")
        #expect(gazetteer.geocode("郧西县城关").code(at: .township) == "420322100")
    }

    @Test("changes round-trip through JSON, as events would carry them")
    func codable() throws {
        let sample =
            Array(Fixture.changes.prefix(50))
            + Fixture.changes.filter {
                if case .formerNameAdded = $0 { return true }
                if case .aliasAdded = $0 { return true }
                return false
            }.prefix(20)
        let data = try JSONEncoder().encode(sample)
        let decoded = try JSONDecoder().decode([GazetteerChange].self, from: data)
        #expect(decoded == sample)
        #expect(sample.first?.eventType == "gazetteer.division.upserted")
        #expect(sample.first?.subject.hasPrefix("division:") == true)
    }

    @Test("applying the changes one by one gives the same answers as a snapshot")
    func snapshot() throws {
        let data = GazetteerSnapshot.encode(Fixture.gazetteer)
        let restored = try GazetteerSnapshot.decode(data)
        #expect(restored.counts == Fixture.gazetteer.counts)
        #expect(restored.boundaries.count == Fixture.gazetteer.boundaries.count)
        for text in ["湖北省武汉市洪山区珞南街道", "华科", "武漢市江漢區", "湖北省襄樊市", "武汉市红山区", "湖北省武汉市黄陂区木兰乡七里冲村"] {
            #expect(restored.geocode(text) == Fixture.gazetteer.geocode(text), "\(text)")
        }
        let point = GeoPoint(lon: 114.365, lat: 30.537)
        #expect(restored.reverse(point) == Fixture.gazetteer.reverse(point))
    }

    @Test("a corrupt snapshot is refused with a reason")
    func corrupt() {
        #expect(throws: GazetteerLoadError.self) { try GazetteerSnapshot.decode(Data("nonsense".utf8)) }
        var data = GazetteerSnapshot.encode(Fixture.gazetteer)
        data.removeLast(100)
        #expect(throws: GazetteerLoadError.self) { try GazetteerSnapshot.decode(data) }
    }

    @Test("operator tables with bad rows are refused with the row number")
    func badTables() {
        #expect(throws: GazetteerLoadError.self) { try OperatorTables.aliases(csv: "kind,alias,target\nshop,x,y\n") }
        #expect(throws: GazetteerLoadError.self) { try OperatorTables.aliases(csv: "alias,target\nx,y\n") }
        #expect(throws: GazetteerLoadError.self) {
            try OperatorTables.addressPoints(csv: "id,address,lon,lat\na,b,east,north\n", transformer: Fixture.transformer)
        }
        #expect(throws: GazetteerLoadError.self) {
            try OperatorTables.addressPoints(csv: "id,address,lon,lat,crs\na,b,1,2,MARS\n", transformer: Fixture.transformer)
        }
    }

    @Test("CSV with quotes, commas and newlines")
    func csv() {
        let rows = CSVReader.rows("a,b\n\"x, y\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",z\n")
        #expect(rows == [["a", "b"], ["x, y", "say \"hi\""], ["multi\nline", "z"]])
        #expect(CSVReader.escape("a,b") == "\"a,b\"")
    }

    @Test("batch geocoding keeps the input order and writes CSV and GeoJSON")
    func batch() throws {
        let table = try GeocodeTable.parse(Data("id,addr\n1,武汉市洪山区\n2,啊啊啊\n3,华科\n".utf8), format: .csv)
        let results = BatchGeocoder.geocode(try table.values(of: "addr"), with: Fixture.gazetteer)
        #expect(results.map(\.isSuccess) == [true, false, true])
        let csv = String(decoding: GeocodeOutput.write(table, results, as: .csv), as: UTF8.self)
        #expect(csv.hasPrefix("id,addr,gz_status"))
        #expect(csv.contains("420111"))
        let geoJSON = try JSONSerialization.jsonObject(with: GeocodeOutput.write(table, results, as: .geoJSON)) as? [String: Any]
        #expect((geoJSON?["features"] as? [Any])?.count == 3)
        let lines = try GeocodeTable.parse(Data("{\"a\":\"武汉市洪山区\",\"n\":1}\n{\"a\":\"华科\"}\n".utf8), format: .jsonLines)
        #expect(try lines.values(of: "a") == ["武汉市洪山区", "华科"])
        #expect(throws: GazetteerLoadError.self) { try lines.values(of: "address") }
    }
}
