import Events
import Foundation
import JSON

/// The observation time a raw reading declares (`ts`: RFC 3339 text or epoch milliseconds), read
/// without judging the rest of the payload: validation is the spatialiser's job.
enum ReadingTime {
    static func declared(in payload: [UInt8]) -> Date? {
        guard payload.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{"),
            let ts = (try? JSONParser.parse(bytes: payload))?["ts"]
        else { return nil }
        switch ts {
        case .string(let text): return Timestamp.parse(text)
        case .number(let milliseconds) where milliseconds.isFinite && abs(milliseconds) < 1e15:
            return Date(timeIntervalSince1970: milliseconds / 1_000)
        default: return nil
        }
    }
}
