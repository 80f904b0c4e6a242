import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// The HTTP API: OGC API Features for the sensor collections, and health.
public enum APIServer {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int

        public init(host: String = "127.0.0.1", port: Int) {
            self.host = host
            self.port = port
        }
    }

    /// The application, a `Service` to run in the platform's service group.
    public static func application(
        configuration: Configuration, context: APIContext, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol & Sendable {
        let client = context.database
        let router = Router()
        router.add(middleware: ProblemMiddleware())
        router.get("/") { request, _ in
            try json([
                "title": "Shikong 时空", "description": "Spatiotemporal big-data platform: live sensor data in CGCS2000 (EPSG:4490).",
                "links": [
                    ["href": "\(request.baseURL)/", "rel": "self", "type": "application/json"],
                    ["href": "\(request.baseURL)/conformance", "rel": "conformance", "type": "application/json"],
                    ["href": "\(request.baseURL)/collections", "rel": "data", "type": "application/json"],
                    ["href": "\(request.baseURL)/health", "rel": "status", "type": "application/json"],
                    ["href": "\(request.baseURL)/dlq", "rel": "dead-letters", "type": "application/json"],
                    ["href": "\(request.baseURL)/metrics", "rel": "metrics", "type": "text/plain"],
                ],
            ])
        }
        router.get("/conformance") { _, _ in
            try json([
                "conformsTo": [
                    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                ]
            ])
        }
        router.get("/health") { _, _ in
            let started = ContinuousClock.now
            do {
                try await client.query("SELECT 1", logger: logger)
                let elapsed = ContinuousClock.now - started
                let milliseconds = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
                let database: [String: any Sendable] = ["status": "ok", "latency_ms": milliseconds]
                return try json(["status": "ok", "checks": ["database": database]])
            } catch {
                let database: [String: any Sendable] = ["status": "unavailable", "error": "\(error)"]
                return try json(["status": "unavailable", "checks": ["database": database]], status: .serviceUnavailable)
            }
        }
        SensorCollections(client: client, logger: logger).addRoutes(to: router)
        MeasurementRoutes(client: client, logger: logger).addRoutes(to: router)
        DeadLetterRoutes(context: context, logger: logger).addRoutes(to: router)
        MetricsRoute(context: context, logger: logger).addRoutes(to: router)
        EntityHistoryRoutes(context: context, logger: logger).addRoutes(to: router)
        ReplayRoute(context: context, logger: logger).addRoutes(to: router)
        ImportRoutes(context: context, logger: logger).addRoutes(to: router)
        ItemRoutes(context: context, logger: logger).addRoutes(to: router)
        if let engine = context.gazetteer {
            GazetteerRoutes(engine: engine, writers: .withGeoPackage).addRoutes(to: router)
            GazetteerEditRoutes(context: context, engine: engine, logger: logger).addRoutes(to: router)
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "shikong"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }
}

/// A JSON response from plain values.
func json(_ value: [String: any Sendable], status: HTTPResponse.Status = .ok) throws -> Response {
    let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])
    return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
}

extension Request {
    /// `http://host:port` as the client addressed it.
    var baseURL: String {
        "http://\(head.authority ?? "localhost")"
    }
}
