import Database
import Events
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// `GET /health`: 200 once the database answers and every stage of the process is connected (the
/// MQTT bridge's subscriptions acknowledged, each processor and projection in its consumer group);
/// 503 otherwise, an RFC 9457 problem whose detail names each part that is not ready and what it
/// waits for (the same checks are in its `checks` member).
struct HealthCheck {
    let client: PostgresClient
    let readiness: Readiness?
    let logger: Logger

    func response() async throws -> Response {
        var checks: [String: any Sendable] = [:]
        var ready = true
        var missing: [String] = []
        let started = ContinuousClock.now
        do {
            try await client.ping(logger: logger)
            let elapsed = ContinuousClock.now - started
            let milliseconds = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
            checks["database"] = ["status": "ok", "latency_ms": milliseconds] as [String: any Sendable]
        } catch {
            ready = false
            missing.append("database (\(error))")
            checks["database"] = ["status": "unavailable", "error": "\(error)"] as [String: any Sendable]
        }
        if let readiness {
            let pending = readiness.pending
            if !pending.isEmpty { ready = false }
            missing += pending.map { "\($0.part) (waiting for \($0.waitingFor))" }
            checks["stages"] =
                pending.isEmpty
                ? ["status": "ok"] as [String: any Sendable]
                : [
                    "status": "starting",
                    "waiting": pending.map { ["stage": $0.part, "waiting_for": $0.waitingFor] as [String: any Sendable] },
                ] as [String: any Sendable]
        }
        guard !ready else { return try json(["status": "ok", "checks": checks]) }
        return try json(
            [
                "type": "about:blank", "title": "Service Unavailable", "status": 503, "instance": "/health",
                "detail": "not ready: \(missing.joined(separator: "; "))", "checks": checks,
            ], status: .serviceUnavailable, contentType: "application/problem+json")
    }
}
