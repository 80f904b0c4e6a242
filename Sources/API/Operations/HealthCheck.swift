import Database
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// `GET /health`: 200 once every dependency the process needs is reachable and every stage of the
/// process is connected (the MQTT bridge's subscriptions acknowledged, each processor and projection
/// in its consumer group); 503 otherwise, an RFC 9457 problem whose detail names each part that is
/// not ready and why (the same checks are in its `checks` member).
///
/// `checks` holds `kafka`, `postgresql` and `mqtt` — each `ok`, `error` or `unknown` with a reason,
/// the latency and when it was probed, and whether this node's roles need it — as the background
/// ``DependencyHealth`` probe last found them, so a health check never waits for a broker. A process
/// without that probe pings PostgreSQL itself.
struct HealthCheck {
    let client: PostgresClient?
    let readiness: Readiness?
    let dependencies: DependencyHealth?
    let node: NodeIdentity?
    let logger: Logger

    func response() async throws -> Response {
        var checks: [String: any Sendable] = [:]
        var missing: [String] = []
        if let dependencies {
            for (dependency, check) in dependencies.snapshot {
                var entry: [String: any Sendable] = ["status": check.status.rawValue, "required": dependencies.required.contains(dependency)]
                if let reason = check.reason { entry["reason"] = reason }
                if let latency = check.latencyMilliseconds { entry["latency_ms"] = latency }
                if let checkedAt = check.checkedAt { entry["checked_at"] = Timestamp.format(checkedAt) }
                checks[dependency.rawValue] = entry
            }
            missing += dependencies.failing.map { "\($0.dependency.rawValue) (\($0.reason))" }
        } else if let client {
            let started = ContinuousClock.now
            do {
                try await client.ping(logger: logger)
                checks["postgresql"] =
                    ["status": "ok", "latency_ms": (ContinuousClock.now - started).fractionalMilliseconds, "required": true] as [String: any Sendable]
            } catch {
                missing.append("postgresql (\(error))")
                checks["postgresql"] = ["status": "error", "reason": "\(error)", "required": true] as [String: any Sendable]
            }
        }
        if let readiness {
            let pending = readiness.pending
            missing += pending.map { "\($0.part) (waiting for \($0.waitingFor))" }
            checks["stages"] =
                pending.isEmpty
                ? ["status": "ok"] as [String: any Sendable]
                : [
                    "status": "starting",
                    "waiting": pending.map { ["stage": $0.part, "waiting_for": $0.waitingFor] as [String: any Sendable] },
                ] as [String: any Sendable]
        }
        var body: [String: any Sendable] = ["checks": checks]
        if let node {
            body["node"] = ["id": node.id, "roles": node.roles, "version": node.version, "host": node.host] as [String: any Sendable]
        }
        guard !missing.isEmpty else {
            body["status"] = "ok"
            return try json(body)
        }
        body.merge(
            [
                "type": "about:blank", "title": "Service Unavailable", "status": 503, "instance": "/health",
                "detail": "not ready: \(missing.joined(separator: "; "))",
            ], uniquingKeysWith: { _, new in new })
        return try json(body, status: .serviceUnavailable, contentType: "application/problem+json")
    }
}

extension Duration {
    /// The duration in (fractional) milliseconds.
    var fractionalMilliseconds: Double { Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15 }
}
