import Access
import Foundation
import LocalStack
import Logging
import Database
import ServiceLifecycle

/// Keeps Mosquitto's password and ACL files in step with the device registry: every second it
/// looks whether a device was added, changed or removed, and if so renders the files (each device
/// may publish only to its own topics under the feeds; the platform's account reads and writes
/// everything) and has the broker reload them without a restart.
public struct DeviceAccessSync: Service {
    let database: DatabaseConfiguration
    let feedFilters: [String]
    let platformAccount: MosquittoAccess.Account
    let apply: @Sendable (_ passwords: String, _ acl: String) throws -> Void
    let interval: Duration
    let logger: Logger

    public init(
        database: DatabaseConfiguration, feedFilters: [String], platformAccount: MosquittoAccess.Account, interval: Duration = .seconds(1),
        logger: Logger, apply: @escaping @Sendable (_ passwords: String, _ acl: String) throws -> Void
    ) {
        self.database = database
        self.feedFilters = feedFilters
        self.platformAccount = platformAccount
        self.apply = apply
        self.interval = interval
        self.logger = logger
    }

    /// For the local stack: its Mosquitto's files, and the account `configuration` connects with.
    public static func local(stack: LocalStack, configuration: PlatformConfiguration, logger: Logger) -> DeviceAccessSync? {
        guard let name = configuration.mqttUsername, let password = configuration.mqttPassword else { return nil }
        return DeviceAccessSync(
            database: configuration.database, feedFilters: configuration.feeds.map(\.topicFilter),
            platformAccount: MosquittoAccess.Account(
                name: name, passwordHash: MosquittoAccess.passwordHash(password), publish: ["#"], subscribe: ["#"]),
            logger: logger
        ) { passwords, acl in try stack.reloadMQTTAccess(passwords: passwords, acl: acl) }
    }

    /// A new account for the platform itself (bridge, alert delivery) with a random password.
    static func platformAccount(instance: String) -> (account: MosquittoAccess.Account, password: String) {
        let password = Secrets.newPassword()
        return (
            MosquittoAccess.Account(
                name: "\(instance)-platform", passwordHash: MosquittoAccess.passwordHash(password), publish: ["#"], subscribe: ["#"]), password
        )
    }

    public func run() async throws {
        try await Pipeline.withDatabase(database, logger: logger) { client in await follow(DeviceStore(client: client, logger: logger)) }
    }

    private func follow(_ devices: DeviceStore) async {
        var applied: String?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let version = try await devices.version()
                if version != applied {
                    let accounts = try await devices.devices().map { device in
                        MosquittoAccess.Account(
                            name: device.id, passwordHash: device.passwordHash,
                            publish: MosquittoAccess.deviceTopics(device.id, feedFilters: feedFilters))
                    }
                    let rendered = MosquittoAccess.render([platformAccount] + accounts)
                    try apply(rendered.passwords, rendered.acl)
                    applied = version
                    logger.info("MQTT device credentials reloaded", metadata: ["devices": "\(accounts.count)"])
                }
            } catch {
                logger.warning("MQTT device credentials not reloaded", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
