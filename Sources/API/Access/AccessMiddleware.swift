import Access
import Hummingbird
import ReadModel

/// The gate every route passes: resolves the bearer token into a ``Caller`` (401 for a token that
/// is unknown, forged, expired or revoked), checks the route's ``AccessRule`` (401 for anonymous
/// callers, 403 for a missing role, 404 for a collection above the caller's clearance), and runs
/// the route with ``Caller/current`` set, so the read model's lookups are scoped to the caller too.
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let store: AccessStore
    let registry: CollectionRegistry
    /// Whether anonymous callers read public data (`--no-anonymous-reads` turns it off).
    let anonymousReads: Bool
    /// Told of every refusal and of every request it let through (the audit trail).
    let observer: any AccessObserver

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let caller = try await authenticate(request, context: context)
        var touched = Touched()
        // A path no route matches has no endpoint path here: it goes on to its 404.
        if let path = context.endpointPath {
            do {
                try await check(
                    AccessPolicy.routes["\(request.method.rawValue) \(path)"], caller: caller, request: request, context: context, touched: &touched)
            } catch let problem as Problem {
                await observer.refused(request, context: context, caller: caller, collections: touched.collections, problem: problem)
                throw problem
            }
        }
        let response: Response
        do {
            response = try await Caller.$current.withValue(caller) { try await next(request, context) }
        } catch {
            // A refused write or a failed read of non-public data is audited too, with the status it gets.
            let status = (error as? any HTTPResponseError)?.status ?? (error is FeatureStoreError ? .badRequest : .internalServerError)
            await observer.answered(
                request, context: context, caller: caller, collections: touched.collections, sensitive: touched.sensitive, status: status, bytes: nil)
            throw error
        }
        await observer.answered(
            request, context: context, caller: caller, collections: touched.collections, sensitive: touched.sensitive, status: response.status,
            bytes: response.body.contentLength)
        return response
    }

    /// What a request named: its collections, and whether any of them (or the route) holds non-public data.
    struct Touched {
        var collections: [String] = []
        var sensitive = false
    }

    private func authenticate(_ request: Request, context: Context) async throws -> Caller {
        do {
            return try await Self.caller(of: request, store: store, anonymousReads: anonymousReads)
        } catch let refusal as AccessStore.Refusal {
            let problem = Problem.unauthorized(Problem.reason(refusal), invalidToken: true)
            await observer.refused(request, context: context, caller: .anonymous(readsPublic: false), collections: [], problem: problem)
            throw problem
        }
    }

    /// The caller a request's bearer token names, or an anonymous one without a token. Throws a 401
    /// problem for a malformed header and ``AccessStore/Refusal`` for a token that is not valid.
    static func caller(of request: Request, store: AccessStore, anonymousReads: Bool) async throws -> Caller {
        guard let header = request.headers[.authorization] else { return .anonymous(readsPublic: anonymousReads) }
        guard header.utf8.count > 7, header.utf8.prefix(7).elementsEqual("bearer ".utf8, by: { $0 | 0x20 == $1 }),
            case let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces), !token.isEmpty
        else {
            throw Problem.unauthorized("the Authorization header must be 'Bearer <token>' (POST /auth/login gives one)", invalidToken: true)
        }
        return try await store.authenticate(token: token)
    }

    private func check(_ rule: AccessRule?, caller: Caller, request: Request, context: Context, touched: inout Touched) async throws {
        guard let rule else {
            // No rule: the route is new and closed until it is given one in AccessPolicy.
            if caller.mayEverywhere(.administer) { return }
            throw caller.isAnonymous ? Problem.unauthorized("sign in first") : Problem(.forbidden, detail: "this route has no access rule yet")
        }
        switch rule {
        case .open:
            return
        case .publicData:
            if caller.isAnonymous && !anonymousReads { throw Problem.unauthorized("sign in first: anonymous reads are off") }
        case .signedIn:
            if caller.isAnonymous { throw Problem.unauthorized("sign in first") }
        case .everywhere(let permission):
            guard caller.mayEverywhere(permission) else { throw Problem.denied(caller, "\(permission.rawValue) on every collection") }
        case .everythingCleared(let permission):
            touched.sensitive = true
            guard caller.mayEverywhere(permission), caller.clearance == .classified else {
                throw Problem.denied(caller, "\(permission.rawValue) on every collection and classified clearance")
            }
        case .somewhere(let permission):
            guard caller.grants.contains(where: { $0.role.permissions.contains(permission) }) else {
                throw Problem.denied(caller, "\(permission.rawValue) on some collection")
            }
        case .collection(let parameter, let permission):
            guard let name = context.parameters.get(parameter) else { return }
            try await check(collection: name.removingPercentEncoding ?? name, permission, caller: caller, touched: &touched)
        case .collectionsInQuery(let parameter, let permission):
            if caller.isAnonymous && !anonymousReads { throw Problem.unauthorized("sign in first: anonymous reads are off") }
            let names = (request.uri.queryParameters.get(parameter) ?? "").split(separator: ",").map(String.init)
            for name in names { try await check(collection: name, permission, caller: caller, touched: &touched) }
            if names.isEmpty && permission != .read && caller.isAnonymous { throw Problem.unauthorized("sign in first") }
        }
    }

    /// 404 for a collection above the caller's clearance, 401/403 for a missing permission; an
    /// unknown collection goes on (the route answers its own 404, or creates it on an import).
    private func check(collection name: String, _ permission: Permission, caller: Caller, touched: inout Touched) async throws {
        touched.collections.append(name)
        if caller.isAnonymous && !anonymousReads { throw Problem.unauthorized("sign in first: anonymous reads are off") }
        let classification: String?
        if let collection = await registry.unscopedCollection(name) {
            classification = collection.metadata.classification
            if Clearance(label: classification) > .public { touched.sensitive = true }
            // Features with levels of their own: a caller cleared above public may receive non-public ones.
            if collection.metadata.classificationProperty != nil && caller.clearance > .public { touched.sensitive = true }
            guard caller.sees(classification: classification) else {
                throw Problem.notFound("no collection \(name); GET /collections lists them")
            }
        } else {
            // A collection yet to be made (an import's target): the grant decides.
            classification = nil
        }
        guard caller.may(permission, on: name, classification: classification) else {
            throw Problem.denied(caller, "\(permission.rawValue) on collection \(name)")
        }
    }
}

/// What the gate tells the audit trail.
protocol AccessObserver: Sendable {
    /// A request refused (401, 403 or 404 for a hidden collection).
    func refused(_ request: Request, context: some RequestContext, caller: Caller, collections: [String], problem: Problem) async
    /// A request answered; `sensitive`: it named non-public data.
    func answered(
        _ request: Request, context: some RequestContext, caller: Caller, collections: [String], sensitive: Bool, status: HTTPResponse.Status,
        bytes: Int?) async
}
