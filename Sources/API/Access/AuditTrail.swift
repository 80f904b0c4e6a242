import Access
import Events
import Hummingbird
import Kafka
import Logging

/// Writes the audit trail: an `audit.recorded` event on the `audit` topic for every write, every
/// login, every read of non-public data and every refused request. The request waits for the
/// event log to take the entry, so nothing audited goes unrecorded; an entry the log refuses is
/// logged as an error (the answer is already decided by then).
struct AuditTrail: AccessObserver {
    let producer: KafkaProducer?
    let logger: Logger

    func refused(_ request: Request, context: some RequestContext, caller: Caller, collections: [String], problem: Problem) async {
        await record(
            AuditRecord(
                user: caller.name, roles: caller.roles, clearance: caller.clearance.description, action: Self.action(request, context),
                method: request.method.rawValue, target: Self.target(request), collections: collections, status: Int(problem.status.code),
                outcome: "denied", client: Self.client(request, context), reason: problem.detail))
    }

    func answered(
        _ request: Request, context: some RequestContext, caller: Caller, collections: [String], sensitive: Bool, status: HTTPResponse.Status,
        bytes: Int?
    ) async {
        let write = request.method != .get && request.method != .head
        // A login is audited by the login route itself, with the name it was for.
        guard write || sensitive, context.endpointPath != "/auth/login" else { return }
        await record(
            AuditRecord(
                user: caller.name, roles: caller.roles, clearance: caller.clearance.description, action: Self.action(request, context),
                method: request.method.rawValue, target: Self.target(request), collections: collections, status: Int(status.code),
                outcome: status.code < 400 ? "allowed" : "failed", client: Self.client(request, context), resultBytes: bytes))
    }

    /// A login attempt, by the name it was for.
    func login(_ request: Request, context: some RequestContext, name: String, status: HTTPResponse.Status, reason: String?) async {
        await record(
            AuditRecord(
                user: name, roles: [], clearance: "public", action: "login", method: request.method.rawValue, target: request.uri.path,
                collections: [], status: Int(status.code), outcome: reason == nil ? "allowed" : "denied", client: Self.client(request, context),
                reason: reason))
    }

    func record(_ entry: AuditRecord) async {
        guard let producer else { return }
        do {
            _ = try await producer.send(try entry.record())
        } catch {
            logger.error("audit entry not recorded", metadata: ["action": "\(entry.action)", "error": "\(error)"])
        }
    }

    static func action(_ request: Request, _ context: some RequestContext) -> String {
        "\(request.method.rawValue) \(context.endpointPath ?? request.uri.path)"
    }

    static func target(_ request: Request) -> String {
        request.uri.query.map { "\(request.uri.path)?\($0)" } ?? request.uri.path
    }

    static func client(_ request: Request, _ context: some RequestContext) -> String? {
        if let forwarded = request.headers[.init("X-Forwarded-For")!] { return forwarded }
        return (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress
    }
}
