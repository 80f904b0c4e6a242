import Database
import Events
import Foundation
import Hummingbird
import HummingbirdWebSocket
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import PostgresNIO
import ReadModel

/// The HTTP API: OGC API Features over every collection, the catalogue, time travel, imports,
/// geocoding, dead letters, metrics and health.
public enum APIServer {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// HTTPS with this certificate and key (`--http-tls-cert`, `--http-tls-key`); `nil`: plain HTTP.
        public var tls: TLSConfiguration?

        public init(host: String = "127.0.0.1", port: Int, tls: TLSConfiguration? = nil) {
            self.host = host
            self.port = port
            self.tls = tls
        }
    }

    /// The application, a `Service` to run in the platform's service group.
    public static func application(
        configuration: Configuration, context: APIContext, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) throws -> some ApplicationProtocol & Sendable {
        let client = context.database
        let reader = context.reader
        let router = Router()
        // Outermost, so it times whole requests and sees the status of every answer, problems included.
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: HeaderLimitMiddleware(maximumBytes: context.queryLimits.maximumHeaderBytes))
        router.add(middleware: FormQueryMiddleware())
        let store = FeatureStore(client: reader, limits: context.queryLimits, logger: logger)
        // Every route below passes the access gate (a route's rule is one line of AccessPolicy), which
        // tells the audit trail what it let through and what it refused.
        let audit = AuditTrail(producer: context.producer, logger: logger)
        func access<Context: RequestContext>(_ type: Context.Type) -> AccessMiddleware<Context> {
            AccessMiddleware(store: context.access, registry: store.registry, anonymousReads: context.anonymousReads, observer: audit)
        }
        router.add(middleware: access(BasicRequestContext.self))
        let dashboard = DashboardAssets(context.dashboard, logger: logger)
        router.get("/") { request, _ in
            if DashboardRoutes.wantsHTML(request) { return dashboard.page() }
            let base = request.baseURL
            return try json([
                "title": "Shikong 时空",
                "description":
                    "Spatiotemporal big-data platform: sensor readings and geographic entities with full history, in CGCS2000 (EPSG:4490).",
                "links": [
                    ["href": "\(base)/", "rel": "self", "type": "application/json", "title": "This document"],
                    [
                        "href": "\(base)/api", "rel": "service-desc", "type": "application/vnd.oai.openapi+json;version=3.0",
                        "title": "The API definition",
                    ],
                    ["href": "\(base)/conformance", "rel": "conformance", "type": "application/json", "title": "Conformance classes"],
                    ["href": "\(base)/map", "rel": "alternate", "type": "text/html", "title": "The map dashboard"],
                    [
                        "href": "\(base)/tileMatrixSets", "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes", "type": "application/json",
                        "title": "Tile matrix sets",
                    ],
                    [
                        "href": "\(base)/tiles", "rel": "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", "type": "application/json",
                        "title": "Basemap vector tiles",
                    ],
                    ["href": "\(base)/collections", "rel": "data", "type": "application/json", "title": "Collections"],
                    ["href": "\(base)/catalog", "rel": "search", "type": "application/json", "title": "Search the catalogue"],
                    ["href": "\(base)/health", "rel": "status", "type": "application/json", "title": "Health"],
                    ["href": "\(base)/dlq", "rel": "dead-letters", "type": "application/json", "title": "Dead letters"],
                    ["href": "\(base)/metrics", "rel": "metrics", "type": "text/plain", "title": "Prometheus metrics"],
                    ["href": "\(base)/nodes", "rel": "nodes", "type": "application/json", "title": "The platform's nodes"],
                ],
            ])
        }
        router.get("/api") { request, _ in
            try json(OpenAPIDocument.make(serverURL: request.baseURL), contentType: "application/vnd.oai.openapi+json;version=3.0")
        }
        router.get("/api/async") { request, _ in
            try json(AsyncAPIDocument.make(serverURL: request.baseURL))
        }
        router.get("/conformance") { _, _ in
            try json(["conformsTo": Conformance.classes])
        }
        router.get("/health") { _, _ in
            try await HealthCheck(
                client: client, readiness: context.readiness, dependencies: context.dependencies, node: context.node, logger: logger
            ).response()
        }
        AuthRoutes(store: context.access, audit: audit, maximumBody: context.queryLimits.maximumRequestBody).addRoutes(to: router)
        UserRoutes(store: context.access, maximumBody: context.queryLimits.maximumRequestBody).addRoutes(to: router)
        let edits = EntityEditReads(client: client, logger: logger)
        FeatureRoutes(store: store, edits: edits, logger: logger).addRoutes(to: router)
        // Feature edits (OGC API Features Part 4) in a group of their own, for access control to wrap.
        FeatureEditRoutes(store: store, edits: edits, producer: context.producer, logger: logger).addRoutes(to: router.group())
        TileRoutes(tiles: TileStore(features: store, cache: context.tileCache, limits: context.tileLimits)).addRoutes(to: router)
        DashboardRoutes(assets: dashboard).addRoutes(to: router)
        CatalogueRoutes(store: store, producer: context.producer, logger: logger).addRoutes(to: router)
        StatisticsRoutes(store: store, defaultRegions: context.adminRegions).addRoutes(to: router)
        MeasurementRoutes(store: store, spatial: SpatialQueries(client: reader, logger: logger)).addRoutes(to: router)
        DeadLetterRoutes(context: context, logger: logger).addRoutes(to: router)
        MetricsRoute(context: context).addRoutes(to: router)
        NodeRoutes(reads: NodeReads(client: reader, logger: logger)).addRoutes(to: router)
        EntityHistoryRoutes(timeTravel: EntityTimeTravel(client: reader, logger: logger), registry: store.registry).addRoutes(to: router)
        ReplayRoute(context: context, registry: store.registry, logger: logger).addRoutes(to: router)
        ImportRoutes(context: context, registry: store.registry, logger: logger).addRoutes(to: router)
        ItemRoutes(context: context, store: store).addRoutes(to: router)
        let live = LiveRoutes(
            store: store, hub: context.live,
            caller: { [access = context.access, anonymousReads = context.anonymousReads] request in
                try await AccessMiddleware<BasicWebSocketRequestContext>.caller(of: request, store: access, anonymousReads: anonymousReads)
            }, logger: logger)
        live.addRoutes(to: router)
        // WebSocket upgrades go to their own router: the same paths as the Server-Sent Events.
        let webSocketRouter = Router(context: BasicWebSocketRequestContext.self)
        webSocketRouter.add(middleware: access(BasicWebSocketRequestContext.self))
        live.addWebSocketRoutes(to: webSocketRouter)
        let liveReads = LiveDefinitionReads(client: client, logger: logger)
        LiveDefinitionRoutes(reads: liveReads).addRoutes(to: router)
        // The live layer's writes in a group of their own, for access control to wrap.
        LiveCommandRoutes(
            context: context, reads: liveReads, registry: store.registry, maximumBody: store.limits.maximumRequestBody, logger: logger
        ).addRoutes(to: router.group())
        let taskReads = TaskReads(client: client, logger: logger)
        TaskRoutes(reads: taskReads).addRoutes(to: router)
        // Task changes in a group of their own, for access control to wrap.
        TaskCommandRoutes(
            reads: taskReads, producer: context.producer,
            validators: Dictionary(context.taskValidators.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first }),
            maximumBody: store.limits.maximumRequestBody, logger: logger
        ).addRoutes(to: router.group())
        let registryReads = RegistryReads(client: client, logger: logger)
        RegistryRoutes(reads: registryReads).addRoutes(to: router)
        // Registry changes in a group of their own, for access control to wrap.
        RegistryCommandRoutes(reads: registryReads, producer: context.producer, maximumBody: store.limits.maximumRequestBody, logger: logger)
            .addRoutes(to: router.group())
        if let engine = context.gazetteer {
            GazetteerRoutes(engine: engine, writers: .withGeoPackage).addRoutes(to: router)
            GazetteerEditRoutes(context: context, engine: engine, logger: logger).addRoutes(to: router)
        }
        let server = HTTPServerBuilder.http1WebSocketUpgrade(
            webSocketRouter: webSocketRouter, configuration: .init(http1: Self.http1(maximumHeaderBytes: context.queryLimits.maximumHeaderBytes)))
        return Application(
            router: router,
            server: try configuration.tls.map { try HTTPServerBuilder.tls(server, tlsConfiguration: $0) } ?? server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "shikong"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }

    /// TLS for the listener from PEM files: the certificate chain and its private key.
    public static func tls(certificateFile: String, keyFile: String) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { NIOSSLCertificateSource.certificate($0) }
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem)))
    }

    /// The HTTP/1 decoder's hard limits: twice the header limit the middleware answers with a 431
    /// problem (at least NIO's default 80 KiB), so only grossly oversized headers meet the decoder's
    /// bare 400 and closed connection.
    static func http1(maximumHeaderBytes: Int) -> HTTP1Channel.Configuration {
        let cap = max(80 * 1_024, 2 * maximumHeaderBytes)
        return HTTP1Channel.Configuration(
            httpDecoderConfiguration: .init(maxHeaderFieldSize: cap, maxHeaderListSize: cap, maxHeaderFieldCount: 1_000))
    }
}
