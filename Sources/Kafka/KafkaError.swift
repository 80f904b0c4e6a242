import CRdKafka

/// The one error type of the Kafka module: a librdkafka error code with its text and context.
public struct KafkaError: Error, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// librdkafka rejected a configuration property.
        case configuration
        /// A client handle could not be created.
        case clientCreation
        /// A librdkafka response error (`rd_kafka_resp_err_t`), by its numeric value.
        case broker(Int32)
        /// The operation did not finish within its time limit.
        case timedOut
        /// The client was already closed.
        case closed
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    init(_ err: rd_kafka_resp_err_t, context: String) {
        self.code = .broker(err.rawValue)
        self.message = "\(context): \(String(cString: rd_kafka_err2str(err)))"
    }

    /// Whether retrying the same operation later may succeed.
    public var isRetriable: Bool {
        switch code {
        case .timedOut: return true
        case .broker(let raw):
            let err = rd_kafka_resp_err_t(rawValue: raw)
            return err == RD_KAFKA_RESP_ERR__QUEUE_FULL || err == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT
                || err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__TIMED_OUT
        default: return false
        }
    }

    /// Whether the broker or the client refused the record itself (too large, malformed): sending
    /// it again can never succeed, so its source must not be asked to redeliver it.
    public var isRecordRefused: Bool {
        guard case .broker(let raw) = code else { return false }
        let err = rd_kafka_resp_err_t(rawValue: raw)
        return err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE || err == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE
            || err == RD_KAFKA_RESP_ERR_INVALID_MSG || err == RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE || err == RD_KAFKA_RESP_ERR_INVALID_RECORD
            || err == RD_KAFKA_RESP_ERR__BAD_MSG
    }

    /// Whether the consumer group refused the operation because this member is no longer (or not
    /// yet) part of its current generation: the group rebalanced, or evicted the member after a
    /// missed session timeout. The partitions have moved or are moving to whoever the group says;
    /// the member rejoins on its next poll.
    public var isGroupMembershipLost: Bool {
        guard case .broker(let raw) = code else { return false }
        let err = rd_kafka_resp_err_t(rawValue: raw)
        return err == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID || err == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION
            || err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS || err == RD_KAFKA_RESP_ERR_FENCED_INSTANCE_ID
            || err == RD_KAFKA_RESP_ERR__ASSIGNMENT_LOST || err == RD_KAFKA_RESP_ERR__STATE
    }

    public var description: String { "KafkaError(\(code)): \(message)" }
}
