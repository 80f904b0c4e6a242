import Foundation
import PostgresNIO

/// Where the projections' PostgreSQL is, from a `postgres://user[:password]@host:port/database` URL.
public struct DatabaseConfiguration: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String

    public init(host: String, port: Int, username: String, password: String? = nil, database: String) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
    }

    public init?(url text: String) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme),
            let host = components.host, !host.isEmpty
        else { return nil }
        let database = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.init(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database.isEmpty ? "postgres" : database)
    }

    public var url: String { "postgres://\(username)@\(host):\(port)/\(database)" }
    public var description: String { url }

    public var client: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: .disable)
        configuration.options.minimumConnections = 0
        configuration.options.maximumConnections = 8
        return configuration
    }
}
