import Events
import Foundation
import Testing

@Suite("Timestamp")
struct TimestampTests {
    /// 2026-11-25T06:00:00Z.
    static let base = Date(timeIntervalSince1970: 1_795_586_400)

    @Test("formats in UTC with milliseconds")
    func formatsUTCWithMilliseconds() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp.format(Self.base) == "2026-11-25T06:00:00.000Z")
        #expect(Timestamp.format(Self.base.addingTimeInterval(0.25)) == "2026-11-25T06:00:00.250Z")
    }

    @Test("truncates below the millisecond")
    func truncatesSubMilliseconds() {
        #expect(Timestamp.format(Self.base.addingTimeInterval(0.123_9)) == "2026-11-25T06:00:00.123Z")
    }

    @Test(
        "round trips",
        arguments: [
            "2026-11-25T06:00:00.000Z", "2026-11-25T06:00:00.001Z", "2026-11-25T06:00:00.123Z",
            "2026-11-25T06:00:00.999Z", "2024-02-29T23:59:59.999Z", "2000-02-29T00:00:00.000Z",
            "1970-01-01T00:00:00.000Z", "1969-07-20T20:17:40.500Z", "1900-01-01T00:00:00.001Z",
            "1600-03-01T00:00:00.000Z", "0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z",
        ])
    func roundTrips(text: String) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(Timestamp.format(date) == text)
        #expect(Timestamp.parse(Timestamp.format(date)) == date)
    }

    @Test("formats random instants as the Gregorian calendar has them")
    func formatsRandomInstants() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        for _ in 0..<2_000 {
            // 1900 … 2200, any millisecond.
            let milliseconds = Int64.random(in: -2_208_988_800_000..<7_258_118_400_000)
            let seconds = milliseconds >= 0 ? milliseconds / 1_000 : (milliseconds - 999) / 1_000
            let parts = calendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
            let expected = String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!,
                parts.second!, Int(milliseconds - seconds * 1_000))
            #expect(Timestamp.format(milliseconds: milliseconds) == expected, "\(milliseconds)")
        }
    }

    @Test("parses to the right instant")
    func parsesExactInstants() {
        #expect(Timestamp.parse("1970-01-01T00:00:00Z")?.timeIntervalSince1970 == 0)
        #expect(Timestamp.parse("2026-11-25T06:00:00Z") == Self.base)
        #expect(Timestamp.parse("2024-02-29T00:00:00Z")?.timeIntervalSince1970 == 1_709_164_800)
        #expect(Timestamp.parse("2024-03-01T00:00:00Z")?.timeIntervalSince1970 == 1_709_251_200)
    }

    @Test("dates before 1970")
    func datesBefore1970() {
        #expect(Timestamp.parse("1969-12-31T23:59:59Z")?.timeIntervalSince1970 == -1)
        #expect(Timestamp.parse("1900-01-01T00:00:00Z")?.timeIntervalSince1970 == -2_208_988_800)
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -86_400)) == "1969-12-31T00:00:00.000Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -2_208_988_800)) == "1900-01-01T00:00:00.000Z")
    }

    @Test("an exact millisecond after 2020 is written as that millisecond")
    func exactMillisecondsRecent() {
        for milliseconds in stride(from: Int64(1_795_586_400_000), to: 1_795_586_401_000, by: 1) {
            let date = Date(timeIntervalSince1970: Double(milliseconds) / 1_000)
            let text = Timestamp.format(date)
            #expect(text.hasSuffix(String(format: ".%03dZ", Int(milliseconds % 1_000))), "\(milliseconds) → \(text)")
        }
    }

    // A Date (stored relative to 2001) often holds an exact millisecond as a hair less than it;
    // flooring naively would write the millisecond before.
    @Test("an exact millisecond before 2001 is written as that millisecond")
    func exactMillisecondsBefore2001() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0.999)) == "1970-01-01T00:00:00.999Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999Z")
        let text = "1969-12-31T23:59:59.999Z"
        #expect(Timestamp.parse(text).map(Timestamp.format) == text)

    }

    @Test(
        "reads offsets",
        arguments: [
            ("2026-11-25T14:00:00+08:00", "2026-11-25T06:00:00Z"),
            ("2026-11-25T02:00:00+08:00", "2026-11-24T18:00:00Z"),
            ("2026-11-25T00:30:00-05:30", "2026-11-25T06:00:00Z"),
            ("2026-11-25T06:00:00+00:00", "2026-11-25T06:00:00Z"),
            ("2026-11-25T06:00:00-00:00", "2026-11-25T06:00:00Z"),
            ("2026-11-25T14:00:00.250+08:00", "2026-11-25T06:00:00.250Z"),
        ])
    func readsOffsets(local: String, utc: String) throws {
        let parsed = try #require(Timestamp.parse(local))
        #expect(parsed == Timestamp.parse(utc))
    }

    @Test("accepts lower-case t and z")
    func acceptsLowerCase() {
        #expect(Timestamp.parse("2026-11-25t06:00:00z") == Self.base)
        #expect(Timestamp.parse("2026-11-25t14:00:00+08:00") == Self.base)
    }

    @Test("reads 0 to 9 fraction digits", arguments: 0...9)
    func readsFractionDigits(count: Int) throws {
        let digits = String("123456789".prefix(count))
        let text = "2026-11-25T06:00:00" + (count == 0 ? "" : "." + digits) + "Z"
        let date = try #require(Timestamp.parse(text))
        let expected = try #require(Double("0." + digits + "0"))
        #expect(abs(date.timeIntervalSince(Self.base) - expected) < 1e-6)
    }

    @Test("leap days exist only in leap years")
    func leapDays() {
        #expect(Timestamp.parse("2024-02-29T12:00:00Z") != nil)
        #expect(Timestamp.parse("2000-02-29T12:00:00Z") != nil)
        #expect(Timestamp.parse("2026-02-29T12:00:00Z") == nil)
        #expect(Timestamp.parse("2100-02-29T12:00:00Z") == nil)
    }

    @Test(
        "rejects what is not RFC 3339",
        arguments: [
            "", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z", "2026-02-30T00:00:00Z",
            "2026-04-31T00:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T06:60:00Z", "2026-11-25T06:00:00",
            "2026-11-25", "2026-11-25T06:00Z", "2026-11-25T06:00:00Zjunk", "2026-11-25T06:00:00Z ",
            "2026-11-25T12:00:00.Z", "2026-11-25T06:00:00+0800", "2026-11-25T06:00:00+08", "2026-11-25T06:00:00+24:00",
            "26-11-25T06:00:00Z", "2026/11/25T06:00:00Z", "2026-11-25X06:00:00Z", "2026-1-25T06:00:00Z",
            "1795586400",
        ])
    func rejects(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}
