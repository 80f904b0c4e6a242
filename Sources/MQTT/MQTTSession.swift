import CMosquitto
import Foundation
import Synchronization

/// Persistent MQTT sessions. A QoS 1 message published before a subscriber's session exists has
/// nowhere to wait and is gone, so the platform creates its bridge's session (client id and
/// subscriptions) before any feed can publish; from then on the broker keeps messages for it
/// whether or not the bridge is connected.
public enum MQTTSession {
    /// Connects as `connection.clientID` with a persistent session, subscribes to the filters at
    /// QoS 1, waits for the broker to confirm, and disconnects (the session stays). Blocking.
    public static func register(_ connection: MQTTConnection, topicFilters: [String], timeout: Duration = .seconds(15)) throws(MQTTError) {
        _ = Mosquitto.initialised
        let state = RegistrationState()
        guard let client = mosquitto_new(connection.clientID, false, Unmanaged.passUnretained(state).toOpaque()) else {
            throw MQTTError("mosquitto_new failed for client \(connection.clientID)")
        }
        defer { mosquitto_destroy(client) }
        if let username = connection.username { mosquitto_username_pw_set(client, username, connection.password) }
        mosquitto_connect_callback_set(client, registrationConnected)
        mosquitto_subscribe_callback_set(client, registrationSubscribed)
        let rc = mosquitto_connect(client, connection.host, Int32(connection.port), connection.keepAliveSeconds)
        guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError("connect to \(connection.url)", code: rc) }
        let deadline = ContinuousClock.now + timeout
        var subscribed = false
        while ContinuousClock.now < deadline {
            let loop = mosquitto_loop(client, 100, 1)
            guard loop == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError("session registration with \(connection.url)", code: loop) }
            switch state.phase.load(ordering: .acquiring) {
            case 1:
                state.phase.store(2, ordering: .releasing)
                for filter in topicFilters {
                    let subscribe = mosquitto_subscribe(client, nil, filter, 1)
                    guard subscribe == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError("subscribe to \(filter)", code: subscribe) }
                }
            case 3...:
                subscribed = state.phase.load(ordering: .acquiring) - 2 >= topicFilters.count
            case -1:
                throw MQTTError("the broker at \(connection.url) refused the connection of \(connection.clientID)")
            default:
                break
            }
            if subscribed { break }
        }
        guard subscribed else { throw MQTTError("no subscription confirmed by \(connection.url) within \(timeout)") }
        mosquitto_disconnect(client)
        _ = mosquitto_loop(client, 100, 1)
    }
}

/// 0 connecting, 1 connected, 2 subscribing, 2 + n: n subscriptions confirmed; -1 refused.
private final class RegistrationState: Sendable {
    let phase = Atomic<Int>(0)
}

private let registrationConnected: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32) -> Void = { _, object, result in
    guard let object else { return }
    Unmanaged<RegistrationState>.fromOpaque(object).takeUnretainedValue().phase.store(result == 0 ? 1 : -1, ordering: .releasing)
}

private let registrationSubscribed: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, Int32, UnsafePointer<Int32>?) -> Void = {
    _, object, _, _, _ in
    guard let object else { return }
    Unmanaged<RegistrationState>.fromOpaque(object).takeUnretainedValue().phase.add(1, ordering: .acquiringAndReleasing)
}
