import Events
import Foundation
import LocalStack
import MQTT
import Platform
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Every node observable: the stage commands run as their own processes, each with its own metrics
/// port; their `/metrics` parse with prometheus-client's parser and, with the API's, name every
/// series the alert rules use; `/health` reports Kafka, PostgreSQL and MQTT; the heartbeats list
/// every node in `GET /nodes`, a killed one as lost; and the alert rules pass `promtool`.
@Suite("Node observability", .serialized)
struct ObservabilityTests {
    static let venv = TestPlatform.repositoryRoot.appendingPathComponent(".venv/bin")
    static let rulesDirectory = TestPlatform.repositoryRoot.appendingPathComponent("deploy/prometheus")

    @Test("the alert rules pass promtool check rules and promtool test rules")
    func alertRules() async throws {
        let promtool = Self.venv.appendingPathComponent("promtool").path
        let checked = try await runToolDetached(promtool, ["check", "rules", Self.rulesDirectory.appendingPathComponent("shikong-rules.yml").path])
        #expect(checked.status == 0, "\(checked.output)")
        #expect(checked.output.contains("SUCCESS: 8 rules found"), "\(checked.output)")
        let tested = try await runToolDetached(promtool, ["test", "rules", "shikong-rules.test.yml"], directory: Self.rulesDirectory)
        #expect(tested.status == 0, "\(tested.output)")
    }

    @Test("stage nodes expose /metrics and /health, announce themselves, and a killed one is marked lost")
    func nodes() async throws {
        let platform = try await TestPlatform.start(stages: [.serve])
        var platformStopped = false
        defer { if !platformStopped { Task { await platform.stop() } } }
        let ports: [Stage: Int] = [.ingest: freePort(), .process: freePort(), .project: freePort()]
        let stages = ports.map { stage, port in
            StageProcess(stage, platform: platform, extraArguments: ["--metrics-port", String(port), "--heartbeat-interval", "2"])
        }
        for stage in stages { try stage.start() }
        // SIGKILL: the ingest node's graceful stop waits for the MQTT broker this test takes away.
        defer { for stage in stages { stage.kill() } }

        // /health: 200 once connected, with each dependency probed and reachable.
        for (stage, port) in ports {
            let health = try await Self.poll(port: port, path: "/health", timeout: .seconds(90)) { $0.status == 200 }
            #expect(health.status == 200, "\(stage) /health: \(String(decoding: health.body, as: UTF8.self))")
            let checks = health.json["checks"] as? [String: Any] ?? [:]
            for dependency in ["kafka", "postgresql", "mqtt"] {
                let check = checks[dependency] as? [String: Any] ?? [:]
                #expect(check["status"] as? String == "ok", "\(stage) \(dependency): \(check)")
                #expect((check["reason"] as? String)?.isEmpty == false)
            }
            #expect((health.json["node"] as? [String: Any])?["roles"] as? [String] == [stage.rawValue])
        }

        // One reading through every stage, so the consumers have positions and report lag.
        let sensor = "observe-\(UUID().uuidString.prefix(6).lowercased())"
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: sensor))
        defer { publisher.close() }
        try await publisher.publishAll([
            MQTTMessage(
                topic: "city/\(sensor)/air", payload: Array(#"{"ts":"\#(Timestamp.format(Date()))","lon":114.3,"lat":30.6,"pm25":12}"#.utf8))
        ])
        _ = try await platform.waitForCount("SELECT count(*)::int FROM sensor_readings WHERE sensor_id = \(sensor)", timeout: .seconds(60)) {
            $0 >= 1
        }
        // The API's own request metrics, by route template.
        #expect(try await platform.request("GET", "/collections/sensors/items?limit=1").status == 200)

        // /metrics of every node parses and, together with the API's, names every series the rules use.
        let ruleSeries = try Self.ruleSeries()
        #expect(ruleSeries.count >= 6, "\(ruleSeries)")
        var samples: [String: [Sample]] = [:]
        let deadline = ContinuousClock.now + .seconds(30)
        repeat {
            samples = try await scrape(platform: platform, ports: ports)
            let named = Set(samples.values.flatMap { $0.map(\.name) })
            if ruleSeries.isSubset(of: named)
                && samples["process"]?.contains(where: { $0.name == "shikong_kafka_consumer_lag" && $0.labels["group"] == "test.spatialiser" })
                    == true
            {
                break
            }
            try await Task.sleep(for: .seconds(1))
        } while ContinuousClock.now < deadline
        let named = Set(samples.values.flatMap { $0.map(\.name) })
        #expect(ruleSeries.subtracting(named).isEmpty, "series the rules use that no node exports: \(ruleSeries.subtracting(named).sorted())")
        for stage in ports.keys {
            let node = samples[stage.rawValue] ?? []
            for dependency in ["kafka", "postgresql", "mqtt"] {
                #expect(node.contains { $0.name == "shikong_dependency_up" && $0.labels["dependency"] == dependency && $0.value == 1 }, "\(stage)")
            }
            #expect(node.contains { $0.name == "shikong_data_dir_free_bytes" && $0.value > 0 }, "\(stage)")
            #expect(node.contains { $0.name == "shikong_kafka_produced_total" && $0.labels["topic"] == Topics.deadLetters }, "\(stage)")
        }
        #expect(
            samples["process"]?.contains { $0.name == "shikong_kafka_consumer_lag" && $0.labels["group"] == "test.spatialiser" } == true,
            "\((samples["process"] ?? []).filter { $0.name.hasPrefix("shikong_kafka_con") }.map { "\($0.name)\($0.labels)=\($0.value)" })")
        let api = samples["serve"] ?? []
        #expect(
            api.contains {
                $0.name == "shikong_http_requests_total" && $0.labels["route"] == "/collections/{collection}/items" && $0.labels["status"] == "200"
                    && $0.labels["method"] == "GET"
            }, "request counter by route template")
        #expect(api.contains { $0.name == "shikong_http_request_duration_seconds_bucket" && $0.labels["route"] == "/collections/{collection}/items" })
        #expect(!api.contains { $0.name == "shikong_http_requests_total" && ($0.labels["route"] ?? "").contains(sensor) }, "no raw paths as labels")

        // GET /nodes lists every node (the API's own included) with roles, version and partitions
        // (polled: under load a consumer group can be rebalancing, holding nothing for a moment).
        let listed = try await platform.poll("/nodes", timeout: .seconds(30)) { answer in
            (answer["nodes"] as? [[String: Any]] ?? []).contains { node in
                (node["roles"] as? [String]) == ["process"]
                    && (node["partitions"] as? [[String: Any]] ?? []).contains {
                        $0["topic"] as? String == Topics.rawSensorReadings && $0["group"] as? String == "test.spatialiser"
                    }
            }
        }
        let nodes = listed["nodes"] as? [[String: Any]] ?? []
        for stage in ports.keys {
            let node = try #require(nodes.first { ($0["roles"] as? [String]) == [stage.rawValue] }, "\(stage) in \(nodes)")
            #expect(node["state"] as? String == "up")
            #expect(node["version"] as? String == NodeIdentity.platformVersion)
            #expect(node["metrics_port"] as? Int == ports[stage])
            #expect(node["last_heartbeat"] is String && node["started_at"] is String)
        }
        let processNode = try #require(nodes.first { ($0["roles"] as? [String]) == ["process"] })
        let held = processNode["partitions"] as? [[String: Any]] ?? []
        #expect(held.contains { $0["topic"] as? String == Topics.rawSensorReadings && $0["group"] as? String == "test.spatialiser" }, "\(nodes)")
        #expect(nodes.contains { ($0["roles"] as? [String]) == ["serve"] && $0["http_port"] as? Int == platform.configuration.httpPort })
        #expect(try await platform.request("GET", "/nodes", token: .anonymous).status == 401)

        // Kill the processor: after three missed heartbeats it is lost; the other stage nodes stay up.
        let processor = try #require(stages.first { $0.stage == .process })
        processor.kill()
        let after = try await platform.poll("/nodes", timeout: .seconds(30)) { answer in
            let nodes = answer["nodes"] as? [[String: Any]] ?? []
            return nodes.filter { $0["state"] as? String == "lost" }.compactMap { $0["roles"] as? [String] } == [["process"]]
                && nodes.filter { ["ingest", "project"].contains(($0["roles"] as? [String])?.first) }.allSatisfy { $0["state"] as? String == "up" }
        }
        #expect(after["lost"] as? Int == 1, "\(after)")
        let lostNode = (after["nodes"] as? [[String: Any]] ?? []).first { $0["state"] as? String == "lost" }
        #expect(lostNode?["id"] as? String == processNode["id"] as? String, "\(after)")
        #expect(try await platform.request("GET", "/nodes?state=lost").json["numberReturned"] as? Int == 1)
        #expect(try await platform.request("GET", "/nodes?state=gone").status == 400)

        // shikong status lists every node, the lost one as lost, with its partitions.
        let configuration = platform.configuration
        let status = try await runToolDetached(
            StageProcess.executable.path,
            [
                "status", "--kafka", configuration.kafkaBootstrap, "--database", configuration.database.url, "--instance", configuration.instance,
                "--interval", "0.2", "--topics-dir", TestPlatform.repositoryRoot.appendingPathComponent("topics").path,
            ])
        #expect(status.status == 0, "\(status.output)")
        let lines = status.output.split(separator: "\n").map(String.init)
        for node in after["nodes"] as? [[String: Any]] ?? [] {
            let id = node["id"] as? String ?? ""
            #expect(lines.contains { $0.hasPrefix(id + " ") }, "\(id) in \(status.output)")
        }
        #expect(
            lines.contains {
                $0.hasPrefix((processNode["id"] as? String ?? "") + " ") && $0.contains(" lost ") && $0.contains("raw.sensor.readings[")
            },
            "\(status.output)")
        let apiMetrics = try await platform.request("GET", "/metrics")
        #expect(
            String(decoding: apiMetrics.body, as: UTF8.self).contains(
                #"shikong_node_lost{node="\#(processNode["id"] as? String ?? "")",roles="process"} 1"#))

        // A graceful stop is announced: the projector shows as stopped, not lost.
        try #require(stages.first { $0.stage == .project }).stop()
        let stopped = try await platform.poll("/nodes?state=stopped", timeout: .seconds(20)) { answer in
            (answer["nodes"] as? [[String: Any]] ?? []).contains { ($0["roles"] as? [String]) == ["project"] }
        }
        #expect((stopped["nodes"] as? [[String: Any]] ?? []).first?["stopped_at"] is String, "\(stopped)")

        // MQTT down: the ingest node, which needs it, answers 503 naming it; the API, which does not, stays up.
        platform.stack.process(.mosquitto)?.stop(signal: SIGTERM, timeout: 10)
        let ingest = try await Self.poll(port: ports[.ingest]!, path: "/health", timeout: .seconds(20)) { $0.status == 503 }
        #expect(ingest.status == 503)
        #expect(ingest.header("Content-Type")?.hasPrefix("application/problem+json") == true)
        #expect((ingest.json["detail"] as? String)?.contains("mqtt") == true, "\(ingest.json)")
        let served = try await platform.poll("/health", timeout: .seconds(20)) {
            (($0["checks"] as? [String: Any])?["mqtt"] as? [String: Any])?["status"] as? String == "error"
        }
        #expect(served["status"] as? String == "ok", "\(served)")
        #expect(((served["checks"] as? [String: Any])?["mqtt"] as? [String: Any])?["required"] as? Bool == false)
        for stage in stages { stage.kill() }
        platformStopped = true
        await platform.stop()
    }

    struct Sample: Sendable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    /// Every node's `/metrics` (the stage nodes' metrics ports, the API's `/metrics`), parsed by
    /// prometheus-client; keyed by role.
    private func scrape(platform: TestPlatform, ports: [Stage: Int]) async throws -> [String: [Sample]] {
        let directory = platform.dataDirectory.appendingPathComponent("scrapes")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var files: [String: URL] = [:]
        for (stage, port) in ports {
            let answer = try await Self.get(port: port, path: "/metrics")
            #expect(answer.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
            files[stage.rawValue] = directory.appendingPathComponent("\(stage.rawValue).txt")
            try answer.body.write(to: files[stage.rawValue]!)
        }
        let api = try await platform.request("GET", "/metrics")
        #expect(api.status == 200)
        files["serve"] = directory.appendingPathComponent("serve.txt")
        try api.body.write(to: files["serve"]!)
        let parsed = try await runToolDetached(
            Self.venv.appendingPathComponent("python").path,
            [TestPlatform.repositoryRoot.appendingPathComponent("Tests/Observability/metric_series.py").path] + files.values.map(\.path))
        try #require(parsed.status == 0, "a node's /metrics does not parse: \(parsed.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(parsed.output.utf8)) as? [String: [[String: Any]]])
        var samples: [String: [Sample]] = [:]
        for (role, file) in files {
            samples[role] = (json[file.path] ?? []).map {
                Sample(
                    name: $0["name"] as? String ?? "", labels: $0["labels"] as? [String: String] ?? [:],
                    value: ($0["value"] as? NSNumber)?.doubleValue ?? .nan)
            }
        }
        return samples
    }

    /// The platform's own series (`shikong_…`) the alert rules' expressions name.
    static func ruleSeries() throws -> Set<String> {
        let rules = try String(contentsOf: rulesDirectory.appendingPathComponent("shikong-rules.yml"), encoding: .utf8)
        let expressions = rules.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("expr:") }
        return Set(expressions.flatMap { $0.matches(of: /shikong_[a-z_]+/).map { String($0.output) } })
    }

    static func get(port: Int, path: String) async throws -> APIAnswer {
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        let http = response as? HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] { fields["\(name)"] = "\(value)" }
        return APIAnswer(status: http?.statusCode ?? 0, body: data, headers: fields)
    }

    /// GETs `path` on a node's metrics port until `done` accepts the answer (connection refused while
    /// it starts counts as not done), or the timeout passes.
    static func poll(port: Int, path: String, timeout: Duration, until done: (APIAnswer) -> Bool) async throws -> APIAnswer {
        let deadline = ContinuousClock.now + timeout
        var last = APIAnswer(status: 0, body: Data(), headers: [:])
        while ContinuousClock.now < deadline {
            if let answer = try? await get(port: port, path: path) {
                last = answer
                if done(answer) { return answer }
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        return last
    }
}
