import Foundation
import Testing

@testable import API

/// The links' percent-encoding is Foundation's `addingPercentEncoding` with the RFC 3986
/// unreserved set, without its cost: the same text for random strings of every kind of character.
@Suite("Query string encoding")
struct QueryStringTests {
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    @Test("percent-encoding agrees with Foundation's")
    func agreesWithFoundation() {
        let samples = ["", "plain", "a b&c=d", "黄鹤楼", "114.3,30.5,114.4,30.6", "2026-11-25T06:00:00+08:00", "pm25 > 75 AND x<'%'", "🚲/?#[]@!$'()*+;"]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09-._~ %+&=/?#中文é\u{1F600}\"\\\n")
        let random = (0..<500).map { _ in
            String((0..<Int.random(in: 0...12, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        for text in samples + random {
            #expect(QueryString.percentEncoded(text) == text.addingPercentEncoding(withAllowedCharacters: Self.unreserved), "\(text)")
        }
        #expect(QueryString.encode([("bbox", "1,2"), ("名", "值")]) == "bbox=1%2C2&%E5%90%8D=%E5%80%BC")
    }
}
