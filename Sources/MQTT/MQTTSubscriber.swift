import CMosquitto
import Foundation
import Logging
import Synchronization

/// A QoS 1 subscriber that acknowledges a message only after its handler confirmed it.
///
/// libmosquitto (2.0) queues the PUBACK for a QoS 1 message *before* it calls `on_message`. In
/// external-threaded mode (`mosquitto_threaded_set`) it only writes queued packets when
/// `mosquitto_loop_write` is called. This client owns one thread that reads a burst of messages,
/// hands each to the handler, waits until every one of them is confirmed, and only then writes the
/// queued PUBACKs. If a confirmation fails or times out, it reconnects without writing them: the
/// broker redelivers every unacknowledged message of the persistent session.
public final class MQTTSubscriber: Sendable {
    public struct Configuration: Sendable {
        public var connection: MQTTConnection
        public var topicFilters: [String]
        /// Keep the session (subscriptions and queued messages) across disconnects. Default `true`.
        public var persistentSession: Bool = true
        /// How long to wait for handlers to confirm a burst before giving up and reconnecting.
        public var confirmationTimeout: Duration = .seconds(60)
        /// Called with `true` once the broker acknowledged every subscription of a connection, and
        /// with `false` when the connection is lost.
        public var subscriptionChanged: (@Sendable (_ subscribed: Bool) -> Void)?

        public init(connection: MQTTConnection, topicFilters: [String]) {
            self.connection = connection
            self.topicFilters = topicFilters
        }
    }

    /// Called on the subscriber thread for each message. Call `confirm(true)` once the message is safe
    /// (e.g. Kafka acknowledged it), or `confirm(false)` to have it redelivered. Must not block.
    public typealias Handler = @Sendable (_ message: MQTTMessage, _ confirm: @escaping @Sendable (Bool) -> Void) -> Void

    private let configuration: Configuration
    private let logger: Logger
    private let running = AtomicFlag(false)
    private let connectedState = AtomicFlag(false)
    private let filters: FilterSet

    public init(configuration: Configuration, logger: Logger = Logger(label: "shikong.mqtt.subscriber")) {
        self.configuration = configuration
        self.logger = logger
        self.filters = FilterSet(configuration.topicFilters)
    }

    /// Subscribes to `filter` (QoS 1) on the live session, now if connected, else on connecting;
    /// `acknowledged` is called once the broker granted it. Safe from any thread, before or while
    /// the subscriber runs.
    public func subscribe(_ filter: String, acknowledged: @escaping @Sendable () -> Void = {}) {
        filters.request(.subscribe(filter, acknowledged))
    }

    /// Unsubscribes from `filter` on the live session (and on the next connection, if the broker is
    /// not reachable now); `acknowledged` is called once the broker confirmed it, so nothing published
    /// after that reaches the session through `filter`. Messages the broker already queued for the
    /// session are still delivered and handed to the handler as usual.
    public func unsubscribe(_ filter: String, acknowledged: @escaping @Sendable () -> Void = {}) {
        filters.request(.unsubscribe(filter, acknowledged))
    }

    /// The filters the subscriber holds now.
    public var topicFilters: [String] { filters.desiredFilters }

    /// Whether the client has a live, acknowledged connection to the broker.
    public var isConnected: Bool { connectedState.isSet }

    /// Runs until the task is cancelled or `stop()` is called. Throws if the client cannot be created.
    public func run(handler: @escaping Handler) async throws {
        guard running.setOnce() else {
            throw MQTTError("subscriber is already running")
        }
        let context = SubscriberContext(configuration: configuration, filters: filters, handler: handler, logger: logger, connected: connectedState)
        let result: Result<Void, MQTTError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread { [running] in
                    continuation.resume(returning: context.loop(while: running))
                }
                thread.name = "mqtt-subscriber"
                thread.start()
            }
        } onCancel: {
            stop()
        }
        try result.get()
    }

    /// Asks the loop to finish: it waits (bounded) for outstanding confirmations, acknowledges what was
    /// confirmed, and disconnects.
    public func stop() {
        running.set(false)
    }
}

/// Everything the subscriber thread and libmosquitto callbacks share; its address is the client's `obj`.
private final class SubscriberContext: @unchecked Sendable {
    let configuration: MQTTSubscriber.Configuration
    let filters: FilterSet
    let handler: MQTTSubscriber.Handler
    let logger: Logger
    let connected: AtomicFlag
    let tracker = DeliveryTracker()
    var client: OpaquePointer?
    /// Subscriptions sent on this connection and not acknowledged yet, by message id, and
    /// unsubscriptions likewise (callbacks run on the loop thread).
    private var unacknowledgedSubscriptions: [Int32: String] = [:]
    private var unacknowledgedUnsubscriptions: [Int32: String] = [:]

    init(
        configuration: MQTTSubscriber.Configuration, filters: FilterSet, handler: @escaping MQTTSubscriber.Handler, logger: Logger,
        connected: AtomicFlag
    ) {
        self.configuration = configuration
        self.filters = filters
        self.handler = handler
        self.logger = logger
        self.connected = connected
    }

    func loop(while running: AtomicFlag) -> Result<Void, MQTTError> {
        _ = Mosquitto.initialised
        let connection = configuration.connection
        guard
            let client = LowDescriptors.freed(
                2, { mosquitto_new(connection.clientID, !configuration.persistentSession, Unmanaged.passUnretained(self).toOpaque()) })
        else {
            return .failure(MQTTError("mosquitto_new failed for client \(connection.clientID)"))
        }
        self.client = client
        defer {
            mosquitto_destroy(client)
            LowDescriptors.refill()
            lost()
        }
        mosquitto_threaded_set(client, true)
        if let username = connection.username { mosquitto_username_pw_set(client, username, connection.password) }
        if let caFile = connection.caFile { mosquitto_tls_set(client, caFile, nil, nil, nil, nil) }
        mosquitto_connect_callback_set(client, onConnect)
        mosquitto_disconnect_callback_set(client, onDisconnect)
        mosquitto_message_callback_set(client, onMessage)
        mosquitto_subscribe_callback_set(client, onSubscribe)
        mosquitto_unsubscribe_callback_set(client, onUnsubscribe)

        var everConnected = false
        var backoff = 0.1
        while running.isSet {
            if mosquitto_socket(client) < 0 {
                let rc = LowDescriptors.freed(1) {
                    everConnected
                        ? mosquitto_reconnect(client)
                        : mosquitto_connect(client, connection.host, Int32(connection.port), connection.keepAliveSeconds)
                }
                guard rc == MOSQ_ERR_SUCCESS.rawValue else {
                    logger.warning("MQTT connect failed; retrying", metadata: ["broker": "\(connection.url)", "error": "\(Mosquitto.describe(rc))"])
                    Thread.sleep(forTimeInterval: backoff)
                    backoff = min(backoff * 2, 5)
                    continue
                }
                everConnected = true
                backoff = 0.1
                writeQueued(client)
            }
            readBurst(client)
            // Acknowledge nothing until every message read so far is confirmed.
            if !tracker.isIdle {
                let (settled, failures) = tracker.settle(before: Date(timeIntervalSinceNow: configuration.confirmationTimeout.timeInterval))
                if !settled || failures > 0 {
                    logger.error(
                        "messages not confirmed; reconnecting without acknowledging so the broker redelivers them",
                        metadata: ["failed": "\(failures)", "settled": "\(settled)"])
                    dropConnection(client)
                    continue
                }
            }
            if connected.isSet { applyRequests(client) }
            writeQueued(client)
            if mosquitto_loop_misc(client) == MOSQ_ERR_NO_CONN.rawValue, connected.isSet { lost() }
        }
        // Shutting down: acknowledge what was confirmed in time, then leave cleanly.
        let (settled, failures) = tracker.settle(before: Date(timeIntervalSinceNow: 10))
        if settled && failures == 0 && mosquitto_socket(client) >= 0 {
            writeQueued(client)
            mosquitto_disconnect(client)
            writeQueued(client)
        }
        return .success(())
    }

    /// Waits up to 100 ms for input, then reads every packet already available.
    private func readBurst(_ client: OpaquePointer) {
        let socket = mosquitto_socket(client)
        guard socket >= 0 else { return }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, 100) > 0 else { return }
        for _ in 0..<5_000 {
            let rc = mosquitto_loop_read(client, 1)
            guard rc == MOSQ_ERR_SUCCESS.rawValue, mosquitto_socket(client) >= 0 else { return }
            descriptor.revents = 0
            guard poll(&descriptor, 1, 0) > 0, descriptor.revents & Int16(POLLIN) != 0 else { return }
        }
    }

    private func writeQueued(_ client: OpaquePointer) {
        while mosquitto_socket(client) >= 0, mosquitto_want_write(client) {
            guard mosquitto_loop_write(client, 1) == MOSQ_ERR_SUCCESS.rawValue else { return }
        }
    }

    /// Closes the socket without writing queued packets; the next reconnect discards them.
    private func dropConnection(_ client: OpaquePointer) {
        let socket = mosquitto_socket(client)
        if socket >= 0 { shutdown(socket, Int32(SHUT_RDWR)) }
        _ = mosquitto_loop_read(client, 1)
        lost()
    }

    /// The connection is gone: no subscription holds until the next one is acknowledged.
    fileprivate func lost() {
        connected.set(false)
        unacknowledgedSubscriptions = [:]
        unacknowledgedUnsubscriptions = [:]
        filters.connectionLost()
        configuration.subscriptionChanged?(false)
    }

    /// A new connection: every filter held is subscribed again (a persistent session keeps them, but
    /// a new one does not), and every filter given up is unsubscribed (the session may still hold it).
    fileprivate func connected(result: Int32) {
        guard result == 0 else {
            logger.error("MQTT broker refused the connection", metadata: ["code": "\(result)"])
            return
        }
        connected.set(true)
        let (held, givenUp) = filters.connectionStarted()
        logger.info("MQTT connected", metadata: ["broker": "\(configuration.connection.url)", "filters": "\(held)"])
        for filter in givenUp { sendUnsubscribe(filter) }
        for filter in held { sendSubscribe(filter) }
        if held.isEmpty { configuration.subscriptionChanged?(true) }
    }

    /// Sends what was asked since the last turn of the loop (only while connected).
    private func applyRequests(_ client: OpaquePointer) {
        let (subscribe, unsubscribe) = filters.takeRequests()
        for filter in unsubscribe { sendUnsubscribe(filter) }
        for filter in subscribe { sendSubscribe(filter) }
    }

    private func sendSubscribe(_ filter: String) {
        var mid: Int32 = 0
        let rc = mosquitto_subscribe(client, &mid, filter, 1)
        if rc == MOSQ_ERR_SUCCESS.rawValue {
            unacknowledgedSubscriptions[mid] = filter
        } else {
            logger.error("MQTT subscribe failed", metadata: ["filter": "\(filter)", "error": "\(Mosquitto.describe(rc))"])
        }
    }

    private func sendUnsubscribe(_ filter: String) {
        var mid: Int32 = 0
        let rc = mosquitto_unsubscribe(client, &mid, filter)
        if rc == MOSQ_ERR_SUCCESS.rawValue {
            unacknowledgedUnsubscriptions[mid] = filter
        } else {
            logger.error("MQTT unsubscribe failed", metadata: ["filter": "\(filter)", "error": "\(Mosquitto.describe(rc))"])
        }
    }

    /// A SUBACK: the filter holds. Once every filter sent is granted, the subscriptions hold. A
    /// refused one (granted QoS 0x80) keeps the subscriber unready; it is logged.
    fileprivate func subscribed(mid: Int32, granted: [Int32]) {
        guard let filter = unacknowledgedSubscriptions[mid] else { return }
        if granted.contains(where: { $0 > 2 }) {
            logger.error("MQTT broker refused a subscription", metadata: ["filter": "\(filter)"])
            return
        }
        unacknowledgedSubscriptions[mid] = nil
        filters.acknowledged(filter)
        if unacknowledgedSubscriptions.isEmpty {
            logger.info("MQTT subscriptions acknowledged", metadata: ["filters": "\(filters.desiredFilters)"])
            configuration.subscriptionChanged?(true)
        }
    }

    /// An UNSUBACK: the session no longer holds the filter.
    fileprivate func unsubscribed(mid: Int32) {
        guard let filter = unacknowledgedUnsubscriptions.removeValue(forKey: mid) else { return }
        filters.givenUp(filter)
        logger.info("MQTT unsubscribed", metadata: ["filter": "\(filter)"])
    }

    fileprivate func received(_ message: MQTTMessage) {
        tracker.begin()
        handler(message) { [tracker] success in tracker.finish(success: success) }
    }
}

private let onConnect: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32) -> Void = { _, object, result in
    guard let object else { return }
    Unmanaged<SubscriberContext>.fromOpaque(object).takeUnretainedValue().connected(result: result)
}

private let onDisconnect: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32) -> Void = { _, object, _ in
    guard let object else { return }
    Unmanaged<SubscriberContext>.fromOpaque(object).takeUnretainedValue().lost()
}

private let onSubscribe: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, Int32, UnsafePointer<Int32>?) -> Void = {
    _, object, mid, count, granted in
    guard let object else { return }
    let levels = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(count))) } ?? []
    Unmanaged<SubscriberContext>.fromOpaque(object).takeUnretainedValue().subscribed(mid: mid, granted: levels)
}

private let onUnsubscribe: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32) -> Void = { _, object, mid in
    guard let object else { return }
    Unmanaged<SubscriberContext>.fromOpaque(object).takeUnretainedValue().unsubscribed(mid: mid)
}

private let onMessage: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafePointer<mosquitto_message>?) -> Void = {
    _, object, message in
    guard let object, let message, let topic = message.pointee.topic else { return }
    let length = Int(message.pointee.payloadlen)
    let payload = message.pointee.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? []
    Unmanaged<SubscriberContext>.fromOpaque(object).takeUnretainedValue().received(
        MQTTMessage(topic: String(cString: topic), payload: payload, qos: message.pointee.qos, retained: message.pointee.retain))
}

extension Duration {
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
