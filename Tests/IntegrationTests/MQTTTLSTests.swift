import Events
import Foundation
import LocalStack
import ShikongTesting
import Testing

/// The MQTT bridge over TLS (`--mqtt-ca-file`): a Mosquitto with only a TLS listener (a throwaway
/// self-signed certificate), an `ingest` process that trusts it, and readings published over TLS
/// reaching the platform's projections; clients that do not trust the certificate are refused.
@Suite("MQTT TLS", .serialized)
struct MQTTTLSTests {
    @Test("ingest --mqtt-ca-file reads a TLS-only broker; untrusting clients are refused")
    func bridgeOverTLS() async throws {
        let platform = try await TestPlatform.shared()
        let marker = UUID().uuidString.prefix(6).lowercased()
        let directory = platform.dataDirectory.appendingPathComponent("mqtt-tls-\(marker)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let (certificate, key) = try DatabaseTLSTests.selfSigned(in: directory, name: "broker")
        let (otherCA, _) = try DatabaseTLSTests.selfSigned(in: directory, name: "other")
        // Mosquitto drops root for its own user, which must read the files (a throwaway key).
        chmod(directory.path, 0o755)
        for file in [certificate, key, otherCA] { chmod(file.path, 0o644) }

        let port = freePort()
        var lines = [
            "listener \(port) 127.0.0.1", "cafile \(certificate.path)", "certfile \(certificate.path)", "keyfile \(key.path)",
            "allow_anonymous true", "log_dest stderr",
        ]
        if geteuid() == 0, getpwnam("mosquitto") != nil { lines.append("user mosquitto") }
        let configuration = directory.appendingPathComponent("mosquitto.conf")
        try (lines.joined(separator: "\n") + "\n").write(to: configuration, atomically: true, encoding: .utf8)
        let broker = try ChildProcess(
            name: "mosquitto-tls", executable: StackConfiguration(dataDirectory: directory, tansuExecutable: "").mosquittoExecutable,
            arguments: ["-c", configuration.path],
            log: directory.appendingPathComponent("mosquitto.log"), pidFile: directory.appendingPathComponent("mosquitto.pid"))
        defer { broker.stop() }
        let ingest = StageProcess(
            .ingest, platform: platform, replica: 7, extraArguments: ["--mqtt", "localhost:\(port)", "--mqtt-ca-file", certificate.path])
        try ingest.start()
        defer { ingest.stop() }

        func publish(_ tls: [String]) async throws -> Int32 {
            let payload = #"{"ts":"\#(Timestamp.format(Date()))","lon":114.31,"lat":30.59,"pm25":7.5}"#
            return try await runToolDetached(
                "/usr/bin/timeout",
                ["10", "/usr/bin/mosquitto_pub"] + tls + [
                    "-h", "localhost", "-p", String(port), "-q", "1", "-t", "city/tls-\(marker)/air", "-m", payload,
                ]
            ).status
        }
        // Publish until the bridge (subscribed once it is up) has passed a reading on to the projections.
        let deadline = ContinuousClock.now + .seconds(90)
        var projected = 0
        while ContinuousClock.now < deadline, projected == 0 {
            _ = try await publish(["--cafile", certificate.path])
            try await Task.sleep(for: .seconds(1))
            projected = try await platform.get("/collections/readings/items?sensor_id=tls-\(marker)").json["numberReturned"] as? Int ?? 0
        }
        #expect(projected >= 1, "no reading over TLS reached the projections; ingest log: \(ingest.log.path)")

        // Clients that do not trust the certificate, or do not speak TLS, get nowhere.
        #expect(try await publish(["--cafile", otherCA.path]) != 0)
        #expect(try await publish([]) != 0)
    }
}
