import Access
import Foundation
import Logging
import MQTT
import ShikongTesting
import Testing

/// Per-device MQTT credentials on a platform started with them: Mosquitto refuses a wrong password
/// and anonymous clients, a device that publishes to another device's topic is refused and nothing
/// of it reaches the event log, and a device registered while the broker runs can connect within
/// seconds (the files are reloaded, not the broker restarted).
@Suite("Device credentials", .serialized)
struct DeviceCredentialsTests {
    static let mosquittoPub =
        FileManager.default.isExecutableFile(atPath: "/usr/local/bin/mosquitto_pub") ? "/usr/local/bin/mosquitto_pub" : "/usr/bin/mosquitto_pub"

    @Test("wrong passwords and other devices' topics are refused; nothing of them reaches Kafka")
    func devicesPublishOnlyAsThemselves() async throws {
        let platform = try await TestPlatform.start(deviceCredentials: true)
        defer { Task { await platform.discard() } }
        let run = UUID().uuidString.prefix(6).lowercased()
        let (alpha, beta) = ("dev-\(run)-a", "dev-\(run)-b")
        let (alphaPassword, _) = try await platform.withDatabase { client in
            let devices = DeviceStore(client: client, logger: Logger(label: "t"))
            return (try await devices.add(alpha), try await devices.add(beta))
        }
        let broker = platform.configuration
        func publish(_ user: String?, _ password: String?, topic: String, value: Int) async throws -> (status: Int32, output: String) {
            var arguments = [
                "-h", broker.mqttHost, "-p", String(broker.mqttPort), "-q", "1", "-V", "mqttv5", "-t", topic, "-m",
                #"{"ts":"\#(ISO8601DateFormatter().string(from: Date()))","lon":114.3,"lat":30.5,"values":{"pm25":\#(value)}}"#,
            ]
            if let user { arguments += ["-u", user, "-i", "\(user)-\(value)"] }
            if let password { arguments += ["-P", password] }
            return try await runToolDetached(Self.mosquittoPub, arguments)
        }

        // The registry reaches the broker without a restart: alpha connects within seconds.
        var accepted = (status: Int32(-1), output: "")
        for _ in 0..<40 where accepted.status != 0 {
            accepted = try await publish(alpha, alphaPassword, topic: "city/\(alpha)/air", value: 1)
            if accepted.status != 0 { try await Task.sleep(for: .milliseconds(250)) }
        }
        #expect(accepted.status == 0, "\(accepted.output)")

        // A wrong password and no credentials are refused.
        let wrong = try await publish(alpha, "not-the-password", topic: "city/\(alpha)/air", value: 2)
        #expect(wrong.status != 0 && wrong.output.lowercased().contains("not authori"), "\(wrong.output)")
        let anonymous = try await publish(nil, nil, topic: "city/\(alpha)/air", value: 3)
        #expect(anonymous.status != 0, "\(anonymous.output)")

        // Alpha posing as beta: refused by the broker (MQTT 5 reason 'not authorised'), and nothing reaches the log.
        let posing = try await publish(alpha, alphaPassword, topic: "city/\(beta)/air", value: 4)
        #expect(posing.status != 0 || posing.output.lowercased().contains("not authori"), "\(posing.output)")
        let after = try await publish(alpha, alphaPassword, topic: "city/\(alpha)/air", value: 5)
        #expect(after.status == 0, "\(after.output)")
        // Alpha's own readings arrive (in order, after the refused one would have); beta has none.
        let own = try await platform.waitForCount(
            "SELECT count(*)::int FROM event_archive WHERE topic = 'raw.sensor.readings' AND subject LIKE \("%\(alpha)%")",
            timeout: .seconds(60)
        ) { $0 >= 2 }
        #expect(own >= 2)
        let posed = try await platform.count(
            "SELECT count(*)::int FROM event_archive WHERE subject LIKE \("%\(beta)%") OR source LIKE \("%\(beta)%")")
        #expect(posed == 0, "a reading published as \(beta) by \(alpha) reached the log")
    }
}
