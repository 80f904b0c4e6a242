import Hummingbird
import Logging
import Projections
import ReadModel

/// `GET /metrics`: the process's metrics (HTTP requests per route among them), every projection's
/// and processor's consumer lag, every running task's figures and every node's heartbeat age, in
/// Prometheus text format. Lag comes from the background ``ConsumerLagMonitor`` (a few seconds old at
/// most); task figures from `task_status` and node figures from `platform_nodes`, which the processes
/// refresh every few seconds (two small queries per scrape).
struct MetricsRoute: Sendable {
    let context: APIContext

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/metrics") { _, _ in
            let logger = Logger(label: "shikong.metrics")
            let tasks = (try? await TaskReads(client: context.database, logger: logger).allStatus()) ?? []
            let nodes = (try? await NodeReads(client: context.database, logger: logger).all()) ?? []
            return Self.response(
                (context.metrics?.emitToString() ?? "") + (context.lag?.prometheus ?? "") + Self.prometheus(tasks) + Self.prometheus(nodes))
        }
    }

    /// Prometheus text as a response.
    static func response(_ text: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }

    /// Every node's heartbeat age and whether it is lost, labelled by node and roles.
    static func prometheus(_ nodes: [NodeReads.Node]) -> String {
        guard !nodes.isEmpty else { return "" }
        let series: [(name: String, help: String, value: (NodeReads.Node) -> Double)] = [
            ("shikong_node_heartbeat_age_seconds", "Seconds since the node's last heartbeat.", { $0.heartbeatAgeSeconds }),
            (
                "shikong_node_lost", "1 when the node's heartbeat is older than its lost-after threshold (and it did not say it stopped).",
                {
                    $0.state == .lost ? 1 : 0
                }
            ),
            ("shikong_node_lag", "Records the node's consumers have yet to read, as its last heartbeat said.", { Double($0.lag) }),
        ]
        var text = ""
        for metric in series {
            text += "# HELP \(metric.name) \(metric.help)\n# TYPE \(metric.name) gauge\n"
            for node in nodes {
                text += "\(metric.name){node=\"\(label(node.id))\",roles=\"\(label(node.roles.joined(separator: "+")))\"} \(metric.value(node))\n"
            }
        }
        return text
    }

    /// Task figures as Prometheus gauges and counters, labelled by task and kind.
    static func prometheus(_ tasks: [(task: String, kind: String, status: TaskReads.Status)]) -> String {
        guard !tasks.isEmpty else { return "" }
        let series: [(name: String, type: String, help: String, value: (TaskReads.Status) -> Double)] = [
            ("shikong_task_messages_total", "counter", "Messages a task took in (summed over the processes running it).", { Double($0.messages) }),
            ("shikong_task_bytes_total", "counter", "Bytes a task took in.", { Double($0.bytes) }),
            ("shikong_task_errors_total", "counter", "Errors of a task's runners.", { Double($0.errors) }),
            ("shikong_task_messages_per_second", "gauge", "Messages per second over the last ten seconds.", { $0.messagesPerSecond }),
            ("shikong_task_bytes_per_second", "gauge", "Bytes per second over the last ten seconds.", { $0.bytesPerSecond }),
            ("shikong_task_errors_per_second", "gauge", "Runner errors per second over the last ten seconds.", { $0.errorsPerSecond }),
            ("shikong_task_running", "gauge", "1 while a runner of the task runs.", { $0.running ? 1 : 0 }),
            (
                "shikong_task_last_message_timestamp_seconds", "gauge", "When the task last took a message in (Unix time).",
                { $0.lastMessageAt?.timeIntervalSince1970 ?? 0 }
            ),
        ]
        var text = ""
        for metric in series {
            text += "# HELP \(metric.name) \(metric.help)\n# TYPE \(metric.name) \(metric.type)\n"
            for (task, kind, status) in tasks {
                text += "\(metric.name){task=\"\(label(task))\",kind=\"\(label(kind))\"} \(metric.value(status))\n"
            }
        }
        return text
    }
}

/// A Prometheus label value, escaped.
private func label(_ text: String) -> String {
    text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
}
