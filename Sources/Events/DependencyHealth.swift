import Foundation
import Synchronization

/// Whether this process reaches the services it depends on — Kafka, PostgreSQL, MQTT — as a
/// background probe last found them. `/health` answers from here, so a health check or a scrape
/// never waits for a broker or a database round trip. Which of them the process needs depends on
/// its roles; one it needs that is not reachable makes `/health` answer 503.
public final class DependencyHealth: Sendable {
    public enum Dependency: String, CaseIterable, Sendable, Comparable {
        case kafka, postgresql, mqtt

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// What the last probe of one dependency found.
    public struct Check: Sendable {
        public enum Status: String, Sendable {
            /// Not probed yet.
            case unknown
            case ok
            case error
        }

        public var status: Status
        /// Why it is not ok (the error the probe met), or what was probed.
        public var reason: String?
        public var latencyMilliseconds: Double?
        public var checkedAt: Date?

        public init(status: Status, reason: String? = nil, latencyMilliseconds: Double? = nil, checkedAt: Date? = nil) {
            self.status = status
            self.reason = reason
            self.latencyMilliseconds = latencyMilliseconds
            self.checkedAt = checkedAt
        }
    }

    /// The dependencies the process cannot work without.
    public let required: Set<Dependency>
    private let checks: Mutex<[Dependency: Check]>

    public init(required: Set<Dependency>) {
        self.required = required
        self.checks = Mutex(Dictionary(uniqueKeysWithValues: Dependency.allCases.map { ($0, Check(status: .unknown, reason: "not probed yet")) }))
    }

    /// Records what a probe found.
    public func record(_ dependency: Dependency, _ check: Check) {
        checks.withLock { $0[dependency] = check }
    }

    /// The last check of every dependency.
    public var snapshot: [Dependency: Check] { checks.withLock { $0 } }

    /// The required dependencies that are not ok, with why.
    public var failing: [(dependency: Dependency, reason: String)] {
        snapshot.filter { required.contains($0.key) && $0.value.status != .ok }.sorted { $0.key < $1.key }.map {
            ($0.key, $0.value.reason ?? $0.value.status.rawValue)
        }
    }
}
