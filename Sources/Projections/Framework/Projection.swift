import Kafka
import Logging
import PostgresNIO

/// A projection: it reads some topics and materialises their events into PostgreSQL tables that
/// only it writes. `ProjectionRunner` runs it live; `ProjectionRebuild` replays it into shadow tables.
///
/// A projection must be idempotent by event id: applying an event twice (after a crash, a redelivery
/// or a replay) leaves its tables as applying it once did.
public protocol Projection: Sendable {
    /// The rows one batch turns into, ready to write.
    associatedtype Rows: Sendable

    /// Stable name: keys the stored positions, the consumer group and the rebuild lock.
    var name: String { get }
    /// The topics it reads.
    var topics: [String] { get }
    /// Tables it alone writes. A rebuild recreates them as shadows and swaps them in; a projection
    /// with none cannot be rebuilt.
    var tables: [String] { get }

    /// Decodes a batch. Records it cannot use come back as failures with a reason (they become dead
    /// letters); records of types it does not handle are simply skipped.
    func prepare(_ messages: [KafkaMessage]) -> (rows: Rows, failures: [ProjectionFailure])

    /// Writes rows inside the caller's transaction, into `tables` (the live tables or the shadows).
    func write(_ rows: Rows, on connection: PostgresConnection, tables: ProjectionTables, logger: Logger) async throws

    /// Puts the shadows of a rebuild in shape once the replay has filled them, before their deferred
    /// indexes are built and they are swapped in (the sensor projection partitions what landed in the
    /// default partition and applies the retention). Nothing by default.
    func finishShadows(_ tables: ProjectionTables, client: PostgresClient, logger: Logger) async throws

    /// A fold for replays from the archive into empty shadows (`ProjectionFold`), or `nil` when the
    /// projection replays through `write` only (the default).
    func makeFold() -> (any ProjectionFold)?
}

extension Projection {
    /// The stage name dead letters carry, e.g. `projections.sensors`.
    public var stage: String { "projections.\(name)" }

    public func finishShadows(_ tables: ProjectionTables, client: PostgresClient, logger: Logger) async throws {}

    public func makeFold() -> (any ProjectionFold)? { nil }
}

/// A record a projection could not use, and why.
public struct ProjectionFailure: Sendable {
    public var message: KafkaMessage
    public var reason: String

    public init(message: KafkaMessage, reason: String) {
        self.message = message
        self.reason = reason
    }
}

/// Physical names of a projection's tables: the live ones, or the shadows a rebuild fills.
public struct ProjectionTables: Sendable, Hashable {
    public static let shadowSuffix = "__rebuild"
    public static let live = ProjectionTables(suffix: "")
    public static let shadow = ProjectionTables(suffix: shadowSuffix)

    let suffix: String

    init(suffix: String) {
        self.suffix = suffix
    }

    /// The quoted identifier of a table. Table names come from code, never from requests.
    public subscript(_ table: String) -> String { "\"\(table)\(suffix)\"" }

    /// The unquoted name.
    public func name(_ table: String) -> String { table + suffix }
}
