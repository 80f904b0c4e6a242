import Access
import Hummingbird
import HummingbirdWebSocket
import Live
import Logging
import NIOCore
import ReadModel

/// Live subscriptions: `GET /collections/{c}/live` (and `/items/live` for located items) follows a
/// collection with the `/items` parameters. A plain request gets Server-Sent Events; a WebSocket
/// upgrade on the same path gets the same messages as text frames. `since` (a time or a cursor) or
/// `Last-Event-ID` starts in the past, replayed from the archive. See `/api/async` for the channels.
struct LiveRoutes: Sendable {
    let store: FeatureStore
    let hub: LiveHub?
    /// Who a request comes from. A WebSocket session runs after the upgrade, outside the access
    /// gate's scope: it is given its caller again from the upgrade request's token.
    let caller: @Sendable (Request) async throws -> Caller
    let logger: Logger

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/collections/:collection/live") { request, context in
            let collection = try await store.registry.collection(try context.parameters.require("collection"))
            return try serverSentEvents(request, collection)
        }
        router.get("/items/live") { request, _ in
            try serverSentEvents(request, try locatedItems())
        }
    }

    func addWebSocketRoutes(to router: Router<BasicWebSocketRequestContext>) {
        router.add(middleware: ProblemMiddleware())
        webSocket(router, "/collections/:collection/live")
        webSocket(router, "/items/live")
    }

    private func webSocket(_ router: Router<BasicWebSocketRequestContext>, _ path: RouterPath) {
        router.ws(
            path,
            shouldUpgrade: { request, context in
                // A subscription that would be refused is answered over HTTP (a 400 problem) instead.
                _ = try await subscription(request, parameters: context.parameters)
                return .upgrade([:])
            },
            onUpgrade: { inbound, outbound, context in
                let caller = try await caller(context.request)
                try await Caller.$current.withValue(caller) {
                    let (hub, subscription) = try await subscription(context.request, parameters: context.requestContext.parameters)
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        // The client closing ends the inbound stream, and with it the session.
                        group.addTask { for try await _ in inbound {} }
                        group.addTask {
                            try await run(LiveSession(hub: hub, subscription: subscription)) { frame in
                                try await outbound.write(.text(frame.json))
                            }
                        }
                        try await group.next()
                        group.cancelAll()
                    }
                }
            })
    }

    private func serverSentEvents(_ request: Request, _ collection: ServedCollection) throws -> Response {
        let (hub, subscription) = try subscription(request, collection: collection)
        let body = ResponseBody { writer in
            // EventSource reconnects after a second, sending the last id it saw as Last-Event-ID.
            try await writer.write(ByteBuffer(string: "retry: 1000\n\n"))
            try await run(LiveSession(hub: hub, subscription: subscription)) { frame in
                try await writer.write(ByteBuffer(string: frame.serverSentEvent))
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    /// Runs a session, telling the client in a last frame why it ends when it is the server's doing.
    private func run(_ session: LiveSession, _ send: (LiveFrame) async throws -> Void) async throws {
        do {
            try await session.run(send)
        } catch let error as LiveError {
            logger.warning("live subscription ended", metadata: ["collection": "\(session.subscription.collection.id)", "reason": "\(error)"])
            try await send(.failure(detail: error.message, resume: nil))
        }
    }

    private func subscription(_ request: Request, parameters: Parameters) async throws -> (LiveHub, LiveSubscription) {
        let collection =
            request.uri.path.hasPrefix("/items/") ? try locatedItems() : try await store.registry.collection(try parameters.require("collection"))
        return try subscription(request, collection: collection)
    }

    private func subscription(_ request: Request, collection: ServedCollection) throws -> (LiveHub, LiveSubscription) {
        guard let hub else { throw Problem(.serviceUnavailable, detail: "live subscriptions are not enabled in this process") }
        let subscription = try LiveSubscription(
            QueryString.parameters(request), collection: collection, lastEventID: Self.lastEventID.flatMap { request.headers[$0] },
            limits: store.limits)
        try hub.access.admit(subscription)
        return (hub, subscription)
    }

    private static let lastEventID = HTTPFields.Element.Name("Last-Event-ID")

    private func locatedItems() throws -> ServedCollection {
        guard let collection = store.registry.locatedItems else { throw Problem.notFound("this server does not serve located items") }
        return collection
    }
}
