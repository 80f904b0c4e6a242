import Events
import Foundation
import MQTT
import ShikongTesting
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What the live-layer tests share: readings published over MQTT at chosen event times, definitions
/// sent through the API, and fence collections imported as entities.
enum LiveFixture {
    /// A reading as the demo feed publishes it.
    static func reading(sensor: String, at time: Date, lon: Double, lat: Double, values: [String: Double]) -> MQTTMessage {
        let numbers = values.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",")
        return MQTTMessage(
            topic: "city/\(sensor)/air",
            payload: Array(#"{"ts":"\#(Timestamp.format(time))","lon":\#(lon),"lat":\#(lat),"values":{\#(numbers)}}"#.utf8))
    }

    static func publish(_ messages: [MQTTMessage], to platform: TestPlatform, client: String) async throws {
        let publisher = try MQTTPublisher(
            connection: MQTTConnection(
                host: platform.configuration.mqttHost, port: platform.configuration.mqttPort, clientID: "\(client)-\(UUID().uuidString.prefix(6))"))
        defer { publisher.close() }
        try await publisher.publishAll(messages)
        #expect(await publisher.acknowledged(), "Mosquitto acknowledged every message")
    }

    /// Sends a request with a JSON body; returns the status and the JSON answer.
    static func send(_ method: String, _ path: String, body: String, to platform: TestPlatform) async throws -> (status: Int, json: [String: Any]) {
        var request = URLRequest(url: URL(string: platform.baseURL + path)!)
        try await platform.authorize(&request)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    /// Defines something through the API and waits until the definitions projection shows it, then
    /// a moment more for the processors (they follow the same topic).
    static func define(_ path: String, id: String, body: String, on platform: TestPlatform) async throws {
        let answer = try await send("PUT", "\(path)/\(id)", body: body, to: platform)
        #expect(answer.status == 202, "PUT \(path)/\(id): \(answer.json)")
        let shown = try await platform.poll("\(path)/\(id)", timeout: .seconds(30)) { ($0["id"] as? String) == id }
        #expect(shown["id"] as? String == id)
        try await Task.sleep(for: .seconds(1))
    }

    /// Imports squares as an entity collection (id → west, south, side in degrees) and waits for them.
    static func importSquares(
        _ squares: [(id: String, name: String, west: Double, south: Double, side: Double)], collection: String, on platform: TestPlatform
    )
        async throws
    {
        let features = squares.map { square in
            let ring = [
                [square.west, square.south], [square.west + square.side, square.south], [square.west + square.side, square.south + square.side],
                [square.west, square.south + square.side], [square.west, square.south],
            ].map { "[\($0[0]),\($0[1])]" }.joined(separator: ",")
            return
                #"{"type":"Feature","properties":{"code":"\#(square.id)","name":"\#(square.name)"},"geometry":{"type":"Polygon","coordinates":[[\#(ring)]]}}"#
        }
        let body = #"{"type":"FeatureCollection","features":[\#(features.joined(separator: ","))]}"#
        let answer = try await platform.post(
            "/imports?collection=\(collection)&filename=\(collection).geojson&id_field=code&crs=EPSG:4490", body: body,
            contentType: "application/geo+json")
        #expect(answer.status == 202, "\(answer.json)")
        let loaded = try await platform.poll("/collections/\(collection)/items?limit=100", timeout: .seconds(60)) {
            ($0["numberReturned"] as? Int) == squares.count
        }
        #expect(loaded["numberReturned"] as? Int == squares.count)
    }

    /// The alerts of a rule, as the `alerts` collection serves them.
    static func alerts(rule: String, on platform: TestPlatform) async throws -> [[String: Any]] {
        let page = try await platform.get("/collections/alerts/items?rule=\(rule)&limit=1000")
        return (page.json["features"] as? [[String: Any]] ?? []).compactMap { $0["properties"] as? [String: Any] }
    }

    /// A point in time a whole number of `seconds` before now, so windows line up.
    static func aligned(secondsAgo: Double, to seconds: Double) -> Date {
        let now = Date().timeIntervalSince1970 - secondsAgo
        return Date(timeIntervalSince1970: (now / seconds).rounded(.down) * seconds)
    }
}
