import CQL2
import Foundation
import Testing

@Suite("dates and timestamps")
struct TemporalLiteralTests {
    @Test("dates are checked against the calendar")
    func dates() {
        #expect(CQL2Date(parsing: "2024-02-29") != nil)
        #expect(CQL2Date(parsing: "2023-02-29") == nil)
        #expect(CQL2Date(parsing: "1900-02-29") == nil)
        #expect(CQL2Date(parsing: "2000-02-29") != nil)
        #expect(CQL2Date(parsing: "2026-04-31") == nil)
        #expect(CQL2Date(parsing: "2026-4-30") == nil)
        #expect(CQL2Date(parsing: "0000-01-01") == nil)
        #expect(CQL2Date(parsing: "2026-11-25")?.description == "2026-11-25")
    }

    @Test(
        "timestamps agree with Foundation",
        arguments: [
            "1970-01-01T00:00:00Z", "2026-11-25T06:00:00Z", "1969-12-31T23:59:59Z", "2000-02-29T12:34:56Z", "1900-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
        ])
    func timestamps(text: String) throws {
        let parsed = try #require(CQL2Timestamp(parsing: text))
        let formatter = ISO8601DateFormatter()
        let expected = try #require(formatter.date(from: text))
        #expect(parsed.microsecondsSinceEpoch == Int64(expected.timeIntervalSince1970) * 1_000_000)
        #expect(parsed.description == text)
    }

    @Test("fractions to the microsecond, offsets to UTC")
    func fractionsAndOffsets() {
        #expect(CQL2Timestamp(parsing: "2026-11-25T06:00:00.5Z")?.description == "2026-11-25T06:00:00.500000Z")
        #expect(CQL2Timestamp(parsing: "2026-11-25T06:00:00.0000004Z")?.description == "2026-11-25T06:00:00Z")
        #expect(CQL2Timestamp(parsing: "2026-11-25T06:00:00.0000005Z")?.description == "2026-11-25T06:00:00.000001Z")
        #expect(CQL2Timestamp(parsing: "2026-11-25T23:59:59.9999999Z")?.description == "2026-11-26T00:00:00Z")
        #expect(CQL2Timestamp(parsing: "2026-11-25T14:00:00+08:00") == CQL2Timestamp(parsing: "2026-11-25T06:00:00Z"))
        #expect(CQL2Timestamp(parsing: "2026-11-25T00:30:00-05:30") == CQL2Timestamp(parsing: "2026-11-25T06:00:00Z"))
        for bad in [
            "2026-11-25T06:00:00", "2026-11-25 06:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T06:60:00Z", "2026-11-25T06:00:00.Z",
            "2026-11-25T06:00:00Zjunk",
        ] {
            #expect(CQL2Timestamp(parsing: bad) == nil, "\(bad)")
        }
    }
}
