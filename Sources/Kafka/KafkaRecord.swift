import Foundation

/// A Kafka record header: a name and opaque bytes.
public struct KafkaHeader: Sendable, Hashable {
    public var key: String
    public var value: Data

    public init(key: String, value: Data) {
        self.key = key
        self.value = value
    }

    public init(key: String, string: String) {
        self.init(key: key, value: Data(string.utf8))
    }
}

/// One partition of one topic.
public struct TopicPartition: Sendable, Hashable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public var description: String { "\(topic)[\(partition)]" }
}

/// A record to be produced. Without an explicit partition, librdkafka chooses one from the key.
public struct OutgoingRecord: Sendable {
    public var topic: String
    /// An explicit partition (used when re-publishing a log in its original layout), else `nil`.
    public var partition: Int32?
    public var key: Data?
    public var value: Data
    public var headers: [KafkaHeader]
    /// Record timestamp in milliseconds since the epoch; `nil` lets the producer stamp it.
    public var timestampMilliseconds: Int64?

    public init(
        topic: String, partition: Int32? = nil, key: Data?, value: Data, headers: [KafkaHeader] = [],
        timestampMilliseconds: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }
}

/// A record read by a consumer.
public struct KafkaMessage: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: Data?
    public var value: Data
    public var headers: [KafkaHeader]
    public var timestampMilliseconds: Int64?

    public init(
        topic: String, partition: Int32, offset: Int64, key: Data?, value: Data,
        headers: [KafkaHeader], timestampMilliseconds: Int64?
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }

    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    /// The first header with this name, as UTF-8 text.
    public func header(_ name: String) -> String? {
        headers.first { $0.key == name }.map { String(decoding: $0.value, as: UTF8.self) }
    }
}

/// Where the broker stored a produced record.
public struct KafkaDelivery: Sendable, Hashable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64

    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }
}
