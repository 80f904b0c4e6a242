import Access
import JSON
import ReadModel
import Testing

/// The live twin of `shikong_feature_hidden`: the same rule for one event's properties.
@Suite("Feature levels in live events")
struct FeatureClassificationRuleTests {
    static func allows(_ value: JSONValue?, clearance: Clearance) -> Bool {
        let properties: [(key: String, value: JSONValue)] = value.map { [("name", .string("x")), ("level", $0)] } ?? [("name", .string("x"))]
        return FeatureClassification(property: "level", clearance: clearance).allows(properties)
    }

    @Test("labels up to the clearance are seen; missing, null or empty take the collection's level; an unreadable label fails closed")
    func rule() {
        #expect(Self.allows(.string("public"), clearance: .public))
        #expect(Self.allows(.string(" 公开 "), clearance: .public))
        #expect(!Self.allows(.string("Government"), clearance: .public))
        #expect(Self.allows(.string("政务"), clearance: .government))
        #expect(!Self.allows(.string("涉密"), clearance: .government))
        #expect(Self.allows(nil, clearance: .public))
        #expect(Self.allows(.null, clearance: .public))
        #expect(Self.allows(.string(" "), clearance: .public))
        #expect(!Self.allows(.string("clasified"), clearance: .government))
        #expect(!Self.allows(.number(3), clearance: .government))
        #expect(FeatureClassification(property: "level", clearance: .government).visibleLabels.contains("政务"))
    }
}
