import Foundation
import PostgresNIO

/// Where the platform's PostgreSQL is and how to reach it: host, port, user, password and database
/// (from a `postgres://user[:password]@host:port/database` URL), the connection pool's size and TLS.
///
/// Every command that talks to the database takes them as options (`--database`,
/// `--database-pool-size`, `--database-tls`, `--database-ca-file`) or environment variables
/// (`SHIKONG_DATABASE_URL`, `SHIKONG_DATABASE_POOL_SIZE`, `SHIKONG_DATABASE_TLS`,
/// `SHIKONG_DATABASE_CA_FILE`). The URL may carry libpq's `sslmode` and `sslrootcert` too.
public struct DatabaseConfiguration: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    /// Most connections the pool opens (PostgresNIO's `maximumConnections`).
    public var poolSize = 8
    /// Whether and how the connection is encrypted, as libpq's `sslmode` says it.
    public var tls: TLSMode = .disable
    /// PEM file of the certificate authorities to trust (`verify-ca`, `verify-full`; with `require`
    /// or `prefer` it makes them verify the chain, as libpq does when a root certificate is given).
    public var caFile: String?

    public init(host: String, port: Int, username: String, password: String? = nil, database: String) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    /// A `postgres://` or `postgresql://` URL; `?sslmode=…&sslrootcert=…` are read as libpq reads them.
    public init?(url text: String) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme),
            let host = components.host, !host.isEmpty
        else { return nil }
        let database = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.init(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database.isEmpty ? "postgres" : database)
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else { return nil }
                tls = mode
            case "sslrootcert": caFile = item.value
            default: continue
            }
        }
    }

    /// The URL without the password.
    public var url: String { "postgres://\(username)@\(host):\(port)/\(database)" }
    public var description: String { tls == .disable ? url : "\(url) (TLS \(tls.rawValue))" }

    /// The same server's `postgres` database (to create the platform's database before it exists).
    public var administrative: DatabaseConfiguration {
        var configuration = self
        configuration.database = "postgres"
        return configuration
    }

    /// `reader`'s user, password and database on this configuration's pool size; with this
    /// configuration's TLS too, unless `reader` asks for TLS or names a CA file itself.
    public func reading(as reader: DatabaseConfiguration) -> DatabaseConfiguration {
        var configuration = reader
        configuration.poolSize = poolSize
        if reader.tls == .disable && reader.caFile == nil {
            configuration.tls = tls
            configuration.caFile = caFile
        }
        return configuration
    }

    /// The pool configuration PostgresNIO takes.
    public func client() throws -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: try tls.client(caFile: caFile))
        configuration.options.minimumConnections = 0
        configuration.options.maximumConnections = poolSize
        return configuration
    }

    /// The configuration of a single connection (setup steps that run before a pool does).
    public func connection() throws -> PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: try tls.connection(caFile: caFile))
    }
}
