import Foundation
import MQTT
import ShikongTesting
import Synchronization
import Testing

/// Registering the bridge's persistent session must never take messages out of it: after a crash
/// the session holds what the bridge had not acknowledged, and the broker sends it to whoever
/// connects with that client id — once, the registration itself, acknowledging it automatically,
/// which lost every reading in flight when `shikong up` was killed and started again.
@Suite("MQTT sessions", .serialized)
struct MQTTSessionTests {
    @Test("registering an existing session leaves its queued messages for the subscriber")
    func registrationKeepsQueuedMessages() async throws {
        let platform = try await TestPlatform.shared()
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let connection = MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "session-\(run)")
        let filter = "session/\(run)/#"
        try MQTTSession.register(connection, topicFilters: [filter])

        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "session-pub-\(run)"))
        defer { publisher.close() }
        try await publisher.publishAll((0..<500).map { MQTTMessage(topic: "session/\(run)/m", payload: Array("\($0)".utf8)) })
        #expect(await publisher.acknowledged())

        // The session exists and holds 500 messages: registering again must leave them there.
        try MQTTSession.register(connection, topicFilters: [filter])

        let received = Mutex<Set<String>>([])
        let subscriber = MQTTSubscriber(configuration: .init(connection: connection, topicFilters: [filter]))
        let running = Task {
            try await subscriber.run { message, confirm in
                received.withLock { _ = $0.insert(String(decoding: message.payload, as: UTF8.self)) }
                confirm(true)
            }
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while received.withLock({ $0.count }) < 500, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        subscriber.stop()
        _ = try? await running.value
        #expect(received.withLock { $0.count } == 500, "the subscriber got \(received.withLock { $0.count }) of the 500 queued messages")
    }
}
