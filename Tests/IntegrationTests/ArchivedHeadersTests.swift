import Foundation
import JSON
import Kafka
import Testing

@testable import Projections

/// The archive keeps every record's headers as JSON text that `LogRecovery` turns back into the
/// same headers; the writer copies plain bytes without escaping them. No services needed.
@Suite("Archived headers")
struct ArchivedHeadersTests {
    /// The encoding before plain bytes were copied: every name and UTF-8 value through `JSONValue.writeString`.
    static func reference(_ headers: [KafkaHeader]) -> String {
        var output = "["
        for (index, header) in headers.enumerated() {
            output += index == 0 ? #"{"k":"# : #",{"k":"#
            JSONValue.writeString(header.key, into: &output)
            if let text = String(validating: header.value, as: UTF8.self) {
                output += #","v":"#
                JSONValue.writeString(text, into: &output)
            } else {
                output += #","b64":""# + header.value.base64EncodedString() + #"""#
            }
            output += "}"
        }
        return output + "]"
    }

    static let pieces: [[UInt8]] = [
        Array("ce_id".utf8), Array("1.0".utf8), Array("EPSG:4326".utf8), Array(#"a"b"#.utf8), Array(#"back\slash"#.utf8),
        Array("tab\tnew\nline".utf8), Array("时空".utf8), Array(#"{"feed":"空气"}"#.utf8), [0xFF, 0xFE], [0x7F], [0x00], [0xE6, 0x97],
    ]

    @Test("written as before, and read back to the same headers")
    func encodesAsBeforeAndRoundTrips() {
        for _ in 0..<1_000 {
            let headers = (0..<Int.random(in: 0...6)).map { _ in
                KafkaHeader(
                    key: String(decoding: Self.pieces.randomElement()!, as: UTF8.self),
                    value: Data((0..<Int.random(in: 0...3)).flatMap { _ in Self.pieces.randomElement()! }))
            }
            let encoded = ArchivedHeaders.encode(headers)
            #expect(encoded == Self.reference(headers), "\(headers)")
            #expect(ArchivedHeaders.decode(encoded) == headers, "\(encoded)")
        }
    }
}
