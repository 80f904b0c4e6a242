import Crypto
import Foundation

/// The signature a webhook receiver checks: `X-Shikong-Signature: sha256=<hex>`, the HMAC-SHA256,
/// keyed by the rule's secret, of `<X-Shikong-Timestamp>.<body>`. Putting the timestamp in the signed
/// text lets a receiver refuse old deliveries replayed at it.
public enum WebhookSignature {
    public static let signatureHeader = "X-Shikong-Signature"
    public static let timestampHeader = "X-Shikong-Timestamp"
    public static let eventHeader = "X-Shikong-Event-Id"
    public static let typeHeader = "X-Shikong-Event-Type"

    /// `sha256=<64 hex digits>`.
    public static func sign(body: [UInt8], timestamp: Int64, secret: String) -> String {
        var message = Array("\(timestamp).".utf8)
        message += body
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` is right for the body and timestamp (compared in constant time).
    public static func verify(signature: String, body: [UInt8], timestamp: Int64, secret: String) -> Bool {
        let expected = Array(sign(body: body, timestamp: timestamp, secret: secret).utf8)
        let given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
