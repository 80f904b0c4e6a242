import Foundation
import Hummingbird

/// Query strings for links, and the decoded parameters of a request in their order.
enum QueryString {
    /// Unreserved characters (RFC 3986) stay; everything else is percent-encoded.
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    static func encode(_ parameters: [(String, String)]) -> String {
        parameters.map { name, value in
            "\(name.addingPercentEncoding(withAllowedCharacters: unreserved) ?? name)=\(value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value)"
        }.joined(separator: "&")
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
