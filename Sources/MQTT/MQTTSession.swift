import CMosquitto
import Foundation
import Synchronization

/// Persistent MQTT sessions. A QoS 1 message published before a subscriber's session exists has
/// nowhere to wait and is gone, so the platform creates its bridge's session (client id and
/// subscriptions) before any feed can publish; from then on the broker keeps messages for it
/// whether or not the bridge is connected.
///
/// Registering must never take a message out of the session: after a crash the session holds
/// messages the bridge received but did not acknowledge, and the broker sends them to whoever
/// connects with that client id. libmosquitto acknowledges a QoS 1 message as soon as it reads it,
/// so registration runs the client in external-threaded mode, writes only CONNECT and SUBSCRIBE,
/// and drops the connection without writing anything it queued after them: whatever the broker
/// sent meanwhile stays unacknowledged in the session and goes to the bridge when it connects.
public enum MQTTSession {
    /// Makes sure the persistent session of `connection.clientID` exists with the filters subscribed
    /// at QoS 1. A session the broker already keeps is left as it is (the bridge subscribes again
    /// when it connects); a new one is subscribed and confirmed. Blocking.
    public static func register(_ connection: MQTTConnection, topicFilters: [String], timeout: Duration = .seconds(15)) throws(MQTTError) {
        _ = Mosquitto.initialised
        let state = RegistrationState()
        guard let client = LowDescriptors.freed(2, { mosquitto_new(connection.clientID, false, Unmanaged.passUnretained(state).toOpaque()) }) else {
            throw MQTTError("mosquitto_new failed for client \(connection.clientID)")
        }
        defer {
            mosquitto_destroy(client)
            LowDescriptors.refill()
        }
        mosquitto_threaded_set(client, true)
        if let username = connection.username { mosquitto_username_pw_set(client, username, connection.password) }
        if let caFile = connection.caFile { mosquitto_tls_set(client, caFile, nil, nil, nil, nil) }
        mosquitto_connect_with_flags_callback_set(client, registrationConnected)
        mosquitto_subscribe_callback_set(client, registrationSubscribed)
        let rc = LowDescriptors.freed(1) { mosquitto_connect(client, connection.host, Int32(connection.port), connection.keepAliveSeconds) }
        guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError("connect to \(connection.url)", code: rc) }
        // Leave without a DISCONNECT and without writing queued acknowledgements (see above).
        defer {
            let socket = mosquitto_socket(client)
            if socket >= 0 { shutdown(socket, Int32(SHUT_RDWR)) }
        }
        try writeQueued(client, connection)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let socket = mosquitto_socket(client)
            guard socket >= 0 else { throw MQTTError("the broker at \(connection.url) closed the registration connection") }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 100) > 0 {
                let read = mosquitto_loop_read(client, 1)
                guard read == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError("session registration with \(connection.url)", code: read) }
            }
            switch state.phase.load(ordering: .acquiring) {
            case RegistrationState.refused:
                throw MQTTError("the broker at \(connection.url) refused the connection of \(connection.clientID)")
            case RegistrationState.sessionPresent:
                return
            case RegistrationState.newSession:
                // A new session has no subscriptions, so nothing can have been delivered yet: only
                // the SUBSCRIBE packets are queued when they are written.
                state.phase.store(RegistrationState.subscribing, ordering: .releasing)
                for filter in topicFilters {
                    let subscribe = mosquitto_subscribe(client, nil, filter, 1)
                    guard subscribe == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError("subscribe to \(filter)", code: subscribe) }
                }
                try writeQueued(client, connection)
            case let phase where phase >= RegistrationState.subscribing + topicFilters.count:
                return
            default:
                break
            }
        }
        throw MQTTError("no session confirmed by \(connection.url) within \(timeout)")
    }

    private static func writeQueued(_ client: OpaquePointer, _ connection: MQTTConnection) throws(MQTTError) {
        while mosquitto_socket(client) >= 0, mosquitto_want_write(client) {
            let rc = mosquitto_loop_write(client, 1)
            guard rc == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError("session registration with \(connection.url)", code: rc) }
        }
    }
}

/// Where registration stands; `subscribing + n` once n subscriptions are confirmed.
private final class RegistrationState: Sendable {
    static let connecting = 0
    static let refused = -1
    static let sessionPresent = 1
    static let newSession = 2
    static let subscribing = 3
    let phase = Atomic<Int>(RegistrationState.connecting)
}

private let registrationConnected: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, Int32) -> Void = { _, object, result, flags in
    guard let object else { return }
    let phase =
        result != 0 ? RegistrationState.refused : (flags & 1) != 0 ? RegistrationState.sessionPresent : RegistrationState.newSession
    Unmanaged<RegistrationState>.fromOpaque(object).takeUnretainedValue().phase.store(phase, ordering: .releasing)
}

private let registrationSubscribed: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, Int32, UnsafePointer<Int32>?) -> Void = {
    _, object, _, _, _ in
    guard let object else { return }
    Unmanaged<RegistrationState>.fromOpaque(object).takeUnretainedValue().phase.add(1, ordering: .acquiringAndReleasing)
}
