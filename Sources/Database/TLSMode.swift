import NIOSSL
import PostgresNIO

/// Whether the database connection is encrypted and what is checked, named as libpq's `sslmode`:
///
/// | mode | encrypted | certificate chain checked | host name checked |
/// |---|---|---|---|
/// | `disable` | no | – | – |
/// | `prefer` | if the server offers it | only with a CA file | no |
/// | `require` | yes, or no connection | only with a CA file | no |
/// | `verify-ca` | yes | yes (the CA file, else the system's roots) | no |
/// | `verify-full` | yes | yes (the CA file, else the system's roots) | yes |
public enum TLSMode: String, Sendable, CaseIterable {
    case disable
    case prefer
    case require
    case verifyCA = "verify-ca"
    case verifyFull = "verify-full"

    /// The TLS settings of a connection to the database in this mode.
    public func tlsConfiguration(caFile: String?) -> TLSConfiguration? {
        guard self != .disable else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile { configuration.trustRoots = .file(caFile) }
        switch self {
        case .disable: return nil
        case .prefer, .require: configuration.certificateVerification = caFile == nil ? .none : .noHostnameVerification
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        return configuration
    }

    func client(caFile: String?) throws -> PostgresClient.Configuration.TLS {
        guard let configuration = tlsConfiguration(caFile: caFile) else { return .disable }
        return self == .prefer ? .prefer(configuration) : .require(configuration)
    }

    func connection(caFile: String?) throws -> PostgresConnection.Configuration.TLS {
        guard let configuration = tlsConfiguration(caFile: caFile) else { return .disable }
        let context = try NIOSSLContext(configuration: configuration)
        return self == .prefer ? .prefer(context) : .require(context)
    }
}
