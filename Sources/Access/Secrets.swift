import Crypto
import Dispatch
import Foundation
import HummingbirdBcrypt

/// Bearer tokens and passwords: tokens are random, shown once, and stored only as their SHA-256;
/// passwords are stored as bcrypt hashes, computed off the cooperative thread pool (they are slow
/// on purpose).
public enum Secrets {
    /// A new token: `shk_` and 32 random bytes in base64url.
    public static func newToken() -> String {
        "shk_" + randomText(bytes: 32)
    }

    /// A one-time password for a new account: 18 random bytes in base64url (24 characters).
    public static func newPassword() -> String {
        randomText(bytes: 18)
    }

    /// What the database keeps of a token.
    public static func digest(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(token.utf8)))
    }

    /// The bcrypt hash of `password` (log2 rounds `cost`).
    public static func hash(password: String, cost: UInt8) async -> String {
        await offThePool { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches the bcrypt `hash`.
    public static func verify(password: String, hash: String) async -> Bool {
        await offThePool { Bcrypt.verify(password, hash: hash) }
    }

    private static func randomText(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func offThePool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
