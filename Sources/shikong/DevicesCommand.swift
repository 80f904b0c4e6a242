import Access
import ArgumentParser
import Foundation
import Platform

/// `shikong devices add|remove|list`: the MQTT credentials of sensors. A platform started with
/// `--mqtt-device-credentials` reloads Mosquitto's password and ACL files within a second: a device
/// may publish only to its own topics (each feed filter with the sensor id for `+`).
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices", abstract: "Manage the MQTT credentials of devices (sensors).", subcommands: [Add.self, Remove.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a device (its MQTT user name is its sensor id) or set a new password; prints a generated password.")
        @Argument(help: "The sensor id, as it appears in its topic (city/<id>/air).") var id: String
        @Option(help: "Its password (default: generated and printed once).") var password: String?
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let (id, password) = (id, password)
            let secret = try await DevicesCommand.withDevices(options, logging) { devices in try await devices.add(id, password: password) }
            print("device \(id) registered")
            if password == nil { print("password (shown once): \(secret)") }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a device: it can no longer connect.")
        @Argument(help: "The sensor id.") var id: String
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            let id = id
            let removed = try await DevicesCommand.withDevices(options, logging) { devices in try await devices.remove(id) }
            print(removed ? "device \(id) removed" : "no device \(id)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered devices.")
        @OptionGroup var options: ExternalServiceOptions
        @OptionGroup var logging: LoggingOptions

        func run() async throws {
            for device in try await DevicesCommand.withDevices(options, logging, { devices in try await devices.devices().map(\.id) }) {
                print(device)
            }
        }
    }

    static func withDevices<T: Sendable>(
        _ options: ExternalServiceOptions, _ logging: LoggingOptions, _ body: @Sendable (DeviceStore) async throws -> T
    ) async throws -> T {
        try await withAccessDatabase(options, logging, label: "shikong.devices") { client, logger in
            try await body(DeviceStore(client: client, logger: logger))
        }
    }
}
