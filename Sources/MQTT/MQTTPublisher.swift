import CMosquitto
import Foundation

/// A publisher with a bounded window of unacknowledged QoS 1 messages, for feeds, tests and benchmarks.
/// libmosquitto's own thread runs the network loop and reconnects; `publish` blocks while the window is full.
public final class MQTTPublisher: @unchecked Sendable {
    private let client: OpaquePointer
    private let window: DispatchSemaphore
    private let windowSize: Int
    private let queue = DispatchQueue(label: "shikong.mqtt.publisher")
    private let closed = AtomicFlag(false)

    /// Connects (blocking) and starts the network thread.
    public init(connection: MQTTConnection, maxInFlight: Int = 200) throws(MQTTError) {
        _ = Mosquitto.initialised
        windowSize = maxInFlight
        // Starts at 0 and is raised to the window: libdispatch traps when a semaphore is freed below its
        // initial value, which is what a publisher closed with messages still unacknowledged would be.
        let window = DispatchSemaphore(value: 0)
        for _ in 0..<maxInFlight { window.signal() }
        self.window = window
        let (created, rc) = LowDescriptors.freed { () -> (OpaquePointer?, Int32) in
            guard let client = mosquitto_new(connection.clientID, true, nil) else { return (nil, 0) }
            mosquitto_user_data_set(client, Unmanaged.passUnretained(window).toOpaque())
            _ = mosquitto_int_option(client, MOSQ_OPT_SEND_MAXIMUM, Int32(maxInFlight))
            if let username = connection.username { mosquitto_username_pw_set(client, username, connection.password) }
            if let caFile = connection.caFile { mosquitto_tls_set(client, caFile, nil, nil, nil, nil) }
            mosquitto_publish_callback_set(client, onPublished)
            var rc = mosquitto_connect(client, connection.host, Int32(connection.port), connection.keepAliveSeconds)
            if rc == MOSQ_ERR_SUCCESS.rawValue { rc = mosquitto_loop_start(client) }
            return (client, rc)
        }
        guard let client = created else { throw MQTTError("mosquitto_new failed for client \(connection.clientID)") }
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            mosquitto_destroy(client)
            throw MQTTError("connect to \(connection.url)", code: rc)
        }
        self.client = client
    }

    deinit {
        close()
    }

    /// Publishes one message; blocks while `maxInFlight` messages wait for their acknowledgement.
    public func publish(topic: String, payload: [UInt8], qos: Int32 = 1, retain: Bool = false) throws(MQTTError) {
        window.wait()
        let rc = payload.withUnsafeBytes { bytes in
            mosquitto_publish(client, nil, topic, Int32(bytes.count), bytes.baseAddress, qos, retain)
        }
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            window.signal()
            throw MQTTError("publish to \(topic)", code: rc)
        }
    }

    /// Publishes messages in order from the publisher's own queue, off the caller's thread.
    public func publishAll(_ messages: [MQTTMessage]) async throws(MQTTError) {
        let result: Result<Void, MQTTError> = await withCheckedContinuation { continuation in
            queue.async { [self] in
                do throws(MQTTError) {
                    for message in messages {
                        try publish(topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retained)
                    }
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        try result.get()
    }

    /// Waits until the broker acknowledged every message published so far. Returns false on timeout.
    public func waitUntilAcknowledged(timeout: Duration = .seconds(30)) -> Bool {
        let deadline = DispatchTime.now() + timeout.timeInterval
        var taken = 0
        defer { for _ in 0..<taken { window.signal() } }
        while taken < windowSize {
            guard window.wait(timeout: deadline) == .success else { return false }
            taken += 1
        }
        return true
    }

    /// ``waitUntilAcknowledged(timeout:)`` on a thread of its own, so an async caller suspends
    /// instead of holding one of the cooperative pool's few threads for as long as the wait lasts.
    public func acknowledged(timeout: Duration = .seconds(60)) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.waitUntilAcknowledged(timeout: timeout)) }
        }
    }

    public func close() {
        guard closed.setOnce() else { return }
        mosquitto_disconnect(client)
        mosquitto_loop_stop(client, false)
        mosquitto_destroy(client)
        LowDescriptors.refill()
    }
}

private let onPublished: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32) -> Void = { _, object, _ in
    guard let object else { return }
    Unmanaged<DispatchSemaphore>.fromOpaque(object).takeUnretainedValue().signal()
}
