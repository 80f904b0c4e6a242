import Foundation
import Logging
import PostgresNIO

/// Devices (sensors) that connect to MQTT with their own credentials (migration 17,
/// `access_devices`): each may publish only to its own topics. The platform renders them into
/// Mosquitto's password and ACL files (``MosquittoAccess``) and reloads the broker.
public struct DeviceStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Registers a device (or sets a new password for it); returns the password (generated when none is given).
    @discardableResult
    public func add(_ id: String, password: String? = nil) async throws -> String {
        guard AccessStore.isValidName(id) else { throw AccessError("device ids are 1–64 letters, digits, '.', '_' or '-', not \(id)") }
        let secret = password ?? Secrets.newPassword()
        try await client.query(
            """
            INSERT INTO access_devices (id, password_hash) VALUES (\(id), \(MosquittoAccess.passwordHash(secret)))
            ON CONFLICT (id) DO UPDATE SET password_hash = excluded.password_hash, updated_at = now()
            """, logger: logger)
        return secret
    }

    /// Removes a device; returns whether there was one.
    @discardableResult
    public func remove(_ id: String) async throws -> Bool {
        let rows = try await client.rows("DELETE FROM access_devices WHERE id = \(id) RETURNING id", logger: logger)
        if !rows.isEmpty { try await client.query("UPDATE access_device_changes SET changed_at = now()", logger: logger) }
        return !rows.isEmpty
    }

    /// Every device: id and password hash.
    public func devices() async throws -> [(id: String, passwordHash: String)] {
        try await client.rows("SELECT id, password_hash FROM access_devices ORDER BY id", logger: logger).map {
            let (id, hash) = try $0.decode((String, String).self)
            return (id, hash)
        }
    }

    /// Changes whenever a device is added, changed or removed.
    public func version() async throws -> String {
        let rows = try await client.rows(
            """
            SELECT count(*)::text || '/' || coalesce(max(updated_at)::text, '') || '/' || (SELECT coalesce(max(changed_at)::text, '') FROM access_device_changes)
            FROM access_devices
            """, logger: logger)
        return try rows.first?.decode(String.self) ?? ""
    }
}
