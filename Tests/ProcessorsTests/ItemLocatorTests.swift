import Events
import Foundation
import JSON
import Kafka
import Testing

@testable import Processors

/// The item locator over a fake geocoder (our own interface): which of address and text it places
/// an item by, the date it reads the gazetteer as of, and the reasons it gives.
@Suite("Item locator")
struct ItemLocatorTests {
    /// Knows two addresses and one text; records the dates it was asked as of.
    final class FakeGeocoder: FreeTextGeocoder, @unchecked Sendable {
        private let lock = NSLock()
        private var days: [Date?] = []
        var asked: [Date?] { lock.withLock { days } }

        func geocode(_ address: String, asOf: Date?) -> AddressMatch {
            lock.withLock { days.append(asOf) }
            switch address {
            case "武汉市洪山区珞喻路1037号":
                return .found(
                    Geocoded(
                        longitude: 114.414, latitude: 30.513, address: "湖北省武汉市洪山区珞喻路1037号", adminCodes: ["420000", "420100", "420111"],
                        precision: "address_point", score: 0.95))
            default: return .failed(reason: "no_place_found: nothing recognised")
            }
        }

        func geocode(freeText: String, asOf: Date?) -> AddressMatch {
            lock.withLock { days.append(asOf) }
            guard freeText.contains("江汉路") else { return .failed(reason: "no_place_found: no place named") }
            return .found(
                Geocoded(
                    longitude: 114.29, latitude: 30.58, address: "湖北省武汉市江汉区", adminCodes: ["420000", "420100", "420103"], precision: "county",
                    score: 0.8))
        }
    }

    static func message(_ line: String) -> KafkaMessage {
        let record = RawItems.record(
            line: Data(line.utf8), lineNumber: 1, source: "test://items", receivedAt: Date(timeIntervalSince1970: 1_795_000_000))
        return KafkaMessage(
            topic: record.topic, partition: 0, offset: 3, key: record.key, value: record.value, headers: record.headers, timestampMilliseconds: nil)
    }

    static let decoder = EventJSON.decoder()

    func located(_ result: Result<OutgoingRecord, ItemLocator.Failure>) throws -> LocatedItemEvent {
        switch result {
        case .success(let record): return try Self.decoder.decode(LocatedItemEvent.self, from: record.value)
        case .failure(let failure): throw failure
        }
    }

    @Test("an address is placed by the address, with codes, precision and score; the event keeps the raw id")
    func address() throws {
        let geocoder = FakeGeocoder()
        let message = Self.message(#"{"id":"a1","time":"2008-05-12T15:00:00+08:00","task":"t","address":"武汉市洪山区珞喻路1037号","text":"江汉路"}"#)
        let event = try located(ItemLocator(geocoder: geocoder).locate(message))
        #expect(event.space.method == "address")
        #expect(event.space.adminCode == "420111")
        #expect(event.space.adminCodes == ["420000", "420100", "420111"])
        #expect(event.space.geometry.coordinates == [114.414, 30.513])
        #expect(event.space.crs == "EPSG:4490")
        #expect(event.subject == "item:a1")
        #expect(event.id == (try EventMetadata(kafkaMessage: message)).id)
        #expect(geocoder.asked == [Timestamp.parse("2008-05-12T15:00:00+08:00")], "read as of the item's own time, text not needed")
    }

    @Test("the text is used when the address does not place, and the labels default")
    func textFallback() throws {
        let message = Self.message(#"{"id":"a2","time":"2026-11-21T19:05:00+08:00","source_url":"u","address":"某地","text":"江汉路步行街灯光秀"}"#)
        let event = try located(ItemLocator(geocoder: FakeGeocoder()).locate(message))
        #expect(event.space.method == "text")
        #expect(event.space.adminCode == "420103")
        #expect(event.attributes == ItemLocator.defaultLabels)
    }

    @Test(
        "failures say why, naming what was tried",
        arguments: [
            (#"{"id":"a3","time":"2026-11-21T19:05:00+08:00","task":"t","address":"某地","text":"今天天气不错"}"#, "address \"某地\": no_place_found"),
            (#"{"id":"a4","time":"2026-11-21T19:05:00+08:00","task":"t"}"#, "no address and no text"),
            (#"{"id":"a5","task":"t","address":"x"}"#, "missing field time"),
            (#"[1,2]"#, "not a JSON object"),
            (#"{"id":"a6","time":"yesterday","task":"t","text":"x"}"#, "is not an RFC 3339 date-time"),
        ])
    func failures(line: String, reason: String) {
        guard case .failure(let failure) = ItemLocator(geocoder: FakeGeocoder()).locate(Self.message(line)) else {
            Issue.record("\(line) was placed")
            return
        }
        #expect(failure.reason.contains(reason), "\(failure.reason)")
        #expect(failure.eventID != nil)
    }
}
