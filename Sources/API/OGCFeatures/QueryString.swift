import Foundation
import Hummingbird

/// Query strings for links, and the decoded parameters of a request in their order.
enum QueryString {
    static func encode(_ parameters: [(String, String)]) -> String {
        parameters.map { name, value in "\(percentEncoded(name))=\(percentEncoded(value))" }.joined(separator: "&")
    }

    /// `text` with every byte but the unreserved characters (RFC 3986) percent-encoded: what
    /// `addingPercentEncoding` does, without Foundation's bridging (every page of items builds five
    /// links; this was 5 % of a bbox query's CPU).
    static func percentEncoded(_ text: String) -> String {
        if text.utf8.allSatisfy(isUnreserved) { return text }
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                bytes.append(byte)
            } else {
                bytes.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// `url` with `parameters` appended.
    static func url(_ url: String, _ parameters: [(String, String)]) -> String {
        parameters.isEmpty ? url : "\(url)?\(encode(parameters))"
    }

    /// The request's parameters, percent-decoded, in order.
    static func parameters(_ request: Request) -> [(String, String)] {
        request.uri.queryParameters.map { (String($0.key), String($0.value)) }
    }
}

extension Request {
    /// The path as the client wrote it, e.g. `http://host:port/collections`.
    func url(_ path: String) -> String { baseURL + path }
}
