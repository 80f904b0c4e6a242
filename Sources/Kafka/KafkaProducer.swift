import CRdKafka
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// An idempotent producer over librdkafka. Every send is confirmed by its delivery report:
/// `send(_:) async` returns only once the broker acknowledged the record (with `acks=all`).
public final class KafkaProducer: Sendable {
    private let handle: RdKafkaHandle
    private let pending: PendingDeliveries
    private let space: QueueSpace
    private let poller: PollThread
    private let closed = AtomicFlag(false)

    public init(configuration: KafkaProducerConfiguration, logger: Logger = Logger(label: "shikong.kafka.producer")) throws(KafkaError) {
        let space = QueueSpace()
        let pending = PendingDeliveries(space: space)
        self.pending = pending
        self.space = space
        self.handle = try RdKafkaHandle.make(type: RD_KAFKA_PRODUCER, properties: configuration.rdKafkaProperties) { conf in
            rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(pending).toOpaque())
            rd_kafka_conf_set_dr_msg_cb(conf, deliveryReportCallback)
        }
        let handle = self.handle
        self.poller = PollThread(name: "kafka-producer-poll") { rd_kafka_poll(handle.pointer, 50) }
    }

    deinit {
        close()
    }

    /// Queues a record; `completion` runs on librdkafka's poll thread with the delivery report.
    ///
    /// When the local queue is full this **blocks the calling thread** until deliveries make room
    /// (back-pressure). Call it only from a thread of your own that may block — the MQTT bridge's
    /// libmosquitto thread does — never from a task: tasks use ``send(_:)`` or ``sendAll(_:)``,
    /// which suspend instead.
    public func send(_ record: OutgoingRecord, completion: @escaping @Sendable (Result<KafkaDelivery, KafkaError>) -> Void) {
        guard !closed.isSet else {
            completion(.failure(KafkaError(code: .closed, message: "producer is closed")))
            return
        }
        let token = pending.register(completion)
        while true {
            let generation = space.generation
            let err = enqueue(record, token: token)
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { return }
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                space.waitBlocking(after: generation)
                continue
            }
            pending.complete(token, .failure(KafkaError(err, context: "produce to \(record.topic)")))
            return
        }
    }

    /// Queues a record with its delivery callback; when the local queue is full the task suspends
    /// until deliveries make room, without holding a thread.
    private func send(
        _ record: OutgoingRecord, suspendingWhenFull completion: @escaping @Sendable (Result<KafkaDelivery, KafkaError>) -> Void
    ) async {
        guard !closed.isSet else {
            completion(.failure(KafkaError(code: .closed, message: "producer is closed")))
            return
        }
        let token = pending.register(completion)
        while true {
            let generation = space.generation
            // Closed while waiting for room: `close()` has failed the pending send already.
            guard !closed.isSet else { return }
            let err = enqueue(record, token: token)
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { return }
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                await space.wait(after: generation)
                continue
            }
            pending.complete(token, .failure(KafkaError(err, context: "produce to \(record.topic)")))
            return
        }
    }

    /// One produce call: hands the record to librdkafka's queue, or says why it could not.
    private func enqueue(_ record: OutgoingRecord, token: UInt) -> rd_kafka_resp_err_t {
        let headers = record.headers.makeRdKafkaHeaders()
        let produced = try? handle.leased { () throws(KafkaError) in
            record.topic.withCString { topic in
                (record.key ?? Data()).withUnsafeBytes { key in
                    record.value.withUnsafeBytes { value in
                        shikong_rd_kafka_produce(
                            handle.pointer, topic, record.partition ?? -1,
                            record.key == nil ? nil : key.baseAddress, record.key == nil ? 0 : key.count,
                            value.baseAddress, value.count, headers,
                            record.timestampMilliseconds ?? 0, UnsafeMutableRawPointer(bitPattern: token))
                    }
                }
            }
        }
        // A close that began after the `closed` check refuses the lease: the record is not queued.
        let err = produced ?? RD_KAFKA_RESP_ERR__DESTROY
        // librdkafka owns the headers only when the produce call succeeded.
        if err != RD_KAFKA_RESP_ERR_NO_ERROR, let headers { rd_kafka_headers_destroy(headers) }
        return err
    }

    /// Sends a record and waits for the broker's acknowledgement.
    @discardableResult
    public func send(_ record: OutgoingRecord) async throws(KafkaError) -> KafkaDelivery {
        let outcome = Outcome<Result<KafkaDelivery, KafkaError>>()
        await send(record, suspendingWhenFull: { outcome.fulfil($0) })
        return try await outcome.value().get()
    }

    /// Sends many records and waits for all of them; the first failure is thrown after all reports arrived.
    @discardableResult
    public func sendAll(_ records: [OutgoingRecord]) async throws(KafkaError) -> [KafkaDelivery] {
        guard !records.isEmpty else { return [] }
        let outcome = Outcome<[Result<KafkaDelivery, KafkaError>]>()
        let collector = DeliveryCollector(count: records.count) { outcome.fulfil($0) }
        for (index, record) in records.enumerated() {
            await send(record, suspendingWhenFull: { collector.record(index, $0) })
        }
        return try await outcome.value().map { result throws(KafkaError) in try result.get() }
    }

    /// Records queued or in flight, not yet acknowledged.
    public var outstanding: Int { (try? handle.leased { () throws(KafkaError) in Int(rd_kafka_outq_len(handle.pointer)) }) ?? 0 }

    /// Waits until every queued record has its delivery report.
    public func flush(timeout: Duration = .seconds(30)) throws(KafkaError) {
        let err = try handle.leased { () throws(KafkaError) in rd_kafka_flush(handle.pointer, Int32(timeout.milliseconds)) }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "flush") }
    }

    /// The client's admin operations, sharing its connection.
    public var admin: KafkaAdmin { KafkaAdmin(handle: handle) }

    /// Flushes what it can, then releases the client. Unfinished sends fail with `.closed`.
    public func close() {
        guard closed.setOnce() else { return }
        handle.destroy { [poller] pointer in
            _ = rd_kafka_flush(pointer, 10_000)
            poller.stop()
        }
        pending.failAll(KafkaError(code: .closed, message: "producer closed before delivery"))
        space.freed()
    }
}

/// Delivery callbacks waiting for their reports, keyed by the token passed as message opaque.
final class PendingDeliveries: Sendable {
    typealias Completion = @Sendable (Result<KafkaDelivery, KafkaError>) -> Void
    private let state = Mutex<(next: UInt, waiting: [UInt: Completion])>((1, [:]))
    /// Told whenever a report frees a place in librdkafka's queue.
    private let space: QueueSpace

    init(space: QueueSpace) {
        self.space = space
    }

    func register(_ completion: @escaping Completion) -> UInt {
        state.withLock { state in
            let token = state.next
            state.next &+= 1
            if state.next == 0 { state.next = 1 }
            state.waiting[token] = completion
            return token
        }
    }

    func complete(_ token: UInt, _ result: Result<KafkaDelivery, KafkaError>) {
        let completion = state.withLock { $0.waiting.removeValue(forKey: token) }
        completion?(result)
        space.freed()
    }

    func failAll(_ error: KafkaError) {
        let all = state.withLock { state in
            defer { state.waiting = [:] }
            return state.waiting
        }
        for completion in all.values { completion(.failure(error)) }
    }
}

/// Gathers the results of a fixed number of sends, then calls back once.
private final class DeliveryCollector: Sendable {
    private let state: Mutex<(remaining: Int, results: [Result<KafkaDelivery, KafkaError>])>
    private let done: @Sendable ([Result<KafkaDelivery, KafkaError>]) -> Void

    init(count: Int, done: @escaping @Sendable ([Result<KafkaDelivery, KafkaError>]) -> Void) {
        let placeholder = Result<KafkaDelivery, KafkaError>.failure(KafkaError(code: .timedOut, message: "no report"))
        self.state = Mutex((count, Array(repeating: placeholder, count: count)))
        self.done = done
    }

    func record(_ index: Int, _ result: Result<KafkaDelivery, KafkaError>) {
        let finished: [Result<KafkaDelivery, KafkaError>]? = state.withLock { state in
            state.results[index] = result
            state.remaining -= 1
            return state.remaining == 0 ? state.results : nil
        }
        if let finished { done(finished) }
    }
}

private let deliveryReportCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
    _, message, opaque in
    guard let message, let opaque else { return }
    let pending = Unmanaged<PendingDeliveries>.fromOpaque(opaque).takeUnretainedValue()
    let token = UInt(bitPattern: message.pointee._private)
    let result: Result<KafkaDelivery, KafkaError>
    let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
    if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
        KafkaMetrics.produced(topic: topic)
        result = .success(KafkaDelivery(topic: topic, partition: message.pointee.partition, offset: message.pointee.offset))
    } else {
        KafkaMetrics.produceFailed(topic: topic)
        result = .failure(KafkaError(message.pointee.err, context: "delivery to \(topic)"))
    }
    pending.complete(token, result)
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }
}

extension KafkaProducer: Service {
    /// Keeps the producer open until the service group shuts down, then flushes and closes it.
    /// List it before the stages that use it, so it is closed after they stopped.
    public func run() async throws {
        try? await gracefulShutdown()
        close()
    }
}
