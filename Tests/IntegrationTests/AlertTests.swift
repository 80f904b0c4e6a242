import AlertDelivery
import Events
import Foundation
import Hummingbird
import MQTT
import Platform
import PostgresNIO
import ShikongTesting
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Geofence alerts through the real services: fences from an imported entity collection, vehicle
/// positions over MQTT, alerts in the `alerts` collection, delivered to a webhook.
@Suite("Alerts", .serialized)
struct AlertTests {
    /// Two adjacent squares near Lanzhou, an area no other test uses.
    static func squares(_ run: String) -> [(id: String, name: String, west: Double, south: Double, side: Double)] {
        [("a", "West \(run)", 103.70, 36.00, 0.05), ("b", "East \(run)", 103.75, 36.00, 0.05)]
    }

    /// A vehicle driving east across the boundary between the squares, one position a second.
    static func drive(_ vehicle: String, from start: Date, positions: Int = 20) -> [MQTTMessage] {
        (0..<positions).map { step in
            let lon = 103.71 + Double(step) * 0.004
            return MQTTMessage(
                topic: "city/\(vehicle)/air",
                payload: Array(
                    #"{"ts":"\#(Timestamp.format(start.addingTimeInterval(Double(step))))","lon":\#(lon),"lat":36.02,"values":{"speed_kmh":40}}"#.utf8
                ))
        }
    }

    @Test(
        "a definition that could never apply is a 400 problem: a rule condition that does not parse or type-check, a bad window, a fence that is no polygon"
    )
    func invalidDefinitionsAreRefused() async throws {
        let platform = try await TestPlatform.shared()
        let refused: [(path: String, body: String, mentions: String)] = [
            ("/alert-rules/bad-parse", #"{"kind": "threshold", "condition": "pm25 >"}"#, "condition"),
            ("/alert-rules/bad-type", #"{"kind": "threshold", "condition": "pm25 = 'high'"}"#, "condition"),
            (
                "/alert-rules/bad-clear",
                #"{"kind": "threshold", "source": "aggregates", "condition": "avg_pm25 > 75", "clear": "window_start > 5"}"#, "clear"
            ),
            ("/aggregations/bad-window", #"{"window": {"size": "10ms"}, "values": ["pm25"]}"#, "window"),
            ("/geofences/bad-shape", #"{"geometry": {"type": "Point", "coordinates": [114.3, 30.6]}}"#, "geometry"),
        ]
        for (path, body, mentions) in refused {
            var request = URLRequest(url: URL(string: platform.baseURL + path)!)
            try await platform.authorize(&request)
            request.httpMethod = "PUT"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data(body.utf8)
            let (data, response) = try await URLSession.shared.data(for: request)
            let http = try #require(response as? HTTPURLResponse)
            #expect(http.statusCode == 400, "PUT \(path): \(String(decoding: data, as: UTF8.self))")
            #expect(http.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("application/problem+json") == true, "PUT \(path)")
            let problem = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
            #expect((problem["detail"] as? String)?.contains(mentions) == true, "PUT \(path): \(problem)")
        }
        // A good threshold rule is still accepted (watching subjects no other test has).
        let good = try await LiveFixture.send(
            "PUT", "/alert-rules/good-threshold",
            body: #"{"kind": "threshold", "condition": "pm25 > 75", "subjects": {"prefix": "sensor:no-such-subject-"}}"#, to: platform)
        #expect(good.status == 202, "\(good.json)")
    }

    @Test("a vehicle crossing a district boundary raises exactly one enter and one exit; a webhook that fails twice gets it on the third try, signed")
    func crossingAndWebhook() async throws {
        let platform = try await TestPlatform.shared()
        let run = UUID().uuidString.prefix(6).lowercased()
        let collection = "zones_\(run)"
        try await LiveFixture.importSquares(Self.squares(run), collection: collection, on: platform)

        let receiver = try await WebhookReceiver.start(failures: 2)
        defer { receiver.stop() }
        try await LiveFixture.define(
            "/alert-rules", id: "enter-\(run)",
            body: """
                {"kind": "enter", "subjects": {"prefix": "sensor:veh-\(run)"}, "fences": {"collection": "\(collection)"},
                 "actions": [{"webhook": {"url": "http://127.0.0.1:\(receiver.port)/hook", "secret": "s3cret-\(run)"}}]}
                """, on: platform)
        try await LiveFixture.define(
            "/alert-rules", id: "exit-\(run)", body: #"{"kind": "exit", "fences": {"collection": "\#(collection)"}}"#, on: platform)
        // The alerting stage reads a rule's fences from the entity stream when the rule first names
        // them, and a rule applies to the events processed after that (rules are not retroactive).
        // With the whole suite loading the shared platform, reading the stream takes seconds.
        try await Task.sleep(for: .seconds(8))
        try await LiveFixture.publish(Self.drive("veh-\(run)-1", from: Date().addingTimeInterval(-60)), to: platform, client: "alerts-\(run)")

        let entered = try await poll { try await LiveFixture.alerts(rule: "enter-\(run)", on: platform) }
        let exited = try await poll { try await LiveFixture.alerts(rule: "exit-\(run)", on: platform) }
        #expect(entered.count == 1 && exited.count == 1, "enter: \(entered), exit: \(exited)")
        #expect(entered.first?["fence"] as? String == "\(collection)/b" && exited.first?["fence"] as? String == "\(collection)/a")
        #expect(entered.first?["subject"] as? String == "sensor:veh-\(run)-1" && entered.first?["status"] as? String == "raised")
        // No more come later.
        try await Task.sleep(for: .seconds(2))
        #expect(try await LiveFixture.alerts(rule: "enter-\(run)", on: platform).count == 1)

        // Delivery: two 500s, then 200 on the third try, with a valid signature.
        let deliveries = try await receiver.waitForAttempts(3, timeout: .seconds(120))
        #expect(deliveries.map(\.answered) == [500, 500, 200])
        let accepted = try #require(deliveries.last)
        let timestamp = try #require(accepted.headers[WebhookSignature.timestampHeader.lowercased()].flatMap { Int64($0) })
        let signature = try #require(accepted.headers[WebhookSignature.signatureHeader.lowercased()])
        #expect(WebhookSignature.verify(signature: signature, body: accepted.body, timestamp: timestamp, secret: "s3cret-\(run)"))
        let event = try EventJSON.decoder().decode(AlertEvent.self, from: Data(accepted.body))
        #expect(event.type == AlertEvent.raised && event.data.rule == "enter-\(run)" && event.data.fence == "\(collection)/b")
        #expect(accepted.headers[WebhookSignature.eventHeader.lowercased()] == event.id.uuidString.lowercased())

        // Acknowledging through the API.
        let alertID = try #require(entered.first.flatMap { _ in event.data.alertID.uuidString.lowercased() })
        let acknowledged = try await LiveFixture.send("POST", "/alerts/\(alertID)/acknowledge", body: #"{"by": "duty officer"}"#, to: platform)
        #expect(acknowledged.status == 202, "\(acknowledged.json)")
        let shown = try await platform.poll("/collections/alerts/items/\(alertID)") {
            (($0["properties"] as? [String: Any])?["status"] as? String) == "acknowledged"
        }
        #expect((shown["properties"] as? [String: Any])?["acknowledged_by"] as? String == "duty officer")
        #expect(try await LiveFixture.send("POST", "/alerts/\(alertID)/acknowledge", body: "", to: platform).status == 409)
    }

    /// Polls until the list is not empty (and a little longer, to see duplicates), at most two minutes
    /// (the alerting stage lags under the whole suite's load).
    func poll(_ body: () async throws -> [[String: Any]]) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let found = try await body()
            if !found.isEmpty {
                try await Task.sleep(for: .seconds(1))
                return try await body()
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        return []
    }
}

/// A tiny webhook receiver: answers 500 to the first `failures` requests, then 200, and keeps what it received.
final class WebhookReceiver: Sendable {
    struct Attempt: Sendable {
        var headers: [String: String]
        var body: [UInt8]
        var answered: Int
    }

    let port = freePort()
    let failures: Int
    private let attempts = Mutex<[Attempt]>([])
    private let task = Mutex<Task<Void, any Error>?>(nil)

    private init(failures: Int) {
        self.failures = failures
    }

    static func start(failures: Int) async throws -> WebhookReceiver {
        let receiver = WebhookReceiver(failures: failures)
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            return receiver.attempts.withLock { attempts in
                let status: HTTPResponse.Status = attempts.count < receiver.failures ? .internalServerError : .ok
                attempts.append(Attempt(headers: headers, body: Array(buffer: body), answered: Int(status.code)))
                return status
            }
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: receiver.port)))
        receiver.task.withLock { $0 = Task { try await app.runService() } }
        // Wait until it listens.
        for _ in 0..<50 {
            if (try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(receiver.port)/")!)) != nil { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return receiver
    }

    func waitForAttempts(_ count: Int, timeout: Duration) async throws -> [Attempt] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let seen = attempts.withLock { $0 }
            if seen.count >= count { return seen }
            try await Task.sleep(for: .milliseconds(200))
        }
        return attempts.withLock { $0 }
    }

    func stop() {
        task.withLock { $0?.cancel() }
    }
}
