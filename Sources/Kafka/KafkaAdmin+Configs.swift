import CRdKafka

extension KafkaAdmin {
    /// The configs the cluster reports for each topic (only non-default ones on some brokers; the
    /// local Tansu broker reports exactly those given at creation).
    public func topicConfigs(_ topics: [String], timeout: Duration = .seconds(15)) throws(KafkaError) -> [String: [String: String]] {
        guard !topics.isEmpty else { return [:] }
        var resources = topics.map { rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, $0) }
        defer { rd_kafka_ConfigResource_destroy_array(&resources, resources.count) }
        let event = try request(RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout: timeout, name: "DescribeConfigs") { options, queue in
            rd_kafka_DescribeConfigs(handle.pointer, &resources, resources.count, options, queue)
        }
        defer { rd_kafka_event_destroy(event) }
        var count = 0
        guard let result = rd_kafka_event_DescribeConfigs_result(event),
            let described = rd_kafka_DescribeConfigs_result_resources(result, &count)
        else { throw KafkaError(code: .broker(-1), message: "DescribeConfigs returned no result") }
        var configs: [String: [String: String]] = [:]
        for index in 0..<count {
            let resource = described[index]
            let name = String(cString: rd_kafka_ConfigResource_name(resource))
            let err = rd_kafka_ConfigResource_error(resource)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "describe configs of \(name)") }
            var entryCount = 0
            var entries: [String: String] = [:]
            if let list = rd_kafka_ConfigResource_configs(resource, &entryCount) {
                for entryIndex in 0..<entryCount {
                    let entry = list[entryIndex]
                    guard let value = rd_kafka_ConfigEntry_value(entry) else { continue }
                    entries[String(cString: rd_kafka_ConfigEntry_name(entry))] = String(cString: value)
                }
            }
            configs[name] = entries
        }
        return configs
    }

    /// Sets topic configs (IncrementalAlterConfigs; other configs are left as they are).
    public func setTopicConfigs(_ changes: [String: [String: String]], timeout: Duration = .seconds(15)) throws(KafkaError) {
        guard !changes.isEmpty else { return }
        var resources: [OpaquePointer?] = []
        defer { rd_kafka_ConfigResource_destroy_array(&resources, resources.count) }
        for (topic, configs) in changes.sorted(by: { $0.key < $1.key }) {
            let resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic)
            resources.append(resource)
            for (name, value) in configs.sorted(by: { $0.key < $1.key }) {
                if let error = rd_kafka_ConfigResource_add_incremental_config(resource, name, RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET, value) {
                    defer { rd_kafka_error_destroy(error) }
                    throw KafkaError(code: .configuration, message: "\(topic) \(name)=\(value): \(String(cString: rd_kafka_error_string(error)))")
                }
            }
        }
        let event = try request(RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS, timeout: timeout, name: "IncrementalAlterConfigs") { options, queue in
            rd_kafka_IncrementalAlterConfigs(handle.pointer, &resources, resources.count, options, queue)
        }
        defer { rd_kafka_event_destroy(event) }
        var count = 0
        guard let result = rd_kafka_event_IncrementalAlterConfigs_result(event),
            let altered = rd_kafka_IncrementalAlterConfigs_result_resources(result, &count)
        else { throw KafkaError(code: .broker(-1), message: "IncrementalAlterConfigs returned no result") }
        for index in 0..<count {
            let resource = altered[index]
            let err = rd_kafka_ConfigResource_error(resource)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                let detail = rd_kafka_ConfigResource_error_string(resource).map { String(cString: $0) } ?? ""
                throw KafkaError(err, context: "alter configs of \(String(cString: rd_kafka_ConfigResource_name(resource))) \(detail)")
            }
        }
    }

    /// Raises a topic's partition count (partitions can only be added).
    public func setPartitionCount(_ topic: String, to count: Int, timeout: Duration = .seconds(15)) throws(KafkaError) {
        var errorText = [CChar](repeating: 0, count: 512)
        guard let partitions = rd_kafka_NewPartitions_new(topic, count, &errorText, errorText.count) else {
            throw KafkaError(code: .configuration, message: "\(topic): \(errorText.nulTerminatedString)")
        }
        var list: [OpaquePointer?] = [partitions]
        defer { rd_kafka_NewPartitions_destroy(partitions) }
        let event = try request(RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, timeout: timeout, name: "CreatePartitions") { options, queue in
            rd_kafka_CreatePartitions(handle.pointer, &list, 1, options, queue)
        }
        defer { rd_kafka_event_destroy(event) }
        var resultCount = 0
        guard let result = rd_kafka_event_CreatePartitions_result(event),
            let topics = rd_kafka_CreatePartitions_result_topics(result, &resultCount), resultCount > 0
        else { throw KafkaError(code: .broker(-1), message: "CreatePartitions returned no result") }
        let err = rd_kafka_topic_result_error(topics[0])
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, context: "add partitions to \(topic)") }
    }

    /// Runs one admin request and waits for its result event (the caller destroys it).
    func request(
        _ operation: rd_kafka_admin_op_t, timeout: Duration, name: String,
        _ call: (OpaquePointer?, OpaquePointer?) -> Void
    ) throws(KafkaError) -> OpaquePointer {
        try handle.leased { () throws(KafkaError) in try unleasedRequest(operation, timeout: timeout, name: name, call) }
    }

    private func unleasedRequest(
        _ operation: rd_kafka_admin_op_t, timeout: Duration, name: String,
        _ call: (OpaquePointer?, OpaquePointer?) -> Void
    ) throws(KafkaError) -> OpaquePointer {
        var errorText = [CChar](repeating: 0, count: 512)
        let resultQueue = rd_kafka_queue_new(handle.pointer)
        defer { rd_kafka_queue_destroy(resultQueue) }
        let options = rd_kafka_AdminOptions_new(handle.pointer, operation)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_request_timeout(options, Int32(timeout.milliseconds), &errorText, errorText.count)
        call(options, resultQueue)
        guard let event = rd_kafka_queue_poll(resultQueue, Int32(timeout.milliseconds + 1_000)) else {
            throw KafkaError(code: .timedOut, message: "\(name) got no answer")
        }
        let err = rd_kafka_event_error(event)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let detail = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? ""
            rd_kafka_event_destroy(event)
            throw KafkaError(code: .broker(err.rawValue), message: "\(name): \(detail)")
        }
        return event
    }
}
